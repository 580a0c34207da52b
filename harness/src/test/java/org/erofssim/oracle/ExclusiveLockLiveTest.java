package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.erofssim.testkit.Live;
import org.erofssim.tools.HostTools;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveKernelOracle#exclusively}: code that mounts erofs outside the oracle (ReproScriptLiveTest's
 * repro.sh runs) holds the very lock every observation holds, so another process (a second
 * {@code ./mvnw verify}) cannot observe meanwhile: a process trying the lock file's POSIX lock
 * (python3's {@code fcntl.lockf}, as Java's {@code FileChannel.tryLock} takes it) is refused inside
 * and gets it once the body has returned.
 */
@Live
class ExclusiveLockLiveTest {
    private static String tryLockFromAnotherProcess() throws Exception {
        String py = "import fcntl,sys\nf=open(sys.argv[1],'r+')\ntry:\n    fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n"
                + "    print('taken')\nexcept OSError:\n    print('refused')\n";
        Process p = HostTools.processBuilder("python3", "-c", py, LiveLock.LOCK_DIR.resolve("live.lock").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void anotherProcessCannotTakeTheLockWhileTheBodyRuns() throws Exception {
        boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        if (!root) {
            assertThat(Boolean.getBoolean("erofssim.requireOracles")).as("the live lock needs root").isFalse();
            System.out.println("ExclusiveLockLiveTest: skipped: not root (the lock is in a folder only root may enter)");
            return;
        }
        String inside = LiveKernelOracle.exclusively(() -> {
            try {
                return tryLockFromAnotherProcess();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inside).as("another process while the body runs").isEqualTo("refused");
        // after: free again, unless a concurrent run (another helper's observation) holds it right now
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String after;
        do {
            after = tryLockFromAnotherProcess();
        } while (!after.equals("taken") && System.nanoTime() < deadline && sleep());
        assertThat(after).as("another process once the body returned").isEqualTo("taken");
    }

    /**
     * Reentrant (HostKernel marks the kernel log under the lock, then observes inside it): the nested
     * body runs at once, and the outer body still holds the lock after it returned (a second lock of
     * the file, closed, would have dropped it).
     */
    @Test
    void aNestedBodyRunsUnderTheLockAlreadyHeld() throws Exception {
        boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        if (!root) {
            assertThat(Boolean.getBoolean("erofssim.requireOracles")).as("the live lock needs root").isFalse();
            System.out.println("ExclusiveLockLiveTest: skipped: not root (the lock is in a folder only root may enter)");
            return;
        }
        java.util.List<String> seen = LiveKernelOracle.exclusively(() -> {
            try {
                String inner = LiveKernelOracle.exclusively(() -> {
                    try {
                        return tryLockFromAnotherProcess();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                return java.util.List.of(inner, tryLockFromAnotherProcess());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(seen).as("another process inside the nested body, then after it returned").containsExactly("refused",
                "refused");
    }

    private static boolean sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
