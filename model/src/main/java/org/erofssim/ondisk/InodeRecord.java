package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An on-disk inode: the 32-byte compact form (the kernel's {@code struct erofs_inode_compact})
 * or the 64-byte extended form ({@code struct erofs_inode_extended}), both in
 * {@code fs/erofs/erofs_fs.h}; spec §7.1.
 *
 * <p>Components hold raw values of both forms:
 * <ul>
 * <li>{@code format} – {@code i_format} (u16 @0); {@code extended} is its bit 0, {@code layoutBits}
 *     bits 1..3 (see {@link DataLayout#of}).</li>
 * <li>{@code xattrIcount} (u16 @2), {@code mode} (u16 @4).</li>
 * <li>{@code nb} – u16 @6: compact {@code i_nlink} (6.15+ {@code i_nb}); extended: reserved
 *     (6.15+ {@code i_nb}).</li>
 * <li>{@code size} – compact u32 @8, extended u64 @8.</li>
 * <li>{@code iu} – the raw u32 union @16 (block address, compressed block count, rdev or chunk
 *     format); {@code ino32} – u32 @20.</li>
 * <li>{@code uid}/{@code gid} – compact u16 @24/@26, extended u32 @24/@28.</li>
 * <li>{@code mtime} – compact u32 @12 (6.13 reserved, 6.15+ seconds after the superblock epoch),
 *     extended u64 @32; {@code mtimeNsec} – extended u32 @40, compact 0 (not on disk).</li>
 * <li>{@code nlink} – extended u32 @44; compact: equal to {@code nb}.</li>
 * </ul>
 */
public record InodeRecord(int format, boolean extended, int layoutBits, int xattrIcount, int mode, long nb,
                          long size, long iu, long ino32, long uid, long gid, long mtime, long mtimeNsec,
                          long nlink) {
    /** Size of a compact inode. */
    public static final int COMPACT_SIZE = 32;
    /** Size of an extended inode. */
    public static final int EXTENDED_SIZE = 64;
    /** log2 of the inode slot size: nid * 32 is the inode's offset in the inode table. */
    public static final int ISLOTBITS = 5;

    /** Offsets shared by both forms. */
    public static final int OFF_FORMAT = 0, OFF_XATTR_ICOUNT = 2, OFF_MODE = 4, OFF_NB = 6, OFF_SIZE = 8,
            OFF_IU = 16, OFF_INO = 20, OFF_UID = 24;
    /** Compact-only offsets. */
    public static final int COMPACT_OFF_MTIME = 12, COMPACT_OFF_GID = 26, COMPACT_OFF_RESERVED2 = 28;
    /** Extended-only offsets. */
    public static final int EXTENDED_OFF_GID = 28, EXTENDED_OFF_MTIME = 32, EXTENDED_OFF_MTIME_NSEC = 40,
            EXTENDED_OFF_NLINK = 44, EXTENDED_OFF_RESERVED2 = 48;

    /** Size of the inline xattr header ({@link XattrIbodyHeader#SIZE}) the icount formula starts from. */
    private static final int XATTR_IBODY_BASE = 12;

    /**
     * Decodes the inode at index {@code base}: 32 bytes, or 64 when bit 0 of {@code i_format}
     * is set. Bytes outside the buffer read as zero; never throws.
     */
    public static InodeRecord decode(ByteBuffer buf, int base) {
        // the record's 64 bytes copied out in one bulk read, those outside the buffer left zero,
        // then the fields read from the array (session 14: a ByteBuffer read per field was most
        // of an inode's decode in a fuzz campaign's tree walk, where the model runs on C1)
        byte[] raw = new byte[EXTENDED_SIZE];
        long from = Math.max(0L, base);
        long to = Math.min((long) buf.limit(), (long) base + EXTENDED_SIZE);
        if (from < to) {
            buf.get((int) from, raw, (int) (from - base), (int) (to - from));
        }
        int format = u16(raw, OFF_FORMAT);
        boolean ext = (format & 1) != 0;
        int layout = (format >> 1) & 0x7;
        int icount = u16(raw, OFF_XATTR_ICOUNT);
        int mode = u16(raw, OFF_MODE);
        long nb = u16(raw, OFF_NB);
        long iu = u32(raw, OFF_IU);
        long ino = u32(raw, OFF_INO);
        if (ext) {
            return new InodeRecord(format, true, layout, icount, mode, nb,
                    u32(raw, OFF_SIZE) | u32(raw, OFF_SIZE + 4) << 32, iu, ino,
                    u32(raw, OFF_UID), u32(raw, EXTENDED_OFF_GID),
                    u32(raw, EXTENDED_OFF_MTIME) | u32(raw, EXTENDED_OFF_MTIME + 4) << 32,
                    u32(raw, EXTENDED_OFF_MTIME_NSEC), u32(raw, EXTENDED_OFF_NLINK));
        }
        return new InodeRecord(format, false, layout, icount, mode, nb,
                u32(raw, OFF_SIZE), iu, ino,
                u16(raw, OFF_UID), u16(raw, COMPACT_OFF_GID),
                u32(raw, COMPACT_OFF_MTIME), 0, nb);
    }

    /** Little-endian u16 of {@code raw} at {@code i}. */
    private static int u16(byte[] raw, int i) {
        return (raw[i] & 0xff) | (raw[i + 1] & 0xff) << 8;
    }

    /** Little-endian u32 of {@code raw} at {@code i}. */
    private static long u32(byte[] raw, int i) {
        return (u16(raw, i) | (long) u16(raw, i + 2) << 16) & 0xffffffffL;
    }

    /** On-disk size of this record: {@link #COMPACT_SIZE} or {@link #EXTENDED_SIZE}. */
    public int isize() {
        return extended ? EXTENDED_SIZE : COMPACT_SIZE;
    }

    /** Size of the inline xattr area: 0 when {@code xattrIcount} is 0, else {@code 12 + 4 * (icount - 1)}. */
    public int xattrIbodySize() {
        return xattrIcount == 0 ? 0 : XATTR_IBODY_BASE + 4 * (xattrIcount - 1);
    }

    /** The data layout, empty for the invalid values 5..7. */
    public Optional<DataLayout> layout() {
        return DataLayout.of(layoutBits);
    }

    /** {@code i_format} bits at and above bit 4 (6.13 rejects any; 6.15+ gives bit 4 a meaning). */
    public int formatHighBits() {
        return format >> 4;
    }

    /** File type bits of {@code mode} ({@code S_IFMT}). */
    public int fileTypeBits() {
        return mode & 0xF000;
    }

    /** The chunk format of a chunk-based inode: low 16 bits of {@code i_u}. */
    public int chunkFormat() {
        return (int) (iu & 0xFFFF);
    }
}
