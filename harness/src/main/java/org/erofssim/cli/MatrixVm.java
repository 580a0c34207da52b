package org.erofssim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.erofssim.block.ImageBytes;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJsonWriter;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.vm.KernelCache;
import org.erofssim.vm.KernelCatalog;
import org.erofssim.vm.VmKernel;
import org.erofssim.vm.VmUnavailable;

/**
 * The VM kernels of {@code matrix --live}: which kernels of the catalog are rows, and each one's
 * row from one boot that observes every source kind. The matrix builds its scenarios in memory;
 * the guest takes scenario files, so each boot's scenarios are written
 * ({@link ScenarioJsonWriter}) into a fresh folder under the kernel cache (the guest sees the
 * host's root read-only, but has a /tmp of its own) and the folder is removed afterwards.
 */
final class MatrixVm {
    private MatrixVm() {}

    /** How the matrix reaches the VM kernels: QEMU ({@link #qemu}) or, in tests, a stand-in. */
    interface Kernels {
        /** Why {@code k} cannot boot now without downloading or building anything, or empty when it can. */
        Optional<String> unavailable(KernelCatalog.Kernel k);

        /** A new folder for one boot's scenario files, one the guest can read. */
        Path scratch() throws IOException;

        /**
         * One boot of {@code k} that observes every file, in order.
         *
         * @throws VmUnavailable naming the kernel when it cannot boot, panics or hangs
         */
        List<VmKernel.Observation> observe(KernelCatalog.Kernel k, List<Path> files);
    }

    /** The kernels the catalog pins, booted in QEMU from the cache's prepared boot folders only. */
    static Kernels qemu(Path cacheDir, PrintWriter err) {
        KernelCatalog catalog = KernelCatalog.load();
        KernelCache cache = new KernelCache(cacheDir != null ? cacheDir : KernelCache.defaultRoot(System.getenv()), s -> { });
        return new Kernels() {
            @Override
            public Optional<String> unavailable(KernelCatalog.Kernel k) {
                if (!cache.fetched(k)) {
                    return Optional.of(k.sourceBuilt()
                            ? "not built (./erofs-sim kernels --build " + k.recipe().name() + ", 6-15 min)"
                            : "not in the cache " + cache.root() + " (./erofs-sim kernels --prepare " + k.release() + ")");
                }
                Path boot = cache.boot(k);
                if (!Files.isRegularFile(boot.resolve("vmlinuz")) || !Files.isRegularFile(boot.resolve("initrd.img"))) {
                    return Optional.of("no boot folder " + boot + " (./erofs-sim kernels --prepare " + k.release() + ")");
                }
                return Optional.empty();
            }

            @Override
            public Path scratch() throws IOException {
                return Files.createTempDirectory(Files.createDirectories(cache.root().resolve("matrix")), "run-");
            }

            @Override
            public List<VmKernel.Observation> observe(KernelCatalog.Kernel k, List<Path> files) {
                long bound = VmBatchKernel.BOOT_SECONDS + VmBatchKernel.CASE_SECONDS * files.size();
                return VmObserveCommand.bootOnce(catalog, k, files, bound, cache.root(), err, "matrix vm", (b, seconds) -> {
                    err.printf("matrix vm: %s: %d scenarios in one boot, %.0f s%n", k.release(), files.size(), seconds);
                    err.flush();
                }).observations();
            }
        };
    }

    /**
     * The VM kernels that are rows: {@code vm} names them ({@code all}, {@code none}, or a
     * comma-separated list of catalog names or prefixes, exit 2 for an unknown one); without it,
     * those whose preset is one of the model's rows ({@code kernels}), every one for
     * {@code --kernel all}.
     */
    static List<KernelCatalog.Kernel> select(String vm, String kernelOption, List<KernelProfile> kernels) {
        KernelCatalog catalog = KernelCatalog.load();
        if (vm == null) {
            if (kernelOption.equals("all")) {
                return catalog.kernels();
            }
            return catalog.kernels().stream().filter(k -> k.preset().map(p -> kernels.stream()
                    .anyMatch(r -> r.release().equals(p.release()))).orElse(false)).toList();
        }
        if (vm.equals("all")) {
            return catalog.kernels();
        }
        if (vm.equals("none")) {
            return List.of();
        }
        List<KernelCatalog.Kernel> out = new ArrayList<>();
        for (String n : vm.split(",")) {
            String name = n.strip();
            if (name.isEmpty()) {
                continue;
            }
            KernelCatalog.Kernel k = catalog.find(name).orElseThrow(() -> CliException.badInput("--vm: unknown kernel '"
                    + name + "' (known: " + catalog.releases() + ", a recipe's name, all or none)"));
            if (!out.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    /**
     * The row of VM kernel {@code k}: its scenarios (one per source kind, on its preset's
     * profile or, without one, the newest row's) written into a scratch folder, one boot
     * observing them all, each compared with the model on the preset. A kernel that cannot
     * boot is a row saying why.
     */
    static MatrixCommand.LiveRow row(Kernels vms, KernelCatalog.Kernel k, Matrix.Request req, String imageNode,
                                     Matrix.Result result) {
        KernelProfile hp = k.preset().orElse(null);
        boolean inTable = hp != null && result.cells().containsKey(hp.release());
        String why = vms.unavailable(k).orElse(null);
        if (why != null) {
            return MatrixCommand.LiveRow.unavailable("vm " + k.release(), "vm", k.release(), hp, inTable, why);
        }
        KernelProfile scenarioProfile = hp != null ? hp : req.kernels().get(req.kernels().size() - 1);
        Map<Path, ImageBytes> images = new LinkedHashMap<>();
        Path dir = null;
        try {
            dir = vms.scratch();
            List<Path> files = new ArrayList<>();
            Map<String, VmKernel.Observation> byName = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (Matrix.SourceKind kind : req.kinds()) {
                Scenario s = Matrix.scenario(req, imageNode, kind, new KernelConfig(scenarioProfile, req.config()), images);
                files.add(ScenarioJsonWriter.write(s, dir.resolve(kind + ".json")));
                names.add(s.name());
            }
            List<VmKernel.Observation> obs = vms.observe(k, files);
            String release = null;
            for (int i = 0; i < obs.size() && i < names.size(); i++) {
                byName.put(names.get(i), obs.get(i));
                if (release == null && obs.get(i).release() != null && !obs.get(i).release().isEmpty()) {
                    release = obs.get(i).release();
                }
            }
            VmReference ref = new VmReference(release != null ? release : k.release(), byName);
            return MatrixCommand.observe("vm " + ref.release(), "vm", ref, req, imageNode, result);
        } catch (VmUnavailable e) {
            return MatrixCommand.LiveRow.unavailable("vm " + k.release(), "vm", k.release(), hp, inTable, e.getMessage());
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            return MatrixCommand.LiveRow.unavailable("vm " + k.release(), "vm", k.release(), hp, inTable,
                    "cannot write its scenarios: " + e.getMessage());
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
        }
    }

    /** Removes a scratch folder (its scenario files and images); what cannot go stays, said on no stream. */
    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a file left in the cache's matrix/ folder harms nothing
        }
    }
}
