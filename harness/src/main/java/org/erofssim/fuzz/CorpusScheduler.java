package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The guided loop's corpus and its power schedule (AFL's energy, in small): each kept case gets a
 * weight for being picked as the parent of the next mutant, higher when it reached coverage ids
 * no case had reached before it, higher when its rarest id is rarely hit by all cases so far
 * (the favoured entries of AFL), and lower the more often it has been picked already (AFL's
 * fuzz level: a parent that keeps giving nothing new cools down). Weights are recomputed every
 * {@link #REWEIGH} picks and whenever a case is added; the pick is a draw proportional to them.
 */
final class CorpusScheduler {
    static final int REWEIGH = 256;

    private final List<FuzzCase> cases = new ArrayList<>();
    private final List<Set<String>> ids = new ArrayList<>();
    private final List<int[]> stats = new ArrayList<>(); // {new ids found, times picked}
    private final Map<String, Integer> hits = new HashMap<>();
    private double[] cumulative = new double[0];
    private int sincePicks = REWEIGH;

    /** Keeps {@code c}, which reached {@code reached}, {@code newIds} of them first. */
    void add(FuzzCase c, Set<String> reached, int newIds) {
        cases.add(c);
        ids.add(reached);
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
        return cases.size();
    }

    boolean isEmpty() {
        return cases.isEmpty();
    }

    /** A parent by weight. */
    FuzzCase pick(Random r) {
        if (sincePicks >= REWEIGH || cumulative.length != cases.size()) {
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
        return cases.get(lo);
    }

    /** Any case, uniformly (the second parent of a splice). */
    FuzzCase any(Random r) {
        return cases.get(r.nextInt(cases.size()));
    }

    private void reweigh() {
        sincePicks = 0;
        cumulative = new double[cases.size()];
        double sum = 0;
        for (int i = 0; i < cases.size(); i++) {
            int rarest = Integer.MAX_VALUE;
            for (String id : ids.get(i)) {
                rarest = Math.min(rarest, hits.getOrDefault(id, 0));
            }
            int[] s = stats.get(i);
            double w = (1 + 4.0 * s[0]) * (1 + 64.0 / (1 + (rarest == Integer.MAX_VALUE ? 0 : rarest)))
                    / (1 + s[1] / 16.0);
            sum += w;
            cumulative[i] = sum;
        }
    }
}
