package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.reference.Case;
import org.erofssim.reference.Identity;
import org.erofssim.reference.KernelReference;
import org.erofssim.reference.Observation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM kernels of a campaign ({@link VmDifferential}) with stand-in kernels instead of QEMU
 * boots: one that answers as the model of its release and dies on the third case of every
 * batch, one that refuses every mount with EIO. The crash becomes a finding with its serial log
 * and the campaign goes on; the EIO kernel differs from its model (a divergence) and from its
 * neighbour where the two models agree (a candidate regression naming both); the batch files
 * are gone afterwards.
 */
class VmDifferentialTest {
    @TempDir
    Path out;

    /** A kernel of release {@code release} answering each scenario file of a batch in order. */
    abstract static class StandInVm implements BatchKernel {
        final String release;
        final List<Integer> batchSizes = new ArrayList<>();
        /** The boots of shrinking rounds ({@link VmShrinker}), apart from the campaign's batches. */
        final List<Integer> shrinkSizes = new ArrayList<>();

        StandInVm(String release) {
            this.release = release;
        }

        @Override
        public String name() {
            return release;
        }

        abstract MountOutcome answer(Case c);

        Crash crashAt(List<Path> scenarios) {
            return null;
        }

        @Override
        public Batch observe(Path dir, List<Path> scenarios) {
            (dir.getFileName().toString().startsWith("shrink-") ? shrinkSizes : batchSizes).add(scenarios.size());
            assertThat(scenarios).allSatisfy(s -> assertThat(s).startsWith(dir).exists());
            Crash crash = crashAt(scenarios);
            int answered = crash == null ? scenarios.size() : crash.at();
            List<String> names = scenarios.subList(0, answered).stream()
                    .map(p -> p.getFileName().toString().replace(".json", "")).toList();
            KernelReference ref = new KernelReference(Identity.Kind.VM, release) {
                @Override
                public Optional<String> refuses(Case c) {
                    return Optional.empty();
                }

                @Override
                public Observation observe(Case c) {
                    if (!names.contains(c.name())) {
                        return new Observation.Unchecked(Observation.Why.NOT_RECORDED, "not answered", null);
                    }
                    MountOutcome o = answer(c);
                    return new Observation.Observed(o, OutcomeJson.write(o), List.of());
                }
            };
            return new Batch(ref, crash);
        }
    }

    static MountOutcome modelOf(Case c, KernelProfile p) {
        return MountModel.predict(org.erofssim.reference.Reference.onProfile(
                ScenarioJson.read(c.file()), p));
    }

    @Test
    void aCaseWithACONFIGOverrideTheKernelWasNotBuiltWithIsNotSent() {
        KernelProfile p = Releases.forRelease("6.1.0-57-amd64").orElseThrow();
        FuzzCase plain = new FuzzGenerator(1, bases()).next();
        var flag = org.erofssim.kernel.ConfigFlag.values()[0];
        boolean built = p.defaultConfig().get(flag);
        var same = new java.util.EnumMap<org.erofssim.kernel.ConfigFlag, Boolean>(java.util.Map.of(flag, built));
        var other = new java.util.EnumMap<org.erofssim.kernel.ConfigFlag, Boolean>(java.util.Map.of(flag, !built));
        assertThat(VmDifferential.realisable(with(plain, java.util.Map.of()), p)).isTrue();
        assertThat(VmDifferential.realisable(with(plain, same), p)).isTrue();
        assertThat(VmDifferential.realisable(with(plain, other), p)).isFalse();
    }

