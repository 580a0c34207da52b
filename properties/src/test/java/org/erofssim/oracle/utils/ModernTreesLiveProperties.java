package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.report.Difference;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;

/**
 * Random trees built by the pinned modern erofs-utils (1.9.4, and 1.8.6 for some tries where
 * {@code .ci/build-erofs-utils 1.8.6} built it) with the modern mkfs options drawn
 * ({@link ModernMkfsOptions}: every compressor with levels, {@code -C}, fragments, all-fragments,
 * fragdedupe, dedupe, ztailpacking, {@code --zD}, 48bit, dot-omitted, metabox, {@code -b512..4096},
 * chunks, {@code --tar=f|i}, rebuild mode, inode digests, the xattr name filter), compared three ways:
 * the model's outcome of a file-backed (or loop-device) mount with the whole tree read, the running
 * kernel's (the live oracle, field by field with hashes), and {@code fsck.erofs --extract} of the same
 * release (types, modes, sizes, mtimes, symlink targets, device numbers and contents against the model's
 * tree, which must read every file without error). Needs root and the modern build: skips with a printed
 * reason otherwise, fails under CI.
 */
@Live
class ModernTreesLiveProperties {
    enum Source { FILE_EXT4, LOOP_BDEV }

    /** The fields {@code fsck.erofs --extract} keeps (owners are not restored on purpose, hard links are not compared). */
    static final Set<TreeDiff.Field> FSCK_FIELDS = EnumSet.of(TreeDiff.Field.TYPE, TreeDiff.Field.MODE,
            TreeDiff.Field.SIZE, TreeDiff.Field.MTIME, TreeDiff.Field.TARGET, TreeDiff.Field.RDEV, TreeDiff.Field.SHA256);

    /** The releases drawn: 1.9.4 always, 1.8.6 where built. */
    static List<String> versions() {
        List<String> v = new ArrayList<>(List.of(ErofsUtils.MODERN_VERSION));
        if (ErofsUtils.release("1.8.6").isPresent()) {
            v.add("1.8.6");
        }
        return v;
    }

    @Provide
    Arbitrary<TreeSpec> trees() {
        return OracleCase.withCompressibleFile(TreeGenerator.trees(TreeGenerator.Config.forThisHost().withSize(4, 10, 2)));
    }

    @Provide
    Arbitrary<ModernMkfsOptions> options() {
        return ModernMkfsOptions.arbitrary(versions());
    }

