package org.erofssim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.testkit.BenchTree;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH: verifying a compressed image end to end — one {@link MountModel#predict} with
 * {@code read}, i.e. mount, walk every path, decompress and SHA-256 every file — on an LZ4
 * image that {@link #setup()} builds with the installed {@code mkfs.erofs} from the testkit's
 * generated {@link BenchTree}: {@code MiB} MiB of text (compressible), a tenth of that of noise
 * (stored uncompressed inside compressed files, or as plain files), mixed files with
 * uncompressed pclusters inside compressed ones, and 200 small files. (In the harness's tests
 * beside {@link RatioBenchmark}, which compresses the same tree, because the model's tests
 * cannot use the testkit.)
 *
 * <p>Not a test and never run by {@code mvn verify} (its name matches no surefire pattern).
 * Run it with {@code bench/run-verify-benchmark.sh} (JMH options may follow, e.g.
 * {@code -p recipe=-zlz4hc,-C65536 -p MiB=16}). It prints the image and tree sizes once; read
 * the score as milliseconds per verification and divide the tree size by it for MiB/s, to be
 * compared with {@code fsck.erofs --extract} on the same machine, never asserted.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class VerifyBenchmark {
    /** The mkfs.erofs compression options, comma-separated. */
    @Param({"-zlz4"})
    public String recipe;

    /** Size of the text part of the tree in MiB. */
    @Param({"8"})
    public int MiB;

    private Path dir;
    private Scenario scenario;
    private long treeBytes;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("erofs-sim-verify-bench");
        Path tree = dir.resolve("tree");
        treeBytes = BenchTree.write(tree, MiB, true);
        Path image = BenchTree.mkfs(tree, dir.resolve("bench.erofs"), List.of(recipe.split(",")));
        byte[] bytes = Files.readAllBytes(image);
        scenario = Scenario.builder().name("bench-verify").kernel(KernelConfig.of(Releases.DEFAULT))
                .node("/srv/image.erofs", new Node.RegularFile(ImageBytes.of(bytes), BackingFs.EXT4))
                .source("/srv/image.erofs").read(true).build();
        MountOutcome o = verify();
        long files = ((MountOutcome.Mounted) o).tree().stream().filter(e -> "file".equals(e.type())).count();
        System.out.printf("%nimage %s: %d bytes, tree %d bytes in %d files%n", recipe, bytes.length, treeBytes, files);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        BenchTree.delete(dir);
    }

    /** Mount, walk, decompress and hash everything; fails loudly if anything is not read in full. */
    @Benchmark
    public MountOutcome verify() {
        MountOutcome o = MountModel.predict(scenario);
        if (!(o instanceof MountOutcome.Mounted)) {
            throw new IllegalStateException("the bench image does not mount: " + o);
        }
        for (TreeEntry e : ((MountOutcome.Mounted) o).tree()) {
            if ("file".equals(e.type()) && (e.sha256() == null || e.readErrno() != null)) {
                throw new IllegalStateException(e.path() + " not read: " + e.readErrno() + " " + e.notes());
            }
        }
        return o;
    }

    /** Runs this benchmark; arguments are JMH's own command-line options. */
    public static void main(String[] args) throws RunnerException, org.openjdk.jmh.runner.options.CommandLineOptionException {
        Options opts = new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(VerifyBenchmark.class.getName())
                .build();
        new Runner(opts).run();
    }
}
