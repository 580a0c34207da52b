package org.erofssim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.erofssim.fuzz.FuzzCampaign;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.reference.HostKernel;
import org.erofssim.reference.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fuzz}: a device-slot-table fuzz campaign ({@link FuzzCampaign}); the model alone by
 * default, the running kernel too with {@code --live} (root). Exit 1 when the campaign has
 * findings, 77 when {@code --live} cannot run here or the running kernel has no modelled profile.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"A fuzz campaign guided by the model's own coverage.",
                "",
                "Draws seeded cases: edits of the slot table of fixture images (slot fields,",
                "extra_devices, devt_slotoff, the DEVICE_TABLE bit), byte edits anywhere in plain",
                "and compressed images (checksum fixed or left wrong), the primary as a file, a",
                "loop device, a directory or a missing path, device= options (blob file or loop,",
                "the primary itself, a directory, a missing path), further mount options and",
                "CONFIG overrides. Each case reports the model's coverage ids (kernel function:",
                "branch) it reached; cases that reach new ids join a corpus whose cases are",
                "mutated (the AFL loop; --blind draws every case fresh). --compare-blind runs",
                "both with the same seed and budget and prints them side by side. --releases",
                "predicts every case on every modelled release and reports differences between",
                "neighbours that no single modelled change explains (candidate regressions).",
                "The model must give an outcome for each, in time, the same twice (checked",
                "on one case in 32 and on every case shrunk); with --live the running kernel",
                "(root) must agree with it",
                "field by field and log no BUG/WARNING/Oops. Each failing case is shrunk and",
                "written to OUT/findings/<kind>-<hash>/scenario.json (+ images): replay it",
                "with 'erofs-sim compare' or 'erofs-sim predict'. A case left in",
                "OUT/in-flight/ by a campaign that stopped mid-observation (kernel crash)",
                "becomes a finding of the next one. --kernels also observes every case on",
                "kernels of the matrix booted in QEMU (root), --vm-batch cases per boot: a",
                "kernel that differs from the model of its release, two kernels that differ",
                "where their models agree (candidate regression) and a kernel that panics or",
                "hangs (serial log kept) are findings. A counter (cases, coverage ids,",
                "findings, rate) runs on stderr when it is a terminal (not with --quiet);",
                "the seed, coverage growth and finding lines and the summary go to stdout",
                "(with --json the lines go to stderr). Exit 1 if there are findings."})
