package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict}: exit codes, one-line errors naming the file and the JSON field, JSON Lines in
 * argument order. Expected outcomes are those of spec §9 (6.18.44 column), not earlier output.
 */
class PredictCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, json);
        return p;
    }

    private String plainImage() {
        return Cli.image("plain.erofs").toString();
    }

    /** A contract scenario with one ext4 file node holding plain.erofs at /srv/a.erofs. */
    private String scenario(String sourceField) {
        return "{\"version\": 1, \"kernel\": \"6.18\", \"nodes\": {\"/srv/a.erofs\": {\"kind\": \"file\", \"image\": \""
                + plainImage() + "\"}}" + sourceField + "}";
    }

    private static void assertBadInput(Cli.Result r, String... fragments) {
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).as("no partial output").isEmpty();
        assertThat(r.errLines()).as("one line: " + r.err()).hasSize(1);
        assertThat(r.err()).startsWith("erofs-sim predict: ").contains(fragments).doesNotContain("\tat ", "Exception");
    }

    @Test
    void missingFileNamesTheFile() {
        String missing = dir.resolve("nope.json").toString();
        assertBadInput(Cli.run("predict", missing), missing, "no such file");
    }

    @Test
    void directoryArgumentIsBadInput() {
        assertBadInput(Cli.run("predict", dir.toString()), dir.toString(), "is a directory");
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        Path p = write("bad.json", "{\"version\": 1,\n  \"nodes\": {]\n}");
        assertBadInput(Cli.run("predict", p.toString()), p.toString(), "line 2 column");
    }

    @Test
    void wrongVersionNamesTheField() throws IOException {
        Path p = write("v2.json", "{\"version\": 2, \"nodes\": {}}");
        assertBadInput(Cli.run("predict", p.toString()), p + ": version: ");
    }

    @Test
    void unknownNodeKindNamesTheField() throws IOException {
        Path p = write("kind.json", "{\"version\": 1, \"nodes\": {\"/srv/x\": {\"kind\": \"teapot\"}}, \"source\": \"/srv/x\"}");
        assertBadInput(Cli.run("predict", p.toString()), "nodes./srv/x.kind: ");
    }

    @Test
    void missingImageNamesTheField() throws IOException {
        Path p = write("img.json", "{\"version\": 1, \"nodes\": {\"/srv/x\": {\"kind\": \"file\", \"image\": \"missing.erofs\"}}}");
        assertBadInput(Cli.run("predict", p.toString()), "nodes./srv/x.image: ", "missing.erofs");
    }

    @Test
    void unknownKernelNamesTheField() throws IOException {
        Path p = write("k.json", "{\"version\": 1, \"kernel\": \"2.6\", \"nodes\": {}}");
        assertBadInput(Cli.run("predict", p.toString()), "kernel: ", "2.6");
    }

    @Test
    void oneBadFileAmongGoodOnesPrintsNothing() throws IOException {
        Path good = write("good.json", scenario(",\"source\": \"/srv/a.erofs\""));
        Path bad = write("bad.json", "{\"version\": 1, \"flags\": [\"rw\"]}");
        assertBadInput(Cli.run("predict", good.toString(), bad.toString()), bad.toString(), "flags[0]");
    }

    @Test
    void severalScenariosGiveOneOutcomeLineEachInArgumentOrder() throws IOException {
        // spec §9: row 13 missing path → ENOENT; row 6 ext4 file → fileio; row 14 no source → EINVAL
        Path missing = write("missing.json", scenario(",\"source\": \"/srv/none.erofs\""));
        Path file = write("file.json", scenario(",\"source\": \"/srv/a.erofs\""));
        Path none = write("none.json", scenario(""));
        List<String> args = new ArrayList<>(List.of("predict", missing.toString(), file.toString(), none.toString(),
                missing.toString()));
        Cli.Result r = Cli.run(args.toArray(new String[0]));

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(4);
        List<JsonNode> outcomes = new ArrayList<>();
        for (String l : lines) {
            outcomes.add(JSON.readTree(l));
        }
        assertThat(outcomes).allSatisfy(o -> assertThat(o.get("version").asInt()).isEqualTo(1));
        assertThat(outcomes.get(0).get("outcome").asText()).isEqualTo("failed");
        assertThat(outcomes.get(0).get("errno").asText()).isEqualTo("ENOENT");
        assertThat(outcomes.get(1).get("outcome").asText()).isEqualTo("mounted");
        assertThat(outcomes.get(1).get("mode").asText()).isEqualTo("fileio");
        assertThat(outcomes.get(1).get("errno").isNull()).isTrue();
        assertThat(outcomes.get(2).get("errno").asText()).isEqualTo("EINVAL");
        assertThat(outcomes.get(2).get("log").get(0).asText()).isEqualTo("No source specified");
        assertThat(outcomes.get(3).get("errno").asText()).isEqualTo("ENOENT");
    }

    /**
     * The scenarios are taken in one go (PredictCommand.TakeAllScenarios): options before,
     * between and after them still count, the order is kept, and an unknown option is still
     * picocli's usage error, not a scenario path.
     */
    @Test
    void optionsAroundTheScenariosStillCountAndTheOrderIsKept() throws IOException {
        Path missing = write("missing.json", scenario(",\"source\": \"/srv/none.erofs\""));
        Path file = write("file.json", scenario(",\"source\": \"/srv/a.erofs\""));
        Cli.Result r = Cli.run("predict", "--quiet", file.toString(), missing.toString(), "--kernel", "6.12.0",
                file.toString(), "--config", "EROFS_FS_ONDEMAND=y");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(3);
        List<String> outcomes = new ArrayList<>();
        for (String l : lines) {
            JsonNode o = JSON.readTree(l);
            outcomes.add(o.get("outcome").asText());
            if (o.get("outcome").asText().equals("mounted")) {
                // --kernel 6.12.0 applies to every scenario: 6.12's log form (no DEVICE_LOG_PREFIX)
                assertThat(o.get("log").toString()).contains("erofs: (device");
            }
        }
        assertThat(outcomes).containsExactly("mounted", "failed", "mounted");

        Cli.Result bad = Cli.run("predict", file.toString(), "--no-such-option");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--no-such-option").doesNotContain("no such file");
        Cli.Result none = Cli.run("predict", "--quiet");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("SCENARIO.json");
    }

    @Test
    void scenarioPathsAreRelativeToTheWorkingDirectoryAndImagesToTheScenario() throws IOException {
        // a corpus scenario given relative to the checkout; surefire runs in harness/, so go via the root
        Path corpusFile = Cli.root().resolve("fixtures/scenarios/decision-table/row03-bdev.json");
        Path rel = Path.of("").toAbsolutePath().relativize(corpusFile);
        Cli.Result r = Cli.run("predict", rel.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = JSON.readTree(r.out());
        // spec §9 row 3 + §0.4: bdev mode, log prefix the bdev name
        assertThat(o.get("mode").asText()).isEqualTo("bdev");
        assertThat(o.get("log").get(0).asText()).startsWith("erofs (device loop0): mounted with root inode @ nid ");
    }
}
