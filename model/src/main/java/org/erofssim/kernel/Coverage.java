package org.erofssim.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Coverage from the model itself: the model's decision points that stand for a branch of a
 * kernel function call {@link #hit(String)} with a stable id, {@code function:branch} (e.g.
 * {@code erofs_read_superblock:bad-magic}), so that a fuzz campaign learns which kernel checks
 * and paths a case reached without KCOV.
 *
 * <p>Recording is scoped to the calling thread: {@link #record(Recorder, Supplier)} installs a
 * {@link Recorder} for the duration of one evaluation on this thread only, so concurrent users of
 * the model (other threads, other recorders) never see each other's hits. When no recorder is
 * active anywhere in the JVM, {@link #hit} costs one read of a counter and returns; otherwise one
 * thread-local read.
 *
 * <p>The ids are listed, with one line on the kernel branch each stands for, in the committed
 * resource {@code coverage-ids.txt} next to this class ({@link #knownIds()}); a test compares that
 * list with the ids the model's sources pass to {@code hit}, so an id does not change silently.
 */
public final class Coverage {
    private static final ThreadLocal<Recorder> CURRENT = new ThreadLocal<>();
    /** How many {@link #record} scopes are open on any thread: 0 makes {@link #hit} a counter read. */
    private static final AtomicInteger ACTIVE = new AtomicInteger();
    private static volatile Map<String, String> known;

    private Coverage() {}

    /** Records that the current evaluation reached branch {@code id} (no-op without a recorder on this thread). */
    public static void hit(String id) {
        if (ACTIVE.get() == 0) {
            return;
        }
        Recorder r = CURRENT.get();
        if (r != null) {
            r.ids.add(id);
        }
    }

    /**
     * Whether a recorder collects this thread's hits: work handed to other threads would not be
     * counted, so the model keeps such work on this thread (a tree walk's parallel reads).
     */
    public static boolean recording() {
        return ACTIVE.get() != 0 && CURRENT.get() != null;
    }

    /**
     * A comparison the current evaluation passed that, flipped, takes branch {@code id}: the
     * kernel compared a field read from image byte {@code offset} ({@code width} bytes,
     * little-endian, of the primary as the case wrote it) with a bound or constant, and writing
     * {@code value} there makes the comparison go the other way (CmpLog / value profile, from the
     * model: it knows the field, the bound and the branch); or, with {@code option} set, adding
     * that mount option does. A fuzzer's mutator writes the value in a mutant of the case.
     */
    public record Hint(String id, long offset, int width, long value, String option) {
        public Hint {
            if (option == null && (width < 1 || width > 8 || offset < 0)) {
                throw new IllegalArgumentException("a hint writes 1 to 8 bytes at an offset >= 0: " + width + "@" + offset);
            }
        }

        // equals and hashCode written out, component by component as the record's generated ones
        // (same hash): those go through method handles (ObjectMethods), spun as LambdaForm classes at
        // the first call and slow until compiled; a recorder's hints are a set (issue 12)
        @Override public boolean equals(Object o) {
            return this == o || o instanceof Hint h && java.util.Objects.equals(id, h.id) && offset == h.offset
                    && width == h.width && value == h.value && java.util.Objects.equals(option, h.option);
        }

        @Override public int hashCode() {
            int h = 31 * java.util.Objects.hashCode(id) + Long.hashCode(offset);
            h = 31 * (31 * h + width) + Long.hashCode(value);
            return 31 * h + java.util.Objects.hashCode(option);
        }
    }

    /**
     * Records that writing {@code value} ({@code width} bytes, little-endian) at image byte
     * {@code offset} would take branch {@code id} (no-op without a recorder on this thread; the
     * model computes a hint only when {@link #recording()}).
     */
    public static void hint(String id, long offset, int width, long value) {
        if (ACTIVE.get() == 0) {
            return;
        }
        Recorder r = CURRENT.get();
        if (r != null && offset >= 0) {
            r.hint(new Hint(id, offset, width, value, null));
        }
    }

    /** Records that adding mount option {@code option} would take branch {@code id}. */
    public static void hintOption(String id, String option) {
        if (ACTIVE.get() == 0) {
            return;
        }
        Recorder r = CURRENT.get();
        if (r != null) {
            r.hint(new Hint(id, 0, 0, 0, option));
        }
    }

    /** Runs {@code work} on this thread with {@code recorder} collecting the ids it reaches; restores the previous one. */
    public static <T> T record(Recorder recorder, Supplier<T> work) {
        Recorder previous = CURRENT.get();
        CURRENT.set(recorder);
        ACTIVE.incrementAndGet();
        try {
            return work.get();
        } finally {
            ACTIVE.decrementAndGet();
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /**
     * The committed ids ({@code coverage-ids.txt}) with their one-line descriptions, in file order:
     * what a campaign's "never reached" list is drawn from.
     */
    public static Map<String, String> knownIds() {
        Map<String, String> k = known;
        if (k == null) {
            k = load();
            known = k;
        }
        return k;
    }

    private static Map<String, String> load() {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = Coverage.class.getResourceAsStream("coverage-ids.txt")) {
            if (in == null) {
                throw new IllegalStateException("coverage-ids.txt missing from the model's resources");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int sp = t.indexOf(' ');
                out.put(sp < 0 ? t : t.substring(0, sp), sp < 0 ? "" : t.substring(sp).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Collections.unmodifiableMap(out);
    }

    /** The ids one or more evaluations reached (not thread-safe: one recorder per thread). */
    public static final class Recorder {
        /** At most this many hints per evaluation and branch (the first ones, in the walk's order). */
        public static final int MAX_HINTS = 64;
        public static final int MAX_HINTS_PER_ID = 6;
        private final Set<String> ids = new HashSet<>();
        private Set<Hint> hints;
        private Map<String, Integer> perId;

        private void hint(Hint h) {
            if (hints == null) {
                hints = new java.util.LinkedHashSet<>();
                perId = new java.util.HashMap<>();
            }
            if (hints.size() < MAX_HINTS && perId.getOrDefault(h.id(), 0) < MAX_HINTS_PER_ID && hints.add(h)) {
                perId.merge(h.id(), 1, Integer::sum);
            }
        }

        /** The hints recorded so far, in the order the model gave them ({@link Coverage#hint}). */
        public java.util.List<Hint> hints() {
            return hints == null ? java.util.List.of() : java.util.List.copyOf(hints);
        }

        /** The ids reached so far. */
        public Set<String> ids() {
            return Collections.unmodifiableSet(ids);
        }

        /** Forgets what was reached (to reuse the recorder for the next case). */
        public void clear() {
            ids.clear();
            hints = null;
            perId = null;
        }
    }
}
