package org.erofssim.read;

import java.util.ArrayList;
import java.util.List;

/**
 * mm/readahead.c for one open file of a compressed inode: {@code struct file_ra_state} and the
 * algorithms that turn a {@code read(2)} into readahead windows of folios, each handed to the
 * filesystem's {@code ->readahead} ({@code z_erofs_readahead}, {@code org.erofssim.zip.ZReader.readahead}).
 *
 * <p>Written from the 6.18 sources (mm/readahead.c as of v6.18, also quoted line by line for
 * v6.18.38): {@code page_cache_sync_ra} (start of file, or a sequential miss: an initial window
 * of {@code get_init_ra_size(req, max)} pages whose last {@code async_size} pages start with a
 * {@code PG_readahead} folio; a window with {@code order} 0), {@code page_cache_async_ra}
 * (reaching the marked folio: the next window right after the current one, {@code
 * get_next_ra_size}, the folio order raised by 2 and the window end aligned to it),
 * {@code page_cache_ra_order} (folios of that order, smaller at misaligned indexes and before
 * the file's end; a folio already present stops it and the rest goes through {@code
 * do_page_cache_ra}), {@code page_cache_ra_unbounded} (order-0 folios, skipping present ones)
 * and {@code readahead_expand} (order-0 folios appended for the filesystem, counted into the
 * window). Large folios come from {@code mapping_set_large_folios}, which erofs sets for every
 * inode; the model allows any order up to 9 ({@code MAX_PAGECACHE_ORDER} on x86-64).
 */
public final class Readahead {
    static final int PAGE = PlainReader.PAGE;
    /** {@code MAX_PAGECACHE_ORDER} (x86-64, PMD order). */
    static final int MAX_ORDER = 9;

    /** The filesystem side of a readahead window ({@code aops->readahead}). */
    public interface Filesystem {
        void readahead(Rac rac);
    }

    /** {@code struct file_ra_state} of one open file. */
    public static final class FileRa {
        /** {@code ra_pages}, from the superblock's BDI when the file was opened. */
        long raPages;
        /** The BDI's {@code io_pages}. */
        final long ioPages;
        long start;
        long size;
        long asyncSize;
        int order;
        /** Last byte position of the previous read (-1 before any). */
        long prevPos = -1;
        /** {@code mmap_miss}: page faults that found no folio, less those that found one. */
        int mmapMiss;

        /** {@code mapping_large_folio_support}: without it every window is order 0. */
        final boolean largeFolios;
        /**
         * {@code page_cache_ra_order} before "mm/readahead: honour new_order in
         * page_cache_ra_order()" (6.12): it adds 2 to the order it is given and falls back to
         * order-0 folios for a window under 4 pages.
         */
        final boolean orderPlusTwo;

        public FileRa(long raPages, long ioPages) {
            this(raPages, ioPages, true, false);
        }

        public FileRa(long raPages, long ioPages, boolean largeFolios, boolean orderPlusTwo) {
            this.raPages = raPages;
            this.ioPages = ioPages;
            this.largeFolios = largeFolios;
            this.orderPlusTwo = orderPlusTwo;
        }

        @Override
        public String toString() {
            return "ra[start " + start + " size " + size + " async " + asyncSize + " order " + order + " prev " + prevPos + "]";
        }
    }

    /** {@code struct readahead_control}: a window of locked folios, consumed by the filesystem. */
    public static final class Rac {
        final PageCache cache;
        final FileRa ra;
        final long isize;
        /** {@code _index}: the window's first page. */
        long index;
        /** The window's folios, in index order. */
        public final List<PageCache.Folio> folios = new ArrayList<>();

        Rac(PageCache cache, FileRa ra, long isize, long index) {
            this.cache = cache;
            this.ra = ra;
            this.isize = isize;
            this.index = index;
        }

        /** Folios of {@link #folios} counted into {@link #countedPages} so far (the list only grows at its end). */
        private int countedFolios;
        private long countedPages;

