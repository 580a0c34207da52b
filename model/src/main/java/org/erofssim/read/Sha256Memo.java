package org.erofssim.read;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * remembers at most {@link #MEMO_BYTES} bytes, the least recently used going first.
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
     * The contents so far (null once streaming); sized by the first update, then doubled: most
     * files of a base image are far below a page, and a page-sized buffer per file cost more
     * zeroing than the digest (a walk of 225 entries, measured).
     */
    private byte[] buf = NONE;
    private int len;
    /** The JDK's digest once the contents outgrew {@link #CAP}. */
    private MessageDigest stream;

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
            buf = null;
            len = 0;
            return;
        }
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + n, Math.min(CAP, buf.length * 2)));  // the first: n bytes
        }
        System.arraycopy(input, offset, buf, len, n);
        len += n;
    }

    @Override
    protected byte[] engineDigest() {
        byte[] d = stream != null ? stream.digest() : MEMO.get().entry(buf, len).digest.clone();
        engineReset();
        return d;
    }

    /**
     * {@link #digest()} in lower-case hex ({@link FileContent#hex}), and reset: remembered contents
     * keep their string, made once (the hex of every file's digest was 1% of a model-only fuzz
     * campaign's worker samples, JFR).
     */
    String hexDigest() {
        String h = stream != null ? FileContent.hex(stream.digest()) : MEMO.get().entry(buf, len).hex();
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
            buf = new byte[(int) total];
        }
    }

    @Override
    protected void engineReset() {
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

    /** One thread's remembered contents, least recently used first. */
    private static final class Memo {
        private final LinkedHashMap<Long, Entry> map = new LinkedHashMap<>(64, 0.75f, true);
        private long bytes;
        long hits;
        long misses;
        long collisions;

        /** Remembered contents, their digest (never handed out: copies are) and its hex, made at the first ask. */
        static final class Entry {
            final byte[] contents;
            final byte[] digest;
            private String hex;

            Entry(byte[] contents, byte[] digest) {
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
            Entry e = map.get(key);
            if (e != null && Arrays.equals(e.contents, 0, e.contents.length, b, 0, n)) {
                hits++;
                return e;
            }
            misses++;
            if (e != null) {
                collisions++;
            }
            MessageDigest md = FileContent.jdkSha256();
            md.update(b, 0, n);
            byte[] d = md.digest();
            // the buffer is the memo's from here (the digest drops it): kept as it is when full
            Entry made = new Entry(b.length == n ? b : Arrays.copyOf(b, n), d);
            Entry old = map.put(key, made);
            bytes += n - (old == null ? 0 : old.contents.length);
            for (var it = map.entrySet().iterator(); bytes > MEMO_BYTES && it.hasNext(); ) {
                Map.Entry<Long, Entry> first = it.next();
                bytes -= first.getValue().contents.length;
                it.remove();
            }
            return made;
        }

        /** The length and 64 sampled bytes (the first and last among them): which entry to compare with. */
        private static long selector(byte[] b, int n) {
            long h = n * 0x9E3779B97F4A7C15L;
            if (n > 0) {
                for (int i = 0; i < 64; i++) {
                    h = (h ^ b[(int) ((long) i * (n - 1) / 63)]) * 0x100000001B3L;
                }
            }
            return h;
        }
    }
}
