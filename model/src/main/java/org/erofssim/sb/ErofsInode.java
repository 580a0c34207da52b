package org.erofssim.sb;

/**
 * An inode as {@code erofs_iget} leaves it (the VFS {@code inode} plus {@code erofs_inode}):
 * what stat shows and what the read path needs.
 *
 * @param nid          the inode number (also {@code st_ino} on 64-bit kernels)
 * @param iloc         byte position of the on-disk inode on the primary (metadata space)
 * @param dataOffset   byte position (metadata space) right after the inode and its inline xattrs:
 *                     where inline data and chunk indexes start
 * @param startBlk     {@code raw_blkaddr} (6.15+: {@code startblk} with the high bits), for
 *                     REG/DIR/LNK; {@link #NULL_ADDR} (all ones, never a real address) when a
 *                     6.15+ FLAT_PLAIN file is a whole hole
 * @param blocks       {@code i_blocks} in 512-byte units
 * @param fastSymlink  the target of a fast symlink (bytes up to the first NUL), else null
 * @param chunkBits    for CHUNK_BASED: {@code s_blocksize_bits + (format & 0x1F)}
 */
public record ErofsInode(long nid, long iloc, int layout, boolean extended, int isize, int xattrIsize,
                         int xattrIcount, int mode, long uid, long gid, long nlink, long size,
                         long mtime, long mtimeNsec, long startBlk, int rdevMajor, int rdevMinor,
                         int chunkFormat, int chunkBits, long blocks, byte[] fastSymlink, long rawIu) {

    /**
     * {@code EROFS_NULL_ADDR} as the 6.15+ kernel keeps it in the 64-bit {@code vi->startblk}:
     * all ones. Real start blocks have at most 48 bits, so the value cannot be mistaken for one
     * (a 32-bit all-ones marker could: 48-bit inodes may start at block 0xFFFFFFFF).
     */
    public static final long NULL_ADDR = -1L;
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    public long dataOffset() {
        return iloc + isize + xattrIsize;
    }

    public boolean isDir() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isReg() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    public boolean isCompressed() {
        return layout == 1 || layout == 3;
    }

    /** The contract's {@code type}: file, dir, symlink, chr, blk, fifo, sock. */
    public String typeName() {
        return switch (mode & S_IFMT) {
            case S_IFREG -> "file";
            case S_IFDIR -> "dir";
            case S_IFLNK -> "symlink";
            case S_IFCHR -> "chr";
            case S_IFBLK -> "blk";
            case S_IFIFO -> "fifo";
            case S_IFSOCK -> "sock";
            default -> "unknown";
        };
    }
}
