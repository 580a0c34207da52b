package org.erofssim.zip;

import static org.erofssim.zip.ZMapBlocks.*;

import org.erofssim.sb.ErofsInode;

import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;
import org.erofssim.ondisk.LclusterIndex;
import org.erofssim.ondisk.ZMapHeader;

/**
 * The 6.13 code ({@code z_erofs_fill_inode_lazy}, {@code z_erofs_do_map_blocks}), with the pieces of
 * the 6.14-6.15 map rework that the 6.12 stable line took each behind its own {@link Behavior}:
 * {@link Behavior#ZMAP_NONHEAD_DELTA1_GRACEFUL}, {@link Behavior#ZMAP_COMPRESSEDLEN_REFINED},
 * {@link Behavior#ZMAP_TAIL_INLINE_SIMPLIFIED}, {@link Behavior#ZMAP_CLUSTERBITS_4BIT},
 * {@link Behavior#ZMAP_FRAGMENT_NOT_ENCODED}.
 */
final class ZMapLegacy extends ZMapAlgorithm {
    /** The reworked steps the 6.12 stable line shares with 6.15+ (compressed length). */
    private final ZMapReworked reworked;
    private final boolean tailSimplified;
    /** {@link Behavior#ZMAP_FRAGMENT_NOT_ENCODED}: fragment maps are MAPPED|FRAGMENT only. */
    private final boolean fragmentNotEncoded;
    /** {@link Behavior#PCLUSTER_SIZE_LIMITS}: an ENCODED map over 1 MiB / 12 MiB is refused. */
    private final boolean sizeLimits;

    ZMapLegacy(ZMapBlocks maps, SbInfo sbi, SbLog log) {
        super(maps, sbi, log);
        this.reworked = new ZMapReworked(maps, sbi, log);
        this.tailSimplified = sbi.kernel().has(Behavior.ZMAP_TAIL_INLINE_SIMPLIFIED);
        this.fragmentNotEncoded = sbi.kernel().has(Behavior.ZMAP_FRAGMENT_NOT_ENCODED);
        this.sizeLimits = sbi.kernel().has(Behavior.PCLUSTER_SIZE_LIMITS);
    }

    /**
     * {@code z_erofs_map_blocks_iter}: a whole-file fragment, or {@code z_erofs_do_map_blocks}; an
     * ENCODED map over 1 MiB physical or 12 MiB logical is EOPNOTSUPP from
     * {@link Behavior#PCLUSTER_SIZE_LIMITS} on (before {@link Behavior#ZMAP_FRAGMENT_NOT_ENCODED} a
     * tail fragment's map is ENCODED too).
     */
    @Override
    ZMapping mapIter(ErofsInode inode, ZInode z, long la, int flags) {
        ZMapping m;
        if ((z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0 && z.tailextentHeadlcn == 0) {
            int wholeFile = fragmentNotEncoded ? MAPPED | FRAGMENT : MAPPED | FULL_MAPPED | FRAGMENT;
            m = new ZMapping(0, inode.size(), 0, 0, wholeFile, 0);
        } else {
            m = maps.mapBlocks(inode, z, la, flags);
        }
        if (sizeLimits && (m.flags() & ENCODED) != 0
                && (m.plen() > PCLUSTER_MAX_SIZE || m.llen() > PCLUSTER_MAX_DSIZE)) {
            throw new KernelError(Errno.EOPNOTSUPP, "pcluster of nid " + inode.nid() + " too large");
        }
        return m;
    }

    /**
     * {@code z_erofs_alloc_pcluster}: no pool takes more than 1 MiB of compressed pages (EINVAL).
     * Reached only without {@link Behavior#PCLUSTER_SIZE_LIMITS} (6.1), whose map does not refuse it.
     */
    static void allocPcluster(SbInfo sbi, ZMapping map) {
        if (!sbi.kernel().has(Behavior.PCLUSTER_SIZE_LIMITS) && map.plen() > PCLUSTER_MAX_SIZE) {
            throw new KernelError(Errno.EINVAL, "no pcluster pool for " + map.plen() + " bytes");
        }
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
        return sbi.kernel().has(Behavior.ZMAP_CLUSTERBITS_4BIT) ? 15 : 7;
    }

    /**
     * With {@link Behavior#ZMAP_TAIL_INLINE_SIMPLIFIED} the header gives {@code h_fragmentoff} or
     * (without FRAGMENT_PCLUSTER) {@code h_idata_size}, never both; no encoded extents yet.
     */
    @Override
    boolean readHeaderTail(ErofsInode inode, ZInode z, ZMapHeader h) {
        if (tailSimplified) {
            if ((z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0) {
                z.fragmentoff = h.fragmentOff();
            } else if ((z.advise & ZMapHeader.ADVISE_INLINE_PCLUSTER) != 0) {
                z.idataSize = h.idataSize();
            }
        }
        return false;
    }

    @Override
    void findTail(ErofsInode inode, ZInode z, ZMapHeader h, String fn) {
        if (tailSimplified) {
            // one FINDTAIL map; the inline size check is the map's own (checkInlineTail)
            if (z.idataSize != 0 || (z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0) {
                maps.doMapBlocks(new Recorder(inode, z), 0, GET_BLOCKS_FINDTAIL);
            }
            return;
        }
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
            if (r.mplen == 0 || acrossBlock(r)) {
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
        return tailSimplified ? z.idataSize != 0 : (z.advise & ZMapHeader.ADVISE_INLINE_PCLUSTER) != 0;
    }

    @Override
    boolean wholeFileFragment(Recorder m, boolean fragmentNotFindingTail) {
        return false;
    }

    @Override
    void setTailOffset(ZInode z, long offset) {
        if (tailSimplified) {
            z.fragmentoff = offset; // idataoff and fragmentoff are one field
        } else {
            z.idataoff = offset;
        }
    }

    @Override
    long tailOffset(ZInode z) {
        return tailSimplified ? z.fragmentoff : z.idataoff;
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
        // with ZMAP_TAIL_INLINE_SIMPLIFIED every map of the tail checks it, with the old message
        if (tailSimplified && acrossBlock(m)) {
            log.err(fn, "invalid tail-packing pclustersize " + m.mplen);
            throw new KernelError(Errno.EUCLEAN);
        }
    }

    /** The tail fragment's flags: or-ed into the map's (MAPPED|ENCODED, ...), or assigned since {@link Behavior#ZMAP_FRAGMENT_NOT_ENCODED}. */
    @Override
    int fragmentFlags(int mflags) {
        return fragmentNotEncoded ? MAPPED | FRAGMENT : mflags | FRAGMENT;
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
        return sbi.kernel().has(Behavior.ZMAP_NONHEAD_DELTA1_GRACEFUL) && lclusterbits > 14;
    }

    @Override
    boolean zeroDistanceStopsBeforeLoading() {
        return false;
    }

    @Override
    void compressedLen(Recorder m, long initialLcn) {
        if (sbi.kernel().has(Behavior.ZMAP_COMPRESSEDLEN_REFINED)) {
            reworked.compressedLen(m, initialLcn);
            return;
        }
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
        // without ZMAP_NONHEAD_DELTA1_GRACEFUL a zero delta[1] is kept: the extent ends there
        if (sbi.kernel().has(Behavior.ZMAP_NONHEAD_DELTA1_GRACEFUL)) {
            reworked.fixZeroDelta1(m);
        }
    }
}