final class FuzzCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    /** The defaults of the options that have one: picocli's ({@code defaultValue}) and {@link #plain}'s. */
    static final String CASES = "500";
    static final String VM_BATCH = "250";
    static final String VM_SHRINK_ROUNDS = "4";
    static final String OUT = "report/fuzz";

    @Option(names = "--cases", paramLabel = "N", defaultValue = CASES, description = "cases to draw (default ${DEFAULT-VALUE})")
    int cases;

    @Option(names = "--seed", paramLabel = "SEED", description = "the generator's seed (default: a random one, printed)")
    Long seed;

    @Option(names = "--live", description = "also observe every case on the running kernel (root; loop devices, mount(2))")
    boolean live;

    @Option(names = "--kernels", paramLabel = "LIST", split = ",",
            description = "also observe every case on these kernels of the matrix, booted in QEMU (root; see 'kernels'):"
                    + " one boot per kernel per batch, each compared with the model of its release, and the kernels"
                    + " (and the host with --live) compared with each other in release order, e.g. 6.1,6.12,7.3")
    java.util.List<String> vmKernels;

    @Option(names = "--vm-batch", paramLabel = "N", defaultValue = VM_BATCH,
            description = "cases per VM boot with --kernels (default ${DEFAULT-VALUE})")
    int vmBatch;

    @Option(names = "--vm-shrink-rounds", paramLabel = "N", defaultValue = VM_SHRINK_ROUNDS,
            description = "with --kernels: at most N shrinking boots per kernel per batch with findings (default"
                    + " ${DEFAULT-VALUE}; 0: findings as drawn, as bench's fuzz-vm group runs it)")
    int vmShrinkRounds;

    @Option(names = "--kernel", paramLabel = "PROFILE",
            description = "the model's profile without --live (default: the newest); --live uses the running kernel's")
    String kernel;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = OUT,
            description = "findings and the in-flight case go here (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--max-time", paramLabel = "TIME", converter = DurationConverter.class,
            description = "stop drawing cases after this long (the first round of up to 64 always runs): 90s, 10m, 2h")
    Duration maxTime;

    @Option(names = "--blind", description = "draw every case fresh (no coverage feedback), as the first fuzzer did")
    boolean blind;

    @Option(names = "--compare-blind",
            description = "run the guided and the blind campaign with the same seed and budget, coverage side by side")
    boolean compareBlind;

    @Option(names = "--releases", description = "model-only differential: every case on every modelled release")
    boolean releases;

    @Option(names = "--shard", paramLabel = "K/N",
            description = "a blind campaign (--blind) split N ways: evaluate only the cases whose index is K-1 modulo N "
                    + "(1 <= K <= N); the N shards of one seed and --cases find what one run finds (a CI matrix)")
    String shard;

    @Option(names = "--jobs", paramLabel = "N",
            description = "model-only cases are evaluated 64 at a time on N threads (default: one per core); the"
                    + " campaign's cases, coverage, corpus and findings are the same for every N")
    Integer jobs;

    /** --jobs, or one thread per core. */
    private int jobs() {
        if (jobs != null && jobs < 1) {
            throw CliException.badInput("--jobs must be at least 1, not " + jobs);
        }
        return jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
    }

    @Option(names = "--quiet", description = "no progress: neither the counter on stderr nor the seed, coverage and"
            + " finding lines (the summary stays)")
    boolean quiet;

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    /** Whether stderr is a terminal (the counter's condition), null: this process's; the warm server sets its client's. */
    Boolean terminal;
    /** Whether the warm server's client went away (checked after every case: the campaign stops), null: never. */
    java.util.function.BooleanSupplier cancelled;

    /**
     * A new command for the command line {@code args} (a whole {@code erofs-sim fuzz} one) when the
     * warm server ({@link PredictServer}) may run it: a model-only campaign, parsed first as
     * picocli will parse it; null (the launcher then runs the cold process, as without the server)
     * for a command line picocli refuses, help or version, an argument file (picocli reads it
     * relative to the working directory), {@code --live} or {@code --kernels} (root, loop devices,
     * VMs: never in the server).
     */
    static FuzzCommand servable(String[] args) {
        if (args.length == 0 || !args[0].equals("fuzz")) {
            return null;
        }
        for (String a : args) {
            if (a.startsWith("@")) {
                return null;
            }
        }
        FuzzCommand probe = new FuzzCommand();
        PrintWriter none = new PrintWriter(java.io.Writer.nullWriter());
        try {
            picocli.CommandLine.ParseResult r = Main.commandLine(none, none, "fuzz", probe).parseArgs(args);
            picocli.CommandLine.ParseResult sub = r.subcommand();
            if (sub == null || r.isUsageHelpRequested() || r.isVersionHelpRequested() || sub.isUsageHelpRequested()
                    || sub.isVersionHelpRequested()) {
                return null;
            }
        } catch (picocli.CommandLine.PicocliException e) {
            return null;
        }
        return probe.live || probe.vmKernels != null ? null : new FuzzCommand();
    }

    /** stdout and stderr of a run without picocli ({@link #runPlain}); null: the picocli spec's. */
    private PrintWriter plainOut;
    private PrintWriter plainErr;

    /**
     * The command line {@code args} (a whole {@code erofs-sim} one) run without picocli when it is
     * a plain model-only campaign, else null (picocli runs it). Plain: {@code fuzz}, then only the
     * options {@code --cases}, {@code --seed}, {@code --jobs} (plain decimal values), {@code --out},
     * {@code --kernel} (values that start with neither {@code -} nor {@code @}), each value
     * attached with {@code =} or the next argument, and {@code --quiet}, {@code --json}; each at
     * most once. Anything else (another option, help, an argument file, a repeated option, a value
     * picocli might read otherwise) is left to picocli. picocli builds its model of the command
     * by reflection, in interpreted code, from 171 classes the class-data archive cannot hold
     * (Java 5 class files): about 125 ms of CPU of a cold campaign's main thread (session 16,
     * docs/performance-history.md). The same messages and exit codes as picocli's execution
     * ({@code PlainFuzzTest} runs command lines both ways).
     */
    static Integer runPlain(String[] args, PrintWriter out, PrintWriter err) {
        FuzzCommand c = plain(args);
        if (c == null) {
            return null;
        }
        c.plainOut = out;
        c.plainErr = err;
        String name = "erofs-sim fuzz"; // picocli's qualified name of the command (Main's handler)
        try {
            return c.call();
        } catch (Exception e) {
            return Main.failure(name, e, err);
        }
    }

    /** The command a plain {@code fuzz} command line is ({@link #runPlain}), its options set as picocli sets them; else null. */
    static FuzzCommand plain(String[] args) {
        if (args.length == 0 || !args[0].equals("fuzz")) {
            return null;
        }
        FuzzCommand c = new FuzzCommand();
        c.cases = Integer.parseInt(CASES);
        c.vmBatch = Integer.parseInt(VM_BATCH);
        c.vmShrinkRounds = Integer.parseInt(VM_SHRINK_ROUNDS);
        c.out = Path.of(OUT);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String w = args[i];
            int eq = w.indexOf('=');
            String option = eq < 0 ? w : w.substring(0, eq);
            if (!seen.add(option)) {
                return null;
            }
            if (eq < 0 && (option.equals("--quiet") || option.equals("--json"))) {
                c.quiet |= option.equals("--quiet");
                c.json |= option.equals("--json");
                continue;
            }
            String value = eq >= 0 ? w.substring(eq + 1) : i + 1 < args.length ? args[++i] : null;
            if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
                return null;
            }
            boolean number = option.equals("--cases") || option.equals("--jobs") || option.equals("--seed");
            if (number && !value.matches(option.equals("--seed") ? "0|[1-9][0-9]{0,17}" : "0|[1-9][0-9]{0,8}")) {
                return null;
            }
            switch (option) {
                case "--cases" -> c.cases = Integer.parseInt(value);
                case "--jobs" -> c.jobs = Integer.valueOf(value);
                case "--seed" -> c.seed = Long.valueOf(value);
                case "--out" -> c.out = Path.of(value);
                case "--kernel" -> c.kernel = value;
                default -> {
                    return null;
                }
            }
        }
        return c;
    }

    /** Runs the command line {@code args} on this instance as {@link Main#run} does (picocli's handlers and exit codes). */
    int execute(String[] args, PrintWriter out, PrintWriter err) {
        return Main.commandLine(out, err, "fuzz", this).execute(args);
    }

    @Override
    public Integer call() {
        if (cases < 1) {
            throw CliException.badInput("--cases must be at least 1, not " + cases);
        }
        Path root = RepoRoot.find().orElseThrow(() -> CliException.badInput(
                "cannot find the erofs-sim checkout (fixtures/images); run from inside it or set -D" + RepoRoot.PROPERTY));
        Path images = root.resolve("fixtures/images");
        if (!Files.isDirectory(images)) {
            throw CliException.badInput("no fixture images at " + images);
        }
        KernelProfile profile;
        Reference kernelUnderTest = null;
        String against;
        if (live) {
            if (kernel != null) {
                throw CliException.badInput("--kernel and --live exclude each other: live runs use the running "
                        + "kernel's profile");
            }
            HostKernel host = new HostKernel();
            String why = host.unavailable().orElse(null);
            if (why != null) {
                throw CliException.unavailable("kernel oracle unavailable: " + why);
            }
            String release = host.release();
            profile = host.profile().orElseThrow(() -> CliException.unavailable("kernel " + release
                    + " has no modelled profile: nothing to compare with"));
            kernelUnderTest = host;
            against = "model (profile " + profile.name() + ") against the running kernel " + release;
        } else {
            try {
                profile = kernel == null ? Releases.DEFAULT : Releases.resolve(kernel).profile();
            } catch (Releases.UnknownRelease e) {
                throw CliException.badInput("--kernel: " + e.getMessage());
            }
            against = "model alone (profile " + profile.name() + ")";
        }
        int shardK = 1;
        int shardN = 1;
        if (shard != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})/(\\d{1,6})").matcher(shard.strip());
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(1)) < 1
                    || Integer.parseInt(m.group(1)) > Integer.parseInt(m.group(2))) {
                throw CliException.badInput("--shard: '" + shard + "' is not K/N with 1 <= K <= N, e.g. 2/4");
            }
            shardK = Integer.parseInt(m.group(1));
            shardN = Integer.parseInt(m.group(2));
            if (seed == null) {
                throw CliException.badInput("--shard needs --seed: the shards of a campaign must draw the same cases");
            }
        }
        long s = seed != null ? seed : new SecureRandom().nextLong();
        PrintWriter o = plainOut != null ? plainOut : spec.commandLine().getOut();
        PrintWriter err = plainErr != null ? plainErr : spec.commandLine().getErr();
        if ((compareBlind || releases) && (live || vmKernels != null)) {
            throw CliException.badInput("--compare-blind and --releases are model-only: drop --live and --kernels");
        }
        if (vmShrinkRounds < 0) {
            throw CliException.badInput("--vm-shrink-rounds cannot be negative, not " + vmShrinkRounds);
        }
        if (vmBatch < 1) {
            throw CliException.badInput("--vm-batch must be at least 1, not " + vmBatch);
        }
        java.util.List<org.erofssim.fuzz.BatchKernel> vms = vmKernels == null ? java.util.List.of()
                : VmBatchKernel.of(vmKernels, null, err);
        if (vmKernels != null && vms.isEmpty()) {
            throw CliException.badInput("--kernels: no kernel named");
        }
        if (!vms.isEmpty()) {
            // before the campaign, not a batch into it: QEMU and root (exit 77 with one line)
            try {
                org.erofssim.vm.VmKernel.findQemu();
            } catch (org.erofssim.vm.VmUnavailable e) {
                throw CliException.unavailable("--kernels: " + e.getMessage());
            }
            if (!"root".equals(System.getProperty("user.name"))) {
                throw CliException.unavailable("--kernels: the VM oracle needs root (QEMU's 9p export of /)");
            }
        }
        // the counter goes to stderr (a terminal only); the lines (seed, coverage growth,
        // findings) to stdout, or stderr with --json, erasing the counter first
        Progress counter = Progress.start(err, "fuzz: case", compareBlind ? 2L * cases : cases, quiet,
                terminal != null ? terminal : Progress.onTerminal());
        PrintWriter progress = quiet ? new PrintWriter(java.io.Writer.nullWriter())
                : counter.above(json ? err : o);
        if (shardN > 1 && (!blind || compareBlind)) {
            throw CliException.badInput("--shard splits a blind campaign (--blind): a guided campaign's cases depend on"
                    + " the cases before them");
        }
        progress.println("fuzz: " + (blind ? "blind" : "guided by coverage") + ", seed " + s + ", up to " + cases
                + " cases, " + against + (releases ? ", every case also on " + Releases.all().size()
                + " releases" : "") + (shardN > 1 ? " (shard " + shardK + "/" + shardN + ": every " + shardN
                + "th from case " + (shardK - 1) + ")" : "") + (vms.isEmpty() ? "" : ", and on the VM kernels "
                + vms.stream().map(org.erofssim.fuzz.BatchKernel::name).toList() + " (" + vmBatch + " cases per boot)"));
        progress.flush();
        FuzzCampaign.Settings settings = new FuzzCampaign.Settings(s, cases, maxTime, profile, images,
                Scenarios.path(out.toString(), "--out").toAbsolutePath().normalize(), kernelUnderTest, Duration.ofSeconds(5), 80).guided(!blind)
                .sharded(shardK, shardN);
        if (releases) {
            settings = settings.differential(Releases.all());
        }
        if (compareBlind) {
            PrintWriter side = quiet ? new PrintWriter(java.io.Writer.nullWriter()) : counter.above(err);
            FuzzCampaign.Summary g;
            FuzzCampaign.Summary b;
            try (counter) {
                side.println("guided campaign:");
                g = new FuzzCampaign(settings.guided(true)).withJobs(jobs()).run(side, status(counter, 0));
                side.println("blind campaign:");
                b = new FuzzCampaign(settings.guided(false)).withJobs(jobs()).run(side, status(counter, cases));
            }
            printSideBySide(o, g, b);
            o.flush();
            return g.findings().isEmpty() && b.findings().isEmpty() ? ExitCode.OK : ExitCode.FAILED_CHECK;
        }
        FuzzCampaign.Summary sum;
        try (counter) {
            sum = new FuzzCampaign(settings).withVmKernels(vms, vmBatch).withVmShrinkRounds(vmShrinkRounds).withJobs(jobs()).run(progress, status(counter, 0));
        } catch (org.erofssim.vm.VmUnavailable e) {
            throw CliException.unavailable(e.getMessage()); // a VM kernel that cannot boot at all
        }
        if (json) {
            printJson(o, sum, profile.name(), shardK + "/" + shardN);
        } else {
            printText(o, sum);
        }
        o.flush();
        return sum.findings().isEmpty() ? ExitCode.OK : ExitCode.FAILED_CHECK;
    }

    /** The campaign's summary as one JSON object ({@code --json}). */
    private void printJson(PrintWriter o, FuzzCampaign.Summary sum, String profile, String shard) {
        ObjectNode j = JSON.createObjectNode();
        j.put("seed", sum.seed()).put("shard", shard).put("cases", sum.cases()).put("refused", sum.refused())
                .put("profile", profile).put("live", live).put("seconds", sum.elapsed().toMillis() / 1000.0);
        var f = j.putArray("findings");
        for (FuzzCampaign.Finding x : sum.findings()) {
            f.addObject().put("kind", x.kind().name()).put("what", x.what())
                    .put("scenario", x.folder().resolve("scenario.json").toString());
        }
        j.set("statistics", sum.statistics().toJson(JSON));
        ObjectNode cov = j.putObject("coverage");
        cov.put("reached", sum.coverage().firstCase().size()).put("known", org.erofssim.kernel.Coverage.knownIds().size())
                .put("corpus", sum.coverage().corpus());
        cov.put("reachable", sum.coverage().reachable());
        sum.coverage().neverReached().forEach(cov.putArray("neverReached")::add);
        ObjectNode unreachable = cov.putObject("unreachable");
        sum.coverage().unreachable().forEach(unreachable::put);
        if (sum.vms() != null) {
            ObjectNode v = j.putObject("vmKernels");
            sum.vms().tally().forEach((k, m) -> {
                ObjectNode x = v.putObject(k);
                m.forEach(x::put);
            });
            v.put("timing", sum.vms().timing());
            ObjectNode tp = v.putObject("throughput");
            sum.vms().throughput().forEach((k, c) -> tp.putObject(k).put("cases", (long) c[0]).put("seconds", c[1]));
        }
        if (sum.releases() != null) {
            ObjectNode r = j.putObject("releases");
            sum.releases().counts().forEach((pair, m) -> {
                ObjectNode x = r.putObject(pair);
                m.forEach(x::put);
            });
        }
        o.println(j);
    }

    /** The campaign's summary as text: statistics, coverage, differentials, the findings. */
    private static void printText(PrintWriter o, FuzzCampaign.Summary sum) {
        o.println();
        sum.statistics().print(o);
        o.println();
        printCoverage(o, sum);
        if (sum.releases() != null) {
            o.println();
            o.println("release differential (model only; neighbours compared, differences explained by one modelled change or a pair):");
            sum.releases().counts().forEach((pair, m) -> {
                o.println("  " + pair + ":");
                m.forEach((what, n) -> o.printf(Locale.ROOT, "    %-60s %6d%n", what, n));
            });
        }
        if (sum.vms() != null) {
            o.println();
            o.println("VM kernels (" + sum.vms().timing() + "), each against the model of its release:");
            sum.vms().tally().forEach((k, m) -> {
                o.println("  " + k + ":");
                m.forEach((what, n) -> o.printf(Locale.ROOT, "    %-60s %6d%n", what, n));
            });
        }
        o.println();
        o.printf(Locale.ROOT, "%d cases in %.1f s (seed %d)%s: %s%n", sum.cases(), sum.elapsed().toMillis() / 1000.0,
                sum.seed(), sum.refused() > 0 ? ", " + sum.refused() + " refused by the kernel oracle" : "",
                sum.findings().isEmpty() ? "no findings" : sum.findings().size() + " finding(s)");
        for (FuzzCampaign.Finding x : sum.findings()) {
            o.println("  " + x.kind() + " " + x.folder().resolve("scenario.json"));
        }
    }

    /**
     * The campaign's status as the counter's detail: coverage ids, findings, rate ({@code offset}:
     * cases before); it ends the campaign (its threads and scratch folder go as at its end) once
     * {@link #cancelled} says the warm server's client went away.
     */
    private FuzzCampaign.Status status(Progress counter, long offset) {
        java.util.function.BooleanSupplier gone = cancelled;
        return (done, total, ids, findings, secs) -> {
            if (gone != null && gone.getAsBoolean()) {
                throw new java.util.concurrent.CancellationException("the client went away");
            }
            counter.update(offset + done, () -> String.format(Locale.ROOT,
                    ", %d coverage ids, %d finding(s), %.0f cases/s", ids, findings, done / Math.max(secs, 0.001)));
        };
    }

    private static void printCoverage(PrintWriter o, FuzzCampaign.Summary sum) {
        var known = org.erofssim.kernel.Coverage.knownIds();
        var never = sum.coverage().neverReached();
        o.println();
        o.printf(Locale.ROOT, "coverage: %d of %d model coverage ids reached (%d reachable on this profile)%s%n",
                sum.coverage().firstCase().size(), known.size(), sum.coverage().reachable(),
                sum.coverage().corpus() > 0 ? " (corpus " + sum.coverage().corpus() + " cases)" : "");
        if (!never.isEmpty()) {
            o.println("kernel branches never reached:");
            for (String id : never) {
                o.printf(Locale.ROOT, "  %-55s %s%n", id, known.get(id));
            }
        }
        printUnreachable(o, sum);
    }

    /** The ids the profile cannot reach by construction (not misses), with the commit that rules each out. */
    private static void printUnreachable(PrintWriter o, FuzzCampaign.Summary sum) {
        if (!sum.coverage().unreachable().isEmpty()) {
            o.println("unreachable on this profile by construction (not counted as misses):");
            sum.coverage().unreachable().forEach((id, why) -> o.printf(Locale.ROOT, "  %-55s %s%n", id, why));
        }
    }

    /** The guided and the blind campaign's coverage, side by side, and their growth. */
    static void printSideBySide(PrintWriter o, FuzzCampaign.Summary guided, FuzzCampaign.Summary blind) {
        var known = org.erofssim.kernel.Coverage.knownIds();
        o.printf(Locale.ROOT, "%-28s %12s %12s%n", "same seed " + guided.seed(), "guided", "blind");
        o.printf(Locale.ROOT, "%-28s %12d %12d%n", "cases", guided.cases(), blind.cases());
        o.printf(Locale.ROOT, "%-28s %12d %12d%n", "coverage ids reached (of " + guided.coverage().reachable()
                        + " reachable, " + known.size() + " in all)",
                guided.coverage().firstCase().size(), blind.coverage().firstCase().size());
        o.printf(Locale.ROOT, "%-28s %12.0f %12.0f%n", "cases/s",
                guided.cases() / Math.max(0.001, guided.elapsed().toMillis() / 1000.0),
                blind.cases() / Math.max(0.001, blind.elapsed().toMillis() / 1000.0));
        o.printf(Locale.ROOT, "%-28s %12d %12d%n", "findings", guided.findings().size(), blind.findings().size());
        for (long at : new long[] {100, 1000, 10_000, 100_000, 1_000_000}) {
            if (at > Math.max(guided.cases(), blind.cases())) {
                break;
            }
            o.printf(Locale.ROOT, "%-28s %12d %12d%n", "ids after " + at + " cases", idsAfter(guided, at),
                    idsAfter(blind, at));
        }
        var onlyGuided = new java.util.TreeSet<>(guided.coverage().firstCase().keySet());
        onlyGuided.removeAll(blind.coverage().firstCase().keySet());
        var onlyBlind = new java.util.TreeSet<>(blind.coverage().firstCase().keySet());
        onlyBlind.removeAll(guided.coverage().firstCase().keySet());
        o.println("reached by the guided campaign only: " + (onlyGuided.isEmpty() ? "none" : String.join(", ", onlyGuided)));
        o.println("reached by the blind campaign only: " + (onlyBlind.isEmpty() ? "none" : String.join(", ", onlyBlind)));
        var never = guided.coverage().neverReached().stream()
                .filter(id -> !blind.coverage().firstCase().containsKey(id)).toList();
        o.println("kernel branches neither reached:");
        for (String id : never) {
            o.printf(Locale.ROOT, "  %-55s %s%n", id, known.get(id));
        }
        printUnreachable(o, guided);
    }

    private static long idsAfter(FuzzCampaign.Summary s, long cases) {
        long ids = 0;
        for (long[] g : s.coverage().growth()) {
            if (g[0] <= cases) {
                ids = g[1];
            }
        }
        return ids;
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, or an ISO-8601 duration. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String t = v.trim().toLowerCase(Locale.ROOT);
            try {
                if (t.matches("\\d+[smh]")) {
                    long n = Long.parseLong(t.substring(0, t.length() - 1));
                    return switch (t.charAt(t.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    };
                }
                return Duration.parse(v);
            } catch (RuntimeException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + v + "' is not a duration (90s, 10m, 2h)");
            }
        }
    }
}
