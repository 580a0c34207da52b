package org.erofssim.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.testing.Checkout;
import org.erofssim.contract.MountOutcome;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH: the cost of one {@link MountModel#predict} on a fixture image held in memory, for a
 * file-backed source (an ext4 regular file) and a block device source (a loop device). No JSON:
 * the scenarios are built directly, the image is read once in {@link #setup()}.
 *
 * <p>Not a test and never run by {@code mvn verify} (its name matches no surefire pattern).
 * Run it with {@code bench/run-mount-benchmark.sh} (JMH options may follow, e.g.
 * {@code -p image=multidev.erofs -p read=true -f 2}). Numbers are to be read as ratios against
 * the kernel's {@code mount(2)} and {@code dump.erofs} on the same machine (README, "Performance"),
 * never asserted.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MountBenchmark {
    /** A file of fixtures/images. */
    @Param({"plain.erofs"})
    public String image;

    /** The scenario's {@code read}: also walk the tree (once the model walks it). */
    @Param({"false", "true"})
    public boolean read;

    private Scenario fileio;
    private Scenario bdev;

    @Setup
    public void setup() throws IOException {
        ImageBytes bytes = ImageBytes.of(Files.readAllBytes(images().resolve(image)));
        KernelConfig kernel = KernelConfig.of(Releases.DEFAULT);
        fileio = Scenario.builder().name("bench-fileio").kernel(kernel)
                .node("/srv/image.erofs", new Node.RegularFile(bytes, BackingFs.EXT4))
                .source("/srv/image.erofs").read(read).build();
        bdev = Scenario.builder().name("bench-bdev").kernel(kernel)
                .node("/dev/loop0", new Node.BlockDevice(bytes, new DevT(7, 0), true, 512, false))
                .source("/dev/loop0").read(read).build();
        // a benchmark of a failing mount would measure the wrong path
        for (Scenario s : List.of(fileio, bdev)) {
            MountOutcome o = MountModel.predict(s);
            if (!(o instanceof MountOutcome.Mounted)) {
                throw new IllegalStateException(s.name() + " on " + image + " does not mount: " + o);
            }
        }
    }

    @Benchmark
    public MountOutcome fileio() {
        return MountModel.predict(fileio);
    }

    @Benchmark
    public MountOutcome bdev() {
        return MountModel.predict(bdev);
    }

    /** fixtures/images ({@link Checkout}). */
    static Path images() {
        return Checkout.images();
    }

    /** Runs this benchmark; arguments are JMH's own command-line options. */
    public static void main(String[] args) throws RunnerException, org.openjdk.jmh.runner.options.CommandLineOptionException {
        Options opts = new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(MountBenchmark.class.getName())
                .build();
        new Runner(opts).run();
    }
}
