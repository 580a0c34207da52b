package org.erofssim.ondisk;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One long xattr name prefix (the kernel's {@code struct erofs_xattr_long_prefix} in
 * {@code fs/erofs/erofs_fs.h}): u8 base index @0 (a predefined prefix such as 1 {@code user.}),
 * then the infix bytes to the end of the record, without a trailing NUL. The full prefix is the
 * base index's prefix followed by the infix; an xattr entry whose name index is
 * {@code 0x80 | n} stores only the name after the full prefix of table entry {@code n}.
 *
 * <p>On disk the table holds {@code xattr_prefix_count} records in the variable-sized metadata
 * format read by {@code erofs_read_metadata}: each record starts at a 4-byte aligned offset with
 * a little-endian u16 length ({@link #LENGTH_SIZE} bytes; 0 stands for 65536) of the record that
 * follows. The table starts at byte {@code xattr_prefix_start * 4} of the metadata area, or of
 * the packed or metabox inode's data where the kernel looks there (the mount model's
 * {@code XattrPrefixes}). The kernel accepts a record whose length is at least
 * {@link #HEAD_SIZE} and at most {@link #MAX_SIZE} ({@code EROFS_NAME_LEN} + 1).
 */
public record XattrLongPrefix(int baseIndex, byte[] infix) {
    /** The u16 length in front of each record. */
    public static final int LENGTH_SIZE = 2;
    /** Offsets inside the record (after the length). */
    public static final int OFF_BASE_INDEX = 0, OFF_INFIX = 1;
    /** {@code sizeof(struct erofs_xattr_long_prefix)}: the base index alone. */
    public static final int HEAD_SIZE = 1;
    /** The longest accepted record: {@code EROFS_NAME_LEN} (255) infix bytes + the base index. */
    public static final int MAX_SIZE = 256;
    /** Records start at offsets rounded up to this. */
    public static final int ALIGN = 4;

    public XattrLongPrefix {
        infix = infix.clone();
    }

    /** The record of {@code body} (its length's bytes, base index first); empty bodies read as base index 0. */
    public static XattrLongPrefix decode(byte[] body) {
        int base = body.length > OFF_BASE_INDEX ? body[OFF_BASE_INDEX] & 0xFF : 0;
        byte[] infix = body.length > OFF_INFIX ? Arrays.copyOfRange(body, OFF_INFIX, body.length) : new byte[0];
        return new XattrLongPrefix(base, infix);
    }

    @Override public byte[] infix() {
        return infix.clone();
    }

    /** The record as stored: u16 length, base index, infix, zero-padded to {@link #ALIGN}. */
    public byte[] encode() {
        byte[] body = new byte[HEAD_SIZE + infix.length];
        body[OFF_BASE_INDEX] = (byte) baseIndex;
        System.arraycopy(infix, 0, body, OFF_INFIX, infix.length);
        return stored(body.length, body);
    }

    /**
     * A stored record with any length field (for corrupt tables): u16 {@code lengthField}, then
     * {@code body}, zero-padded to {@link #ALIGN}.
     */
    public static byte[] stored(int lengthField, byte[] body) {
        int size = LENGTH_SIZE + body.length;
        byte[] out = new byte[(size + ALIGN - 1) / ALIGN * ALIGN];
        Le.put(out, 0, LENGTH_SIZE, lengthField);
        System.arraycopy(body, 0, out, LENGTH_SIZE, body.length);
        return out;
    }

    /** The records one after the other: a whole table as {@code mkfs.erofs} would lay it out. */
    public static byte[] table(XattrLongPrefix... prefixes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (XattrLongPrefix p : prefixes) {
            out.writeBytes(p.encode());
        }
        return out.toByteArray();
    }

    @Override public boolean equals(Object o) {
        return o instanceof XattrLongPrefix p && p.baseIndex == baseIndex && Arrays.equals(p.infix, infix);
    }

    @Override public int hashCode() {
        return 31 * baseIndex + Arrays.hashCode(infix);
    }

    @Override public String toString() {
        return "XattrLongPrefix[baseIndex=" + baseIndex + ", infix=" + HexFormat.of().formatHex(infix) + "]";
    }
}
