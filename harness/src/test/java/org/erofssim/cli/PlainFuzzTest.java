package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain model-only {@code fuzz} command line runs without picocli ({@link FuzzCommand#runPlain},
 * issue 12: picocli's model of the command cost a cold campaign about 125 ms of its main thread's
 * CPU, session 16). The plain parse sets every option as picocli's does, defaults included, and a
 * command line run both ways gives the same exit code, stdout (but the campaign's clock) and stderr.
 */
class PlainFuzzTest {
    @TempDir
    Path dir;

    /** Every option of the command, as a comparable list. */
    private static List<Object> options(FuzzCommand c) {
        return Arrays.asList(c.cases, c.seed, c.live, c.vmKernels, c.vmBatch, c.vmShrinkRounds, c.kernel, c.out,
                c.maxTime, c.blind, c.compareBlind, c.releases, c.shard, c.jobs, c.quiet, c.json);
    }

    private static FuzzCommand picocli(String... args) {
        FuzzCommand c = new FuzzCommand();
        PrintWriter none = new PrintWriter(java.io.Writer.nullWriter());
        Main.commandLine(none, none, "fuzz", c).parseArgs(args);
        return c;
    }

    /** A run's result with the campaign's clock ("seconds" and the rate lines) taken out. */
    private static Cli.Result clockless(Cli.Result r) {
        String out = r.out().replaceAll("\"seconds\":[0-9.Ee+-]+", "\"seconds\":0")
                .replaceAll("[0-9]+(\\.[0-9]+)? s\\b", "T s").replaceAll("[0-9]+ cases/s", "R cases/s");
        return new Cli.Result(r.exit(), out, r.err());
    }

    @Test
    void thePlainParseIsPicocliParse() {
        List<String[]> plain = List.of(
                new String[] {"fuzz"},
                new String[] {"fuzz", "--cases", "1000", "--seed", "12", "--quiet", "--json", "--out", "o"},
                new String[] {"fuzz", "--cases=30000", "--seed=1", "--json", "--quiet"},
                new String[] {"fuzz", "--seed", "0", "--kernel", "6.12", "--jobs", "2", "--out=report/x"},
                new String[] {"fuzz", "--kernel=7.3", "--cases", "0"},
                new String[] {"fuzz", "--jobs", "0"},
                new String[] {"fuzz", "--seed", "123456789012345678", "--out", "a=b"},
                new String[] {"fuzz", "--kernel", "9.9"});
        for (String[] args : plain) {
            FuzzCommand c = FuzzCommand.plain(args);
            assertThat(c).as("plain: %s", Arrays.toString(args)).isNotNull();
            assertThat(options(c)).as("%s", Arrays.toString(args)).isEqualTo(options(picocli(args)));
        }
        List<String[]> left = List.of(
                new String[] {"predict"},
                new String[] {"fuzz", "--help"},
                new String[] {"fuzz", "-h"},
                new String[] {"fuzz", "--version"},
                new String[] {"fuzz", "--live"},
                new String[] {"fuzz", "--kernels", "6.1,7.3"},
                new String[] {"fuzz", "--blind", "--seed", "1"},
                new String[] {"fuzz", "--max-time", "10s"},
                new String[] {"fuzz", "--cases", "1", "--cases", "2"},
                new String[] {"fuzz", "--quiet", "--quiet"},
                new String[] {"fuzz", "--quiet=true"},
                new String[] {"fuzz", "--cases"},
                new String[] {"fuzz", "--cases="},
                new String[] {"fuzz", "--cases", "-5"},
                new String[] {"fuzz", "--cases", "+5"},
                new String[] {"fuzz", "--cases", "05"},
                new String[] {"fuzz", "--cases", "0x10"},
                new String[] {"fuzz", "--cases", "9999999999"},
                new String[] {"fuzz", "--seed", "-1"},
                new String[] {"fuzz", "--out", "--json"},
                new String[] {"fuzz", "--out", "@args"},
                new String[] {"fuzz", "@args"},
                new String[] {"fuzz", "--", "--json"},
                new String[] {"fuzz", "stray"},
                new String[] {"fuzz", "--frob"});
        for (String[] args : left) {
            assertThat(FuzzCommand.plain(args)).as("left to picocli: %s", Arrays.toString(args)).isNull();
        }
    }

    @Test
    void plainFuzzLinesSayWhatPicocliSays() {
        String out = dir.resolve("o").toString();
        List<String[]> lines = new ArrayList<>(List.of(
                new String[] {"fuzz", "--cases", "40", "--seed", "12", "--quiet", "--json", "--out", out},
                new String[] {"fuzz", "--cases=20", "--seed=1", "--out=" + out},
                new String[] {"fuzz", "--cases", "10", "--seed", "3", "--kernel", "6.1", "--jobs", "1", "--json", "--out", out},
                new String[] {"fuzz", "--cases", "0"},
                new String[] {"fuzz", "--jobs", "0", "--cases", "1", "--seed", "1", "--out", out},
                new String[] {"fuzz", "--kernel", "9.9", "--cases", "1", "--out", out}));
        List<Cli.Result> results = new ArrayList<>();
        for (String[] args : lines) {
            assertThat(FuzzCommand.plain(args)).isNotNull();
            Cli.Result plain = clockless(Cli.run(args));
            Cli.Result picocli = clockless(Cli.runWithPicocli(args));
            assertThat(plain).as("%s", Arrays.toString(args)).isEqualTo(picocli);
            results.add(plain);
        }
        // campaigns that ran, and refusals with picocli's one line
        assertThat(results.get(0).exit()).as(results.get(0).err()).isZero();
        assertThat(results.get(0).out()).contains("\"cases\":40", "\"seed\":12");
        assertThat(results.get(1).out()).contains("20 cases in T s (seed 1)");
        assertThat(results.get(2).out()).contains("\"cases\":10");
        assertThat(results.get(3).err()).isEqualTo("erofs-sim fuzz: --cases must be at least 1, not 0\n");
        assertThat(results.get(4).err()).isEqualTo("erofs-sim fuzz: --jobs must be at least 1, not 0\n");
        assertThat(results.get(5).err()).startsWith("erofs-sim fuzz: --kernel: ");
        assertThat(results.subList(3, 6)).extracting(Cli.Result::exit).containsOnly(ExitCode.BAD_INPUT);
    }
}
