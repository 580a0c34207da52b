package org.erofssim.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.fuzz.FuzzCampaign.Failure;
import org.erofssim.fuzz.FuzzCampaign.Finding;
import org.erofssim.fuzz.FuzzCampaign.Kind;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.reference.Case;
import org.erofssim.reference.KernelReference;
import org.erofssim.reference.Observation;
import org.erofssim.report.Difference;

/**
 * The VM kernels of a campaign ({@code fuzz --kernels}): the campaign's cases are kept until a
 * batch is full, written as scenario and image files into {@code OUT/vm-batch/}, and observed on
 * each {@link BatchKernel} in one boot per kernel per batch. Each answer is compared with the
 * model of that kernel's own release (a difference is a {@link Kind#DIVERGENCE} naming the
 * kernel); the kernels' answers (the host's too, when the campaign is live) are compared in
 * release order, and a field in which two neighbouring kernels differ while their models agree
 * is a {@link Kind#CANDIDATE_REGRESSION} naming both releases (no modelled behaviour explains
 * it; log lines are left out of this comparison, the per-kernel comparison has them). A kernel that panics or hangs on a case is a {@link Kind#KERNEL_CRASH} with the serial
 * log saved beside the case; the boot is over, and the rest of the batch goes to a new boot.
 *
 * <p>Findings of the same kind on the same kernel with the same differing fields are written
 * once (the first case) and counted: a systematic divergence would otherwise write one folder
 * per case. A kernel's divergences and crashes of a batch are shrunk together before they are
 * written, one boot of that kernel per shrinking round ({@link VmShrinker}).
 */
final class VmDifferential {
    /**
     * The tally line of the answers whose kernel log lost records before the guest read them
     * (counted besides "agrees"/"differs"): their log is compared as a subsequence of the model's.
     */
    static final String LOG_INCOMPLETE_TALLY = "kernel log incomplete (lost records; its surviving lines compared as a subsequence)";

    /** A case waiting for its batch, with the host kernel's outcome (null: not live or not observed). */
    private record Pending(int index, FuzzCase c, MountOutcome host, String hostRelease) {}

    private final FuzzCampaign campaign;
    private final FindingFolders folders;
    private final List<BatchKernel> kernels;
    private final int batchSize;
    private final Path root;
    private final byte[] blob;
    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> signatures = new HashSet<>();
    /** kernel -> what -> count (agrees, refused, divergence, crash, not answered). */
    private final Map<String, Map<String, Integer>> tally = new LinkedHashMap<>();
    private int batches;
    private long bootNanos;
    /** kernel -> {cases answered in batch boots, nanoseconds of those boots and their comparison with the model}. */
    private final Map<String, long[]> throughput = new LinkedHashMap<>();
    private final VmShrinker shrinker;

    /** A finding waiting to be shrunk on its kernel and written. */
    private record ToShrink(Failure f, Pending p, List<ReproScript.Stated> stated, String console, String tag,
                            VmShrinker.Target target) {}

    VmDifferential(FuzzCampaign campaign, FindingFolders folders, List<BatchKernel> kernels, int batchSize, Path out,
            byte[] blob) {
        this(campaign, folders, kernels, batchSize, out, blob, VmShrinker.ROUNDS);
    }

    /** @param shrinkRounds at most this many shrinking boots per kernel per batch (0: findings as drawn) */
    VmDifferential(FuzzCampaign campaign, FindingFolders folders, List<BatchKernel> kernels, int batchSize, Path out,
            byte[] blob, int shrinkRounds) {
        this.campaign = campaign;
        this.folders = folders;
        this.kernels = List.copyOf(kernels);
        this.batchSize = batchSize;
        this.root = out.resolve("vm-batch");
        this.blob = blob;
        this.shrinker = new VmShrinker(campaign, root, blob, shrinkRounds);
        for (BatchKernel k : kernels) {
            tally.put(k.name(), new TreeMap<>());
        }
    }

    void add(int index, FuzzCase c, MountOutcome host, String hostRelease) {
        pending.add(new Pending(index, c, host, hostRelease));
    }

    boolean full() {
        return pending.size() >= batchSize;
    }

