package org.erofssim.zip;

import org.erofssim.kernel.KernelError;

import org.erofssim.kernel.Errno;

import org.erofssim.kernel.Coverage;

import static org.erofssim.zip.ZMapBlocks.*;

import org.erofssim.sb.ErofsInode;

import org.erofssim.kernel.Behavior;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;
import org.erofssim.ondisk.ZMapHeader;

/**
 * The steps where the 6.13 map code and the 6.15+ rework ({@link Behavior#ZMAP_REWORK})
 * differ; everything else is shared in {@link ZMapBlocks}. One instance per {@link ZMapBlocks},
 * chosen when it is made ({@link #of}).
 */
abstract class ZMapAlgorithm {
    final ZMapBlocks maps;
    final SbInfo sbi;
    final SbLog log;

    ZMapAlgorithm(ZMapBlocks maps, SbInfo sbi, SbLog log) {
        this.maps = maps;
        this.sbi = sbi;
        this.log = log;
    }

    /** The algorithm of {@code sbi}'s kernel: {@link ZMapReworked} with {@link Behavior#ZMAP_REWORK}, else {@link ZMapLegacy}. */
    static ZMapAlgorithm of(ZMapBlocks maps, SbInfo sbi, SbLog log) {
        return sbi.kernel().has(Behavior.ZMAP_REWORK) ? new ZMapReworked(maps, sbi, log) : new ZMapLegacy(maps, sbi, log);
    }

    /** {@code z_erofs_map_blocks_iter} around the shared {@link ZMapBlocks#doMapBlocks}. */
    abstract ZMapping mapIter(ErofsInode inode, ZInode z, long la, int flags);

    /** The function the map-header errors name. */
    abstract String fillFunction();

    /** The function the map errors name. */
    abstract String mapFunction();

    /** The map header's algorithm check (6.13 only; 6.15+ checks each map instead). */
    abstract void checkHeadAlgorithms(ErofsInode inode, ZInode z, String fn);

    /**
     * {@code z_erofs_fill_inode_lazy}'s check of the two head algorithms against
     * {@code Z_EROFS_COMPRESSION_MAX} ({@code max}): {@code unknown HEADn format f for nid N,
     * please upgrade kernel}, EOPNOTSUPP.
     */
    final void refuseUnknownHeads(ErofsInode inode, ZInode z, String fn, int max) {
        if (z.algorithm[0] >= max || z.algorithm[1] >= max) {
            int headnr = z.algorithm[0] >= max ? 0 : 1;
            Coverage.hit("z_erofs_fill_inode_lazy:unknown-head-format");
            log.err(fn, "unknown HEAD" + (headnr + 1) + " format " + z.algorithm[headnr] + " for nid "
                    + inode.nid() + ", please upgrade kernel");
            throw new KernelError(Errno.EOPNOTSUPP);
        }
    }

    /** The bits of {@code h_clusterbits} that count. */
    abstract int clusterBitsMask();

    /**
     * Reads what the header holds beyond the common fields; true when the inode needs no more
     * (6.15+ encoded extents).
     */
    abstract boolean readHeaderTail(ErofsInode inode, ZInode z, ZMapHeader h);

    /** Finds the tail pcluster (ztailpacking, fragments) when the header is read. */
    abstract void findTail(ErofsInode inode, ZInode z, ZMapHeader h, String fn);

    /** Whether the inode's last pcluster is inline. */
    abstract boolean ztailpacking(ZInode z);

    /** 6.15+: a whole-file fragment maps without loading an index (fills {@code m}). */
    abstract boolean wholeFileFragment(Recorder m, boolean fragmentNotFindingTail);

    abstract void setTailOffset(ZInode z, long offset);

    abstract long tailOffset(ZInode z);

    /** A head lcluster whose extent starts before it: 6.13 refuses lcluster 0 here. */
    abstract void checkHeadBeforeLookback(Recorder m, String fn);

    /** 6.15+: an inline pcluster must not cross a block. */
    abstract void checkInlineTail(Recorder m, String fn);

    /** Whether the inline pcluster {@code m} mapped (its position and length) runs past its block's end. */
    final boolean acrossBlock(Recorder m) {
        long bs = 1L << sbi.blkszbits();
        return (m.mpa & (bs - 1)) + m.mplen > bs;
    }

    abstract int fragmentFlags(int mflags);

    /** 6.13: the head's algorithm must be one the superblock enables. */
    abstract void checkAlgorithmType(ErofsInode inode, int afmt, String fn);

    /** 6.15+: compact indexes of lclusters above 16 KiB are refused. */
    abstract boolean compactUnitTooLarge(int lclusterbits);

    /** Whether a zero lookback distance is caught before loading (6.15+) or after (6.13). */
    abstract boolean zeroDistanceStopsBeforeLoading();

    /** {@code z_erofs_get_extent_compressedlen}: {@code m_plen} of the extent's pcluster. */
    abstract void compressedLen(Recorder m, long initialLcn);

    /** A non-head lcluster's zero {@code delta[1]} while extending the extent. */
    abstract void fixZeroDelta1(Recorder m);
}
