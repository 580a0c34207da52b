package org.erofssim.zip;

import static org.erofssim.zip.ZMapBlocks.*;

import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.NotModelled;

import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.MetaBuf;
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
        ZMapping m = extents(inode, z)
                ? mapExtents(inode, z, la)
                : maps.mapBlocks(inode, z, la, flags);
        sanityCheck(inode, m);
        return m;
    }

    private static boolean extents(ErofsInode inode, ZInode z) {
        return inode.layout() == DataLayout.COMPRESSED_FULL.value() && (z.advise & ADVISE_EXTENTS) != 0;
    }

    /**
     * {@code z_erofs_map_blocks_ext}: maps logical byte {@code la} of an inode with encoded
     * extents (mkfs.erofs 1.9 writes them for {@code -E48bit}, and for other layouts where they
     * are smaller than lcluster indexes). The records start at the map header's end rounded up to
     * the record size {@code recsz} ({@link ZMapBlocks#extentRecordSize}):
     * <ul>
     * <li>4 bytes: a u64 start address, then one u32 {@code plen} per lcluster; each extent's
     *     address is the start plus the encoded lengths before it (walked from lcluster 0);</li>
     * <li>8 bytes: per lcluster {@code plen} and a u32 {@code pstart_lo};</li>
     * <li>16 or 32 bytes: {@code z_extents} records with their logical start ({@code lstart_lo},
     *     32-byte records also {@code lstart_hi}) and a 64-bit physical start, binary-searched.
     *     A record starting past the file's end is EUCLEAN, silently.</li>
     * </ul>
     * The extent ends at the next record's start (or {@code i_size}). The last extent of an
     * inode with FRAGMENT_PCLUSTER is its fragment: {@code plen} (and, from 8-byte records, the
     * physical start's low word shifted up) is the fragment offset. Otherwise a non-zero encoded
     * length is a pcluster: bits 28-31 the algorithm plus one (0: plain, interlaced only when
     * the inode says so and the pcluster starts on a block boundary), bit 27 a partial reference.
     * A zero length is a hole. Walks are bounded like the index walks ({@link ZMapBlocks#MAX_STEPS}).
     */
    private ZMapping mapExtents(ErofsInode inode, ZInode z, long la) {
        int recsz = ZMapBlocks.extentRecordSize(z.advise);
        long headerEnd = ((inode.dataOffset() + 7) & -8L) + org.erofssim.ondisk.ZMapHeader.SIZE;
        long pos = (headerEnd + recsz - 1) / recsz * recsz;
        long lcl = 1L << z.lclusterbits;
        long lend = inode.size();
        long lstart;
        long mpa = 0;
        long mplen = 0;
        boolean last;
        int steps = 0;
        if (recsz <= 8) {
            long pa;
            if (recsz <= 4) {
                pa = u64(inode, pos);
                pos += 8;
                lstart = 0;
            } else {
                lstart = la / lcl * lcl;
                pos += (lstart >>> z.lclusterbits) * recsz;
                pa = -1; // EROFS_NULL_ADDR: addresses come from the records
            }
            for (; lstart <= la; lstart += lcl) {
                if (++steps > MAX_STEPS) {
                    throw new NotModelled("the encoded-extent walk of nid " + inode.nid() + " took more than " + MAX_STEPS + " steps");
                }
                mplen = u32(inode, pos);
                if (pa != -1) {
                    mpa = pa;
                    pa += mplen & EXTENT_PLEN_MASK;
                } else {
                    mpa = u32(inode, pos + 4);
                }
                pos += recsz;
            }
            last = lstart >= (lend + lcl - 1) / lcl * lcl;
            lend = Math.min(lstart, lend);
            lstart -= lcl;
        } else {
            lstart = lend;
            long l = 0;
            long r = z.extents;
            while (l < r) {
                if (++steps > MAX_STEPS) {
                    throw new NotModelled("the encoded-extent search of nid " + inode.nid() + " took more than " + MAX_STEPS + " steps");
                }
                long mid = l + (r - l) / 2;
                long at = pos + mid * recsz;
                long rla = u32(inode, at + 12);
                long rpa = u32(inode, at + 4) | u32(inode, at + 8) << 32;
                if (recsz > 16) {
                    rla |= u32(inode, at + 16) << 32;
                }
                if (Coverage.recording() && Long.compareUnsigned(rla, lend) <= 0 && lend < 0xFFFFFFFFL) {
                    // the comparison a fuzzer can flip: this record's start past the file's end
                    maps.hint(inode, "z_erofs_map_blocks_ext:extent-past-end", at + 12, 4, lend + 1);
                }
                if (Long.compareUnsigned(rla, la) > 0) {
                    r = mid;
                    if (Long.compareUnsigned(rla, lend) > 0) {
                        Coverage.hit("z_erofs_map_blocks_ext:extent-past-end");
                        throw new KernelError(Errno.EUCLEAN, "encoded extent " + mid + " of nid " + inode.nid()
                                + " starts at " + Long.toUnsignedString(rla) + ", past the file's end " + lend);
                    }
                    lend = rla;
                } else {
                    l = mid + 1;
                    if (la == rla) {
                        r = Math.min(l + 1, r);
                    }
                    lstart = rla;
                    mplen = u32(inode, at);
                    mpa = rpa;
                }
            }
            last = Long.compareUnsigned(l, z.extents) >= 0;
        }
        long mla = la;
        int mflags = 0;
        int malg = 0;
        if (Long.compareUnsigned(lstart, lend) < 0) {
            mla = lstart;
            if (last && (z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0) {
                mflags = fragmentFlags(0);
                z.fragmentoff = mplen;
                if (recsz > 4) {
                    z.fragmentoff |= mpa << 32;
                }
            } else if ((mplen & EXTENT_PLEN_MASK) != 0) {
                mflags = MAPPED | FULL_MAPPED | ENCODED;
                int fmt = (int) (mplen >>> EXTENT_PLEN_FMT_BIT);
                if (fmt != 0) {
                    malg = fmt - 1;
                } else if ((z.advise & ZMapHeader.ADVISE_INTERLACED_PCLUSTER) != 0
                        && (mpa & ((1L << sbi.blkszbits()) - 1)) == 0) {
                    malg = INTERLACED;
                } else {
                    malg = SHIFTED;
                }
                if ((mplen & EXTENT_PLEN_PARTIAL) != 0) {
                    mflags |= PARTIAL_REF;
                }
                mplen &= EXTENT_PLEN_MASK;
            }
        }
        return new ZMapping(mla, lend - mla, mpa, mplen, mflags, malg);
    }

    private long u32(ErofsInode inode, long pos) {
        return ZMapBlocks.u32(maps.metaPage(inode, pos), MetaBuf.inPage(pos));
    }

    private long u64(ErofsInode inode, long pos) {
        return u32(inode, pos) | u32(inode, pos + 4) << 32;
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
            Coverage.hit("z_erofs_map_sanity_check:pcluster-too-large");
            throw new KernelError(Errno.EOPNOTSUPP, "pcluster of nid " + inode.nid() + " too large");
        }
        long pend = m.pa() + m.plen();
        if (pend < m.pa() || (pend >>> sbi.blkszbits()) >= (1L << 48)) {
            Coverage.hit("z_erofs_map_sanity_check:pcluster-beyond-48bit");
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
        if (sbi.kernel().has(org.erofssim.kernel.Behavior.ZMAP_HEAD_FORMAT_CHECK)) {
            refuseUnknownHeads(inode, z, fn, COMPRESSION_MAX);
        }
    }

    @Override
    int clusterBitsMask() {
        return 15;
    }

    @Override
    boolean readHeaderTail(ErofsInode inode, ZInode z, ZMapHeader h) {
        if (extents(inode, z)) {
            // h_extents_lo (the u32 at 0) and h_extents_hi (the u16 at 6)
            z.extents = (h.fragmentOff() & U32) | ((long) (h.algorithmType() | h.clusterBits() << 8) << 32);
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
        if (acrossBlock(m)) {
            Coverage.hit("z_erofs_map_blocks_fo:inline-across-blocks");
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
                Coverage.hit("z_erofs_get_extent_compressedlen:bogus-cblkcnt");
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