    int pending() {
        return pending.size();
    }

    /** Per kernel: how its answers compared with its model. */
    Map<String, Map<String, Integer>> tally() {
        return tally;
    }

    /**
     * Per kernel: the cases its batch boots answered and the seconds those boots took end to end
     * (host set-up, boot, guest, read-back) with their comparison with the model; shrinking boots
     * are not in it.
     */
    Map<String, double[]> throughputSeconds() {
        Map<String, double[]> out = new LinkedHashMap<>();
        throughput.forEach((k, v) -> out.put(k, new double[] {v[0], v[1] / 1e9}));
        return out;
    }

    /** Batches observed, and the seconds all their boots took. */
    String timing() {
        return String.format(Locale.ROOT, "%d batch(es), %.0f s in VM boots (%s)", batches, bootNanos / 1e9,
                shrinker.spent());
    }

    /** Observes the pending cases on every VM kernel (one boot each) and returns the findings. */
    List<Finding> flush(PrintWriter log) {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<Finding> found = new ArrayList<>();
        Path dir = root.resolve("batch-" + (++batches));
        try {
            List<Path> files = writeBatch(campaign, blob, dir, pending.stream().map(Pending::c).toList(),
                    pending.stream().map(p -> "case-" + p.index()).toList());
            // per case: release -> observed outcome, in release order
            List<Map<String, MountOutcome>> observed = new ArrayList<>();
            for (Pending p : pending) {
                Map<String, MountOutcome> m = new LinkedHashMap<>();
                if (p.host() != null) {
                    m.put(p.hostRelease(), p.host());
                }
                observed.add(m);
            }
            for (BatchKernel k : kernels) {
                observeOn(k, dir, files, observed, found, log);
            }
            for (int i = 0; i < pending.size(); i++) {
                Failure f = regression(pending.get(i), observed.get(i));
                if (f != null && signatures.add("regression|" + f.what().lines().skip(1).toList())) {
                    found.add(finding(f, pending.get(i), List.of(), null, null));
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            pending.clear();
            FindingFolders.deleteTree(dir);
        }
    }

    /**
     * One kernel over the batch: boots until every file is answered or was the one a boot died on.
     * Cases whose CONFIG overrides differ from what the kernel's release is modelled with are not
     * sent: a real kernel's CONFIG is what it was built with (the guest cannot tell it, Debian
     * kernels have no {@code /proc/config.gz}), so its answer would be compared with a model of a
     * kernel that does not exist.
     */
    private void observeOn(BatchKernel k, Path dir, List<Path> allFiles, List<Map<String, MountOutcome>> observed,
            List<Finding> found, PrintWriter log) {
        Map<String, Integer> t = tally.get(k.name());
        KernelProfile modelled = Releases.forRelease(k.name()).orElse(null);
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            if (modelled != null && !realisable(pending.get(i).c(), modelled)) {
                t.merge("not sent: CONFIG override the kernel was not built with", 1, Integer::sum);
            } else {
                sent.add(i);
            }
        }
        List<Path> sentFiles = sent.stream().map(allFiles::get).toList();
        List<Integer> order = order(k, sentFiles);
        List<Path> files = order.stream().map(sentFiles::get).toList();
        List<Integer> sentInOrder = new ArrayList<>();
        for (int i : order) {
            sentInOrder.add(sent.get(i));
        }
        sent = sentInOrder;
        List<ToShrink> toShrink = new ArrayList<>();
        int from = 0;
        while (from < files.size()) {
            long t0 = System.nanoTime();
            BatchKernel.Batch b = k.observe(dir, files.subList(from, files.size()));
            bootNanos += System.nanoTime() - t0;
            int answered = b.crash() == null ? files.size() - from : b.crash().at();
            double bootSeconds = (System.nanoTime() - t0) / 1e9;
            long tCompare = System.nanoTime();
            KernelReference ref = b.answers();
            KernelProfile profile = ref.profile().orElse(null);
            for (int j = from; j < from + answered; j++) {
                int i = sent.get(j);
                Pending p = pending.get(i);
                Case c = new Case("case-" + p.index(), allFiles.get(i), scenario(p));
                if (ref.refuses(c).isPresent()) {
                    t.merge("refused by the guest's oracle", 1, Integer::sum);
                    continue;
                }
                Observation o = ref.observe(c);
                if (!(o instanceof Observation.Observed obs)) {
                    t.merge("not answered", 1, Integer::sum);
                    continue;
                }
                observed.get(i).put(ref.release(), obs.outcome());
                if (obs.outcome().notes().stream().anyMatch(n -> n.startsWith(OutcomeComparator.LOG_INCOMPLETE))) {
                    t.merge(LOG_INCOMPLETE_TALLY, 1, Integer::sum);
                }
                if (profile == null) {
                    t.merge("observed (no modelled profile)", 1, Integer::sum);
                    continue;
                }
                MountOutcome model = ReleaseDiff.predict(campaign, p.c(), profile);
                if (model == null) {
                    t.merge("model failed", 1, Integer::sum);
                    continue;
                }
                List<Difference> diffs = ref.comparison().differences(model, obs);
                if (diffs.isEmpty()) {
                    t.merge("agrees with model " + profile.name(), 1, Integer::sum);
                    continue;
                }
                t.merge("differs from model " + profile.name(), 1, Integer::sum);
                List<String> fields = diffs.stream().map(Difference::field).sorted().toList();
                if (signatures.add("divergence|" + ref.release() + "|" + fields)) {
                    StringBuilder w = new StringBuilder("model (profile " + profile.name() + ") and kernel "
                            + ref.release() + " (VM) differ in " + diffs.size() + " field(s):");
                    for (Difference d : diffs.subList(0, Math.min(diffs.size(), 6))) {
                        w.append("\n  ").append(d);
                    }
                    toShrink.add(new ToShrink(new Failure(Kind.DIVERGENCE, w.toString()), p, List.of(
                            new ReproScript.Stated("expected (model " + profile.name() + ")", model),
                            new ReproScript.Stated("observed (kernel " + ref.release() + ", VM)", obs.outcome())),
                            null, ref.release(), new VmShrinker.Target(p.c(), Kind.DIVERGENCE, fields)));
                }
            }
            long[] tp = throughput.computeIfAbsent(k.name(), n -> new long[2]);
            tp[0] += answered;
            tp[1] += System.nanoTime() - t0;
            log.printf(Locale.ROOT, "vm %s: batch %d, %d case(s) in one boot, %.0f s, compared with the model in %.1f s%s%n",
                    k.name(), batches, answered, bootSeconds, (System.nanoTime() - tCompare) / 1e9,
                    b.crash() == null ? "" : ", then: " + b.crash().what());
            log.flush();
            if (b.crash() == null) {
                break;
            }
            int at = from + b.crash().at();
            t.merge("crashed or hung", 1, Integer::sum);
            Pending crashed = pending.get(sent.get(at));
            toShrink.add(new ToShrink(new Failure(Kind.KERNEL_CRASH, "kernel " + k.name() + " (VM): " + b.crash().what()),
                    crashed, List.of(), b.crash().console(), k.name(),
                    new VmShrinker.Target(crashed.c(), Kind.KERNEL_CRASH, List.of())));
            from = at + 1;
        }
        List<VmShrinker.Shrunk> shrunk = shrinker.shrink(k, toShrink.stream().map(ToShrink::target).toList(), log);
        for (int i = 0; i < toShrink.size(); i++) {
            ToShrink x = toShrink.get(i);
            VmShrinker.Shrunk s = shrunk.get(i);
            found.add(finding(x.f(), x.p(), s.c(), s.stated() != null ? s.stated() : x.stated(),
                    s.console() != null ? s.console() : x.console(), x.tag()));
        }
    }

    /**
     * Writes the campaign's blob ({@code blob.img}) and each case's image and scenario
     * ({@code STEM.erofs}, {@code STEM.json}, one stem per case) into a new {@code dir}, and returns
     * the scenario files in the cases' order. Used by the batches and by {@link VmShrinker}'s rounds.
     */
    static List<Path> writeBatch(FuzzCampaign campaign, byte[] blob, Path dir, List<FuzzCase> cases, List<String> stems)
            throws IOException {
        FindingFolders.deleteTree(dir);
        Files.createDirectories(dir);
        Path blobFile = dir.resolve("blob.img");
        Files.write(blobFile, blob);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            FuzzCase c = cases.get(i);
            Path image = dir.resolve(stems.get(i) + ".erofs");
            Files.write(image, c.image(campaign.base(c)));
            Path json = dir.resolve(stems.get(i) + ".json");
            Files.writeString(json, c.scenario(Releases.DEFAULT.name(), image.toString(), blobFile.toString()).toString(),
                    StandardCharsets.UTF_8);
            files.add(json);
        }
        return files;
    }

