package org.erofssim.zip;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.DataLayout;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.LclusterIndex;
import org.erofssim.ondisk.ZMapHeader;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.NotModelled;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code z_erofs_map_blocks_iter} (fs/erofs/zmap.c): where a logical byte of a compressed inode
 * lives, for the full (COMPRESSED_FULL) and compact (COMPRESSED_COMPACT, 2- and 4-byte packs)
 * logical-cluster indexes erofs-utils writes, with big pclusters (CBLKCNT in the first non-head
 * lcluster), uncompressed (PLAIN) pclusters, ztailpacking (an inline last pcluster) and the map
 * side of fragments.
 *
 * <p>One instance per superblock keeps what {@code z_erofs_fill_inode_lazy} (6.15+:
 * {@code z_erofs_fill_inode}) read from each inode's map header, as the kernel does once per
 * in-memory inode ({@code EROFS_I_Z_INITED_BIT}); a failed fill is retried, and logs again, on
 * the next map.
 *
 * <p>Kernel versions: the 6.13 code (the main commit's tree: {@code z_erofs_do_map_blocks},
 * index loads through {@code erofs_read_metabuf} at byte offsets) and the reworked one of
 * {@link Behavior#ZMAP_REWORK} (6.18.44: {@code z_erofs_map_blocks_fo} and
 * {@code z_erofs_map_sanity_check}). The steps where they differ are the methods of
 * {@link ZMapAlgorithm}; the constructor picks {@link ZMapLegacy} or {@link ZMapReworked} once,
 * and the shared code calls the step without asking which it has. Both return {@code -EOPNOTSUPP} silently for a pcluster
 * larger than 1 MiB or an extent decoding to more than 12 MiB ("erofs: restrict pcluster size
 * limitations", 6.13-rc1). The 6.15+ encoded extents ({@code Z_EROFS_ADVISE_EXTENTS} of a full
 * inode, written by erofs-utils 1.9) are mapped by {@code ZMapReworked#mapExtents} ({@code z_erofs_map_blocks_ext}).
 *
 * <p>Sources: the 6.13 behaviour was read in the 6.10–6.12 zmap.c plus the 6.13-rc1 patches
 * (byte-offset metabuf reads, {@code kaddr} removal, pcluster size limits); the 6.18 behaviour
 * in a 6.17-era zmap.c plus "consolidate z_erofs_extent_lookback()" (Oct 2025). Every 6.18 log
 * line here was also observed on this machine's 6.18.44 with the same damage ({@code bogus
 * lookback distance}, {@code unknown algorithm}, {@code inconsistent algorithmtype},
 * {@code per-inode big pcluster}, {@code head1/2 ... consistent}, {@code ztailpacking inline data
 * across blocks}, a missing CBLKCNT read as one block), see {@code LiveCompressedTest}.
 *
 * <p>Every loop over on-disk indexes is bounded by {@link #MAX_STEPS}: a crafted index that
 * would keep the kernel walking for hours raises {@link NotModelled} instead of hanging.
 */
public final class ZMapBlocks {
    /** {@code EROFS_MAP_MAPPED}. */
    public static final int MAPPED = 0x0001;
    /** {@code EROFS_MAP_META}: the pcluster is inline in the metadata (ztailpacking). */
    public static final int META = 0x0002;
    /** {@code EROFS_MAP_ENCODED}: the extent is a pcluster (compressed or plain). */
    public static final int ENCODED = 0x0004;
    /** {@code EROFS_MAP_FULL_MAPPED}: {@code m_llen} reaches the extent's real end. */
    public static final int FULL_MAPPED = 0x0008;
    /** {@code EROFS_MAP_FRAGMENT}: the bytes live in the packed inode. */
    public static final int FRAGMENT = 0x0010;
    /** {@code EROFS_MAP_PARTIAL_REF}: only part of the pcluster belongs to this extent. */
    public static final int PARTIAL_REF = 0x0020;

    /** {@code EROFS_GET_BLOCKS_FIEMAP}: also find the extent's full decompressed length. */
    public static final int GET_BLOCKS_FIEMAP = 0x0002;
    /** {@code EROFS_GET_BLOCKS_READMORE}: the same, for LZMA/DEFLATE/ZSTD readahead. */
    public static final int GET_BLOCKS_READMORE = 0x0004;
    /** {@code EROFS_GET_BLOCKS_FINDTAIL}: map the last byte to find the tail pcluster. */
    public static final int GET_BLOCKS_FINDTAIL = 0x0008;

    /** {@code Z_EROFS_COMPRESSION_*} and the runtime formats. */
    public static final int LZ4 = 0, LZMA = 1, DEFLATE = 2, ZSTD = 3, COMPRESSION_MAX = 4,
            SHIFTED = 4, INTERLACED = 5, RUNTIME_MAX = 6;
    /** {@code Z_EROFS_PCLUSTER_MAX_SIZE}. */
    public static final long PCLUSTER_MAX_SIZE = 1L << 20;
    /** {@code Z_EROFS_PCLUSTER_MAX_DSIZE}. */
    public static final long PCLUSTER_MAX_DSIZE = 12L << 20;
    /**
     * {@code Z_EROFS_ADVISE_EXTENTS} (6.15+ encoded extents): the same bit as
     * {@code Z_EROFS_ADVISE_COMPACTED_2B}, which means extents only for a COMPRESSED_FULL inode;
     * bits 1-2 of {@code h_advise} then give the record size ({@link #extentRecordSize}).
     */
    public static final int ADVISE_EXTENTS = 0x0001;
    /** {@code Z_EROFS_EXTENT_PLEN_PARTIAL}: the extent uses only part of its pcluster. */
    public static final long EXTENT_PLEN_PARTIAL = 1L << 27;
    /** {@code Z_EROFS_EXTENT_PLEN_FMT_BIT}: bits 28-31 of {@code plen} hold the algorithm plus one (0: plain). */
    public static final int EXTENT_PLEN_FMT_BIT = 28;
    /** {@code Z_EROFS_EXTENT_PLEN_MASK}: the encoded length, up to twice the largest pcluster. */
    public static final long EXTENT_PLEN_MASK = (PCLUSTER_MAX_SIZE << 1) - 1;
    /** Index loads one map call may make before the model gives up (see class comment). */
    public static final int MAX_STEPS = 1 << 20;

    static final long U32 = 0xFFFFFFFFL;

    /**
     * The answer of one map call: {@code m_la}, {@code m_llen}, {@code m_pa}, {@code m_plen},
     * {@code m_flags} and {@code m_algorithmformat}. For a hole (past the end of the file)
     * {@code la} is {@code i_size} and {@code llen} reaches the asked byte.
     */
    public record ZMapping(long la, long llen, long pa, long plen, int flags, int algorithm) {
        public boolean mapped() {
            return (flags & MAPPED) != 0;
        }

        public boolean meta() {
            return (flags & META) != 0;
        }

        public boolean fullMapped() {
            return (flags & FULL_MAPPED) != 0;
        }

        public boolean fragment() {
            return (flags & FRAGMENT) != 0;
        }

        public long end() {
            return la + llen;
        }
    }

    /** What the lazy fill keeps per inode ({@code z_*} fields of {@code struct erofs_inode}). */
    static final class ZInode {
        int advise;
        final int[] algorithm = new int[2];
        int lclusterbits;
        int idataSize;
        long idataoff;
        long fragmentoff;
        long tailextentHeadlcn;
        /** {@code z_extents}: the number of encoded-extent records (16- and 32-byte records only). */
        long extents;
    }

    /** {@code z_erofs_extent_recsize}: 4, 8, 16 or 32 bytes by bits 1-2 of {@code h_advise}. */
    static int extentRecordSize(int advise) {
        return 4 << ((advise >> 1) & 3);
    }

    /** {@code struct z_erofs_maprecorder} plus the {@code erofs_map_blocks} being filled. */
    static final class Recorder {
        final ErofsInode inode;
        final ZInode z;
        long lcn;
        int type;
        int headtype;
        int clusterofs;
        int delta0;
        int delta1;
        long pblk;
        long compressedblks;
        long nextpackoff;
        boolean partialref;
        int steps;
        // the erofs_map_blocks fields
        long mla;
        long mllen;
        long mpa;
        long mplen;
        int mflags;
        int malg;

        Recorder(ErofsInode inode, ZInode z) {
            this.inode = inode;
            this.z = z;
        }

        ZMapping mapping() {
            return new ZMapping(mla, mllen, mpa, mplen, mflags, malg);
        }
    }

    private final SbInfo sbi;
    private final MetaBuf buf;
    private final SbLog log;
    private final ZMapAlgorithm alg;
    private final Map<Long, ZInode> inited;
    /** {@link Behavior#ZMAP_COMPACT_CLUSTEROFS_CHECK}. */
    private final boolean compactClusterofsCheck;
    private ZMapBlocks quiet;

    public ZMapBlocks(SbInfo sbi, MetaBuf buf, SbLog log) {
        this(sbi, buf, log, new HashMap<>());
    }

    private ZMapBlocks(SbInfo sbi, MetaBuf buf, SbLog log, Map<Long, ZInode> inited) {
        this.sbi = sbi;
        this.buf = buf;
        this.log = log;
        this.alg = ZMapAlgorithm.of(this, sbi, log);
        this.inited = inited;
        this.compactClusterofsCheck = sbi.kernel().has(Behavior.ZMAP_COMPACT_CLUSTEROFS_CHECK);
    }

    /**
     * The same maps without log lines, sharing what was read from the map headers: for the
     * model's own look-ahead (sizing a readahead window), which the kernel does not make and
     * must not appear in the log.
     */
    ZMapBlocks quiet() {
        if (quiet == null) {
            quiet = new ZMapBlocks(sbi, buf, new SbLog(new org.erofssim.kernel.KernelLog(), sbi.kernel(), sbi.sId()),
                    inited);
        }
        return quiet;
    }

    /**
     * {@code z_erofs_map_blocks_iter}: maps logical byte {@code la} of a compressed inode.
     *
     * <ul>
     * <li>{@code la >= i_size}: unmapped, {@code m_la = i_size}, {@code m_llen = la + 1 - i_size}.</li>
     * <li>Otherwise the inode's map header is read once; then the lcluster holding {@code la}
     *     (the last byte with {@link #GET_BLOCKS_FINDTAIL}) is loaded. A head lcluster whose
     *     {@code clusterofs} is at or before {@code la} starts the extent; otherwise the extent
     *     is the previous one, found by walking {@code delta[0]} back to its head, and ends at
     *     this head ({@link #FULL_MAPPED}). The extent ends at the end of the loaded lcluster
     *     (for ztailpacking at most at {@code i_size}), or with {@link #GET_BLOCKS_FIEMAP} at the
     *     next head lcluster or the end of the file.</li>
     * <li>The tail pcluster of a ztailpacking inode is {@link #META} at the inline data after
     *     the indexes; others are at {@code pblk * bs}, one lcluster (6.13: for PLAIN and for a
     *     head without its BIG_PCLUSTER advise) or CBLKCNT blocks long.</li>
     * </ul>
     *
     * @throws KernelError with the kernel's errno, after the kernel's log line where it logs one
     * @throws NotModelled for the 6.15+ encoded-extent layout or a walk longer than {@link #MAX_STEPS}
     */
    public ZMapping map(ErofsInode inode, long la, int flags) {
        long size = inode.size();
        if (la >= size || size < 0) {
            return new ZMapping(Math.max(size, 0), la + 1 - Math.max(size, 0), 0, 0, 0, 0);
        }
        return alg.mapIter(inode, fillInode(inode), la, flags);
    }

    /** {@code erofs_read_metabuf} of the superblock's metadata: the page holding byte {@code pos}. */
    ByteBuffer metaPage(ErofsInode inode, long pos) {
        return sbi.metaBuf(inode, buf).page(pos);
    }

    /** {@code z_fragmentoff} of an inode: where its fragment starts in the packed inode (after the map that found it). */
    public long fragmentOff(ErofsInode inode) {
        return fillInode(inode).fragmentoff;
    }

    /** The lclusterbits of an inode (after its map header was read), for callers sizing reads. */
    public int lclusterbits(ErofsInode inode) {
        return fillInode(inode).lclusterbits;
    }

    /** The map header's {@code h_advise} of an inode (reads the header when not done yet). */
    public int advise(ErofsInode inode) {
        return fillInode(inode).advise;
    }

    /** {@code z_erofs_fill_inode_lazy} (6.13) / {@code z_erofs_fill_inode} (6.15+). */
    private ZInode fillInode(ErofsInode inode) {
        ZInode done = inited.get(inode.nid());
        if (done != null) {
            return done;
        }
        String fn = alg.fillFunction();
        int bits = sbi.blkszbits();
        long pos = align8(inode.dataOffset());
        ByteBuffer page = sbi.metaBuf(inode, buf).page(pos);
        int at = MetaBuf.inPage(pos);
        ZMapHeader h = ZMapHeader.decode(page, at);
        ZInode z = new ZInode();
        if (h.wholeFileFragment()) {
            z.advise = ZMapHeader.ADVISE_FRAGMENT_PCLUSTER;
            z.fragmentoff = ZMapHeader.raw64(page, at) ^ (1L << 63);
            z.tailextentHeadlcn = 0;
            inited.put(inode.nid(), z);
            return z;
        }
        z.advise = h.advise();
        z.algorithm[0] = h.headAlgorithm1();
        z.algorithm[1] = h.headAlgorithm2();
        alg.checkHeadAlgorithms(inode, z, fn);
        z.lclusterbits = bits + (h.clusterBits() & alg.clusterBitsMask());
        if (alg.readHeaderTail(inode, z, h)) {
            inited.put(inode.nid(), z);
            return z;
        }
        int big = ZMapHeader.ADVISE_BIG_PCLUSTER_1 | ZMapHeader.ADVISE_BIG_PCLUSTER_2;
        if (Coverage.recording()) {
            headerHints(inode, z, h, pos, bits, big);
        }
        if (!sbi.hasIncompat(FeatureIncompat.BIG_PCLUSTER.bit()) && (z.advise & big) != 0) {
            Coverage.hit("z_erofs_fill_inode_lazy:big-pcluster-without-feature");
            log.err(fn, "per-inode big pcluster without sb feature for nid " + inode.nid());
            throw new KernelError(Errno.EUCLEAN);
        }
        if (inode.layout() == DataLayout.COMPRESSED_COMPACT.value()
                && ((z.advise & ZMapHeader.ADVISE_BIG_PCLUSTER_1) == 0) != ((z.advise & ZMapHeader.ADVISE_BIG_PCLUSTER_2) == 0)) {
            Coverage.hit("z_erofs_fill_inode_lazy:big-pcluster-heads-inconsistent");
            log.err(fn, "big pcluster head1/2 of compact indexes should be consistent for nid " + inode.nid());
            throw new KernelError(Errno.EUCLEAN);
        }
        alg.findTail(inode, z, h, fn);
        inited.put(inode.nid(), z);
        return z;
    }

    /**
     * The comparisons of the map header a fuzzer can flip ({@link Coverage#hint}): a big-pcluster
     * advise bit without the superblock feature, one of the two compact big-pcluster bits
     * without the other, and a cluster size with no compact pack format.
     */
    private void headerHints(ErofsInode inode, ZInode z, ZMapHeader h, long pos, int bits, int big) {
        int big1 = ZMapHeader.ADVISE_BIG_PCLUSTER_1;
        if (!sbi.hasIncompat(FeatureIncompat.BIG_PCLUSTER.bit()) && (z.advise & big) == 0) {
            hint(inode, "z_erofs_fill_inode_lazy:big-pcluster-without-feature", pos + ZMapHeader.OFF_ADVISE, 2,
                    z.advise | big1);
        }
        boolean compact = inode.layout() == DataLayout.COMPRESSED_COMPACT.value();
        if (compact && ((z.advise & big1) == 0) == ((z.advise & ZMapHeader.ADVISE_BIG_PCLUSTER_2) == 0)) {
            hint(inode, "z_erofs_fill_inode_lazy:big-pcluster-heads-inconsistent", pos + ZMapHeader.OFF_ADVISE, 2,
                    z.advise ^ ZMapHeader.ADVISE_BIG_PCLUSTER_2);
        }
        // 2-byte packs hold lclusters of at most 4 KiB: 8 KiB ones with COMPACTED_2B have no pack
        // format (the file needs more than 16 lclusters past the initial 4-byte ones for a 2-byte pack);
        // 4-byte packs up to 16 KiB are caught earlier (lcn-beyond) on the reworked map
        int mask = alg.clusterBitsMask();
        long blocks = (inode.size() + (1L << bits) - 1) >>> bits;
        if (compact && z.lclusterbits <= 12 && bits <= 13 && 13 - bits <= mask && blocks >= 24) {
            long fields = (z.advise | ZMapHeader.ADVISE_COMPACTED_2B) | (long) h.algorithmType() << 16
                    | (long) ((h.clusterBits() & ~mask & 0xFF) | (13 - bits)) << 24;
            hint(inode, "z_erofs_load_compact_lcluster:unsupported-unit", pos + ZMapHeader.OFF_ADVISE, 4, fields);
        }
    }

    /**
     * A hint at metadata byte {@code pos} of {@code inode} when that is the byte {@code pos} of
     * the primary image (not a metabox inode's, no {@code fsoffset}).
     */
    void hint(ErofsInode inode, String id, long pos, int width, long value) {
        if (sbi.metaBuf(inode, null) == null && sbi.fsoffset() == 0) {
            Coverage.hint(id, pos, width, value);
        }
    }

    /**
     * A hint that sets bits {@code [bitpos, bitpos + nbits)} of the compact pack starting at
     * image byte {@code packPos} (page offset {@code in}) to {@code value}: the bytes those bits
     * lie in, as the pack holds them with the bits replaced.
     */
    private void bitsHint(ErofsInode inode, String id, ByteBuffer page, int in, long packPos, int bitpos, int nbits,
                          long value) {
        int first = bitpos >> 3;
        int shift = bitpos & 7;
        int width = (shift + nbits + 7) >> 3;
        long cur = 0;
        for (int k = width - 1; k >= 0; k--) {
            int idx = in + first + k;
            cur = cur << 8 | (idx >= 0 && idx < page.capacity() ? page.get(idx) & 0xFF : 0);
        }
        long mask = ((1L << nbits) - 1) << shift;
        hint(inode, id, packPos + first, width, (cur & ~mask) | ((value << shift) & mask));
    }

    ZMapping mapBlocks(ErofsInode inode, ZInode z, long la, int flags) {
        Recorder r = new Recorder(inode, z);
        doMapBlocks(r, la, flags);
        return r.mapping();
    }

    /** {@code z_erofs_do_map_blocks} (6.13) / {@code z_erofs_map_blocks_fo} (6.15+). */
    void doMapBlocks(Recorder m, long la, int flags) {
        ErofsInode inode = m.inode;
        ZInode z = m.z;
        String fn = alg.mapFunction();
        boolean ztailpacking = alg.ztailpacking(z);
        boolean fragment = (z.advise & ZMapHeader.ADVISE_FRAGMENT_PCLUSTER) != 0;
        boolean findtail = (flags & GET_BLOCKS_FINDTAIL) != 0;
        int bits = z.lclusterbits;
        long size = inode.size();
        long ofs = findtail ? size - 1 : la;
        if (alg.wholeFileFragment(m, fragment && !findtail)) {
            return;
        }
        long initialLcn = ofs >>> bits;
        long endoff = ofs & ((1L << bits) - 1);
        load(m, initialLcn, false);
        if (ztailpacking && findtail) {
            alg.setTailOffset(z, m.nextpackoff);
        }
        m.mflags = MAPPED | ENCODED;
        long end = (m.lcn + 1) << bits;
        if (m.type != LclusterIndex.TYPE_NONHEAD && endoff >= m.clusterofs) {
            m.headtype = m.type;
            m.mla = (m.lcn << bits) | m.clusterofs;
            if (ztailpacking && end > size) {
                end = size;
            }
        } else {
            if (m.type != LclusterIndex.TYPE_NONHEAD) {
                alg.checkHeadBeforeLookback(m, fn);
                end = (m.lcn << bits) | m.clusterofs;
                m.mflags |= FULL_MAPPED;
                m.delta0 = 1;
            }
            lookback(m, m.delta0);
        }
        if (m.partialref) {
            m.mflags |= PARTIAL_REF;
        }
        m.mllen = end - m.mla;
        if (findtail) {
            z.tailextentHeadlcn = m.lcn;
            if (fragment && inode.layout() == DataLayout.COMPRESSED_FULL.value()) {
                z.fragmentoff |= (m.pblk & U32) << 32;
            }
        }
        if (ztailpacking && m.lcn == z.tailextentHeadlcn) {
            m.mflags |= META;
            m.mpa = alg.tailOffset(z);
            m.mplen = z.idataSize;
            alg.checkInlineTail(m, fn);
        } else if (fragment && m.lcn == z.tailextentHeadlcn) {
            m.mflags = alg.fragmentFlags(m.mflags);
        } else {
            m.mpa = (m.pblk & U32) << sbi.blkszbits();
            alg.compressedLen(m, initialLcn);
        }
        if (m.headtype == LclusterIndex.TYPE_PLAIN) {
            if (m.mllen > m.mplen) {
                Coverage.hit("z_erofs_map_blocks_fo:plain-longer-than-pcluster");
                throw new KernelError(Errno.EUCLEAN, "plain extent of nid " + inode.nid() + " longer than its pcluster");
            }
            // an inline tail is no interlaced pcluster since Behavior.ZMAP_INLINE_TAIL_SHIFTED
            boolean interlaced = (z.advise & ZMapHeader.ADVISE_INTERLACED_PCLUSTER) != 0
                    && ((m.mflags & META) == 0 || !sbi.kernel().has(Behavior.ZMAP_INLINE_TAIL_SHIFTED));
            m.malg = interlaced ? INTERLACED : SHIFTED;
        } else {
            int afmt = m.headtype == LclusterIndex.TYPE_HEAD2 ? z.algorithm[1] : z.algorithm[0];
            alg.checkAlgorithmType(inode, afmt, fn);
            m.malg = afmt;
        }
        boolean readmore = (flags & GET_BLOCKS_READMORE) != 0
                && (m.malg == LZMA || m.malg == DEFLATE || m.malg == ZSTD) && m.mllen >= (1L << sbi.blkszbits());
        if ((flags & GET_BLOCKS_FIEMAP) != 0 || readmore) {
            decompressedLen(m);
            m.mflags |= FULL_MAPPED;
        }
    }

    /** {@code z_erofs_load_lcluster_from_disk}. */
    void load(Recorder m, long lcn, boolean lookahead) {
        if (++m.steps > MAX_STEPS) {
            throw new NotModelled("the compressed index walk of nid " + m.inode.nid() + " took more than "
                    + MAX_STEPS + " steps");
        }
        int layout = m.inode.layout();
        if (layout == DataLayout.COMPRESSED_FULL.value()) {
            loadFull(m, lcn);
        } else if (layout == DataLayout.COMPRESSED_COMPACT.value()) {
            loadCompact(m, lcn, lookahead);
            // a HEAD's 12-bit clusterofs of a sub-page lcluster may pass its end (silent EUCLEAN)
            if (compactClusterofsCheck && m.type != LclusterIndex.TYPE_NONHEAD && m.clusterofs >= 1L << m.z.lclusterbits) {
                Coverage.hit("z_erofs_load_lcluster_from_disk:compact-clusterofs-beyond");
                throw new KernelError(Errno.EUCLEAN, "clusterofs beyond the lcluster, nid " + m.inode.nid());
            }
        } else {
            throw new KernelError(Errno.EINVAL, "not a compressed layout");
        }
    }

    /** {@code z_erofs_load_full_lcluster} (6.13 {@code legacy_load_cluster_from_disk}). */
    private void loadFull(Recorder m, long lcn) {
        ZInode z = m.z;
        long pos = align8(m.inode.dataOffset()) + ZMapHeader.SIZE + ZMapHeader.FULL_INDEX_PADDING
                + lcn * LclusterIndex.SIZE;
        ByteBuffer page = sbi.metaBuf(m.inode, buf).page(pos);
        LclusterIndex di = LclusterIndex.decode(page, MetaBuf.inPage(pos));
        m.lcn = lcn;
        m.nextpackoff = pos + LclusterIndex.SIZE;
        m.type = di.type();
        if (Coverage.recording()) {
            fullHints(m, page, pos, di);
        }
        if (m.type == LclusterIndex.TYPE_NONHEAD) {
            m.clusterofs = 1 << z.lclusterbits;
            m.delta0 = di.delta0();
            if ((m.delta0 & LclusterIndex.D0_CBLKCNT) != 0) {
                if ((z.advise & (ZMapHeader.ADVISE_BIG_PCLUSTER_1 | ZMapHeader.ADVISE_BIG_PCLUSTER_2)) == 0) {
                    Coverage.hit("z_erofs_load_full_lcluster:cblkcnt-without-big-pcluster");
                    throw new KernelError(Errno.EUCLEAN, "CBLKCNT without big pcluster, nid " + m.inode.nid());
                }
                m.compressedblks = m.delta0 & ~LclusterIndex.D0_CBLKCNT;
                m.delta0 = 1;
            }
            m.delta1 = di.delta1();
        } else {
            m.partialref = (di.advise() & LclusterIndex.PARTIAL_REF) != 0;
            m.clusterofs = di.clusterofs();
            if (m.clusterofs >= 1L << z.lclusterbits) {
                Coverage.hit("z_erofs_load_full_lcluster:clusterofs-beyond");
                throw new KernelError(Errno.EUCLEAN, "clusterofs beyond the lcluster, nid " + m.inode.nid());
            }
            m.pblk = di.blkaddr();
        }
    }

    /**
     * The comparisons of a full index a fuzzer can flip: the CBLKCNT bit of a NONHEAD (or of a
     * HEAD made NONHEAD) without big pcluster advise, a HEAD's clusterofs at the lcluster size.
     */
    private void fullHints(Recorder m, ByteBuffer page, long pos, LclusterIndex di) {
        int big = ZMapHeader.ADVISE_BIG_PCLUSTER_1 | ZMapHeader.ADVISE_BIG_PCLUSTER_2;
        String cblk = "z_erofs_load_full_lcluster:cblkcnt-without-big-pcluster";
        int at = MetaBuf.inPage(pos);
        if ((m.z.advise & big) == 0) {
            if (m.type == LclusterIndex.TYPE_NONHEAD) {
                if ((di.delta0() & LclusterIndex.D0_CBLKCNT) == 0) {
                    hint(m.inode, cblk, pos + LclusterIndex.OFF_DELTA0, 2, di.delta0() | LclusterIndex.D0_CBLKCNT);
                }
            } else {
                long raw = u32(page, at) | u32(page, at + 4) << 32;
                long nonhead = (raw & ~(long) LclusterIndex.TYPE_MASK) | LclusterIndex.TYPE_NONHEAD;
                nonhead = (nonhead & ~(0xFFFFL << 32)) | (long) (LclusterIndex.D0_CBLKCNT | 1) << 32;
                hint(m.inode, cblk, pos, 8, nonhead);
            }
        }
        if (m.type != LclusterIndex.TYPE_NONHEAD && m.z.lclusterbits < 16 && di.clusterofs() < 1 << m.z.lclusterbits) {
            hint(m.inode, "z_erofs_load_full_lcluster:clusterofs-beyond", pos + LclusterIndex.OFF_CLUSTEROFS, 2,
                    1 << m.z.lclusterbits);
        }
    }

    /** {@code z_erofs_load_compact_lcluster} (with {@code unpack_compacted_index}). */
    private void loadCompact(Recorder m, long lcn, boolean lookahead) {
        ZInode z = m.z;
        int lclusterbits = z.lclusterbits;
        long ebase = align8(m.inode.dataOffset()) + ZMapHeader.SIZE;
        long bs = 1L << sbi.blkszbits();
        long totalidx = (m.inode.size() + bs - 1) >>> sbi.blkszbits();
        if (lcn >= totalidx || alg.compactUnitTooLarge(lclusterbits)) {
            Coverage.hit("z_erofs_load_compact_lcluster:lcn-beyond");
            throw new KernelError(Errno.EINVAL, "lcn " + lcn + " beyond the compact index of nid " + m.inode.nid());
        }
        m.lcn = lcn;
        long initial = ((32 - ebase % 32) / 4) & 7;
        long compacted2b = 0;
        if ((z.advise & ZMapHeader.ADVISE_COMPACTED_2B) != 0 && initial < totalidx) {
            compacted2b = (totalidx - initial) / 16 * 16;
        }
        long pos = ebase;
        int amortizedshift = 2;
        long rel = lcn;
        if (rel >= initial) {
            pos += initial * 4;
            rel -= initial;
            if (rel < compacted2b) {
                amortizedshift = 1;
            } else {
                pos += compacted2b * 2;
                rel -= compacted2b;
            }
        }
        pos += rel << amortizedshift;
        int vcnt;
        if (amortizedshift == 2 && lclusterbits <= 14) {
            vcnt = 2;
        } else if (amortizedshift == 1 && lclusterbits <= 12) {
            vcnt = 16;
        } else {
            Coverage.hit("z_erofs_load_compact_lcluster:unsupported-unit");
            throw new KernelError(Errno.EOPNOTSUPP, "unsupported compact index unit");
        }
        ByteBuffer page = sbi.metaBuf(m.inode, buf).page(pos);
        int packBytes = vcnt << amortizedshift;
        m.nextpackoff = pos / packBytes * packBytes + packBytes;
        int lobits = Math.max(lclusterbits, 12);
        int encodebits = (packBytes - 4) * 8 / vcnt;
        int bytes = (int) (pos & (packBytes - 1));
        int in = MetaBuf.inPage(pos) - bytes; // pack start within the page
        int i = bytes >> amortizedshift;
        boolean bigPcluster = (z.advise & ZMapHeader.ADVISE_BIG_PCLUSTER_1) != 0;

        long v = bits(page, in, encodebits * i);
        int lo = lo(v, lobits);
        int type = type(v, lobits);
        m.type = type;
        long packPos = pos - bytes;
        if (!bigPcluster && Coverage.recording()) {
            // the CBLKCNT bit of this lcluster (made NONHEAD) without BIG_PCLUSTER_1
            bitsHint(m.inode, "z_erofs_load_compact_lcluster:cblkcnt-without-big-pcluster", page, in, packPos,
                    encodebits * i, lobits + 2, (long) LclusterIndex.TYPE_NONHEAD << lobits
                            | (lo | LclusterIndex.D0_CBLKCNT) & ((1L << lobits) - 1));
        }
        if (type == LclusterIndex.TYPE_NONHEAD) {
            m.clusterofs = 1 << lclusterbits;
            if (lookahead) {
                m.delta1 = laDistance(page, in, lobits, encodebits, vcnt, i);
            }
            if ((lo & LclusterIndex.D0_CBLKCNT) != 0) {
                if (!bigPcluster) {
                    Coverage.hit("z_erofs_load_compact_lcluster:cblkcnt-without-big-pcluster");
                    throw new KernelError(Errno.EUCLEAN, "CBLKCNT without big pcluster, nid " + m.inode.nid());
                }
                m.compressedblks = lo & ~LclusterIndex.D0_CBLKCNT;
                m.delta0 = 1;
                return;
            } else if (i + 1 != vcnt) {
                m.delta0 = lo;
                return;
            }
            // the last lcluster of a pack holds delta[1]; delta[0] comes from the one before
            long pv = bits(page, in, encodebits * (i - 1));
            int plo = lo(pv, lobits);
            if (type(pv, lobits) != LclusterIndex.TYPE_NONHEAD) {
                plo = 0;
            } else if ((plo & LclusterIndex.D0_CBLKCNT) != 0) {
                plo = 1;
            }
            m.delta0 = (plo + 1) & 0xFFFF;
            return;
        }
        m.clusterofs = lo;
        m.delta0 = 0;
        long nblk;
        if (!bigPcluster) {
            nblk = 1;
            while (i > 0) {
                --i;
                long w = bits(page, in, encodebits * i);
                if (type(w, lobits) == LclusterIndex.TYPE_NONHEAD) {
                    i -= lo(w, lobits);
                }
                if (i >= 0) {
                    ++nblk;
                }
            }
        } else {
            nblk = 0;
            while (i > 0) {
                --i;
                long w = bits(page, in, encodebits * i);
                int wlo = lo(w, lobits);
                if (Coverage.recording() && (type(w, lobits) != LclusterIndex.TYPE_NONHEAD || wlo > 1)) {
                    // a plain delta[0] of 1 in this lcluster (made NONHEAD) while counting blocks
                    bitsHint(m.inode, "z_erofs_load_compact_lcluster:bogus-plain-delta", page, in, packPos,
                            encodebits * i, lobits + 2, (long) LclusterIndex.TYPE_NONHEAD << lobits | 1);
                }
                if (type(w, lobits) == LclusterIndex.TYPE_NONHEAD) {
                    if ((wlo & LclusterIndex.D0_CBLKCNT) != 0) {
                        --i;
                        nblk += wlo & ~LclusterIndex.D0_CBLKCNT;
                        continue;
                    }
                    if (wlo <= 1) {
                        Coverage.hit("z_erofs_load_compact_lcluster:bogus-plain-delta");
                        throw new KernelError(Errno.EUCLEAN, "plain delta[0] <= 1 in a big-pcluster pack, nid "
                                + m.inode.nid());
                    }
                    i -= wlo - 2;
                    continue;
                }
                ++nblk;
            }
        }
        long base = u32(page, in + packBytes - 4);
        m.pblk = (base + nblk) & U32;
    }

    /** {@code get_compacted_la_distance}: how far the next head lies (for {@code delta[1]}). */
    private static int laDistance(ByteBuffer page, int in, int lobits, int encodebits, int vcnt, int i) {
        long d1 = 0;
        int lo;
        do {
            long v = bits(page, in, encodebits * i);
            lo = lo(v, lobits);
            if (type(v, lobits) != LclusterIndex.TYPE_NONHEAD) {
                return (int) (d1 & 0xFFFF);
            }
            ++d1;
        } while (++i < vcnt);
        if ((lo & LclusterIndex.D0_CBLKCNT) == 0) {
            d1 += lo - 1;
        }
        return (int) (d1 & 0xFFFF);
    }

    /** {@code z_erofs_extent_lookback}: walks back {@code delta[0]} lclusters to the extent's head. */
    private void lookback(Recorder m, int distance) {
        String fn = "z_erofs_extent_lookback";
        int bits = m.z.lclusterbits;
        long dist = distance & 0xFFFFL;
        while (m.lcn >= dist) {
            if (alg.zeroDistanceStopsBeforeLoading() && dist == 0) {
                break;
            }
            long lcn = m.lcn - dist;
            load(m, lcn, false);
            if (m.type == LclusterIndex.TYPE_NONHEAD) {
                dist = m.delta0 & 0xFFFFL;
                if (!alg.zeroDistanceStopsBeforeLoading() && dist == 0) {
                    break;
                }
                continue;
            }
            m.headtype = m.type;
            m.mla = (lcn << bits) | m.clusterofs;
            return;
        }
        Coverage.hit("z_erofs_extent_lookback:bogus-distance");
        log.err(fn, sbi.kernel().has(Behavior.LOOKBACK_DISTANCE_MESSAGE)
                ? "bogus lookback distance " + dist + " @ lcn " + m.lcn + " of nid " + m.inode.nid()
                : "bogus lookback distance @ nid " + m.inode.nid());
        throw new KernelError(Errno.EUCLEAN);
    }

    /** {@code z_erofs_get_extent_decompressedlen}: extends {@code m_llen} to the next head or EOF. */
    private void decompressedLen(Recorder m) {
        int bits = m.z.lclusterbits;
        long size = m.inode.size();
        long lcn = m.lcn;
        long headlcn = m.mla >>> bits;
        while (true) {
            if ((lcn << bits) >= size) {
                m.mllen = size - m.mla;
                return;
            }
            load(m, lcn, true);
            if (m.type == LclusterIndex.TYPE_NONHEAD) {
                alg.fixZeroDelta1(m);
            } else {
                if (lcn != headlcn) {
                    break;
                }
                m.delta1 = 1;
            }
            lcn += m.delta1;
            if (m.delta1 == 0) { // only the legacy walk keeps a zero delta[1] (see fixZeroDelta1)
                break;
            }
        }
        m.mllen = (lcn << bits) + m.clusterofs - m.mla;
    }

    /** The little-endian u32 at {@code in + bitpos / 8}, shifted right by {@code bitpos % 8}. */
    private static long bits(ByteBuffer page, int in, int bitpos) {
        int at = in + (bitpos >> 3);
        return u32(page, at) >>> (bitpos & 7);
    }

    private static int lo(long v, int lobits) {
        return (int) (v & ((1L << lobits) - 1));
    }

    private static int type(long v, int lobits) {
        return (int) ((v >>> lobits) & 3);
    }

    static long u32(ByteBuffer page, int at) {
        long v = 0;
        for (int k = 3; k >= 0; k--) {
            int idx = at + k;
            int b = idx >= 0 && idx < page.capacity() ? page.get(idx) & 0xFF : 0;
            v = v << 8 | b;
        }
        return v;
    }

    private static long align8(long v) {
        return (v + 7) & -8L;
    }
}
