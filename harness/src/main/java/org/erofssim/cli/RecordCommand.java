package org.erofssim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.MountOutcome;
import org.erofssim.reference.Case;
import org.erofssim.reference.Expectation;
import org.erofssim.reference.HostKernel;
import org.erofssim.reference.Observation;
import org.erofssim.reference.Recordings;
import org.erofssim.reference.Reference;
import org.erofssim.reference.ReferenceInputException;
import org.erofssim.contract.MountOutcome;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.oracle.OracleUnavailable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code record}: observes every corpus scenario on the running kernel and writes the outcomes
 * as recorded observations ({@link Recordings}), so that {@code conform} can check the model
 * against this kernel on any machine, without root. Scenarios the live oracle refuses (a FIFO
 * source would hang mount(2)) are listed and named in {@code refused.tsv}, not recorded. A
 * recording whose inputs and outcome are unchanged is left as it is (header included), so that
 * recording again only changes what the kernel now does differently.
 */
@Command(name = "record", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Record the running kernel's outcome of every corpus scenario.",
                "",
                "Observes each scenario of the corpus like 'observe' and writes",
                "<recorded>/<uname -r>/<scenario>.json (the outcome plus a header: kernel",
                "release, date, erofs-sim version). Refused scenarios are listed, not",
                "recorded. Needs root (exit 77 otherwise). With --kernel NAME the kernel is",
                "one of 'erofs-sim kernels', booted once in QEMU for the whole corpus; with",
                "--from-observations FILE the answers are those an earlier vm-observe run",
                "printed (no root needed). A counter runs on stderr while it records when",
                "stderr is a terminal (not with --quiet)."})
