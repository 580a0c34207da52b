package org.erofssim.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.erofssim.contract.MountOutcome;
import org.erofssim.fuzz.FuzzCampaign.Kind;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.reference.Case;
import org.erofssim.reference.KernelReference;
import org.erofssim.reference.Observation;
import org.erofssim.report.Difference;

/**
 * Shrinking of the findings one VM kernel gave in a batch ({@link VmDifferential}), batched per
 * boot: every round of {@link Shrinker#shrinkBatched} is one boot of that kernel observing the
 * candidates of all its findings of the batch together (plus one boot more for each candidate
 * that crashes it, as in the campaign). A candidate reproduces a divergence when the kernel's
 * answer still differs from the model of its release in the same fields; it reproduces a crash
 * when the kernel panics or hangs on it.
 *
 * <p>What it costs: at most {@link #ROUNDS} boots per kernel per batch that had findings (each
 * boot observing up to {@link #PER_CASE} candidates per finding, one more each round for the
 * combined simplification), plus a boot per crashing candidate; a divergence of a case with many
 * removable parts typically shrinks in two or three rounds. Under TCG at the session-6 rate
 * (4.6-7 s per case including the boot) a round of 40 candidates is a few minutes.
 */
final class VmShrinker {
    /** Rounds (boots) per kernel per batch at most. */
    static final int ROUNDS = 4;
    /** One-step candidates per finding per round at most. */
    static final int PER_CASE = 40;

    /** A finding to shrink: its case, its kind, and for a divergence the fields that differed. */
    record Target(FuzzCase c, Kind kind, List<String> fields) {}

    /** A shrunk finding: the case, the outcomes its last reproducing boot stated (model, kernel). */
    record Shrunk(FuzzCase c, List<ReproScript.Stated> stated, String console) {}

    private final FuzzCampaign campaign;
    private final Path root;
    private final byte[] blob;
    private final int rounds;
    private int boots;
    private int probes;

    VmShrinker(FuzzCampaign campaign, Path root, byte[] blob, int rounds) {
        this.campaign = campaign;
        this.root = root;
        this.blob = blob;
        this.rounds = rounds;
    }

    /** Boots spent and candidates observed so far (for the campaign's timing line). */
    String spent() {
        return String.format(Locale.ROOT, "%d shrinking boot(s), %d candidate(s)", boots, probes);
    }

    /**
     * Shrinks {@code targets}, all found on kernel {@code k} (its release modelled by a preset or
     * not: without a modelled profile a divergence cannot be checked again and is left as drawn).
     * Each result holds the outcomes seen for the shrunk case on its last reproducing boot (none
     * when no candidate reproduced: the finding's own outcomes stand).
     */
    List<Shrunk> shrink(BatchKernel k, List<Target> targets, PrintWriter log) {
        if (targets.isEmpty() || rounds <= 0) {
            return targets.stream().map(t -> new Shrunk(t.c(), null, null)).toList();
        }
        Map<FuzzCase, List<ReproScript.Stated>> seen = new HashMap<>();
        Map<FuzzCase, String> consoles = new HashMap<>();
        int[] round = {0};
        Shrinker.Batched b = Shrinker.shrinkBatched(targets.stream().map(Target::c).toList(), rounds, PER_CASE,
                batch -> boot(k, targets, batch, ++round[0], seen, consoles, log));
        List<Shrunk> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            FuzzCase c = b.shrunk().get(i);
            out.add(new Shrunk(c, c.equals(targets.get(i).c()) ? null : seen.get(c), consoles.get(c)));
        }
        log.printf(Locale.ROOT, "vm %s: shrinking %d finding(s) took %d boot round(s), %d candidate(s)%n", k.name(),
                targets.size(), b.rounds(), b.probes());
        log.flush();
        return out;
    }

    /** One round: the probes written as a batch, observed on {@code k} (a new boot after each crash). */
    private List<Boolean> boot(BatchKernel k, List<Target> targets, List<Shrinker.Probe> batch, int round,
            Map<FuzzCase, List<ReproScript.Stated>> seen, Map<FuzzCase, String> consoles, PrintWriter log) {
        Path dir = root.resolve("shrink-" + round);
        Boolean[] ok = new Boolean[batch.size()];
        Arrays.fill(ok, Boolean.FALSE);
        try {
            List<String> stems = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                stems.add("probe-" + i);
            }
            List<Path> written = VmDifferential.writeBatch(campaign, blob, dir,
                    batch.stream().map(Shrinker.Probe::c).toList(), stems);
            // sent in the kernel's order (a crash answers a prefix of it); j below counts in that order
            List<Integer> order = VmDifferential.order(k, written);
            List<Path> files = order.stream().map(written::get).toList();
            int from = 0;
            while (from < files.size()) {
                boots++;
                BatchKernel.Batch b = k.observe(dir, files.subList(from, files.size()));
                int answered = b.crash() == null ? files.size() - from : b.crash().at();
                KernelReference ref = b.answers();
                KernelProfile profile = ref.profile().orElse(null);
                for (int j = from; j < from + answered; j++) {
                    probes++;
                    int i = order.get(j);
                    Shrinker.Probe p = batch.get(i);
                    Target t = targets.get(p.target());
                    if (t.kind() != Kind.DIVERGENCE || profile == null) {
                        continue;
                    }
                    Case kc = new Case("probe-" + i, files.get(j), campaign.scenarioInMemory(p.c(), Releases.DEFAULT));
                    if (ref.refuses(kc).isPresent()) {
                        continue;
                    }
                    Observation o = ref.observe(kc);
                    if (!(o instanceof Observation.Observed obs)) {
                        continue;
                    }
                    MountOutcome model = ReleaseDiff.predict(campaign, p.c(), profile);
                    if (model == null) {
                        continue;
                    }
                    List<String> fields = ref.comparison().differences(model, obs).stream().map(Difference::field)
                            .sorted().toList();
                    if (fields.equals(t.fields())) {
                        ok[i] = true;
                        seen.put(p.c(), List.of(new ReproScript.Stated("expected (model " + profile.name() + ")", model),
                                new ReproScript.Stated("observed (kernel " + ref.release() + ", VM)", obs.outcome())));
                    }
                }
                if (b.crash() == null) {
                    break;
                }
                int at = from + b.crash().at();
                probes++;
                Shrinker.Probe crashed = batch.get(order.get(at));
                if (targets.get(crashed.target()).kind() == Kind.KERNEL_CRASH) {
                    ok[order.get(at)] = true;
                    consoles.put(crashed.c(), b.crash().console());
                } else {
                    log.printf(Locale.ROOT, "vm %s: a shrinking candidate of a divergence crashed the kernel: %s%n",
                            k.name(), b.crash().what());
                }
                from = at + 1;
            }
            return List.of(ok);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FindingFolders.deleteTree(dir);
        }
    }
}
