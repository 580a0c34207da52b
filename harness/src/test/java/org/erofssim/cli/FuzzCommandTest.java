package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuzzCommandTest {
    @TempDir
    Path out;

    @Test
    void aModelOnlyCampaignPrintsItsSeedStatisticsAndNoFindings() {
        Cli.Result r = Cli.run("fuzz", "--cases", "60", "--seed", "7", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("seed 7", "model alone (profile ", "[field edited]", "[model outcome]",
                "60 cases in", "no findings");
    }

    @Test
    void jsonSummaryHasTheCountsAndHistograms() {
        Cli.Result r = Cli.run("fuzz", "--cases", "20", "--seed", "3", "--json", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).startsWith("{").contains("\"seed\":3", "\"cases\":20", "\"histograms\"",
                "\"findings\":[]");
    }

    @Test
    void aShardSaysWhichCasesItTakesAndBadShardsAreOneLine() {
        Cli.Result r = Cli.run("fuzz", "--blind", "--cases", "10", "--seed", "3", "--shard", "2/4", "--json", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"shard\":\"2/4\"", "\"cases\":3"); // cases 1, 5, 9
        assertThat(r.err()).contains("(shard 2/4: every 4th from case 1)");
        for (String bad : new String[] {"0/3", "4/3", "3", "a/b", "1/0"}) {
            Cli.Result b = Cli.run("fuzz", "--seed", "1", "--shard", bad);
            assertThat(b.exit()).as(bad).isEqualTo(ExitCode.BAD_INPUT);
            assertThat(b.errLines()).hasSize(1);
            assertThat(b.err()).contains("--shard");
        }
        Cli.Result noSeed = Cli.run("fuzz", "--shard", "1/2");
        assertThat(noSeed.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(noSeed.err()).contains("--shard needs --seed");
        Cli.Result guided = Cli.run("fuzz", "--seed", "1", "--shard", "1/2");
        assertThat(guided.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(guided.errLines()).hasSize(1);
        assertThat(guided.err()).contains("--shard splits a blind campaign");
    }

    @Test
    void badArgumentsAreOneLineErrorsWithExit2() {
        Cli.Result zero = Cli.run("fuzz", "--cases", "0");
        assertThat(zero.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(zero.errLines()).hasSize(1);
        Cli.Result both = Cli.run("fuzz", "--live", "--kernel", "6.18");
        assertThat(both.exit()).isIn(ExitCode.BAD_INPUT, ExitCode.ORACLE_UNAVAILABLE);
        assertThat(both.errLines()).hasSize(1);
        Cli.Result time = Cli.run("fuzz", "--max-time", "soon");
        assertThat(time.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(time.err()).contains("soon");
        Cli.Result profile = Cli.run("fuzz", "--kernel", "5.4");
        assertThat(profile.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(profile.err()).contains("5.4");
        Cli.Result unknownVm = Cli.run("fuzz", "--kernels", "6.1,9.9", "--cases", "1");
        assertThat(unknownVm.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(unknownVm.errLines()).hasSize(1);
        assertThat(unknownVm.err()).contains("--kernels: unknown kernel '9.9'");
        Cli.Result vmModelOnly = Cli.run("fuzz", "--kernels", "6.1", "--compare-blind");
        assertThat(vmModelOnly.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(vmModelOnly.err()).contains("model-only");
        Cli.Result batch = Cli.run("fuzz", "--kernels", "6.1", "--vm-batch", "0");
        assertThat(batch.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(batch.err()).contains("--vm-batch");
    }
}
