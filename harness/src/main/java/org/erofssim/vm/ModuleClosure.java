package org.erofssim.vm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The modules a guest needs, in load order, from each module's own {@code .modinfo} section
 * ({@code depends=}): Debian's packages ship no {@code modules.dep} (depmod runs in postinst) and
 * the host has no kmod. Built-in modules ({@code modules.builtin}) are skipped; a requested module
 * that neither exists nor is built in is left out and reported (crc32c_generic is gone in 7.x).
 */
public final class ModuleClosure {
    /**
     * What the guest loads, in this order: crc32c_generic first because libcrc32c needs the crypto
     * "crc32c" at init (a soft dependency .modinfo does not carry as depends=).
     */
    public static final List<String> REQUESTED = List.of("crc32c_generic", "virtio_pci", "9pnet_virtio", "9p",
            "loop", "erofs", "ext4", "overlay", "virtio_blk");

    /** The result: module names in load order, and the requested ones that do not exist. */
    public record Result(List<String> order, List<String> missing) {}

    private ModuleClosure() {}

    /** A module's name as the kernel spells it: file name without .ko[.xz|.zst|.gz], '-' as '_'. */
    public static String moduleName(String fileName) {
        String n = fileName.replaceAll("\\.ko(\\.xz|\\.zst|\\.gz)?$", "");
        return n.replace('-', '_');
    }

    /**
     * The closure of {@code requested}: dependencies before dependents, each once.
     *
     * @param depends a module's {@code depends=} list, or null when no such module file exists
     * @param builtin names built into the kernel (never loaded, their dependencies neither)
     */
    public static Result closure(List<String> requested, Function<String, List<String>> depends, Set<String> builtin) {
        LinkedHashMap<String, Boolean> order = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String r : requested) {
            String n = r.replace('-', '_');
            if (builtin.contains(n)) {
                continue;
            }
            if (depends.apply(n) == null) {
                missing.add(n);
                continue;
            }
            visit(n, depends, builtin, order, new HashSet<>());
        }
        return new Result(List.copyOf(order.keySet()), List.copyOf(missing));
    }

    private static void visit(String n, Function<String, List<String>> depends, Set<String> builtin,
            Map<String, Boolean> order, Set<String> onPath) {
        if (order.containsKey(n) || builtin.contains(n)) {
            return;
        }
        if (!onPath.add(n)) {
            throw new IllegalArgumentException("module dependency cycle through " + n);
        }
        List<String> deps = depends.apply(n);
        if (deps == null) {
            throw new IllegalArgumentException("module " + n + " is needed but not in the package");
        }
        for (String d : deps) {
            visit(d.replace('-', '_'), depends, builtin, order, onPath);
        }
        onPath.remove(n);
        order.put(n, Boolean.TRUE);
    }

    /**
     * The {@code .modinfo} section of an ELF64 little-endian module as key=value strings, in order.
     * Throws {@link IllegalArgumentException} for a file that is not such a module.
     */
    public static List<String> modinfo(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
            throw new IllegalArgumentException("not an ELF64 little-endian file");
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
        if (shentsize < 64 || shoff <= 0 || shoff + (long) shnum * shentsize > elf.length || shstrndx >= shnum) {
            throw new IllegalArgumentException("bad ELF section table");
        }
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            String name = cString(elf, strOff + Integer.toUnsignedLong(b.getInt(h)));
            if (name.equals(".modinfo")) {
                long off = b.getLong(h + 0x18);
                long size = b.getLong(h + 0x20);
                if (off < 0 || size < 0 || off + size > elf.length) {
                    throw new IllegalArgumentException(".modinfo outside the file");
                }
                List<String> out = new ArrayList<>();
                for (String s : new String(elf, (int) off, (int) size, StandardCharsets.UTF_8).split("\0")) {
                    if (!s.isEmpty()) {
                        out.add(s);
                    }
                }
                return out;
            }
        }
        throw new IllegalArgumentException("no .modinfo section");
    }

    /** The {@code depends=} names of a .modinfo list (empty when none). */
    public static List<String> depends(List<String> modinfo) {
        for (String s : modinfo) {
            if (s.startsWith("depends=")) {
                String v = s.substring("depends=".length());
                return v.isEmpty() ? List.of() : List.of(v.split(","));
            }
        }
        return List.of();
    }

    private static String cString(byte[] b, long off) {
        if (off < 0 || off >= b.length) {
            return "";
        }
        int end = (int) off;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, (int) off, end - (int) off, StandardCharsets.US_ASCII);
    }

    /** Every module file under a modules folder, by module name. */
    public static Map<String, Path> index(Path moduleDir) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        try (var s = Files.walk(moduleDir)) {
            s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches(".*\\.ko(\\.xz|\\.zst|\\.gz)?"))
                    .sorted().forEach(p -> out.putIfAbsent(moduleName(p.getFileName().toString()), p));
        }
        return out;
    }

    /** Names in {@code modules.builtin} (paths like kernel/fs/erofs/erofs.ko). */
    public static Set<String> builtin(Path moduleDir) throws IOException {
        Set<String> out = new HashSet<>();
        Path f = moduleDir.resolve("modules.builtin");
        if (Files.isRegularFile(f)) {
            for (String l : Files.readAllLines(f)) {
                if (!l.isBlank()) {
                    out.add(moduleName(Path.of(l.strip()).getFileName().toString()));
                }
            }
        }
        return out;
    }
}
