package org.erofssim.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cache folder of fetched kernels, outside the repository: {@code
 * $EROFS_SIM_KERNEL_CACHE}, else {@code ${XDG_CACHE_HOME:-~/.cache}/erofs-sim/kernels}.
 *
 * <pre>
 *   apt/       a private apt configuration (apt.conf, sources.list, lists/, cache/): the host's
 *              apt state is never read for packages nor written
 *   debs/      the pinned .deb files, sha256-checked
 *   tree/REL/  every package of a release unpacked with dpkg-deb -x
 *   boot/REL/  vmlinuz, initrd.img, config, modules.txt ({@link BootKernel})
 * </pre>
 *
 * Nothing is installed on the host: packages are downloaded with {@code apt-get download
 * PKG=VERSION} under the private configuration and unpacked with {@code dpkg-deb -x}.
 */
public final class KernelCache {
    /** Overrides the cache folder. */
    public static final String ENV = "EROFS_SIM_KERNEL_CACHE";
    private static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

    private final Path root;
    private final Consumer<String> progress;
    private boolean updated;

    public KernelCache(Path root, Consumer<String> progress) {
        this.root = root.toAbsolutePath().normalize();
        this.progress = progress == null ? s -> { } : progress;
    }

    /** The default cache folder for this environment. */
    public static Path defaultRoot(Map<String, String> env) {
        String own = env.get(ENV);
        if (own != null && !own.isEmpty()) {
            return Path.of(own);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("erofs-sim").resolve("kernels");
    }

    public Path root() {
        return root;
    }

    /**
     * Runs {@code work} holding the cache's lock file (several erofs-sim processes fetching or
     * preparing at once would otherwise share the .partial folders).
     */
    public <T> T locked(java.util.function.Supplier<T> work) {
        try {
            Files.createDirectories(root);
            try (var ch = java.nio.channels.FileChannel.open(root.resolve(".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                    var lock = ch.lock()) {
                return work.get();
            }
        } catch (IOException e) {
            throw new VmUnavailable("kernel cache " + root + ": cannot lock it: " + e.getMessage());
        }
    }

    /** The unpacked packages of a release. */
    public Path tree(KernelCatalog.Kernel k) {
        return root.resolve("tree").resolve(k.release());
    }

    /** The bootable kernel folder of a release. */
    public Path boot(KernelCatalog.Kernel k) {
        return root.resolve("boot").resolve(k.release());
    }

    /** The .deb file name apt-get download writes ({@code name_version_amd64.deb}, ':' as %3a). */
    static String debName(KernelCatalog.Package p) {
        return p.name() + "_" + p.version().replace(":", "%3a") + "_amd64.deb";
    }

    /**
     * Where {@code .ci/build-kernel} puts its work ({@code src/}, {@code out/}, {@code tools/}) and
     * its results ({@code built/NAME/}: vmlinuz, config, release, recipe.sha256).
     */
    public Path sourceBuilds() {
        return root.resolve("src-build");
    }

    /** A recipe's built kernel folder. */
    public Path built(KernelCatalog.Kernel k) {
        return sourceBuilds().resolve("built").resolve(k.recipe().name());
    }

    /** Whether every package of the kernel is in the cache (not checked against its sha256), or a recipe's kernel is built. */
    public boolean fetched(KernelCatalog.Kernel k) {
        if (k.sourceBuilt()) {
            return Files.isRegularFile(built(k).resolve("vmlinuz"));
        }
        return k.packages().stream().allMatch(p -> Files.isRegularFile(root.resolve("debs").resolve(debName(p))));
    }

    /**
     * The Debian mirror URIs of the host's apt configuration ({@code debian}, {@code
     * debian-security}), read only to reuse the same mirror; a key is absent when the host names
     * none (then {@link #sourcesList} says so in one line: the project names no mirror of its own).
     */
    static Map<String, String> mirrors(List<String> sourceTexts) {
        String main = null;
        String security = null;
        for (String text : sourceTexts) {
            for (String line : text.split("\n")) {
                String l = line.strip();
                if (l.startsWith("#")) {
                    continue;
                }
                for (String word : l.split("\\s+")) {
                    if (!word.startsWith("http://") && !word.startsWith("https://")) {
                        continue;
                    }
                    String u = word.replaceAll("/+$", "");
                    if (u.endsWith("/debian-security") && security == null) {
                        security = u;
                    } else if (u.endsWith("/debian") && main == null) {
                        main = u;
                    }
                }
            }
        }
        Map<String, String> out = new java.util.HashMap<>();
        if (main != null) {
            out.put("debian", main);
        }
        if (security != null) {
            out.put("debian-security", security);
        }
        return Map.copyOf(out);
    }

    /** The private sources.list: one line per suite of the catalog, signed by the stock keyring. */
    static String sourcesList(KernelCatalog catalog, Map<String, String> mirrors) {
        Set<String> lines = new LinkedHashSet<>();
        for (KernelCatalog.Kernel k : catalog.kernels()) {
            if (k.sourceBuilt()) {
                continue; // built from a recipe (.ci/build-kernel), not fetched with apt
            }
            String mirror = mirrors.get(k.archive());
            if (mirror == null) {
                throw new VmUnavailable("the host's apt sources (/etc/apt) name no .../" + k.archive()
                        + " mirror, which kernel " + k.release() + " is fetched from");
            }
            lines.add("deb [signed-by=" + KEYRING + "] " + mirror + " " + k.suite() + " main");
        }
        return String.join("\n", lines) + "\n";
    }

    /** The private apt.conf (passed as APT_CONFIG): own lists, cache, no host preferences or status. */
    static String aptConf(Path apt) {
        return "Dir::Etc::SourceList \"" + apt.resolve("sources.list") + "\";\n"
                + "Dir::Etc::SourceParts \"/dev/null\";\n"
                + "Dir::Etc::Preferences \"/dev/null\";\n"
                + "Dir::Etc::PreferencesParts \"/dev/null\";\n"
                + "Dir::State::Lists \"" + apt.resolve("lists") + "\";\n"
                + "Dir::State::status \"/dev/null\";\n"
                + "Dir::Cache \"" + apt.resolve("cache") + "\";\n"
                + "APT::Architecture \"amd64\";\n"
                + "APT::Sandbox::User \"root\";\n"
                + "Acquire::Languages \"none\";\n"
                + "DPkg::Lock::Timeout \"600\";\n";
    }

    private Path aptConfig(KernelCatalog catalog) throws IOException {
        Path apt = root.resolve("apt");
        Files.createDirectories(apt.resolve("lists").resolve("partial"));
        Files.createDirectories(apt.resolve("cache").resolve("archives").resolve("partial"));
        List<String> texts = new ArrayList<>();
        for (Path f : hostSources()) {
            try {
                texts.add(Files.readString(f, StandardCharsets.UTF_8));
            } catch (IOException e) {
                // unreadable host source: the default mirror
            }
        }
        Files.writeString(apt.resolve("sources.list"), sourcesList(catalog, mirrors(texts)));
        Path conf = apt.resolve("apt.conf");
        Files.writeString(conf, aptConf(apt));
        return conf;
    }

    private static List<Path> hostSources() {
        List<Path> out = new ArrayList<>();
        Path main = Path.of("/etc/apt/sources.list");
        if (Files.isRegularFile(main)) {
            out.add(main);
        }
        try (var s = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted().forEach(out::add);
        } catch (IOException e) {
            // none
        }
        return out;
    }

    /**
     * Downloads (when not cached) and checks every package of the kernel, then unpacks them.
     * Throws {@link VmUnavailable} with one line naming the kernel when a pinned package has left
     * the registry, the download fails or a sha256 differs.
     */
    public Path fetch(KernelCatalog catalog, KernelCatalog.Kernel k) {
        if (k.sourceBuilt()) {
            return builtOrRefuse(k);
        }
        return locked(() -> fetchLocked(catalog, k));
    }

    /**
     * A recipe's built kernel, checked: its {@code release} file names the catalog's release.
     * Never built here: building takes minutes of CPU and is asked for by name.
     */
    Path builtOrRefuse(KernelCatalog.Kernel k) {
        Path dir = built(k);
        if (!Files.isRegularFile(dir.resolve("vmlinuz"))) {
            throw new VmUnavailable("kernel " + k.release() + ": built from a source recipe on demand only; not built in "
                    + dir + " (run './erofs-sim kernels --build " + k.recipe().name() + "', 6-15 min)");
        }
        try {
            String rel = Files.readString(dir.resolve("release")).strip();
            if (!rel.equals(k.release())) {
                throw new VmUnavailable("kernel " + k.release() + ": " + dir + " holds " + rel + " (rebuild it)");
            }
        } catch (IOException e) {
            throw new VmUnavailable("kernel " + k.release() + ": " + dir + ": no release file (rebuild it)");
        }
        return dir;
    }

    private Path fetchLocked(KernelCatalog catalog, KernelCatalog.Kernel k) {
        if (Tools.which("apt-get") == null || Tools.which("dpkg-deb") == null) {
            throw new VmUnavailable("kernel " + k.release() + ": apt-get and dpkg-deb are needed to fetch it");
        }
        try {
            Path debs = Files.createDirectories(root.resolve("debs"));
            for (KernelCatalog.Package p : k.packages()) {
                Path deb = debs.resolve(debName(p));
                if (Files.isRegularFile(deb) && verified(deb, p.sha256())) {
                    continue;
                }
                Files.deleteIfExists(deb);
                Path conf = aptConfig(catalog);
                Map<String, String> env = Map.of("APT_CONFIG", conf.toString(), "LC_ALL", "C");
                if (!updated) {
                    progress.accept("updating the private package indexes in " + root.resolve("apt"));
                    Tools.Result r = Tools.run(List.of("apt-get", "-q", "update"), debs, env, 900);
                    if (r.status() != 0) {
                        throw new VmUnavailable("kernel " + k.release() + ": apt-get update failed: " + lastError(r.output()));
                    }
                    updated = true;
                }
                progress.accept("downloading " + p.pin() + " (" + (p.size() >> 20) + " MiB)");
                Tools.Result r = Tools.run(List.of("apt-get", "-q", "download", p.pin()), debs, env, 1800);
                if (r.status() != 0 || !Files.isRegularFile(deb)) {
                    String out = r.output();
                    if (out.contains("Unable to locate package") || out.contains("was not found")
                            || out.contains("has no installation candidate") || out.contains("404")) {
                        throw new VmUnavailable("kernel " + k.release() + ": pinned package " + p.pin() + " has left "
                                + "the registry (" + k.suite() + "); update its pin in the kernel list");
                    }
                    throw new VmUnavailable("kernel " + k.release() + ": apt-get download " + p.pin() + " failed: "
                            + lastError(out));
                }
                String got = Tools.sha256(deb);
                if (!got.equals(p.sha256())) {
                    Files.deleteIfExists(deb);
                    throw new VmUnavailable("kernel " + k.release() + ": " + deb.getFileName() + " has sha256 " + got
                            + ", the pin says " + p.sha256());
                }
            }
            return extract(k);
        } catch (IOException e) {
            throw new VmUnavailable("kernel " + k.release() + ": cache " + root + ": " + e.getMessage());
        }
    }

    /**
     * Whether {@code deb} has the pinned sha256: hashed once, then remembered in {@code
     * NAME.verified} beside it (its size, modification time and the sha256) until the file's size
     * or time changes. Each batch of a fuzz campaign fetches its kernel, and hashing the 70-110 MB
     * image package took 0.3-2.6 s of the batch's time end to end (issue 15), for files a boot
     * does not read (it boots the boot folder made from the unpacked tree).
     */
    static boolean verified(Path deb, String sha256) throws IOException {
        Path mark = deb.resolveSibling(deb.getFileName() + ".verified");
        String id = Files.size(deb) + " " + Files.getLastModifiedTime(deb).toMillis() + " " + sha256 + "\n";
        if (Files.isRegularFile(mark) && Files.readString(mark).equals(id)) {
            return true;
        }
        if (!Tools.sha256(deb).equals(sha256)) {
            Files.deleteIfExists(mark);
            return false;
        }
        // a temporary file of its own: two processes fetching the same kernel must not share one
        Path tmp = Files.createTempFile(mark.getParent(), mark.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, id);
            Files.move(tmp, mark, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return true;
    }

    private Path extract(KernelCatalog.Kernel k) throws IOException {
        Path tree = tree(k);
        Path stamp = tree.resolve(".erofs-sim-extracted");
        if (Files.isRegularFile(stamp)) {
            return tree;
        }
        Path tmp = tree.resolveSibling(k.release() + ".partial");
        Tools.deleteTree(tmp);
        Files.createDirectories(tmp);
        for (KernelCatalog.Package p : k.packages()) {
            progress.accept("unpacking " + debName(p));
            Tools.Result r = Tools.run(List.of("dpkg-deb", "-x", root.resolve("debs").resolve(debName(p)).toString(),
                    tmp.toString()), null, null, 900);
            if (r.status() != 0) {
                Tools.deleteTree(tmp);
                throw new VmUnavailable("kernel " + k.release() + ": dpkg-deb -x " + debName(p) + " failed: "
                        + lastError(r.output()));
            }
        }
        Files.writeString(tmp.resolve(".erofs-sim-extracted"), k.release() + "\n");
        Tools.deleteTree(tree);
        Files.createDirectories(tree.getParent());
        Files.move(tmp, tree, StandardCopyOption.ATOMIC_MOVE);
        return tree;
    }

    static String lastError(String output) {
        String last = "";
        for (String l : output.split("\n")) {
            if (l.startsWith("E:")) {
                return l.strip();
            }
            if (!l.isBlank()) {
                last = l.strip();
            }
        }
        return last.isEmpty() ? "(no output)" : last;
    }
}
