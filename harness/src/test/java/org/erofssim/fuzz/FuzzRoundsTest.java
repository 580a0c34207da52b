package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.kernel.Releases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model-only campaigns evaluate their cases a round at a time on worker threads (issue 12):
 * what a campaign reports must not depend on the number of threads, and a blind campaign must
 * evaluate exactly the cases, with exactly the outcomes, of one case at a time.
 */
class FuzzRoundsTest {
    static final Path IMAGES = FuzzCampaignTest.IMAGES;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    private FuzzCampaign.Settings settings(long seed, int cases, boolean guided, String dir) {
        return new FuzzCampaign.Settings(seed, cases, null, Releases.DEFAULT, IMAGES, out.resolve(dir), null,
                Duration.ofSeconds(30), 40).guided(guided);
    }

    /** Everything a summary reports but its clock, comparable with equals. */
    private static List<Object> report(FuzzCampaign.Summary s) {
        List<Object> r = new ArrayList<>();
        r.add(s.cases());
        r.add(s.refused());
        for (FuzzCampaign.Finding f : s.findings()) {
            r.add(f.kind() + " " + f.what() + " " + f.original() + " -> " + f.shrunk() + " " + f.folder().getFileName());
        }
        r.add(new ArrayList<>(s.coverage().firstCase().entrySet())); // in the order reached
        r.add(s.coverage().growth().stream().map(java.util.Arrays::toString).toList());
        r.add(s.coverage().corpus());
        r.add(s.statistics().toJson(JSON).toString());
        return r;
    }

    @Test
    void aGuidedCampaignReportsTheSameOnOneThreadAndOnThree() {
        // 700 cases: rounds of 1, 2, 4 and 8 (roundAt); the corpus steers draws between rounds
        FuzzCampaign.Summary one = new FuzzCampaign(settings(23, 700, true, "one")).withJobs(1)
                .run(new PrintWriter(new StringWriter()));
        FuzzCampaign.Summary three = new FuzzCampaign(settings(23, 700, true, "three")).withJobs(3)
                .run(new PrintWriter(new StringWriter()));
        assertThat(one.cases()).isEqualTo(700);
        assertThat(one.coverage().corpus()).isPositive();
        assertThat(one.coverage().firstCase()).hasSizeGreaterThan(30);
        assertThat(report(three)).isEqualTo(report(one));
    }

    @Test
    void thePerCaseCpuFileListsEveryCaseInOrderAndChangesNothing() throws Exception {
        Path file = out.resolve("case-cpu.txt");
        FuzzCampaign.Summary with;
        System.setProperty("erofssim.fuzzCaseCpu", file.toString());
        try {
            with = new FuzzCampaign(settings(41, 200, true, "with")).withJobs(2).run(new PrintWriter(new StringWriter()));
        } finally {
            System.clearProperty("erofssim.fuzzCaseCpu");
        }
        FuzzCampaign.Summary without = new FuzzCampaign(settings(41, 200, true, "without")).withJobs(2)
                .run(new PrintWriter(new StringWriter()));
        assertThat(report(with)).isEqualTo(report(without));
        List<String> lines = java.nio.file.Files.readAllLines(file);
        assertThat(lines).hasSize(200);
        long cpu = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            assertThat(f).as(lines.get(i)).hasSize(7);
            assertThat(Integer.parseInt(f[0])).isEqualTo(i);
            assertThat(FuzzCase.BaseImage.valueOf(f[2])).isNotNull();
            assertThat(f[4]).isIn("mounted", "failed", "blocked", "crashed", "MODEL_ERROR", "MODEL_HANG", "NONDETERMINISTIC");
            cpu += Long.parseLong(f[1]);
        }
        assertThat(cpu).as("CPU microseconds of 200 cases").isPositive();
    }

    @Test
    void aBlindCampaignOnThreeThreadsEvaluatesTheCasesOfOneAtATime() throws Exception {
        int cases = 300;
        FuzzCampaign.Summary rounds = new FuzzCampaign(settings(31, cases, false, "rounds")).withJobs(3)
                .run(new PrintWriter(new StringWriter()));
        // the same seed's cases, drawn and evaluated one at a time on the campaign's model thread
        FuzzCampaign single = new FuzzCampaign(settings(31, cases, false, "single"));
        FuzzGenerator gen = new FuzzGenerator(31, FuzzCampaignTest.bases());
        Map<String, Integer> firstCase = new LinkedHashMap<>();
        CampaignStatistics stats = new CampaignStatistics();
        CaseStatistics.expectations(stats);
        for (int i = 0; i < cases; i++) {
            FuzzCase c = gen.next();
            FuzzCampaign.Evaluation e = single.evaluate(c, (i & 31) == 0);
            assertThat(e.failure()).as("case %d", i).isNull();
            for (String id : e.ids()) {
                firstCase.putIfAbsent(id, i);
            }
            CaseStatistics.collect(stats, c, e, false);
        }
        assertThat(rounds.findings()).isEmpty();
        assertThat(new ArrayList<>(rounds.coverage().firstCase().entrySet()))
                .isEqualTo(new ArrayList<>(firstCase.entrySet()));
        assertThat(rounds.statistics().toJson(JSON).toString()).isEqualTo(stats.toJson(JSON).toString());
    }

    @Test
    void theShardsOfAModelOnlyCampaignTogetherReachWhatOneRunReaches() {
        int cases = 200;
        FuzzCampaign.Summary whole = new FuzzCampaign(settings(41, cases, false, "whole")).withJobs(2)
                .run(new PrintWriter(new StringWriter()));
        Map<String, Integer> union = new java.util.TreeMap<>();
        int evaluated = 0;
        for (int k = 1; k <= 3; k++) {
            FuzzCampaign.Summary part = new FuzzCampaign(settings(41, cases, false, "shard" + k).sharded(k, 3))
                    .withJobs(2).run(new PrintWriter(new StringWriter()));
            evaluated += part.cases();
            part.coverage().firstCase().forEach((id, i) -> union.merge(id, i, Math::min));
        }
        assertThat(evaluated).isEqualTo(cases);
        assertThat(union).isEqualTo(new java.util.TreeMap<>(whole.coverage().firstCase())).isNotEmpty();
    }
}