    static FuzzCase with(FuzzCase c, java.util.Map<org.erofssim.kernel.ConfigFlag, Boolean> config) {
        var m = new java.util.EnumMap<org.erofssim.kernel.ConfigFlag, Boolean>(org.erofssim.kernel.ConfigFlag.class);
        m.putAll(config);
        return c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), c.devices(), c.read(), c.bytes(), c.options(), m);
    }

    static java.util.Map<FuzzCase.BaseImage, byte[]> bases() {
        try {
            return FuzzCampaignTest.bases();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void crashesAreFindingsAndKernelsAreComparedWithTheirModelsAndEachOther() throws Exception {
        KernelProfile old = Releases.forRelease("6.1.0-57-amd64").orElseThrow();
        StandInVm agreesButDies = new StandInVm("6.1.0-57-amd64") {
            @Override
            MountOutcome answer(Case c) {
                return modelOf(c, old);
            }

            @Override
            Crash crashAt(List<Path> scenarios) {
                return scenarios.size() > 2 ? new Crash(2, "kernel 6.1.0-57-amd64 panicked: Kernel panic - not syncing: test",
                        "[ 1.0] Kernel panic - not syncing: test\n") : null;
            }
        };
        StandInVm alwaysEio = new StandInVm("7.3-amd64") {
            @Override
            MountOutcome answer(Case c) {
                return new MountOutcome.Failed(Errno.EIO, null, List.of(), List.of());
            }
        };
        FuzzCampaign.Summary sum = new FuzzCampaign(new FuzzCampaign.Settings(3, 12, null, Releases.DEFAULT,
                FuzzCampaignTest.IMAGES, out, null, Duration.ofSeconds(5), 20))
                .withVmKernels(List.of(agreesButDies, alwaysEio), 5)
                .run(new PrintWriter(new StringWriter()));

        // 12 cases in batches of 5, 5 and 2; a case whose CONFIG override the kernel was not built
        // with is not sent; the dying kernel boots again after each crash
        var tally = sum.vms().tally();
        String notSent = "not sent: CONFIG override the kernel was not built with";
        int unsent73 = tally.get("7.3-amd64").getOrDefault(notSent, 0);
        assertThat(alwaysEio.batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(12 - unsent73);
        assertThat(tally.get("7.3-amd64").values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
        int crashes61 = tally.get("6.1.0-57-amd64").get("crashed or hung");
        assertThat(crashes61).isBetween(1, 3);
        assertThat(tally.get("6.1.0-57-amd64").values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
        assertThat(tally.get("6.1.0-57-amd64")).doesNotContainKey("differs from model " + old.name());

        List<FuzzCampaign.Finding> crashes = sum.findings().stream()
                .filter(f -> f.kind() == FuzzCampaign.Kind.KERNEL_CRASH).toList();
        assertThat(crashes).hasSize(crashes61);
        assertThat(Files.readString(crashes.get(0).folder().resolve("serial.log"))).contains("Kernel panic");
        assertThat(crashes.get(0).folder().resolve("repro.sh")).exists();
        assertThat(sum.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FuzzCampaign.Kind.DIVERGENCE);
            assertThat(f.what()).contains("kernel 7.3-amd64 (VM)");
            assertThat(f.folder().getFileName().toString()).startsWith("divergence-7.3-amd64-");
        });
        assertThat(sum.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FuzzCampaign.Kind.CANDIDATE_REGRESSION);
            assertThat(f.what()).contains("6.1.0-57-amd64").contains("7.3-amd64");
        });
        assertThat(out.resolve("vm-batch")).isEmptyDirectory();
    }
    /** {@code m} with {@code log} and one more note; other outcomes (blocked, crashed) as they are. */
    static MountOutcome cut(MountOutcome m, List<String> log, String note) {
        List<String> notes = new ArrayList<>(m.notes());
        notes.add(note);
        if (m instanceof MountOutcome.Mounted x) {
            return new MountOutcome.Mounted(x.mode(), log, x.superblock(), x.superOptions(), x.statfs(), x.devices(), x.tree(),
                    notes, x.metadataCache(), x.unmount());
        }
        return m instanceof MountOutcome.Failed f ? new MountOutcome.Failed(f.errno(), f.mode(), log, notes) : m;
    }

    /**
     * Kernels whose answers lost their oldest log record (the LOG_INCOMPLETE note of a runner
     * that read past EPIPE): one agrees with its model on every field but the lost line, and is
     * counted as agreeing, with the incomplete logs counted apart; the other's surviving lines hold
     * one its model does not print, which is still a divergence naming that line.
     */
    @Test
    void aKernelLogThatLostRecordsIsComparedAsASubsequenceAndCounted() throws Exception {
        String note = org.erofssim.compare.OutcomeComparator.LOG_INCOMPLETE + "at least 1 record(s) ...";
        KernelProfile old = Releases.forRelease("6.1.0-57-amd64").orElseThrow();
        KernelProfile newer = Releases.forRelease("7.3-amd64").orElseThrow();
        StandInVm lostFirst = new StandInVm("6.1.0-57-amd64") {
            @Override
            MountOutcome answer(Case c) {
                MountOutcome m = modelOf(c, old);
                return cut(m, m.log().isEmpty() ? m.log() : m.log().subList(1, m.log().size()), note);
            }
        };
        String foreign = "erofs (device loop0): z_erofs_pcluster_readmore: readmore error at page 0 @ nid 117";
        StandInVm extraLine = new StandInVm("7.3-amd64") {
            @Override
            MountOutcome answer(Case c) {
                MountOutcome m = modelOf(c, newer);
                List<String> log = new ArrayList<>(m.log());
                log.add(foreign);
                return cut(m, log, note);
            }
        };
        FuzzCampaign.Summary sum = new FuzzCampaign(new FuzzCampaign.Settings(3, 12, null, Releases.DEFAULT,
                FuzzCampaignTest.IMAGES, out, null, Duration.ofSeconds(5), 20))
                .withVmKernels(List.of(lostFirst, extraLine), 12).withVmShrinkRounds(0)
                .run(new PrintWriter(new StringWriter()));
        var tally = sum.vms().tally();
        String notSent = "not sent: CONFIG override the kernel was not built with";
        var t61 = tally.get("6.1.0-57-amd64");
        int sent61 = 12 - t61.getOrDefault(notSent, 0);
        assertThat(t61.get("agrees with model " + old.name())).isEqualTo(sent61);
        assertThat(t61).doesNotContainKey("differs from model " + old.name());
        assertThat(t61.get(VmDifferential.LOG_INCOMPLETE_TALLY)).isBetween(1, sent61);
        var t73 = tally.get("7.3-amd64");
        assertThat(t73.get("differs from model " + newer.name())).isPositive();
        assertThat(sum.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FuzzCampaign.Kind.DIVERGENCE);
            assertThat(f.what()).contains("kernel 7.3-amd64 (VM)").contains("no such line in order").contains(foreign);
        });
        assertThat(sum.findings()).noneMatch(f -> f.what().contains("6.1.0-57-amd64 (VM)"));
    }

    @Test
    void aVmDivergenceIsShrunkInAFewBootsOfItsKernel() throws Exception {
        KernelProfile newer = Releases.forRelease("7.3-amd64").orElseThrow();
        // a kernel that refuses with EIO whatever else the case holds, as long as it asks for acl
        StandInVm eioOnAcl = new StandInVm("7.3-amd64") {
            @Override
            MountOutcome answer(Case c) {
                String o = c.scenario().options();
                return o != null && List.of(o.split(",")).contains("acl")
                        ? new MountOutcome.Failed(Errno.EIO, null, List.of(), List.of()) : modelOf(c, newer);
            }
        };
        FuzzCampaign campaign = new FuzzCampaign(new FuzzCampaign.Settings(3, 1, null, Releases.DEFAULT,
                FuzzCampaignTest.IMAGES, out, null, Duration.ofSeconds(5), 20));
        FuzzCase big = new FuzzCase(FuzzCase.BaseImage.PLAIN, FuzzCase.Source.FILE, true, List.of(),
                List.of(), false, List.of(new FuzzCase.ByteEdit(10, 0), new FuzzCase.ByteEdit(20, 0)),
                List.of("ro", "acl", "dax=never", "user_xattr"), java.util.Map.of(),
                FuzzCase.Context.NONE.withFsopen(true));
        // the differing fields as the campaign would have found them
        Path probe = out.resolve("probe");
        Files.createDirectories(probe);
        Path img = Files.write(probe.resolve("c.erofs"), big.image(campaign.base(big)));
        Path json = Files.writeString(probe.resolve("c.json"), big.scenario(Releases.DEFAULT.name(), img.toString(),
                FuzzCampaignTest.IMAGES.resolve(FuzzCampaign.BLOB).toString()).toString());
        MountOutcome model = ReleaseDiff.predict(campaign, big, newer);
        MountOutcome kernel = eioOnAcl.answer(new Case("c", json, ScenarioJson.read(json)));
        List<String> fields = org.erofssim.compare.OutcomeComparator.compare(model, kernel).stream()
                .map(org.erofssim.report.Difference::field).sorted().toList();
        assertThat(fields).isNotEmpty();

        StringWriter log = new StringWriter();
        VmShrinker shrinker = new VmShrinker(campaign, out.resolve("vm"), Files.readAllBytes(
                FuzzCampaignTest.IMAGES.resolve(FuzzCampaign.BLOB)), VmShrinker.ROUNDS);
        List<VmShrinker.Shrunk> shrunk = shrinker.shrink(eioOnAcl,
                List.of(new VmShrinker.Target(big, FuzzCampaign.Kind.DIVERGENCE, fields)), new PrintWriter(log));
        FuzzCase small = shrunk.get(0).c();
        System.out.println(log + "shrunk: " + small + "; boots " + eioOnAcl.shrinkSizes);
        assertThat(small.options()).containsExactly("acl");
        assertThat(small.bytes()).isEmpty();
        assertThat(small.context()).isEqualTo(FuzzCase.Context.NONE);
        assertThat(eioOnAcl.shrinkSizes).hasSizeBetween(1, VmShrinker.ROUNDS);
        assertThat(eioOnAcl.batchSizes).isEmpty();
        // the shrunk case's own outcomes, as its last reproducing boot gave them
        assertThat(shrunk.get(0).stated()).extracting(ReproScript.Stated::errno).containsExactly("mounted", "EIO");
        assertThat(log.toString()).contains("vm 7.3-amd64: shrinking 1 finding(s) took");
        assertThat(out.resolve("vm")).isEmptyDirectory();
    }
}
