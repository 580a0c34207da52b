package org.erofssim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.oracle.KernelBench;
import org.erofssim.tools.ErofsUtils;

/**
 * {@code erofs-sim bench}: the model and its references measured side by side in one run, on the
 * same images and the same machine, each figure as soon as it is measured (issue 12).
 *
 * <p>Groups ({@code --only}), in the order they run:
 * <ul>
 *   <li>{@code mount}: {@code rate mount-model} (in-process {@link MountModel#predict} of a
 *       file-backed mount, a timed loop after a warm-up; median of batches) and {@code ratio
 *       mount-vs-kernel} (the kernel's file-backed {@code mount(2)}+{@code umount(2)} cycle of the
 *       same image in the live oracle's sandbox, {@link KernelBench#mountCycles});</li>
 *   <li>{@code predict}: {@code rate predict-model} and {@code ratio predict-vs-kernel}: one
 *       {@code erofs-sim predict} process over 10,000 scenario files (JSON in, JSON Lines out; 20
 *       option/source variants of the image), its wall time per scenario against one kernel
 *       cycle;</li>
 *   <li>{@code verify}: the generated LZ4HC image (or {@code --image}) read whole three ways, each
 *       a cold read after {@code drop_caches} when root: an {@code erofs-sim predict} process with
 *       {@code "read": true} ({@code rate verify-model} in MB of file content per second, {@code rss
 *       verify}), {@code fsck.erofs --extract} ({@code ratio verify-vs-fsck}), the kernel's
 *       file-backed mount with every file read in 128 KiB calls and hashed, then umount
 *       ({@code ratio verify-vs-kernel}, in this process: no process start on the kernel's
 *       side);</li>
 *   <li>{@code verify-sizes} (not in {@code --quick} unless named in {@code --only}): the same model
 *       process on generated images of 10, 100 and 300 MB of content ({@code rate
 *       verify-model-10mb} ...), the rate of the content between the smallest and the largest
 *       ({@code rate verify-model-marginal}, MB per CPU second: the fixed process cost left out) and {@code ratio
 *       verify-size-linearity} (CPU seconds per MB of the upper step over the least-squares slope
 *       of all three sizes: 1 is linear, below 1 sublinear);</li>
 *   <li>{@code many-files}: the same model process on the image of 200,000 small files ({@code rate
 *       verify-many-files} in files per second, {@code rss verify-many-files}, {@code ratio
 *       verify-many-files-vs-kernel});</li>
 *   <li>{@code fuzz}: an {@code erofs-sim fuzz} process, model alone ({@code rate fuzz-model} in
 *       cases per second of the campaign's own clock, {@code rss fuzz-model}), and the same campaign
 *       in a warm server ({@code rate fuzz-model-served}, {@link Served#fuzz});</li>
 *   <li>{@code fuzz-vm} (only when named in {@code --only}: it boots VMs for minutes): per kernel
 *       of the issue's campaign ({@link #FUZZ_VM_KERNELS}), an {@code erofs-sim fuzz --kernels K}
 *       process whose cases all go to one boot ({@code rate fuzz-vm-<release>}: cases per second of
 *       the batch end to end, the boot, the host's set-up and read-back and the comparison with
 *       the model included; shrinking left out), with the native guest runner's own rate and the
 *       load average in its remark.</li>
 * </ul>
 * A figure that cannot be measured here is printed {@code unavailable (why)}; one group failing
 * does not stop the others.
 */
public final class Bench {
    /** The groups, in run order. */
    public static final List<String> GROUPS = List.of("mount", "predict", "verify", "many-files", "fuzz", "verify-sizes",
            "fuzz-vm");
    /** The kernels of the fuzz-vm group: the issue's campaign ({@code fuzz --live --kernels 6.1,6.12,7.3}). */
    static final List<String> FUZZ_VM_KERNELS = List.of("6.1", "6.12", "7.3");
    /** The issue's target for each {@code rate fuzz-vm-<release>}: cases per second per kernel under TCG. */
    static final String FUZZ_VM_TARGET = ">= 20";
    /** The content sizes of the verify-sizes group, in MB: cost linear in image size (issue 12). */
    static final List<Integer> VERIFY_SIZES = List.of(10, 100, 300);
    /** The issue's targets. */
    static final Map<String, String> TARGETS = Map.ofEntries(Map.entry("ratio mount-vs-kernel", ">= 100"),
            Map.entry("ratio predict-vs-kernel", ">= 10"), Map.entry("ratio verify-vs-fsck", ">= 1.5"),
            Map.entry("ratio verify-vs-kernel", ">= 1.0"), Map.entry("rss verify", "<= 512"),
            Map.entry("rate fuzz-model", ">= 20000"), Map.entry("rss verify-many-files", "<= 512"),
            Map.entry("rss fuzz-model", "<= 512"), Map.entry("rate fuzz-model-served", ">= 20000"),
            // the same targets for the same work done by a warm predict server (Served)
            Map.entry("ratio predict-vs-kernel-served", ">= 10"), Map.entry("ratio verify-vs-fsck-served", ">= 1.5"),
            Map.entry("ratio verify-vs-kernel-served", ">= 1.0"));
    static final int PREDICT_SCENARIOS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tests: why the kernel side is unavailable (null: it is available). */
    static volatile Supplier<String> kernelUnavailable = KernelBench::unavailableReason;

