package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.erofssim.contract.ScenarioException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {

    @Test
    void noCommandIsBadUsageOnOneLine() {
        Cli.Result r = Cli.run();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("no command given");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownCommandIsBadUsageOnOneLine() {
        Cli.Result r = Cli.run("frobnicate");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("'frobnicate'");
    }

    @Test
    void unknownOptionIsBadUsageOnOneLine() {
        Cli.Result r = Cli.run("predict", "--frob", "x.json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("erofs-sim predict: ").contains("--frob");
    }

    @Test
    void helpListsTheCommandsOfThisBuildOnly() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("predict", "observe", "compare", "inspect", "conform", "record", "fuzz");
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"predict", "inspect", "conform", "fuzz"}) {
            Cli.Result r = Cli.run(c, "--help");
            assertThat(r.exit()).as(c).isZero();
            assertThat(r.out()).as(c).startsWith("Usage: erofs-sim " + c);
        }
    }

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("kaput\nsecond line");
        }
    }

    @Command(name = "badscenario")
    static final class BadScenario implements Callable<Integer> {
        @Override
        public Integer call() {
            throw ScenarioException.at("nodes./x.kind", "unknown kind 'y'");
        }
    }

    private static int runWith(Object command, String name, ByteArrayOutputStream err) {
        PrintWriter o = new PrintWriter(new ByteArrayOutputStream(), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cl = Main.commandLine(o, e);
        cl.addSubcommand(name, command);
        cl.setOut(o); // out/err reach only the subcommands present when they are set
        cl.setErr(e);
        int exit = cl.execute(name);
        e.flush();
        return exit;
    }

    @Test
    void unexpectedExceptionIsOneLineWithoutTrace() {
        assumeFalse(Cli.debugEnv(), Main.DEBUG_ENV + " is set: traces are wanted");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = runWith(new Boom(), "boom", err);
        String text = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(ExitCode.INTERNAL);
        assertThat(text.split("\n")).hasSize(1);
        assertThat(text).contains("IllegalStateException: kaput second line")
                .contains("(internal error; rerun with ERO_SIM_DEBUG=1 for a trace)")
                .doesNotContain("\tat ");
    }

    @Test
    void aScenarioExceptionReachingTheTopIsBadInput() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = runWith(new BadScenario(), "badscenario", err);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("erofs-sim badscenario: nodes./x.kind: unknown kind 'y'\n");
    }

    /** Runs {@code args} on the whole command line (every command built), as before issue 12's lean start. */
    private static Cli.Result runFull(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        int exit = Main.commandLine(o, e).execute(args);
        o.flush();
        e.flush();
        return new Cli.Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theLeanStartKnowsEveryCommandOfTheWholeCommandLine() {
        java.util.Set<String> whole = new java.util.TreeSet<>(runFullNames());
        whole.remove("help"); // picocli's help command lists every command: the whole line runs it
        java.util.Set<String> lean = new java.util.TreeSet<>();
        for (String n : whole) {
            if (Main.command(n) != null) {
                lean.add(n);
            }
        }
        assertThat(lean).isEqualTo(whole);
        assertThat(Main.command("help")).isNull();
        assertThat(Main.command("frobnicate")).isNull();
    }

    private static java.util.Set<String> runFullNames() {
        PrintWriter w = new PrintWriter(new ByteArrayOutputStream(), true);
        return Main.commandLine(w, w).getSubcommands().keySet();
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    /** An argument file holding {@code text}, as {@code @FILE}. */
    private String atFile(String text) {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile(dir, "args", ".txt");
            java.nio.file.Files.writeString(f, text);
            return "@" + f;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anArgumentFileStartsLeanOnItsFirstWord() {
        assertThat(Main.firstWord(atFile("# c\n  predict a.json b.json\n"))).isEqualTo("predict");
        assertThat(Main.firstWord(atFile("'predict' a.json"))).isNull();
        assertThat(Main.firstWord("@" + dir.resolve("missing"))).isNull();
        assertThat(Main.firstWord("fuzz")).isEqualTo("fuzz");
    }

    @Test
    void eachCommandSaysTheSameWhenStartedLean() {
        for (String n : runFullNames()) {
            if (n.equals("help")) {
                continue;
            }
            for (String[] args : new String[][] {{n, "--help"}, {n, "--version"}, {n, "--frob"}, {atFile(n + " --frob")},
                    {atFile("# a comment\n\n" + n + "\n--help")}}) {
                Cli.Result lean = Cli.run(args);
                Cli.Result full = runFull(args);
                assertThat(lean).as(String.join(" ", args)).isEqualTo(full);
                if (args.length > 1 && args[1].equals("--help")) {
                    assertThat(lean.out()).as(n).startsWith("Usage: erofs-sim " + n);
                }
            }
        }
    }
}
