package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformCommandTest {
    @TempDir
    Path dir;

    private void write(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, json);
    }

    /** An empty-namespace scenario with no source (spec §9 row 14: EINVAL, "No source specified") plus an expect. */
    private static String noSource(String expect) {
        return "{\"version\": 1, \"kernel\": \"6.18\", \"nodes\": {}, \"expect\": " + expect + "}";
    }

    @Test
    void bundledCorpusConforms() throws IOException {
        Cli.Result r = Cli.run("conform");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Path corpus = Cli.root().resolve("fixtures/scenarios");
        List<String> names;
        try (Stream<Path> s = Files.walk(corpus)) {
            names = s.filter(p -> p.toString().endsWith(".json")).map(p -> corpus.relativize(p).toString())
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(15);
        // one row per file, every one with an expectation, none failing
        for (String n : names) {
            assertThat(r.out()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(n) + " +\\S+ +\\S+ +\\S+ +pass$");
        }
        assertThat(r.out()).doesNotContain("FAIL").contains(names.size() + " scenarios in ")
                .contains(names.size() + " pass, 0 fail, 0 without expectation");
    }

    @Test
    void failedExpectationExitsOneAndSaysWhy() throws IOException {
        write("a/wrong.json", noSource("{\"outcome\": \"failed\", \"errno\": \"ENOENT\", \"log\": []}"));
        write("b/right.json", noSource("{\"outcome\": \"failed\", \"errno\": \"EINVAL\", \"log\": [\"No source specified\"]}"));
        write("c/none.json", "{\"version\": 1, \"nodes\": {}}");
        Cli.Result r = Cli.run("conform", "--corpus", dir.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .containsPattern("(?m)^a/wrong +failed +EINVAL +- +FAIL$")
                .containsPattern("(?m)^b/right +failed +EINVAL +- +pass$")
                .containsPattern("(?m)^c/none +failed +EINVAL +- +no expect$")
                .contains("FAIL a/wrong: errno: expected ENOENT, got EINVAL")
                .contains("FAIL a/wrong: log: expected [], got [\"No source specified\"]")
                .contains("3 scenarios in " + dir + ": 1 pass, 1 fail, 1 without expectation");
    }

    @Test
    void malformedExpectationNamesTheField() throws IOException {
        write("x.json", noSource("{\"errno\": \"ENOPE\"}"));
        Cli.Result r = Cli.run("conform", "--corpus", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("x.json: expect.errno: unknown errno name 'ENOPE'");
    }

    @Test
    void unknownExpectationFieldIsRefused() throws IOException {
        write("x.json", noSource("{\"outcom\": \"failed\"}"));
        Cli.Result r = Cli.run("conform", "--corpus", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("expect.outcom: unknown field");
    }

    @Test
    void badScenarioInTheCorpusNamesFileAndField() throws IOException {
        write("ok.json", noSource("{}"));
        write("bad.json", "{\"version\": 1, \"nodes\": {\"relative/path\": {\"kind\": \"dir\"}}}");
        Cli.Result r = Cli.run("conform", "--corpus", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("bad.json: nodes.relative/path: ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void emptyOrMissingCorpusIsBadInput() {
        Cli.Result empty = Cli.run("conform", "--corpus", dir.toString());
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("no scenario files");
        Cli.Result missing = Cli.run("conform", "--corpus", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.errLines()).hasSize(1);
        assertThat(missing.err()).contains("not a directory");
    }
}
