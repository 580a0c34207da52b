package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * Decoded superblock blocks by content (issue 12: "superblock decoding cached per image across a
 * {@code predict} batch and a fuzz campaign"): the pure part of {@code erofs_read_superblock},
 * {@link Superblock#decode} of the first page, is done once per distinct content of the
 * superblock's 256 bytes {@code [1024, 1280)} (all that it reads) and served again to any later
 * mount whose superblock holds the same bytes, whichever image, scenario, thread or kernel it comes
 * from; the {@link SuperblockChecksum#compute} over the block is served again while the rest of
 * the block {@code [1024, 4096)} is unchanged too (a fuzz case that edits the device table after
 * the superblock still finds the decoded record). The checks, log lines,
 * coverage ids and superblock-info fields stay in the mount code and run for every mount: only
 * the decoding is shared, so an outcome cannot depend on whether it came from here.
 *
 * <p>Never stale: an entry is found by a CRC-32C of those bytes and served only when they are
 * byte for byte equal to the copy it was decoded from (an image edited inside that range is a new
 * content, so a miss; an edit outside it changes nothing decode reads), and a checksum only when
 * the whole block equals the one it was computed over. Bounded: {@link #CAPACITY} slots
 * (about 3 KiB each) chosen by the CRC, a new entry taking its slot's place (session 14: a table
 * instead of a {@code ConcurrentHashMap} of boxed keys emptied when full, whose lookups cost more
 * than the decoding in a fuzz campaign, where two in three superblocks are new). Thread-safe: fuzz
 * rounds run on several threads; an entry's bytes and record are final, so a slot read racily
 * holds a whole entry or an older one (a miss), never a partial one. {@code -Derofssim.superblockCache=false} or {@link #enabled} {@code = false}
 * decodes every time ({@code SuperblockCacheProperties} compares both).
 */
public final class SuperblockCache {
    /** The bytes of page 0 that {@link Superblock#decode} reads: the superblock's 256 bytes. */
    static final int FROM = Superblock.OFFSET;
    static final int TO = Superblock.OFFSET + Superblock.ENCODED_SIZE;
    /** The bytes of page 0 that {@link SuperblockChecksum#compute} may read (past them: zeros). */
    static final int PAGE = 4096;
    /** How many distinct superblocks are kept at most (a power of two: the slots of {@link #TABLE}). */
    static final int CAPACITY = 256;

    /** Whether decoded superblocks are served again (default true). */
    public static volatile boolean enabled = !"false".equals(System.getProperty("erofssim.superblockCache"));

    /** Entries by their bytes' CRC-32C, direct-mapped. */
    private static final Entry[] TABLE = new Entry[CAPACITY];
    /** The entry found or made last: a batch of one image finds it without hashing. */
    private static volatile Entry last;
    private static final LongAdder HITS = new LongAdder();
    private static final LongAdder MISSES = new LongAdder();

    private SuperblockCache() {}

    /** The checksum computed last for an entry, with the bytes {@code [1024, 4096)} it was computed over. */
    private record Checksum(byte[] block, int blkszbits, long crc) {}

    /** A decoded superblock: the record, and the checksum last asked for. */
    public static final class Entry {
        private final byte[] bytes;
        private final Superblock superblock;
        private volatile Checksum checksum;
        /** Whether a checksum was computed for this entry before (only a second one is kept). */
        private volatile boolean computedOnce;

        private Entry(byte[] bytes, Superblock superblock) {
            this.bytes = bytes;
            this.superblock = superblock;
        }

        /** {@link Superblock#decode} of the page. */
        public Superblock superblock() {
            return superblock;
        }

        /**
         * {@link SuperblockChecksum#compute}{@code (page0, blkszbits)}: served again when this
         * entry's last checksum was computed over the same bytes {@code [1024, 4096)} of a whole
         * page with the same block size (the superblock's own bytes are the same by the entry's
         * key; the rest of the block, e.g. a device table, is compared here), else computed, and
         * kept from the entry's second computation on (session 14: two in three superblocks of a
         * fuzz campaign are asked once, and keeping each one's block was a 3 KiB copy per mount).
         */
        public long checksum(ByteBuffer page0, int blkszbits) {
            boolean whole = bytes != null && page0.limit() == PAGE;
            Checksum c = checksum;
            if (whole && c != null && c.blkszbits() == blkszbits && same(page0, FROM, c.block(), PAGE - FROM)) {
                return c.crc();
            }
            long crc = SuperblockChecksum.compute(page0, blkszbits);
            if (whole) {
                if (computedOnce) {
                    checksum = new Checksum(copy(page0, FROM, PAGE - FROM), blkszbits, crc);
                } else {
                    computedOnce = true;
                }
            }
            return crc;
        }
    }

    /**
     * Whether bytes {@code [from, from + len)} of {@code page} equal {@code b[0, len)}: a page held
     * in an array or a read-only view of the image's bytes ({@code ImageBytes#view}) alike.
     */
    private static boolean same(ByteBuffer page, int from, byte[] b, int len) {
        if (page.hasArray()) {
            int at = page.arrayOffset() + from;
            return Arrays.equals(page.array(), at, at + len, b, 0, len);
        }
        return page.slice(from, len).mismatch(ByteBuffer.wrap(b, 0, len)) < 0;
    }

    /** Bytes {@code [from, from + len)} of {@code page}, copied. */
    private static byte[] copy(ByteBuffer page, int from, int len) {
        byte[] out = new byte[len];
        page.get(from, out, 0, len);
        return out;
    }

    /**
     * The decoded superblock of {@code page0} (index 0 = device byte 0): from the cache when a
     * page with the same superblock bytes {@code [1024, 1280)} was decoded before, else decoded
     * now (and kept when the page is a whole 4 KiB page).
     */
    public static Entry decode(ByteBuffer page0) {
        if (!enabled || page0.limit() != PAGE) {
            return new Entry(null, Superblock.decode(page0));
        }
        Entry l = last;
        if (l != null && same(page0, FROM, l.bytes, TO - FROM)) {
            HITS.increment();
            return l;
        }
        CRC32C crc = new CRC32C();
        if (page0.hasArray()) {
            crc.update(page0.array(), page0.arrayOffset() + FROM, TO - FROM);
        } else {
            crc.update(page0.slice(FROM, TO - FROM));
        }
        int h = (int) crc.getValue();
        int slot = (h ^ (h >>> 16)) & (CAPACITY - 1);
        Entry e = TABLE[slot];
        if (e != null && same(page0, FROM, e.bytes, TO - FROM)) {
            HITS.increment();
            last = e;
            return e;
        }
        MISSES.increment();
        e = new Entry(copy(page0, FROM, TO - FROM), Superblock.decode(page0));
        TABLE[slot] = e;
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
        Arrays.fill(TABLE, null);
        last = null;
    }
}
