package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared set-up of the live-kernel tests: the skip rule (not root, no erofs, no mkfs.erofs:
 * skipped with a printed reason), images built with mkfs.erofs 1.5 from a small tree, and the
 * leftover checks (mounts and loop devices of the oracle's sandboxes).
 */
final class LiveFixtures {
    private LiveFixtures() {}

    /** The spec's §8.1 example UUID; its f_fsid is 5498b077:0529c128. */
    static final String SPEC_UUID = "ef7f8e04-e3c3-4cf7-98cf-1650cb0265f2";
    static final String ZERO_UUID = "00000000-0000-0000-0000-000000000000";
    static final long MTIME = 1700000000L;

    static final byte[] HELLO = "hello, erofs\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] BIG = big();

    /** Skips the calling test class, printing why, unless the live oracle can run here. */
    static void assumeLive() {
        String why = LiveKernelOracle.unavailableReason();
        if (why == null && !onPath("mkfs.erofs")) {
            why = org.erofssim.tools.HostTools.missingLine(org.erofssim.tools.HostTools.declared("mkfs.erofs"));
        }
        if (why != null && org.erofssim.tools.ErofsUtils.oraclesRequired()) {
            throw new IllegalStateException("live kernel oracle missing under CI: " + why);
        }
        if (why != null) {
            System.out.println("SKIPPED live kernel oracle tests: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] big() {
        byte[] b = new byte[300000];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < b.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    /** A work folder for images (not named like the oracle's sandboxes). */
    static Path workDir() {
        try {
            return Files.createTempDirectory("erofssim-livetest-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds {@code name} in {@code work} from the tree {@code /hello} (user.k=value),
     * {@code /d/big} (300000 bytes), {@code /d/lnk -> big}, all root-owned, mtime 1700000000.
     */
    static Path image(Path work, String name, String uuid) {
        try {
            Path src = work.resolve("src-" + name);
            Files.createDirectories(src.resolve("d"));
            Files.write(src.resolve("hello"), HELLO);
            Files.write(src.resolve("d/big"), BIG);
            Files.createSymbolicLink(src.resolve("d/lnk"), Path.of("big"));
            Files.getFileAttributeView(src.resolve("hello"), UserDefinedFileAttributeView.class)
                    .write("k", ByteBuffer.wrap("value".getBytes(StandardCharsets.UTF_8)));
            Path img = work.resolve(name);
            run("mkfs.erofs", "-T" + MTIME, "--all-root", "-U", uuid, img.toString(), src.toString());
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code img} with the superblock magic (offset 1024) zeroed. */
    static Path badMagic(Path work, Path img) {
        try {
            byte[] b = Files.readAllBytes(img);
            for (int i = 0; i < 4; i++) {
                b[1024 + i] = 0;
            }
            Path out = work.resolve("badmagic.img");
            Files.write(out, b);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code img} with {@code blkszbits} set to {@code bits}, checksum fixed (spec §10 rows). */
    static Path blkszbits(Path work, Path img, int bits) {
        try {
            byte[] b = org.erofssim.ondisk.ImageEditor.read(img)
                    .set(org.erofssim.ondisk.SuperblockField.BLKSZBITS, bits).fixChecksum().bytes();
            Path out = work.resolve("blkszbits" + bits + ".img");
            Files.write(out, b);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code img} cut to {@code size} bytes. */
    static Path truncated(Path work, Path img, int size) {
        try {
            Path out = work.resolve("truncated" + size + ".img");
            Files.write(out, java.util.Arrays.copyOf(Files.readAllBytes(img), size));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Superblock fields by the spec's §1.2 offsets (from the superblock start at 1024). */
    record Sb(int rootNid, long inos, long blocks) {}

    static Sb superblock(Path img) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(img)).order(ByteOrder.LITTLE_ENDIAN);
            return new Sb(b.getShort(1024 + 14) & 0xffff, b.getLong(1024 + 16), b.getInt(1024 + 36) & 0xffffffffL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void run(String... cmd) {
        try {
            Process p = org.erofssim.tools.HostTools.processBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ leftovers

    /** Mount lines of {@code /proc/self/mounts} and bound loop devices ({@code loopN backing}) of the machine. */
    record Leftovers(Set<String> mounts, Set<String> loops, Set<String> addedLoops) {}

    static Leftovers leftovers() {
        Set<String> mounts;
        try {
            mounts = new TreeSet<>(Files.readAllLines(Path.of("/proc/self/mounts")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> loops = new TreeSet<>();
        for (Reclaim.LoopDev l : Reclaim.boundLoops()) {
            loops.add("loop" + l.number() + " " + l.backing());
        }
        Set<String> added = new TreeSet<>();
        try (var ds = Files.newDirectoryStream(Path.of("/sys/block"), "loop*")) {
            for (Path p : ds) {
                String n = p.getFileName().toString().substring(4);
                if (n.matches("\\d+") && Integer.parseInt(n) >= 4000) {
                    added.add(p.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Leftovers(mounts, loops, added);
    }

    /**
     * Entries in {@code after} and not in {@code before} that name an oracle sandbox, except those
     * of other oracle runs still going. Entries naming no sandbox are other users' of the machine
     * (e.g. .ci/busy-erofs mounting erofs images while the tests run), not the oracle's.
     */
    private static List<String> added(Set<String> before, Set<String> after, Path ours) {
        List<String> out = new ArrayList<>();
        java.util.regex.Pattern sandbox = java.util.regex.Pattern.compile("/tmp/" + Journal.PREFIX + "[^/ ]*");
        for (String line : after) {
            if (before.contains(line)) {
                continue;
            }
            java.util.regex.Matcher m = sandbox.matcher(line);
            if (!m.find()) {
                continue; // not the oracle's
            }
            if (!m.group().equals(ours.toString()) && Files.exists(Path.of(m.group()))) {
                continue; // another live run's (the global lock serialises runs, not our snapshots)
            }
            out.add(line);
        }
        return out;
    }

    /**
     * Fails unless the latest observe left nothing: no new line in /proc/self/mounts, no new
     * bound loop device, no added loop device, the sandbox folder gone.
     */
    static void assertReleased(Leftovers before) {
        Path dir = LiveKernelOracle.lastSandbox;
        assertThat(dir).as("a sandbox was made").isNotNull();
        Leftovers after = settled(before, dir);
        assertThat(added(before.mounts(), after.mounts(), dir)).as("new lines in /proc/self/mounts").isEmpty();
        assertThat(added(before.loops(), after.loops(), dir)).as("new bound loop devices").isEmpty();
        assertThat(after.addedLoops()).as("no loop device added and left").isSubsetOf(before.addedLoops());
        assertThat(dir).as("sandbox folder removed").doesNotExist();
    }

    /**
     * The leftovers once the kernel has finished releasing: a loop device the oracle cleared
     * (LOOP_CLR_FD) stays bound until its last opener closes it, and while other processes mount
     * and probe loop devices (udev's blkid, .ci/busy-erofs) that can take a moment. Waits up to
     * {@link #SETTLE_MILLIS} for the oracle's bound loop devices to go, then answers what is left.
     */
    static Leftovers settled(Leftovers before, Path ours) {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000L;
        while (true) {
            Leftovers after = leftovers();
            if (added(before.loops(), after.loops(), ours).isEmpty() || System.nanoTime() > deadline) {
                return after;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return after;
            }
        }
    }

    /** Long for a loaded machine (udev's probes wait their turn): the wait ends as soon as the devices go. */
    static final long SETTLE_MILLIS = 60_000;

    static void deleteTree(Path p) {
        Reclaim.deleteTree(p);
    }
}
