package org.erofssim.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds a source recipe's kernel ({@link KernelCatalog.Recipe}) by running the checkout's {@code
 * .ci/build-kernel NAME} (bash), which fetches the pinned Debian .orig tarball, checks its
 * sha256, unpacks it, applies the committed {@code config} and runs {@code nice -n 19 make -j2
 * bzImage} with fixed build stamps into {@link KernelCache#sourceBuilds()}. Never called by the
 * tests or CI: a build takes 6-15 minutes of CPU.
 */
public final class SourceBuild {
    /** A build from scratch on two busy cores took up to this long; later ones reuse the objects. */
    static final long TIMEOUT_SECONDS = 3600;

    private SourceBuild() {}

    /** Builds {@code k}'s recipe; returns the built folder, or a {@link VmUnavailable} with the script's last line. */
    public static Path build(Path repo, KernelCache cache, KernelCatalog.Kernel k, Consumer<String> progress) {
        if (!k.sourceBuilt()) {
            throw new IllegalArgumentException(k.release() + " is not a source recipe");
        }
        Path script = repo.resolve(".ci/build-kernel");
        if (!Files.isRegularFile(script) || !Files.isDirectory(repo.resolve(k.recipe().folder()))) {
            throw new VmUnavailable("kernel " + k.release() + ": no " + script + " or " + k.recipe().folder() + " in " + repo);
        }
        progress.accept("building " + k.release() + " from " + k.recipe().folder() + " (nice -n 19 make -j2; 6-15 min)");
        long t0 = System.nanoTime();
        Tools.Result r = Tools.run(List.of("bash", script.toString(), k.recipe().name()), repo,
                Map.of("EROFSSIM_KERNEL_BUILD", cache.sourceBuilds().toString()), TIMEOUT_SECONDS);
        if (r.status() != 0) {
            throw new VmUnavailable("kernel " + k.release() + ": .ci/build-kernel " + k.recipe().name() + " failed (exit "
                    + r.status() + "): " + KernelCache.lastError(r.output().replace("build-kernel: ", "E: ")));
        }
        progress.accept(String.format("built %s in %.0f s", k.release(), (System.nanoTime() - t0) / 1e9));
        return cache.builtOrRefuse(k);
    }
}
