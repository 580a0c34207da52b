package org.erofssim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bench child that outlives its timeout is ended with everything it started: SIGTERM first (a
 * JVM's shutdown hooks run: a {@code fuzz --live} child unmounts and kills its QEMU), then, after
 * the grace period, SIGKILL for it and every descendant. The children here are JVMs of
 * {@link Child} that start a grandchild JVM and then wait; the timeout is short, no time is asserted.
 */
class ChildRunTimeoutTest {
    /**
     * Enough for two JVMs to start on a machine under some load; the child says when it is ready,
     * and a run that timed out before it was is repeated with a longer timeout ({@link #timedOut}).
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(12);

    @TempDir
    Path dir;

    /**
     * {@code Child DIR MODE}: starts a grandchild ({@code Child DIR leaf}, which writes
     * {@code leaf.pid} and sleeps), then writes {@code child.pid} and sleeps. On SIGTERM a
     * {@code polite} child kills its grandchild, writes {@code cleaned} and exits; a
     * {@code stubborn} one blocks in its shutdown hook forever.
     */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Path d = Path.of(args[0]);
            String mode = args[1];
            if (mode.equals("leaf")) {
                Files.writeString(d.resolve("leaf.pid"), String.valueOf(ProcessHandle.current().pid()));
                Thread.sleep(Long.MAX_VALUE);
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            Process leaf = org.erofssim.tools.HostTools.processBuilder(java, "-cp", System.getProperty("java.class.path"),
                    Child.class.getName(), d.toString(), "leaf").redirectErrorStream(true)
                    .redirectOutput(d.resolve("leaf.log").toFile()).start();
            while (!Files.exists(d.resolve("leaf.pid"))) {
                Thread.sleep(20);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    if (mode.equals("stubborn")) {
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    leaf.destroyForcibly().waitFor();
                    Files.writeString(d.resolve("cleaned"), "yes");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            Files.writeString(d.resolve("child.pid"), String.valueOf(ProcessHandle.current().pid()));
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** {@code Bench DIR}: a bench-like process running a stubborn {@link Child} through ChildRun with a long timeout. */
    public static final class Bench {
        public static void main(String[] args) {
            Path d = Path.of(args[0]);
            String java = ProcessHandle.current().info().command().orElse("java");
            ChildRun.run(List.of(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(), d.toString(),
                    "stubborn"), d.resolve("out.txt"), Duration.ofMinutes(10), Duration.ofSeconds(2));
        }
    }

    private List<String> child(String mode) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(), dir.toString(), mode);
    }

    private static boolean alive(Path pidFile) throws Exception {
        return ChildRun.running(Long.parseLong(Files.readString(pidFile).strip())); // a zombie awaiting init is gone
    }

    /** What {@link #timedOut} ended with: the timeout used and what ChildRun threw. */
    private record TimedOut(Duration timeout, Throwable thrown) {}

    /**
     * ChildRun.run of a {@code mode} child that outlives {@code timeout}, which must find the child
     * ready (its grandchild started, its shutdown hook in place: {@code child.pid} written): when a
     * loaded machine took longer than the timeout to start the two JVMs, the run is repeated with
     * twice the timeout (three times at most), the processes of the slow run ended by ChildRun.
     */
    private TimedOut timedOut(String mode, Duration grace) throws Exception {
        Duration timeout = TIMEOUT;
        for (int attempt = 1; ; attempt++) {
            Duration t = timeout;
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> ChildRun.run(child(mode), dir.resolve("out.txt"), t, grace));
            if (Files.exists(dir.resolve("child.pid")) || attempt == 3) {
                return new TimedOut(t, thrown);
            }
            assertThat(dir.resolve("cleaned")).as("no hook ran in a child that was not ready").doesNotExist();
            Files.deleteIfExists(dir.resolve("leaf.pid"));
            timeout = timeout.multipliedBy(2);
        }
    }

    @Test
    void aChildThatIgnoresSigtermIsKilledWithItsDescendantsAfterTheGrace() throws Exception {
        TimedOut r = timedOut("stubborn", Duration.ofSeconds(2));
        assertThat(r.thrown()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no exit within " + r.timeout().toSeconds() + " s")
                .hasMessageContaining("SIGKILLed after a grace of 2 s");
        assertThat(dir.resolve("child.pid")).as("the child was running (started its grandchild) at the timeout").exists();
        assertThat(dir.resolve("cleaned")).as("the stubborn child's hook never finished").doesNotExist();
        assertThat(alive(dir.resolve("child.pid"))).as("the child").isFalse();
        assertThat(alive(dir.resolve("leaf.pid"))).as("the grandchild the SIGKILLed child orphaned").isFalse();
        assertThat(ProcessHandle.current().descendants().toList()).as("nothing this test started").isEmpty();
    }

    @Test
    void aChildThatHandlesSigtermCleansUpItselfBeforeAnyKill() throws Exception {
        assertThat(timedOut("polite", Duration.ofSeconds(60)).thrown()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopped by SIGTERM");
        assertThat(dir.resolve("child.pid")).as("the child was running at the timeout").exists();
        assertThat(dir.resolve("cleaned")).as("its shutdown hook ran: SIGTERM came first, not SIGKILL").exists();
        assertThat(alive(dir.resolve("child.pid"))).isFalse();
        assertThat(alive(dir.resolve("leaf.pid"))).isFalse();
    }

    @Test
    void benchStoppedWithSigtermEndsItsChildAndItsDescendants() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process bench = org.erofssim.tools.HostTools.processBuilder(java, "-cp", System.getProperty("java.class.path"),
                Bench.class.getName(), dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("bench.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!Files.exists(dir.resolve("child.pid")) || Files.readString(dir.resolve("child.pid")).isBlank()) {
                assertThat(bench.isAlive()).as("bench-like process running; its log: %s", Files.exists(dir.resolve("bench.log"))
                        ? Files.readString(dir.resolve("bench.log")) : "").isTrue();
                assertThat(System.nanoTime()).as("its child and grandchild started in time").isLessThan(deadline);
                Thread.sleep(50);
            }
            bench.destroy(); // SIGTERM to the bench-like process only
            assertThat(bench.waitFor(60, TimeUnit.SECONDS)).as("it stopped").isTrue();
        } finally {
            bench.destroyForcibly();
        }
        assertThat(alive(dir.resolve("child.pid"))).as("its stubborn child").isFalse();
        assertThat(alive(dir.resolve("leaf.pid"))).as("the child's own child").isFalse();
    }

    @Test
    void aChildThatExitsInTimeIsMeasuredAsBefore() throws Exception {
        ChildRun r = ChildRun.run(List.of(ProcessHandle.current().info().command().orElse("java"), "-version"),
                dir.resolve("out.txt"), TIMEOUT, Duration.ofSeconds(2));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stderr()).contains("version");
        assertThat(ProcessHandle.current().descendants().toList()).isEmpty();
    }
}
