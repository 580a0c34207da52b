package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coverage-guided loop: deterministic per seed, ahead of a blind campaign of the same budget by several ids on each of three seeds, and its in-memory scenarios equal the written ones. */
class GuidedFuzzTest {
    static final Path IMAGES = FuzzCampaignTest.IMAGES;

    @TempDir
    Path out;

    FuzzCampaign.Summary run(long seed, int cases, boolean guided, Path dir) {
        FuzzCampaign.Settings s = new FuzzCampaign.Settings(seed, cases, null, Releases.DEFAULT, IMAGES, dir, null,
                Duration.ofSeconds(5), 40).guided(guided);
        return new FuzzCampaign(s).run(new PrintWriter(new StringWriter()));
    }

    @Test
    void theSameSeedReachesTheSameIdsInTheSameCases() {
        FuzzCampaign.Summary a = run(11, 600, true, out.resolve("a"));
        FuzzCampaign.Summary b = run(11, 600, true, out.resolve("b"));
        assertThat(a.coverage().firstCase()).isEqualTo(b.coverage().firstCase());
        assertThat(a.coverage().corpus()).isEqualTo(b.coverage().corpus()).isPositive();
        assertThat(a.coverage().firstCase().keySet()).isSubsetOf(Coverage.knownIds().keySet());
    }

    @Test
    void guidedAndBlindCampaignsOfTheSameSeedsAndBudgetAreComparedSideBySide() {
        // three fixed seeds, each asserted with a margin: the model's comparison hints (CmpLog from
        // the model: CoverageHintTest) and the directed scheduler put guided ahead by 7 to 13 ids at
        // 3,000 cases (session 8: 98:86, 102:89, 98:91); before the hints the margins were 0 to 6
        // (session 7: 92:86, 95:89, 92:91) and one unrelated model change could flip a seed, so the
        // claim was printed, not asserted. The 100,000-case figures are in
        // docs/findings/fuzz-campaigns.md
        int guidedIds = 0;
        int blindIds = 0;
        FuzzCampaign.Summary guided = null;
        FuzzCampaign.Summary blind = null;
        StringBuilder figures = new StringBuilder();
        for (long seed : new long[] {1, 2, 3}) {
            guided = run(seed, 3000, true, out.resolve("g" + seed));
            blind = run(seed, 3000, false, out.resolve("b" + seed));
            String line = "seed " + seed + ", 3000 cases: guided " + guided.coverage().firstCase().size()
                    + " ids, blind " + blind.coverage().firstCase().size();
            System.out.println(line);
            figures.append(line).append('\n');
            guidedIds += guided.coverage().firstCase().size();
            blindIds += blind.coverage().firstCase().size();
            assertThat(guided.coverage().firstCase().size()).as(figures.toString())
                    .isGreaterThanOrEqualTo(blind.coverage().firstCase().size() + 4);
            // the model hangs still open (docs/findings/fuzz-campaigns.md: 48bit-zstd, lzma,
            // fragments) are the only findings: a directed campaign meets them sooner
            assertThat(guided.findings()).extracting(FuzzCampaign.Finding::kind)
                    .allMatch(k -> k == FuzzCampaign.Kind.MODEL_HANG);
            assertThat(blind.findings()).extracting(FuzzCampaign.Finding::kind)
                    .allMatch(k -> k == FuzzCampaign.Kind.MODEL_HANG);
        }
        System.out.println("seeds 1-3, 3000 cases each: guided " + guidedIds + " ids, blind " + blindIds);
        assertThat(guidedIds).isGreaterThanOrEqualTo(blindIds + 20);
        assertThat(blind.coverage().corpus()).isZero();
        // the growth log ends at the final count
        List<long[]> g = guided.coverage().growth();
        assertThat(g.get(g.size() - 1)[1]).isEqualTo(guided.coverage().firstCase().size());
        // an id listed as unreachable on the profile is never reached (the list is right), and
        // the never-reached list is the rest of the known ids
        assertThat(guided.coverage().unreachable()).isNotEmpty();
        assertThat(guided.coverage().firstCase().keySet()).doesNotContainAnyElementsOf(guided.coverage().unreachable().keySet());
        assertThat(blind.coverage().firstCase().keySet()).doesNotContainAnyElementsOf(blind.coverage().unreachable().keySet());
        assertThat(guided.coverage().neverReached()).hasSize(Coverage.knownIds().size()
                - guided.coverage().unreachable().size() - guided.coverage().firstCase().size());
    }

    @Test
    void anInMemoryScenarioPredictsAsTheWrittenOne() throws Exception {
        FuzzCampaign fc = new FuzzCampaign(new FuzzCampaign.Settings(5, 1, null, Releases.DEFAULT, IMAGES, out, null,
                Duration.ofSeconds(5), 10));
        FuzzGenerator gen = new FuzzGenerator(99, FuzzCampaignTest.bases());
        java.nio.file.Files.createDirectories(out.resolve("work"));
        int compared = 0;
        for (int i = 0; i < 120; i++) {
            FuzzCase c = gen.next();
            Path img = out.resolve("case.erofs");
            java.nio.file.Files.write(img, c.image(FuzzCampaignTest.bases().get(c.base())));
            var written = ScenarioJson.read(c.scenario(Releases.DEFAULT.name(), img.toString(),
                    IMAGES.resolve(FuzzCampaign.BLOB).toString()).toString(), out, "fuzz");
            var inMemory = fc.scenarioInMemory(c, Releases.DEFAULT);
            assertThat(OutcomeJson.write(MountModel.predict(inMemory))).as(c.toString())
                    .isEqualTo(OutcomeJson.write(MountModel.predict(written)));
            compared++;
        }
        assertThat(compared).isEqualTo(120);
    }

