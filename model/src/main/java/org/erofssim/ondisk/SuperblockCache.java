package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * Decoded superblock blocks by content (issue 12: "superblock decoding cached per image across a
 * {@code predict} batch and a fuzz campaign"): the pure part of {@code erofs_read_superblock},
 * {@link Superblock#decode} of the first page and {@link SuperblockChecksum#compute} over it, is
 * done once per distinct content of bytes {@code [1024, 4096)} of that page (every byte either
 * reads; past 4096 both read zeros) and served again to any later mount whose first page holds the
 * same bytes, whichever image, scenario, thread or kernel it comes from. The checks, log lines,
 * coverage ids and superblock-info fields stay in the mount code and run for every mount: only
 * the decoding is shared, so an outcome cannot depend on whether it came from here.
 *
 * <p>Never stale: an entry is found by a CRC-32C of those bytes and served only when they are
 * byte for byte equal to the copy it was decoded from (an image edited inside that range is a new
 * content, so a miss; an edit outside it changes nothing either reads). Bounded: at most
 * {@link #CAPACITY} entries (about 3 KiB each), emptied when full. Thread-safe: fuzz rounds run on
 * several threads. {@code -Derofssim.superblockCache=false} or {@link #enabled} {@code = false}
 * decodes every time ({@code SuperblockCacheProperties} compares both).
 */
public final class SuperblockCache {
    /** The bytes of page 0 that {@link Superblock#decode} and {@link SuperblockChecksum#compute} read. */
    static final int FROM = Superblock.OFFSET;
    static final int TO = 4096;
    /** How many distinct superblock blocks are kept. */
    static final int CAPACITY = 256;

    /** Whether decoded blocks are served again (default true). */
    public static volatile boolean enabled = !"false".equals(System.getProperty("erofssim.superblockCache"));

    private static final ConcurrentHashMap<Integer, Entry> BY_HASH = new ConcurrentHashMap<>();
    /** The entry found or made last: a batch of one image finds it without hashing. */
    private static volatile Entry last;
    private static final LongAdder HITS = new LongAdder();
    private static final LongAdder MISSES = new LongAdder();

    private SuperblockCache() {}

    /** A decoded superblock block: the record, and the checksum once asked for. */
    public static final class Entry {
        private final byte[] block;
        private final Superblock superblock;
        /** {@code (blkszbits + 1) << 32 | crc} of the one checksum computed, 0 for none yet. */
        private volatile long checksum;

        private Entry(byte[] block, Superblock superblock) {
            this.block = block;
            this.superblock = superblock;
        }

        /** {@link Superblock#decode} of the page. */
        public Superblock superblock() {
            return superblock;
        }

        /**
         * {@link SuperblockChecksum#compute}{@code (page0, blkszbits)} for the page this entry was
         * found for (which holds this entry's bytes), computed once per entry and block size.
         */
        public long checksum(ByteBuffer page0, int blkszbits) {
            long c = checksum;
            if (c != 0 && (int) (c >>> 32) == blkszbits + 1) {
                return c & 0xFFFFFFFFL;
            }
            long crc = SuperblockChecksum.compute(page0, blkszbits);
            if (block != null) {
                checksum = (long) (blkszbits + 1) << 32 | crc;
            }
            return crc;
        }
    }

    /**
     * The decoded superblock of {@code page0} (index 0 = device byte 0): from the cache when a
     * page with the same bytes {@code [1024, 4096)} was decoded before, else decoded now (and kept
     * when the page is a whole 4 KiB page held in an array).
     */
    public static Entry decode(ByteBuffer page0) {
        if (!enabled || page0.limit() != TO || !page0.hasArray()) {
            return new Entry(null, Superblock.decode(page0));
        }
        byte[] a = page0.array();
        int from = page0.arrayOffset() + FROM;
        int to = page0.arrayOffset() + TO;
        Entry l = last;
        if (l != null && Arrays.equals(a, from, to, l.block, 0, TO - FROM)) {
            HITS.increment();
            return l;
        }
        CRC32C crc = new CRC32C();
        crc.update(a, from, TO - FROM);
        Integer key = (int) crc.getValue();
        Entry e = BY_HASH.get(key);
        if (e != null && Arrays.equals(a, from, to, e.block, 0, TO - FROM)) {
            HITS.increment();
            last = e;
            return e;
        }
        MISSES.increment();
        e = new Entry(Arrays.copyOfRange(a, from, to), Superblock.decode(page0));
        if (BY_HASH.size() >= CAPACITY) {
            BY_HASH.clear();
        }
        BY_HASH.put(key, e);
        last = e;
        return e;
    }

    /** Lookups served from the cache so far (all threads). */
    public static long hits() {
        return HITS.sum();
    }

    /** Lookups that decoded (all threads; a disabled cache or a partial page counts as neither). */
    public static long misses() {
        return MISSES.sum();
    }

    /** Forgets every entry (tests). */
    public static void clear() {
        BY_HASH.clear();
        last = null;
    }
}
