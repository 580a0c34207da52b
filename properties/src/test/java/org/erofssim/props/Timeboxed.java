package org.erofssim.props;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a computation on a shared daemon worker with a time limit, so that a property can say
 * "never hangs" without paying a thread per try. A computation that overruns fails the try with
 * {@link AssertionError}; its worker is abandoned (it may spin) and a fresh one serves the next try.
 *
 * <p>The limit counts the worker's CPU time, as the fuzz campaign's model limit does (CpuLimit,
 * issue 12/15): in wall time a loaded machine (CI's 2 cores, other builds) can stretch a
 * computation past it that is far within it, and a try failed for the machine's load, not the
 * model. A computation that spins uses CPU and is past the limit once it has used it; one that
 * waits is past it at {@value #WALL_FACTOR} times the limit in wall time (the limit in wall time
 * alone where thread CPU time cannot be measured).
 */
public final class Timeboxed {
    /** A computation past this many times the limit in wall time overran whatever CPU it used. */
    static final int WALL_FACTOR = 20;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU = THREADS.isThreadCpuTimeSupported();
    /** How often the worker's CPU time is looked at while it computes. */
    private static final long SLICE_MILLIS = 50;

    private static ExecutorService worker = newWorker();

    private Timeboxed() {}

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "timeboxed-model");
            t.setDaemon(true);
            return t;
        });
    }

    /** The worker running a computation and its CPU time when it began. */
    private record Started(long threadId, long cpu) {}

    /**
     * The value of {@code f}, or an {@link AssertionError} when it takes more than {@code millis}
     * ms of CPU time (or {@value #WALL_FACTOR} times that in wall time). Exceptions thrown by
     * {@code f} are rethrown as they are (unchecked) or wrapped (checked).
     */
    public static synchronized <T> T call(Supplier<T> f, long millis, String what) {
        java.util.concurrent.atomic.AtomicReference<Started> started = new java.util.concurrent.atomic.AtomicReference<>();
        long wallStart = System.nanoTime();
        Future<T> fut = worker.submit(() -> {
            started.set(new Started(Thread.currentThread().getId(), CPU ? THREADS.getCurrentThreadCpuTime() : 0));
            return f.get();
        });
        long limit = TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (true) {
                try {
                    return fut.get(Math.min(millis, SLICE_MILLIS), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (past(started.get(), wallStart, limit)) {
                        fut.cancel(true);
                        worker.shutdownNow();
                        worker = newWorker();
                        throw new AssertionError("no answer within " + millis + " ms" + (CPU ? " of CPU time" : "") + ": "
                                + what);
                    }
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + what, e);
        }
    }

    /** Whether the computation {@code s} (null: not begun yet) is past {@code limit} ns. */
    private static boolean past(Started s, long wallStart, long limit) {
        long wall = System.nanoTime() - wallStart;
        if (!CPU) {
            return wall > limit;
        }
        if (wall > (limit > Long.MAX_VALUE / WALL_FACTOR ? Long.MAX_VALUE : limit * WALL_FACTOR)) {
            return true;
        }
        long cpu = s == null ? -1 : THREADS.getThreadCpuTime(s.threadId());
        return cpu >= 0 && cpu - s.cpu() > limit;
    }
}
