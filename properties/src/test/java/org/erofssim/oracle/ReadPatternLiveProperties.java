package org.erofssim.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.mount.MountModel;
import org.erofssim.testkit.Live;

/**
 * Random read patterns (issue 10 point 6) on damaged images, read by the running kernel (root)
 * and by the model on its profile: the outcomes must be equal field by field
 * ({@link OutcomeComparator}), so model and kernel are compared on the same reads.
 *
 * <p>A case takes one of the two source images of {@code fixtures/readpattern/images} (an
 * uncompressed 1 MiB file, an LZ4HC file; both already cut short), cuts it again at a random
 * length past its metadata, sometimes zeroes one 4 KiB block of file data (a plain file reads
 * other bytes, an LZ4HC pcluster fails to decompress), and mounts it file-backed or on a loop
 * device; the tree is read in {@code read(2)} calls of a random size (page multiples from 4 KiB
 * to 4 MiB, or any size from 512 bytes to 2 MiB) or through mmap. Statistics report the read
 * size class, mmap, the mode, the image and how the file read ended (clean, or EIO at a page
 * boundary); coverage requires every one of them reached.
 *
 * <p>Not root (or no erofs, loop, /dev/kmsg): skipped with the reason printed; under CI it fails.
 */
@AddLifecycleHook(LiveScenarioProperties.RequireLiveOracle.class)
@Live
class ReadPatternLiveProperties {
    private static final LiveKernelOracle ORACLE = new LiveKernelOracle();
    private static final byte[] PLAIN = read("plain-p73.erofs");
    private static final byte[] LZ4HC = read("lz4hc-cut.erofs");
    /** Bytes of metadata before the file data (superblock, inodes, the root directory). */
    private static final int META = 4096;

    record Case(boolean lz4hc, int cut, int zeroBlock, int readSize, boolean mmap, boolean bdev) {
        byte[] image() {
            byte[] src = lz4hc ? LZ4HC : PLAIN;
            byte[] img = Arrays.copyOf(src, Math.min(cut, src.length));
            if (zeroBlock >= 0 && (zeroBlock + 1) * 4096 <= img.length) {
                Arrays.fill(img, zeroBlock * 4096, (zeroBlock + 1) * 4096, (byte) 0);
            }
            return img;
        }

        Scenario scenario(KernelConfig kernel) {
            ImageBytes img = ImageBytes.of(image());
            Node node = bdev ? new Node.BlockDevice(img, DevT.parse("7:0"), true, 512, false)
                    : new Node.RegularFile(img, BackingFs.EXT4);
            String source = bdev ? "/dev/loop0" : "/srv/readpattern.erofs";
            Scenario.Builder b = Scenario.builder().name("read-pattern-property").kernel(kernel).node(source, node)
                    .source(source).read(true);
            return mmap ? b.mmap(true).build() : b.readSize(readSize).build();
        }

        String sizeClass() {
            if (mmap) {
                return "mmap";
            }
            if (readSize % 4096 != 0) {
                return "not a page multiple";
            }
            return readSize < 131072 ? "< 128 KiB" : readSize == 131072 ? "128 KiB" : "> 128 KiB";
        }

        @Override public String toString() {
            return (lz4hc ? "lz4hc" : "plain") + " cut at " + cut + (zeroBlock >= 0 ? ", block " + zeroBlock + " zeroed" : "")
                    + ", " + (mmap ? "mmap" : "read(2) of " + readSize) + ", " + (bdev ? "loop device" : "file-backed");
        }
    }

    static byte[] read(String name) {
        try {
            return Files.readAllBytes(LiveScenarioProperties.ROOT.resolve("fixtures/readpattern/images/" + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> pageMultiple = Arbitraries.of(4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288,
                1 << 20, 4 << 20);
        Arbitrary<Integer> any = Arbitraries.integers().between(512, 2 << 20);
        Arbitrary<Integer> size = Arbitraries.frequencyOf(Tuple.of(3, pageMultiple), Tuple.of(1, any));
        Arbitrary<Boolean> mmap = Arbitraries.of(false, false, false, true);
        Arbitrary<Boolean> lz4hc = Arbitraries.of(false, true);
        Arbitrary<Boolean> bdev = Arbitraries.of(false, true);
        Arbitrary<Integer> zero = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(-1)),
                Tuple.of(1, Arbitraries.integers().between(2, 72)));
        return Combinators.combine(lz4hc, Arbitraries.integers().between(META + 8192, 304096), zero, size, mmap, bdev)
                .as(Case::new);
    }

    @BeforeContainer
    static void requiredUnderCi() {
        LiveScenarioProperties.requiredUnderCi();
    }

    @Property(seed = "20261206", tries = 60, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void theModelReadsWithTheKernelsReadPattern(@ForAll("cases") Case c) {
        KernelConfig kernel = LiveScenarioProperties.liveKernel();
        Scenario s = c.scenario(kernel);
        MountOutcome live = ORACLE.observe(s);
        MountOutcome model = MountModel.predict(s);

        Statistics.label("read pattern").collect(c.sizeClass());
        Statistics.label("mode").collect(c.bdev() ? "bdev" : "fileio");
        Statistics.label("image").collect(c.lz4hc() ? "lz4hc" : "plain");
        Statistics.label("file read").collect(fileRead(live));
        Statistics.label("read pattern").coverage(cov -> {
            for (String k : List.of("mmap", "not a page multiple", "< 128 KiB", "128 KiB", "> 128 KiB")) {
                cov.check(k).count(n -> n > 0);
            }
        });
        Statistics.label("mode").coverage(cov -> {
            cov.check("bdev").count(n -> n > 0);
            cov.check("fileio").count(n -> n > 0);
        });
        Statistics.label("image").coverage(cov -> {
            cov.check("plain").count(n -> n > 0);
            cov.check("lz4hc").count(n -> n > 0);
        });
        Statistics.label("file read").coverage(cov -> {
            cov.check("EIO").count(n -> n > 0);
            cov.check("EIO at 16 KiB, not 128 KiB alignment").count(n -> n > 0);
        });

        LiveScenarioProperties.assertAgree(model, live, c);
    }

    /**
     * How the kernel's read of /big ended: clean, EIO at a 128 KiB boundary or page 0 (where no
     * large folio can be told apart), EIO inside a large folio (not at such a boundary), or the
     * mount's own failure.
     */
    static String fileRead(MountOutcome o) {
        if (!(o instanceof MountOutcome.Mounted m) || m.tree() == null) {
            return "not mounted";
        }
        for (TreeEntry e : m.tree()) {
            if (e.path().equals("/big")) {
                if (e.readErrno() == null) {
                    return "clean";
                }
                if (e.readOkBytes() % (128 * 1024) != 0 && e.readOkBytes() % (16 * 1024) == 0) {
                    return "EIO at 16 KiB, not 128 KiB alignment";
                }
                return e.readErrno();
            }
        }
        return "no /big";
    }
}
