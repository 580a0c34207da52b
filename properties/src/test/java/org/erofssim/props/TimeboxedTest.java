package org.erofssim.props;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@link Timeboxed}'s limit is CPU time of the computation: one held off the CPU past the limit
 * in wall time (what a loaded machine does to any thread; here it sleeps) still answers, one
 * that spins is stopped, and one that waits far past the limit is stopped by the wall backstop.
 * No time is asserted.
 */
class TimeboxedTest {
    private static final long LIMIT_MS = 100;

    @Test
    void aComputationHeldOffTheCpuAnswersOneThatSpinsOrWaitsTooLongDoesNot() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean().isThreadCpuTimeSupported(),
                "thread CPU time is not measurable on this JVM (the limit is in wall time there)");
        // twice the limit in wall time, next to no CPU time: a try that a loaded machine stretched
        assertThat(Timeboxed.call(() -> {
            sleep(2 * LIMIT_MS);
            return "answered";
        }, LIMIT_MS, "held off")).isEqualTo("answered");
        assertThatThrownBy(() -> Timeboxed.call(() -> {
            long x = 1;
            while (!Thread.currentThread().isInterrupted()) { // ends when the abandoned worker is interrupted
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            return x;
        }, LIMIT_MS, "spins")).isInstanceOf(AssertionError.class).hasMessageContaining("no answer within 100 ms of CPU time: spins");
        assertThatThrownBy(() -> Timeboxed.call(() -> {
            sleep(60 * Timeboxed.WALL_FACTOR * LIMIT_MS); // interrupted when abandoned
            return "late";
        }, LIMIT_MS, "waits")).isInstanceOf(AssertionError.class).hasMessageContaining("no answer within 100 ms of CPU time: waits");
        // the next computation gets a fresh worker
        assertThat(Timeboxed.call(() -> 42, LIMIT_MS, "after")).isEqualTo(42);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
