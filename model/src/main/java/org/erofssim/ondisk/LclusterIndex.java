package org.erofssim.ondisk;

import java.nio.ByteBuffer;

/**
 * One 8-byte logical-cluster index of a COMPRESSED_FULL inode
 * ({@code struct z_erofs_lcluster_index}, erofs-utils 1.5 {@code z_erofs_vle_decompressed_index}):
 * u16 {@code di_advise} @0 (bits 0-1: the lcluster type; bit 15 at 6.2+:
 * {@link #PARTIAL_REF}), u16 {@code di_clusterofs} @2, then either u32 {@code blkaddr} @4
 * (head and plain lclusters) or u16 {@code delta[0]} @4 and u16 {@code delta[1]} @6
 * (non-head lclusters). Compact indexes pack the same information into 2- or 4-byte units
 * (decoded in {@code org.erofssim.zip.ZMapBlocks}).
 */
public record LclusterIndex(int advise, int clusterofs, long blkaddr) {
    public static final int SIZE = 8;
    public static final int OFF_ADVISE = 0, OFF_CLUSTEROFS = 2, OFF_BLKADDR = 4, OFF_DELTA0 = 4, OFF_DELTA1 = 6;

    /** {@code Z_EROFS_LCLUSTER_TYPE_PLAIN}: the head of an uncompressed pcluster. */
    public static final int TYPE_PLAIN = 0;
    /** {@code Z_EROFS_LCLUSTER_TYPE_HEAD1}: the head of a pcluster of algorithm HEAD1 (erofs-utils 1.5: HEAD). */
    public static final int TYPE_HEAD1 = 1;
    /** {@code Z_EROFS_LCLUSTER_TYPE_NONHEAD}: inside a pcluster's decompressed extent. */
    public static final int TYPE_NONHEAD = 2;
    /** {@code Z_EROFS_LCLUSTER_TYPE_HEAD2}: the head of a pcluster of algorithm HEAD2 (erofs-utils 1.5: reserved). */
    public static final int TYPE_HEAD2 = 3;
    /** {@code Z_EROFS_LI_LCLUSTER_TYPE_MASK}. */
    public static final int TYPE_MASK = 0x3;
    /** {@code Z_EROFS_LI_PARTIAL_REF}: the pcluster is only partly referenced (dedupe). */
    public static final int PARTIAL_REF = 0x8000;
    /** {@code Z_EROFS_LI_D0_CBLKCNT}: {@code delta[0]} of the first non-head lcluster holds the pcluster's block count. */
    public static final int D0_CBLKCNT = 0x0800;

    /** Decodes the entry at {@code base}; bytes outside the buffer read as zero. */
    public static LclusterIndex decode(ByteBuffer buf, int base) {
        return new LclusterIndex(Le.u16(buf, (long) base + OFF_ADVISE), Le.u16(buf, (long) base + OFF_CLUSTEROFS),
                Le.u32(buf, (long) base + OFF_BLKADDR));
    }

    public int type() {
        return advise & TYPE_MASK;
    }

    /** {@code delta[0]} of a non-head lcluster (the low half of the blkaddr word). */
    public int delta0() {
        return (int) (blkaddr & 0xFFFF);
    }

    /** {@code delta[1]} of a non-head lcluster (the high half of the blkaddr word). */
    public int delta1() {
        return (int) (blkaddr >>> 16);
    }

    /** A head or plain entry. */
    public static LclusterIndex head(int type, int clusterofs, long blkaddr) {
        return new LclusterIndex(type & TYPE_MASK, clusterofs, blkaddr);
    }

    /** A non-head entry with its two deltas. */
    public static LclusterIndex nonhead(int delta0, int delta1) {
        return new LclusterIndex(TYPE_NONHEAD, 0, (delta0 & 0xFFFFL) | (delta1 & 0xFFFFL) << 16);
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE];
        Le.put(out, OFF_ADVISE, 2, advise);
        Le.put(out, OFF_CLUSTEROFS, 2, clusterofs);
        Le.put(out, OFF_BLKADDR, 4, blkaddr);
        return out;
    }
}
