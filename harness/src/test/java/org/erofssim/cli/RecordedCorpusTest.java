package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.erofssim.reference.Expectation;
import org.erofssim.reference.Recordings;
import org.erofssim.report.Difference;
import org.junit.jupiter.api.Test;

/**
 * The bundled recordings (fixtures/recorded) against the bundled corpus, on any machine: every
 * scenario is recorded or refused on every recorded release, no recording is stale, and every
 * recording of the scenario's own release meets its {@code expect} — the spec and the kernel
 * agree wherever the corpus states an answer, so an expectation cannot be wrong unnoticed (other
 * releases differ by design: conform compares them with their own presets).
 */
class RecordedCorpusTest {
    private static final Path CORPUS = Cli.root().resolve("fixtures/scenarios");
    private static final Path RECORDED = Cli.root().resolve("fixtures/recorded");

    private static List<Path> scenarios() throws IOException {
        try (Stream<Path> s = Files.walk(CORPUS)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyScenarioIsRecordedFreshOrRefusedOnEveryRelease() throws IOException {
        List<String> releases = Recordings.releases(RECORDED);
        assertThat(releases).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (String rel : releases) {
            Map<String, String> refused = Recordings.refused(RECORDED, rel);
            for (Path f : scenarios()) {
                String name = Corpus.name(CORPUS, f);
                Recordings.Recording r = Recordings.read(RECORDED, rel, name);
                if (r == null && !refused.containsKey(name)) {
                    problems.add(rel + ": " + name + " neither recorded nor refused");
                } else if (r != null && !Recordings.inputsSha256(f).equals(r.inputsSha256())) {
                    problems.add(rel + ": " + name + " is stale (rerun: sudo ./erofs-sim record)");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyRecordingMeetsItsScenariosExpect() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String rel : Recordings.releases(RECORDED)) {
            for (Path f : scenarios()) {
                String name = Corpus.name(CORPUS, f);
                Expectation e = Expectation.read(f, f.toString());
                Recordings.Recording r = Recordings.read(RECORDED, rel, name);
                // an expect states the answer of the scenario's own release, not of every kernel
                if (e == null || r == null || org.erofssim.kernel.Releases.forRelease(rel).orElse(null)
                        != Scenarios.load(f, f.toString()).kernel().profile()) {
                    continue;
                }
                checked++;
                for (Difference d : e.mismatches(r.outcome())) {
                    problems.add(rel + " " + name + ": " + d.field() + ": expect " + d.reference() + ", kernel " + d.model());
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(50);
        assertThat(problems).isEmpty();
    }
}
