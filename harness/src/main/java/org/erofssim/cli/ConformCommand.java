package org.erofssim.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.KernelProfiles;
import org.erofssim.mount.MountOutcome;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.oracle.OracleUnavailable;
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
 * {@code conform}: checks the model on every scenario of the corpus ({@code fixtures/scenarios/},
 * recursively, in path order) against every reference it has:
 * <ul>
 *   <li><b>spec</b>: the scenario's optional {@code "expect"} (taken from the spec), on the
 *       scenario's own profile;</li>
 *   <li><b>recorded &lt;release&gt;</b>: each recorded kernel observation ({@link Recordings}) whose
 *       release has a modelled profile, the model evaluated on that profile, compared field by
 *       field ({@link OutcomeComparator}); a recording whose scenario or images changed since is
 *       stale and not compared;</li>
 *   <li><b>live &lt;release&gt;</b> with {@code --live}: the running kernel, observed now (root).</li>
 * </ul>
 * Prints one row per scenario with one column per reference, the differences, and a summary per
 * reference; writes report.json/xml/html. Exit 1 on any failed expectation or divergence.
 */
@Command(name = "conform", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"The conformance report: the model over the bundled scenario corpus.",
                "",
                "Runs the model over every scenario JSON under fixtures/scenarios/",
                "(recursively, in path order) and checks it against each reference: the",
                "scenario's \"expect\" (outcome, errno, mode, log, as the spec states them),",
                "every recorded kernel observation under fixtures/recorded/<release>/ whose",
                "release has a modelled profile, and with --live the running kernel. Prints",
                "a table and a summary; exit 1 if an expectation fails or the model diverges."})
