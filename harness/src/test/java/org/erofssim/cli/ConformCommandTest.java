package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.mount.MountModel;
import org.erofssim.reference.Recordings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conform} against the spec ({@code expect}) and against recorded kernel observations:
 * no root needed. Temporary corpora live in {@code <tmp>/scenarios} so that their default
 * recordings folder is {@code <tmp>/recorded}.
 */
class ConformCommandTest {
    /** The kernel's answer to a mount without source, as spec §9 row 14 states it. */
    private static final String NO_SOURCE_OUTCOME = "{\"version\":1,\"outcome\":\"failed\",\"errno\":\"EINVAL\","
            + "\"mode\":null,\"log\":[\"No source specified\"],\"superblock\":null,\"superOptions\":null,"
            + "\"statfs\":null,\"devices\":null,\"tree\":null}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path dir;
    Path out;

    @BeforeEach
    void dirs() throws IOException {
        dir = Files.createDirectories(tmp.resolve("scenarios"));
        out = tmp.resolve("report");
    }

    private void write(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, json);
    }

    /** An empty-namespace scenario with no source (spec §9 row 14: EINVAL, "No source specified") plus an expect. */
    private static String noSource(String expect) {
        return "{\"version\": 1, \"kernel\": \"6.18\", \"nodes\": {}, \"expect\": " + expect + "}";
    }

    /** Writes a recording of {@code name} on {@code release} in the format record writes, with the given outcome. */
    private void record(String release, String name, String outcomeJson, String inputsSha256) throws IOException {
        ObjectNode h = JSON.createObjectNode().put("kernel", release).put("date", "2026-01-01T00:00:00Z")
                .put("erofsSim", "test").put("scenario", name + ".json")
                .put("inputsSha256", inputsSha256 != null ? inputsSha256
                        : Recordings.inputsSha256(dir.resolve(name + ".json")));
        Path f = tmp.resolve("recorded").resolve(release).resolve(name + ".json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, Recordings.format(h, (ObjectNode) JSON.readTree(outcomeJson)));
    }

    private Cli.Result conform(String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "conform";
        args[1] = "--corpus";
        args[2] = dir.toString();
        args[3] = "--report=" + out;
        System.arraycopy(more, 0, args, 4, more.length);
        return Cli.run(args);
    }

    /**
     * {@code conform --live} where the kernel oracle cannot run (not root, no erofs): one line and
     * exit 77, never exit 0 having checked nothing (issue 11 item 7). Where the oracle can run
     * (root), RecordCommandTest runs {@code conform --live} for real (a live test, in mvn verify). In
     * Surefire's test phase the live oracles are switched off ({@code -Derofssim.live=off}), so this
     * case runs there even as root; elsewhere, where the oracle can run, it skips, saying so.
     */
    @Test
    void conformLiveWithoutTheOracleExits77WithOneLine() {
        String why = org.erofssim.oracle.LiveKernelOracle.unavailableReason();
        if (why == null) {
            System.out.println("SKIPPED: the live oracle can run here (root); conform --live without it is "
                    + "checked by a non-root run of the tests");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why != null, "the live oracle can run here");
        Cli.Result r = Cli.run("conform", "--live", "--report", out.toString()); // the bundled corpus
        assertThat(r.exit()).as(r.err()).isEqualTo(77);
        assertThat(r.err().strip()).isEqualTo("erofs-sim conform: --live: kernel oracle unavailable: " + why);
        assertThat(r.out()).doesNotContain("report:");
    }

    /** The bundled corpus: every expectation met, and the model agrees with every bundled recording. */
    @Test
    void bundledCorpusConformsToTheSpecAndToTheRecordings() throws IOException {
        Cli.Result r = Cli.run("conform", "--report", out.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Path corpus = Cli.root().resolve("fixtures/scenarios");
        List<String> names;
        try (Stream<Path> s = Files.walk(corpus)) {
            names = s.filter(p -> p.toString().endsWith(".json")).map(p -> corpus.relativize(p).toString())
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(50);
        List<String> mainReleases = Recordings.releases(Cli.root().resolve("fixtures/recorded"));
        assertThat(mainReleases).as("recorded kernel observations in fixtures/recorded").isNotEmpty();
        // the host-recorded corpora (Corpus.EXTRA: modern, readpattern, mount-api, fuzz-found) are part of the
        // default run, each recorded on its own kernel build and shown under its folder's name
        java.util.Map<String, List<String>> extraNames = new java.util.LinkedHashMap<>();
        java.util.Map<String, List<String>> extraReleases = new java.util.LinkedHashMap<>();
        java.util.TreeSet<String> all = new java.util.TreeSet<>(mainReleases);
        for (String extra : Corpus.EXTRA) {
            Path dir = Cli.root().resolve(extra);
            String prefix = Path.of(extra).getParent().getFileName().toString();
            try (Stream<Path> s = Files.walk(dir)) {
                extraNames.put(prefix, s.filter(p -> p.toString().endsWith(".json")).map(p -> dir.relativize(p).toString())
                        .map(n -> n.substring(0, n.length() - 5)).sorted().toList());
            }
            assertThat(extraNames.get(prefix)).as(extra).isNotEmpty();
            extraReleases.put(prefix, Recordings.releases(dir.resolveSibling("recorded")));
            all.addAll(extraReleases.get(prefix));
        }
        assertThat(extraNames.get("modern")).hasSizeGreaterThanOrEqualTo(12);
        List<String> releases = List.copyOf(all);
        // one row per file: spec pass (or no expect), then agree (or refused) for every release that recorded
        // its corpus, n/a for a release that recorded only another corpus
        StringBuilder mainCells = new StringBuilder();
        for (String rel : releases) {
            mainCells.append(mainReleases.contains(rel) ? " +(agree|refused)" : " +n/a");
        }
        for (String n : names) {
            assertThat(r.out()).containsPattern("(?m)^" + Pattern.quote(n) + " +\\S+ +\\S+ +\\S+ +(pass|no expect)"
                    + mainCells + "$");
        }
        int total = names.size();
        for (var e : extraNames.entrySet()) {
            StringBuilder cells = new StringBuilder();
            for (String rel : releases) {
                cells.append(extraReleases.get(e.getKey()).contains(rel) ? " +(agree|refused)" : " +n/a");
            }
            for (String n : e.getValue()) {
                assertThat(r.out()).containsPattern("(?m)^" + Pattern.quote(e.getKey() + "/" + n)
                        + " +\\S+ +\\S+ +\\S+ +(pass|no expect)" + cells + "$");
            }
            total += e.getValue().size();
        }
        assertThat(r.out()).doesNotContain("FAIL").doesNotContain("DIVERGE").doesNotContain("NOTE")
                .contains(total + " scenarios in ").contains(" 0 fail, ");
        for (String rel : releases) {
            assertThat(r.out()).containsPattern("recorded " + Pattern.quote(rel)
                    + " \\(model profile [0-9a-z.-]+\\): [0-9]+ agree, 0 diverge, [0-9]+ refused, 0 stale, 0 not recorded");
        }
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.path("summary").path("diverge").asInt()).isZero();
        assertThat(report.path("cases").get(0).path("checks").size()).isEqualTo(1 + releases.size());
        // report.json validates against the published schema (a kept validator, draft 2020-12)
        com.networknt.schema.Schema schema = com.networknt.schema.SchemaRegistry
                .withDefaultDialect(com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.readTree(Cli.root().resolve("docs/spec/report.schema.json").toFile()));
        assertThat(schema.validate(report)).isEmpty();
        assertThat(report.path("corpus").asText()).doesNotStartWith("/");
        // report.html: under 1 MB for the bundled corpus, the matrix with a column per recorded release
        Path html = out.resolve("report.html");
        assertThat(Files.size(html)).isLessThan(1_000_000);
        String page = Files.readString(html);
        assertThat(page).contains("<table id=matrix>").doesNotContain("href=\"/").doesNotContain("href=\"file:");
        String matrixHead = page.substring(page.indexOf("<table id=matrix>"), page.indexOf("</tr>", page.indexOf("<table id=matrix>")));
        for (String rel : releases) {
            assertThat(matrixHead).contains("<th>" + rel + "</th>");
            assertThat(page).contains("<th>recorded " + rel + "</th>");
        }
        assertThat(page).contains(total + " scenarios: ");
        // a release that recorded only the other corpus: n/a there, never counted as missing
        assertThat(page).contains(" n/a (not in a corpus recorded on this release)");
        for (JsonNode by : report.path("summary").path("byReference")) {
            if (by.path("reference").path("kind").asText().equals("recorded")) {
                String rel = by.path("reference").path("release").asText();
                int notApplicable = mainReleases.contains(rel) ? 0 : names.size();
                for (var e : extraNames.entrySet()) {
                    notApplicable += extraReleases.get(e.getKey()).contains(rel) ? 0 : e.getValue().size();
                }
                assertThat(by.path("notApplicable").asInt()).as(rel).isEqualTo(notApplicable);
            }
        }
        assertThat(page).contains("id=findings").contains("docs/findings/xattr-prefixes.md\"");
    }

    /** A file-backed mount of plain.erofs on ext4 as the spec expects it on 6.18 (§9 row 6). */
    private void row06() throws IOException {
        write("row06.json", "{\"version\": 1, \"kernel\": \"6.18\", \"nodes\": {\"/srv/plain.erofs\": {\"kind\": \"file\", "
                + "\"image\": \"" + Cli.image("plain.erofs") + "\", \"fs\": \"ext4\"}}, \"source\": \"/srv/plain.erofs\", "
                + "\"expect\": {\"outcome\": \"mounted\", \"errno\": null, \"mode\": \"fileio\", "
                + "\"log\": [\"erofs (device erofs): mounted with root inode @ nid 37.\"]}}");
    }

    /**
     * {@code conform --kernel}: the model on that release for every scenario, checked against the
     * scenarios' expect; 6.12.0 logs with the older prefix (DEVICE_LOG_PREFIX, 90655ee279b2), so
     * the 6.18 expectation fails there, and the report names the profile.
     */
    @Test
    void kernelOptionEvaluatesEveryScenarioOnThatRelease() throws IOException {
        row06();
        Cli.Result same = conform();
        assertThat(same.exit()).as(same.out() + same.err()).isZero();
        Cli.Result r = conform("--kernel", "6.12.0");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL row06: log: expected [\"erofs (device erofs): mounted with root inode @ nid 37.\"]"
                + ", got [\"erofs: (device erofs): mounted with root inode @ nid 37.\"]")
                .contains("model: 6.12.0 for every scenario");
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.path("profile").toString()).isEqualTo("{\"perScenario\":false,\"release\":\"6.12.0\",\"config\":{}}");
        assertThat(report.path("cases").get(0).path("checks").get(0).path("profile").asText()).isEqualTo("6.12.0");
    }

    /**
     * {@code conform --live --kernel 6.1}: a kernel of the VM matrix is booted instead of the
     * running one; where it cannot be (no root, no QEMU, or this test phase, where the live
     * oracles are switched off) that is one line naming the kernel and exit 77, never a pass.
     */
    @Test
    void liveWithAMatrixKernelBootsThatKernelOrSaysWhyNot() throws IOException {
        row06();
        if (!"off".equals(System.getProperty("erofssim.live"))) {
            System.out.println("SKIPPED: the live oracles are on in this run (the real boot is VmCommandsTest's)");
            org.junit.jupiter.api.Assumptions.abort("the live oracles are on in this run");
        }
        Cli.Result r = conform("--live", "--kernel", "6.1");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCode.ORACLE_UNAVAILABLE);
        assertThat(r.errLines()).last().asString().contains("6.1");
    }

    /** {@code conform --config}: BACKED_BY_FILE=n refuses the regular-file source (ENOTBLK), said per scenario. */
    @Test
    void configOptionSetsASymbolForEveryScenario() throws IOException {
        row06();
        Cli.Result r = conform("--config", "EROFS_FS_BACKED_BY_FILE=n");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL row06: outcome: expected mounted, got failed")
                .contains("model: each scenario's own kernel (default 6.18.44), with EROFS_FS_BACKED_BY_FILE=n");
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.path("profile").path("config").toString()).isEqualTo("{\"EROFS_FS_BACKED_BY_FILE\":false}");
        Cli.Result bad = conform("--kernel", "5.4");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().lines().count()).isEqualTo(1);
        assertThat(bad.err()).startsWith("erofs-sim conform: --kernel: ");
    }

    /** {@code --bench FILE}: its figures in report.html with a plot; a bad file is one line, exit 2, before any work. */
    @Test
    void benchFiguresGoIntoThePage() throws IOException {
        row06();
        Path bench = tmp.resolve("bench.json");
        Files.writeString(bench, "{\"figures\":[{\"kind\":\"ratio\",\"name\":\"mount\",\"value\":1300,\"unit\":\"x\"}]}");
        Cli.Result r = conform("--bench", bench.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String page = Files.readString(out.resolve("report.html"));
        assertThat(page).contains("<svg id=bench-plot").contains("ratio.mount (x)").contains("href=\"../bench.json\"");
        Files.writeString(bench, "{not json");
        Cli.Result bad = conform("--bench", bench.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("erofs-sim conform: --bench " + bench + ": ");
        assertThat(bad.err().lines().count()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void failedExpectationExitsOneAndSaysWhy() throws IOException {
        write("a/wrong.json", noSource("{\"outcome\": \"failed\", \"errno\": \"ENOENT\", \"log\": []}"));
        write("b/right.json", noSource("{\"outcome\": \"failed\", \"errno\": \"EINVAL\", \"log\": [\"No source specified\"]}"));
        write("c/none.json", "{\"version\": 1, \"nodes\": {}}");
        Cli.Result r = conform();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .containsPattern("(?m)^a/wrong +failed +EINVAL +- +FAIL$")
                .containsPattern("(?m)^b/right +failed +EINVAL +- +pass$")
                .containsPattern("(?m)^c/none +failed +EINVAL +- +no expect$")
                .contains("FAIL a/wrong: errno: expected ENOENT, got EINVAL")
                .contains("FAIL a/wrong: log: expected [], got [\"No source specified\"]")
                .contains("3 scenarios in " + dir + ": 1 pass, 1 fail, 1 without expectation")
                .contains("no recorded kernel observations beside the corpus");
    }

    @Test
    void aRecordingThatAgreesIsAgreeOnTheReleasesProfile() throws IOException {
        write("row14.json", noSource("{\"outcome\": \"failed\", \"errno\": \"EINVAL\"}"));
        record("6.18.44-test", "row14", NO_SOURCE_OUTCOME, null);
        Cli.Result r = conform();
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^scenario +outcome +errno +mode +spec +6\\.18\\.44-test$")
                .containsPattern("(?m)^row14 +failed +EINVAL +- +pass +agree$")
                .contains("recorded 6.18.44-test (model profile 6.18.44): 1 agree, 0 diverge, 0 refused, 0 stale, 0 not recorded");
        JsonNode c = JSON.readTree(out.resolve("report.json").toFile()).path("cases").get(0);
        assertThat(c.path("verdict").asText()).isEqualTo("agree");
        assertThat(c.path("checks").get(1).path("reference").toString())
                .isEqualTo("{\"kind\":\"recorded\",\"release\":\"6.18.44-test\"}");
        assertThat(c.path("scenario").asText()).as("relative to the corpus").isEqualTo("row14.json");
        assertThat(c.path("source").asText()).isEqualTo("none");
        assertThat(c.path("checks").get(1).path("profile").asText()).isEqualTo("6.18.44");
        assertThat(c.path("checks").get(1).path("kernel").isMissingNode()).as("kernel outcome only where it diverges").isTrue();
    }

    @Test
    void aRecordingThatDiffersIsADivergenceWithExitOneNamingTheField() throws IOException {
        write("row14.json", noSource("{\"outcome\": \"failed\", \"errno\": \"EINVAL\"}"));
        record("6.18.44-test", "row14", NO_SOURCE_OUTCOME.replace("\"EINVAL\"", "\"EPERM\""), null);
        Cli.Result r = conform();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^row14 +failed +EINVAL +- +pass +DIVERGE$")
                .contains("DIVERGE row14 (recorded 6.18.44-test, model 6.18.44): errno: model \"EINVAL\", kernel \"EPERM\"")
                // the spec's expect and the recording disagree too: said, so the corpus can be fixed
                .contains("NOTE row14: the recorded 6.18.44-test outcome does not meet the scenario's expect: errno")
                .contains("recorded 6.18.44-test (model profile 6.18.44): 0 agree, 1 diverge");
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.path("summary").path("diverge").asInt()).isEqualTo(1);
        JsonNode check = report.path("cases").get(0).path("checks").get(1);
        assertThat(check.path("verdict").asText()).isEqualTo("diverge");
        assertThat(check.path("differences").get(0).path("field").asText()).isEqualTo("errno");
        assertThat(check.path("differences").get(0).path("model").isTextual()).as("a JSON value, not JSON text").isTrue();
        assertThat(check.path("differences").get(0).path("model").asText()).isEqualTo("EINVAL");
        assertThat(check.path("differences").get(0).path("reference").asText()).isEqualTo("EPERM");
        assertThat(check.path("kernel").path("errno").asText()).isEqualTo("EPERM");
        assertThat(Files.readString(out.resolve("report.xml")))
                .contains("classname=\"conform.recorded_6_18_44-test\" name=\"row14\"").contains("<failure")
                .contains("<property name=\"kernel.release\" value=\"6.18.44-test\"/>");
        // the divergence side by side, the differing field marked
        assertThat(Files.readString(out.resolve("report.html")))
                .contains("<tr class=diff><td class=mono>errno</td><td class=mono>EINVAL</td><td class=mono>EPERM</td></tr>");
    }

    @Test
    void staleRefusedUnprofiledAndMissingRecordingsAreUncheckedNotCompared() throws IOException {
        write("stale.json", noSource("{}"));
        write("refused.json", noSource("{}"));
        write("missing.json", noSource("{}"));
        record("6.18.44-test", "stale", NO_SOURCE_OUTCOME, "0".repeat(64));
        Path refused = tmp.resolve("recorded/6.18.44-test").resolve(Recordings.REFUSED);
        Files.writeString(refused, "# header\nrefused\tFIFO /x would block\n");
        record("5.10.0-old", "missing", NO_SOURCE_OUTCOME, null);
        Cli.Result r = conform();
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .containsPattern("(?m)^missing +failed +EINVAL +- +pass +no profile +-$")
                .containsPattern("(?m)^refused +failed +EINVAL +- +pass +- +refused$")
                .containsPattern("(?m)^stale +failed +EINVAL +- +pass +- +stale$")
                .contains("recorded 6.18.44-test (model profile 6.18.44): 0 agree, 0 diverge, 1 refused, 1 stale, 1 not recorded")
                .contains("recorded 5.10.0-old (model profile none)");
        JsonNode cases = JSON.readTree(out.resolve("report.json").toFile()).path("cases");
        assertThat(cases.get(2).path("checks").get(2).path("reason").asText()).startsWith("stale: ");
        assertThat(cases.get(1).path("checks").get(2).path("reason").asText())
                .isEqualTo("refused by the live oracle when recorded: FIFO /x would block");
        assertThat(cases.get(0).path("checks").get(1).path("reason").asText())
                .isEqualTo("kernel 5.10.0-old has no modelled profile");
        // a column per recorded release, in the matrix and in the scenario table
        String page = Files.readString(out.resolve("report.html"));
        String matrix = page.substring(page.indexOf("<table id=matrix>"), page.indexOf("</table>", page.indexOf("<table id=matrix>")));
        assertThat(matrix).contains("<th>5.10.0-old</th>").contains("<th>6.18.44-test</th>");
        assertThat(page).contains("<th>recorded 5.10.0-old</th>").contains("<th>recorded 6.18.44-test</th>");
    }

    @Test
    void aRecordingIsComparedWithTheModelOnTheRecordedReleasesProfileNotTheScenarios() throws IOException {
        // §3.3: a file inside a file-backed erofs mounts on 6.13 (no stacking check) and is refused on 6.18.44
        String scenario = "{\"version\": 1, \"kernel\": \"6.13\", \"nodes\": {\"/mnt/a.erofs\": {\"kind\": \"file\", "
                + "\"image\": \"" + Cli.image("plain.erofs") + "\", \"fs\": \"erofs\"}}, \"source\": \"/mnt/a.erofs\"}";
        write("stacked.json", scenario);
        String kernel = "{\"version\":1,\"outcome\":\"failed\",\"errno\":\"ENOTBLK\",\"mode\":\"fileio\",\"log\":"
                + "[\"erofs (device erofs): file-backed mounts cannot be applied to stacked fses\"],\"superblock\":null,"
                + "\"superOptions\":null,\"statfs\":null,\"devices\":null,\"tree\":null}";
        record("6.18.44-test", "stacked", kernel, null);
        Cli.Result r = conform();
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).containsPattern("(?m)^stacked +mounted +- +fileio +no expect +agree$");
        assertThat(OutcomeJson.outcomeName(MountModel.predict(ScenarioJson.read(dir.resolve("stacked.json")))))
                .isEqualTo("mounted");
    }

    @Test
    void aBrokenRecordingIsBadInputNamingTheFile() throws IOException {
        write("x.json", noSource("{}"));
        Path f = tmp.resolve("recorded/6.18.44-test/x.json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "{\"recording\": {}, \"outcome\": {\"version\": 1, \"outcome\": \"exploded\"}}");
        Cli.Result r = conform();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains(f.toString()).contains("outcome");
    }

    @Test
    void theRecordingFormatRoundTripsThroughTheReader() throws IOException {
        write("row14.json", noSource("{}"));
        record("6.18.44-test", "row14", NO_SOURCE_OUTCOME, null);
        Recordings.Recording rec = Recordings.read(tmp.resolve("recorded"), "6.18.44-test", "row14");
        assertThat(rec.date()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(JSON.readTree(rec.outcomeJson())).isEqualTo(JSON.readTree(NO_SOURCE_OUTCOME));
        assertThat(Recordings.read(tmp.resolve("recorded"), "6.18.44-test", "nope")).isNull();
        assertThat(Recordings.defaultDir(dir)).isEqualTo(tmp.resolve("recorded").toAbsolutePath().normalize());
        assertThat(Recordings.refused(tmp.resolve("recorded"), "6.18.44-test")).isEqualTo(Map.of());
    }

    @Test
    void malformedExpectationNamesTheField() throws IOException {
        write("x.json", noSource("{\"errno\": \"ENOPE\"}"));
        Cli.Result r = conform();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("x.json: expect.errno: unknown errno name 'ENOPE'");
    }

    @Test
    void unknownExpectationFieldIsRefused() throws IOException {
        write("x.json", noSource("{\"outcom\": \"failed\"}"));
        Cli.Result r = conform();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("expect.outcom: unknown field");
    }

    @Test
    void badScenarioInTheCorpusNamesFileAndField() throws IOException {
        write("ok.json", noSource("{}"));
        write("bad.json", "{\"version\": 1, \"nodes\": {\"relative/path\": {\"kind\": \"dir\"}}}");
        Cli.Result r = conform();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("bad.json: nodes.relative/path: ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void emptyOrMissingCorpusIsBadInput() {
        Cli.Result empty = conform();
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("no scenario files");
        Cli.Result missing = Cli.run("conform", "--corpus", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.errLines()).hasSize(1);
        assertThat(missing.err()).contains("not a directory");
    }
}
