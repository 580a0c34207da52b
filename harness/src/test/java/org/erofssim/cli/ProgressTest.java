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
        assumeTrue(System.console() == null, "the test JVM has a terminal");
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
}
