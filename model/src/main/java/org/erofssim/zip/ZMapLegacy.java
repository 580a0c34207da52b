package org.erofssim.zip;

import static org.erofssim.zip.ZMapBlocks.*;

import org.erofssim.sb.ErofsInode;

import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;
import org.erofssim.ondisk.LclusterIndex;
import org.erofssim.ondisk.ZMapHeader;

/** The 6.13 code ({@code z_erofs_fill_inode_lazy}, {@code z_erofs_do_map_blocks}). */
final class ZMapLegacy extends ZMapAlgorithm {
    ZMapLegacy(ZMapBlocks maps, SbInfo sbi, SbLog log) {
        super(maps, sbi, log);
    }

    @Override
    ZMapping mapIter(ErofsInode inode, ZInode z, long la, int flags) {
        ZMapping m;
        if ((z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0 && z.tailextentHeadlcn == 0) {
            m = new ZMapping(0, inode.size(), 0, 0, MAPPED | FULL_MAPPED | FRAGMENT, 0);
        } else {
            m = maps.mapBlocks(inode, z, la, flags);
        }
        if ((m.flags() & ENCODED) != 0 && (m.plen() > PCLUSTER_MAX_SIZE || m.llen() > PCLUSTER_MAX_DSIZE)) {
            throw new KernelError(Errno.EOPNOTSUPP, "pcluster of nid " + inode.nid() + " too large");
        }
        return m;
    }

    @Override
    String fillFunction() {
        return "z_erofs_fill_inode_lazy";
    }

    @Override
    String mapFunction() {
        return "z_erofs_do_map_blocks";
    }

    /**
     * {@code Z_EROFS_COMPRESSION_MAX} of the release: LZ4 and LZMA (6.1), DEFLATE from
     * {@link org.erofssim.kernel.Behavior#DEFLATE_ALGORITHM}, Zstandard from
     * {@link org.erofssim.kernel.Behavior#ZSTD_ALGORITHM} [obs-6.1.0-57: {@code unknown HEAD1 format 2}
     * for a DEFLATE inode, fuzz seed 15, session 10].
     */
    private int compressionMax() {
        return sbi.kernel().has(org.erofssim.kernel.Behavior.ZSTD_ALGORITHM) ? COMPRESSION_MAX
                : sbi.kernel().has(org.erofssim.kernel.Behavior.DEFLATE_ALGORITHM) ? DEFLATE + 1 : LZMA + 1;
    }

    @Override
    void checkHeadAlgorithms(ErofsInode inode, ZInode z, String fn) {
        refuseUnknownHeads(inode, z, fn, compressionMax());
    }

    @Override
    int clusterBitsMask() {
        return 7;
    }

    @Override
    boolean readHeaderTail(ErofsInode inode, ZInode z, ZMapHeader h) {
        return false;
    }

    @Override
    void findTail(ErofsInode inode, ZInode z, ZMapHeader h, String fn) {
        int bits = sbi.blkszbits();
        if ((z.advise & ZMapHeader.ADVISE_INLINE_PCLUSTER) != 0) {
            z.idataSize = h.idataSize();
            Recorder r = new Recorder(inode, z);
            KernelError failed = null;
            try {
                maps.doMapBlocks(r, 0, GET_BLOCKS_FINDTAIL);
            } catch (KernelError e) {
                failed = e;
            }
            // the size check runs whatever the map returned (and overrides its error)
            if (r.mplen == 0 || (r.mpa & ((1L << bits) - 1)) + r.mplen > (1L << bits)) {
                log.err(fn, "invalid tail-packing pclustersize " + r.mplen);
                throw new KernelError(Errno.EUCLEAN);
            }
            if (failed != null) {
                throw failed;
            }
        }
        if ((z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0) {
            z.fragmentoff = h.fragmentOff();
            maps.doMapBlocks(new Recorder(inode, z), 0, GET_BLOCKS_FINDTAIL);
        }
    }

    @Override
    boolean ztailpacking(ZInode z) {
        return (z.advise & ZMapHeader.ADVISE_INLINE_PCLUSTER) != 0;
    }

    @Override
    boolean wholeFileFragment(Recorder m, boolean fragmentNotFindingTail) {
        return false;
    }

    @Override
    void setTailOffset(ZInode z, long offset) {
        z.idataoff = offset;
    }

    @Override
    long tailOffset(ZInode z) {
        return z.idataoff;
    }

    @Override
    void checkHeadBeforeLookback(Recorder m, String fn) {
        if (m.lcn == 0) {
            log.err(fn, "invalid logical cluster 0 at nid " + m.inode.nid());
            throw new KernelError(Errno.EUCLEAN);
        }
    }

    @Override
    void checkInlineTail(Recorder m, String fn) {
    }

    @Override
    int fragmentFlags(int mflags) {
        return mflags | FRAGMENT;
    }

    @Override
    void checkAlgorithmType(ErofsInode inode, int afmt, String fn) {
        if (afmt >= 31 || (sbi.availableComprAlgs() & (1 << afmt)) == 0) {
            log.err(fn, "inconsistent algorithmtype " + afmt + " for nid " + inode.nid());
            throw new KernelError(Errno.EUCLEAN);
        }
    }

    @Override
    boolean compactUnitTooLarge(int lclusterbits) {
        return false;
    }

    @Override
    boolean zeroDistanceStopsBeforeLoading() {
        return false;
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
        if (m.headtype == LclusterIndex.TYPE_PLAIN
                || (m.headtype == LclusterIndex.TYPE_HEAD1 && !big1)
                || (m.headtype == LclusterIndex.TYPE_HEAD2 && !big2)) {
            m.mplen = 1L << bits;
            return;
        }
        if (m.compressedblks == 0) {
            maps.load(m, lcn, false);
            if (m.type != LclusterIndex.TYPE_NONHEAD) {
                m.compressedblks = 1L << (bits - blkbits);
            } else {
                if (m.delta0 != 1) {
                    log.err(fn, "bogus CBLKCNT @ lcn " + lcn + " of nid " + m.inode.nid());
                    throw new KernelError(Errno.EUCLEAN);
                }
                if (m.compressedblks == 0) {
                    log.err(fn, "cannot found CBLKCNT @ lcn " + lcn + " of nid " + m.inode.nid());
                    throw new KernelError(Errno.EUCLEAN);
                }
            }
        }
        m.mplen = (m.compressedblks & U32) << blkbits;
    }

    @Override
    void fixZeroDelta1(Recorder m) {
        // 6.13 keeps a zero delta[1]: the extent ends there
    }
}
