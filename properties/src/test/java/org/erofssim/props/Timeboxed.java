package org.erofssim.props;

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
 */
public final class Timeboxed {
    private static ExecutorService worker = newWorker();

    private Timeboxed() {}

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "timeboxed-model");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The value of {@code f}, or an {@link AssertionError} when it takes longer than
     * {@code millis} ms. Exceptions thrown by {@code f} are rethrown as they are (unchecked) or
     * wrapped (checked).
     */
    public static synchronized <T> T call(Supplier<T> f, long millis, String what) {
        Future<T> fut = worker.submit(f::get);
        try {
            return fut.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fut.cancel(true);
            worker.shutdownNow();
            worker = newWorker();
            throw new AssertionError("no answer within " + millis + " ms: " + what);
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
}
