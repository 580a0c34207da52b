package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.Source;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.ondisk.FieldEdit.Verb;
import org.erofssim.ondisk.SuperblockField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model-only differential across releases: differences explained by modelled changes are counted, the rest reported. */
class ReleaseDiffTest {
    @TempDir
    Path out;

    /** A 16-byte volume name without NUL: EUCLEAN before 6.15 ("erofs: allow 16-byte volume name again"), mounted after. */
    static final FuzzCase VOLUME_NAME = new FuzzCase(BaseImage.PLAIN, Source.FILE, true,
            List.of(SlotEdit.superblock(SuperblockField.VOLUME_NAME, Verb.ONES, 0)), List.of(), false);

    FuzzCampaign campaign() throws Exception {
        Files.createDirectories(out.resolve("work"));
        return new FuzzCampaign(new FuzzCampaign.Settings(1, 1, null, Releases.DEFAULT, FuzzCampaignTest.IMAGES, out,
                null, Duration.ofSeconds(5), 10));
    }

    @Test
    void aDifferenceOneBehaviorMakesIsExplainedByIt() throws Exception {
        KernelProfile older = Releases.linux_6_13_0_rc4();
        KernelProfile newer = older.toBuilder().release("6.13.1").with(Behavior.VOLUME_NAME_16_BYTES).build();
        ReleaseDiff d = new ReleaseDiff(List.of(older, newer));
        assertThat(d.check(campaign(), VOLUME_NAME, 0)).isNull();
        assertThat(d.counts().get("6.13.0-rc4 -> 6.13.1")).containsExactly(Map.entry("explained by VOLUME_NAME_16_BYTES", 1));
        assertThat(d.candidates()).isZero();
    }

    @Test
    void twoChangesThatOnlyTogetherMakeTheNewLogAreExplainedAsAPair() throws Exception {
        // the new log prefix and the volume-name fix: the errno is the fix's alone, the log line needs both
        KernelProfile older = Releases.linux_6_12_0();
        KernelProfile newer = older.toBuilder().release("6.12.99")
                .with(Behavior.VOLUME_NAME_16_BYTES, Behavior.DEVICE_LOG_PREFIX).build();
        ReleaseDiff d = new ReleaseDiff(List.of(older, newer));
        assertThat(d.check(campaign(), VOLUME_NAME, 0)).isNull();
        assertThat(d.counts().get("6.12.0 -> 6.12.99").keySet()).singleElement().asString()
                .startsWith("explained by").contains("DEVICE_LOG_PREFIX").contains("VOLUME_NAME_16_BYTES");
    }

    @Test
    void threeChangesThatOnlyTogetherChangeTheLogAreACandidateRegression() throws Exception {
        // a file-backed mount of an image with 1 KiB blocks and a 16-byte volume name: on 6.12.0
        // the volume name fails it; the variant gets past it (volume-name fix), past the sub-page
        // block size (the fix of CVE-2024-56750) and logs with the new prefix: no change alone
        // and no pair gives the variant's log
        FuzzCase c = new FuzzCase(BaseImage.PLAIN, Source.FILE, true,
                List.of(SlotEdit.superblock(SuperblockField.VOLUME_NAME, Verb.ONES, 0),
                        SlotEdit.superblock(SuperblockField.BLKSZBITS, Verb.SET, 10)), List.of(), false);
        KernelProfile older = Releases.linux_6_12_0();
        KernelProfile newer = older.toBuilder().release("6.12.99").with(Behavior.VOLUME_NAME_16_BYTES,
                Behavior.DEVICE_LOG_PREFIX, Behavior.FILEIO_SUBPAGE_BLOCKSIZE).build();
        ReleaseDiff d = new ReleaseDiff(List.of(older, newer));
        FuzzCampaign.Failure f = d.check(campaign(), c, 0);
        assertThat(f).isNotNull();
        assertThat(f.kind()).isEqualTo(FuzzCampaign.Kind.CANDIDATE_REGRESSION);
        assertThat(f.what()).contains("between 6.12.0 and 6.12.99", "log");
        assertThat(d.candidates()).isEqualTo(1);
        System.out.println(f.what());
    }

    @Test
    void aCampaignOnEveryPresetTalliesEveryNeighbouringPair() {
        FuzzCampaign.Settings s = new FuzzCampaign.Settings(4, 150, null, Releases.DEFAULT, FuzzCampaignTest.IMAGES, out,
                null, Duration.ofSeconds(5), 10).guided(true).differential(Releases.all());
        FuzzCampaign.Summary sum = new FuzzCampaign(s).run(new PrintWriter(new StringWriter()));
        ReleaseDiff d = sum.releases();
        assertThat(d).isNotNull();
        assertThat(d.counts()).hasSize(Releases.all().size() - 1);
        for (var e : d.counts().entrySet()) {
            int total = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
            assertThat(total).as(e.getKey()).isEqualTo(150);
        }
        // 6.12.0 -> 6.13.0-rc4 changed the log prefix of every erofs line: explained, never "same" everywhere
        assertThat(d.counts().values().stream().flatMap(m -> m.keySet().stream()))
                .anyMatch(k -> k.startsWith("explained by"));
        System.out.println("release differential, 150 cases: " + d.counts());
    }
}