        /**
         * {@code readahead_count}: pages in the window. Kept as a running sum over the folios
         * appended since the last call: {@link #expand} asks it once per folio it appends, and a
         * sum over the whole window each time made an expansion of n pages cost n^2/2 steps (a
         * fuzz finding: seconds for a 64 MiB fragment extent on a 6.12 profile).
         */
        long count() {
            int n = folios.size();
            if (n < countedFolios) { // the list shrank (no caller does that now): count again
                countedFolios = 0;
                countedPages = 0;
            }
            for (int i = countedFolios; i < n; i++) {
                countedPages += folios.get(i).pages();
            }
            countedFolios = n;
            return countedPages;
        }

        /** {@code readahead_pos}. */
        public long pos() {
            return index * PAGE;
        }

        /** {@code readahead_length} in bytes. */
        public long length() {
            return count() * PAGE;
        }

        /**
         * {@code readahead_expand(rac, newStart, newLen)} with {@code newStart} the window's
         * start (erofs never expands the leading edge): order-0 folios appended until the
         * window covers {@code newLen} bytes, stopping at a page already present; each one
         * also grows the file's window ({@code ra->size}, {@code ra->async_size}).
         */
        public void expand(long newStart, long newLen) {
            long newLenFromStart = newLen + newStart - pos();
            long want = (newLenFromStart + PAGE - 1) / PAGE;
            if (want - count() > EXPAND_LIMIT_PAGES) {
                // readahead_expand has no bound of its own: it adds folios until one is present or an
                // allocation fails, so a corrupt extent length far past EOF ends where the kernel's
                // memory does; the model does not model that (it looped for minutes, a fuzz finding)
                throw new org.erofssim.sb.NotModelled("readahead_expand of " + (want - count())
                        + " pages from byte " + pos() + " (a mapped extent ends at byte " + (newStart + newLen)
                        + "): the kernel allocates folios until one fails");
            }
            while (count() < want) {
                long at = index + count();
                PageCache.Folio f = cache.add(at, 0);
                if (f == null) {
                    return;
                }
                f.locked = true;
                folios.add(f);
                if (ra != null) {
                    ra.size += 1;
                    ra.asyncSize += 1;
                }
            }
        }
    }

    /**
     * The most pages one {@code readahead_expand} may add in the model (1 GiB of 4 KiB pages): far
     * above any extent erofs-utils writes (a pcluster decompresses to at most a few MiB), far below
     * a corrupt length that the kernel would meet with allocation failures.
     */
    public static final long EXPAND_LIMIT_PAGES = 1L << 18;

    private final PageCache cache;
    private final FileRa ra;
    private final long isize;
    private final Filesystem fs;

    Readahead(PageCache cache, FileRa ra, long isize, Filesystem fs) {
        this.cache = cache;
        this.ra = ra;
        this.isize = isize;
        this.fs = fs;
    }

    /** {@code get_init_ra_size}. */
    static long initSize(long size, long max) {
        long newsize = Long.highestOneBit(Math.max(1, size));
        if (newsize < size) {
            newsize <<= 1;
        }
        if (newsize <= max / 32) {
            return newsize * 4;
        } else if (newsize <= max / 4) {
            return newsize * 2;
        }
        return max;
    }

    /** {@code get_next_ra_size}. */
    static long nextSize(long cur, long max) {
        if (cur < max / 16) {
            return 4 * cur;
        }
        if (cur <= max / 2) {
            return 2 * cur;
        }
        return max;
    }

    /** {@code ractl_max_pages}. */
    long maxPages(long req) {
        long max = ra.raPages;
        if (req > max && ra.ioPages > max) {
            max = Math.min(req, ra.ioPages);
        }
        return max;
    }

