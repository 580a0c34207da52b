package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.erofssim.kernel.Coverage;

/**
 * The guided loop's corpus and its power schedule (AFL's energy, in small): each kept case gets a
 * weight for being picked as the parent of the next mutant, higher when it reached coverage ids
 * no case had reached before it, higher when its rarest id is rarely hit by all cases so far
 * (the favoured entries of AFL), and lower the more often it has been picked already (AFL's
 * fuzz level: a parent that keeps giving nothing new cools down). Directed (AFLGo's distance, from
 * what the model knows): a case whose evaluation passed a comparison that, flipped, takes a
 * branch no case has reached yet (its {@link Coverage.Hint}s) weighs more, and so does a case
 * that reached a branch of a kernel function with branches still unreached (the ids of one
 * function share the same record and checks). Weights are recomputed every {@link #REWEIGH}
 * picks and whenever a case is added; the pick is a draw proportional to them.
 *
 * <p>Ids are numbered ({@link #number}) in the order the campaign first meets them, and an entry
 * keeps its ids, the kernel functions of its ids and its hints' distinct ids as arrays made once
 * at {@link #add}: a reweigh reads arrays instead of iterating sets of strings and looking each up
 * in a map (JFR, session 11: reweighing after every add was 40% of a model-only campaign's main
 * thread, quadratic in the corpus). The weights are the same numbers, summed in the same order.
 */
final class CorpusScheduler {
    static final int REWEIGH = 256;

    /** A kept case and the comparisons it passed that a mutant can flip. */
    record Entry(FuzzCase c, List<Coverage.Hint> hints) {}

    /** A kept case as the weights read it. */
    private record Kept(int[] ids, int[] functions, String[] hintIds) {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<Kept> kept = new ArrayList<>();
    private final List<int[]> stats = new ArrayList<>(); // {new ids found, times picked}

    /** Id numbers, in the order the campaign met them; the function number of each. */
    private final Map<String, Integer> numbers = new HashMap<>();
    private String[] names = new String[64];
    private int[] functionOf = new int[64];
    /** How many evaluated cases reached each id (the rarity the weights use), by number. */
    private int[] hits = new int[64];
    private int count;
    /** Kernel function numbers (the part of an id before its colon). */
    private final Map<String, Integer> functionNumbers = new HashMap<>();
    /** The committed ids ({@link Coverage#knownIds()}, in its order) and the function number of each. */
    private final String[] known;
    private final int[] knownFunction;

    private final Predicate<String> wanted;
    private double[] cumulative = new double[0];
    private int sincePicks = REWEIGH;

    /** A scheduler without direction (every id counts as reached already). */
    CorpusScheduler() {
        this(id -> false);
    }

    /** @param wanted the ids still worth steering to (not reached, reachable, hints not used up) */
    CorpusScheduler(Predicate<String> wanted) {
        this.wanted = wanted;
        this.known = Coverage.knownIds().keySet().toArray(String[]::new);
        this.knownFunction = new int[known.length];
        for (int i = 0; i < known.length; i++) {
            knownFunction[i] = functionNumber(function(known[i]));
        }
    }

    /**
     * The number of coverage id {@code id}: the next one (the count of ids numbered so far) when
     * the campaign meets it for the first time.
     */
    int number(String id) {
        Integer n = numbers.get(id);
        if (n != null) {
            return n;
        }
        if (count == names.length) {
            names = Arrays.copyOf(names, 2 * count);
            functionOf = Arrays.copyOf(functionOf, 2 * count);
            hits = Arrays.copyOf(hits, 2 * count);
        }
        names[count] = id;
        functionOf[count] = functionNumber(function(id));
        numbers.put(id, count);
        return count++;
    }

    /** How many ids have been {@link #number numbered}. */
    int numbered() {
        return count;
    }

    /** The numbers of {@code ids}, in their iteration order. */
    int[] numbers(Set<String> ids) {
        int[] out = new int[ids.size()];
        int i = 0;
        for (String id : ids) {
            out[i++] = number(id);
        }
        return out;
    }

    private int functionNumber(String function) {
        Integer n = functionNumbers.get(function);
        if (n == null) {
            n = functionNumbers.size();
            functionNumbers.put(function, n);
        }
        return n;
    }

    /** Keeps {@code c}, which reached the ids numbered {@code reached}, {@code newIds} of them first. */
    void add(FuzzCase c, int[] reached, int newIds) {
        add(c, reached, newIds, List.of());
    }

    /**
     * Keeps {@code c}, which reached the ids numbered {@code reached} ({@code newIds} of them
     * first) and passed {@code hints}.
     */
    void add(FuzzCase c, int[] reached, int newIds, List<Coverage.Hint> hints) {
        List<Coverage.Hint> h = List.copyOf(hints);
        entries.add(new Entry(c, h));
        int[] fs = new int[reached.length];
        int n = 0;
        for (int id : reached) {
            int f = functionOf[id];
            boolean seen = false;
            for (int j = 0; j < n && !seen; j++) {
                seen = fs[j] == f;
            }
            if (!seen) {
                fs[n++] = f;
            }
        }
        Set<String> hintIds = new LinkedHashSet<>();
        for (Coverage.Hint x : h) {
            hintIds.add(x.id());
        }
        kept.add(new Kept(reached.clone(), Arrays.copyOf(fs, n), hintIds.toArray(String[]::new)));
        stats.add(new int[] {newIds, 0});
        sincePicks = REWEIGH;
    }

    /** Counts the ids (numbered) one evaluated case reached (the rarity the weights use). */
    void hit(int[] reached) {
        for (int id : reached) {
            hits[id]++;
        }
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** A parent by weight. */
    Entry pick(Random r) {
        if (sincePicks >= REWEIGH || cumulative.length != entries.size()) {
            reweigh();
        }
        sincePicks++;
        double x = r.nextDouble() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        stats.get(lo)[1]++;
        return entries.get(lo);
    }

    /** Any case, uniformly (the second parent of a splice). */
    FuzzCase any(Random r) {
        return entries.get(r.nextInt(entries.size())).c();
    }

    private void reweigh() {
        sincePicks = 0;
        cumulative = new double[entries.size()];
        // the kernel functions with a branch still wanted
        boolean[] open = new boolean[functionNumbers.size()];
        for (int i = 0; i < known.length; i++) {
            if (wanted.test(known[i])) {
                open[knownFunction[i]] = true;
            }
        }
        double sum = 0;
        for (int i = 0; i < entries.size(); i++) {
            Kept k = kept.get(i);
            int rarest = Integer.MAX_VALUE;
            for (int id : k.ids()) {
                rarest = Math.min(rarest, hits[id]);
            }
            boolean neighbour = false;
            for (int f : k.functions()) {
                if (open[f]) {
                    neighbour = true;
                    break;
                }
            }
            // the distinct ids of its hints still wanted (up to 3 count)
            int near = 0;
            for (String id : k.hintIds()) {
                if (near < 3 && wanted.test(id)) {
                    near++;
                }
            }
            int[] s = stats.get(i);
            double w = (1 + 4.0 * s[0]) * (1 + 64.0 / (1 + (rarest == Integer.MAX_VALUE ? 0 : rarest)))
                    / (1 + s[1] / 16.0);
            w *= (neighbour ? 2 : 1) * (1 + 4.0 * near);
            sum += w;
            cumulative[i] = sum;
        }
    }

    private static String function(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? id : id.substring(0, colon);
    }
}
