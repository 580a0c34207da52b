package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
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
import org.erofssim.fixtures.Transcoder;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.report.Difference;
import org.erofssim.testkit.Live;

/**
 * The sibling of {@link ModelVsLiveKernelProperties} for the algorithms erofs-utils 1.5 cannot
 * write: random trees built by mkfs.erofs with LZ4/LZ4HC and big pclusters ({@code -C} 8, 16 or
 * 64 KiB, so that COMPR_CFGS is set and a configuration record follows the superblock), then
 * re-encoded by {@link Transcoder} to MicroLZMA, DEFLATE or ZSTD, mounted file-backed or on a
 * loop device: the model's whole outcome (log with the DEFLATE notice, superblock, statfs, the
 * tree with every file's hash and read error) equals the running kernel's. An image whose
 * re-encoded pcluster does not fit (MicroLZMA shorter than its pcluster less one block, or any
 * stream longer than the pcluster) is skipped and counted ({@code transcode} label). Root
 * only: skips with a printed reason otherwise, fails under CI.
 */
@Live
class TranscodedVsLiveKernelProperties {
    private static final TreeSpec.Name LETTERS = TreeSpec.Name.of("random letters");

    /**
     * Random trees with one file of compressible text (tiny pclusters) and one of random letters
     * ({@link TreeSpec#LETTERS}: LZ4 saves about half, the other algorithms more, so their streams
     * can be shorter than the LZ4 pcluster by blocks: DEFLATE/ZSTD lead, MicroLZMA may not fit).
     */
    @Provide
    Arbitrary<TreeSpec> trees() {
        return Combinators.combine(OracleCase.withCompressibleFile(TreeGenerator.trees(TreeGenerator.Config.forErofsUtils15())),
                Arbitraries.integers().between(0, 100_000), Arbitraries.longs().between(1, 1000), Arbitraries.of(false, true))
                .as((t, n, seed, interleaved) -> n < 4096 || t.entry(List.of(LETTERS)) != null ? t
                        : t.plus(TreeSpec.Entry.file(List.of(LETTERS), TreeSpec.Meta.plain(0644), n,
                                letters(n, seed, interleaved))));
    }

    /**
     * Random letters, or (interleaved) 3 KiB of random bytes then 1 KiB of letters in every 4 KiB:
     * then every encoder saves about the same, so MicroLZMA streams of several blocks still end in
     * their pcluster's last block.
     */
    static List<TreeSpec.Region> letters(int n, long seed, boolean interleaved) {
        if (!interleaved) {
            return List.of(new TreeSpec.Region(0, n, TreeSpec.LETTERS - seed));
        }
        List<TreeSpec.Region> r = new java.util.ArrayList<>();
        for (int off = 0; off < n; off += 4096) {
            r.add(new TreeSpec.Region(off, Math.min(3072, n - off), seed));
            if (off + 3072 < n) {
                r.add(new TreeSpec.Region(off + 3072, Math.min(1024, n - off - 3072), TreeSpec.LETTERS - seed));
            }
        }
        return r;
    }

