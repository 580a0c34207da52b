package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.report.Difference;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;

/**
 * Random trees made by mkfs.erofs with random options (uncompressed and LZ4/LZ4HC), mounted file-backed and
 * loop-backed: the model's whole outcome (mode, log, superblock, super options, statfs, the tree
 * with hashes) equals the running kernel's, field by field ({@link OutcomeComparator}). The model
 * runs on the running kernel's profile. Needs root: skips with a printed reason otherwise, and
 * fails under CI, which must never pass with a whole oracle skipped.
 */
@Live
class ModelVsLiveKernelProperties {
    enum Source { FILE_EXT4, LOOP_BDEV }

    @Provide
    Arbitrary<TreeSpec> trees() {
        return TreeGenerator.trees(TreeGenerator.Config.forErofsUtils15());
    }

    /** The whole 1.5 option space: uncompressed, and LZ4/LZ4HC compressed layouts. */
    @Provide
    Arbitrary<MkfsOptions> options() {
        return MkfsOptions.arbitrary();
    }

    /** Trees plus one file of compressible text, so a compressing mkfs compresses something. */
    @Provide
    Arbitrary<TreeSpec> treesWithText() {
        return OracleCase.withCompressibleFile(trees());
    }

    @Provide
    Arbitrary<Source> sources() {
        return Arbitraries.of(Source.class);
    }

    static boolean liveAvailable() {
        String why = LiveKernelOracle.unavailableReason();
        if (why == null) {
            return true;
        }
        if (ErofsUtils.oraclesRequired()) {
            throw new IllegalStateException("live kernel oracle missing under CI: " + why);
        }
        System.out.println("SKIPPED: live kernel oracle unavailable: " + why);
        return false;
    }

    @Property(tries = 300, seed = "20261124")
    @Label("random mkfs.erofs trees: the model's outcome equals the live kernel's, tree and hashes included")
    void modelEqualsLiveKernel(@ForAll("treesWithText") TreeSpec spec, @ForAll("options") MkfsOptions options,
                               @ForAll("sources") Source source) throws Exception {
        if (!OracleCase.toolsPresent() || !liveAvailable()) {
            return;
        }
        KernelProfile profile = Releases.forRelease(
                java.nio.file.Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim()).orElse(null);
        if (profile == null) {
            System.out.println("SKIPPED: the running kernel has no modelled profile: reported, not compared");
            return;
        }
        try (OracleCase oc = OracleCase.build(spec, options)) {
            if (oc == null) {
                return;
            }
            Scenario s = scenario(oc.built, source, profile);
            MountOutcome model = MountModel.predict(s);
            MountOutcome kernel = new LiveKernelOracle().observe(s);
            List<Difference> d = OutcomeComparator.compare(model, kernel);
            Statistics.label("source").collect(source.name());
            Statistics.label("outcome").collect(kernel.outcome() + (kernel.mode() == null ? "" : " " + kernel.mode().contractName()));
            for (String f : Labels.options(options)) {
                Statistics.label("options").collect(f);
            }
            int entries = kernel instanceof MountOutcome.Mounted m && m.tree() != null ? m.tree().size() : 0;
            Statistics.label("entries").collect(entries < 10 ? "< 10" : entries < 40 ? "10-39" : ">= 40");
            Statistics.label("layout").collect(options.compressed() ? "compressed" : "uncompressed");
            Statistics.label("layout").coverage(c -> {
                c.check("compressed").count(n -> n > 0);
                c.check("uncompressed").count(n -> n > 0);
            });
            Statistics.label("source").coverage(c -> {
                c.check("FILE_EXT4").count(n -> n > 0);
                c.check("LOOP_BDEV").count(n -> n > 0);
            });
            Statistics.label("outcome").coverage(c -> {
                c.check("mounted fileio").count(n -> n > 0);
                c.check("mounted bdev").count(n -> n > 0);
            });
            assertThat(d).as("model vs kernel\n%s", oc.reproducer()).isEmpty();
        }
    }

    /** The image (and its blob) as files on ext4, or as read-only loop devices. */
    static Scenario scenario(Mkfs.Built built, Source source, KernelProfile profile) {
        return scenario("random tree", built.image(), built.devices(), source == Source.LOOP_BDEV, profile);
    }

    /**
     * A scenario that mounts {@code image} with its extra {@code devices} ({@code device=}, in
     * order) as files on ext4, or with {@code loop} as read-only loop devices (512-byte sectors),
     * and reads the whole tree.
     */
    static Scenario scenario(String name, Path image, List<Path> devices, boolean loop, KernelProfile profile) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        StringBuilder options = new StringBuilder();
        String primary;
        if (!loop) {
            primary = "/srv/image.erofs";
            nodes.put(primary, new Node.RegularFile(ImageBytes.map(image), BackingFs.EXT4));
            for (int i = 0; i < devices.size(); i++) {
                String p = "/srv/blob" + (i + 1);
                nodes.put(p, new Node.RegularFile(ImageBytes.map(devices.get(i)), BackingFs.EXT4));
                options.append(options.length() == 0 ? "" : ",").append("device=").append(p);
            }
        } else {
            primary = "/dev/loop0";
            nodes.put(primary, new Node.BlockDevice(ImageBytes.map(image), new DevT(7, 0), true, 512, false));
            for (int i = 0; i < devices.size(); i++) {
                String p = "/dev/loop" + (i + 1);
                nodes.put(p, new Node.BlockDevice(ImageBytes.map(devices.get(i)), new DevT(7, i + 1), true, 512, false));
                options.append(options.length() == 0 ? "" : ",").append("device=").append(p);
            }
        }
        return Scenario.builder().name(name).kernel(KernelConfig.of(profile))
                .namespace(new VirtualNamespace(nodes)).source(primary).options(options.toString()).read(true).build();
    }
}
