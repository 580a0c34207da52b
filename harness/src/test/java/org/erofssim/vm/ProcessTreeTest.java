package org.erofssim.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU is started behind {@link ProcessTree#launcher()}: in a session of its own, and SIGKILLed by
 * the kernel when the JVM that started it dies without running its shutdown hooks (SIGKILL: bench's
 * timeout after its grace, the OOM killer). Here a child JVM starts a stand-in for QEMU (a JVM
 * that sleeps) the same way and is SIGKILLed; the stand-in must be gone.
 */
class ProcessTreeTest {
    @TempDir
    Path dir;

    /** {@code Starter DIR}: starts {@code Leaf DIR} behind the launcher, waits; {@code Leaf} writes its pid and sleeps. */
    public static final class Starter {
        public static void main(String[] args) throws Exception {
            Path d = Path.of(args[0]);
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> argv = new ArrayList<>(ProcessTree.launcher());
            argv.addAll(List.of(java, "-cp", System.getProperty("java.class.path"), Leaf.class.getName(), d.toString()));
            org.erofssim.tools.HostTools.processBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(d.resolve("leaf.log").toFile()).start();
            Thread.sleep(Long.MAX_VALUE); // the starting thread waits, as VmKernel.boot's does
        }
    }

    public static final class Leaf {
        public static void main(String[] args) throws Exception {
            Files.writeString(Path.of(args[0], "leaf.pid"), String.valueOf(ProcessHandle.current().pid()));
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void theLauncherPutsSetsidThenSetprivWhenInstalled() {
        List<String> words = ProcessTree.launcher();
        if (Tools.which("setsid") != null && Tools.which("setpriv") != null) {
            assertThat(words).containsExactly("setsid", "setpriv", "--pdeathsig", "KILL");
        } else {
            assertThat(words).doesNotContain("setpriv").hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void aVmStartedBehindTheLauncherDiesWithItsSigkilledParent() throws Exception {
        if (Tools.which("setpriv") == null) {
            System.out.println("ProcessTreeTest: skipped: setpriv (util-linux, a vm tool) is not installed");
            Assumptions.abort("setpriv not installed");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process starter = org.erofssim.tools.HostTools.processBuilder(java, "-cp", System.getProperty("java.class.path"),
                Starter.class.getName(), dir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("starter.log").toFile()).start();
        Optional<ProcessHandle> leaf = Optional.empty();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(dir.resolve("leaf.pid")) || Files.readString(dir.resolve("leaf.pid")).isBlank()) {
                assertThat(starter.isAlive()).as("starter running; its log: %s", Files.exists(dir.resolve("starter.log"))
                        ? Files.readString(dir.resolve("starter.log")) : "").isTrue();
                assertThat(System.nanoTime()).as("the stand-in started in time").isLessThan(deadline);
                Thread.sleep(50);
            }
            leaf = ProcessHandle.of(Long.parseLong(Files.readString(dir.resolve("leaf.pid")).strip()));
            assertThat(leaf).as("the stand-in is running").isPresent();
            starter.destroyForcibly(); // SIGKILL: no shutdown hook runs
            starter.waitFor(30, TimeUnit.SECONDS);
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (VmKernelTest.running(leaf.get().pid()) && System.nanoTime() < gone) {
                Thread.sleep(20);
            }
            assertThat(VmKernelTest.running(leaf.get().pid())).as("the stand-in after its parent's SIGKILL").isFalse();
        } finally {
            starter.destroyForcibly();
            leaf.ifPresent(ProcessHandle::destroyForcibly); // never left behind, even when the test fails
        }
    }
}
