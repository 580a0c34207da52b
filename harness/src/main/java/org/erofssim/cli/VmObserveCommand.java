package org.erofssim.cli;

import org.erofssim.vm.VmUnavailable;
import org.erofssim.vm.VmKernel;
import org.erofssim.vm.KernelCache;
import org.erofssim.vm.BootKernel;
import org.erofssim.vm.KernelCatalog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.erofssim.cli.CliException;
import org.erofssim.cli.ExitCode;
import org.erofssim.contract.OutcomeJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code erofs-sim vm-observe RELEASE SCENARIO.json...}: boots a kernel of the matrix in QEMU
 * once and prints each scenario's outcome as that kernel's live oracle observed it.
 */
@Command(name = "vm-observe", mixinStandardHelpOptions = true,
        description = {"A matrix kernel's outcomes of scenarios, observed in a QEMU guest.",
                "",
                "Fetches and prepares the kernel when needed (see 'kernels'), boots it once",
                "under TCG with the host's userland read-only over 9p, runs 'observe' on",
                "every scenario in one guest JVM and prints the outcomes: for one scenario",
                "exactly as 'observe' prints it, for several one JSON line each",
                "({\"scenario\",\"release\",\"exit\",\"outcome\",\"error\",\"seconds\"}). Needs root,",
                "qemu-system-x86_64 and busybox-static; a kernel that panics, hangs or cannot",
                "be fetched is one line and exit 77. Timings go to stderr."})
