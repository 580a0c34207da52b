package org.erofssim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.testkit.BenchTree;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH: the model against the kernel and erofs-utils on the same machine and the same image, as
 * <b>ratios</b> (the house rule: performance is never an absolute number in a test). One LZ4
 * image ({@code mkfs.erofs -zlz4} of generated text, noise and small files, {@code MiB} MiB) is
 * used three ways, per {@code op}:
 * <ul>
 *   <li>{@code mount}: {@link MountModel#predict} of a file-backed mount without reading;
 *       {@link LiveKernelOracle#observe} of the same scenario (the kernel's {@code mount(2)} plus the
 *       oracle's work around it: a private sandbox, the image written into it, mountinfo, statfs,
 *       {@code umount}, the kernel log); {@code dump.erofs -s} of the image file;</li>
 *   <li>{@code verify}: the same with {@code read}: every path walked, every file read and hashed
 *       (model: decompressed by the model; kernel: read(2) through the oracle's walker);
 *       {@code fsck.erofs --extract} into a fresh folder.</li>
 * </ul>
 * The kernel column therefore includes the harness's own set-up: it is what one kernel
 * observation costs erofs-sim, the fair counterpart of one model prediction. {@link #main} prints
 * the scores and the ratios {@code kernel/model} and {@code erofs-utils/model} (above 1: the model
 * is that many times faster). Needs root for the kernel column and erofs-utils on PATH. Never run
 * by {@code mvn verify}; run it with {@code bench/run-ratio-benchmark.sh}.
 */
// not a test (JMH, run by bench/run-ratio-benchmark.sh), marked for what it needs: the running kernel
@Live
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RatioBenchmark {
    /** {@code mount} or {@code verify}. */
    @Param({"mount", "verify"})
    public String op;

    /** Size of the text part of the tree in MiB. */
    @Param({"4"})
    public int MiB;

    private Path dir;
    private Path image;
    private Scenario scenario;
    private final LiveKernelOracle oracle = new LiveKernelOracle();
    private int extracts;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("erofs-sim-ratio-bench");
        Path tree = dir.resolve("tree");
        BenchTree.write(tree, MiB, false);
        image = BenchTree.mkfs(tree, dir.resolve("bench.erofs"), List.of("-zlz4"));
        String release = release();
        KernelProfile profile = Releases.forRelease(release).orElse(Releases.DEFAULT);
        scenario = Scenario.builder().name("bench-" + op).kernel(KernelConfig.of(profile))
                .node("/srv/image.erofs", new Node.RegularFile(ImageBytes.of(Files.readAllBytes(image)), BackingFs.EXT4))
                .source("/srv/image.erofs").read(op.equals("verify")).build();
        MountOutcome m = model();
        if (!(m instanceof MountOutcome.Mounted)) {
            throw new IllegalStateException("the bench image does not mount in the model: " + m);
        }
        if (LiveKernelOracle.unavailableReason() == null) {
            // the three must do the same work: the kernel's outcome has to equal the model's
            var diffs = OutcomeComparator.compare(m, oracle.observe(scenario));
            if (!diffs.isEmpty()) {
                throw new IllegalStateException("model and kernel differ on the bench image: " + diffs);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchTree.delete(dir);
    }

    @Benchmark
    public MountOutcome model() {
        return MountModel.predict(scenario);
    }

    @Benchmark
    public MountOutcome kernel() {
        String why = LiveKernelOracle.unavailableReason();
        if (why != null) {
            throw new IllegalStateException("kernel column needs the live oracle: " + why);
        }
        return oracle.observe(scenario);
    }

    @Benchmark
    public int erofsUtils() throws IOException {
        ErofsUtils.Run run;
        if (op.equals("verify")) {
            Path out = dir.resolve("extract-" + (extracts++));
            run = ErofsUtils.run(ErofsUtils.FSCK, List.of("--extract=" + out, image.toString()), 600);
            BenchTree.delete(out);
        } else {
            run = ErofsUtils.run(ErofsUtils.DUMP, List.of("-s", image.toString()), 60);
        }
        if (run.exitCode() != 0) {
            throw new IllegalStateException("erofs-utils failed: " + run.stderr());
        }
        return run.exitCode();
    }

    /** Runs the benchmark (JMH options may follow), then prints the ratios per {@code op}. */
    public static void main(String[] args) throws Exception {
        Options opts = new OptionsBuilder().parent(new CommandLineOptions(args))
                .include(RatioBenchmark.class.getName()).build();
        Collection<RunResult> results = new Runner(opts).run();
        Map<String, Map<String, Double>> byOp = new TreeMap<>();
        for (RunResult rr : results) {
            String name = rr.getParams().getBenchmark();
            String column = name.substring(name.lastIndexOf('.') + 1);
            byOp.computeIfAbsent(rr.getParams().getParam("op"), k -> new TreeMap<>())
                    .put(column, rr.getPrimaryResult().getScore());
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-8s %12s %12s %14s %14s %18s", "op", "model ms", "kernel ms",
                "erofs-utils ms", "kernel/model", "erofs-utils/model"));
        byOp.forEach((op, s) -> {
            Double m = s.get("model");
            Double k = s.get("kernel");
            Double u = s.get("erofsUtils");
            lines.add(String.format(Locale.ROOT, "%-8s %12s %12s %14s %14s %18s", op, fmt(m), fmt(k), fmt(u),
                    m == null || k == null ? "-" : String.format(Locale.ROOT, "%.1f", k / m),
                    m == null || u == null ? "-" : String.format(Locale.ROOT, "%.1f", u / m)));
        });
        System.out.println();
        System.out.println("ratios on " + release() + " (above 1: the model is faster)");
        lines.forEach(System.out::println);
    }

    /** {@code uname -r}. */
    private static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
