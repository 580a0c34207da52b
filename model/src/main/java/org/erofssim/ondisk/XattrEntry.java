package org.erofssim.ondisk;

import java.nio.ByteBuffer;

/**
 * The 4-byte head of one xattr entry (the kernel's {@code struct erofs_xattr_entry} in
 * {@code fs/erofs/erofs_fs.h}): u8 name length @0, u8 name index (prefix) @1, u16 value size @2;
 * the name and then the value follow, the whole entry padded to 4 bytes.
 */
public record XattrEntry(int nameLen, int nameIndex, int valueSize) {
    public static final int SIZE = 4;
    public static final int OFF_NAME_LEN = 0, OFF_NAME_INDEX = 1, OFF_VALUE_SIZE = 2;
    /** Name index of the {@code user.} prefix. */
    public static final int INDEX_USER = 1;

    /** Decodes the entry head at index {@code base}; bytes outside the buffer read as zero. */
    public static XattrEntry decode(ByteBuffer buf, int base) {
        return new XattrEntry(Le.u8(buf, (long) base + OFF_NAME_LEN), Le.u8(buf, (long) base + OFF_NAME_INDEX),
                Le.u16(buf, (long) base + OFF_VALUE_SIZE));
    }

    /** Bytes the whole entry takes: head, name and value, rounded up to 4. */
    public int entrySize() {
        return (SIZE + nameLen + valueSize + 3) & ~3;
    }
}