final class ConformCommand implements Callable<Integer> {
    static final String SPEC = "spec";

    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", paramLabel = "DIR",
            description = "the scenario folder (default: fixtures/scenarios of this checkout)")
    String corpus;

    @Option(names = "--recorded", paramLabel = "DIR",
            description = "the recorded observations (default: 'recorded' beside the corpus, i.e. fixtures/recorded)")
    String recorded;

    @Option(names = "--live", description = "also observe every scenario on the running kernel (needs root)")
    boolean live;

    @Option(names = "--report", paramLabel = "DIR",
            description = "where to write report.json, report.xml (JUnit) and report.html (default: report)")
    String reportDir = "report";

    /** One scenario's result: the model outcome, the checks and their table cells. */
    record Row(String name, Path file, MountOutcome outcome, List<CaseResult.Check> checks, Map<String, String> cells,
               List<String> details, List<String> notes, long micros) {}

    @Override
    public Integer call() {
        Path dir = Corpus.dir(corpus);
        List<Path> files = Corpus.files(dir);
        Path recDir = recorded != null ? Scenarios.path(recorded, "--recorded") : Recordings.defaultDir(dir);
        if (recorded != null && !Files.isDirectory(recDir)) {
            throw CliException.badInput("--recorded " + recDir + ": not a directory");
        }
        List<String> releases = Recordings.releases(recDir);
        Map<String, Map<String, String>> refused = new LinkedHashMap<>();
        for (String r : releases) {
            refused.put(r, Recordings.refused(recDir, r));
        }
        Live lv = live ? Live.start() : null;
        if (lv != null && lv.unavailable != null) {
            // --live asks for the running kernel: checking nothing is not a pass (issue 11 item 7)
            throw CliException.unavailable("--live: kernel oracle unavailable: " + lv.unavailable);
        }
        List<String> references = new ArrayList<>();
        references.add(SPEC);
        for (String r : releases) {
            references.add("recorded " + r);
        }
        if (lv != null) {
            references.add("live " + lv.release);
        }
        List<Row> rows = new ArrayList<>();
        for (Path f : files) {
            rows.add(check(dir, f, recDir, releases, refused, lv));
        }
        PrintWriter out = spec.commandLine().getOut();
        print(out, dir, references, rows, releases, lv);
        ConformanceReport report = new ConformanceReport(
                "per scenario (default " + KernelProfiles.newest().name() + ")", references,
                lv == null ? null : lv.release, java.time.Instant.now().toString(), cases(rows));
        Path written = ReportWriter.writeAll(report, Path.of(reportDir));
        out.println("report: " + written + " (also report.xml, report.html)");
        out.flush();
        boolean bad = rows.stream().anyMatch(r -> r.checks().stream()
                .anyMatch(c -> c.verdict() instanceof Verdict.Diverges));
        return bad ? ExitCode.FAILED_CHECK : ExitCode.OK;
    }

    /** The running kernel for {@code --live}: its release, profile, and why it cannot be used (or null). */
    private record Live(String release, KernelProfile profile, String unavailable, LiveKernelOracle oracle) {
        static Live start() {
            String release = LiveKernel.release();
            KernelProfile p = LiveKernel.profile().orElse(null);
            String why = LiveKernelOracle.unavailableReason();
            if (why == null && p == null) {
                why = "kernel " + release + " has no modelled profile";
            }
            return new Live(release, p, why, new LiveKernelOracle());
        }
    }

    private Row check(Path dir, Path f, Path recDir, List<String> releases, Map<String, Map<String, String>> refused,
                      Live lv) {
        String name = Corpus.name(dir, f);
        String shownAs = f.toString();
        Scenario s = Scenarios.load(f, shownAs);
        Expectation e = Expectation.read(f, shownAs);
        long t0 = System.nanoTime();
        MountOutcome model = Scenarios.predict(s, shownAs);
        long micros = (System.nanoTime() - t0) / 1000;
        List<CaseResult.Check> checks = new ArrayList<>();
        Map<String, String> cells = new LinkedHashMap<>();
        List<String> details = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String profileName = s.kernel().profile().name();

        // the spec
        if (e == null) {
            checks.add(new CaseResult.Check(SPEC, profileName,
                    new Verdict.Unchecked("no \"expect\": the spec states no answer for this scenario"), null));
            cells.put(SPEC, "no expect");
        } else {
            List<Difference> m = e.mismatches(model);
            checks.add(new CaseResult.Check(SPEC, profileName, m.isEmpty() ? new Verdict.Agrees() : new Verdict.Diverges(m),
                    null));
            cells.put(SPEC, m.isEmpty() ? "pass" : "FAIL");
            for (Difference d : m) {
                details.add("FAIL " + name + ": " + d.field() + ": expected " + d.reference() + ", got " + d.model());
            }
        }

        // recordings
        String inputs = releases.isEmpty() ? null : Recordings.inputsSha256(f);
        for (String rel : releases) {
            String ref = "recorded " + rel;
            Recordings.Recording rec = Recordings.read(recDir, rel, name);
            if (rec == null) {
                String why = refused.get(rel).get(name);
                checks.add(new CaseResult.Check(ref, null, new Verdict.Unchecked(why != null
                        ? "refused by the live oracle when recorded: " + why
                        : "not recorded on " + rel + " (run ./erofs-sim record as root)"), null));
                cells.put(ref, why != null ? "refused" : "-");
                continue;
            }
            Optional<KernelProfile> p = KernelProfiles.forRelease(rel);
            if (p.isEmpty()) {
                checks.add(new CaseResult.Check(ref, null,
                        new Verdict.Unchecked("kernel " + rel + " has no modelled profile"), rec.outcomeJson()));
                cells.put(ref, "no profile");
                continue;
            }
            if (!inputs.equals(rec.inputsSha256())) {
                checks.add(new CaseResult.Check(ref, p.get().name(), new Verdict.Unchecked("stale: the scenario or an"
                        + " image changed since it was recorded (" + rec.date() + "); rerun ./erofs-sim record"),
                        rec.outcomeJson()));
                cells.put(ref, "stale");
                continue;
            }
            checks.add(compare(ref, name, s, model, p.get(), rec.outcome(), rec.outcomeJson(), cells, details));
            if (e != null) {
                for (Difference d : e.mismatches(rec.outcome())) {
                    notes.add("NOTE " + name + ": the " + ref + " outcome does not meet the scenario's expect: "
                            + d.field() + ": expected " + d.reference() + ", kernel " + d.model());
                }
            }
        }

        // the running kernel
        if (lv != null) {
            String ref = "live " + lv.release;
            String why = lv.unavailable != null ? lv.unavailable : lv.oracle.refusal(s);
            if (why != null) {
                checks.add(new CaseResult.Check(ref, null, new Verdict.Unchecked(
                        (lv.unavailable != null ? "kernel oracle unavailable: " : "refused by the live oracle: ") + why),
                        null));
                cells.put(ref, lv.unavailable != null ? "-" : "refused");
            } else {
                try {
                    MountOutcome k = lv.oracle.observe(s);
                    checks.add(compare(ref, name, s, model, lv.profile, k, OutcomeJson.write(k), cells, details));
                } catch (OracleUnavailable x) {
                    checks.add(new CaseResult.Check(ref, null,
                            new Verdict.Unchecked("kernel oracle unavailable: " + x.reason()), null));
                    cells.put(ref, "-");
                }
            }
        }
        return new Row(name, f, model, checks, cells, details, notes, micros);
    }

    /** The model on {@code profile} (the scenario's own outcome when that is its profile) against a kernel outcome. */
    private static CaseResult.Check compare(String ref, String name, Scenario s, MountOutcome model, KernelProfile profile,
                                            MountOutcome kernel, String kernelJson, Map<String, String> cells,
                                            List<String> details) {
        MountOutcome m = s.kernel().profile().name().equals(profile.name()) ? model
                : Scenarios.predict(LiveKernel.onRunningKernel(s, profile), name);
        List<Difference> diffs = OutcomeComparator.compare(m, kernel);
        cells.put(ref, diffs.isEmpty() ? "agree" : "DIVERGE");
        for (Difference d : diffs) {
            details.add("DIVERGE " + name + " (" + ref + ", model " + profile.name() + "): " + d.field() + ": model "
                    + d.model() + ", kernel " + d.reference());
        }
        return new CaseResult.Check(ref, profile.name(), diffs.isEmpty() ? new Verdict.Agrees()
                : new Verdict.Diverges(diffs), kernelJson);
    }

    private static List<CaseResult> cases(List<Row> rows) {
        List<CaseResult> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new CaseResult(r.name(), r.file().toString(), r.checks(), OutcomeJson.write(r.outcome()), r.micros()));
        }
        return out;
    }

    private static void print(PrintWriter out, Path dir, List<String> references, List<Row> rows, List<String> releases,
                              Live lv) {
        List<String[]> table = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("scenario", "outcome", "errno", "mode"));
        for (String ref : references) {
            head.add(ref.equals(SPEC) ? "spec" : ref.startsWith("live ") ? "live" : ref.substring("recorded ".length()));
        }
        table.add(head.toArray(new String[0]));
        for (Row r : rows) {
            List<String> row = new ArrayList<>(List.of(r.name(), OutcomeJson.outcomeName(r.outcome()),
                    dash(Expectation.errnoOf(r.outcome())), dash(Expectation.modeOf(r.outcome()))));
            for (String ref : references) {
                row.add(r.cells().getOrDefault(ref, "-"));
            }
            table.add(row.toArray(new String[0]));
        }
        Table.print(out, table);
        out.println();
        boolean any = false;
        for (Row r : rows) {
            for (String d : r.details()) {
                out.println(d);
                any = true;
            }
        }
        for (Row r : rows) {
            for (String n : r.notes()) {
                out.println(n);
                any = true;
            }
        }
        if (any) {
            out.println();
        }
        long pass = count(rows, SPEC, "pass");
        long fail = count(rows, SPEC, "FAIL");
        out.println(rows.size() + " scenarios in " + dir + ": " + pass + " pass, " + fail + " fail, "
                + (rows.size() - pass - fail) + " without expectation");
        for (String ref : references) {
            if (ref.equals(SPEC)) {
                continue;
            }
            String profile = ref.startsWith("live ") ? (lv.profile == null ? "none" : lv.profile.name())
                    : KernelProfiles.forRelease(ref.substring("recorded ".length())).map(KernelProfile::name)
                            .orElse("none");
            long agree = count(rows, ref, "agree");
            long diverge = count(rows, ref, "DIVERGE");
            long refusedN = count(rows, ref, "refused");
            long stale = count(rows, ref, "stale");
            long missing = rows.size() - agree - diverge - refusedN - stale;
            if (ref.startsWith("live ")) {
                out.println(ref + " (model profile " + profile + "): " + agree + " agree, " + diverge + " diverge, "
                        + refusedN + " refused, " + missing + " unchecked"
                        + (lv.unavailable != null ? " (" + lv.unavailable + ")" : ""));
            } else {
                out.println(ref + " (model profile " + profile + "): " + agree + " agree, " + diverge + " diverge, "
                        + refusedN + " refused, " + stale + " stale, " + missing + " not recorded");
            }
        }
        if (releases.isEmpty()) {
            out.println("no recorded kernel observations beside the corpus (make them with ./erofs-sim record, as root)");
        }
    }

    private static long count(List<Row> rows, String ref, String cell) {
        return rows.stream().filter(r -> cell.equals(r.cells().get(ref))).count();
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
