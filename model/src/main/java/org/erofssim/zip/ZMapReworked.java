package org.erofssim.zip;

import static org.erofssim.zip.ZMapBlocks.*;

import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.NotModelled;

import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;
import org.erofssim.ondisk.DataLayout;
import org.erofssim.ondisk.LclusterIndex;
import org.erofssim.ondisk.ZMapHeader;

/**
 * The 6.15+ rework as in 6.18.44 ({@code z_erofs_fill_inode}, {@code z_erofs_map_blocks_fo},
 * {@code z_erofs_map_sanity_check}).
 */
final class ZMapReworked extends ZMapAlgorithm {
    ZMapReworked(ZMapBlocks maps, SbInfo sbi, SbLog log) {
        super(maps, sbi, log);
    }

    @Override
    ZMapping mapIter(ErofsInode inode, ZInode z, long la, int flags) {
        if (inode.layout() == DataLayout.COMPRESSED_FULL.value() && (z.advise & ADVISE_EXTENTS) != 0) {
            throw new NotModelled("encoded extents (6.15+ compressed layout) of nid " + inode.nid());
        }
        ZMapping m = maps.mapBlocks(inode, z, la, flags);
        sanityCheck(inode, m);
        return m;
    }

    /** {@code z_erofs_map_sanity_check}. */
    private void sanityCheck(ErofsInode inode, ZMapping m) {
        if ((m.flags() & ENCODED) == 0) {
            return;
        }
        int alg = m.algorithm();
        if (alg >= RUNTIME_MAX) {
            Coverage.hit("z_erofs_map_sanity_check:unknown-algorithm");
            log.err("z_erofs_map_sanity_check", "unknown algorithm " + alg + " @ pos " + m.la() + " for nid "
                    + inode.nid() + ", please upgrade kernel");
            throw new KernelError(Errno.EOPNOTSUPP);
        }
        if (alg < COMPRESSION_MAX && (sbi.availableComprAlgs() & (1 << alg)) == 0) {
            Coverage.hit("z_erofs_map_sanity_check:inconsistent-algorithm");
            log.err("z_erofs_map_sanity_check", "inconsistent algorithmtype " + alg + " for nid " + inode.nid());
            throw new KernelError(Errno.EUCLEAN);
        }
        if (m.plen() > PCLUSTER_MAX_SIZE || m.llen() > PCLUSTER_MAX_DSIZE) {
            throw new KernelError(Errno.EOPNOTSUPP, "pcluster of nid " + inode.nid() + " too large");
        }
        long pend = m.pa() + m.plen();
        if (pend < m.pa() || (pend >>> sbi.blkszbits()) >= (1L << 48)) {
            throw new KernelError(Errno.EUCLEAN, "pcluster of nid " + inode.nid() + " beyond 48-bit addresses");
        }
    }

    @Override
    String fillFunction() {
        return "z_erofs_fill_inode";
    }

    @Override
    String mapFunction() {
        return "z_erofs_map_blocks_fo";
    }

    @Override
    void checkHeadAlgorithms(ErofsInode inode, ZInode z, String fn) {
    }

    @Override
    int clusterBitsMask() {
        return 15;
    }

    @Override
    boolean readHeaderTail(ErofsInode inode, ZInode z, ZMapHeader h) {
        if (inode.layout() == DataLayout.COMPRESSED_FULL.value() && (z.advise & ADVISE_EXTENTS) != 0) {
            return true;
        }
        if ((z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0) {
            z.fragmentoff = h.fragmentOff();
        } else if ((z.advise & ZMapHeader.ADVISE_INLINE_PCLUSTER) != 0) {
            z.idataSize = h.idataSize();
        }
        return false;
    }

    @Override
    void findTail(ErofsInode inode, ZInode z, ZMapHeader h, String fn) {
        if (z.idataSize != 0 || (z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0) {
            maps.mapBlocks(inode, z, 0, GET_BLOCKS_FINDTAIL);
        }
    }

    @Override
    boolean ztailpacking(ZInode z) {
        return z.idataSize != 0;
    }

    @Override
    boolean wholeFileFragment(Recorder m, boolean fragmentNotFindingTail) {
        if (fragmentNotFindingTail && m.z.tailextentHeadlcn == 0) {
            m.mla = 0;
            m.mllen = m.inode.size();
            m.mflags = MAPPED | FRAGMENT;
            return true;
        }
        return false;
    }

    @Override
    void setTailOffset(ZInode z, long offset) {
        z.fragmentoff = offset;
    }

    @Override
    long tailOffset(ZInode z) {
        return z.fragmentoff;
    }

    @Override
    void checkHeadBeforeLookback(Recorder m, String fn) {
    }

    @Override
    void checkInlineTail(Recorder m, String fn) {
        if ((m.mpa & ((1L << sbi.blkszbits()) - 1)) + m.mplen > (1L << sbi.blkszbits())) {
            log.err(fn, "ztailpacking inline data across blocks @ nid " + m.inode.nid());
            throw new KernelError(Errno.EUCLEAN);
        }
    }

    @Override
    int fragmentFlags(int mflags) {
        return MAPPED | FRAGMENT;
    }

    @Override
    void checkAlgorithmType(ErofsInode inode, int afmt, String fn) {
    }

    @Override
    boolean compactUnitTooLarge(int lclusterbits) {
        return lclusterbits > 14;
    }

    @Override
    boolean zeroDistanceStopsBeforeLoading() {
        return true;
    }

    @Override
    void compressedLen(Recorder m, long initialLcn) {
        String fn = "z_erofs_get_extent_compressedlen";
        ZInode z = m.z;
        int bits = z.lclusterbits;
        int blkbits = sbi.blkszbits();
        boolean big1 = (z.advise & ZMapHeader.ADVISE_BIG_PCLUSTER_1) != 0;
        boolean big2 = (z.advise & ZMapHeader.ADVISE_BIG_PCLUSTER_2) != 0;
        long lcn = m.lcn + 1;
        if ((m.headtype == LclusterIndex.TYPE_HEAD1 && !big1)
                || ((m.headtype == LclusterIndex.TYPE_PLAIN || m.headtype == LclusterIndex.TYPE_HEAD2) && !big2)
                || (lcn << bits) >= m.inode.size()) {
            m.compressedblks = 1;
        }
        if (m.compressedblks == 0) {
            maps.load(m, lcn, false);
            if (m.type == LclusterIndex.TYPE_NONHEAD && m.delta0 != 1) {
                log.err(fn, "bogus CBLKCNT @ lcn " + lcn + " of nid " + m.inode.nid());
                throw new KernelError(Errno.EUCLEAN);
            }
            if (m.type != LclusterIndex.TYPE_NONHEAD || m.compressedblks == 0) {
                m.compressedblks = 1;
            }
        }
        m.mplen = (m.compressedblks & U32) << blkbits;
    }

    @Override
    void fixZeroDelta1(Recorder m) {
        if (m.delta1 == 0) {
            m.delta1 = 1; // pre-1.0 mkfs wrote zero delta[1]s
        }
    }
}