    @Provide
    Arbitrary<Source> sources() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(Source.FILE_EXT4)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Source.LOOP_BDEV)));
    }

    static boolean available() {
        if (ErofsUtils.requireModern(ErofsUtils.MKFS).isEmpty()) {
            return false;
        }
        return ModelVsLiveKernelProperties.liveAvailable();
    }

    @Property(tries = 150, seed = "20261206")
    @Label("random trees from modern mkfs options: model, live kernel and fsck.erofs --extract of the same release agree")
    void modelKernelAndFsckAgree(@ForAll("trees") TreeSpec spec, @ForAll("options") ModernMkfsOptions options,
                                 @ForAll("sources") Source source) throws Exception {
        if (!available()) {
            return;
        }
        KernelProfile profile = Releases.forRelease(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim()).orElse(null);
        if (profile == null) {
            System.out.println("SKIPPED: the running kernel has no modelled profile: reported, not compared");
            return;
        }
        try (Workspace w = Workspace.create("erofs-sim-modern")) {
            ModernMkfs.Built built = ModernMkfs.build(spec, options, w.dir());
            if (!built.ok()) {
                Statistics.label("mkfs").collect("refused: " + built.refusal().replaceAll("[0-9]+", "N"));
                return;
            }
            Statistics.label("mkfs").collect("built " + options.version());
            String repro = options + "\n" + spec;
            Scenario s = scenario(built, source, profile);
            MountOutcome model = MountModel.predict(s);
            MountOutcome kernel = new LiveKernelOracle().observe(s);
            List<Difference> d = OutcomeComparator.compare(model, kernel);
            Statistics.label("model vs kernel").collect(d.isEmpty() ? "agree" : "differ");

            Path into = w.resolve("extract");
            UtilsProcess.Result fsck = ModernMkfs.extract(built, into);
            List<TreeDiff.Difference> t = new ArrayList<>();
            boolean quirks = false;
            if (model instanceof MountOutcome.Mounted m && m.tree() != null) {
                if (fsck.ok()) {
                    Map<String, TreeEntry> input = new java.util.HashMap<>();
                    for (TreeEntry e : TreeReader.entries(w.resolve("src"))) {
                        input.put(e.path(), e);
                    }
                    for (TreeDiff.Difference x : TreeDiff.diff(TreeReader.entries(into), m.tree(), FSCK_FIELDS, n -> true)) {
                        String quirk = fsckAlone(x, input);
                        if (quirk != null) {
                            quirks = true;
                            Statistics.label("fsck.erofs --extract differs from the input file").collect(
                                    options.version() + " " + x.field() + " " + quirk + ": " + fsckQuirk(built));
                        } else {
                            TreeEntry in = input.get(x.path());
                            String was = in == null ? "absent" : x.field().equals("SIZE") ? Long.toString(in.size())
                                    : x.field().equals("SHA256") ? in.sha256() : "-";
                            t.add(new TreeDiff.Difference(x.path(), x.field(), x.expected() + " (fsck)",
                                    x.actual() + " (model; the input file: " + was + ")"));
                        }
                    }
                }
                for (TreeEntry e : m.tree()) {
                    if (e.readErrno() != null) {
                        t.add(new TreeDiff.Difference(e.path(), "readErrno", "null", e.readErrno()));
                    }
                }
                int n = m.tree().size();
                Statistics.label("entries").collect(n < 10 ? "< 10" : n < 40 ? "10-39" : ">= 40");
            }
            boolean kernelReadAll = d.isEmpty() && kernel instanceof MountOutcome.Mounted km && km.tree() != null
                    && km.tree().stream().allMatch(e -> e.readErrno() == null);
            Statistics.label("model vs fsck --extract").collect(fsck.ok() ? (!t.isEmpty() ? "differ" : quirks ? "agree but where fsck differs from the input" : "agree")
                    : kernelReadAll ? "fsck failed, the kernel read every file" : "fsck failed");
            if (!fsck.ok() && kernelReadAll) {
                Statistics.label("fsck.erofs --extract fails where the kernel reads every file").collect(
                        options.version() + " " + fsckError(fsck) + ": " + fsckQuirk(built));
            }
            Statistics.label("source").collect(source.name());
            Statistics.label("outcome").collect(kernel.outcome() + (kernel.mode() == null ? "" : " " + kernel.mode().contractName()));
            for (String l : options.labels()) {
                Statistics.label("options").collect(l);
            }
            Statistics.label("options").coverage(c -> {
                for (String l : ModernMkfsOptions.REQUIRED_LABELS) {
                    c.check(l).count(n -> n > 0);
                }
            });
            Statistics.label("source").coverage(c -> {
                c.check("FILE_EXT4").count(n -> n > 0);
                c.check("LOOP_BDEV").count(n -> n > 0);
            });
            assertThat(d).as("model vs live kernel\n%s", repro).isEmpty();
            assertThat(fsck.ok() || kernelReadAll).as("fsck.erofs %s --extract failed: %s\n%s", options.version(), fsck.err().strip(), repro).isTrue();
            assertThat(t).as("model tree vs fsck.erofs %s --extract\n%s", options.version(), repro).isEmpty();
        }
    }

    /**
     * Whether a size or content difference between {@code fsck.erofs --extract} and the model (which the
     * kernel agrees with: asserted before) is one where fsck's value is not the input file's (the folder
     * the tree was built from): then fsck is wrong, or mkfs wrote an image that does not hold its input,
     * and the kernel is the reference. Answers null where fsck holds the input's value (a real
     * disagreement), else {@code "model = input"} (fsck alone differs) or {@code "model != input"}
     * (the image does not hold the input: three readings of it). Seen: fsck.erofs 1.9.4 extracts an
     * all-hole file of a blob-index rebuild ({@code mkfs.erofs IMAGE SOURCE.erofs}) empty where
     * {@code dump.erofs} says {@code Size: 131072}; it extracts the files of an image with a metabox
     * ({@code -m}) whose data is on an extra device ({@code --tar=i}, a blob-index rebuild) from the primary
     * device (zeros, then the superblock); with mkfs.erofs 1.8.6
     * {@code -zdeflate -C16384 -Eall-fragments,ztailpacking}, a 65,537-byte random file read back as three
     * different contents by fsck 1.8.6, fsck 1.9.4 and the kernel (= the model), none of them the input.
     * Counted in the statistics, not failed.
     */
    static String fsckAlone(TreeDiff.Difference d, Map<String, TreeEntry> input) {
        TreeEntry in = input.get(d.path());
        if (in == null || !"file".equals(in.type())) {
            return null;
        }
        String want = switch (d.field()) {
            case "SIZE" -> Long.toString(in.size());
            case "SHA256" -> in.sha256();
            default -> null;
        };
        if (want == null || d.expected().equals(want)) {
            return null;
        }
        return d.actual().equals(want) ? "(model = input)" : "(model != input)";
    }

    /**
     * fsck.erofs's complaint with numbers blanked. Seen: fsck.erofs 1.9.4 stops with
     * {@code failed to full decompress -43 in[282, 0] out[16384]} ("Failed to extract filesystem") on
     * {@code -b512 -zlz4 -C2048 -Eztailpacking -m2048} (a compressed tail inline with a metabox on sub-page
     * blocks; without {@code -m} or without ztailpacking it extracts), where the kernel (and the model) read
     * the whole file. Such runs are counted when the kernel read every file without error, failed otherwise.
     */
    static String fsckError(UtilsProcess.Result r) {
        for (String l : r.err().split("\n")) {
            if (l.contains("<E>")) {
                return l.strip().replaceAll("[0-9]+", "N");
            }
        }
        return "exit " + r.exitCode();
    }

    /** The options that name a case of {@link #fsckAlone}, for its statistics line. */
    static String fsckQuirk(ModernMkfs.Built b) {
        ModernMkfsOptions o = b.options();
        List<String> l = new ArrayList<>();
        l.add(o.input().name().toLowerCase(java.util.Locale.ROOT));
        if (o.metabox() > 0) {
            l.add("-m");
        }
        if (o.compressed()) {
            l.add("-z" + o.compressor());
        }
        l.addAll(o.extended().stream().sorted().map(e -> "-E" + e).toList());
        return String.join(" ", l);
    }

    /** The image and its extra devices as files on ext4 ({@code device=}), or as read-only loop devices. */
    static Scenario scenario(ModernMkfs.Built built, Source source, KernelProfile profile) {
        return ModelVsLiveKernelProperties.scenario("modern random tree", built.image(), built.devices(),
                source == Source.LOOP_BDEV, profile);
    }
}
