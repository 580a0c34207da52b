package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress counter stays silent when stderr is not a terminal (a test, CI, a pipe) and with --quiet. */
class ProgressTest {
    @Test
    void silentWithoutATerminal() {
        assumeTrue(!Progress.onTerminal(), "the test JVM's stderr is a terminal");
        StringWriter s = new StringWriter();
        try (Progress p = Progress.start(new PrintWriter(s), "conform: scenario", 3, false)) {
            assertThat(p.isOn()).isFalse();
            p.update(1);
            p.update(3);
        }
        assertThat(s.toString()).isEmpty();
    }

    @Test
    void silentWithQuiet() {
        StringWriter s = new StringWriter();
        try (Progress p = Progress.start(new PrintWriter(s), "conform: scenario", 3, true)) {
            assertThat(p.isOn()).isFalse();
            p.update(2);
        }
        assertThat(s.toString()).isEmpty();
    }

    @Test
    void conformHelpOffersQuiet() {
        Cli.Result r = Cli.run("conform", "--help");
        assertThat(r.out()).contains("--quiet");
    }

    @Test
    void onOnlyWithATerminalAndWithoutQuiet() {
        StringWriter s = new StringWriter();
        try (Progress p = Progress.start(new PrintWriter(s), "fuzz: case", 10, false, true)) {
            assertThat(p.isOn()).isTrue();
            p.update(4, () -> ", 7 coverage ids");
        }
        assertThat(s.toString()).startsWith("\rfuzz: case 4/10, 7 coverage ids").endsWith("\r");
        for (boolean[] offCase : new boolean[][] {{true, true}, {false, false}, {true, false}}) {
            StringWriter quiet = new StringWriter();
            try (Progress p = Progress.start(new PrintWriter(quiet), "fuzz: case", 10, offCase[0], offCase[1])) {
                assertThat(p.isOn()).isFalse();
                p.update(4, () -> {
                    throw new AssertionError("the detail is not asked for when the counter is off");
                });
            }
            assertThat(quiet.toString()).isEmpty();
        }
    }

    @Test
    void linesPrintedWhileTheCounterRunsEraseItFirst() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        try (Progress p = Progress.start(new PrintWriter(err), "fuzz: case", 10, false, true)) {
            p.update(3);
            PrintWriter lines = p.above(new PrintWriter(out));
            lines.println("finding DIVERGENCE at case 3");
            lines.flush();
            assertThat(err.toString()).isEqualTo("\rfuzz: case 3/10\r" + " ".repeat(15) + "\r");
            p.update(4);
        }
        assertThat(out.toString()).isEqualTo("finding DIVERGENCE at case 3" + System.lineSeparator());
        assertThat(err.toString()).contains("fuzz: case 4/10");
    }

    @Test
    void fuzzWithoutATerminalPrintsNoCounterAndKeepsItsLinesOnStdout(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        assumeTrue(!Progress.onTerminal(), "the test JVM's stderr is a terminal");
        Cli.Result r = Cli.run("fuzz", "--cases", "30", "--seed", "5", "--out",
                dir.toString());
        assertThat(r.err()).doesNotContain("\r").doesNotContain("fuzz: case");
        assertThat(r.out()).contains("fuzz: guided by coverage, seed 5").contains("30 cases in");
        Cli.Result help = Cli.run("fuzz", "--help");
        assertThat(help.out()).contains("--quiet").contains("stderr").contains("--kernels");
    }
}
