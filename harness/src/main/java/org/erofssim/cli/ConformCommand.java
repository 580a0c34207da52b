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
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.contract.MountOutcome;
import org.erofssim.reference.Case;
import org.erofssim.reference.Comparison;
import org.erofssim.reference.Expectation;
import org.erofssim.reference.FsckReference;
import org.erofssim.reference.HostKernel;
import org.erofssim.reference.Identity;
import org.erofssim.reference.Observation;
import org.erofssim.reference.RecordedKernel;
import org.erofssim.reference.Recordings;
import org.erofssim.reference.Reference;
import org.erofssim.reference.SpecExpectation;
import org.erofssim.report.CaseResult;
import org.erofssim.report.ConformanceReport;
import org.erofssim.report.Bench;
import org.erofssim.report.Difference;
import org.erofssim.report.Finding;
import org.erofssim.report.ModelProfile;
import org.erofssim.report.ReferenceId;
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
 *       field ({@link org.erofssim.compare.OutcomeComparator}); a recording whose scenario or images changed since is
 *       stale and not compared;</li>
 *   <li><b>live &lt;release&gt;</b> with {@code --live}: the running kernel, observed now (root);</li>
 *   <li><b>erofs-utils &lt;version&gt;</b> with {@code --utils}: {@code fsck.erofs --extract} on the
 *       scenario's image ({@link FsckReference}), compared on the fields it can speak for.</li>
 * </ul>
 * Each is a {@link Reference}; the command loops over them. Prints one row per scenario with one column per reference, the differences, and a summary per
 * reference; writes report.json/xml/html. Exit 1 on any failed expectation or divergence.
 */
@Command(name = "conform", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"The conformance report: the model over the bundled scenario corpus.",
                "",
                "Runs the model over every scenario JSON under fixtures/scenarios/ and the",
                "host-recorded corpora fixtures/{modern,readpattern,mount-api,fuzz-found,fscache}/",
                "scenarios/ (recursively, in path order) and checks it against each reference: the",
                "scenario's \"expect\" (outcome, errno, mode, log, as the spec states them),",
                "every recorded kernel observation under fixtures/recorded/<release>/ whose",
                "release has a modelled profile, with --live the running kernel, and with",
                "--utils erofs-utils' fsck.erofs. Prints",
                "a table and a summary; exit 1 if an expectation fails or the model diverges."})
