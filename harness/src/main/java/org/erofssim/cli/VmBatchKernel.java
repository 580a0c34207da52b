package org.erofssim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
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
        try {
            VmKernel.Boot boot = VmObserveCommand.bootOnce(catalog, kernel, scenarios, bound, cacheDir, err, "fuzz vm",
                    (b, seconds) -> {
                        if (b.secondsToCommand() != null && seconds > b.secondsToCommand()) {
                            double after = b.secondsTotal() - b.secondsToCommand();
                            Double nat = VmKernel.nativeSeconds(b.output());
                            err.printf(java.util.Locale.ROOT, "fuzz vm %s: %d case(s), boot %.1f s, then %.1f s: %.1f cases/s "
                                    + "after boot, %.1f with it%s (load %s)%n", kernel.release(), scenarios.size(),
                                    b.secondsToCommand(), after, scenarios.size() / after, scenarios.size() / b.secondsTotal(),
                                    nat == null ? "" : String.format(java.util.Locale.ROOT, "; native guest runner %.1f s",
                                            nat), VmObserveCommand.loadavg());
                            err.flush();
                        }
                    });
            return new Batch(reference(dir, scenarios, boot.observations()), null);
        } catch (VmKernel.Crashed c) {
            return new Batch(reference(dir, scenarios, c.before()),
                    new Crash(c.before().size(), c.getMessage(), c.console()));
        }
    }

    private VmReference reference(Path dir, List<Path> scenarios, List<VmKernel.Observation> obs) {
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