    /**
     * @param quick    smaller images and fewer repetitions (under 5 minutes); every line says so
     * @param image    the image of the mount, predict and verify groups instead of the defaults, or null
     * @param cache    where generated images are kept and the run's scratch folder is made
     * @param fixtures the checkout's {@code fixtures/images} (the default mount image), or null
     * @param only     the groups to run (all when empty)
     * @param progress what is being done, one line each (stderr)
     */
    public record Settings(boolean quick, Path image, Path cache, Path fixtures, Set<String> only, PrintWriter progress) {}

    private final Settings s;
    private Path work;
    private Double kernelCycleNanos;
    private String kernelWhy;

    public Bench(Settings settings) {
        this.s = settings;
    }

    /** Runs the selected groups, handing each figure to {@code sink} as soon as it is measured. */
    public List<Figure> run(Consumer<Figure> sink) {
        List<Figure> all = new ArrayList<>();
        Consumer<Figure> out = f -> {
            all.add(f);
            sink.accept(f);
        };
        try {
            Files.createDirectories(s.cache());
            work = Files.createTempDirectory(s.cache(), "run-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (String g : GROUPS) {
                if (!s.only().isEmpty() && !s.only().contains(g)) {
                    continue;
                }
                if (g.equals("fuzz-vm") && !s.only().contains(g)) {
                    continue; // opt-in: minutes of VM boots
                }
                List<String> names = names(g);
                try {
                    switch (g) {
                        case "mount" -> mount(out);
                        case "predict" -> predict(out);
                        case "verify" -> verify(out);
                        case "verify-sizes" -> verifySizes(out);
                        case "many-files" -> manyFiles(out);
                        case "fuzz-vm" -> fuzzVm(out);
                        default -> fuzz(out);
                    }
                } catch (RuntimeException e) { // the figures of the group not yet given say why
                    Set<String> given = new java.util.HashSet<>();
                    all.forEach(f -> given.add(f.kind() + " " + f.name()));
                    for (String n : names) {
                        if (!given.contains(n)) {
                            String[] kn = n.split(" ", 2);
                            out.accept(Figure.unavailable(kn[0], kn[1], "failed: " + e.getMessage(), target(n)));
                        }
                    }
                }
            }
        } finally {
            try {
                BenchImages.delete(work);
            } catch (IOException e) {
                s.progress().println("bench: could not remove " + work + ": " + e.getMessage());
            }
        }
        return all;
    }

    /** The figures of a group, as {@code KIND NAME}. */
    static List<String> names(String group) {
        return switch (group) {
            case "mount" -> List.of("rate mount-model", "ratio mount-vs-kernel");
            case "predict" -> List.of("rate predict-model", "ratio predict-vs-kernel", "rate predict-model-marginal",
                    "ratio predict-marginal-vs-kernel", "rate predict-model-served", "ratio predict-vs-kernel-served");
            case "verify" -> List.of("rate verify-model", "rss verify", "ratio verify-vs-fsck", "ratio verify-vs-kernel",
                    "ratio verify-vs-fsck-served", "ratio verify-vs-kernel-served");
            case "verify-sizes" -> {
                List<String> n = new ArrayList<>();
                VERIFY_SIZES.forEach(mb -> n.add("rate verify-model-" + mb + "mb"));
                n.add("rate verify-model-marginal");
                n.add("ratio verify-size-linearity");
                yield n;
            }
            case "many-files" -> List.of("rate verify-many-files", "rss verify-many-files", "ratio verify-many-files-vs-kernel");
            case "fuzz" -> List.of("rate fuzz-model", "rss fuzz-model", "rate fuzz-model-served");
            case "fuzz-vm" -> FUZZ_VM_KERNELS.stream().map(k -> "rate fuzz-vm-" + fuzzVmRelease(k)).toList();
            default -> throw new IllegalArgumentException(group);
        };
    }

    /** The issue's target of a figure ({@code KIND NAME}), or null. */
    static String target(String kindName) {
        return kindName.startsWith("rate fuzz-vm-") ? FUZZ_VM_TARGET : TARGETS.get(kindName);
    }

    /** The release a kernel name of the pinned list selects ({@code 6.12} → {@code 6.12.118+deb13-amd64}), or the name. */
    static String fuzzVmRelease(String kernel) {
        try {
            return org.erofssim.vm.KernelCatalog.load().find(kernel).map(org.erofssim.vm.KernelCatalog.Kernel::release)
                    .orElse(kernel);
        } catch (RuntimeException e) {
            return kernel;
        }
    }

    private String quick() {
        return s.quick() ? "quick: " : "";
    }

    private static String kernelWhy() {
        String why = kernelUnavailable.get();
        if (why == null) {
            return null;
        }
        return why.contains("needs root") ? "needs root" : why;
    }

    // ------------------------------------------------------------------ mount

    private Path mountImage() {
        if (s.image() != null) {
            return s.image();
        }
        if (s.fixtures() == null || !Files.isRegularFile(s.fixtures().resolve("plain.erofs"))) {
            throw new IllegalStateException("no fixtures/images/plain.erofs (run inside the checkout) and no --image");
        }
        return s.fixtures().resolve("plain.erofs");
    }

