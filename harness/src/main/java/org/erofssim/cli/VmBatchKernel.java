package org.erofssim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.fuzz.BatchKernel;
import org.erofssim.vm.KernelCatalog;
import org.erofssim.vm.VmKernel;

/**
 * A kernel of the matrix as a {@link BatchKernel} of a fuzz campaign: each batch is one boot
 * ({@link VmObserveCommand#bootOnce}) whose answers become a {@link VmReference}. A boot that
 * ends in a panic or at its time bound ({@link VmKernel.Crashed}) gives the answers before it
 * and the case it died on; any other failure to boot is exit 77 naming the kernel.
 */
final class VmBatchKernel implements BatchKernel {
    /** The bound of one boot: a start, and this much per case (a case takes about a second under TCG). */
    static final long BOOT_SECONDS = 240;
    static final long CASE_SECONDS = 20;

    private final KernelCatalog catalog;
    private final KernelCatalog.Kernel kernel;
    private final Path cacheDir;
    private final PrintWriter err;

    VmBatchKernel(KernelCatalog catalog, KernelCatalog.Kernel kernel, Path cacheDir, PrintWriter err) {
        this.catalog = catalog;
        this.kernel = kernel;
        this.cacheDir = cacheDir;
        this.err = err;
    }

    /** The kernels named in {@code --kernels} (catalog names or prefixes), or exit 2 for an unknown one. */
    static List<BatchKernel> of(List<String> names, Path cacheDir, PrintWriter err) {
        KernelCatalog catalog = KernelCatalog.load();
        return names.stream().map(String::strip).filter(n -> !n.isEmpty()).<BatchKernel>map(n -> {
            KernelCatalog.Kernel k = catalog.find(n).orElseThrow(() -> CliException.badInput("--kernels: unknown kernel '"
                    + n + "' (known: " + catalog.releases() + ", or a prefix selecting one of them)"));
            return new VmBatchKernel(catalog, k, cacheDir, err);
        }).toList();
    }

    /** The files the native guest runner observes first (see {@link BatchKernel#order}). */
    @Override
    public List<Path> order(List<Path> scenarios) {
        return VmKernel.nativeGuest(System.getenv()) ? VmKernel.nativeFirst(scenarios) : scenarios;
    }

    @Override
    public String name() {
        return kernel.release();
    }

    @Override
    public Batch observe(Path dir, List<Path> scenarios) {
        long bound = BOOT_SECONDS + CASE_SECONDS * scenarios.size();
        String split = VmKernel.split(scenarios);
        try {
            VmKernel.Boot boot = VmObserveCommand.bootOnce(catalog, kernel, scenarios, bound, cacheDir, err, "fuzz vm",
                    (b, seconds) -> err.println(report(kernel.release(), scenarios.size(), b, seconds, split)));
            return new Batch(reference(dir, scenarios, boot.observations()), null);
        } catch (VmKernel.Crashed c) {
            return new Batch(reference(dir, scenarios, c.before()),
                    new Crash(c.before().size(), c.getMessage(), c.console()));
        }
    }

    /**
     * One line of where a boot's time went: the host's set-up (run folder, plan, images, scratch
     * ext4), the boot to the guest command, the native runner (its cases' phases summed: the
     * image pack read, namespace set-up, mount(2), observation, release), the guest JVM (start
     * and its cases), QEMU's power-off, the host's read-back; cases per second with and without
     * the boot, and the load average.
     */
    static String report(String release, int cases, VmKernel.Boot b, double seconds, String split) {
        StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT, "fuzz vm %s: %d case(s) (%s) in %.1f s:"
                + " %.1f cases/s with the boot", release, cases, split, seconds, cases / seconds));
        if (b.secondsToCommand() != null) {
            double after = b.secondsTotal() - b.secondsToCommand();
            s.append(String.format(java.util.Locale.ROOT, ", %.1f after it; host set-up %.1f s, boot %.1f s",
                    cases / after, b.secondsSetup(), b.secondsToCommand()));
            Double cmdStart = VmKernel.uptimeAt(b.console(), "ERV-CMD-START");
            Double cmdEnd = VmKernel.uptimeAt(b.console(), "ERV-CMD-END");
            Double natStart = VmKernel.uptimeAt(b.output(), "ERV-NATIVE-START");
            Double natEnd = VmKernel.uptimeAt(b.output(), "ERV-NATIVE-END");
            if (natStart != null && natEnd != null) {
                String phases = VmKernel.firstLine(b.output(), "ERV-NATIVE-PHASES");
                s.append(String.format(java.util.Locale.ROOT, ", runner %.1f s", natEnd - natStart));
                if (phases != null) {
                    s.append(" (").append(phases.substring(phases.indexOf("ERV-NATIVE-PHASES") + 18)).append(')');
                }
            }
            if (cmdEnd != null && cmdStart != null) {
                double jvm = cmdEnd - (natEnd != null ? natEnd : cmdStart);
                s.append(String.format(java.util.Locale.ROOT, ", guest JVM %.1f s, power-off %.1f s", jvm,
                        after - (cmdEnd - cmdStart)));
            }
            s.append(String.format(java.util.Locale.ROOT, ", read-back %.1f s", b.secondsReadBack()));
        }
        return s.append(" (load ").append(VmObserveCommand.loadavg()).append(')').toString();
    }

    /**
     * The system property naming a file to which each boot appends its observations, one JSON line
     * each (kernel, case, exit, outcome, error; no times, no sandbox names): two builds' files are
     * equal when their guests observed the same (the A/B check of a faster VM batch, issue 15).
     */
    static final String OBSERVATIONS = "erofssim.vm.observations";

    private static void dump(String release, Path dir, List<Path> scenarios, List<VmKernel.Observation> obs) {
        String file = System.getProperty(OBSERVATIONS);
        if (file == null || file.isBlank()) {
            return;
        }
        ObjectMapper json = new ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < obs.size() && i < scenarios.size(); i++) {
            VmKernel.Observation o = obs.get(i);
            var n = json.createObjectNode().put("kernel", release)
                    .put("case", Corpus.name(dir, scenarios.get(i))).put("exit", o.exit()).put("outcome", o.outcomeJson())
                    .put("error", o.error());
            sb.append(n).append('\n');
        }
        try {
            Files.writeString(Path.of(file), sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private VmReference reference(Path dir, List<Path> scenarios, List<VmKernel.Observation> obs) {
        dump(kernel.release(), dir, scenarios, obs);
        Map<String, VmKernel.Observation> byName = new LinkedHashMap<>();
        String release = null;
        for (int i = 0; i < obs.size() && i < scenarios.size(); i++) {
            byName.put(Corpus.name(dir, scenarios.get(i)), obs.get(i));
            if (release == null && obs.get(i).release() != null && !obs.get(i).release().isEmpty()) {
                release = obs.get(i).release();
            }
        }
        return new VmReference(release != null ? release : kernel.release(), byName);
    }
}
