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
import org.erofssim.report.CaseResult;
import org.erofssim.report.ConformanceReport;
import org.erofssim.report.Difference;
import org.erofssim.report.ReportWriter;
import org.erofssim.report.Verdict;
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

    @Option(names = "--report", paramLabel = "DIR",
            description = "where to write report.json, report.xml (JUnit) and report.html (default: report)")
    String reportDir = "report";

    /** One scenario's result. */
    record Row(String name, Path file, MountOutcome outcome, Expectation expect, List<Difference> mismatches,
               long micros) {
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
            long t0 = System.nanoTime();
            MountOutcome o = Scenarios.predict(s, shownAs);
            long micros = (System.nanoTime() - t0) / 1000;
            rows.add(new Row(name, f, o, e, e == null ? List.of() : e.mismatches(o), micros));
        }
        PrintWriter out = spec.commandLine().getOut();
        print(out, dir, rows);
        Path written = ReportWriter.writeAll(report(rows), Path.of(reportDir));
        out.println("report: " + written + " (also report.xml, report.html)");
        out.flush();
        return rows.stream().anyMatch(r -> !r.mismatches().isEmpty()) ? ExitCode.FAILED_CHECK : ExitCode.OK;
    }

    private static ConformanceReport report(List<Row> rows) {
        List<CaseResult> cases = new ArrayList<>();
        for (Row r : rows) {
            Verdict v;
            if (r.expect() == null) {
                v = new Verdict.Unchecked("no expectation and no recorded kernel observation");
            } else if (r.mismatches().isEmpty()) {
                v = new Verdict.Agrees();
            } else {
                v = new Verdict.Diverges(r.mismatches());
            }
            cases.add(new CaseResult(r.name(), r.file().toString(), "spec expectation", OutcomeJson.write(r.outcome()),
                    v, r.micros()));
        }
        String profile = rows.isEmpty() ? "" : "per scenario (default " + org.erofssim.kernel.KernelProfiles.newest().name() + ")";
        return new ConformanceReport(profile, null, java.time.Instant.now().toString(), cases);
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
            for (Difference m : r.mismatches()) {
                out.println("FAIL " + r.name() + ": " + m.field() + ": expected " + m.reference() + ", got " + m.model());
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