    private static KernelProfile profile() {
        try {
            String rel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            return Releases.forRelease(rel).orElse(Releases.DEFAULT);
        } catch (IOException | RuntimeException e) {
            return Releases.DEFAULT;
        }
    }

    private void mount(Consumer<Figure> out) {
        Path image = mountImage();
        s.progress().println("bench: mount: the model's in-process mount of " + image.getFileName());
        ImageBytes bytes = ImageBytes.map(image);
        Scenario sc = Scenario.builder().name("bench-mount").kernel(KernelConfig.of(profile()))
                .node("/srv/image.erofs", new Node.RegularFile(bytes, BackingFs.EXT4))
                .source("/srv/image.erofs").read(false).build();
        MountOutcome first = MountModel.predict(sc);
        if (!(first instanceof MountOutcome.Mounted)) {
            throw new IllegalStateException(image + " does not mount in the model: " + first.getClass().getSimpleName());
        }
        Timing.Result t = Timing.measure(() -> MountModel.predict(sc), s.quick() ? 2.0 : 6.0, s.quick() ? 5 : 10, 0.2);
        double modelNanos = t.nanosPerOp();
        out.accept(Figure.of(Figure.RATE, "mount-model", 1e9 / modelNanos, null,
                String.format(Locale.ROOT, "%smounts per second, %s, in-process, %.1f us each, %.1f us of CPU (after "
                        + "%.1f s of warm-up%s)", quick(), image.getFileName(), modelNanos / 1e3, t.cpuNanosPerOp() / 1e3,
                        t.warmSeconds(), t.warmStable() ? "" : ", never stable: the machine is busy"),
                details("modelMicros", modelNanos / 1e3, "modelCpuMicros", t.cpuNanosPerOp() / 1e3, "image",
                        image.toString(), "warmSeconds", t.warmSeconds(), "warmStable", t.warmStable())));
        String why = kernelCycles(image);
        if (why != null) {
            out.accept(Figure.unavailable(Figure.RATIO, "mount-vs-kernel", why, TARGETS.get("ratio mount-vs-kernel")));
            return;
        }
        out.accept(Figure.of(Figure.RATIO, "mount-vs-kernel", kernelCycleNanos / modelNanos,
                TARGETS.get("ratio mount-vs-kernel"),
                String.format(Locale.ROOT, "%starget %s; %s: model %.1f us per mount, kernel %.1f us per file-backed "
                        + "mount+umount", quick(), TARGETS.get("ratio mount-vs-kernel"), image.getFileName(),
                        modelNanos / 1e3, kernelCycleNanos / 1e3),
                details("modelMicros", modelNanos / 1e3, "kernelMicros", kernelCycleNanos / 1e3, "image", image.toString())));
    }

    /**
     * Measures the kernel's cycle once per run; null when done, else why not. Every mount prints a
     * line into the machine's kernel log ({@code mounted with root inode}), so the cycles are few:
     * 800 in all (240 with {@code --quick}), warm-up included.
     */
    private String kernelCycles(Path image) {
        if (kernelCycleNanos != null || kernelWhy != null) {
            return kernelWhy;
        }
        kernelWhy = kernelWhy();
        if (kernelWhy == null) {
            s.progress().println("bench: mount: the kernel's file-backed mount+umount cycles of " + image.getFileName());
            kernelCycleNanos = KernelBench.mountCycles(image, s.quick() ? 5 : 7, s.quick() ? 40 : 100).medianNanos();
        }
        return kernelWhy;
    }

    // ------------------------------------------------------------------ predict

    /**
     * Writes bench's predict batch into {@code dir}: 20 scenario files of {@code image} (file-backed
     * and on a loop device, 10 option sets each; none reads a file, so the batch runs on the
     * client compiler as the launcher would give it, {@code LauncherScriptTest}), and the argument
     * file {@code predict} and {@code n} of their absolute names, which it returns.
     */
    static Path writePredictBatch(Path dir, Path image, String kernel, int n) {
        String[] options = {"", "acl", "noacl", "user_xattr", "nouser_xattr", "cache_strategy=disabled",
            "cache_strategy=readahead", "cache_strategy=readaround", "dax=never", "cache_strategy=bogus"};
        List<Path> files = new ArrayList<>();
        for (String kind : List.of("file", "bdev")) {
            for (int i = 0; i < options.length; i++) {
                ObjectNode j = JSON.createObjectNode().put("version", 1).put("kernel", kernel);
                String node = kind.equals("file") ? "/srv/image.erofs" : "/dev/loop0";
                ObjectNode nd = j.putObject("nodes").putObject(node).put("kind", kind).put("image", image.toString());
                if (kind.equals("bdev")) {
                    nd.put("dev", "7:0");
                }
                j.put("source", node).put("options", options[i]);
                Path f = dir.resolve(kind + "-" + i + ".json");
                write(f, j.toString());
                files.add(f);
            }
        }
        StringBuilder args = new StringBuilder("predict\n");
        for (int i = 0; i < n; i++) {
            args.append(files.get(i % files.size())).append('\n');
        }
        Path argFile = dir.resolve("args");
        write(argFile, args.toString());
        return argFile;
    }