    /**
     * The indices of {@code files} in the order kernel {@code k} wants them ({@link BatchKernel#order}):
     * a boot that crashes answers a prefix of that order, so the files must be sent in it.
     */
    static List<Integer> order(BatchKernel k, List<Path> files) {
        Map<Path, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            index.put(files.get(i), i);
        }
        return k.order(files).stream().map(index::get).toList();
    }

    /** Whether every CONFIG override of the case is the value the kernel's release is modelled with. */
    static boolean realisable(FuzzCase c, KernelProfile p) {
        return c.config().entrySet().stream().allMatch(e -> e.getValue().equals(p.defaultConfig().get(e.getKey())));
    }

    private Scenario scenario(Pending p) {
        return campaign.scenarioInMemory(p.c(), Releases.DEFAULT);
    }

    /**
     * The first neighbouring pair of kernels (in release order) whose answers differ in a field in
     * which their models agree, as a candidate regression; null when there is none.
     */
    private Failure regression(Pending p, Map<String, MountOutcome> byRelease) {
        List<String> releases = new ArrayList<>(byRelease.keySet());
        releases.removeIf(r -> Releases.forRelease(r).isEmpty());
        // by resolved release (a 6.12.y between presets is a profile of its own, not in Releases.all())
        releases.sort(Comparator.comparing(r -> Releases.forRelease(r).orElseThrow(), Releases.OLDEST_FIRST));
        for (int i = 1; i < releases.size(); i++) {
            String a = releases.get(i - 1);
            String b = releases.get(i);
            List<Difference> kernelDiffs = OutcomeComparator.compare(byRelease.get(a), byRelease.get(b));
            if (kernelDiffs.isEmpty()) {
                continue;
            }
            MountOutcome ma = ReleaseDiff.predict(campaign, p.c(), Releases.forRelease(a).orElseThrow());
            MountOutcome mb = ReleaseDiff.predict(campaign, p.c(), Releases.forRelease(b).orElseThrow());
            if (ma == null || mb == null) {
                continue;
            }
            Set<String> modelled = new LinkedHashSet<>();
            OutcomeComparator.compare(ma, mb).forEach(d -> modelled.add(d.field()));
            List<Difference> open = kernelDiffs.stream().filter(d -> !modelled.contains(d.field())
                    && !d.field().startsWith("log")).toList();
            if (open.isEmpty()) {
                continue;
            }
            StringBuilder w = new StringBuilder("candidate regression between kernels " + a + " and " + b + " (case "
                    + p.index() + "): they differ where their models agree:");
            for (Difference d : open) {
                w.append("\n  ").append(d.field()).append(": ").append(a).append(' ').append(d.model()).append(", ")
                        .append(b).append(' ').append(d.reference());
            }
            return new Failure(Kind.CANDIDATE_REGRESSION, w.toString());
        }
        return null;
    }

    private Finding finding(Failure f, Pending p, List<ReproScript.Stated> stated, String console, String kernel) {
        return finding(f, p, p.c(), stated, console, kernel);
    }

    /** A finding of case {@code p} written as {@code shrunk} (the case itself when it was not shrunk). */
    private Finding finding(Failure f, Pending p, FuzzCase shrunk, List<ReproScript.Stated> stated, String console,
            String kernel) {
        Path folder = folders.write(shrunk, f, p.index(), stated, kernel);
        if (console != null) {
            try {
                Files.writeString(folder.resolve("serial.log"), console, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Finding(f.kind(), f.what(), p.c(), shrunk, folder);
    }
}
