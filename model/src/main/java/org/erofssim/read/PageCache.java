package org.erofssim.read;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

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

    /**
     * Page index to folio ({@code i_pages}), in chunks of {@link #CHUNK} pages: every page of a
     * folio points to it, so a lookup is one array read (a sorted map's floor search per page
     * was a quarter of a full read's time).
     */
    private final Map<Long, Folio[]> chunks = new HashMap<>();
    private static final int CHUNK_SHIFT = 9;
    private static final int CHUNK = 1 << CHUNK_SHIFT;
    private long lastKey = Long.MIN_VALUE;
    private Folio[] lastChunk;
    private static final byte[] NO_DATA = new byte[0];
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

    /** Whether its folios hold no bytes (only their layout is tracked). */
    boolean dataless() {
        return dataless;
    }

    /** Readahead windows submitted so far (their numbers, for the block-device race). */
    public int windows;

    private Folio[] chunk(long index, boolean create) {
        long key = index >> CHUNK_SHIFT;
        if (key == lastKey) {
            return lastChunk;
        }
        Folio[] c = chunks.get(key);
        if (c == null) {
            if (!create) {
                return null;
            }
            c = new Folio[CHUNK];
            chunks.put(key, c);
        }
        lastKey = key;
        lastChunk = c;
        return c;
    }

    /** The folio holding page {@code index}, or null ({@code xa_load}). */
    public Folio at(long index) {
        Folio[] c = chunk(index, false);
        return c == null ? null : c[(int) (index & (CHUNK - 1))];
    }

    /**
     * {@code filemap_add_folio}: a new folio of {@code order} at {@code index}, or null when a
     * page of its range is already present ({@code -EEXIST}).
     */
    public Folio add(long index, int order) {
        long end = index + (1L << order);
        for (long i = index; i < end; i++) {
            if (at(i) != null) {
                return null;
            }
        }
        Folio f = new Folio(index, order, dataless);
        for (long i = index; i < end; i++) {
            chunk(i, true)[(int) (i & (CHUNK - 1))] = f;
        }
        return f;
    }

    /** {@code page_cache_next_miss}: the first index at or after {@code index} with no page, searching {@code max} pages. */
    long nextMiss(long index, long max) {
        long i = index;
        long n = 0;
        while (n < max) {
            Folio f = at(i);
            if (f == null) {
                return i;
            }
            long skip = Math.min(f.next() - i, max - n); // every page of f is present
            i += skip;
            n += skip;
        }
        return i;
    }

    /**
     * {@code page_cache_prev_miss}: the first index at or before {@code index} with no page,
     * searching {@code max} pages back; {@code -1} (ULONG_MAX) when the search passes index 0.
     */
    long prevMiss(long index, long max) {
        long i = index;
        long n = 0;
        while (n < max) {
            if (i < 0) {
                return -1;
            }
            Folio f = at(i);
            if (f == null) {
                return i;
            }
            long skip = Math.min(i - f.index + 1, max - n); // every page of f is present
            i -= skip;
            n += skip;
        }
        return i;
    }
}