    private void predict(Consumer<Figure> out) throws UncheckedIOException {
        Path dir = mkdir(work.resolve("predict"));
        Path argFile = writePredictBatch(dir, mountImage().toAbsolutePath(), profile().name(), PREDICT_SCENARIOS);
        s.progress().println("bench: predict: one erofs-sim predict process, " + PREDICT_SCENARIOS + " scenarios");
        Path outFile = dir.resolve("outcomes.jsonl");
        // its scenarios read no file: the client compiler, as the launcher gives such a batch (predict_reads_nothing)
        ChildRun r = ChildRun.run(ChildRun.erofsSim(List.of("@" + argFile), true), outFile, 1800);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("erofs-sim predict exited " + r.exitCode() + ": " + Figure.oneLine(r.stderr()));
        }
        long lines = countLines(outFile);
        if (lines != PREDICT_SCENARIOS) {
            throw new IllegalStateException("erofs-sim predict wrote " + lines + " outcomes for " + PREDICT_SCENARIOS);
        }
        double perNanos = r.nanos() / (double) PREDICT_SCENARIOS;
        out.accept(Figure.of(Figure.RATE, "predict-model", 1e9 / perNanos, null,
                String.format(Locale.ROOT, "%sscenarios per second, one process of %,d (JSON in and out, JVM start "
                        + "included): %.2f s, %.0f us each, %.2f s of CPU, peak RSS %.0f MiB", quick(), PREDICT_SCENARIOS,
                        r.seconds(), perNanos / 1e3, r.cpuSeconds(), r.peakMiB()),
                details("processSeconds", r.seconds(), "scenarios", PREDICT_SCENARIOS, "peakMiB", r.peakMiB(),
                        "cpuSeconds", r.cpuSeconds())));
        String why = kernelCycles(mountImage());
        if (why != null) {
            out.accept(Figure.unavailable(Figure.RATIO, "predict-vs-kernel", why, TARGETS.get("ratio predict-vs-kernel")));
        } else {
            out.accept(Figure.of(Figure.RATIO, "predict-vs-kernel", kernelCycleNanos / perNanos,
                    TARGETS.get("ratio predict-vs-kernel"),
                    String.format(Locale.ROOT, "%starget %s; model %.0f us per scenario, kernel %.1f us per mount+umount",
                            quick(), TARGETS.get("ratio predict-vs-kernel"), perNanos / 1e3, kernelCycleNanos / 1e3),
                    details("modelMicros", perNanos / 1e3, "kernelMicros", kernelCycleNanos / 1e3)));
        }
        predictMarginal(out, r, dir.resolve("file-0.json"), dir, why);
        Served.predict(work, s.progress(), out, argFile, PREDICT_SCENARIOS, kernelCycleNanos, why, quick());
    }

    /**
     * {@code rate predict-model-marginal} and {@code ratio predict-marginal-vs-kernel}: what one
     * more scenario costs in a batch, the JVM start left out (the JIT warm-up over the batch stays in): (the 10,000-scenario
     * process minus a 1-scenario process, the median of three) / 9,999. The whole-process figures
     * above stay what the issue names; these say how much of them the process start is.
     */
    private void predictMarginal(Consumer<Figure> out, ChildRun batch, Path scenario, Path dir, String why) {
        s.progress().println("bench: predict: three erofs-sim predict processes of 1 scenario (the batch's fixed cost)");
        List<ChildRun> ones = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ChildRun one = ChildRun.run(ChildRun.erofsSim(List.of("predict", scenario.toString()), true), dir.resolve("one.json"),
                    600);
            if (one.exitCode() != 0) {
                throw new IllegalStateException("erofs-sim predict (1 scenario) exited " + one.exitCode() + ": "
                        + Figure.oneLine(one.stderr()));
            }
            ones.add(one);
        }
        ones.sort(java.util.Comparator.comparingLong(ChildRun::nanos));
        ChildRun one = ones.get(1);
        double marginal = (batch.nanos() - one.nanos()) / (double) (PREDICT_SCENARIOS - 1);
        double cpuMarginal = batch.cpuNanos() < 0 || one.cpuNanos() < 0 ? -1
                : (batch.cpuNanos() - one.cpuNanos()) / (double) (PREDICT_SCENARIOS - 1);
        if (marginal <= 0) {
            out.accept(Figure.unavailable(Figure.RATE, "predict-model-marginal", String.format(Locale.ROOT,
                    "the 1-scenario process (%.2f s) took as long as the batch (%.2f s): the machine is too busy",
                    one.seconds(), batch.seconds()), null));
            out.accept(Figure.unavailable(Figure.RATIO, "predict-marginal-vs-kernel", "no marginal cost measured", null));
            return;
        }
        String how = String.format(Locale.ROOT, "(%,d-scenario process %.2f s - 1-scenario process %.2f s, median of 3) / "
                + "%,d = %.1f us a scenario (%s of CPU); JVM start left out, the JIT warm-up over the batch kept in", PREDICT_SCENARIOS,
                batch.seconds(), one.seconds(), PREDICT_SCENARIOS - 1, marginal / 1e3,
                cpuMarginal < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f us", cpuMarginal / 1e3));
        out.accept(Figure.of(Figure.RATE, "predict-model-marginal", 1e9 / marginal, null,
                quick() + "scenarios per second once the process runs: " + how,
                details("marginalMicros", marginal / 1e3, "marginalCpuMicros", cpuMarginal / 1e3,
                        "oneScenarioSeconds", one.seconds(), "oneScenarioCpuSeconds", one.cpuSeconds())));
        if (why != null) {
            out.accept(Figure.unavailable(Figure.RATIO, "predict-marginal-vs-kernel", why, null));
            return;
        }
        out.accept(Figure.of(Figure.RATIO, "predict-marginal-vs-kernel", kernelCycleNanos / marginal, null,
                String.format(Locale.ROOT, "%snot the issue's figure (that is ratio predict-vs-kernel, whole process); "
                        + "model %.1f us per further scenario of a batch, kernel %.1f us per mount+umount", quick(),
                        marginal / 1e3, kernelCycleNanos / 1e3),
                details("marginalMicros", marginal / 1e3, "kernelMicros", kernelCycleNanos / 1e3)));
    }

    // ------------------------------------------------------------------ verify

    private ModelVerify modelVerify(Path image, String name, boolean cold) {
        Path dir = mkdir(work.resolve(name));
        ObjectNode j = JSON.createObjectNode().put("version", 1).put("kernel", profile().name());
        j.putObject("nodes").putObject("/srv/image.erofs").put("kind", "file").put("image", image.toAbsolutePath().toString());
        j.put("source", "/srv/image.erofs").put("read", true);
        Path sc = dir.resolve("scenario.json");
        write(sc, j.toString());
        if (cold) {
            KernelBench.dropCaches();
        }
        Path outFile = dir.resolve("outcome.json");
        ChildRun r = ChildRun.run(ChildRun.erofsSim(List.of("predict", sc.toString()), false), outFile, 3600);
        return ModelVerify.read(r, outFile);
    }

    private void verify(Consumer<Figure> out) {
        int mb = s.quick() ? 48 : 600;
        Path image = s.image() != null ? s.image() : BenchImages.verifyImage(s.cache(), mb, s.progress());
        long imageBytes = size(image);
        String kwhy = kernelWhy();
        boolean cold = kwhy == null;
        String what = String.format(Locale.ROOT, "%s%s, %.0f MB image%s", quick(), image.getFileName(), imageBytes / 1e6,
                cold ? ", cold cache" : ", warm cache (drop_caches " + (kwhy.equals("needs root") ? "needs root" : "unavailable") + ")");
        int repeats = s.quick() ? 1 : 2;
        s.progress().println("bench: verify: erofs-sim predict with \"read\": true on " + image + " (" + repeats + "x)");
        ModelVerify m = null;
        for (int i = 0; i < repeats; i++) {
            ModelVerify x = modelVerify(image, "verify-" + i, cold);
            if (m == null || x.run().nanos() < m.run().nanos()) {
                m = x;
            }
        }
        if (!"mounted".equals(m.outcome())) {
            throw new IllegalStateException(image + " does not mount in the model (" + m.outcome() + ")");
        }
        double modelS = m.run().seconds();
        out.accept(Figure.of(Figure.RATE, "verify-model", m.bytes() / 1e6 / modelS, null,
                String.format(Locale.ROOT, "%s; MB of file content per second: %,d files, %.0f MB in %.2f s, whole "
                        + "process (%.2f s of CPU), best of %d", what, m.files(), m.bytes() / 1e6, modelS,
                        m.run().cpuSeconds(), repeats),
                details("modelSeconds", modelS, "files", m.files(), "contentBytes", m.bytes(), "imageBytes", imageBytes,
                        "cpuSeconds", m.run().cpuSeconds())));
        out.accept(Figure.of(Figure.RSS, "verify", m.run().peakMiB(), TARGETS.get("rss verify"),
                String.format(Locale.ROOT, "%s; target %s; peak of the erofs-sim predict process", what,
                        TARGETS.get("rss verify")),
                details("peakKiB", m.run().peakKiB())));
        Double fsckS = null;
        if (ErofsUtils.find(ErofsUtils.FSCK).isEmpty()) {
            out.accept(Figure.unavailable(Figure.RATIO, "verify-vs-fsck", "fsck.erofs missing: install Debian package "
                    + "erofs-utils", TARGETS.get("ratio verify-vs-fsck")));
        } else {
            s.progress().println("bench: verify: fsck.erofs --extract of " + image.getFileName());
            ChildRun best = null;
            for (int i = 0; i < repeats; i++) {
                Path dest = work.resolve("extract-" + i);
                if (cold) {
                    KernelBench.dropCaches();
                }
                ChildRun r = ChildRun.run(List.of(ErofsUtils.FSCK, "--extract=" + dest, image.toString()),
                        work.resolve("fsck.out"), 3600);
                try {
                    BenchImages.delete(dest);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("fsck.erofs --extract exited " + r.exitCode() + ": "
                            + Figure.oneLine(r.stderr()));
                }
                best = best == null || r.nanos() < best.nanos() ? r : best;
            }
            out.accept(Figure.of(Figure.RATIO, "verify-vs-fsck", best.seconds() / modelS, TARGETS.get("ratio verify-vs-fsck"),
                    String.format(Locale.ROOT, "%s; target %s; model %.2f s, fsck.erofs --extract %.2f s (peak %.0f MiB)",
                            what, TARGETS.get("ratio verify-vs-fsck"), modelS, best.seconds(), best.peakMiB()),
                    details("modelSeconds", modelS, "fsckSeconds", best.seconds(), "fsckPeakKiB", best.peakKiB())));
            fsckS = best.seconds();
        }
        if (kwhy != null) {
            out.accept(Figure.unavailable(Figure.RATIO, "verify-vs-kernel", kwhy, TARGETS.get("ratio verify-vs-kernel")));
            Served.verify(work, s.progress(), out, m, work.resolve("verify-0/scenario.json"), cold, fsckS, null, what);
            return;
        }
        s.progress().println("bench: verify: the kernel's cold file-backed mount, read and SHA-256 of every file");
        KernelBench.ColdRead best = null;
        for (int i = 0; i < repeats; i++) {
            KernelBench.ColdRead k = KernelBench.coldRead(image);
            best = best == null || k.nanos() < best.nanos() ? k : best;
        }
        double ks = best.nanos() / 1e9;
        out.accept(Figure.of(Figure.RATIO, "verify-vs-kernel", ks / modelS, TARGETS.get("ratio verify-vs-kernel"),
                String.format(Locale.ROOT, "%s; target %s; model %.2f s (process), kernel %.2f s (mount, 128 KiB reads, "
                        + "SHA-256, umount; in-process); %s", what, TARGETS.get("ratio verify-vs-kernel"), modelS, ks,
                        m.compareTrees(best)),
                details("modelSeconds", modelS, "kernelSeconds", ks, "kernelFiles", best.regularFiles())));
        Served.verify(work, s.progress(), out, m, work.resolve("verify-0/scenario.json"), cold, fsckS, ks, what);
    }

    // ------------------------------------------------------------------ verify sizes

    /**
     * The model's verify of generated LZ4HC images of {@link #VERIFY_SIZES} MB of content, one
     * whole process each (cold when root): whether its cost grows linearly with the image. Runs in
     * the full run, or with {@code --only verify-sizes}; {@code --quick} leaves it out (the images
     * take minutes to build the first time).
     */
    private void verifySizes(Consumer<Figure> out) {
        if (s.quick() && !s.only().contains("verify-sizes")) {
            for (String n : names("verify-sizes")) {
                String[] kn = n.split(" ", 2);
                out.accept(Figure.unavailable(kn[0], kn[1], "not in --quick (--only verify-sizes runs it)", null));
            }
            return;
        }
        boolean cold = kernelWhy() == null;
        double[] secs = new double[VERIFY_SIZES.size()];
        double[] cpus = new double[VERIFY_SIZES.size()];
        long[] bytes = new long[VERIFY_SIZES.size()];
        for (int i = 0; i < VERIFY_SIZES.size(); i++) {
            int mb = VERIFY_SIZES.get(i);
            Path image = BenchImages.verifyImage(s.cache(), mb, s.progress());
            s.progress().println("bench: verify-sizes: erofs-sim predict with \"read\": true on " + image);
            ModelVerify m = modelVerify(image, "sizes-" + mb, cold);
            if (!"mounted".equals(m.outcome())) {
                throw new IllegalStateException(image + " does not mount in the model (" + m.outcome() + ")");
            }
            secs[i] = m.run().seconds();
            cpus[i] = m.run().cpuSeconds();
            bytes[i] = m.bytes();
            out.accept(Figure.of(Figure.RATE, "verify-model-" + mb + "mb", m.bytes() / 1e6 / secs[i], null,
                    String.format(Locale.ROOT, "MB of file content per second, %s: %,d files, %.0f MB (%.0f MB image) in "
                            + "%.2f s, whole process (%.2f s of CPU), peak RSS %.0f MiB", cold ? "cold cache" : "warm cache",
                            m.files(), m.bytes() / 1e6, size(image) / 1e6, secs[i], cpus[i], m.run().peakMiB()),
                    details("modelSeconds", secs[i], "cpuSeconds", cpus[i], "contentBytes", m.bytes(),
                            "imageBytes", size(image), "peakKiB", m.run().peakKiB())));
        }
        int last = VERIFY_SIZES.size() - 1;
        // CPU time: wall time differences of separate processes are noise on a loaded machine
        double extraCpu = cpus[last] - cpus[0];
        if (extraCpu > 0 && cpus[0] >= 0) {
            out.accept(Figure.of(Figure.RATE, "verify-model-marginal", (bytes[last] - bytes[0]) / 1e6 / extraCpu, null,
                    String.format(Locale.ROOT, "MB per CPU second of the content between the %d MB and the %d MB image "
                            + "(the process's fixed cost left out): %.2f s more CPU for %.0f MB more (wall: %.2f s more)",
                            VERIFY_SIZES.get(0), VERIFY_SIZES.get(last), extraCpu, (bytes[last] - bytes[0]) / 1e6,
                            secs[last] - secs[0]),
                    details("extraCpuSeconds", extraCpu, "extraSeconds", secs[last] - secs[0],
                            "extraBytes", bytes[last] - bytes[0])));
        } else {
            out.accept(Figure.unavailable(Figure.RATE, "verify-model-marginal", String.format(Locale.ROOT,
                    "the larger image took no more CPU time (%.2f s, %.2f s)", cpus[0], cpus[last]), null));
        }
        // the upper step over the least-squares slope of all sizes (SizeLinearity: a small image's JVM start swung the old lower step)
        double[] mb = java.util.Arrays.stream(bytes).mapToDouble(b -> b / 1e6).toArray();
        double linearity = SizeLinearity.of(mb, cpus);
        if (!Double.isNaN(linearity) && cpus[0] >= 0) {
            out.accept(Figure.of(Figure.RATIO, "verify-size-linearity", linearity, null, SizeLinearity.how(VERIFY_SIZES, mb, cpus),
                    details("cpuSeconds", java.util.Arrays.toString(cpus), "seconds", java.util.Arrays.toString(secs),
                            "contentMB", java.util.Arrays.toString(mb))));
        } else {
            out.accept(Figure.unavailable(Figure.RATIO, "verify-size-linearity", String.format(Locale.ROOT,
                    "the CPU time did not grow with the image (%s s for %s MB)", java.util.Arrays.toString(cpus),
                    java.util.Arrays.toString(mb)), null));
        }
    }

    // ------------------------------------------------------------------ many files

    private void manyFiles(Consumer<Figure> out) {
        int n = s.quick() ? 20_000 : 200_000;
        Path image = BenchImages.manyFilesImage(s.cache(), n, s.progress());
        String kwhy = kernelWhy();
        boolean cold = kwhy == null;
        s.progress().println("bench: many-files: erofs-sim predict with \"read\": true on " + image);
        ModelVerify m = modelVerify(image, "many", cold);
        double modelS = m.run().seconds();
        String what = String.format(Locale.ROOT, "%s%,d-file image%s%s", quick(), n, cold ? ", cold cache" : ", warm cache",
                n + 1000 > TreeEntry.MAX_PATHS ? ", the walk stops at the contract's " + TreeEntry.MAX_PATHS + " paths" : "");
        out.accept(Figure.of(Figure.RATE, "verify-many-files", m.files() / modelS, null,
                String.format(Locale.ROOT, "%s; files per second: %,d files read and hashed in %.2f s, whole process "
                        + "(%.2f s of CPU)", what, m.files(), modelS, m.run().cpuSeconds()),
                details("modelSeconds", modelS, "files", m.files(), "imageFiles", n, "cpuSeconds", m.run().cpuSeconds())));
        out.accept(Figure.of(Figure.RSS, "verify-many-files", m.run().peakMiB(), TARGETS.get("rss verify-many-files"),
                String.format(Locale.ROOT, "%s; target %s", what, TARGETS.get("rss verify-many-files")),
                details("peakKiB", m.run().peakKiB())));
        if (kwhy != null) {
            out.accept(Figure.unavailable(Figure.RATIO, "verify-many-files-vs-kernel", kwhy, null));
            return;
        }
        KernelBench.ColdRead k = KernelBench.coldRead(image);
        double ks = k.nanos() / 1e9;
        out.accept(Figure.of(Figure.RATIO, "verify-many-files-vs-kernel", ks / modelS, null,
                String.format(Locale.ROOT, "%s; model %.2f s (process), kernel %.2f s (in-process); %s", what, modelS, ks,
                        m.compareTrees(k)),
                details("modelSeconds", modelS, "kernelSeconds", ks)));
    }

    // ------------------------------------------------------------------ fuzz

    private void fuzz(Consumer<Figure> out) {
        int cases = s.quick() ? 3_000 : 30_000;
        String maxTime = s.quick() ? "30s" : "120s";
        Path dir = mkdir(work.resolve("fuzz"));
        s.progress().println("bench: fuzz: erofs-sim fuzz, model alone, up to " + cases + " cases or " + maxTime);
        Path outFile = work.resolve("fuzz.json");
        ChildRun r = ChildRun.run(ChildRun.erofsSim(List.of("fuzz", "--cases", String.valueOf(cases), "--seed", "12",
                "--quiet", "--json", "--out", dir.toString(), "--max-time", maxTime)), outFile, 1800);
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            throw new IllegalStateException("erofs-sim fuzz exited " + r.exitCode() + ": " + Figure.oneLine(r.stderr()));
        }
        JsonNode j;
        try {
            j = JSON.readTree(outFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int done = j.path("cases").asInt();
        double secs = j.path("seconds").asDouble();
        int findings = j.path("findings").size();
        String what = String.format(Locale.ROOT, "%s%,d slot-table cases in %.1f s (the campaign's clock; process: %.2f "
                + "s of CPU), seed 12%s", quick(), done, secs, r.cpuSeconds(), findings == 0 ? "" : ", " + findings + " finding(s)");
        out.accept(Figure.of(Figure.RATE, "fuzz-model", done / secs, TARGETS.get("rate fuzz-model"),
                what + "; target " + TARGETS.get("rate fuzz-model"),
                details("cases", done, "seconds", secs, "findings", findings)));
        out.accept(Figure.of(Figure.RSS, "fuzz-model", r.peakMiB(), TARGETS.get("rss fuzz-model"),
                what + "; peak of the erofs-sim fuzz process", details("peakKiB", r.peakKiB())));
        Served.fuzz(work, s.progress(), out, List.of("--cases", String.valueOf(cases), "--max-time", maxTime), 12, dir,
                outFile, s.quick() ? 4 : 12, s.quick() ? 4 : 16, s.quick() ? 1 : 3, quick());
    }

    // ------------------------------------------------------------------ fuzz-vm

    /** Cases per kernel of the fuzz-vm group: one batch, one boot. */
    static final int FUZZ_VM_CASES = 300;

    /** Why the VM kernel {@code kernel} cannot be measured here (one line), or null. */
    static String fuzzVmUnavailable(String kernel) {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (QEMU's 9p export of /, loop devices in the guest)";
        }
        try {
            org.erofssim.vm.VmKernel.findQemu();
        } catch (org.erofssim.vm.VmUnavailable e) {
            return e.getMessage();
        }
        org.erofssim.vm.KernelCatalog catalog = org.erofssim.vm.KernelCatalog.load();
        org.erofssim.vm.KernelCatalog.Kernel k = catalog.find(kernel).orElse(null);
        if (k == null) {
            return "no kernel " + kernel + " in the pinned list";
        }
        org.erofssim.vm.KernelCache cache = new org.erofssim.vm.KernelCache(
                org.erofssim.vm.KernelCache.defaultRoot(System.getenv()), x -> { });
        if (!Files.isRegularFile(cache.boot(k).resolve("initrd.img"))) {
            return "kernel " + k.release() + " is not prepared (erofs-sim kernels --prepare " + kernel + ")";
        }
        return null;
    }

    private static final java.util.regex.Pattern RUNNER = java.util.regex.Pattern.compile(
            "runner ([0-9.]+) s \\(cases=(\\d+)");

    /**
     * Per kernel: {@code erofs-sim fuzz --kernels K --cases N --vm-batch N --seed 15
     * --vm-shrink-rounds 0} (every case in one boot, findings as drawn), the batch's cases per
     * second end to end from the campaign's JSON ({@code vmKernels.throughput}), the runner's own
     * rate from its timing line on stderr, and the load average before and after.
     */
    private void fuzzVm(Consumer<Figure> out) {
        int cases = s.quick() ? 100 : FUZZ_VM_CASES;
        for (String kernel : FUZZ_VM_KERNELS) {
            String release = fuzzVmRelease(kernel);
            String name = "fuzz-vm-" + release;
            String why = fuzzVmUnavailable(kernel);
            if (why != null) {
                out.accept(Figure.unavailable(Figure.RATE, name, why, FUZZ_VM_TARGET));
                continue;
            }
            Path dir = mkdir(work.resolve("fuzz-vm-" + kernel));
            Path outFile = work.resolve("fuzz-vm-" + kernel + ".json");
            s.progress().println("bench: fuzz-vm: erofs-sim fuzz --kernels " + kernel + ", " + cases + " cases in one boot");
            String loadBefore = loadavg();
            ChildRun r = ChildRun.run(ChildRun.erofsSim(List.of("fuzz", "--kernels", kernel, "--cases", String.valueOf(cases),
                    "--vm-batch", String.valueOf(cases), "--vm-shrink-rounds", "0", "--seed", "15", "--quiet", "--json",
                    "--out", dir.toString())), outFile, 3600);
            String loadAfter = loadavg();
            if (r.exitCode() != 0 && r.exitCode() != 1) {
                out.accept(Figure.unavailable(Figure.RATE, name, "erofs-sim fuzz exited " + r.exitCode() + ": "
                        + Figure.oneLine(r.stderr()), FUZZ_VM_TARGET));
                continue;
            }
            JsonNode tp;
            try {
                tp = JSON.readTree(outFile.toFile()).path("vmKernels").path("throughput").path(release);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long done = tp.path("cases").asLong();
            double secs = tp.path("seconds").asDouble();
            if (done == 0 || secs <= 0) {
                out.accept(Figure.unavailable(Figure.RATE, name, "no batch answered: " + Figure.oneLine(r.stderr()),
                        FUZZ_VM_TARGET));
                continue;
            }
            java.util.regex.Matcher m = RUNNER.matcher(r.stderr());
            String runner = "";
            Map<String, Object> d = details("cases", done, "seconds", secs, "loadBefore", loadBefore, "loadAfter", loadAfter);
            if (m.find() && Double.parseDouble(m.group(1)) > 0) {
                double rs = Double.parseDouble(m.group(1));
                int rc = Integer.parseInt(m.group(2));
                runner = String.format(Locale.ROOT, "; native guest runner alone %.1f cases/s (%d in %.1f s of guest time)",
                        rc / rs, rc, rs);
                d.put("runnerCases", rc);
                d.put("runnerSeconds", rs);
            }
            out.accept(Figure.of(Figure.RATE, name, done / secs, FUZZ_VM_TARGET, String.format(Locale.ROOT,
                    "%s%d fuzz cases (seed 15) in one boot of %s under TCG, end to end (host set-up, boot, guest, "
                    + "read-back, comparison with the model) %.1f s%s; load average %s before, %s after; target %s",
                    quick(), done, release, secs, runner, loadBefore, loadAfter, FUZZ_VM_TARGET), d));
        }
    }

    /** The 1-, 5- and 15-minute load averages. */
    private static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------ helpers

    static Map<String, Object> details(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Path mkdir(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of file {@code p} (a predict process writes one outcome a line). */
    static long countLines(Path p) {
        try (BufferedReader r = Files.newBufferedReader(p)) {
            return r.lines().count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
