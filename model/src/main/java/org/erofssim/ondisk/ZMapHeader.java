package org.erofssim.ondisk;

import java.nio.ByteBuffer;

/**
 * The 8-byte map header of a compressed inode ({@code struct z_erofs_map_header} in
 * {@code fs/erofs/erofs_fs.h}), at {@code ALIGN(inode end + inline xattrs, 8)}:
 * u32 {@code h_fragmentoff} @0 (its high u16 @2 is also {@code h_idata_size}), u16
 * {@code h_advise} @4, u8 {@code h_algorithmtype} @6 (low nibble HEAD1, high nibble HEAD2),
 * u8 {@code h_clusterbits} @7 (low 3 bits: logical cluster bits above the block size at 6.13,
 * low 4 bits at 6.15+; bit 7: the whole file is a fragment of the packed inode, and the other
 * 63 bits of the header are its offset there).
 *
 * <p>A full (COMPRESSED_FULL) index array starts {@link #FULL_INDEX_PADDING} bytes after the
 * header; compact indexes start right after it.
 */
public record ZMapHeader(long fragmentOff, int idataSize, int advise, int algorithmType, int clusterBits) {
    public static final int SIZE = 8;
    public static final int OFF_FRAGMENTOFF = 0, OFF_IDATA_SIZE = 2, OFF_ADVISE = 4, OFF_ALGORITHMTYPE = 6,
            OFF_CLUSTERBITS = 7;
    /** {@code Z_EROFS_FULL_INDEX_ALIGN}: 8 reserved bytes between the header and full indexes. */
    public static final int FULL_INDEX_PADDING = 8;

    /** {@code Z_EROFS_ADVISE_COMPACTED_2B}: compact indexes use 2-byte packs where aligned. */
    public static final int ADVISE_COMPACTED_2B = 0x0001;
    /** {@code Z_EROFS_ADVISE_BIG_PCLUSTER_1}: HEAD1 pclusters may span several blocks. */
    public static final int ADVISE_BIG_PCLUSTER_1 = 0x0002;
    /** {@code Z_EROFS_ADVISE_BIG_PCLUSTER_2}: HEAD2 (and, from 6.15, PLAIN) pclusters may span several blocks. */
    public static final int ADVISE_BIG_PCLUSTER_2 = 0x0004;
    /** {@code Z_EROFS_ADVISE_INLINE_PCLUSTER}: the last pcluster is inline after the indexes (ztailpacking). */
    public static final int ADVISE_INLINE_PCLUSTER = 0x0008;
    /** {@code Z_EROFS_ADVISE_INTERLACED_PCLUSTER}: uncompressed pclusters are stored rotated by their in-block offset. */
    public static final int ADVISE_INTERLACED_PCLUSTER = 0x0010;
    /** {@code Z_EROFS_ADVISE_FRAGMENT_PCLUSTER}: the tail (or the whole file) lives in the packed inode. */
    public static final int ADVISE_FRAGMENT_PCLUSTER = 0x0020;
    /** Bit of {@code h_clusterbits} saying the whole file is a fragment ({@code Z_EROFS_FRAGMENT_INODE_BIT}). */
    public static final int FRAGMENT_INODE_BIT = 7;

    /** Decodes the header at {@code base}; bytes outside the buffer read as zero. */
    public static ZMapHeader decode(ByteBuffer buf, int base) {
        return new ZMapHeader(Le.u32(buf, (long) base + OFF_FRAGMENTOFF), Le.u16(buf, (long) base + OFF_IDATA_SIZE),
                Le.u16(buf, (long) base + OFF_ADVISE), Le.u8(buf, (long) base + OFF_ALGORITHMTYPE),
                Le.u8(buf, (long) base + OFF_CLUSTERBITS));
    }

    /** The whole header as one little-endian u64 (the fragment offset of a whole-file fragment). */
    public static long raw64(ByteBuffer buf, int base) {
        return Le.u64(buf, base);
    }

    /** Whether bit 7 of {@code h_clusterbits} is set: the whole file is in the packed inode. */
    public boolean wholeFileFragment() {
        return (clusterBits >> FRAGMENT_INODE_BIT) != 0;
    }

    /** The algorithm of HEAD1 lclusters (low nibble). */
    public int headAlgorithm1() {
        return algorithmType & 0xF;
    }

    /** The algorithm of HEAD2 lclusters (high nibble). */
    public int headAlgorithm2() {
        return algorithmType >> 4;
    }

    /** The 8 bytes of this header ({@code idataSize} overwrites the high half of {@code fragmentOff}). */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        Le.put(out, OFF_FRAGMENTOFF, 4, fragmentOff);
        Le.put(out, OFF_IDATA_SIZE, 2, idataSize);
        Le.put(out, OFF_ADVISE, 2, advise);
        Le.put(out, OFF_ALGORITHMTYPE, 1, algorithmType);
        Le.put(out, OFF_CLUSTERBITS, 1, clusterBits);
        return out;
    }
}