public final class VmObserveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RELEASE", description = "a kernel of 'erofs-sim kernels' (or a prefix: 6.1, 7.2)")
    String release;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "SCENARIO.json", description = "scenario files")
    List<Path> scenarios;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "bound of the whole boot (default 180 + 120 per scenario)")
    Long timeout;

    @Option(names = "--cache", paramLabel = "DIR", description = "kernel cache folder (see 'kernels')")
    Path cacheDir;

    @Override
    public Integer call() {
        return observe(release, scenarios, timeout, cacheDir, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Boots kernel {@code release} of the matrix once and prints the outcome of each scenario
     * (for one scenario exactly as {@code observe} prints it); also {@code observe --kernel}.
     * Failures are {@link CliException}s: 2 for bad usage, 77 naming the kernel.
     */
    public static int observe(String release, List<Path> scenarios, Long timeout, Path cacheDir, PrintWriter out,
            PrintWriter err) {
        KernelCatalog catalog = KernelCatalog.load();
        KernelCatalog.Kernel k = catalog.find(release).orElseThrow(() -> CliException.badInput("unknown kernel '"
                + release + "' (known: " + catalog.releases() + ", or a prefix selecting one of them)"));
        for (Path s : scenarios) {
            if (!Files.isRegularFile(s)) {
                throw CliException.badInput(s + ": no such scenario file");
            }
            // bad input is found before a boot, not a minute into one (ScenarioException: exit 2)
            try {
                org.erofssim.contract.ScenarioJson.read(s);
            } catch (org.erofssim.contract.ScenarioException e) {
                throw CliException.badInput(s + ": " + e.getMessage());
            }
        }
        if (timeout != null && timeout <= 0) {
            throw CliException.badInput("--timeout must be positive");
        }
        try {
            VmKernel.Boot boot = bootOnce(catalog, k, scenarios, timeout, cacheDir, err, "vm-observe", (b, seconds) -> {
                Double nat = VmKernel.nativeSeconds(b.output());
                err.printf("vm-observe: %s: command started %s s after QEMU, boot total %.1f s%s, load %s%n", k.release(),
                        b.secondsToCommand() == null ? "?" : String.format("%.1f", b.secondsToCommand()),
                        b.secondsTotal(), nat == null ? "" : String.format(java.util.Locale.ROOT,
                                " (native guest runner %.1f s in the guest)", nat), loadavg());
                err.flush();
            });
            if (scenarios.size() == 1) {
                VmKernel.Observation o = boot.observations().get(0);
                if (o.outcomeJson() == null) {
                    throw new CliException(o.exit() == 0 ? ExitCode.ORACLE_UNAVAILABLE : o.exit(),
                            "kernel " + k.release() + ": " + (o.error() == null ? "no outcome"
                                    : o.error().replaceFirst("^erofs-sim observe: ", "")));
                }
                out.println(OutcomeJson.write(OutcomeJson.read(o.outcomeJson())));
            } else {
                var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
                for (VmKernel.Observation o : boot.observations()) {
                    var n = mapper.createObjectNode();
                    n.put("scenario", o.scenario());
                    n.put("release", o.release());
                    n.put("exit", o.exit());
                    n.set("outcome", o.outcomeJson() == null ? null : mapper.readTree(o.outcomeJson()));
                    n.put("error", o.error());
                    n.put("seconds", o.seconds());
                    out.println(mapper.writeValueAsString(n));
                }
            }
            out.flush();
            return ExitCode.OK;
        } catch (VmUnavailable e) {
            throw CliException.unavailable(e.getMessage());
        } catch (java.io.IOException e) {
            throw CliException.unavailable("kernel " + k.release() + ": " + e.getMessage());
        }
    }

    /**
     * One boot of kernel {@code k} of the matrix that observes every file: root, QEMU, the kernel
     * fetched and prepared in the cache, the boot bounded by {@code timeout} seconds (default 180 +
     * 120 per scenario). {@code report} sees the boot and the seconds it took before the check that
     * the guest answered every file; a short answer is a {@link VmUnavailable} naming the kernel,
     * with the console kept under the cache's {@code failed/}. Shared by {@code vm-observe} and the
     * VM reference of {@code record} and {@code conform}; progress lines start with {@code tag}.
     */
    static VmKernel.Boot bootOnce(KernelCatalog catalog, KernelCatalog.Kernel k, List<Path> files, Long timeout,
            Path cacheDir, PrintWriter err, String tag, java.util.function.BiConsumer<VmKernel.Boot, Double> report) {
        Path jar = ownJar();
        Path java = ProcessHandle.current().info().command().map(Path::of)
                .orElseThrow(() -> CliException.unavailable("cannot tell this JVM's java binary"));
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new VmUnavailable("kernel " + k.release() + ": the VM oracle needs root (QEMU's 9p export of /)");
        }
        Path qemu = VmKernel.findQemu();
        KernelCache cache = new KernelCache(cacheDir != null ? cacheDir : KernelCache.defaultRoot(System.getenv()),
                s -> {
                    err.println(tag + ": " + s);
                    err.flush();
                });
        cache.fetch(catalog, k);
        BootKernel.Prepared b = BootKernel.prepare(cache, k, s -> err.println(tag + ": " + s));
        Duration bound = Duration.ofSeconds(timeout != null ? timeout : 180 + 120L * files.size());
        VmKernel vm = new VmKernel(b, qemu, bound, cache.root().resolve("runs"));
        long t0 = System.nanoTime();
        Path runner = VmKernel.nativeGuest(System.getenv()) ? org.erofssim.vm.NativeRunner.build(cache.root(),
                s -> err.println(tag + ": " + s)) : null;
        VmKernel.Boot boot = vm.observe(files, java, jar, runner);
        report.accept(boot, (System.nanoTime() - t0) / 1e9);
        if (boot.observations().size() != files.size()) {
            Path kept = keep(cache.root(), k.release(), boot);
            throw new VmUnavailable("kernel " + k.release() + ": the guest returned " + boot.observations().size()
                    + " of " + files.size() + " outcomes (guest exit " + boot.commandStatus() + ": "
                    + VmKernel.lastLine(boot.output()) + (kept == null ? "" : "; console and output in " + kept) + ")");
        }
        return boot;
    }

    /** Keeps a failed boot's console and guest output under the cache's {@code failed/} folder. */
    static Path keep(Path cacheRoot, String release, VmKernel.Boot boot) {
        try {
            Path d = Files.createDirectories(cacheRoot.resolve("failed"));
            Path f = d.resolve(release + "-" + System.currentTimeMillis() + ".log");
            Files.writeString(f, "== console\n" + boot.console() + "\n== guest output\n" + boot.output());
            return f;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static Path ownJar() {
        try {
            Path p = Path.of(VmObserveCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!p.toString().endsWith(".jar")) {
                throw CliException.unavailable("vm-observe runs from the erofs-sim jar only (found " + p + ")");
            }
            return p;
        } catch (java.net.URISyntaxException | SecurityException e) {
            throw CliException.unavailable("cannot locate the erofs-sim jar: " + e.getMessage());
        }
    }
}
