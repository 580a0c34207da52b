package org.erofssim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.reference.Case;
import org.erofssim.reference.Identity;
import org.erofssim.reference.KernelReference;
import org.erofssim.reference.Observation;
import org.erofssim.reference.Reference;
import org.erofssim.vm.KernelCatalog;
import org.erofssim.vm.VmKernel;
import org.erofssim.vm.VmUnavailable;

/**
 * A kernel of the matrix booted in QEMU, as a {@link Reference} of kind {@code vm}: the whole
 * corpus is observed in one boot ({@link #boot}; a boot and a guest JVM cost 10-30 s under TCG,
 * so one scenario per boot would multiply that), and {@link #observe} answers from that batch.
 * The same class reads a batch that {@code vm-observe} printed earlier (one JSON line per
 * scenario, {@link #fromObservations}), so recordings made from earlier VM runs and from a boot
 * now go through one code path.
 *
 * <p>A guest answer with exit 77 whose error says the oracle refused the scenario (a FIFO source)
 * is a refusal; any other missing outcome is an unchecked case with the guest's error line.
 */
final class VmReference extends KernelReference {
    private static final String REFUSED = "scenario refused by the kernel oracle: ";
    private static final String NAMESPACE = "cannot build the scenario's namespace:";

    private final Map<String, VmKernel.Observation> byName;

    VmReference(String release, Map<String, VmKernel.Observation> byName) {
        super(Identity.Kind.VM, release);
        this.byName = Map.copyOf(byName);
    }

    /**
     * The answers {@code vm-observe} printed into {@code jsonl} files (later files win for a
     * scenario seen twice), matched to the corpus by the scenario path's tail; every line must
     * name the same release.
     */
    static VmReference fromObservations(List<Path> jsonl, Path corpus, List<Path> files) {
        Map<String, VmKernel.Observation> byName = new LinkedHashMap<>();
        String release = null;
        for (Path f : jsonl) {
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CliException.badInput("--from-observations " + f + ": " + e.getMessage());
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                VmKernel.Observation o;
                try {
                    o = VmKernel.observation(lines.get(i));
                } catch (IOException e) {
                    throw CliException.badInput(f + " line " + (i + 1) + ": not a vm-observe line: " + e.getMessage());
                }
                if (o.release() == null || o.release().isEmpty()) {
                    throw CliException.badInput(f + " line " + (i + 1) + ": no release");
                }
                if (release != null && !release.equals(o.release())) {
                    throw CliException.badInput(f + " line " + (i + 1) + ": release " + o.release() + ", earlier lines "
                            + release + " (one kernel per run)");
                }
                release = o.release();
                String name = match(o.scenario(), corpus, files);
                if (name == null) {
                    throw CliException.badInput(f + " line " + (i + 1) + ": scenario " + o.scenario()
                            + " is not in the corpus " + corpus);
                }
                byName.put(name, o);
            }
        }
        if (release == null) {
            throw CliException.badInput("--from-observations: no observation lines in " + jsonl);
        }
        return new VmReference(release, byName);
    }

    /** The corpus name of the scenario file an observation names (the longest corpus-relative tail it ends with). */
    static String match(String observed, Path corpus, List<Path> files) {
        String p = observed.replace('\\', '/');
        for (Path f : files) {
            String rel = corpus.relativize(f).toString();
            if (p.equals(f.toAbsolutePath().normalize().toString()) || p.endsWith("/" + rel)) {
                return Corpus.name(corpus, f);
            }
        }
        return null;
    }

    /**
     * Boots kernel {@code kernel} of the matrix once and observes every file of the corpus in the
     * guest. Failures (no QEMU, not root, a kernel that cannot be fetched, panics or hangs) are a
     * {@link CliException} with exit 77 naming the kernel; an unknown kernel name is exit 2.
     */
    static VmReference boot(String kernel, Path corpus, List<Path> files, Long timeout, Path cacheDir, PrintWriter err) {
        KernelCatalog catalog = KernelCatalog.load();
        KernelCatalog.Kernel k = catalog.find(kernel).orElseThrow(() -> CliException.badInput("unknown kernel '"
                + kernel + "' (known: " + catalog.releases() + ", or a prefix selecting one of them)"));
        try {
            VmKernel.Boot boot = VmObserveCommand.bootOnce(catalog, k, files, timeout, cacheDir, err, "vm", (bt, seconds) -> {
                err.printf("vm: %s: %d scenarios in one boot, %.0f s (command started %s s after QEMU), load %s%n",
                        k.release(), files.size(), seconds,
                        bt.secondsToCommand() == null ? "?" : String.format("%.1f", bt.secondsToCommand()),
                        VmObserveCommand.loadavg());
                err.flush();
            });
            Map<String, VmKernel.Observation> byName = new LinkedHashMap<>();
            String release = null;
            for (int i = 0; i < files.size(); i++) {
                VmKernel.Observation o = boot.observations().get(i);
                byName.put(Corpus.name(corpus, files.get(i)), o);
                if (release == null && o.release() != null && !o.release().isEmpty()) {
                    release = o.release();
                }
            }
            return new VmReference(release != null ? release : k.release(), byName);
        } catch (VmUnavailable e) {
            throw CliException.unavailable(e.getMessage());
        }
    }

    /**
     * The guest oracle's refusal, or its failure to build the scenario's namespace on this kernel
     * (a file inside a file-backed erofs cannot be set up where file-backed mounts do not exist:
     * 6.1): neither is an observation of the kernel's mount path.
     */
    @Override
    public Optional<String> refuses(Case c) {
        VmKernel.Observation o = byName.get(c.name());
        if (o == null || o.outcomeJson() != null || o.error() == null) {
            return Optional.empty();
        }
        int at = o.error().indexOf(REFUSED);
        if (at >= 0) {
            return Optional.of(o.error().substring(at + REFUSED.length()).strip());
        }
        int ns = o.error().indexOf(NAMESPACE);
        if (ns >= 0) {
            // the sandbox path is random: keep what failed, not where
            String why = o.error().substring(ns + NAMESPACE.length()).replaceAll("/tmp/erofs-sim-live-[^/ ]*", "<sandbox>");
            return Optional.of("the oracle cannot build the scenario's namespace on this kernel:" + why);
        }
        return Optional.empty();
    }

    @Override
    public Observation observe(Case c) {
        VmKernel.Observation o = byName.get(c.name());
        if (o == null) {
            return new Observation.Unchecked(Observation.Why.NOT_RECORDED, "not observed on " + release(), null);
        }
        if (o.outcomeJson() == null) {
            String refusal = refuses(c).orElse(null);
            if (refusal != null) {
                return new Observation.Unchecked(Observation.Why.REFUSED, "refused by the guest's oracle: " + refusal, null);
            }
            String err = o.error() == null ? "no outcome (guest exit " + o.exit() + ")"
                    : o.error().replaceFirst("^erofs-sim observe: ", "");
            return new Observation.Unchecked(Observation.Why.UNAVAILABLE, "kernel " + release() + ": " + err, null);
        }
        try {
            return new Observation.Observed(OutcomeJson.read(o.outcomeJson()), o.outcomeJson(), List.of());
        } catch (RuntimeException e) {
            return new Observation.Unchecked(Observation.Why.UNAVAILABLE, "kernel " + release()
                    + ": unreadable outcome from the guest: " + e.getMessage(), null);
        }
    }
}
