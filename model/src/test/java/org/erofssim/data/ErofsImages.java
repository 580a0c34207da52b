package org.erofssim.data;

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
import org.erofssim.kernel.KernelProfiles;
import org.erofssim.mount.MountModel;
import org.erofssim.mount.MountOutcome;
import org.junit.jupiter.api.Assumptions;

/**
 * Test support for the data package: input trees made on disk, images made from them with the
 * installed {@code mkfs.erofs} (erofs-utils), and model mounts of those images. Every
 * expected value a test compares with comes from the tree it built or from erofs-utils.
 */
final class ErofsImages {
    static final String UUID = "e7051f5e-0000-4000-8000-00000000cafe";
    static final String IMAGE = "/srv/img.erofs";
    static final String LOOP = "/dev/loop0";

    private ErofsImages() {}

    /** Skips the calling test, with the reason printed, when mkfs.erofs is not installed. */
    static void assumeMkfs() {
        // prints why and skips; a failure (tool X missing: install Debian package Y) under -Derofssim.requireOracles
        Assumptions.assumeTrue(org.erofssim.tools.ErofsUtils.require("mkfs.erofs"), "mkfs.erofs not found on PATH");
    }

    static boolean onPath(String tool) {
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
    static String run(List<String> cmd) {
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
    static Path mkfs(Path image, Path dir, String... options) {
        List<String> cmd = new ArrayList<>(List.of("mkfs.erofs", "--quiet", "-T0", "-U" + UUID));
        cmd.addAll(List.of(options));
        cmd.add(image.toString());
        cmd.add(dir.toString());
        run(cmd);
        return image;
    }

    /** {@code fsck.erofs --extract=DIR image [--device=...]}. */
    static void fsckExtract(Path image, Path into, String... more) {
        List<String> cmd = new ArrayList<>(List.of("fsck.erofs", "--extract=" + into));
        cmd.addAll(List.of(more));
        cmd.add(image.toString());
        run(cmd);
    }

    /** One extent line of {@code dump.erofs -e}: logical start, length, physical start, device id. */
    record DumpExtent(long logical, long length, long physical, int device) {}

    /** What {@code dump.erofs --path=P -e} says about a path: its nid and extents. */
    record Dumped(long nid, List<DumpExtent> extents) {}

    private static final java.util.regex.Pattern NID = java.util.regex.Pattern.compile("NID: (\\d+)");
    private static final java.util.regex.Pattern EXT = java.util.regex.Pattern.compile(
            "^\\s*\\d+:\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+) :\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+)(?:\\s*# device (\\d+))?");

    /** Runs {@code dump.erofs --path=P -e image [--device=...]} and parses it. */
    static Dumped dump(Path image, String path, String... more) {
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

    static KernelConfig kernel(String name) {
        return KernelConfig.of(KernelProfiles.byName(name).orElseThrow());
    }

    /**
     * A file-backed mount of {@code image} (on ext4) at {@link #IMAGE}; {@code read} asks for the
     * tree walk (with extents and the cache probe).
     */
    static Scenario fileMount(String kernel, byte[] image, Faults faults, String options, boolean read) {
        Map<String, Node> nodes = Map.of(IMAGE, new Node.RegularFile(ImageBytes.of(image).withFaults(faults), BackingFs.EXT4));
        return scenario(kernel, nodes, IMAGE, options, read);
    }

    /** A block-device mount of {@code image} as a read-only {@link #LOOP} (7:0). */
    static Scenario bdevMount(String kernel, byte[] image, Faults faults, String options, boolean read) {
        Map<String, Node> nodes = Map.of(LOOP, new Node.BlockDevice(ImageBytes.of(image).withFaults(faults),
                new DevT(7, 0), true, 512, false));
        return scenario(kernel, nodes, LOOP, options, read);
    }

    /** A mount of {@code source}; {@code read} asks for the walk, extents and the cache probe. */
    static Scenario scenario(String kernel, Map<String, Node> nodes, String source, String options, boolean read) {
        return new Scenario("test", kernel(kernel), new VirtualNamespace(nodes), source, options, true, List.of(),
                read, read, read);
    }

    /** Mounts and asserts the mount succeeded. */
    static MountModel.LiveMount mount(Scenario sc) {
        MountModel.LiveMount live = MountModel.mountLive(sc);
        assertThat(live.outcome()).as("outcome, log " + live.outcome().log()).isInstanceOf(MountOutcome.Mounted.class);
        return live;
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} bytes of seeded pseudo-random data (incompressible, distinct per seed). */
    static byte[] noise(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Path write(Path p, byte[] data) {
        try {
            Files.createDirectories(p.getParent());
            return Files.write(p, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] data) {
        return sha256(data, data.length);
    }

    static String sha256(byte[] data, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, len);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
