package org.erofssim.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
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
import org.erofssim.kernel.KernelProfile;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.report.Difference;
import org.erofssim.testkit.Live;

/**
 * Issue 10's rule with no exception: where the model meets something it does not model it says
 * so in a note, and otherwise answers what the kernel does. A case takes a real fixture image
 * ({@code fixtures/images}: plain, lz4, chunked4k, extended, ztailpacking), sets unknown values
 * in one kind of field and mounts it file-backed or on a loop device with the running kernel
 * (root) and the model on its profile:
 * <ul>
 *   <li>{@code feature_compat}: random bits outside the known ones (the kernel ignores them);</li>
 *   <li>{@code feature_incompat}: random bits outside {@code EROFS_ALL_FEATURE_INCOMPAT} of the
 *       profile (the kernel refuses them: EOPNOTSUPP and its log line);</li>
 *   <li>the root inode's or a regular file's {@code i_format} data layout: 5, 6 or 7 (unknown:
 *       {@code unsupported datalayout}, EOPNOTSUPP);</li>
 *   <li>a compressed file's algorithm id ({@code h_algorithmtype}'s HEAD1 of its map header,
 *       lz4 or ztailpacking base): 4..15, none of lz4, lzma, deflate, zstd.</li>
 * </ul>
 * The superblock checksum is recomputed. Either the outcomes are equal field by field
 * ({@link OutcomeComparator}) or the model's outcome carries a {@code not modelled} note; a
 * confident different answer fails. Statistics show every field kind reached and how each case
 * ended.
 *
 * <p>Not root (or no erofs, loop, /dev/kmsg): skipped with the reason printed; under CI it fails.
 */
@AddLifecycleHook(LiveScenarioProperties.RequireLiveOracle.class)
@Live
class UnknownBitsLiveProperties {
    private static final LiveKernelOracle ORACLE = new LiveKernelOracle();
    static final List<String> BASES = List.of("plain", "lz4", "chunked4k", "extended", "ztailpacking");
    static final List<String> KINDS = List.of("feature_compat", "feature_incompat", "root datalayout", "file datalayout",
            "algorithm id");
    /** The bases with compressed files (for the algorithm id kind). */
    static final List<String> COMPRESSED = List.of("lz4", "ztailpacking");
    private static final int INODE_SLOT = 32;
    /** The ids of the superblock's available_compr_algs (COMPR_CFGS) are not drawn: the fixtures made by erofs-utils 1.5 have no such table. */

    record Case(String base, String kind, long bits, int layout, boolean bdev) {
        Case {
            if (kind.equals("algorithm id") && !COMPRESSED.contains(base)) {
                base = COMPRESSED.get((int) (bits & 1));
            }
        }

        byte[] image(KernelProfile profile) {
            byte[] src = read(base);
            ImageEditor e = ImageEditor.of(src.clone());
            switch (kind) {
                case "feature_compat" -> e.set(SuperblockField.FEATURE_COMPAT,
                        e.get(SuperblockField.FEATURE_COMPAT) | (bits & ~(long) FeatureCompat.knownMask() & 0xFFFFFFFFL)
                                | unknownBit(~FeatureCompat.knownMask()));
                case "feature_incompat" -> e.set(SuperblockField.FEATURE_INCOMPAT,
                        e.get(SuperblockField.FEATURE_INCOMPAT) | (bits & ~(long) profile.supportedIncompat() & 0xFFFFFFFFL)
                                | unknownBit(~profile.supportedIncompat()));
                case "algorithm id" -> {
                    // h_algorithmtype of the first compressed file's z_erofs_map_header: HEAD1 an
                    // unknown id (4..15; 0..3 are lz4, lzma, deflate, zstd), HEAD2 kept
                    long nid = firstFileNid(src, profile, true);
                    int at = (int) (e.get(SuperblockField.META_BLKADDR) * 4096 + nid * INODE_SLOT);
                    byte[] img = e.bytes();
                    int format = (img[at] & 0xFF) | (img[at + 1] & 0xFF) << 8;
                    int icount = (img[at + 2] & 0xFF) | (img[at + 3] & 0xFF) << 8;
                    int header = at + ((format & 1) != 0 ? 64 : 32) + (icount == 0 ? 0 : 12 + (icount - 1) * 4);
                    header = (header + 7) & ~7;
                    int alg = (img[header + 6] & 0xF0) | (4 + (int) (bits % 12));
                    e.write(header + 6, new byte[] {(byte) alg});
                }
                default -> {
                    long nid = kind.equals("root datalayout") ? e.get(SuperblockField.ROOT_NID) : firstFileNid(src, profile, false);
                    int at = (int) (e.get(SuperblockField.META_BLKADDR) * 4096 + nid * INODE_SLOT);
                    byte[] img = e.bytes();
                    int format = (img[at] & 0xFF) | (img[at + 1] & 0xFF) << 8;
                    format = (format & ~0xE) | (layout << 1);
                    e.write(at, new byte[] {(byte) format, (byte) (format >>> 8)});
                }
            }
            return e.fixChecksum().bytes();
        }

