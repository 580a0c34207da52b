package org.erofssim.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.erofssim.block.Faults;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.inode.Iget;
import org.erofssim.mount.MountModel;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.testing.Checkout;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support for compressed images: input trees of compressible and incompressible files
 * written to disk, images made from them with the installed {@code mkfs.erofs} (erofs-utils
 * 1.5), {@code fsck.erofs --extract} of an image, and the three-way comparison
 * model == input tree == fsck. Expected values come from the trees and erofs-utils only.
 */
public final class ZTrees {
    private ZTrees() {}

    /** Skips (printing why) when an erofs-utils tool is missing; under CI a missing tool fails. */
    public static void require(String tool) {
        Assumptions.assumeTrue(ErofsUtils.require(tool), tool + " not found on PATH");
    }

    /** Text that LZ4 compresses well: words from a small vocabulary, seeded. */
    public static byte[] text(int n, long seed) {
        String[] words = {"erofs", "pcluster", "lcluster", "compact", "index", "head", "plain", "tail", "block",
            "kernel", "mount", "read", "folio", "page", "zero", "padding", "lz4", "hc", "big", "inline\n"};
        Random r = new Random(seed);
        byte[] out = new byte[n];
        int i = 0;
        while (i < n) {
            byte[] w = (words[r.nextInt(words.length)] + (r.nextInt(7) == 0 ? "\n" : " ")).getBytes(StandardCharsets.US_ASCII);
            int c = Math.min(w.length, n - i);
            System.arraycopy(w, 0, out, i, c);
            i += c;
        }
        return out;
    }

