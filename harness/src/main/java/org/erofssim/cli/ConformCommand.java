package org.erofssim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.mount.MountOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code conform}: runs the model over every scenario of the bundled corpus
 * ({@code fixtures/scenarios/}, recursively, in path order), prints one table row per scenario
 * and checks each scenario's optional {@code "expect"} object (taken from the spec). Exit 1 when
 * an expectation fails, 2 when a scenario file is bad.
 */
@Command(name = "conform", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"The conformance report: the model over the bundled scenario corpus.",
                "",
                "Runs the model over every scenario JSON under fixtures/scenarios/",
                "(recursively, in path order) and checks each one's \"expect\" object",
                "(outcome, errno, mode, log, as the spec states them). Prints a table and",
                "a summary; exit 1 if any expectation fails."})
final class ConformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", paramLabel = "DIR",
            description = "the scenario folder (default: fixtures/scenarios of this checkout)")
    String corpus;

    /** One scenario's result. */
    record Row(String name, MountOutcome outcome, Expectation expect, List<String> mismatches) {
        String verdict() {
            if (expect == null) {
                return "no expect";
            }
            return mismatches.isEmpty() ? "pass" : "FAIL";
        }
    }

    @Override
    public Integer call() {
        Path dir = corpusDir();
        List<Path> files = scenarioFiles(dir);
        if (files.isEmpty()) {
            throw CliException.badInput(dir + ": no scenario files (*.json) in the corpus");
        }
        List<Row> rows = new ArrayList<>();
        for (Path f : files) {
            String name = dir.relativize(f).toString();
            name = name.substring(0, name.length() - ".json".length());
            String shownAs = f.toString();
            Scenario s = Scenarios.load(f, shownAs);
            Expectation e = Expectation.read(f, shownAs);
            MountOutcome o = Scenarios.predict(s, shownAs);
            rows.add(new Row(name, o, e, e == null ? List.of() : e.mismatches(o)));
        }
        PrintWriter out = spec.commandLine().getOut();
        print(out, dir, rows);
        out.flush();
        return rows.stream().anyMatch(r -> !r.mismatches().isEmpty()) ? ExitCode.FAILED_CHECK : ExitCode.OK;
    }

    private Path corpusDir() {
        Path dir;
        if (corpus != null) {
            dir = Scenarios.path(corpus, "--corpus");
        } else {
            dir = RepoRoot.find().map(r -> r.resolve(RepoRoot.CORPUS)).orElseThrow(() -> CliException.badInput(
                    "cannot find the bundled corpus (" + RepoRoot.CORPUS + "); run from the checkout, use the"
                            + " ./erofs-sim launcher, or give --corpus DIR"));
        }
        if (!Files.isDirectory(dir)) {
            throw CliException.badInput("--corpus " + dir + ": not a directory");
        }
        return dir;
    }

    private static List<Path> scenarioFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            throw CliException.badInput(dir + ": cannot list the corpus: " + e.getMessage());
        }
    }

    private static void print(PrintWriter out, Path dir, List<Row> rows) {
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"scenario", "outcome", "errno", "mode", "verdict"});
        for (Row r : rows) {
            table.add(new String[] {r.name(), OutcomeJson.outcomeName(r.outcome()), dash(Expectation.errnoOf(r.outcome())),
                    dash(Expectation.modeOf(r.outcome())), r.verdict()});
        }
        Table.print(out, table);
        long pass = rows.stream().filter(r -> r.verdict().equals("pass")).count();
        long fail = rows.stream().filter(r -> r.verdict().equals("FAIL")).count();
        long none = rows.size() - pass - fail;
        out.println();
        for (Row r : rows) {
            for (String m : r.mismatches()) {
                out.println("FAIL " + r.name() + ": " + m);
            }
        }
        if (fail > 0) {
            out.println();
        }
        out.println(rows.size() + " scenarios in " + dir + ": " + pass + " pass, " + fail + " fail, "
                + none + " without expectation");
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
