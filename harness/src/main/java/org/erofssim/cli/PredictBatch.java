package org.erofssim.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;

/**
 * The outcome lines of a {@code predict} batch, computed on all cores and written in the order
 * given (session 11, issue 12: the warm predict server spent 0.23 s of CPU in 0.147 s on a
 * 10,000-scenario batch, one thread doing the work).
 *
 * <p><b>Same bytes.</b> The model is pure ({@code MountModel}: a scenario's outcome depends on
 * the scenario alone; the per-batch state it reads, image mappings and the superblock cache, is
 * immutable or thread-safe, as the fuzz campaign's workers already rely on), so where an outcome
 * is computed changes nothing. Workers take <em>chunks</em> of consecutive scenarios; each
 * outcome is turned into its JSON line on the worker ({@link OutcomeJson#write(MountOutcome)},
 * the same characters the streaming writer gives), except an outcome with a large tree, which
 * the writing thread streams as the one-thread batch does (a huge walk's tree is never held
 * again as one string). The writing thread writes chunk after chunk in order.
 * {@code PredictBatchTest} compares a parallel batch with each scenario predicted alone.
 *
 * <p><b>Errors.</b> A scenario whose prediction throws (a model bug: {@link
 * Scenarios#predict} names the scenario) ends its chunk; the writing thread writes every
 * outcome before it, then throws that same exception, as the one-thread loop did. Chunks not yet
 * started are cancelled (never interrupted: an interrupted positional read would close an
 * image's channel), and so they are when the writing fails (the predict server's client went away).
 *
 * <p><b>Memory.</b> At most {@link #WINDOW_PER_THREAD} chunks per thread are in flight
 * (submitted and not yet written): a new chunk is submitted only when the oldest is written, so
 * the outcomes held are bounded by the window, not by the batch.
 *
 * <p><b>Threads.</b> One pool for the process, shared by concurrent batches (the predict
 * server's requests): {@code -Derofssim.predictThreads=N} threads, default the available
 * processors, daemon threads. A read scenario's walk hands its large files to the clean-read
 * pool ({@code CleanReads}, as many threads again); those threads mostly wait while the walks
 * of small-image scenarios run, and a batch of large-image reads is bounded by both pools
 * (at most twice the processors runnable).
 */
final class PredictBatch {
    /** The pool's threads: {@code -Derofssim.predictThreads}, default the available processors. */
    static final int THREADS = Math.max(1, Integer.getInteger("erofssim.predictThreads",
            Runtime.getRuntime().availableProcessors()));
    /** Chunks per thread submitted and not yet written. */
    static final int WINDOW_PER_THREAD = 3;
    /** Most scenarios in a chunk: one hand-over between threads per chunk, not per scenario. */
    static final int MAX_CHUNK = 32;
    /** Outcomes whose tree has more entries are streamed by the writing thread, not made a string on a worker. */
    static final int TREE_AS_TEXT = 256;

    private static ThreadPoolExecutor pool;

    private PredictBatch() {}

    /**
     * Whether a batch of {@code n} scenarios is worth the pool with {@code threads} threads:
     * a batch of one, or one thread, runs on the caller's thread alone.
     */
    static boolean parallel(int n, int threads) {
        return n >= 2 && threads >= 2;
    }

    /**
     * Writes the outcome line of each of {@code scenarios} (named {@code shownAs} in a model
     * failure's message) to {@code out} in order, computed on {@code threads} threads of the
     * shared pool, calling {@code written} with the count after each line and flushing {@code
     * out} after each line as {@link OutcomeJson#write(MountOutcome, Writer)} does.
     */
    static void write(List<Scenario> scenarios, List<String> shownAs, int threads, Writer out, IntConsumer written) {
        write(scenarios, shownAs, threads, TREE_AS_TEXT, out, written);
    }

    /** {@link #write}, streaming on the writing thread each outcome whose tree has more than {@code treeAsText} entries. */
    static void write(List<Scenario> scenarios, List<String> shownAs, int threads, int treeAsText, Writer out,
                      IntConsumer written) {
        int n = scenarios.size();
        int chunk = Math.max(1, Math.min(MAX_CHUNK, n / (threads * 16)));
        int window = threads * WINDOW_PER_THREAD;
        ThreadPoolExecutor p = pool(threads);
        ArrayDeque<Future<Chunk>> inFlight = new ArrayDeque<>();
        int next = 0; // first scenario not yet submitted
        int done = 0;
        try {
            while (done < n) {
                while (next < n && inFlight.size() < window) {
                    int from = next;
                    int to = Math.min(n, from + chunk);
                    inFlight.add(p.submit(() -> Chunk.of(scenarios, shownAs, from, to, treeAsText)));
                    next = to;
                }
                Chunk c = await(inFlight.poll());
                for (Object line : c.lines) {
                    if (line == null) {
                        break;
                    }
                    if (line instanceof String s) {
                        out.write(s);
                    } else {
                        OutcomeJson.write((MountOutcome) line, out); // flushes out
                    }
                    out.write(System.lineSeparator()); // what println writes, without its flush
                    out.flush();
                    written.accept(++done);
                }
                if (c.failure != null) {
                    throw c.failure;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a PrintWriter does not throw it
        } finally {
            for (Future<Chunk> f : inFlight) {
                f.cancel(false);
            }
        }
    }

    /** The chunk {@code f} computes, its worker's failure as the worker threw it. */
    private static Chunk await(Future<Chunk> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the chunk is the batch's next output: wait for it
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) {
                        throw err; // as the one-thread loop would have thrown it (the server stops on one)
                    }
                    throw new IllegalStateException("a predict worker failed: " + e.getCause(), e.getCause());
                } catch (CancellationException e) {
                    throw new IllegalStateException("a predict chunk was cancelled", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The outcome lines of scenarios {@code [from, to)}: a JSON line (a string) or an outcome to
     * stream; after a failure, null, and the failure.
     */
    private record Chunk(Object[] lines, RuntimeException failure) {
        static Chunk of(List<Scenario> scenarios, List<String> shownAs, int from, int to, int treeAsText) {
            Object[] lines = new Object[to - from];
            for (int i = from; i < to; i++) {
                MountOutcome o;
                try {
                    o = Scenarios.predict(scenarios.get(i), shownAs.get(i));
                } catch (RuntimeException e) {
                    return new Chunk(lines, e);
                }
                boolean big = o instanceof MountOutcome.Mounted m && m.tree() != null && m.tree().size() > treeAsText;
                lines[i - from] = big ? o : OutcomeJson.write(o);
            }
            return new Chunk(lines, null);
        }
    }

    /** The shared pool, with at least {@code threads} threads. */
    private static synchronized ThreadPoolExecutor pool(int threads) {
        if (pool == null) {
            AtomicInteger count = new AtomicInteger();
            pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "erofs-sim-predict-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else if (pool.getMaximumPoolSize() < threads) {
            pool.setMaximumPoolSize(threads);
            pool.setCorePoolSize(threads);
        }
        return pool;
    }
}
