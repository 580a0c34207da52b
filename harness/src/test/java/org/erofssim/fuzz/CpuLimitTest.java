package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The model limit counts CPU time of the predicting thread ({@link CpuLimit}): a thread that waits
 * is not past it when the wall clock is, a thread that computes is once it has used the limit's
 * CPU time, however long that takes on a loaded machine.
 */
class CpuLimitTest {
    private static final long LIMIT = TimeUnit.MILLISECONDS.toNanos(40);

    @Test
    void aWaitingThreadIsNotPastTheLimitAComputingOneIs() throws Exception {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean().isThreadCpuTimeSupported() && !CpuLimit.WALL,
                "thread CPU time is not measurable on this JVM (the limit is in wall time there)");
        // waiting: three times the limit in wall time, next to no CPU time
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong cpuStart = new AtomicLong(-1);
        Thread waiting = new Thread(() -> {
            cpuStart.set(CpuLimit.now());
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long wallStart = System.nanoTime();
        waiting.start();
        while (cpuStart.get() < 0) {
            Thread.onSpinWait();
        }
        long waitLimit = TimeUnit.MILLISECONDS.toNanos(250);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(2 * waitLimit));
        assertThat(System.nanoTime() - wallStart).isGreaterThan(waitLimit);
        long before = System.nanoTime() - wallStart;
        boolean waitingPast = CpuLimit.past(waiting, cpuStart.get(), wallStart, waitLimit);
        long after = System.nanoTime() - wallStart;
        if (after < CpuLimit.WALL_FACTOR * waitLimit) {
            assertThat(waitingPast).as("a waiting thread, within the wall backstop").isFalse();
        } else if (before > CpuLimit.WALL_FACTOR * waitLimit) { // a machine so loaded the sleep overshot it
            assertThat(waitingPast).as("a waiting thread, past the wall backstop").isTrue();
        }
        release.countDown();
        waiting.join();

        // computing: past the limit once its CPU time is (asked until then, at most a minute)
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong spinStart = new AtomicLong(-1);
        AtomicLong sink = new AtomicLong();
        Thread spinning = new Thread(() -> {
            spinStart.set(CpuLimit.now());
            long x = 1;
            while (!stop.get()) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            sink.set(x);
        });
        long spinWall = System.nanoTime();
        spinning.start();
        while (spinStart.get() < 0) {
            Thread.onSpinWait();
        }
        boolean past = false;
        while (!past && System.nanoTime() - spinWall < TimeUnit.MINUTES.toNanos(1)) {
            Thread.sleep(5);
            past = CpuLimit.past(spinning, spinStart.get(), spinWall, LIMIT);
        }
        long used = ManagementFactory.getThreadMXBean().getThreadCpuTime(spinning.getId()) - spinStart.get();
        stop.set(true);
        spinning.join();
        assertThat(past).as("a computing thread").isTrue();
        assertThat(used).as("CPU time used when past").isGreaterThan(LIMIT);
    }
}
