package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Releases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's comparison hints ({@link Coverage.Hint}): a case that passed a check names the field
 * and the value that flips it, and a mutant that writes that value ({@link FuzzMutator#apply})
 * reaches the branch the hint names: what the guided loop's directed mutants rely on.
 */
class CoverageHintTest {
    @TempDir
    Path out;

    @Test
    void aHintWrittenIntoTheCaseTakesTheBranchItNames() throws Exception {
        Map<FuzzCase.BaseImage, byte[]> bases = FuzzCampaignTest.bases();
        FuzzCampaign fc = new FuzzCampaign(new FuzzCampaign.Settings(3, 1, null, Releases.DEFAULT,
                FuzzCampaignTest.IMAGES, out, null, Duration.ofSeconds(5), 10));
        java.nio.file.Files.createDirectories(out.resolve("work"));
        FuzzMutator mutator = new FuzzMutator(new FuzzGenerator(3, bases));
        Map<String, int[]> perId = new TreeMap<>(); // {hints written, of which reached the id}
        for (FuzzCase.BaseImage base : FuzzCase.BaseImage.values()) {
            FuzzCase plain = new FuzzCase(base, FuzzCase.Source.FILE, true, List.of(), List.of(), true, List.of(),
                    List.of(), Map.of(), FuzzCase.Context.NONE);
            FuzzCampaign.Evaluation e = fc.evaluate(plain, false);
            for (Coverage.Hint h : e.hints()) {
                assertThat(e.ids()).as("a hint names a branch the case did not take").doesNotContain(h.id());
                FuzzCampaign.Evaluation m = fc.evaluate(mutator.apply(plain, h), false);
                int[] n = perId.computeIfAbsent(h.id(), k -> new int[2]);
                n[0]++;
                if (m.ids().contains(h.id())) {
                    n[1]++;
                }
            }
        }
        StringBuilder b = new StringBuilder("hints of the unedited bases, written back (id: written, reached):\n");
        perId.forEach((id, n) -> b.append("  ").append(id).append(": ").append(n[0]).append(", ").append(n[1])
                .append('\n'));
        System.out.print(b);
        // the branches behind two record edits at once, which one hint takes from an unedited base
        for (String id : List.of("z_erofs_load_full_lcluster:cblkcnt-without-big-pcluster",
                "z_erofs_load_compact_lcluster:unsupported-unit",
                "z_erofs_fill_inode_lazy:big-pcluster-heads-inconsistent",
                "z_erofs_load_full_lcluster:clusterofs-beyond",
                "erofs_read_superblock:metabox-nid-bit63")) {
            assertThat(perId).as(b.toString()).containsKey(id);
            assertThat(perId.get(id)[1]).as(id + "\n" + b).isPositive();
        }
        // most hints do what they say (some are refused by an earlier check of the mutant's read)
        int written = perId.values().stream().mapToInt(n -> n[0]).sum();
        int reached = perId.values().stream().mapToInt(n -> n[1]).sum();
        assertThat(reached * 2).as(b.toString()).isGreaterThan(written);
    }

    @Test
    void noRecorderNoHints() {
        Coverage.Recorder rec = new Coverage.Recorder();
        Coverage.hint("x:y", 10, 2, 1); // outside a recording: nothing
        Coverage.record(rec, () -> {
            Coverage.hint("x:y", 10, 2, 1);
            Coverage.hint("x:y", 10, 2, 1); // the same hint once
            Coverage.hintOption("x:z", "dax=always");
            return null;
        });
        assertThat(rec.hints()).containsExactly(new Coverage.Hint("x:y", 10, 2, 1, null),
                new Coverage.Hint("x:z", 0, 0, 0, "dax=always"));
        StringWriter sw = new StringWriter();
        new PrintWriter(sw).print(rec.hints());
        assertThat(sw.toString()).contains("dax=always");
    }
}
