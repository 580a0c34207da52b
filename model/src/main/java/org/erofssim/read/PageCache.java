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
        /**
         * Its bytes once uptodate (zeros where nothing was written); an empty array in a dataless
         * cache and once {@link #release released}. Read-only for everyone: a writer takes them
         * from {@link #writable} (until the first write they are the shared zero array).
         */
        public byte[] data;
        /**
         * Its bytes were dropped by {@link #release} after a {@code read(2)} copied them: the
         * folio is still in the cache, uptodate, for every decision that asks whether it is, but
         * its bytes are gone (reading them is {@link #bytes}' NotModelled).
         */
        public boolean released;
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
            // its bytes start as the shared zero array of its order, copied by the first write
            // (writable): a folio that no decode writes (a failed or not yet decoded pcluster, a
            // window the read ends before) holds no bytes of its own; issue 12: new zeroed folios
            // were 8% of the bytes a model-only fuzz campaign allocated
            this.data = dataless ? NO_DATA : zeros(order);
            this.sharedZeros = !dataless;
        }

        int pages() {
            return 1 << order;
        }

        /**
         * Drops the bytes of an uptodate folio whose every byte a {@code read(2)} has copied, so
         * that a long read's memory is bounded by its window rather than by the file (issue 15:
         * 1.4 GB of heap for a 1 GiB read of a corrupt compressed file). It stands for no kernel
         * step: the folio stays in the cache, uptodate, so every lookup decides as before; a
         * writer of its bytes skips it (nothing writes an uptodate folio), and a reader of them
         * gets {@link #bytes}' NotModelled. Only {@code DataReader}'s whole-file read calls it,
         * and only when it drops the page cache after the read anyway.
         */
        public void release() {
            if (uptodate && stale == null && !locked && waiting.isEmpty() && data.length > 0) {
                data = NO_DATA;
                sharedZeros = false;
                released = true;
            }
        }

        /**
         * {@link #data} is the shared zero array of its order (a new folio, or {@link #shareIfZero}):
         * copy it before writing.
         */
        private boolean sharedZeros;

        /**
         * Its bytes for a writer: {@link #data}, first copied when it is the shared zero array.
         * Every write of a folio's bytes goes through here.
         */
        public byte[] writable() {
            if (sharedZeros) {
                data = new byte[data.length];
                sharedZeros = false;
            }
            return data;
        }

        /**
         * Makes an all-zero folio's bytes the one shared zero array of its order (copied back by
         * {@link #writable} before any write): a long read of a hole or of pages past a packed
         * inode's end keeps a folio per page, and these hold no bytes of their own (issue 15:
         * a 64 MiB fragment read kept 64 MiB of zero pages of the packed inode). Stands for no
         * kernel step: readers see the same bytes.
         */
        public void shareIfZero() {
            if (sharedZeros || released || data.length == 0) {
                return;
            }
            byte[] zeros = zeros(order);
            if (java.util.Arrays.mismatch(data, zeros) < 0) {
                data = zeros;
                sharedZeros = true;
            }
        }

        /**
         * Its bytes for a reader: {@link #data}, or a NotModelled for a folio whose bytes were
         * {@link #release released}.
         */
        public byte[] bytes() {
            if (released) {
                throw new org.erofssim.sb.NotModelled("page " + index + " was read once and its bytes dropped"
                        + " (the model keeps a long read's memory bounded); reading it again is not modelled");
            }
            return data;
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
    /** The shared zero arrays by folio order ({@link Folio#shareIfZero}); never written. */
    private static final java.util.concurrent.atomic.AtomicReferenceArray<byte[]> ZEROS =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(Readahead.MAX_ORDER + 1);

    /** The shared zero array of folios of {@code order} (without a lock: every new folio asks). */
    private static byte[] zeros(int order) {
        byte[] z = ZEROS.get(order);
        if (z == null) {
            ZEROS.compareAndSet(order, null, new byte[PAGE << order]);
            z = ZEROS.get(order);
        }
        return z;
    }
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