final class ConformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private Scenarios.Notes notes;

    /** Resolution notes of the scenarios' {@code "kernel"}, each printed once to stderr. */
    private Scenarios.Notes notes() {
        if (notes == null) {
            notes = new Scenarios.Notes(spec.commandLine().getErr());
        }
        return notes;
    }

    @Option(names = "--corpus", paramLabel = "DIR",
            description = "the scenario folder (default: fixtures/scenarios and the host-recorded corpora"
                    + " fixtures/{modern,readpattern,mount-api,fuzz-found,fscache}/scenarios of this checkout, each with the"
                    + " recordings beside it; a scenario of one corpus is n/a for a release that did not record it)")
    String corpus;

    @Option(names = "--recorded", paramLabel = "DIR",
            description = "the recorded observations (default: 'recorded' beside the corpus, i.e. fixtures/recorded)")
    String recorded;

    @Option(names = "--live", description = "also observe every scenario on the running kernel (needs root); with"
            + " --kernel NAME, a kernel of 'erofs-sim kernels' (e.g. 6.1), booted once in QEMU for the whole corpus")
    boolean live;

    @Option(names = "--utils", description = "also check every scenario against erofs-utils: fsck.erofs --extract on its image (accepted or"
                    + " not, and the extracted tree), the model on the scenario's own profile; refused where the outcome"
                    + " turns on what only the kernel sees.")
    boolean utils;

    @Option(names = "--utils-dir", paramLabel = "DIR",
            description = "with --utils (implied): fsck.erofs of the erofs-utils build in DIR (its bin/, as .ci/build-erofs-utils makes it);"
                    + " default: that of $EROFSSIM_EROFS_UTILS when set, else fsck.erofs on PATH. Exit 77 when there is none")
    String utilsDir;

    @Option(names = "--quiet", description = "no progress counter on stderr (it is off anyway when stderr is not a terminal)")
    boolean quiet;

    @Option(names = "--report", paramLabel = "DIR",
            description = "where to write report.json, report.xml (JUnit) and report.html (default: report)")
    String reportDir = "report";

    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = {"evaluate the model on this release for every scenario instead of each scenario's "
                    + "\"kernel\" (resolved as a scenario's \"kernel\"); checked against the scenarios' \"expect\".",
                    "Recorded and live kernels are always compared with their own release's profile.",
                    "With --live, a kernel of 'erofs-sim kernels' names the VM kernel to boot instead, and the"
                            + " model's check against \"expect\" stays per scenario."})
    String kernel;

    /** The release the model is evaluated on for every scenario: --kernel, unless it names the VM kernel of --live. */
    private String modelKernel;

    @Option(names = "--config", paramLabel = "SYMBOL=y|n",
            description = "set a CONFIG symbol for the model's evaluation of every scenario (repeatable), e.g. EROFS_FS_ONDEMAND=y;"
                    + " like --kernel, it applies to the check against \"expect\", not to the kernels' profiles")
    List<String> config = new ArrayList<>();

    @Option(names = "--bench", paramLabel = "FILE",
            description = "benchmark figures (JSON, e.g. written by erofs-sim bench) to show, with a plot, in report.html")
    String bench;

    /** One scenario's result: the model outcome, the checks and their table cells. */
    record Row(String name, Path file, Scenario scenario, MountOutcome outcome, List<CaseResult.Check> checks, Map<String, String> cells,
               List<String> details, List<String> notes, long micros) {}

    @Override
    public Integer call() {
        String unwritable = ReportWriter.cannotWrite(Path.of(reportDir));
        if (unwritable != null) {
            throw CliException.badInput("--report " + unwritable);
        }
        Bench benchFigures = bench == null ? null : readBench(Scenarios.path(bench, "--bench"));
        // --live --kernel NAME with NAME a kernel of 'erofs-sim kernels': that kernel booted once in
        // QEMU for the whole corpus (exit 77 when it cannot boot), instead of the running one; it is
        // compared with its own release's profile, and the spec's expectations stay per scenario
        boolean vm = live && kernel != null && org.erofssim.vm.KernelCatalog.load().find(kernel).isPresent();
        modelKernel = vm ? null : kernel;
        ModelProfile modelProfile = modelProfile();
        Path dir = Corpus.dir(corpus);
        List<Path> files = new ArrayList<>(Corpus.files(dir));
        Path recDir = recorded != null ? Scenarios.path(recorded, "--recorded") : Recordings.defaultDir(dir);
        if (recorded != null && !Files.isDirectory(recDir)) {
            throw CliException.badInput("--recorded " + recDir + ": not a directory");
        }
        // the default run covers the bundled corpus and the host-recorded corpora beside it (Corpus.EXTRA:
        // modern, readpattern, mount-api, fuzz-found, fscache, nofileio, backports), each with its own recordings; --corpus/--recorded
        // (or a VM kernel) pick one corpus as before
        corpora = new LinkedHashMap<>();
        corpora.put(dir, recDir);
        if (corpus == null && recorded == null && !vm) {
            Corpus.extras().forEach(m -> corpora.put(m, Recordings.defaultDir(m)));
        }
        for (Path extra : corpora.keySet()) {
            if (!extra.equals(dir)) {
                files.addAll(Corpus.files(extra));
            }
        }
        List<Reference> references = new ArrayList<>();
        references.add(new SpecExpectation());
        List<? extends Reference> recordings = corpora.size() == 1 ? RecordedKernel.all(recDir)
                : CorporaRecordings.all(corpora);
        references.addAll(recordings);
        HostKernel host = live && !vm ? new HostKernel() : null;
        if (host != null) {
            references.add(host);
        }
        if (vm) {
            try {
                references.add(VmReference.boot(kernel, dir, files, null, null, spec.commandLine().getErr()));
            } catch (CliException e) {
                String m = e.getMessage() == null ? "" : e.getMessage();
                throw new CliException(e.exitCode(), m.contains(kernel) ? m : "--live --kernel " + kernel + ": " + m);
            }
        }
        if (utils || utilsDir != null) {
            FsckReference fsck = FsckReference.find(utilsDir == null ? null : Scenarios.path(utilsDir, "--utils-dir"));
            String fsckWhy = fsck.unavailable().orElse(null);
            if (fsckWhy != null) {
                // --utils asks for erofs-utils: checking nothing is not a pass
                throw CliException.unavailable("--utils: erofs-utils unavailable: " + fsckWhy);
            }
            references.add(fsck);
        }
        if (host != null) {
            String hostWhy = host.unavailable().orElse(null);
            if (hostWhy != null) {
                // --live asks for the running kernel: checking nothing is not a pass (issue 11 item 7)
                throw CliException.unavailable("--live: kernel oracle unavailable: " + hostWhy);
            }
        }
        // why a reference cannot answer at all here; a live kernel without a profile has nothing to compare with
        Map<Reference, String> unavailable = new LinkedHashMap<>();
        for (Reference ref : references) {
            String why = ref.unavailable().orElse(null);
            if (why == null && ref == host && host.profile().isEmpty()) {
                why = "kernel " + host.release() + " has no modelled profile";
            }
            if (why != null) {
                unavailable.put(ref, why);
            }
        }
        List<Row> rows = new ArrayList<>();
        try (Progress progress = Progress.start(spec.commandLine().getErr(), "conform: scenario", files.size(), quiet)) {
            for (Path f : files) {
                rows.add(check(dir, f, references, unavailable));
                progress.update(rows.size());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        print(out, corpora.keySet(), references, unavailable, rows, recordings.isEmpty());
        ConformanceReport report = new ConformanceReport(modelProfile,
                references.stream().map(r -> id(r.identity())).toList(),
                host == null ? null : host.release(), java.time.Instant.now().toString(), dir, cases(dir, rows),
                findings(), benchFigures);
        if (!modelProfile.perScenario() || !modelProfile.config().isEmpty()) {
            out.println("model: " + modelProfile.describe());
        }
        Path written = ReportWriter.writeAll(report, Path.of(reportDir));
        out.println("report: " + written + " (also report.xml, report.html)");
        out.flush();
        boolean bad = rows.stream().anyMatch(r -> r.checks().stream()
                .anyMatch(c -> c.verdict() instanceof Verdict.Diverges));
        return bad ? ExitCode.FAILED_CHECK : ExitCode.OK;
    }

    /** The corpora of this run, each with its recordings folder, the first the main one ({@code --corpus}). */
    private Map<Path, Path> corpora = Map.of();

    /**
     * The scenario's corpus folder and the name reports show: its corpus name, prefixed with the corpus's
     * folder name relative to the main corpus's parent ({@code modern/...}) for a scenario of another corpus.
     */
    private String[] corpusAndName(Path dir, Path f) {
        for (Path c : corpora.keySet()) {
            if (!c.equals(dir) && f.toAbsolutePath().normalize().startsWith(c.toAbsolutePath().normalize())) {
                Path parent = dir.toAbsolutePath().normalize().getParent();
                Path rel = parent == null ? c.getFileName() : parent.relativize(c.toAbsolutePath().normalize());
                String prefix = rel.getName(0).toString();
                return new String[] {Corpus.name(c, f), prefix + "/" + Corpus.name(c, f)};
            }
        }
        return new String[] {Corpus.name(dir, f), Corpus.name(dir, f)};
    }

    private Row check(Path dir, Path f, List<Reference> references, Map<Reference, String> unavailable) {
        String[] names = corpusAndName(dir, f);
        String name = names[1];
        String shownAs = f.toString();
        Scenario own = Scenarios.load(f, shownAs, notes());
        // the model's evaluation: the scenario, or --kernel/--config applied to it
        Scenario s = KernelOptions.apply(own, modelKernel, config, notes());
        boolean overridden = s != own;
        Expectation e = Expectation.read(f, shownAs);
        Case c = new Case(names[0], f, own);
        long t0 = System.nanoTime();
        MountOutcome model = Scenarios.predict(s, shownAs);
        long micros = (System.nanoTime() - t0) / 1000;
        List<CaseResult.Check> checks = new ArrayList<>();
        Map<String, String> cells = new LinkedHashMap<>();
        List<String> details = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Reference ref : references) {
            String label = ref.identity().label();
            String why = unavailable.get(ref);
            Observation o = why != null
                    ? new Observation.Unchecked(Observation.Why.UNAVAILABLE, "kernel oracle unavailable: " + why, null)
                    : ref.observe(c);
            // the spec checks the evaluated model; a kernel is compared with its own release's profile
            boolean spec = ref.comparison() == Comparison.EXPECTATION_SUBSET;
            Optional<KernelProfile> p = ref.profile(spec ? s : own);
            if (o instanceof Observation.Observed && p.isEmpty()) {
                o = new Observation.Unchecked(Observation.Why.NO_PROFILE, "kernel " + ref.identity().release()
                        + " has no modelled profile", ((Observation.Observed) o).json());
            }
            if (o instanceof Observation.Unchecked u) {
                checks.add(new CaseResult.Check(id(ref.identity()), u.why().profiled() ? p.map(KernelProfile::name).orElse(null) : null,
                        new Verdict.Unchecked(u.reason()), u.json()));
                cells.put(label, ref instanceof CorporaRecordings cr && !cr.covers(c) ? OTHER_CORPUS : u.why().cell());
                continue;
            }
            checks.add(compare(ref, label, name, spec ? s : own, spec || !overridden ? model : null, p.get(), o, cells,
                    details));
            // the expect states the answer of the scenario's own release; other kernels differ by design
            if (e != null && ref.identity().kind() == Identity.Kind.RECORDED && p.get() == own.kernel().profile()) {
                for (Difference d : e.mismatches(((Observation.Observed) o).outcome())) {
                    notes.add("NOTE " + name + ": the " + label + " outcome does not meet the scenario's expect: "
                            + d.field() + ": expected " + d.reference() + ", kernel " + d.model());
                }
            }
        }
        return new Row(name, f, s, model, checks, cells, details, notes, micros);
    }

    /**
     * The model on {@code profile} ({@code model}, the outcome already evaluated for {@code s}, when
     * that is {@code s}'s profile; null to evaluate anew) against a reference's answer, as the
     * reference compares: the spec's cells say pass/FAIL, a kernel's agree/DIVERGE.
     */
    private static CaseResult.Check compare(Reference ref, String label, String name, Scenario s, MountOutcome model,
                                            KernelProfile profile, Observation answer, Map<String, String> cells,
                                            List<String> details) {
        MountOutcome m = model != null && s.kernel().profile().name().equals(profile.name()) ? model
                : Scenarios.predict(Reference.onProfile(s, profile), name);
        List<Difference> diffs = ref.comparison().differences(m, answer);
        boolean spec = ref.comparison() == Comparison.EXPECTATION_SUBSET;
        String who = ref.comparison() == Comparison.FSCK_IMAGE ? "fsck.erofs" : "kernel";
        cells.put(label, diffs.isEmpty() ? (spec ? "pass" : "agree") : (spec ? "FAIL" : "DIVERGE"));
        for (Difference d : diffs) {
            details.add(spec
                    ? "FAIL " + name + ": " + d.field() + ": expected " + d.reference() + ", got " + d.model()
                    : "DIVERGE " + name + " (" + label + ", model " + profile.name() + "): " + d.field() + ": model "
                            + d.model() + ", " + who + " " + d.reference());
        }
        return new CaseResult.Check(id(ref.identity()), profile.name(), diffs.isEmpty() ? new Verdict.Agrees()
                : new Verdict.Diverges(diffs), answer instanceof Observation.Observed ob ? ob.json() : null);
    }

    private static List<CaseResult> cases(Path dir, List<Row> rows) {
        List<CaseResult> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new CaseResult(r.name(), dir.relativize(r.file()).toString().replace('\\', '/'),
                    sourceKind(r.scenario()), r.scenario().kernel().profile().name(), r.checks(),
                    OutcomeJson.write(r.outcome()), r.micros()));
        }
        return out;
    }

    /** The model profile(s) this run evaluates, for the report: per scenario, or --kernel/--config. */
    private ModelProfile modelProfile() {
        Map<String, Boolean> symbols = new java.util.TreeMap<>();
        KernelOptions.config(config).forEach((flag, on) -> symbols.put(flag.symbol(), on));
        if (modelKernel == null) {
            return new ModelProfile(true, Releases.DEFAULT.name(), symbols);
        }
        return new ModelProfile(false, KernelOptions.release(modelKernel, note -> { }).name(), symbols);
    }

    /** A reference's identity as the report writes it. */
    static ReferenceId id(Identity identity) {
        return new ReferenceId(identity.kind().word(), identity.release());
    }

    /**
     * What the scenario gives mount(2) as its source, for the report's matrix: the kind of node
     * its path reaches in the scenario's namespace, following symlinks ({@code bdev},
     * {@code file/ext4}, {@code dir}, {@code chardev}, ...), {@code none} without a source,
     * {@code fscache} for an fscache source, {@code missing} when the path walk fails.
     */
    static String sourceKind(Scenario s) {
        String src = s.source();
        if (src == null) {
            return "none";
        }
        if (src.startsWith(org.erofssim.block.VirtualNamespace.FSCACHE_PREFIX)) {
            return "fscache";
        }
        try {
            org.erofssim.block.Node n = s.namespace().resolve(src, true).node();
            return n instanceof org.erofssim.block.Node.RegularFile f ? "file/" + f.fs().contractName() : n.kind();
        } catch (RuntimeException e) {
            return "missing";
        }
    }

    /** The findings catalogue of this checkout ({@code docs/findings/*.md} but its README), by file name. */
    private static List<Finding> findings() {
        Path folder = RepoRoot.find().map(r -> r.resolve("docs/findings")).orElse(null);
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        try (var files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".md") && !p.getFileName().toString().equals("README.md"))
                    .sorted().toList()) {
                out.add(finding(f));
            }
        } catch (java.io.IOException e) {
            throw CliException.badInput(folder + ": " + e.getMessage());
        }
        return out;
    }

    /** A finding's first heading and its first paragraph after it, Markdown marks removed. */
    static Finding finding(Path f) throws java.io.IOException {
        String title = f.getFileName().toString();
        StringBuilder para = new StringBuilder();
        boolean inPara = false;
        for (String line : Files.readAllLines(f)) {
            if (line.startsWith("# ") && para.isEmpty() && !inPara) {
                title = line.substring(2).strip();
            } else if (line.isBlank()) {
                if (inPara) {
                    break;
                }
            } else if (!line.startsWith("#")) {
                inPara = true;
                para.append(para.isEmpty() ? "" : " ").append(line.strip());
            }
        }
        String summary = para.toString().replaceAll("\\*\\*|`", "");
        return new Finding(title, summary.length() > 400 ? summary.substring(0, 397) + "..." : summary, f);
    }

    /** {@code --bench FILE}: its JSON, or exit 2 naming the file. */
    private static Bench readBench(Path f) {
        try {
            return new Bench(f, new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile()));
        } catch (java.io.IOException e) {
            throw CliException.badInput("--bench " + f + ": " + e.getMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    /** The cell of a recorded release for a scenario of a corpus that release never recorded. */
    static final String OTHER_CORPUS = "n/a";

    private static void print(PrintWriter out, java.util.Collection<Path> dirs, List<Reference> references,
                              Map<Reference, String> unavailable, List<Row> rows, boolean noRecordings) {
        String dir = String.join(" and ", dirs.stream().map(Path::toString).toList());
        List<String[]> table = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("scenario", "outcome", "errno", "mode"));
        for (Reference ref : references) {
            Identity id = ref.identity();
            head.add(id.kind() == Identity.Kind.RECORDED ? id.release() : id.kind().word());
        }
        table.add(head.toArray(new String[0]));
        for (Row r : rows) {
            List<String> row = new ArrayList<>(List.of(r.name(), OutcomeJson.outcomeName(r.outcome()),
                    dash(Expectation.errnoOf(r.outcome())), dash(Expectation.modeOf(r.outcome()))));
            for (Reference ref : references) {
                row.add(r.cells().getOrDefault(ref.identity().label(), "-"));
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
        for (Reference ref : references) {
            String label = ref.identity().label();
            if (ref.comparison() == Comparison.EXPECTATION_SUBSET) {
                long pass = count(rows, label, "pass");
                long fail = count(rows, label, "FAIL");
                out.println(rows.size() + " scenarios in " + dir + ": " + pass + " pass, " + fail + " fail, "
                        + (rows.size() - pass - fail) + " without expectation");
                continue;
            }
            // a kernel's profile is its release's, whatever the scenario
            String profile = ref.comparison() == Comparison.FSCK_IMAGE ? "each scenario's"
                    : ref.profile(rows.get(0).scenario()).map(KernelProfile::name).orElse("none");
            long agree = count(rows, label, "agree");
            long diverge = count(rows, label, "DIVERGE");
            long refusedN = count(rows, label, "refused");
            long stale = count(rows, label, "stale");
            long other = count(rows, label, OTHER_CORPUS);
            long missing = rows.size() - agree - diverge - refusedN - stale - other;
            if (ref.identity().kind() == Identity.Kind.RECORDED) {
                out.println(label + " (model profile " + profile + "): " + agree + " agree, " + diverge + " diverge, "
                        + refusedN + " refused, " + stale + " stale, " + missing + " not recorded"
                        + (other > 0 ? ", " + other + " of a corpus this release did not record (n/a)" : ""));
            } else {
                String why = unavailable.get(ref);
                out.println(label + " (model profile " + profile + "): " + agree + " agree, " + diverge + " diverge, "
                        + refusedN + " refused, " + missing + " unchecked" + (why != null ? " (" + why + ")" : ""));
            }
        }
        if (noRecordings) {
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