    /**
     * The 1.5 option space narrowed to what the transcoder takes: compressed, big pclusters, with
     * ZERO_PADDING (no {@code legacy-compress}), no extra device, and no {@code --chunksize}
     * (with it mkfs 1.5 writes every file chunk-based, none compressed).
     */
    @Provide
    Arbitrary<MkfsOptions> options() {
        return Combinators.combine(MkfsOptions.arbitrary(),
                Arbitraries.of(MkfsOptions.Compression.LZ4, MkfsOptions.Compression.LZ4HC),
                Arbitraries.of(8192, 16384, 65536),
                Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, Arbitraries.just(0L)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.of(16384L, 65536L))))
                .as((o, c, pcluster, maxExtent) -> {
                    EnumSet<MkfsOptions.Extended> e = EnumSet.noneOf(MkfsOptions.Extended.class);
                    e.addAll(o.extended());
                    e.remove(MkfsOptions.Extended.LEGACY_COMPRESS);
                    if (e.contains(MkfsOptions.Extended.ZTAILPACKING)) {
                        e.remove(MkfsOptions.Extended.NOINLINE_DATA); // 1.5 loses such tails (losesUncompressedTails)
                    }
                    return new MkfsOptions(c, c == MkfsOptions.Compression.LZ4HC ? o.level() : -1, pcluster, e,
                            0, false, o.xattrTolerance(), o.time(), o.uuid(), o.owner(), maxExtent);
                });
    }

    @Provide
    Arbitrary<Transcoder.Algorithm> algorithms() {
        return Arbitraries.of(Transcoder.Algorithm.class);
    }

    @Provide
    Arbitrary<ModelVsLiveKernelProperties.Source> sources() {
        return Arbitraries.of(ModelVsLiveKernelProperties.Source.class);
    }

    @Property(tries = 90, seed = "20261125")
    @Label("random trees re-encoded to MicroLZMA/DEFLATE/ZSTD: the model's outcome equals the live kernel's, hashes included")
    void transcodedImagesReadAsTheKernelReadsThem(@ForAll("trees") TreeSpec spec, @ForAll("options") MkfsOptions options,
                                                 @ForAll("algorithms") Transcoder.Algorithm alg,
                                                 @ForAll("sources") ModelVsLiveKernelProperties.Source source)
            throws Exception {
        if (!OracleCase.toolsPresent() || !ModelVsLiveKernelProperties.liveAvailable()) {
            return;
        }
        KernelProfile profile = Releases.forRelease(
                Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim()).orElse(null);
        if (profile == null) {
            System.out.println("SKIPPED: the running kernel has no modelled profile: reported, not compared");
            return;
        }
        try (OracleCase oc = OracleCase.build(spec, options)) {
            if (oc == null) {
                return;
            }
            Transcoder.Result r = Transcoder.transcode(Files.readAllBytes(oc.built.image()), alg);
            if (r instanceof Transcoder.Refused no) {
                Statistics.label("transcode").collect(alg + (no.misfit() ? ": does not fit" : ": not transcodable"));
                Statistics.label("misfit").collect(alg + ": " + no.reason().replaceFirst("^.*\\): ", "")
                        .replaceFirst(", and more than its first block would be padding", ""));
                assertThat(no.misfit() || no.reason().contains("COMPR_CFGS")).as(no.reason() + "\n" + oc.reproducer())
                        .isTrue();
                return;
            }
            Transcoder.Transcoded t = (Transcoder.Transcoded) r;
            Path image = oc.built.dir().resolve("transcoded-" + alg.word + ".erofs");
            Files.write(image, t.image());
            Scenario s = scenario(image, source, profile);
            MountOutcome model = MountModel.predict(s);
            MountOutcome kernel = new LiveKernelOracle().observe(s);
            List<Difference> d = OutcomeComparator.compare(model, kernel);

            Statistics.label("transcode").collect(alg + ": " + (t.report().pclusters() == 0 ? "no LZ4 pcluster"
                    : "re-encoded"));
            Statistics.label("algorithm").collect(alg.name());
            Statistics.label("source").collect(source.name());
            Statistics.label("outcome").collect(kernel.outcome() + (kernel.mode() == null ? "" : " " + kernel.mode().contractName()));
            Transcoder.Report rep = t.report();
            if (rep.trailing() > 0) {
                Statistics.label("layout").collect(alg + " trailing");
            }
            if (rep.leading() > 0) {
                Statistics.label("layout").collect(alg + " leading");
            }
            if (rep.multiBlock() > 0) {
                Statistics.label("layout").collect(alg + " multi-block");
            }
            if (rep.inline() > 0) {
                Statistics.label("layout").collect(alg + " inline");
            }
            Statistics.label("pclusters").collect(rep.pclusters() == 0 ? "0" : rep.pclusters() < 4 ? "1-3"
                    : rep.pclusters() < 16 ? "4-15" : ">= 16");
            Statistics.label("transcode").coverage(c -> {
                for (Transcoder.Algorithm a : Transcoder.Algorithm.values()) {
                    c.check(a + ": re-encoded").count(n -> n >= 10);
                }
            });
            Statistics.label("layout").coverage(c -> {
                for (Transcoder.Algorithm a : Transcoder.Algorithm.values()) {
                    c.check(a + " trailing").count(n -> n > 0);
                    c.check(a + " multi-block").count(n -> n > 0);
                }
                c.check("DEFLATE leading").count(n -> n > 0);
                c.check("ZSTD leading").count(n -> n > 0);
            });
            Statistics.label("source").coverage(c -> {
                c.check("FILE_EXT4").count(n -> n > 0);
                c.check("LOOP_BDEV").count(n -> n > 0);
            });
            assertThat(d).as("model vs kernel (%s)\n%s", alg, oc.reproducer()).isEmpty();
        }
    }

    /** The transcoded image as a file on ext4, or as a read-only loop device. */
    static Scenario scenario(Path image, ModelVsLiveKernelProperties.Source source, KernelProfile profile) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        String primary;
        if (source == ModelVsLiveKernelProperties.Source.FILE_EXT4) {
            primary = "/srv/image.erofs";
            nodes.put(primary, new Node.RegularFile(ImageBytes.map(image), BackingFs.EXT4));
        } else {
            primary = "/dev/loop0";
            nodes.put(primary, new Node.BlockDevice(ImageBytes.map(image), new DevT(7, 0), true, 512, false));
        }
        return Scenario.builder().name("transcoded tree").kernel(KernelConfig.of(profile))
                .namespace(new VirtualNamespace(nodes)).source(primary).options("").read(true).build();
    }
}
