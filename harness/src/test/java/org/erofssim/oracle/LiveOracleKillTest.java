package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.contract.MountOutcome;
import org.erofssim.testkit.Live;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A run killed with SIGKILL in the middle of observe (everything made, the scenario mounted)
 * leaves mounts and loop devices; the next run releases them from the journal and the folder.
 * A run stopped with SIGTERM releases them itself (a shutdown hook per open sandbox).
 */
@DisplayName("LiveKernelOracle after a run killed with SIGKILL or stopped with SIGTERM")
@Live
class LiveOracleKillTest {
    private static Path work;

    @BeforeAll
    static void images() {
        LiveFixtures.assumeLive();
        work = LiveFixtures.workDir();
        LiveFixtures.image(work, "plain.img", LiveFixtures.SPEC_UUID);
    }

    @AfterAll
    static void removeImages() {
        if (work != null) {
            LiveFixtures.deleteTree(work);
        }
    }

    private static List<String> mountsUnder(Path dir) {
        List<String> out = new ArrayList<>();
        for (MountInfo m : MountInfo.read()) {
            if (MountInfo.under(m.mountPoint(), dir.toString())) {
                out.add(m.mountPoint() + " " + m.fsType());
            }
        }
        return out;
    }

    private static List<String> loopsUnder(Path dir) {
        List<String> out = new ArrayList<>();
        for (Reclaim.LoopDev l : Reclaim.boundLoopsUnder(dir.toString())) {
            out.add("loop" + l.number());
        }
        return out;
    }

    private static List<String> addedLoopsOf(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(Journal.FILE))) {
            if (line.startsWith("loopadd ")) {
                out.add("loop" + line.substring(8).trim());
            }
        }
        return out;
    }

    @Test
    @DisplayName("the next observe releases the mounts, loop devices and folder of a killed run")
    void killedRunIsReclaimed() throws Exception {
        Path marker = work.resolve("marker");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = org.erofssim.tools.HostTools.processBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillChild.class.getName(), work.toString(), marker.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("child.log").toFile()).start();
        Path dir;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(marker)) {
                assertThat(child.isAlive()).as("child still running; its log: %s",
                        Files.exists(work.resolve("child.log")) ? Files.readString(work.resolve("child.log")) : "").isTrue();
                assertThat(System.nanoTime()).as("child reached the mount in time").isLessThan(deadline);
                Thread.sleep(100);
            }
            dir = Path.of(Files.readString(marker).strip());
            assertThat(mountsUnder(dir)).as("the child's mounts").hasSizeGreaterThanOrEqualTo(5);
            assertThat(loopsUnder(dir)).as("the child's bound loop devices").hasSizeGreaterThanOrEqualTo(2);
        } finally {
            child.destroyForcibly(); // SIGKILL
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        List<String> added = addedLoopsOf(dir);
        assertThat(added).as("the child added an unbound loop device").hasSize(1);
        assertThat(Path.of("/sys/block", added.get(0))).exists();
        assertThat(mountsUnder(dir)).as("a SIGKILL unmounts nothing").isNotEmpty();

        // another process has the added device open for 4 s as the next run reclaims it (udev's
        // blkid probes every new device, and a loaded machine runs it late): the removal waits for it
        Process holder = org.erofssim.tools.HostTools.processBuilder("sh", "-c",
                "exec 3</dev/" + added.get(0) + " && echo open && sleep 4").start();
        MountOutcome o;
        try {
            assertThat(new String(holder.getInputStream().readNBytes(5), StandardCharsets.UTF_8))
                    .as("the holder opened it").isEqualTo("open\n");
            // the next run: any observe reclaims stale sandboxes first
            o = new LiveKernelOracle().observe(ScenarioJson.read("""
                    {"version": 1, "name": "next-run", "nodes": {"/d": {"kind": "dir"}}, "source": "/d"}""", work));
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(o).isInstanceOf(MountOutcome.Failed.class);

        assertThat(mountsUnder(dir)).as("mounts left by the killed run").isEmpty();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LiveFixtures.SETTLE_MILLIS);
        while (!loopsUnder(dir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(loopsUnder(dir)).as("loop devices left by the killed run").isEmpty();
        assertThat(Path.of("/sys/block", added.get(0))).as("the added loop device is removed").doesNotExist();
        assertThat(dir).as("the killed run's folder").doesNotExist();
    }

    @Test
    @DisplayName("a run stopped with SIGTERM releases its mounts, loop devices and folder itself, at once")
    void terminatedRunReleasesItself() throws Exception {
        Path marker = work.resolve("marker-term");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = org.erofssim.tools.HostTools.processBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillChild.class.getName(), work.toString(), marker.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("child-term.log").toFile()).start();
        Path dir;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(marker)) {
                assertThat(child.isAlive()).as("child still running; its log: %s",
                        Files.exists(work.resolve("child-term.log")) ? Files.readString(work.resolve("child-term.log")) : "")
                        .isTrue();
                assertThat(System.nanoTime()).as("child reached the mount in time").isLessThan(deadline);
                Thread.sleep(100);
            }
            dir = Path.of(Files.readString(marker).strip());
            assertThat(mountsUnder(dir)).as("the child's mounts").hasSizeGreaterThanOrEqualTo(5);
            child.destroy(); // SIGTERM
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child stopped").isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        // no later run has reclaimed anything: the child's shutdown hook released it all
        assertThat(mountsUnder(dir)).as("mounts left by the terminated run").isEmpty();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LiveFixtures.SETTLE_MILLIS);
        while (!loopsUnder(dir).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(loopsUnder(dir)).as("loop devices left by the terminated run").isEmpty();
        assertThat(dir).as("the terminated run's folder").doesNotExist();
        // the machine-wide lock is root's alone: a 0700 folder, a 0600 file
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(LiveLock.LOCK_DIR)))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(LiveLock.LOCK_DIR.resolve("live.lock")))).isEqualTo("rw-------");
    }
}