final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", paramLabel = "DIR",
            description = "the scenario folder (default: fixtures/scenarios of this checkout)")
    String corpus;

    @Option(names = "--out", paramLabel = "DIR",
            description = "the recordings folder (default: 'recorded' beside the corpus, i.e. fixtures/recorded)")
    String outDir;

    @Option(names = "--kernel", paramLabel = "NAME",
            description = "record a kernel of 'erofs-sim kernels' booted in QEMU (e.g. 6.1, 7.3) instead of the running one")
    String kernel;

    @Option(names = "--from-observations", paramLabel = "FILE", split = ",",
            description = "record what earlier 'vm-observe' runs printed (JSON lines of one kernel; later files win) instead of observing now")
    List<Path> fromObservations;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "with --kernel: bound of the whole boot (default 180 + 120 per scenario)")
    Long timeout;

    @Option(names = "--cache", paramLabel = "DIR", description = "with --kernel: kernel cache folder (see 'kernels')")
    Path cacheDir;

    @Option(names = "--quiet", description = "no counter on stderr (the per-scenario lines stay)")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if (kernel != null && fromObservations != null) {
            throw CliException.badInput("--kernel and --from-observations exclude each other");
        }
        Path dir = Corpus.dir(corpus);
        List<Path> files = Corpus.files(dir);
        List<Scenario> scenarios = new ArrayList<>();
        for (Path f : files) {
            scenarios.add(Scenarios.load(f, f.toString()));
        }
        // the kernel to record: the running one, one booted in QEMU, or a VM run's printed answers
        List<Reference> kernels = List.of(kernel != null
                ? VmReference.boot(kernel, dir, files, timeout, cacheDir, spec.commandLine().getErr())
                : fromObservations != null ? VmReference.fromObservations(fromObservations, dir, files)
                : new HostKernel());
        for (Reference ref : kernels) {
            String why = ref.unavailable().orElse(null);
            if (why != null) {
                throw CliException.unavailable("kernel oracle unavailable: " + why);
            }
        }
        int rc = ExitCode.OK;
        for (Reference ref : kernels) {
            rc = Math.max(rc, record(ref, dir, files, scenarios));
        }
        return rc;
    }

    /** Records every scenario on one kernel reference into {@code <out>/<its release>/}. */
    private int record(Reference ref, Path dir, List<Path> files, List<Scenario> scenarios) throws IOException {
        Path out = outDir != null ? Scenarios.path(outDir, "--out") : Recordings.defaultDir(dir);
        String release = ref.identity().release();
        Path releaseDir = out.resolve(release);
        Files.createDirectories(releaseDir);
        Progress counter = Progress.start(spec.commandLine().getErr(), "record " + release + ": scenario", files.size(),
                quiet);
        PrintWriter pw = counter.above(spec.commandLine().getOut());
        String version = new Main.Version().getVersion()[0].replaceFirst("^erofs-sim ", "");
        String commit = gitCommit();
        Map<String, String> refused = new TreeMap<>();
        Map<String, String> failed = new TreeMap<>();
        Set<Path> written = new HashSet<>();
        int recorded = 0;
        int unchanged = 0;
        int absent = 0;
        Map<String, String> refusedBefore = Recordings.refused(out, release);
        for (int i = 0; i < files.size(); i++) {
            counter.update(i);
            Path f = files.get(i);
            String name = Corpus.name(dir, f);
            Scenario s = scenarios.get(i);
            Path target = Recordings.file(out, release, name);
            Case c = new Case(name, f, s);
            String refusal = ref.refuses(c).orElse(null);
            if (refusal != null) {
                refused.put(name, refusal);
                Files.deleteIfExists(target); // a recording from before the refusal would be stale
                pw.println("refused      " + name + ": " + refusal);
                pw.flush();
                continue;
            }
            Observation observation = ref.observe(c);
            if (observation instanceof Observation.Unchecked u && u.why() == Observation.Why.NOT_RECORDED) {
                absent++; // --from-observations: the earlier run did not observe this scenario
                String before = refusedBefore.get(name);
                if (before != null) {
                    refused.put(name, before); // nor refuse it now: its earlier refusal stands
                }
                continue;
            }
            if (!(observation instanceof Observation.Observed observed)) {
                String reason = observation instanceof Observation.Unchecked u ? u.reason() : "no kernel outcome";
                failed.put(name, reason);
                pw.println("NOT RECORDED " + name + ": " + reason);
                pw.flush();
                continue;
            }
            MountOutcome o = observed.outcome();
            String inputs = Recordings.inputsSha256(f);
            ObjectNode tree = OutcomeJson.toTree(o);
            written.add(target.toAbsolutePath().normalize());
            recorded++;
            if (sameAsRecorded(out, release, name, inputs, tree)) {
                unchanged++;
                pw.println("unchanged    " + name);
                pw.flush();
                continue; // keep the file (and its header: first observed then, still so)
            }
            ObjectNode h = header(release, version, commit);
            h.put("scenario", dir.relativize(f).toString());
            h.put("inputsSha256", inputs);
            Files.createDirectories(target.getParent());
            Files.writeString(target, Recordings.format(h, tree));
            pw.println("recorded     " + name + ": " + OutcomeJson.outcomeName(o)
                    + (Expectation.errnoOf(o) != null ? " " + Expectation.errnoOf(o) : "")
                    + (Expectation.modeOf(o) != null ? " " + Expectation.modeOf(o) : ""));
            pw.flush();
        }
        counter.close();
        if (!refused.equals(Recordings.refused(out, release)) || !Files.exists(releaseDir.resolve(Recordings.REFUSED))) {
            Recordings.writeRefused(releaseDir, header(release, version, commit), refused);
        }
        List<String> orphans = orphans(releaseDir, written, refused.keySet(), failed.keySet());
        for (String o : orphans) {
            pw.println("orphan       " + o + ": a recording without a scenario of this corpus (left in place)");
        }
        pw.println();
        pw.println("recorded " + recorded + " of " + files.size() + " scenarios of " + dir + " on " + release + " into "
                + releaseDir + " (" + unchanged + " unchanged); " + refused.size() + " refused, " + failed.size()
                + " not recorded"
                + (absent == 0 ? "" : ", " + absent + " not in the observations")
                + (orphans.isEmpty() ? "" : ", " + orphans.size() + " orphan recording(s)"));
        pw.flush();
        return failed.isEmpty() ? ExitCode.OK : ExitCode.ORACLE_UNAVAILABLE;
    }

    /** Whether a fresh (same inputs) recording of this scenario already holds exactly this outcome. */
    private static boolean sameAsRecorded(Path out, String release, String name, String inputs, ObjectNode outcome) {
        Recordings.Recording old;
        try {
            old = Recordings.read(out, release, name);
        } catch (ReferenceInputException e) {
            return false; // unreadable: rewrite it
        }
        if (old == null || !inputs.equals(old.inputsSha256())) {
            return false;
        }
        try {
            // as text: the parsed tree holds IntNodes where the written one has LongNodes
            return Recordings.mapper().writeValueAsString(Recordings.mapper().readTree(old.outcomeJson()))
                    .equals(Recordings.mapper().writeValueAsString(outcome));
        } catch (IOException e) {
            return false;
        }
    }

    private static ObjectNode header(String release, String version, String commit) {
        ObjectNode h = Recordings.mapper().createObjectNode();
        h.put("kernel", release);
        h.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        h.put("erofsSim", version);
        if (commit != null) {
            h.put("commit", commit);
        }
        return h;
    }

    private static List<String> orphans(Path releaseDir, Set<Path> written, Set<String> refused, Set<String> failed)
            throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(releaseDir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (!p.toString().endsWith(".json")) {
                    continue;
                }
                String name = Corpus.name(releaseDir, p);
                if (!written.contains(p.toAbsolutePath().normalize()) && !refused.contains(name) && !failed.contains(name)) {
                    out.add(releaseDir.relativize(p).toString());
                }
            }
        }
        return out;
    }

    /** {@code git describe --always --dirty} of the checkout, or null. */
    private static String gitCommit() {
        Path root = RepoRoot.find().orElse(null);
        if (root == null || !Files.exists(root.resolve(".git"))) {
            return null;
        }
        try {
            Process p = org.erofssim.tools.HostTools.processBuilder("git", "-C", root.toString(), "describe", "--always", "--dirty", "--abbrev=12")
                    .redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return s;
        } catch (IOException | org.erofssim.tools.HostTools.MissingTool e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
