package org.erofssim.cli;

import org.erofssim.vm.BootKernel;
import org.erofssim.vm.KernelCache;
import org.erofssim.vm.KernelCatalog;
import org.erofssim.vm.VmUnavailable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.erofssim.cli.CliException;
import org.erofssim.cli.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code erofs-sim kernels [--fetch RELEASE|all] [--prepare RELEASE|all] [--cache DIR]}: the
 * kernels the matrix knows ({@link KernelCatalog}), fetching and preparing them on request.
 */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = {"The kernels the matrix knows, from the committed pinned list.",
                "",
                "Lists release (uname -r), Debian packages with version and sha256, the model",
                "preset each maps to and whether it is in the cache. --fetch downloads the",
                "pinned packages with a private apt configuration (never installing them),",
                "checks their sha256 and unpacks them; --prepare also builds the boot folder",
                "(vmlinuz + initramfs). Exit 77 with one line when a pinned package has left",
                "the registry or a tool is missing. Source recipes (CONFIG variants,",
                "kernels/recipes/) are built on demand with --build NAME, never in CI."})
public final class KernelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--fetch", paramLabel = "RELEASE|all", description = "download, check and unpack a kernel (or all)")
    String fetch;

    @Option(names = "--prepare", paramLabel = "RELEASE|all",
            description = "as --fetch, then build its bootable vmlinuz + initramfs")
    String prepare;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "cache folder (default $" + KernelCache.ENV + ", else ${XDG_CACHE_HOME:-~/.cache}/erofs-sim/kernels)")
    Path cacheDir;

    @Option(names = "--build", paramLabel = "NAME",
            description = "build a source recipe's kernel (kernels/recipes/NAME, by .ci/build-kernel: 6-15 min of CPU; never in CI)")
    String build;

    @Option(names = "--list", paramLabel = "FILE",
            description = "a pinned list of one's own instead of the committed one (same JSON shape)")
    Path list;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KernelCatalog catalog;
        try {
            catalog = list == null ? KernelCatalog.load() : KernelCatalog.load(list);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(e.getMessage());
        }
        KernelCache cache = new KernelCache(cacheDir != null ? cacheDir : KernelCache.defaultRoot(System.getenv()),
                s -> {
                    err.println("kernels: " + s);
                    err.flush();
                });
        if ((fetch != null ? 1 : 0) + (prepare != null ? 1 : 0) + (build != null ? 1 : 0) > 1) {
            throw CliException.badInput("give one of --fetch, --prepare, --build");
        }
        if (build != null) {
            KernelCatalog.Kernel k = catalog.find(build).filter(KernelCatalog.Kernel::sourceBuilt).orElseThrow(() ->
                    CliException.badInput("unknown source recipe '" + build + "' (recipes: " + String.join(", ",
                            catalog.kernels().stream().filter(KernelCatalog.Kernel::sourceBuilt)
                                    .map(x -> x.recipe().name()).toList()) + ")"));
            Path repo = RepoRoot.find().orElseThrow(() -> CliException.unavailable(
                    "kernel " + k.release() + ": --build needs the erofs-sim checkout (its kernels/recipes and .ci/build-kernel)"));
            try {
                Path dir = org.erofssim.vm.SourceBuild.build(repo, cache, k, s -> {
                    err.println("kernels: " + s);
                    err.flush();
                });
                out.println(k.release() + ": " + dir);
                out.flush();
            } catch (VmUnavailable e) {
                throw CliException.unavailable(e.getMessage());
            }
            return ExitCode.OK;
        }
        String which = prepare != null ? prepare : fetch;
        if (which != null) {
            List<KernelCatalog.Kernel> ks = select(catalog, which);
            try {
                for (KernelCatalog.Kernel k : ks) {
                    if (k.sourceBuilt() && which.equals("all") && !cache.fetched(k)) {
                        err.println("kernels: " + k.release() + ": a source recipe, not built (skipped; './erofs-sim kernels --build "
                                + k.recipe().name() + "')");
                        continue;
                    }
                    Path tree = cache.fetch(catalog, k);
                    if (prepare != null) {
                        BootKernel.Prepared b = BootKernel.prepare(cache, k, s -> {
                            err.println("kernels: " + s);
                            err.flush();
                        });
                        out.println(k.release() + ": " + b.dir() + " (modules: " + String.join(" ", b.modules())
                                + (b.missing().isEmpty() ? "" : "; absent: " + String.join(" ", b.missing())) + ")");
                    } else {
                        out.println(k.release() + ": " + tree);
                    }
                    out.flush();
                }
            } catch (VmUnavailable e) {
                throw CliException.unavailable(e.getMessage());
            }
            return ExitCode.OK;
        }
        out.println("kernels of the matrix (pinned in " + (list == null ? KernelCatalog.RESOURCE : list.toString()) + "; cache " + cache.root() + ")");
        for (KernelCatalog.Kernel k : catalog.kernels()) {
            out.println();
            if (k.sourceBuilt()) {
                KernelCatalog.Recipe r = k.recipe();
                out.println(k.release() + "  [source recipe " + r.folder() + "]  preset: " + k.presetText() + "  cache: "
                        + (java.nio.file.Files.isRegularFile(cache.boot(k).resolve("initrd.img")) ? "prepared"
                                : cache.fetched(k) ? "built" : "not built (--build " + r.name() + ")"));
                out.println("  " + r.what());
                out.println("  Debian source " + r.source() + " " + r.version() + "  orig tarball sha256 " + r.origSha256());
                continue;
            }
            out.println(k.release() + "  [" + k.suite() + "]  preset: " + k.presetText() + "  cache: "
                    + (java.nio.file.Files.isRegularFile(cache.boot(k).resolve("initrd.img")) ? "prepared"
                            : cache.fetched(k) ? "fetched" : "not fetched"));
            for (KernelCatalog.Package p : k.packages()) {
                out.println("  " + p.name() + " " + p.version() + "  " + p.size() + " B  sha256 " + p.sha256());
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    static List<KernelCatalog.Kernel> select(KernelCatalog catalog, String which) {
        if (which.equals("all")) {
            return catalog.kernels();
        }
        return List.of(catalog.find(which).orElseThrow(() -> CliException.badInput("unknown kernel '" + which
                + "' (known: " + catalog.releases() + ", or a prefix selecting one of them)")));
    }
}
