package org.erofssim.cli;

import java.io.CharArrayWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * is computed changes nothing. The batch is cut into <em>chunks</em> of consecutive scenarios
 * (one hand-over between threads per chunk, not per scenario); a chunk's outcomes are turned
 * into their JSON lines where the chunk is computed ({@link OutcomeJson#write(MountOutcome,
 * Writer)} into one buffer), except an outcome with a large tree, which the writing thread
 * streams as the one-thread batch does (a huge walk's tree is never held again as text). The
 * writing thread writes chunk after chunk in order. {@code PredictBatchTest} compares parallel
 * batches with each scenario predicted alone.
 *
 * <p><b>Who computes.</b> The writing thread is one of the threads: it computes its next chunk
 * itself unless a worker has begun it, and while a worker computes that one it computes the
 * next chunks nobody has begun (a chunk is computed by the first thread that takes it). So
 * {@code threads} threads work: the caller and {@code threads - 1} workers of a pool shared by
 * the process and by concurrent batches (the predict server's requests), daemon threads.
 *
 * <p><b>Errors.</b> A scenario whose prediction throws (a model bug: {@link Scenarios#predict}
 * names the scenario) ends its chunk; the writing thread writes every outcome before it, then
 * throws that same exception, as the one-thread loop did. Chunks not yet begun are cancelled
 * (never interrupted: an interrupted positional read would close an image's channel), and so
 * they are when the writing fails (the predict server's client went away).
 *
 * <p><b>Memory.</b> At most {@link #WINDOW_PER_THREAD} chunks per thread, of at most {@link
 * #MAX_CHUNK} scenarios, are in flight (submitted and not yet written): a new chunk is submitted
 * only when the oldest is written, so the outcomes held are bounded by the window, not by the
 * batch.
 *
 * <p><b>Reads.</b> A read scenario's walk hands its large files to the clean-read pool
 * ({@code CleanReads}, one thread per processor, shared by every walk): walks of several
 * scenarios at once share those threads rather than adding their own, so a batch of
 * large-image reads has at most the walks' threads and the read pool's runnable.
 */
final class PredictBatch {
    /** Threads computing a batch (the caller one of them): {@code -Derofssim.predictThreads}, default the available processors. */
    static final int THREADS = Math.max(1, Integer.getInteger("erofssim.predictThreads",
            Runtime.getRuntime().availableProcessors()));
    /** Chunks per thread submitted and not yet written. */
    static final int WINDOW_PER_THREAD = 3;
    /** Most scenarios in a chunk: one hand-over between threads per chunk, not per scenario. */
    static final int MAX_CHUNK = 64;
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
        ThreadPoolExecutor p = pool(threads - 1);
        ArrayDeque<Task> inFlight = new ArrayDeque<>();
        Queue<CharArrayWriter> spare = new ConcurrentLinkedQueue<>();
        int next = 0; // first scenario not yet submitted
        int done = 0;
        try {
            while (done < n) {
                while (next < n && inFlight.size() < window) {
                    int from = next;
                    int to = Math.min(n, from + chunk);
                    Task t = new Task(() -> Chunk.of(scenarios, shownAs, from, to, treeAsText, spare));
                    p.execute(t);
                    inFlight.add(t);
                    next = to;
                }
                Task head = inFlight.poll();
                // the writing thread computes its next chunk itself unless a worker has begun it;
                // while a worker computes it, the writing thread computes the next chunks nobody began
                head.run();
                for (Task t : inFlight) {
                    if (head.isDone()) {
                        break;
                    }
                    t.run();
                }
                Chunk c = await(head);
                for (Part part : c.parts) {
                    if (part.body instanceof CharArrayWriter text) {
                        text.writeTo(out);
                        text.reset();
                        spare.add(text); // for a chunk to come: at most as many buffers as chunks in flight
                    } else {
                        OutcomeJson.write((MountOutcome) part.body, out); // flushes out
                        out.write(System.lineSeparator()); // what println writes, without its flush
                    }
                    out.flush();
                    done += part.lines;
                    written.accept(done);
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

    /** The chunk {@code f} computes; an {@link Error} thrown in it is thrown as it was. */
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

    /** A chunk to compute, computed by the first thread that runs it (a worker or the writing thread); a no-op for the others. */
    private static final class Task extends FutureTask<Chunk> {
        private final AtomicBoolean begun = new AtomicBoolean();

        Task(java.util.concurrent.Callable<Chunk> chunk) {
            super(chunk);
        }

        @Override
        public void run() {
            if (begun.compareAndSet(false, true)) {
                super.run();
            }
        }
    }

    /** {@code lines} outcome lines: their text with line separators (a {@link CharArrayWriter}), or one outcome to stream. */
    private record Part(Object body, int lines) {}

    /**
     * The outcome lines of scenarios {@code [from, to)} in parts; after a failure, the lines
     * before it and the failure.
     */
    private record Chunk(List<Part> parts, RuntimeException failure) {
        static Chunk of(List<Scenario> scenarios, List<String> shownAs, int from, int to, int treeAsText,
                        Queue<CharArrayWriter> spare) {
            List<Part> parts = new ArrayList<>(2);
            CharArrayWriter text = null;
            int lines = 0;
            RuntimeException failure = null;
            try {
                for (int i = from; i < to; i++) {
                    MountOutcome o;
                    try {
                        o = Scenarios.predict(scenarios.get(i), shownAs.get(i));
                    } catch (RuntimeException e) {
                        failure = e;
                        break;
                    }
                    if (o instanceof MountOutcome.Mounted m && m.tree() != null && m.tree().size() > treeAsText) {
                        if (text != null) {
                            parts.add(new Part(text, lines));
                            text = null;
                        }
                        parts.add(new Part(o, 1));
                        continue;
                    }
                    if (text == null) {
                        // a buffer a written chunk gave back: a new buffer per chunk made a cold
                        // 10,000-scenario process allocate 15 % more, fill its young generation and
                        // collect once (none with one thread), 15 MiB more RSS
                        text = spare.poll();
                        text = text != null ? text : new CharArrayWriter(4096);
                        lines = 0;
                    }
                    OutcomeJson.write(o, text);
                    text.write(System.lineSeparator());
                    lines++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a CharArrayWriter does not throw it
            }
            if (text != null) {
                parts.add(new Part(text, lines));
            }
            return new Chunk(parts, failure);
        }
    }

    /** The shared pool, with at least {@code threads} threads (the writing thread is one more). */
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
