package org.erofssim.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A bootable kernel made from an unpacked Debian kernel ({@link KernelCache#tree}): {@code
 * vmlinuz}, the package's {@code config}, and {@code initrd.img}, a gzip'd newc cpio written here
 * in Java with a static busybox (Debian package busybox-static), {@link GuestInit#script} as
 * {@code /init}, the decompressed module closure ({@link ModuleClosure}) and {@code
 * dev/console}, {@code dev/null}. Cached per release in {@link KernelCache#boot}; rebuilt when
 * the init script, module list or busybox changes (a stamp records them).
 */
public final class BootKernel {
    /** The boot folder: {@code vmlinuz}, {@code initrd.img}, {@code config}, {@code modules.txt}. */
    public record Prepared(String release, Path dir, List<String> modules, List<String> missing) {
        public Path vmlinuz() {
            return dir.resolve("vmlinuz");
        }

        public Path initrd() {
            return dir.resolve("initrd.img");
        }

        /**
         * What QEMU boots: the uncompressed {@code vmlinux} through its PVH entry when the boot
         * folder has one ({@link PvhKernel}) and {@code EROFSSIM_VM_PVH} is not {@code 0}, else the
         * bzImage {@code vmlinuz} (its own decompressor then runs in the guest).
         */
        public Path kernelImage() {
            Path elf = dir.resolve(PVH_FILE);
            return Files.isRegularFile(elf) && !"0".equals(System.getenv(PVH_ENV)) ? elf : vmlinuz();
        }
    }

    /** {@code EROFSSIM_VM_PVH=0} boots the bzImage even where a PVH kernel was extracted (an A/B switch, a way out). */
    public static final String PVH_ENV = "EROFSSIM_VM_PVH";
    /** The boot folder's uncompressed kernel ELF, when the bzImage can be booted through PVH. */
    static final String PVH_FILE = "vmlinux";
    /** A stamp line: boot folders written before the PVH kernel was extracted are rebuilt. */
    static final String PVH_STAMP = "pvh vmlinux\n";

    private BootKernel() {}

    /** The layouts Debian used: 6.1 {@code lib/modules}, 6.12+ {@code usr/lib/modules}. */
    static Path moduleDir(Path tree, String release) {
        for (String base : List.of("usr/lib/modules", "lib/modules")) {
            Path d = tree.resolve(base).resolve(release);
            if (Files.isDirectory(d.resolve("kernel"))) {
                return d;
            }
        }
        return null;
    }

    static Path find(Path tree, String release, String what) {
        for (String c : List.of("boot/" + what + "-" + release, "usr/lib/modules/" + release + "/" + what,
                "lib/modules/" + release + "/" + what)) {
            Path p = tree.resolve(c);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * A static busybox: whether the file is a little-endian ELF64 whose program headers (in its
     * first 64 KiB) have no {@code PT_INTERP}.
     */
    static boolean isStaticElf(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            Elf64 headers = Elf64.read(in.readNBytes(1 << 16));
            return headers.ok() && !headers.has(Elf64.PT_INTERP);
        } catch (IOException e) {
            return false;
        }
    }

    static Path busybox() {
        for (String c : List.of("/bin/busybox", "/usr/bin/busybox")) {
            Path p = Path.of(c);
            if (Files.isExecutable(p) && isStaticElf(p)) {
                return p;
            }
        }
        return null;
    }

    /** Prepares (or reuses) the boot folder of an unpacked kernel. */
    public static Prepared prepare(KernelCache cache, KernelCatalog.Kernel k, Consumer<String> progress) {
        return cache.locked(() -> prepareLocked(cache, k, progress));
    }

    private static Prepared prepareLocked(KernelCache cache, KernelCatalog.Kernel k, Consumer<String> progress) {
        String rel = k.release();
        Path tree = cache.tree(k);
        Path bb = busybox();
        if (bb == null) {
            throw new VmUnavailable("kernel " + rel + ": no static busybox at /bin/busybox (apt-get install busybox-static)");
        }
        if (k.sourceBuilt()) {
            return prepareBuilt(cache, k, bb, progress);
        }
        try {
            Path mods = moduleDir(tree, rel);
            Path vmlinuz = find(tree, rel, "vmlinuz");
            if (mods == null || vmlinuz == null) {
                throw new VmUnavailable("kernel " + rel + ": no vmlinuz or modules folder in " + tree
                        + " (run 'erofs-sim kernels --fetch " + rel + "')");
            }
            Path config = find(tree, rel, "config");
            Map<String, Path> index = new java.util.HashMap<>();
            Path memo = cache.boot(k).resolve(CLOSURE_FILE);
            String key = closureKey(tree);
            ModuleClosure.Result closure = readClosure(memo, key);
            if (closure == null) {
                index.putAll(ModuleClosure.index(mods));
                var builtin = ModuleClosure.builtin(mods);
                Map<String, List<String>> deps = new java.util.HashMap<>();
                closure = ModuleClosure.closure(ModuleClosure.REQUESTED, name -> {
                    Path f = index.get(name);
                    if (f == null) {
                        return null;
                    }
                    return deps.computeIfAbsent(name, n -> ModuleClosure.depends(ModuleClosure.modinfo(decompress(f))));
                }, builtin);
            }
            String init = GuestInit.script(closure.order().stream().map(n -> n + ".ko").toList());
            String stampText = "release " + rel + "\nbusybox " + Tools.sha256(bb) + "\nmodules " + closure.order()
                    + "\ninit " + Integer.toHexString(init.hashCode()) + "\n" + PVH_STAMP;
            Path dir = cache.boot(k);
            Path stamp = dir.resolve("stamp");
            if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(stampText)
                    && Files.isRegularFile(dir.resolve("initrd.img")) && Files.isRegularFile(dir.resolve("vmlinuz"))) {
                writeClosure(memo, key, closure);
                return new Prepared(rel, dir, closure.order(), closure.missing());
            }
            if (index.isEmpty()) {
                index.putAll(ModuleClosure.index(mods));
            }
            progress.accept("building the initramfs of " + rel + " (" + closure.order().size() + " modules)");
            writeBootFolder(dir, rel, vmlinuz, config, bb, init, closure.order(), n -> decompress(index.get(n)),
                    String.join("\n", closure.order()) + "\n"
                            + (closure.missing().isEmpty() ? "" : "# requested but absent: " + closure.missing() + "\n"),
                    stampText);
            writeClosure(memo, key, closure);
            return new Prepared(rel, dir, closure.order(), closure.missing());
        } catch (IOException | IllegalArgumentException e) {
            throw new VmUnavailable("kernel " + rel + ": cannot prepare it: " + e.getMessage());
        }
    }

    /**
     * The boot folder's memo of the module closure: {@link #closureKey} of the tree it was computed
     * from, the load order, the requested modules that are absent. Computing it indexes the
     * thousands of module files and decompresses the closure's modules for their {@code
     * .modinfo}: 0.8-2.5 s of every batch's time end to end (issue 15) for an answer that only a
     * new unpacked tree changes.
     */
    static final String CLOSURE_FILE = "closure.memo";

    /**
     * What the closure depends on: the unpacked tree's extraction mark ({@link KernelCache#tree}
     * writes it once per unpacking, a new tree gets a new one), by path, size and modification
     * time, and the modules asked for; null (no memo) for a tree without the mark.
     */
    static String closureKey(Path tree) throws IOException {
        Path mark = tree.resolve(".erofs-sim-extracted");
        if (!Files.isRegularFile(mark)) {
            return null; // no memo
        }
        return "tree " + tree.toAbsolutePath() + " " + Files.size(mark) + " " + Files.getLastModifiedTime(mark).toMillis()
                + "\nrequested " + String.join(" ", ModuleClosure.REQUESTED);
    }

    static ModuleClosure.Result readClosure(Path memo, String key) throws IOException {
        if (key == null || !Files.isRegularFile(memo)) {
            return null;
        }
        List<String> lines = Files.readAllLines(memo, StandardCharsets.UTF_8);
        String head = key.lines().collect(java.util.stream.Collectors.joining("\n"));
        int n = (int) key.lines().count();
        if (lines.size() != n + 2 || !String.join("\n", lines.subList(0, n)).equals(head)
                || !lines.get(n).startsWith("order ") || !lines.get(n + 1).startsWith("missing ")) {
            return null;
        }
        return new ModuleClosure.Result(words(lines.get(n).substring(6)), words(lines.get(n + 1).substring(8)));
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.strip().split(" "));
    }

    static void writeClosure(Path memo, String key, ModuleClosure.Result closure) throws IOException {
        if (key == null) {
            return;
        }
        String text = key + "\norder " + String.join(" ", closure.order()) + "\nmissing " + String.join(" ", closure.missing())
                + "\n";
        if (Files.isRegularFile(memo) && Files.readString(memo).equals(text)) {
            return;
        }
        // a temporary file of its own: two processes preparing the same kernel must not share one
        Path tmp = Files.createTempFile(memo.getParent(), CLOSURE_FILE + ".", ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, memo, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A module's bytes, as the initramfs holds them (uncompressed). */
    private interface ModuleBytes {
        byte[] of(String module) throws IOException;
    }

    /**
     * Writes a boot folder next to {@code dir} and swaps it in whole: the kernel image, its config
     * (when known), an initramfs of busybox, {@code /init} and {@code modules} in load order,
     * {@code modules.txt} and the stamp that makes it reusable.
     */
    private static void writeBootFolder(Path dir, String rel, Path vmlinuz, Path config, Path bb, String init,
                                        List<String> modules, ModuleBytes moduleBytes, String modulesTxt,
                                        String stampText) throws IOException {
        Path tmp = dir.resolveSibling(rel + ".partial");
        Tools.deleteTree(tmp);
        Files.createDirectories(tmp);
        Files.copy(vmlinuz, tmp.resolve("vmlinuz"));
        byte[] elf = PvhKernel.extract(Files.readAllBytes(vmlinuz));
        if (elf != null) {
            Files.write(tmp.resolve(PVH_FILE), elf);
        }
        if (config != null) {
            Files.copy(config, tmp.resolve("config"));
        }
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(tmp.resolve("initrd.img")), 1 << 16);
                Cpio c = new Cpio(o)) {
            for (String d : List.of("bin", "dev", "proc", "sys", "host", "lib", "lib/modules")) {
                c.dir(d);
            }
            c.charDevice("dev/console", 0600, 5, 1);
            c.charDevice("dev/null", 0666, 1, 3);
            c.file("bin/busybox", 0755, Files.readAllBytes(bb));
            c.file("init", 0755, init.getBytes(StandardCharsets.UTF_8));
            for (String n : modules) {
                c.file("lib/modules/" + n + ".ko", 0644, moduleBytes.of(n));
            }
        }
        Files.writeString(tmp.resolve("modules.txt"), modulesTxt);
        Files.writeString(tmp.resolve("stamp"), stampText);
        Tools.deleteTree(dir);
        Files.createDirectories(dir.getParent());
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The boot folder of a recipe's built kernel ({@link KernelCache#built}): everything is built
     * in, so the initramfs holds busybox and {@code /init} with an empty module list.
     */
    private static Prepared prepareBuilt(KernelCache cache, KernelCatalog.Kernel k, Path bb, Consumer<String> progress) {
        String rel = k.release();
        Path built = cache.builtOrRefuse(k);
        try {
            String init = GuestInit.script(List.of());
            String stampText = "release " + rel + "\nbusybox " + Tools.sha256(bb) + "\nbuilt "
                    + Tools.sha256(built.resolve("vmlinuz")) + "\ninit " + Integer.toHexString(init.hashCode()) + "\n" + PVH_STAMP;
            Path dir = cache.boot(k);
            Path stamp = dir.resolve("stamp");
            if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(stampText)
                    && Files.isRegularFile(dir.resolve("initrd.img")) && Files.isRegularFile(dir.resolve("vmlinuz"))) {
                return new Prepared(rel, dir, List.of(), List.of());
            }
            progress.accept("building the initramfs of " + rel + " (source-built, no modules)");
            Path config = built.resolve("config");
            writeBootFolder(dir, rel, built.resolve("vmlinuz"), Files.isRegularFile(config) ? config : null, bb, init,
                    List.of(), n -> {
                        throw new IllegalStateException("no modules");
                    }, "# built in: no modules\n", stampText);
            return new Prepared(rel, dir, List.of(), List.of());
        } catch (IOException e) {
            throw new VmUnavailable("kernel " + rel + ": cannot prepare it: " + e.getMessage());
        }
    }

    /** A module file's bytes, decompressed in Java (.gz, .xz, .zst). */
    static byte[] decompress(Path f) {
        String n = f.getFileName().toString();
        try {
            if (n.endsWith(".gz")) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                    return in.readAllBytes();
                }
            }
            if (n.endsWith(".xz")) { // the kernel's modules (6.12+): XZ for Java, already the model's MicroLZMA codec
                try (InputStream in = new org.tukaani.xz.XZInputStream(Files.newInputStream(f))) {
                    return in.readAllBytes();
                }
            }
            if (n.endsWith(".zst")) { // zstd-jni, already the model's ZSTD codec
                try (InputStream in = new com.github.luben.zstd.ZstdInputStream(Files.newInputStream(f))) {
                    return in.readAllBytes();
                }
            }
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new IllegalArgumentException("reading " + f + ": " + e.getMessage());
        }
    }
}