    /** Alternating 4 KiB runs of text and noise: compressed files with uncompressed (PLAIN) pclusters. */
    public static byte[] mixed(int n, long seed) {
        byte[] t = text(n, seed);
        byte[] z = ErofsImages.noise(n, seed + 1);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = ((i / 4096 + seed) % 3 == 0) ? z[i] : t[i];
        }
        return out;
    }

    /** The standard compressed input tree: sizes around block and pcluster boundaries, mixed contents. */
    public static Path standardTree(Path dir) {
        int[] sizes = {1, 100, 4095, 4096, 4097, 8191, 8192, 8193, 12288, 16383, 16384, 16385, 65535, 65536,
            65537, 131072 + 1000, 300_000};
        long seed = 11;
        for (int s : sizes) {
            ErofsImages.write(dir.resolve("text/t" + s), text(s, seed++));
            ErofsImages.write(dir.resolve("mixed/m" + s), mixed(s, seed++));
        }
        ErofsImages.write(dir.resolve("noise/n20000"), ErofsImages.noise(20_000, seed++));
        ErofsImages.write(dir.resolve("zeros/z1m"), new byte[1 << 20]);
        ErofsImages.write(dir.resolve("big/text2m"), text(2 << 20, seed++));
        for (int i = 0; i < 120; i++) {
            ErofsImages.write(dir.resolve(String.format("small/s%03d", i)), text(30 + (i * 97) % 3500, seed++));
        }
        try {
            Files.createDirectories(dir.resolve("empty"));
            ErofsImages.write(dir.resolve("f0"), new byte[0]);
            Files.createSymbolicLink(dir.resolve("link"), Path.of("text/t100"));
            Files.createSymbolicLink(dir.resolve("longlink"), Path.of("x".repeat(3000)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** What the input tree (or an extracted one) holds per image path: type, size, hash or target. */
    public record Item(String type, long size, String sha256, String target) {}

    public static Map<String, Item> describe(Path root) {
        Map<String, Item> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                String path = rel.isEmpty() ? "/" : "/" + rel;
                if (Files.isSymbolicLink(p)) {
                    out.put(path, new Item("symlink", 0, null, Files.readSymbolicLink(p).toString()));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(path, new Item("dir", 0, null, null));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    byte[] b = Files.readAllBytes(p);
                    out.put(path, new Item("file", b.length, ErofsImages.sha256(b), null));
                } else {
                    out.put(path, new Item("other", 0, null, null));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The model's walk as the same items (only error-free entries carry a hash). */
    public static Map<String, Item> describe(List<TreeEntry> walk) {
        Map<String, Item> out = new TreeMap<>();
        for (TreeEntry e : walk) {
            out.put(e.path(), new Item(e.type(), "file".equals(e.type()) ? e.size() : 0,
                    "file".equals(e.type()) ? e.sha256() : null, e.target()));
        }
        return out;
    }

    /** {@code mkfs.erofs --quiet -T0 -U<uuid> OPTIONS image tree} through ErofsUtils. */
    public static Path mkfs(Path image, Path tree, String... options) {
        List<String> args = new ArrayList<>(List.of("--quiet", "-T0", "-U" + ErofsImages.UUID));
        args.addAll(List.of(options));
        args.add(image.toString());
        args.add(tree.toString());
        ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.MKFS, args, 300);
        assertThat(r.exitCode()).as("mkfs.erofs " + args + ": " + r.stderr() + r.stdout()).isZero();
        return image;
    }

    /** {@code fsck.erofs --extract=DIR image}: what erofs-utils reads from the image. */
    public static Path fsckExtract(Path image, Path into) {
        ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.FSCK, List.of("--extract=" + into, image.toString()), 300);
        assertThat(r.exitCode()).as("fsck.erofs --extract " + image + ": " + r.stderr() + r.stdout()).isZero();
        return into;
    }

    /** The model's tree of a mount that must succeed. */
    public static List<TreeEntry> walk(org.erofssim.contract.Scenario sc) {
        MountOutcome o = MountModel.predict(sc);
        assertThat(o).as("log " + o.log()).isInstanceOf(MountOutcome.Mounted.class);
        return ((MountOutcome.Mounted) o).tree();
    }

    /** Walks {@code image} in both modes on 6.13 and 6.18; each walk must equal {@code expected}, without errors. */
    public static void walksEqual(byte[] image, Map<String, Item> expected, String what) {
        for (String k : List.of("6.13", "6.18")) {
            for (boolean bdev : List.of(false, true)) {
                List<TreeEntry> walked = walk(bdev ? ErofsImages.bdevMount(k, image, Faults.NONE, null, true)
                        : ErofsImages.fileMount(k, image, Faults.NONE, null, true));
                String as = what + " " + k + (bdev ? " bdev" : " fileio");
                for (TreeEntry e : walked) {
                    assertThat(e.readErrno()).as(as + " " + e.path() + " " + e.notes()).isNull();
                    assertThat(e.notes()).as(as + " " + e.path()).isEmpty();
                    if ("file".equals(e.type())) {
                        assertThat(e.readOkBytes()).as(as + " " + e.path()).isEqualTo(e.size());
                    }
                }
                Map<String, Item> got = describe(walked);
                assertThat(got).as(as).containsExactlyInAnyOrderEntriesOf(expected);
            }
        }
    }

    /** A mounted superblock for driving the data classes directly, with the attempt's log. */
    public record Live(org.erofssim.sb.SbInfo sbi, MetaBuf buf, org.erofssim.kernel.KernelLog log,
                org.erofssim.sb.SbLog sblog) {
        public ErofsInode inode(long nid) {
            return Iget.iget(sbi, buf, sblog, nid);
        }

        /** The log lines printed since the mount line. */
        public List<String> lines() {
            List<String> all = log.lines();
            return all.subList(1, all.size());
        }
    }

    /** A file-backed (or bdev) mount of {@code image} on {@code kernel}, kept for further reads. */
    public static Live mount(String kernel, byte[] image, boolean bdev) {
        org.erofssim.contract.Scenario sc = bdev ? ErofsImages.bdevMount(kernel, image, Faults.NONE, null, false)
                : ErofsImages.fileMount(kernel, image, Faults.NONE, null, false);
        MountModel.LiveMount live = ErofsImages.mount(sc);
        return new Live(live.sbi(), live.buf(), live.log(),
                new org.erofssim.sb.SbLog(live.log(), live.sbi().kernel(), live.sbi().sId()));
    }

    /** One extent line of {@code dump.erofs -e}: logical start and length, physical start and length. */
    public record DumpExtent(long logical, long length, long physical, long plen) {}

    private static final java.util.regex.Pattern EXT = java.util.regex.Pattern.compile(
            "^\\s*\\d+:\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+) :\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+)");

    /** {@code dump.erofs --path=P -e image}: the nid and the extents erofs-utils maps. */
    public static Map.Entry<Long, List<DumpExtent>> dumpExtents(Path image, String path) {
        ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.DUMP, List.of("--path=" + path, "-e", image.toString()), 120);
        assertThat(r.exitCode()).as("dump.erofs " + path + ": " + r.stderr()).isZero();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("NID: (\\d+)").matcher(r.stdout());
        assertThat(m.find()).as(r.stdout()).isTrue();
        List<DumpExtent> ext = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            java.util.regex.Matcher e = EXT.matcher(line);
            if (e.find()) {
                ext.add(new DumpExtent(Long.parseLong(e.group(1)), Long.parseLong(e.group(3)),
                        Long.parseLong(e.group(4)), Long.parseLong(e.group(6))));
            }
        }
        return Map.entry(Long.parseLong(m.group(1)), ext);
    }

    /** Byte offset of a compressed inode's map header: {@code ALIGN(iloc + isize + xattrs, 8)}. */
    public static long header(ErofsInode inode) {
        return (inode.dataOffset() + 7) & ~7L;
    }

    /** A file of fixtures/images ({@link Checkout}). */
    public static Path fixture(String name) {
        return Checkout.images().resolve(name);
    }

    /** Sorted map helper for readable failures. */
    public static <V> Map<String, V> sorted(Map<String, V> m) {
        return new LinkedHashMap<>(new TreeMap<>(m));
    }
}
