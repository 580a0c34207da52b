package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.fuzz.FuzzCase.Source;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.sb.Mode;
import org.erofssim.sb.Mode;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FieldEdit.Verb;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.testkit.Checkout;
import org.erofssim.reference.Case;
import org.erofssim.reference.Comparison;
import org.erofssim.reference.Identity;
import org.erofssim.reference.Observation;
import org.erofssim.reference.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuzzCampaignTest {
    static final Path IMAGES = root().resolve("fixtures/images");

    @TempDir
    Path out;

    static Path root() {
        return Checkout.root();
    }

    static Map<BaseImage, byte[]> bases() throws Exception {
        Map<BaseImage, byte[]> m = new EnumMap<>(BaseImage.class);
        for (BaseImage b : BaseImage.values()) {
            m.put(b, Files.readAllBytes(IMAGES.resolve(b.path())));
        }
        return m;
    }

    FuzzCampaign campaign(Reference kernel, int cases) {
        return new FuzzCampaign(new FuzzCampaign.Settings(5, cases, null, Releases.DEFAULT, IMAGES, out, kernel,
                Duration.ofSeconds(5), 80));
    }

    /**
     * A stand-in kernel that agrees with the model except on images whose slot 0 claims 7
     * blocks, where it fails the mount with EIO: a planted divergence of one field.
     */
    static final class PlantedDivergence extends StandIn {
        int observed;

        @Override MountOutcome outcome(Scenario s) {
            observed++;
            MountOutcome model = MountModel.predict(s);
            byte[] image = new byte[4096];
            var n = s.namespace().nodes().get(s.source());
            var bytes = n instanceof org.erofssim.block.Node.RegularFile f ? f.bytes()
                    : ((org.erofssim.block.Node.BlockDevice) n).bytes();
            bytes.read(0, image, 0, image.length);
            boolean planted = ImageEditor.of(image).get(SuperblockField.EXTRA_DEVICES) > 0
                    && ImageEditor.of(image).slot(0).blocksLo() == 7;
            return planted ? new MountOutcome.Failed(Errno.EIO, Mode.FILEIO, List.of(), List.of()) : model;
        }
    }

    /** A stand-in kernel reference: no refusals, whole outcomes compared as a kernel's, on the newest profile. */
    abstract static class StandIn implements Reference {
        abstract MountOutcome outcome(Scenario s);

        @Override public Identity identity() {
            return new Identity(Identity.Kind.LIVE, "stand-in");
        }

        @Override public Comparison comparison() {
            return Comparison.KERNEL_OUTCOME;
        }

        @Override public Optional<KernelProfile> profile(Scenario s) {
            return Optional.of(Releases.DEFAULT);
        }

        @Override public Optional<String> refuses(Case c) {
            return Optional.empty();
        }

        @Override public Observation observe(Case c) {
            MountOutcome o = outcome(c.scenario());
            return new Observation.Observed(o, OutcomeJson.write(o), List.of());
        }
    }

    @Test
    void theSameSeedDrawsTheSameCasesAndAnotherSeedOthers() throws Exception {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        List<String> c = new ArrayList<>();
        FuzzGenerator g1 = new FuzzGenerator(42, bases());
        FuzzGenerator g2 = new FuzzGenerator(42, bases());
        FuzzGenerator g3 = new FuzzGenerator(43, bases());
        for (int i = 0; i < 50; i++) {
            a.add(g1.next().toString());
            b.add(g2.next().toString());
            c.add(g3.next().toString());
        }
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void aDivergingCaseShrinksToItsOneEditAndIsWrittenAsAReplayableScenario() throws Exception {
        FuzzCase big = new FuzzCase(BaseImage.MULTIDEV, Source.FILE, true, List.of(
                SlotEdit.slot(0, DeviceSlotField.UNIADDR_HI, Verb.SET, 0),
                SlotEdit.slot(0, DeviceSlotField.BLOCKS_LO, Verb.SET, 7),
                SlotEdit.slot(1, DeviceSlotField.TAG, Verb.ONES, 0),
                SlotEdit.superblock(SuperblockField.DEVT_SLOTOFF, Verb.ADD, 0)),
                List.of(DeviceArg.BLOB_BDEV, DeviceArg.DIR), true);
        PlantedDivergence kernel = new PlantedDivergence();
        FuzzCampaign fc = campaign(kernel, 1);
        Files.createDirectories(out.resolve("work"));
        FuzzCampaign.Evaluation e = fc.evaluate(big);
        assertThat(e.failure()).isNotNull();
        assertThat(e.failure().kind()).isEqualTo(FuzzCampaign.Kind.DIVERGENCE);

        FuzzCase small = fc.shrink(big, FuzzCampaign.Kind.DIVERGENCE);
        assertThat(small.edits()).containsExactly(SlotEdit.slot(0, DeviceSlotField.BLOCKS_LO, Verb.SET, 7));
        assertThat(small.devices()).isEmpty();
        assertThat(small.read()).isFalse();
        assertThat(fc.evaluate(small).failure().kind()).isEqualTo(FuzzCampaign.Kind.DIVERGENCE);
    }

    @Test
    void aCampaignWritesEachFindingAsAScenarioFolderThatLoads() throws Exception {
        // every case is observed as a failed mount: the first one diverges (or the model also fails with EIO)
        Reference alwaysEio = new StandIn() {
            @Override MountOutcome outcome(Scenario s) {
                return new MountOutcome.Failed(Errno.EIO, Mode.FILEIO, List.of("erofs: planted"), List.of());
            }
        };
        StringWriter progress = new StringWriter();
        FuzzCampaign.Summary sum = campaign(alwaysEio, 3).run(new PrintWriter(progress));
        assertThat(sum.findings()).isNotEmpty();
        for (FuzzCampaign.Finding f : sum.findings()) {
            assertThat(f.kind()).isEqualTo(FuzzCampaign.Kind.DIVERGENCE);
            Path scenario = f.folder().resolve("scenario.json");
            assertThat(f.folder().resolve("image.erofs")).isRegularFile();
            assertThat(f.folder().resolve("blob.img")).isRegularFile();
            assertThat(f.folder().resolve("repro.sh")).isRegularFile().content()
                    .contains("# observed (kernel", "EIO", "mount(2)");
            Scenario s = ScenarioJson.read(scenario);
            assertThat(s.source()).isIn("/srv/image.erofs", "/dev/loop0");
            assertThat(Files.readString(scenario)).contains("\"comment\"", "DIVERGENCE");
        }
        assertThat(progress.toString()).contains("finding DIVERGENCE");
        assertThat(out.resolve("work")).doesNotExist();
        assertThat(out.resolve("in-flight")).doesNotExist();
    }

    @Test
    void theShardsOfACampaignTogetherFindWhatOneRunFinds() throws Exception {
        // the stand-in kernel fails every mount with EIO: every case the model mounts diverges
        Reference alwaysEio = new StandIn() {
            @Override MountOutcome outcome(Scenario s) {
                return new MountOutcome.Failed(Errno.EIO, Mode.FILEIO, List.of("erofs: planted"), List.of());
            }
        };
        int cases = 7;
        FuzzCampaign.Summary whole = new FuzzCampaign(new FuzzCampaign.Settings(11, cases, null, Releases.DEFAULT, IMAGES,
                out.resolve("whole"), alwaysEio, Duration.ofSeconds(5), 20)).run(new PrintWriter(new StringWriter()));
        List<String> one = new ArrayList<>();
        whole.findings().forEach(f -> one.add(f.folder().getFileName() + " " + f.original()));
        List<String> sharded = new ArrayList<>();
        int evaluated = 0;
        for (int k = 1; k <= 3; k++) {
            FuzzCampaign.Summary part = new FuzzCampaign(new FuzzCampaign.Settings(11, cases, null, Releases.DEFAULT,
                    IMAGES, out.resolve("shard" + k), alwaysEio, Duration.ofSeconds(5), 20).sharded(k, 3))
                    .run(new PrintWriter(new StringWriter()));
            evaluated += part.cases();
            assertThat(part.cases()).isEqualTo(k == 1 ? 3 : 2); // cases 0,3,6 / 1,4 / 2,5
            part.findings().forEach(f -> sharded.add(f.folder().getFileName() + " " + f.original()));
        }
        assertThat(evaluated).isEqualTo(cases);
        assertThat(whole.findings()).isNotEmpty();
        assertThat(sharded).containsExactlyInAnyOrderElementsOf(one);
        assertThatThrownBy(() -> new FuzzCampaign.Settings(1, 1, null, Releases.DEFAULT, IMAGES, out, null,
                Duration.ofSeconds(5), 20).sharded(4, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FuzzCampaign.Settings(1, 1, null, Releases.DEFAULT, IMAGES, out, null,
                Duration.ofSeconds(5), 20).guided(true).sharded(1, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCaseLeftInFlightByAStoppedCampaignBecomesAFindingOfTheNext() throws Exception {
        Path inFlight = Files.createDirectories(out.resolve("in-flight"));
        Files.writeString(inFlight.resolve("scenario.json"), "{\"version\": 1}\n");
        FuzzCampaign.Summary sum = campaign(null, 1).run(new PrintWriter(new StringWriter()));
        assertThat(sum.findings()).hasSize(1);
        assertThat(sum.findings().get(0).kind()).isEqualTo(FuzzCampaign.Kind.INTERRUPTED);
        assertThat(sum.findings().get(0).folder().resolve("scenario.json")).isRegularFile();
        assertThat(inFlight).doesNotExist();
    }

    @Test
    void modelAloneCountsEveryCaseAndReachesTheExpectedClasses() {
        FuzzCampaign.Summary sum = campaign(null, 400).run(new PrintWriter(new StringWriter()));
        assertThat(sum.cases()).isEqualTo(400);
        assertThat(sum.findings()).as("model errors, hangs or nondeterminism").isEmpty();
        CampaignStatistics s = sum.statistics();
        assertThat(s.count("result", "ok")).isEqualTo(400);
        // every slot field, verb, base and device kind was drawn; mounts and failures both happen
        assertThat(s.unreached()).allMatch(u -> u.startsWith("model outcome"));
        assertThat(s.count("model outcome", "mounted")).isPositive();
        assertThat(s.count("model outcome", "EINVAL")).isPositive();
    }

    @Test
    void aCampaignWhoseBudgetIsGoneBeforeItsFirstCaseStillRunsItsFirstRound() {
        // a set-up slower than --max-time (a loaded machine) once ended the campaign with no case at all
        FuzzCampaign.Summary s = new FuzzCampaign(new FuzzCampaign.Settings(5, 100_000, Duration.ZERO, Releases.DEFAULT,
                IMAGES, out, null, Duration.ofSeconds(5), 80)).run(new PrintWriter(new StringWriter()));
        assertThat(s.cases()).isEqualTo(FuzzRounds.roundAt(new FuzzCampaign.Settings(5, 100_000, Duration.ZERO,
                Releases.DEFAULT, IMAGES, out, null, Duration.ofSeconds(5), 80), 0));
    }
}