    /** {@code page_cache_sync_ra} at page {@code index} for a read of {@code req} pages. */
    void syncRa(long index, long req) {
        if (ra.raPages == 0) {
            forceRa(index, 1);
            return;
        }
        long max = maxPages(req);
        long prevIndex = ra.prevPos < 0 ? -1 : ra.prevPos / PAGE;
        boolean sequential = prevIndex < 0 ? index == 0 : index - prevIndex <= 1 && index >= prevIndex;
        if (index == 0 || req > max || sequential) {
            ra.start = index;
            ra.size = initSize(req, max);
            ra.asyncSize = ra.size > req ? ra.size - req : ra.size >> 1;
        } else {
            long miss = cache.prevMiss(index - 1, max);
            long contig = miss < 0 ? index : index - miss - 1;
            if (contig <= req) {
                doPageCacheRa(index, req, 0);
                return;
            }
            if (miss < 0) {
                contig *= 2;
            }
            ra.start = index;
            ra.size = Math.min(contig + req, max);
            ra.asyncSize = 1;
        }
        ra.order = 0;
        raOrder(ra.start);
    }

    /** {@code MMAP_LOTSAMISS}: more sync faults than this and a mapping gets no read-around. */
    static final int MMAP_LOTSAMISS = 100;

    /**
     * {@code do_sync_mmap_readahead} of a fault at page {@code index} that found no folio, for a
     * mapping without {@code VM_SEQ_READ}, {@code VM_RAND_READ}, {@code VM_HUGEPAGE} or
     * {@code VM_EXEC} (the walker's read-only data mapping): {@code mmap_miss} counted up, and
     * unless it passed {@link #MMAP_LOTSAMISS} the read-around window: {@code ra_pages} pages
     * centred on the fault ({@code start = index - ra_pages/2}, at least 0), a quarter of them
     * async, order 0, through {@code page_cache_ra_order}.
     */
    void readAround(long index) {
        if (ra.raPages == 0) {
            return;
        }
        if (ra.mmapMiss < MMAP_LOTSAMISS * 10) {
            ra.mmapMiss++;
        }
        if (ra.mmapMiss > MMAP_LOTSAMISS) {
            return;
        }
        ra.start = Math.max(0, index - ra.raPages / 2);
        ra.size = ra.raPages;
        ra.asyncSize = ra.raPages / 4;
        ra.order = 0;
        raOrder(ra.start);
    }

    /**
     * {@code do_async_mmap_readahead} of a fault that found {@code folio}: {@code mmap_miss}
     * counted down, and a {@code PG_readahead} folio starts {@code page_cache_async_ra} with a
     * request of {@code ra_pages}.
     */
    void mmapAsync(PageCache.Folio folio) {
        if (ra.raPages == 0) {
            return;
        }
        if (ra.mmapMiss > 0) {
            ra.mmapMiss--;
        }
        if (folio.readahead) {
            asyncRa(folio, ra.raPages);
        }
    }

    /** {@code force_page_cache_ra}: {@code nr} pages from {@code index}, in chunks of 2 MiB. */
    void forceRa(long index, long nr) {
        long max = Math.max(ra.ioPages, ra.raPages);
        nr = Math.min(nr, max);
        long at = index;
        while (nr > 0) {
            long chunk = Math.min(nr, (2L << 20) / PAGE);
            doPageCacheRa(at, chunk, 0);
            at += chunk;
            nr -= chunk;
        }
    }

    /** {@code page_cache_async_ra}: the reader reached {@code folio}, marked {@code PG_readahead}. */
    void asyncRa(PageCache.Folio folio, long req) {
        if (ra.raPages == 0) {
            return;
        }
        folio.readahead = false;
        long max = maxPages(req);
        long index = folio.index;
        long expected = roundDown(ra.start + ra.size - ra.asyncSize, folio.pages());
        if (index == expected) {
            ra.start += ra.size;
            ra.size = Math.max(ra.size, nextSize(ra.size, max));
        } else {
            long start = cache.nextMiss(index + 1, max);
            if (start == 0 || start - index > max) {
                return;
            }
            ra.start = start;
            ra.size = start - index + req;
            ra.size = nextSize(ra.size, max);
        }
        // 6.12 passes the marked folio's order, to which page_cache_ra_order adds 2 [unsure whether
        // its window end is aligned as below]
        ra.order = ra.orderPlusTwo ? Long.numberOfTrailingZeros(folio.pages()) : ra.order + 2;
        int effective = ra.orderPlusTwo ? ra.order + 2 : ra.order;
        long align = 1L << Math.min(effective, Long.numberOfTrailingZeros(max));
        long end = ra.start + ra.size;
        long alignedEnd = roundDown(end, align);
        if (alignedEnd > ra.start) {
            ra.size -= end - alignedEnd;
        }
        ra.asyncSize = ra.size;
        raOrder(ra.start);
    }

