package org.erofssim.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support for the data package: input trees made on disk, images made from them with the
 * installed {@code mkfs.erofs} (erofs-utils), and model mounts of those images. Every
 * expected value a test compares with comes from the tree it built or from erofs-utils.
 */
public final class ErofsImages {
    public static final String UUID = "e7051f5e-0000-4000-8000-00000000cafe";
    public static final String IMAGE = "/srv/img.erofs";
    public static final String LOOP = "/dev/loop0";

    private ErofsImages() {}

    /** Skips the calling test, with the reason printed, when mkfs.erofs is not installed. */
    public static void assumeMkfs() {
        // prints why and skips; a failure (tool X missing: install Debian package Y) under -Derofssim.requireOracles
        Assumptions.assumeTrue(org.erofssim.tools.ErofsUtils.require("mkfs.erofs"), "mkfs.erofs not found on PATH");
    }

    public static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command, fails the test on a non-zero exit; returns stdout+stderr. */
    public static String run(List<String> cmd) {
        try {
            Process p = org.erofssim.tools.HostTools.processBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + ": timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(String.join(" ", cmd) + " → " + text).isZero();
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code mkfs.erofs --quiet -T0 -U<uuid> [options] image dir}; returns the image path. */
    public static Path mkfs(Path image, Path dir, String... options) {
        List<String> cmd = new ArrayList<>(List.of("mkfs.erofs", "--quiet", "-T0", "-U" + UUID));
        cmd.addAll(List.of(options));
        cmd.add(image.toString());
        cmd.add(dir.toString());
        run(cmd);
        return image;
    }

    /** {@code fsck.erofs --extract=DIR image [--device=...]}. */
    public static void fsckExtract(Path image, Path into, String... more) {
        List<String> cmd = new ArrayList<>(List.of("fsck.erofs", "--extract=" + into));
        cmd.addAll(List.of(more));
        cmd.add(image.toString());
        run(cmd);
    }

    /** One extent line of {@code dump.erofs -e}: logical start, length, physical start, device id. */
    public record DumpExtent(long logical, long length, long physical, int device) {}

    /** What {@code dump.erofs --path=P -e} says about a path: its nid and extents. */
    public record Dumped(long nid, List<DumpExtent> extents) {}

    private static final java.util.regex.Pattern NID = java.util.regex.Pattern.compile("NID: (\\d+)");
    private static final java.util.regex.Pattern EXT = java.util.regex.Pattern.compile(
            "^\\s*\\d+:\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+) :\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+)(?:\\s*# device (\\d+))?");

    /** Runs {@code dump.erofs --path=P -e image [--device=...]} and parses it. */
    public static Dumped dump(Path image, String path, String... more) {
        List<String> cmd = new ArrayList<>(List.of("dump.erofs", "--path=" + path, "-e"));
        cmd.addAll(List.of(more));
        cmd.add(image.toString());
        String text = run(cmd);
        java.util.regex.Matcher m = NID.matcher(text);
        assertThat(m.find()).as("NID in " + text).isTrue();
        long nid = Long.parseLong(m.group(1));
        List<DumpExtent> ext = new ArrayList<>();
        for (String line : text.split("\n")) {
            java.util.regex.Matcher e = EXT.matcher(line);
            if (e.find()) {
                ext.add(new DumpExtent(Long.parseLong(e.group(1)), Long.parseLong(e.group(3)),
                        Long.parseLong(e.group(4)), e.group(7) == null ? 0 : Integer.parseInt(e.group(7))));
            }
        }
        return new Dumped(nid, ext);
    }

    /**
     * A preset by name ({@code "6.18"}), or a preset minus upstream changes for the regression
     * tests named after a commit: {@code "6.18 -READDIR_FAILED_MESSAGE"}.
     */
    public static KernelConfig kernel(String name) {
        return KernelConfig.of(org.erofssim.testing.Scenarios.profile(name));
    }

    /**
     * A file-backed mount of {@code image} (on ext4) at {@link #IMAGE}; {@code read} asks for the
     * tree walk (with extents and the cache probe).
     */
    public static Scenario fileMount(String kernel, byte[] image, Faults faults, String options, boolean read) {
        Map<String, Node> nodes = Map.of(IMAGE, new Node.RegularFile(ImageBytes.of(image).withFaults(faults), BackingFs.EXT4));
        return scenario(kernel, nodes, IMAGE, options, read);
    }

    /** A block-device mount of {@code image} as a read-only {@link #LOOP} (7:0). */
    public static Scenario bdevMount(String kernel, byte[] image, Faults faults, String options, boolean read) {
        Map<String, Node> nodes = Map.of(LOOP, new Node.BlockDevice(ImageBytes.of(image).withFaults(faults),
                new DevT(7, 0), true, 512, false));
        return scenario(kernel, nodes, LOOP, options, read);
    }

    /** A mount of {@code source}; {@code read} asks for the walk, extents and the cache probe. */
    public static Scenario scenario(String kernel, Map<String, Node> nodes, String source, String options, boolean read) {
        return Scenario.builder().name("test").kernel(kernel(kernel)).namespace(new VirtualNamespace(nodes))
                .source(source).options(options).read(read).extents(read).probeCache(read).build();
    }

    /** Mounts and asserts the mount succeeded. */
    public static MountModel.LiveMount mount(Scenario sc) {
        MountModel.LiveMount live = MountModel.mountLive(sc);
        assertThat(live.outcome()).as("outcome, log " + live.outcome().log()).isInstanceOf(MountOutcome.Mounted.class);
        return live;
    }

    public static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} bytes of seeded pseudo-random data (incompressible, distinct per seed). */
    public static byte[] noise(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static Path write(Path p, byte[] data) {
        try {
            Files.createDirectories(p.getParent());
            return Files.write(p, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] data) {
        return sha256(data, data.length);
    }

    public static String sha256(byte[] data, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, len);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The log lines of a live mount after its {@code mounted with root inode} line (what reads printed). */
    public static List<String> linesAfterMount(MountModel.LiveMount live) {
        List<String> all = live.log().lines();
        int i = 0;
        while (i < all.size() && !all.get(i).contains("mounted with root inode")) {
            i++;
        }
        return List.copyOf(all.subList(Math.min(i + 1, all.size()), all.size()));
    }

    /** Where inode {@code nid} starts in an image with 4 KiB blocks ({@code erofs_iloc}). */
    public static long iloc(org.erofssim.ondisk.ImageEditor ed, long nid) {
        return (ed.get(org.erofssim.ondisk.SuperblockField.META_BLKADDR) << 12) + nid * 32;
    }
}
