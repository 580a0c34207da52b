package org.erofssim.read;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A SHA-256 {@link MessageDigest} that remembers, per thread, the digests of the last file
 * contents it hashed (issue 12, session 12): a fuzz campaign reads the same few files of its base
 * images again in most cases (a case's edits rarely reach file data), and hashing them was a
 * fifth of a model-only campaign's worker time (JFR). The bytes given to {@link #update} are kept
 * in a buffer; {@link #digest} looks them up by a cheap selector (length and sampled bytes) and
 * returns the remembered digest only when the remembered contents are <b>equal byte for byte</b>
 * ({@link Arrays#equals}, tens of GB/s against about 1.5 GB/s for SHA-256), else hashes them and
 * remembers them. So the digest is always the SHA-256 of the bytes given, whatever the memo holds.
 * Contents longer than {@link #CAP} bytes are hashed as they come (never remembered); a thread
 * remembers at most {@link #MEMO_BYTES} bytes, older entries going first ({@link Memo}).
 *
 * <p>{@link FileContent#newDigest} hands it out only to an evaluation that records coverage (a
 * campaign's case, {@link org.erofssim.kernel.Coverage#recording}); other reads stream into the
 * JDK's digest as before. {@code -Derofssim.hashMemo=false} turns it off (measurements).
 */
public final class Sha256Memo extends MessageDigest implements Cloneable {
    /** Contents up to this many bytes are looked up and remembered. */
    static final int CAP = 1 << 18;
    /** How many bytes of contents one thread remembers at most. */
    static final long MEMO_BYTES = 4L << 20;
    /** Whether {@link FileContent#newDigest} may hand out this digest ({@code erofssim.hashMemo}). */
    static final boolean ENABLED = !"false".equals(System.getProperty("erofssim.hashMemo"));

    private static final ThreadLocal<Memo> MEMO = ThreadLocal.withInitial(Memo::new);

    private static final byte[] NONE = new byte[0];
    /**
     * The contents so far (null once streaming): the thread's scratch buffer ({@link Memo#take}),
     * which only a remembered miss copies. Before session 14 an array per digest, sized by the
     * first update or {@link #expect} (zeroed, filled, and dropped by every hit: 260 MB of a
     * 30,000-case campaign's 3.5 GB of worker allocations, JFR).
     */
    private byte[] buf = NONE;
    private int len;
    /** The JDK's digest once the contents outgrew {@link #CAP}. */
    private MessageDigest stream;

    /**
     * This thread's memo, looked up once ({@link FileContent#newDigest} hands this digest out only
     * where the work stays on the thread that records coverage).
     */
    private final Memo memo = MEMO.get();

    Sha256Memo() {
        super("SHA-256");
    }

    @Override
    protected void engineUpdate(byte input) {
        engineUpdate(new byte[] {input}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int n) {
        if (stream != null) {
            stream.update(input, offset, n);
            return;
        }
        if ((long) len + n > CAP) {
            stream = FileContent.jdkSha256();
            stream.update(buf, 0, len);
            stream.update(input, offset, n);
            memo.give(this);
            buf = null;
            len = 0;
            return;
        }
        if (len + n > buf.length || buf == NONE) {
            buf = memo.take(this, buf, len, len + n);
        }
        System.arraycopy(input, offset, buf, len, n);
        len += n;
    }

    @Override
    protected byte[] engineDigest() {
        byte[] d = stream != null ? stream.digest() : memo.entry(buf, len).digest.clone();
        engineReset();
        return d;
    }

    /**
     * {@link #digest()} in lower-case hex ({@link FileContent#hex}), and reset: remembered contents
     * keep their string, made once (the hex of every file's digest was 1% of a model-only fuzz
     * campaign's worker samples, JFR).
     */
    String hexDigest() {
        String h = stream != null ? FileContent.hex(stream.digest()) : memo.entry(buf, len).hex();
        reset();
        return h;
    }

    /**
     * Sizes the buffer for contents of {@code total} bytes before the first update (a whole-file
     * read knows them): no growth and no copy of what was already given. Beyond {@link #CAP}
     * (streamed) or after an update, nothing changes.
     */
    void expect(long total) {
        if (buf == NONE && total > 0 && total <= CAP) {
            buf = memo.take(this, buf, 0, (int) total);
        }
    }

    @Override
    protected void engineReset() {
        if (buf != null && buf != NONE) {
            memo.give(this);
        }
        buf = NONE;
        len = 0;
        stream = null;
    }

    @Override
    public Object clone() throws CloneNotSupportedException {
        Sha256Memo c = (Sha256Memo) super.clone();
        c.buf = buf == null ? null : buf.clone();
        c.stream = stream == null ? null : FileContent.cloneOf(stream);
        return c;
    }

    /**
     * Tests: the digests this thread's memo answered from memory (hits), by hashing (misses), and
     * the misses whose selector named remembered contents that were not equal (collisions).
     */
    static long[] counts() {
        Memo m = MEMO.get();
        return new long[] {m.hits, m.misses, m.collisions};
    }

    /**
     * One thread's remembered contents: a table indexed by the selector, one entry a slot (a new
     * entry takes its slot's place), and beyond {@link #MEMO_BYTES} entries dropped by a hand
     * going round the table. Before session 14 a {@code LinkedHashMap} in access order, whose boxed
     * keys, lookups and relinking per digest were 1.3% of a model-only fuzz campaign's worker
     * samples (JFR); which entries are kept decides only how often contents are hashed again
     * (a 30,000-case campaign, seed 12: 5,221 misses of 520,883 digests against 2,337, far
     * less than the lookups saved; a second chance for used entries changed nothing).
     */
    private static final class Memo {
        private static final int SLOTS = 4096;
        private final Entry[] table = new Entry[SLOTS];
        /** The thread's scratch buffer, and the digest that holds it ({@link #owner}; null: none). */
        private byte[] scratch = NONE;
        private Sha256Memo owner;

        /**
         * The scratch buffer for {@code d}, at least {@code size} bytes, with the first {@code len}
         * bytes of {@code had} (its buffer so far). A digest of this thread that still holds the
         * scratch (a digest dropped unfinished, a second one alive) gets a copy of its own first.
         */
        byte[] take(Sha256Memo d, byte[] had, int len, int size) {
            if (owner != null && owner != d) {
                owner.buf = scratch.clone();
            }
            if (scratch.length < size) {
                byte[] grown = new byte[Math.max(size, Math.min(CAP, scratch.length * 2))];
                System.arraycopy(had, 0, grown, 0, len);
                scratch = grown;
            } else if (had != scratch) {
                System.arraycopy(had, 0, scratch, 0, len);
            }
            owner = d;
            return scratch;
        }

        /** {@code d} is done with its buffer (the scratch, if it still holds it). */
        void give(Sha256Memo d) {
            if (owner == d) {
                owner = null;
            }
        }
        private int hand;
        private long bytes;
        long hits;
        long misses;
        long collisions;

        /** Remembered contents, their selector and digest (never handed out: copies are) and its hex, made at the first ask. */
        static final class Entry {
            final long key;
            final byte[] contents;
            final byte[] digest;
            private String hex;

            Entry(long key, byte[] contents, byte[] digest) {
                this.key = key;
                this.contents = contents;
                this.digest = digest;
            }

            String hex() {
                if (hex == null) {
                    hex = FileContent.hex(digest);
                }
                return hex;
            }
        }

        /** The remembered entry of the {@code n} bytes of {@code b}: an equal one, or a new one hashed now. */
        Entry entry(byte[] b, int n) {
            long key = selector(b, n);
            int slot = (int) (key ^ (key >>> 32)) & (SLOTS - 1);
            Entry e = table[slot];
            if (e != null && e.key == key && Arrays.equals(e.contents, 0, e.contents.length, b, 0, n)) {
                hits++;
                return e;
            }
            misses++;
            if (e != null && e.key == key) {
                collisions++;
            }
            MessageDigest md = FileContent.jdkSha256();
            md.update(b, 0, n);
            byte[] d = md.digest();
            Entry made = new Entry(key, Arrays.copyOf(b, n), d); // b is the scratch (or a clone's own)
            table[slot] = made;
            bytes += n - (e == null ? 0 : e.contents.length);
            while (bytes > MEMO_BYTES) {
                hand = (hand + 1) & (SLOTS - 1);
                Entry old = table[hand];
                if (old != null && hand != slot) {
                    bytes -= old.contents.length;
                    table[hand] = null;
                }
            }
            return made;
        }

        /** The length and 64 sampled bytes (the first and last among them): which entry to compare with. */
        private static long selector(byte[] b, int n) {
            long h = n * 0x9E3779B97F4A7C15L;
            if (n > 0) {
                // byte i * (n - 1) / 63 for i = 0..63, without a division each: q and the remainder
                int q = (n - 1) / 63;
                int r = (n - 1) % 63;
                int at = 0;
                int rem = 0;
                for (int i = 0; i < 64; i++) {
                    h = (h ^ b[at]) * 0x100000001B3L;
                    at += q;
                    rem += r;
                    if (rem >= 63) {
                        rem -= 63;
                        at++;
                    }
                }
            }
            return h;
        }
    }
}