    /** {@code page_cache_ra_order} for the window {@code ra} describes, from {@code start}. */
    void raOrder(long start) {
        long lastPage = (isize - 1) / PAGE;
        if (isize <= 0) {
            return;
        }
        if (!ra.largeFolios || (ra.orderPlusTwo && ra.size < 4)) {
            ra.order = 0; // the fallback: do_page_cache_ra of the whole window, order-0 folios
            doPageCacheRa(start, ra.size, ra.asyncSize);
            return;
        }
        if (ra.orderPlusTwo && ra.order < MAX_ORDER) {
            ra.order += 2;
        }
        long index = start;
        long limit = Math.min(lastPage, index + ra.size - 1);
        long mark = index + ra.size - ra.asyncSize;
        int newOrder = Math.min(MAX_ORDER, ra.order);
        newOrder = Math.min(newOrder, 63 - Long.numberOfLeadingZeros(Math.max(1, ra.size)));
        newOrder = Math.max(newOrder, 0);
        ra.order = newOrder;
        Rac rac = new Rac(cache, ra, isize, index);
        boolean err = false;
        while (index <= limit) {
            int order = newOrder;
            if ((index & ((1L << order) - 1)) != 0) {
                order = Long.numberOfTrailingZeros(index);
            }
            while (order > 0 && index + (1L << order) - 1 > limit) {
                order--;
            }
            PageCache.Folio f = cache.add(index, order);
            if (f == null) {
                err = true;
                break;
            }
            if (index == roundDown(mark, 1L << order)) {
                f.readahead = true;
            }
            f.locked = true;
            rac.folios.add(f);
            index += 1L << order;
        }
        readPages(rac);
        if (!err) {
            return;
        }
        if (ra.size > index - start) {
            doPageCacheRa(index, ra.size - (index - start), ra.asyncSize);
        }
    }

    /** {@code do_page_cache_ra}: clamped to the page holding the file's last byte. */
    void doPageCacheRa(long index, long nr, long lookahead) {
        if (isize <= 0) {
            return;
        }
        long endIndex = (isize - 1) / PAGE;
        if (index > endIndex) {
            return;
        }
        if (nr > endIndex - index) {
            nr = endIndex - index + 1;
        }
        unbounded(index, nr, lookahead);
    }

    /** {@code page_cache_ra_unbounded}: order-0 folios, read in batches between present pages. */
    void unbounded(long index, long nr, long lookahead) {
        long mark = Long.MAX_VALUE;
        if (lookahead <= nr) {
            mark = index + nr - lookahead - index;
        }
        Rac rac = new Rac(cache, ra, isize, index);
        long i = 0;
        while (i < nr) {
            if (cache.at(index + i) != null) {
                readPages(rac);
                rac = new Rac(cache, ra, isize, index + i + 1);
                i++;
                continue;
            }
            PageCache.Folio f = cache.add(index + i, 0);
            if (i == mark) {
                f.readahead = true;
            }
            f.locked = true;
            rac.folios.add(f);
            i++;
        }
        readPages(rac);
    }

    /** {@code read_pages}: the window to the filesystem, which unlocks each folio when its read ends. */
    void readPages(Rac rac) {
        if (rac.folios.isEmpty()) {
            return;
        }
        fs.readahead(rac);
    }

    static long roundDown(long v, long align) {
        return v - Math.floorMod(v, align);
    }
}