        /** The highest bit of {@code mask}: at least one unknown bit is always set. */
        static long unknownBit(int mask) {
            return Integer.highestOneBit(mask) & 0xFFFFFFFFL;
        }

        Scenario scenario(KernelConfig kernel) {
            ImageBytes img = ImageBytes.of(image(kernel.profile()));
            Node node = bdev ? new Node.BlockDevice(img, DevT.parse("7:0"), true, 512, false)
                    : new Node.RegularFile(img, BackingFs.EXT4);
            String source = bdev ? "/dev/loop0" : "/srv/unknown.erofs";
            return Scenario.builder().name("unknown-bits-property").kernel(kernel).node(source, node).source(source)
                    .read(true).build();
        }

        @Override public String toString() {
            return base + ": " + kind + (kind.contains("layout") ? " " + layout : String.format(" |= 0x%x", bits))
                    + ", " + (bdev ? "loop device" : "file-backed");
        }
    }

    /** The nid of the first regular file of the base image's tree (its ino, as the model walks it). */
    static long firstFileNid(byte[] img, KernelProfile profile, boolean compressed) {
        Scenario s = Scenario.builder().kernel(profile).node("/srv/a.erofs",
                new Node.RegularFile(ImageBytes.of(img), BackingFs.EXT4)).source("/srv/a.erofs").read(true).build();
        if (MountModel.predict(s) instanceof MountOutcome.Mounted m && m.tree() != null) {
            for (TreeEntry t : m.tree()) {
                if ("file".equals(t.type()) && (!compressed || compressedLayout(img, t.ino()))) {
                    return t.ino();
                }
            }
        }
        throw new IllegalStateException("no regular file in the base image");
    }

    /** Whether the inode of {@code nid} has a compressed data layout (1 COMPRESSED_FULL, 3 COMPRESSED_COMPACT). */
    static boolean compressedLayout(byte[] img, long nid) {
        ImageEditor e = ImageEditor.of(img.clone());
        int at = (int) (e.get(SuperblockField.META_BLKADDR) * 4096 + nid * INODE_SLOT);
        int layout = (img[at] >> 1) & 7;
        return layout == 1 || layout == 3;
    }

    static byte[] read(String base) {
        try {
            return Files.readAllBytes(LiveScenarioProperties.ROOT.resolve("fixtures/images/" + base + ".erofs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(BASES), Arbitraries.of(KINDS),
                Arbitraries.longs().between(0, 0xFFFFFFFFL), Arbitraries.integers().between(5, 7),
                Arbitraries.of(false, true)).as(Case::new);
    }

    @BeforeContainer
    static void requiredUnderCi() {
        LiveScenarioProperties.requiredUnderCi();
    }

    @Property(seed = "20261206", tries = 60, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void unknownValuesGetTheKernelsAnswerOrANote(@ForAll("cases") Case c) {
        KernelConfig kernel = LiveScenarioProperties.liveKernel();
        Scenario s = c.scenario(kernel);
        MountOutcome live = ORACLE.observe(s);
        MountOutcome model = MountModel.predict(s);
        List<Difference> diffs = OutcomeComparator.compare(model, live);
        boolean noted = notModelled(model);

        Statistics.label("field kind").collect(c.kind());
        Statistics.label("answer").collect(diffs.isEmpty() ? "equals the kernel's" : noted ? "not modelled note" : "DIFFERENT");
        Statistics.label("kernel outcome").collect(live instanceof MountOutcome.Failed f ? String.valueOf(f.errno())
                : live instanceof MountOutcome.Mounted ? "mounted" : live.getClass().getSimpleName());
        Statistics.label("field kind").coverage(cov -> KINDS.forEach(k -> cov.check(k).count(n -> n > 0)));
        boolean fileErrors = live instanceof MountOutcome.Mounted m && m.tree() != null
                && m.tree().stream().anyMatch(t -> t.readErrno() != null);
        Statistics.label("kernel read errors in the tree").collect(c.kind(), fileErrors ? "some" : "none");

        if (!diffs.isEmpty() && !noted) {
            List<String> lines = new ArrayList<>();
            for (Difference d : diffs.subList(0, Math.min(diffs.size(), 8))) {
                lines.add("  " + d);
            }
            throw new AssertionError("the model answers confidently and differently from the kernel for " + c + ":\n"
                    + String.join("\n", lines));
        }
    }

    /** Whether the model's outcome or one of its tree entries carries a {@code not modelled} note. */
    static boolean notModelled(MountOutcome o) {
        if (o.notes().stream().anyMatch(n -> n.contains("not modelled"))) {
            return true;
        }
        return o instanceof MountOutcome.Mounted m && m.tree() != null
                && m.tree().stream().anyMatch(t -> t.notes() != null && t.notes().stream().anyMatch(n -> n.contains("not modelled")));
    }
}
