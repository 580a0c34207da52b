package org.erofssim.read;

import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * The page cache of one inode ({@code struct address_space}'s {@code i_pages}) as the
 * compressed read path uses it: folios of 2^order pages at order-aligned indexes, each
 * uptodate or not, with the {@code PG_readahead} mark, never overlapping. Folios stay for the
 * life of the mount (the model has no reclaim), so a folio a read left not uptodate is found
 * again by the next read.
 */
public final class PageCache {
    static final int PAGE = PlainReader.PAGE;

    /** One folio ({@code struct folio}). */
    public static final class Folio {
        public final long index;
        final int order;
        public boolean uptodate;
        /** {@code PG_readahead}. */
        boolean readahead;
        /** Its bytes once uptodate (zeros where nothing was written). */
        public final byte[] data;
        /** Bytes that are the page's old contents ({@code org.erofssim.zip.Lz4Block.Decoded.stale()}), or null. */
        public BitSet stale;
        /** {@code erofs_onlinefolio_*}: an error was seen by one of the parts of the current request. */
        public boolean failed;
        /** Locked by a request (its readahead window, or a folio read_folio/readmore took) until it ends. */
        public boolean locked;
        /** Pclusters whose decode this folio still waits for (its read ends when none is left). */
        public final java.util.Set<Object> waiting = new java.util.HashSet<>();
        /** The request that scanned it has finished scanning and submitting. */
        public boolean ended;

        Folio(long index, int order, boolean dataless) {
            this.index = index;
            this.order = order;
            this.data = dataless ? NO_DATA : new byte[PAGE << order];
        }

        int pages() {
            return 1 << order;
        }

        public long pos() {
            return index * PAGE;
        }

        public long size() {
            return (long) PAGE << order;
        }

        /** The index after this folio ({@code folio_next_index}). */
        long next() {
            return index + pages();
        }

        @Override
        public String toString() {
            return "folio " + index + "/" + order + (uptodate ? " uptodate" : "") + (readahead ? " ra" : "");
        }
    }

    private static final byte[] NO_DATA = new byte[0];

    private final TreeMap<Long, Folio> folios = new TreeMap<>();
    /** Folios without bytes: a cache that only tracks which folios exist ({@link FolioLayout}). */
    private final boolean dataless;

    /** A page cache whose folios hold their bytes. */
    public PageCache() {
        this(false);
    }

    /** A page cache whose folios hold bytes unless {@code dataless} (then only their layout is tracked). */
    PageCache(boolean dataless) {
        this.dataless = dataless;
    }
    /** Readahead windows submitted so far (their numbers, for the block-device race). */
    public int windows;

    /** The folio holding page {@code index}, or null ({@code xa_load}). */
    public Folio at(long index) {
        Map.Entry<Long, Folio> e = folios.floorEntry(index);
        if (e == null || e.getValue().next() <= index) {
            return null;
        }
        return e.getValue();
    }

    /**
     * {@code filemap_add_folio}: a new folio of {@code order} at {@code index}, or null when a
     * page of its range is already present ({@code -EEXIST}).
     */
    public Folio add(long index, int order) {
        long end = index + (1L << order);
        Map.Entry<Long, Folio> below = folios.floorEntry(end - 1);
        if (below != null && below.getValue().next() > index) {
            return null;
        }
        Folio f = new Folio(index, order, dataless);
        folios.put(index, f);
        return f;
    }

    /** {@code page_cache_next_miss}: the first index at or after {@code index} with no page, searching {@code max} pages. */
    long nextMiss(long index, long max) {
        long i = index;
        for (long n = 0; n < max; n++) {
            if (at(i) == null) {
                return i;
            }
            i++;
        }
        return i;
    }

    /**
     * {@code page_cache_prev_miss}: the first index at or before {@code index} with no page,
     * searching {@code max} pages back; {@code -1} (ULONG_MAX) when the search passes index 0.
     */
    long prevMiss(long index, long max) {
        long i = index;
        for (long n = 0; n < max; n++) {
            if (i < 0) {
                return -1;
            }
            if (at(i) == null) {
                return i;
            }
            i--;
        }
        return i;
    }
}
