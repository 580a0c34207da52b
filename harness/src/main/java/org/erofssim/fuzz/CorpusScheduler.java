package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 */
final class CorpusScheduler {
    static final int REWEIGH = 256;

    /** A kept case and the comparisons it passed that a mutant can flip. */
    record Entry(FuzzCase c, List<Coverage.Hint> hints) {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<Set<String>> ids = new ArrayList<>();
    /** Per entry: the kernel functions of its ids ({@link #function}), made once at {@link #add}. */
    private final List<Set<String>> functions = new ArrayList<>();
    /** The kernel function of each committed id, in {@link Coverage#knownIds()}'s order (made once). */
    private static final List<String[]> KNOWN_FUNCTIONS = Coverage.knownIds().keySet().stream()
            .map(id -> new String[] {id, function(id)}).toList();
    private final List<int[]> stats = new ArrayList<>(); // {new ids found, times picked}
    private final Map<String, Integer> hits = new HashMap<>();
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
    }

    /** Keeps {@code c}, which reached {@code reached}, {@code newIds} of them first. */
    void add(FuzzCase c, Set<String> reached, int newIds) {
        add(c, reached, newIds, List.of());
    }

    /** Keeps {@code c}, which reached {@code reached} ({@code newIds} of them first) and passed {@code hints}. */
    void add(FuzzCase c, Set<String> reached, int newIds, List<Coverage.Hint> hints) {
        entries.add(new Entry(c, List.copyOf(hints)));
        ids.add(reached);
        Set<String> fs = new HashSet<>();
        for (String id : reached) {
            fs.add(function(id));
        }
        functions.add(fs);
        stats.add(new int[] {newIds, 0});
        sincePicks = REWEIGH;
    }

    /** Counts the ids one evaluated case reached (the rarity the weights use). */
    void hit(Set<String> reached) {
        for (String id : reached) {
            hits.merge(id, 1, Integer::sum);
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
        Set<String> open = new HashSet<>();
        for (String[] known : KNOWN_FUNCTIONS) {
            if (wanted.test(known[0])) {
                open.add(known[1]);
            }
        }
        double sum = 0;
        Set<String> near = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            int rarest = Integer.MAX_VALUE;
            for (String id : ids.get(i)) {
                rarest = Math.min(rarest, hits.getOrDefault(id, 0));
            }
            // (JFR: the function of every id of every entry, cut again at each reweigh, was a
            // quarter of a guided campaign's main thread; the entry's functions are made at add)
            boolean neighbour = false;
            for (String f : functions.get(i)) {
                if (open.contains(f)) {
                    neighbour = true;
                    break;
                }
            }
            near.clear();
            for (Coverage.Hint h : entries.get(i).hints()) {
                if (wanted.test(h.id())) {
                    near.add(h.id());
                }
            }
            int[] s = stats.get(i);
            double w = (1 + 4.0 * s[0]) * (1 + 64.0 / (1 + (rarest == Integer.MAX_VALUE ? 0 : rarest)))
                    / (1 + s[1] / 16.0);
            w *= (neighbour ? 2 : 1) * (1 + 4.0 * Math.min(3, near.size()));
            sum += w;
            cumulative[i] = sum;
        }
    }

    private static String function(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? id : id.substring(0, colon);
    }
}
