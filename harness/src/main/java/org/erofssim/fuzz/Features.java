package org.erofssim.fuzz;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.erofssim.kernel.Coverage;

/**
 * The guided loop's features: a case that adds one is kept in the corpus. A feature is a model
 * outcome (errno or mode) first seen, an (id, outcome) pair first seen (an errno or mode first
 * seen behind a branch: AFL's hit-count buckets, in spirit), or a near miss at a new place
 * ({@link #nearMiss}). The pairs are a bit set of id numbers ({@link CorpusScheduler#number}) per
 * outcome: JFR (session 11) found the campaign's main thread making an {@code "id|outcome"} string
 * per id per case and hashing it into one set.
 */
final class Features {
    /** How many places of near misses ({@link Coverage.Hint}) of one wanted branch make a case worth keeping. */
    static final int NEAR = 16;

    private final Map<String, BitSet> idsByOutcome = new HashMap<>();
    private final Set<String> nearMisses = new HashSet<>();
    private final Map<String, Integer> nearPlaces = new HashMap<>();

    /**
     * Whether the case whose evaluation is {@code e}, and which reached the ids numbered {@code ids},
     * adds a feature; each feature it adds is remembered.
     */
    boolean add(FuzzCampaign.Evaluation e, int[] ids, Predicate<String> wanted) {
        String outcome = e.model() == null ? "none" : CaseStatistics.label(e.model()) + "/"
                + (e.model().mode() == null ? "-" : e.model().mode().contractName());
        boolean added = false;
        BitSet seen = idsByOutcome.get(outcome);
        if (seen == null) {
            seen = new BitSet();
            idsByOutcome.put(outcome, seen);
            added = true;
        }
        for (int id : ids) {
            if (!seen.get(id)) {
                seen.set(id);
                added = true;
            }
        }
        // a near miss is a feature too (libFuzzer's value profile, in spirit): the
        // first case that passed a comparison at a new place which, flipped, takes a
        // branch still wanted (up to NEAR places per branch: a chain of two flips,
        // e.g. a root inode moved to a block's last slot, then made extended, needs
        // the first step kept)
        return nearMiss(e, wanted) | added;
    }

    /** Whether the case's hints add a near miss of a wanted branch at a new place (at most {@link #NEAR} per branch). */
    private boolean nearMiss(FuzzCampaign.Evaluation e, Predicate<String> wanted) {
        boolean added = false;
        for (Coverage.Hint h : e.hints()) {
            if (wanted.test(h.id()) && nearPlaces.getOrDefault(h.id(), 0) < NEAR
                    && nearMisses.add(h.id() + "|" + h.offset() + "|" + h.option())) {
                nearPlaces.merge(h.id(), 1, Integer::sum);
                added = true;
            }
        }
        return added;
    }
}
