package org.erofssim.zip;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import org.erofssim.read.PlainReader;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.read.PageCache;
import org.erofssim.read.Readahead;
import org.erofssim.sb.CacheStrategy;
import org.erofssim.sb.ErofsBuf;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.NotModelled;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * The read path of compressed inodes ({@code z_erofs_aops}, fs/erofs/zdata.c of 6.18) over
 * the inode's {@link PageCache}: {@link #readahead} is {@code z_erofs_readahead} for one
 * window of folios that mm/readahead.c made ({@link Readahead}), {@link #readFolio} is
 * {@code z_erofs_read_folio} for one folio of any size. Both are one request of a frontend
 * ({@code struct z_erofs_frontend}) that scans folios and attaches their pages to pclusters,
 * then runs the queues that read and decompress those pclusters.
 *
 * <p><b>Scanning</b> ({@code z_erofs_scan_folio}): a folio is split from its end backwards into
 * the extents {@link ZMapBlocks} returns (the map is reused while it covers the next byte and
 * shortened as the scan goes: only the first, highest part of an extent can see
 * {@code FULL_MAPPED}); holes are zero-filled; each page of an encoded part is attached to the
 * extent's pcluster, whose decompressed {@code length} is the highest byte attached and which is
 * decoded fully only when that attach saw {@code FULL_MAPPED}, no {@code PARTIAL_REF} and the
 * whole extent ({@code pcl->partial}). A scan error (map failure, pcluster begin) fails the
 * folio; readahead logs {@code readahead error at folio N @ nid M} for it.
 *
 * <p><b>Readmore</b> ({@code z_erofs_pcluster_readmore}): before the scan, the extent holding
 * the request's last byte is mapped with {@code GET_BLOCKS_READMORE} and a readahead window is
 * expanded to its end ({@code readahead_expand}); read_folio instead scans the pages after the
 * folio up to that extent's end. After the scan, the pages of the lowest extent that lie before
 * the request (from the page after the one holding the extent's start) are scanned too when
 * they are in the page cache not uptodate (or absent: they are created), so a failed page is
 * decoded again with the request that reaches its extent.
 *
 * <p><b>Pclusters and queues</b> ({@code z_erofs_pcluster_begin}, {@code z_erofs_bind_cache},
 * {@code z_erofs_attach_page}, {@code z_erofs_submit_queue}, {@code z_erofs_runqueue}): a
 * pcluster's compressed pages are taken from the managed cache (cache_strategy: allocated there
 * when its map is not {@code FULL_MAPPED} or, with readaround, when it starts before the
 * request), else from pages of the request that the pcluster will overwrite whole (in-place
 * I/O), else short-lived pages. Pclusters form a chain in ascending order (registration puts
 * each new one first, the scan goes backwards); inline ones and those whose compressed pages are
 * all cached and uptodate go to the bypass queue, decoded first; the others are read
 * (an I/O error fails the whole submitted queue with EIO) and decoded in chain order. A failed
 * decode fails every later pcluster of its queue without decoding it. read_folio returns the
 * submitted queue's error, else the bypass queue's, else its scan error, whichever pcluster
 * failed, and logs {@code read error -E @ N of nid M}.
 *
 * <p>The pcluster a request builds and its decompression step ({@code z_erofs_decompress_pcluster})
 * are {@link ZPcluster}. In-place I/O matters for the decode: {@link ZDecompress} is told whether a compressed page
 * is one of the file's pages and whether those pages are the extent's last output pages
 * ({@code z_erofs_lz4_handle_overlap}), which decides the margin it prints and whether a
 * corrupt stream can overwrite input it has not read yet.
 *
 * <p><b>Timing.</b> Decompression is modelled as finished when a request returns, which is
 * what file-backed mounts do (the backing file's buffered read completes in the reader's
 * task, and so does the decompression it kicks off). On a block device the readahead's bios
 * complete in the loop driver's worker, so the previous window may still be in flight
 * (its folios locked) when the reader starts the next one, whose readmore then skips them
 * instead of scanning them again: a race the reader's pace decides.
 * A {@link org.erofssim.read.BdevReadaheadRace} given to the {@code DataReader} (the
 * {@code bdevInFlight} predicate this class is made with) makes the model take the other side of it.
 *
 * <p>Simplifications: two extents sharing a pcluster (crafted {@code PARTIAL_REF} images) in
 * one request are decoded as one with the first extent's start; pclusters are never reclaimed.
 * Fragments are read from the packed inode ({@link #packedInode}).
 */
public final class ZReader {
    private static final int PAGE = PlainReader.PAGE;
    /** {@code -Derofssim.ztrace=true}: print each request and decode to stderr (for debugging the model). */
    static final boolean TRACE = Boolean.getBoolean("erofssim.ztrace");

    private final SbInfo sbi;
    private final MetaBuf buf;
    private final SbLog log;
    private final PlainReader io;
    /** Whether readahead window {@code n} of a bdev mount is still in flight when the reader goes on. */
    private final IntPredicate bdevInFlight;
    private final ZMapBlocks zmap;
    /** The managed cache: compressed pclusters by physical address, bytes once read (null: allocated, not uptodate). */
    private final Map<Long, byte[]> managed = new HashMap<>();

    public ZReader(SbInfo sbi, MetaBuf buf, SbLog log, PlainReader io, IntPredicate bdevInFlight) {
        this.sbi = sbi;
        this.buf = buf;
        this.log = log;
        this.io = io;
        this.bdevInFlight = bdevInFlight;
        this.zmap = new ZMapBlocks(sbi, buf, log);
    }

    /** An {@code erofs_buf} over the packed inode's page cache (null: the superblock has none); set by the file layer. */
    private java.util.function.Supplier<ErofsBuf> packedBuf;

    /** Where fragments are read from: {@code sbi->packed_inode}'s page cache, as the file layer reads it. */
    public void packedInode(java.util.function.Supplier<ErofsBuf> packedBuf) {
        this.packedBuf = packedBuf;
    }

    public ZMapBlocks zmap() {
        return zmap;
    }

    /** {@code struct z_erofs_frontend}: one request. */
    final class Frontend {
        final ErofsInode inode;
        final PageCache cache;
        final long headoffset;
        ZMapBlocks.ZMapping map;
        long mla;
        long mllen;
        int mflags;
        ZPcluster pcl;
        /** FOLLOWED (may use in-place pages) or not. */
        boolean followed;
        int icur;
        /** Pclusters in chain order (head first: ascending). */
        final List<ZPcluster> chain = new ArrayList<>();
        final Map<Long, ZPcluster> byPa = new HashMap<>();
        /** Every folio this request scanned, for completion. */
        final Set<PageCache.Folio> touched = new LinkedHashSet<>();
        final List<PageCache.Folio> lockedHere = new ArrayList<>();
        /** Earlier requests of this inode still in flight (the bdev race). */
        List<Frontend> inFlight = List.of();
        /**
         * The submitted queue, decoded in order from {@link #next}; the I/O error every one of its
         * pclusters is given ({@code io->eio}), and the queue's error: the last one a pcluster had.
         */
        List<ZPcluster> queue = List.of();
        Map<ZPcluster, byte[]> data = Map.of();
        int next;
        Errno eio;
        Errno qerr;

        Frontend(ErofsInode inode, PageCache cache, long headoffset) {
            this.inode = inode;
            this.cache = cache;
            this.headoffset = headoffset;
        }
    }

    // ------------------------------------------------------------------ the two entry points

    /** {@code z_erofs_readahead}: the window {@code rac} (folios locked, in index order). */
    public void readahead(ErofsInode inode, PageCache cache, Readahead.Rac rac) {
        Frontend f = new Frontend(inode, cache, rac.pos());
        f.inFlight = List.copyOf(pending.getOrDefault(cache, List.of()));
        readmore(f, rac, true);
        if (TRACE) {
            System.err.println("[z] readahead nid " + inode.nid() + " " + rac.folios);
        }
        List<PageCache.Folio> window = new ArrayList<>(rac.folios);
        for (int i = window.size() - 1; i >= 0; i--) {
            PageCache.Folio folio = window.get(i);
            KernelError err = scanFolio(f, folio);
            if (err != null && err.errno() != Errno.EINTR) {
                log.err("z_erofs_readahead", "readahead error at " + (folioWords() ? "folio " : "page ") + folio.index
                        + " @ nid " + inode.nid());
            }
        }
        readmore(f, rac, false);
        f.pcl = null;
        boolean lazy = sbi.mode() == org.erofssim.sb.Mode.BDEV && bdevInFlight.test(cache.windows++);
        runqueue(f, lazy);
        complete(f);
        if (f.next < f.queue.size()) {
            pending.computeIfAbsent(cache, c -> new ArrayList<>()).add(f);
        }
    }

    /**
     * The other side of the block-device race ({@link org.erofssim.read.BdevReadaheadRace}):
     * readaheads whose submitted queue is still in flight, by page cache. Their pclusters are
     * decoded, in queue order, only when the reader waits for a folio that needs them
     * ({@link #settle(PageCache, PageCache.Folio)}); until then their folios stay locked and a
     * later request that meets one of their pclusters attaches its pages to it (an in-flight
     * chain) instead of decoding it itself.
     */
    private final Map<PageCache, List<Frontend>> pending = new java.util.IdentityHashMap<>();

    /** Completes every read of the inode still in flight. */
    public void settle(PageCache cache) {
        List<Frontend> l = pending.get(cache);
        while (l != null && !l.isEmpty()) {
            Frontend f = l.get(0);
            while (f.next < f.queue.size()) {
                step(f);
            }
        }
    }

    /**
     * Forgets a page cache whose inode is done with (its folios settled by {@link #settle(PageCache)}):
     * the drop of a clean file's cache ({@code DataReader.keepPageCaches}); like the kernel
     * reclaiming a clean, closed file's pages, which no later read of the walk asks for.
     */
    public void forget(PageCache cache) {
        settle(cache);
        List<Frontend> l = pending.get(cache);
        if (l != null && l.isEmpty()) {
            pending.remove(cache);
        }
    }

    /** The reader waits on {@code folio}: the decodes it needs happen (and all before them in their queues). */
    public void settle(PageCache cache, PageCache.Folio folio) {
        while (!folio.waiting.isEmpty()) {
            ZPcluster p = (ZPcluster) folio.waiting.iterator().next();
            Frontend owner = p.owner;
            if (owner == null) {
                folio.waiting.remove(p); // never submitted (cannot happen for a scanned folio)
                continue;
            }
            while (!p.decoded && owner.next < owner.queue.size()) {
                step(owner);
            }
            folio.waiting.remove(p);
        }
        if (folio.ended) {
            completeFolio(folio);
        }
    }

    /** Decodes the next pcluster of {@code f}'s submitted queue. */
    private void step(Frontend f) {
        ZPcluster p = f.queue.get(f.next++);
        Errno e = decodeOne(p, f.data.get(p), f.eio);
        if (e != null) {
            f.qerr = e;
        }
        if (f.next >= f.queue.size()) {
            List<Frontend> l = pending.get(f.cache);
            if (l != null) {
                l.remove(f);
            }
        }
    }

    /**
     * {@code z_erofs_read_folio} on {@code folio} (locked by the caller).
     *
     * @return its error, or null: the decode error of what it ran, else the scan's; without
     *         {@link Behavior#READ_FOLIO_DECODE_ERROR} (6.1) the scan's only
     */
    public Errno readFolio(ErofsInode inode, PageCache cache, PageCache.Folio folio) {
        settle(cache, folio);
        Frontend f = new Frontend(inode, cache, folio.pos());
        f.inFlight = List.copyOf(pending.getOrDefault(cache, List.of()));
        if (TRACE) {
            System.err.println("[z] read_folio nid " + inode.nid() + " " + folio);
        }
        readmore(f, null, true);
        KernelError scan = scanFolio(f, folio);
        readmore(f, null, false);
        f.pcl = null;
        Errno err = runqueue(f, false);
        if (!sbi.kernel().has(Behavior.READ_FOLIO_DECODE_ERROR)) {
            err = null; // before 2349d2fa02db a failed decode only leaves the folio not uptodate (EIO from filemap)
        }
        if (err == null && scan != null) {
            err = scan.errno();
        }
        complete(f);
        settle(cache, folio); // pages of it attached to an in-flight chain wait for that chain
        if (err != null && err != Errno.EINTR) {
            log.err("z_erofs_read_folio", folioWords()
                    ? "read error -" + err.number() + " @ " + folio.index + " of nid " + inode.nid()
                    : "failed to read, err [-" + err.number() + "]");
        }
        return err;
    }

    /**
     * The request has scanned and submitted: each of its folios ends ({@code erofs_onlinefolio_end})
     * once no decode it waits for is left, uptodate unless a part failed.
     */
    private void complete(Frontend f) {
        for (PageCache.Folio folio : f.touched) {
            folio.ended = true;
            if (folio.waiting.isEmpty()) {
                completeFolio(folio);
            }
        }
    }

    private static void completeFolio(PageCache.Folio folio) {
        folio.uptodate = !folio.failed;
        if (folio.uptodate) {
            folio.shareIfZero();
        }
        folio.failed = false;
        folio.locked = false;
        folio.ended = false;
    }

    // ------------------------------------------------------------------ readmore

    /**
     * {@code z_erofs_pcluster_readmore}. With {@link Behavior#READMORE_ENCODED_ONLY} (6.18) a map
     * that is no pcluster (a fragment extent, a hole) reads no more: no expansion, no folios
     * grabbed before the requested one. Before {@link Behavior#READMORE_ERRORS_SILENT} (6.1) a
     * folio it grabbed whose scan fails logs {@code readmore error at page N @ nid M}.
     */
    private void readmore(Frontend f, Readahead.Rac rac, boolean backmost) {
        long end;
        long isize = f.inode.size();
        boolean encodedOnly = sbi.kernel().has(Behavior.READMORE_ENCODED_ONLY);
        if (backmost) {
            end = f.headoffset + (rac != null ? rac.length() : PAGE) - 1;
            try {
                setMap(f, zmap.map(f.inode, end, ZMapBlocks.GET_BLOCKS_READMORE));
            } catch (KernelError e) {
                f.map = null;
                f.mllen = 0;
                return;
            }
            if (encodedOnly && (f.mflags & ZMapBlocks.ENCODED) == 0) {
                return;
            }
            if (rac != null) {
                long cur = roundUp(f.mla + f.mllen, PAGE);
                rac.expand(f.headoffset, cur - f.headoffset);
                return;
            }
            end = roundUp(end, PAGE);
        } else {
            if (f.map == null) {
                return;
            }
            end = roundUp(f.mla, PAGE);
            if (f.mllen == 0 || encodedOnly && (f.mflags & ZMapBlocks.ENCODED) == 0) {
                return;
            }
        }
        long cur = f.mla + f.mllen - 1;
        if (cur >= end && cur < isize && cur / PAGE - end / PAGE >= Readahead.EXPAND_LIMIT_PAGES) {
            // the kernel grabs a folio for every page of the extent before the requested one (nowait
            // allocations, no bound of its own): a corrupt extent length far past the data ends where
            // its memory does, which the model does not model (it looped, then ran out of heap: a fuzz
            // finding, seed 12 case 15553 on modern/fragments.erofs); the same bound as readahead_expand
            throw new NotModelled("z_erofs_pcluster_readmore of " + (cur / PAGE - end / PAGE + 1)
                    + " pages before byte " + (end + 1) + " (a mapped extent ends at byte " + (cur + 1)
                    + "): the kernel grabs folios until one fails");
        }
        while (cur >= end && cur < isize) {
            long index = cur / PAGE;
            PageCache.Folio folio = f.cache.at(index);
            if (folio == null || !folio.locked && !folio.uptodate) {
                folio = folio != null ? folio : f.cache.add(index, 0);
                folio.locked = true;
                f.lockedHere.add(folio);
                if (scanFolio(f, folio) != null && !sbi.kernel().has(Behavior.READMORE_ERRORS_SILENT)) {
                    log.err("z_erofs_pcluster_readmore", "readmore error at page " + index + " @ nid " + f.inode.nid());
                }
            }
            if (cur < PAGE) {
                break;
            }
            cur = index * PAGE - 1;
        }
    }

    private void setMap(Frontend f, ZMapBlocks.ZMapping m) {
        f.map = m;
        f.mla = m.la();
        f.mllen = m.llen();
        f.mflags = m.flags();
    }

    // ------------------------------------------------------------------ scanning

    /** {@code z_erofs_scan_folio}: attaches {@code folio}'s parts; a scan error fails the folio and is returned. */
    private KernelError scanFolio(Frontend f, PageCache.Folio folio) {
        folio.bytes(); // a folio whose bytes were released is uptodate: nothing scans it
        f.touched.add(folio);
        long offset = folio.pos();
        long end = folio.size();
        int split = 0;
        boolean tight = true;
        KernelError err = null;
        do {
            long la = offset + end - 1;
            if (f.map == null || la < f.mla || la >= f.mla + f.mllen) {
                f.pcl = null; // z_erofs_pcluster_end
                f.mla = la;
                f.mllen = 0;
                try {
                    setMap(f, zmap.map(f.inode, la, 0));
                } catch (KernelError e) {
                    f.map = null;
                    err = e;
                    break;
                }
                if (f.mllen <= 0 || la < f.mla || la >= f.mla + f.mllen) {
                    f.map = null;
                    err = new KernelError(Errno.EIO, "map of byte " + la + " of nid " + f.inode.nid() + " misses it");
                    break;
                }
            }
            long cur = offset > f.mla ? 0 : f.mla - offset;
            long pgs = cur - cur % PAGE;
            split++;
            if ((f.mflags & ZMapBlocks.MAPPED) == 0) {
                if (!ZERO_SKIP || !ZPcluster.zeros(folio.data, (int) cur, (int) end)) {
                    java.util.Arrays.fill(folio.writable(), (int) cur, (int) end, (byte) 0);
                }
                if (folio.stale != null) {
                    folio.stale.clear((int) cur, (int) end);
                }
                tight = false;
            } else if ((f.mflags & ZMapBlocks.FRAGMENT) != 0) {
                long fpos = offset + cur - f.mla;
                long stop = cur + Math.min(f.mllen - fpos, end - cur);
                try {
                    readFragment(folio, (int) cur, (int) stop, zmap.fragmentOff(f.inode) + fpos);
                } catch (KernelError e) {
                    err = e;
                    break;
                }
                tight = false;
            } else {
                if (f.pcl == null) {
                    try {
                        pclusterBegin(f);
                    } catch (KernelError e) {
                        err = e;
                        break;
                    }
                }
                pgs = (end - 1) - (end - 1) % PAGE;
                tight &= f.followed;
                boolean excl = false;
                if (cur <= pgs) {
                    excl = split <= 1 || tight;
                    cur = pgs;
                }
                attach(f, new ZPcluster.Bvec(folio, (int) (pgs / PAGE), offset + pgs - f.mla, (int) (end - pgs)), excl);
                ZPcluster p = f.pcl;
                if (p.length < offset + end - f.mla) {
                    p.length = offset + end - f.mla;
                }
                if ((f.mflags & ZMapBlocks.FULL_MAPPED) != 0 && (f.mflags & ZMapBlocks.PARTIAL_REF) == 0
                        && p.length == f.mllen) {
                    p.partial = false;
                }
            }
            f.mllen = offset + cur - f.mla;
            f.mflags &= ~ZMapBlocks.FULL_MAPPED;
            if (cur <= pgs) {
                split = cur < pgs ? 1 : 0;
                tight = true;
            }
            end = cur;
        } while (end > 0);
        if (err != null) {
            folio.failed = true;
            if (folio.waiting.isEmpty()) {
                // z_erofs_onlinepage_end: nothing of it pending, so it is unlocked now, not uptodate;
                // a later readmore of the same request grabs and scans it again
                f.touched.remove(folio);
                completeFolio(folio);
            }
        }
        return err;
    }

    /**
     * {@code -Derofssim.zZeroSkip=false}: zero-fill a hole's part of a folio, and copy a decoded
     * extent's or a fragment's zeros into a page, even when its bytes are zeros already (the old
     * path; same bytes either way): {@link ZPcluster#zeros}.
     */
    static final boolean ZERO_SKIP = !"false".equals(System.getProperty("erofssim.zZeroSkip"));

    /**
     * {@code z_erofs_read_fragment}: bytes {@code [cur, end)} of {@code folio} are the packed
     * inode's bytes from {@code pos}, copied block by block through {@code erofs_bread} on the
     * packed inode's page cache (its read errors as they are; past its end the page cache reads
     * zeros). No packed inode: EUCLEAN, silently.
     */
    private void readFragment(PageCache.Folio folio, int cur, int end, long pos) {
        ErofsBuf packed = packedBuf == null ? null : packedBuf.get();
        if (packed == null) {
            throw new KernelError(Errno.EUCLEAN, "fragment of a file without a packed inode");
        }
        int bs = 1 << sbi.blkszbits();
        for (int cnt; cur < end; cur += cnt, pos += cnt) {
            cnt = (int) Math.min(end - cur, bs - (pos & (bs - 1)));
            java.nio.ByteBuffer page = packed.page(pos);
            int at = (int) (pos & (PAGE - 1));
            int have = Math.max(0, Math.min(cnt, page.capacity() - at)); // bytes past the page's end read as zeros
            // zeros over zeros (a fragment past the packed inode's data) leave the folio's bytes as they are
            boolean same = ZERO_SKIP && have == cnt && page.hasArray()
                    && ZPcluster.zeros(page.array(), page.arrayOffset() + at, page.arrayOffset() + at + cnt)
                    && ZPcluster.zeros(folio.data, cur, cur + cnt);
            if (!same) {
                byte[] data = folio.writable();
                page.get(at, data, cur, have);
                java.util.Arrays.fill(data, cur + have, cur + cnt, (byte) 0);
            }
            if (folio.stale != null) {
                folio.stale.clear(cur, cur + cnt);
            }
        }
    }

    /**
     * {@code z_erofs_pcluster_begin}: the map's pcluster (the request's own if already in its
     * chain, else registered at the chain's head), its compressed pages bound to the managed
     * cache ({@code z_erofs_bind_cache}); an inline one is read from the metadata buffer.
     * Before {@link Behavior#UNALIGNED_ENCODED_DATA} {@code z_erofs_register_pcluster} refuses a
     * map that is not encoded or a non-inline pcluster in block 0 (EUCLEAN, silent).
     */
    private void pclusterBegin(Frontend f) {
        ZMapBlocks.ZMapping map = f.map;
        if (!sbi.kernel().has(Behavior.UNALIGNED_ENCODED_DATA) && ((map.flags() & ZMapBlocks.ENCODED) == 0
                || (!map.meta() && (map.pa() >>> sbi.blkszbits()) == 0))) {
            throw new KernelError(Errno.EUCLEAN, "pcluster at block 0 or not encoded");
        }
        if (map.meta()) {
            if (sbi.kernel().has(Behavior.ZMAP_REWORK) && (map.pa() & (PAGE - 1)) + map.plen() > PAGE) {
                throw new KernelError(Errno.EUCLEAN, "inline pcluster crosses its page");
            }
            ZPcluster p = new ZPcluster(map);
            p.metaPage = inlinePage(f.inode, map);
            java.util.Arrays.fill(p.slots, ZPcluster.META); // the metadata page is its compressed page: no in-place I/O
            f.chain.add(0, p);
            f.pcl = p;
            f.followed = false; // FOLLOWED_NOINPLACE
            f.icur = p.pages;
            return;
        }
        ZPcluster p = f.byPa.get(map.pa());
        for (Frontend other : f.inFlight) {
            ZPcluster q = other.byPa.get(map.pa());
            if (p == null && q != null && !q.decoded) {
                p = q; // linked to an in-flight chain: INFLIGHT, decoded there
            }
        }
        if (p != null) {
            f.pcl = p;
            f.followed = false; // INFLIGHT: already in this request's chain
            f.icur = p.pages;
            return;
        }
        ZMapLegacy.allocPcluster(sbi, map);
        p = new ZPcluster(map);
        f.byPa.put(map.pa(), p);
        f.chain.add(0, p);
        f.pcl = p;
        f.followed = true;
        bindCache(f, p);
        f.icur = p.pages;
    }

    /** {@code z_erofs_bind_cache}. */
    private void bindCache(Frontend f, ZPcluster p) {
        CacheStrategy cs = sbi.options().cacheStrategy();
        boolean shouldAlloc = cs != CacheStrategy.DISABLED
                && ((f.mflags & ZMapBlocks.FULL_MAPPED) == 0
                || cs == CacheStrategy.READAROUND && f.mla < f.headoffset);
        boolean found = managed.containsKey(p.map.pa());
        if (found || shouldAlloc) {
            java.util.Arrays.fill(p.slots, ZPcluster.CACHED);
            if (!found) {
                managed.put(p.map.pa(), null);
            }
        }
        if (found) {
            f.followed = false; // every page in the managed cache: FOLLOWED_NOINPLACE
        }
    }

    /** {@code z_erofs_attach_page}: an exclusive page goes in place into a free compressed slot first. */
    private void attach(Frontend f, ZPcluster.Bvec bvec, boolean exclusive) {
        ZPcluster p = f.pcl;
        if (exclusive && (p.map.algorithm() < ZMapBlocks.COMPRESSION_MAX || f.icur <= 1)) {
            while (f.icur > 0) {
                f.icur--;
                if (p.slots[f.icur] != null) {
                    continue;
                }
                p.slots[f.icur] = bvec;
                p.bvecs.add(bvec);
                bvec.folio().waiting.add(p);
                return;
            }
        }
        p.bvecs.add(bvec);
        bvec.folio().waiting.add(p);
    }

    private byte[] inlinePage(ErofsInode inode, ZMapBlocks.ZMapping map) {
        ByteBuffer page;
        try {
            page = sbi.metaBuf(inode, buf).page(map.pa());
        } catch (KernelError e) {
            log.err("z_erofs_pcluster_begin", "failed to get inline data -" + e.errno().number());
            throw e;
        }
        byte[] b = new byte[PAGE];
        page.get(0, b, 0, Math.min(PAGE, page.capacity()));
        return b;
    }

    // ------------------------------------------------------------------ queues

    /**
     * {@code z_erofs_submit_queue} + {@code z_erofs_runqueue}: the bypass queue, then the
     * submitted one.
     *
     * @return the submitted queue's error, else the bypass queue's, else null
     */
    private Errno runqueue(Frontend f, boolean lazy) {
        List<ZPcluster> bypass = new ArrayList<>();
        List<ZPcluster> submit = new ArrayList<>();
        Map<ZPcluster, byte[]> data = new HashMap<>();
        for (ZPcluster p : f.chain) {
            p.owner = f;
            if (p.map.meta()) {
                bypass.add(p);
                data.put(p, p.metaPage);
                continue;
            }
            byte[] cached = managed.get(p.map.pa());
            if (p.slots[0] == ZPcluster.CACHED && cached != null) {
                bypass.add(p);
                data.put(p, cached);
            } else {
                submit.add(p);
            }
        }
        boolean eio = batchedFileio() ? submitBatched(submit, data) : submitEach(submit, data);
        Errno bypassErr = null;
        for (ZPcluster p : bypass) {
            Errno e = decodeOne(p, data.get(p), null);
            if (e != null) {
                bypassErr = e;
            }
        }
        f.queue = submit;
        f.data = data;
        f.eio = eio ? Errno.EIO : null;
        f.qerr = f.eio;
        f.next = 0;
        if (lazy) {
            return bypassErr;
        }
        while (f.next < f.queue.size()) {
            step(f);
        }
        return f.qerr != null ? f.qerr : bypassErr;
    }

    /** The read-error wording of {@link Behavior#ZDATA_FOLIO_MESSAGES} (6.1: pages). */
    private boolean folioWords() {
        return sbi.kernel().has(Behavior.ZDATA_FOLIO_MESSAGES);
    }

    /**
     * Whether file-backed compressed reads follow 6.12/6.13's {@code erofs_fileio_ki_complete}:
     * a short read zero-fills the rest of the request and an empty or failed one leaves its
     * pages as they were, both without an error; 6.18.44 fails the request instead
     * ({@link Behavior#FILEIO_SHORT_READ_EIO}).
     */
    private boolean batchedFileio() {
        return sbi.mode() == org.erofssim.sb.Mode.FILEIO && !sbi.kernel().has(Behavior.FILEIO_SHORT_READ_EIO);
    }

    /** Each pcluster's compressed data read on its own: any failure is the queue's EIO. */
    private boolean submitEach(List<ZPcluster> submit, Map<ZPcluster, byte[]> data) {
        boolean eio = false;
        for (ZPcluster p : submit) {
            byte[] in = io.readPhysical(p.map.pa(), (int) p.map.plen());
            if (in == null) {
                eio = true;
            } else {
                data.put(p, in);
                if (p.slots[0] == ZPcluster.CACHED) {
                    managed.put(p.map.pa(), in);
                }
            }
        }
        return eio;
    }

    /** {@code BIO_MAX_VECS}: pages one request holds. */
    private static final int BIO_MAX_VECS = 256;

    /**
     * {@code z_erofs_submit_queue} in a 6.12/6.13 file-backed mount: the submitted pclusters'
     * compressed blocks, in chain order, form one request while they follow each other on the
     * device (and fit {@link #BIO_MAX_VECS} pages); each request is one read of the backing
     * file ({@code erofs_fileio_rq_submit}), completed by {@code erofs_fileio_ki_complete}: a
     * short read zero-fills everything after the bytes read (later pclusters of the request
     * included), a read that returned nothing or failed leaves the pages as they were, and
     * neither sets an error, so the queue never sees EIO and the managed cache keeps what was
     * read as uptodate.
     *
     * @return false: these requests never fail the queue
     */
    private boolean submitBatched(List<ZPcluster> submit, Map<ZPcluster, byte[]> data) {
        int bs = sbi.blockSize();
        int i = 0;
        while (i < submit.size()) {
            int j = i;
            long start = submit.get(i).map.pa() / bs * bs;
            long end = start;
            long pages = 0;
            while (j < submit.size()) {
                ZMapBlocks.ZMapping m = submit.get(j).map;
                long s = m.pa() / bs * bs;
                long e = (m.pa() + m.plen() + bs - 1) / bs * bs;
                long np = (e - s + PAGE - 1) / PAGE;
                if (j > i && (s != end || pages + np > BIO_MAX_VECS)) {
                    break;
                }
                end = e;
                pages += np;
                j++;
            }
            byte[] req = new byte[(int) (end - start)];
            int n = io.readBackingRequest(start, req);
            for (int k = i; k < j; k++) {
                ZPcluster p = submit.get(k);
                byte[] in;
                if (n <= 0) {
                    in = ZPcluster.STALE;
                } else {
                    int from = (int) (p.map.pa() - start);
                    in = java.util.Arrays.copyOfRange(req, from, from + (int) p.map.plen()); // zeros past n
                }
                data.put(p, in);
                if (p.slots[0] == ZPcluster.CACHED) {
                    managed.put(p.map.pa(), in);
                }
            }
            i = j;
        }
        return false;
    }

    /**
     * {@code z_erofs_decompress_pcluster} within {@code z_erofs_decompress_queue}: with the
     * queue's I/O error ({@code err}, {@code io->eio}) the pcluster is not decoded and fails;
     * a failed decode of an earlier pcluster is no such error: {@code z_erofs_decompress_queue}
     * hands every pcluster {@code io->eio} alone (6.12.107, 6.12.118 sources), so each of a
     * readahead's corrupt pclusters is decoded and logs its failure [obs-6.18.44: fuzz seed 15
     * case 1751, 16 ZSTD pclusters of {@code /text64k} shifted by one bad extent length, 15
     * {@code failed to decompress} lines before the first read error]. Its folios end once they
     * wait for nothing else.
     *
     * @return this pcluster's error, or null
     */
    private Errno decodeOne(ZPcluster p, byte[] in, Errno err) {
        Errno e = err;
        if (e == null) {
            try {
                p.deliver(p.decompress(sbi, log, in));
            } catch (KernelError k) {
                e = k.errno();
            }
        }
        p.decoded = true;
        for (ZPcluster.Bvec b : p.bvecs) {
            PageCache.Folio folio = b.folio();
            if (e != null) {
                folio.failed = true;
            }
            folio.waiting.remove(p);
        }
        for (ZPcluster.Bvec b : p.bvecs) {
            PageCache.Folio folio = b.folio();
            if (folio.ended && folio.waiting.isEmpty()) {
                completeFolio(folio);
            }
        }
        return e;
    }


    private static long roundUp(long v, long a) {
        return (v + a - 1) / a * a;
    }
}
