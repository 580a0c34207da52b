package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.report.Difference;

/**
 * The model-only differential across releases: each case is predicted on every preset (oldest
 * first, as {@link org.erofssim.kernel.Releases#all()} lists them) and each pair of neighbours is
 * compared. A difference is <em>explained</em> when every outcome field that differs is made
 * equal to the newer release's by one modelled change, or two together, applied to the older
 * preset: a {@link Behavior} the two presets disagree on (added or reverted), or a CONFIG
 * default they disagree on. Explained differences are counted by the changes that explain them;
 * a difference with a field that no change alone and no pair of changes explains (three or more
 * changes that only matter together, or anything else the presets differ in) is a
 * <em>candidate regression</em>, reported with the two releases and the unexplained fields.
 * Every difference between two presets' models comes from their Behaviors and CONFIG defaults
 * (the model branches on nothing else), so what this finds is where a release's changes
 * interact: the places a kernel regression between those releases is likeliest, and where the
 * presets' modelling deserves a second look.
 */
public final class ReleaseDiff {
    private final List<KernelProfile> presets;
    /** pair ("6.12.0 -> 6.13.0-rc4") -> what explains its differences -> count; "same" for none. */
    private final Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    private int candidates;

    ReleaseDiff(List<KernelProfile> presets) {
        this.presets = List.copyOf(presets);
        for (int i = 1; i < presets.size(); i++) {
            counts.put(pair(presets.get(i - 1), presets.get(i)), new TreeMap<>());
        }
    }

    /** The presets compared, oldest first. */
    public List<KernelProfile> presets() {
        return presets;
    }

    /** Per neighbouring pair: "same", "explained by X" (a Behavior or CONFIG_X), "candidate regression" -> cases. */
    public Map<String, Map<String, Integer>> counts() {
        return counts;
    }

    /** How many candidate regressions the campaign reported. */
    public int candidates() {
        return candidates;
    }

    private static String pair(KernelProfile a, KernelProfile b) {
        return a.release() + " -> " + b.release();
    }

    /**
     * Predicts {@code c} on every preset; null when every neighbouring difference is explained,
     * else a failure of kind {@link FuzzCampaign.Kind#CANDIDATE_REGRESSION} naming the pair
     * and the unexplained fields (the first such pair).
     */
    FuzzCampaign.Failure check(FuzzCampaign campaign, FuzzCase c, int index) {
        List<MountOutcome> outcomes = new ArrayList<>();
        for (KernelProfile p : presets) {
            outcomes.add(predict(campaign, c, p));
        }
        FuzzCampaign.Failure first = null;
        for (int i = 1; i < presets.size(); i++) {
            KernelProfile older = presets.get(i - 1);
            KernelProfile newer = presets.get(i);
            MountOutcome a = outcomes.get(i - 1);
            MountOutcome b = outcomes.get(i);
            Map<String, Integer> tally = counts.get(pair(older, newer));
            if (a == null || b == null) {
                tally.merge("not predicted (model failure)", 1, Integer::sum);
                continue;
            }
            List<Difference> diffs = OutcomeComparator.compare(a, b);
            if (diffs.isEmpty()) {
                tally.merge("same", 1, Integer::sum);
                continue;
            }
            Set<String> open = new LinkedHashSet<>();
            diffs.forEach(d -> open.add(d.field()));
            Set<String> explainedBy = new LinkedHashSet<>();
            List<Change> changes = changes(older, newer);
            List<List<Change>> tries = new ArrayList<>();
            changes.forEach(ch -> tries.add(List.of(ch)));
            for (int x = 0; x < changes.size(); x++) {
                for (int y = x + 1; y < changes.size(); y++) {
                    tries.add(List.of(changes.get(x), changes.get(y)));
                }
            }
            for (List<Change> t : tries) {
                if (open.isEmpty()) {
                    break;
                }
                KernelProfile variant = older;
                for (Change ch : t) {
                    variant = ch.apply(variant);
                }
                MountOutcome toggled = predict(campaign, c, variant);
                if (toggled == null) {
                    continue;
                }
                Set<String> still = new LinkedHashSet<>();
                OutcomeComparator.compare(toggled, b).forEach(d -> still.add(d.field()));
                boolean fixedSome = false;
                for (var it = open.iterator(); it.hasNext(); ) {
                    String f = it.next();
                    if (!still.contains(f)) {
                        it.remove();
                        fixedSome = true;
                    }
                }
                if (fixedSome) {
                    explainedBy.add(t.size() == 1 ? t.get(0).name()
                            : "(" + t.get(0).name() + " with " + t.get(1).name() + ")");
                }
            }
            if (open.isEmpty()) {
                tally.merge("explained by " + String.join(" + ", explainedBy), 1, Integer::sum);
                continue;
            }
            tally.merge("candidate regression", 1, Integer::sum);
            candidates++;
            if (first == null) {
                StringBuilder w = new StringBuilder("candidate regression between " + older.release() + " and "
                        + newer.release() + " (case " + index + "): field(s) " + open
                        + " differ and no modelled change explains them alone or with one other"
                        + (explainedBy.isEmpty() ? "" : " (explained: " + explainedBy + ")") + ":");
                for (Difference d : diffs) {
                    if (open.contains(d.field())) {
                        w.append("\n  ").append(d.field()).append(": ").append(older.release()).append(' ')
                                .append(d.model()).append(", ").append(newer.release()).append(' ').append(d.reference());
                    }
                }
                first = new FuzzCampaign.Failure(FuzzCampaign.Kind.CANDIDATE_REGRESSION, w.toString());
            }
        }
        return first;
    }

    /** The model's outcome of {@code c} on profile {@code p}, null when the model fails on it. */
    static MountOutcome predict(FuzzCampaign campaign, FuzzCase c, KernelProfile p) {
        Scenario s = campaign.scenarioInMemory(c, p);
        if (!s.kernel().profile().equals(p)) {
            s = s.toBuilder().kernel(new KernelConfig(p, c.config())).build();
        }
        try {
            return campaign.predict(s, new Coverage.Recorder(), false);
        } catch (FuzzCampaign.ModelFailure f) {
            return null;
        }
    }

    /** One modelled change between two presets: a Behavior one has and the other not, or a CONFIG default. */
    record Change(String name, Behavior behavior, boolean add, ConfigFlag flag, boolean value) {
        KernelProfile apply(KernelProfile p) {
            KernelProfile.Builder b = p.toBuilder();
            if (behavior != null) {
                if (add) {
                    b.with(behavior);
                } else {
                    b.without(behavior);
                }
            } else {
                b.config(flag, value);
            }
            return b.build();
        }
    }

    static List<Change> changes(KernelProfile older, KernelProfile newer) {
        List<Change> out = new ArrayList<>();
        EnumSet<Behavior> added = EnumSet.noneOf(Behavior.class);
        added.addAll(newer.behaviors());
        added.removeAll(older.behaviors());
        EnumSet<Behavior> removed = EnumSet.noneOf(Behavior.class);
        removed.addAll(older.behaviors());
        removed.removeAll(newer.behaviors());
        added.forEach(x -> out.add(new Change(x.name(), x, true, null, false)));
        removed.forEach(x -> out.add(new Change("revert " + x.name(), x, false, null, false)));
        for (ConfigFlag f : ConfigFlag.values()) {
            boolean o = older.defaultConfig().get(f);
            boolean n = newer.defaultConfig().get(f);
            if (o != n) {
                out.add(new Change("CONFIG_" + f.symbol() + "=" + (n ? "y" : "n"), null, false, f, n));
            }
        }
        return out;
    }
}