    @Test
    void mutantsStayDeterministicAndVaryEveryDimension() throws Exception {
        Map<FuzzCase.BaseImage, byte[]> bases = FuzzCampaignTest.bases();
        FuzzGenerator g1 = new FuzzGenerator(8, bases);
        FuzzGenerator g2 = new FuzzGenerator(8, bases);
        FuzzMutator m1 = new FuzzMutator(g1);
        FuzzMutator m2 = new FuzzMutator(g2);
        FuzzCase c1 = g1.next();
        FuzzCase c2 = g2.next();
        CampaignStatistics st = new CampaignStatistics();
        for (int i = 0; i < 400; i++) {
            FuzzCase n1 = m1.mutate(c1, c1);
            FuzzCase n2 = m2.mutate(c2, c2);
            assertThat(n1).isEqualTo(n2);
            st.collect("dimension", n1.edits().equals(c1.edits()) ? "edits kept" : "edits changed");
            st.collect("dimension", n1.bytes().equals(c1.bytes()) ? "bytes kept" : "bytes changed");
            st.collect("dimension", n1.options().equals(c1.options()) ? "options kept" : "options changed");
            st.collect("dimension", n1.config().equals(c1.config()) ? "config kept" : "config changed");
            st.collect("dimension", n1.devices().equals(c1.devices()) ? "devices kept" : "devices changed");
            st.collect("dimension", n1.source() == c1.source() ? "source kept" : "source changed");
            st.collect("dimension", n1.fixChecksum() == c1.fixChecksum() ? "checksum kept" : "checksum changed");
            c1 = n1;
            c2 = n2;
        }
        for (String d : List.of("edits", "bytes", "options", "config", "devices", "source", "checksum")) {
            assertThat(st.count("dimension", d + " changed")).as(d).isPositive();
        }
    }
    @Test
    void mutantsStackRecordEditsNextToTheOnesTheirParentMade() throws Exception {
        Map<FuzzCase.BaseImage, byte[]> bases = FuzzCampaignTest.bases();
        FuzzGenerator g = new FuzzGenerator(21, bases);
        CampaignStatistics st = new CampaignStatistics();
        for (FuzzCase.BaseImage base : List.of(FuzzCase.BaseImage.LZ4, FuzzCase.BaseImage.PLAIN, FuzzCase.BaseImage.CHUNKED)) {
            List<FuzzCase.ByteEdit> first = g.recordEdit(base);
            int at = first.get(0).offset();
            java.util.Set<Integer> offsets = new java.util.TreeSet<>();
            for (int i = 0; i < 200; i++) {
                List<FuzzCase.ByteEdit> near = g.nearRecordEdit(base, first, 64);
                // a field within 64 bytes of the parent's edit (a field is at most 8 bytes wide)
                assertThat(near).allSatisfy(b -> assertThat(Math.abs(b.offset() - at)).isLessThanOrEqualTo(64 + 8));
                near.forEach(b -> offsets.add(b.offset()));
            }
            st.collect("distinct offsets near the edit of " + base, Integer.toString(offsets.size()));
            assertThat(offsets).as(base.toString()).hasSizeGreaterThan(1);
        }
        // a mutant keeps its parent's byte edits and adds to them: over a chain of mutants the
        // edited bytes accumulate up to the cap instead of staying at one field's width
        FuzzMutator m = new FuzzMutator(g);
        FuzzCase c = new FuzzCase(FuzzCase.BaseImage.LZ4, FuzzCase.Source.FILE, true, List.of(), List.of(), true,
                g.recordEdit(FuzzCase.BaseImage.LZ4), List.of(), Map.of(), FuzzCase.Context.NONE);
        int stacked = 0;
        for (int i = 0; i < 300; i++) {
            FuzzCase n = m.mutate(c, null);
            if (n.base() == c.base() && n.bytes().size() > c.bytes().size() && n.bytes().containsAll(c.bytes())) {
                stacked++;
            }
        }
        int most = 0;
        for (int i = 0; i < 300; i++) {
            FuzzCase n = m.mutate(c, null);
            most = Math.max(most, n.bytes().size());
            c = n.base() == FuzzCase.BaseImage.LZ4 ? n : c;
        }
        java.io.StringWriter sw = new java.io.StringWriter();
        st.print(new PrintWriter(sw));
        System.out.println(sw + "mutants that kept every edited byte of their parent and added more: "
                + stacked + " of 300; most edited bytes in one case: " + most);
        assertThat(stacked).isGreaterThan(60);
        assertThat(most).isGreaterThan(16).isLessThanOrEqualTo(FuzzMutator.MAX_BYTES);
    }
}
