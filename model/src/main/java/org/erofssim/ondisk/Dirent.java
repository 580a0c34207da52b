package org.erofssim.ondisk;

import java.nio.ByteBuffer;

/**
 * A 12-byte directory entry (the kernel's {@code struct erofs_dirent} in
 * {@code fs/erofs/erofs_fs.h}), spec §7.3: u64 nid @0, u16 name offset within the directory
 * block @8, u8 file type @10, one reserved byte @11.
 */
public record Dirent(long nid, int nameoff, int fileType) {
    public static final int SIZE = 12;
    public static final int OFF_NID = 0, OFF_NAMEOFF = 8, OFF_FILE_TYPE = 10, OFF_RESERVED = 11;

    /** File type codes ({@code EROFS_FT_*}). */
    public static final int FT_UNKNOWN = 0, FT_REG_FILE = 1, FT_DIR = 2, FT_CHRDEV = 3, FT_BLKDEV = 4,
            FT_FIFO = 5, FT_SOCK = 6, FT_SYMLINK = 7;

    /** Decodes the entry at index {@code base}; bytes outside the buffer read as zero. */
    public static Dirent decode(ByteBuffer buf, int base) {
        return new Dirent(Le.u64(buf, (long) base + OFF_NID), Le.u16(buf, (long) base + OFF_NAMEOFF),
                Le.u8(buf, (long) base + OFF_FILE_TYPE));
    }

    /** The 12 bytes of this entry (reserved byte zero). */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        Le.put(out, OFF_NID, 8, nid);
        Le.put(out, OFF_NAMEOFF, 2, nameoff);
        Le.put(out, OFF_FILE_TYPE, 1, fileType);
        return out;
    }
}
