package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.fuzz.FuzzCampaign.Drawn;
import org.erofssim.fuzz.FuzzCampaign.Evaluation;
import org.erofssim.fuzz.FuzzCampaign.Failure;
import org.erofssim.fuzz.FuzzCampaign.Kind;
import org.erofssim.fuzz.FuzzCampaign.ModelFailure;
import org.erofssim.kernel.Coverage;
import org.erofssim.mount.MountModel;

/**
 * A model-only campaign's cases evaluated a round at a time on worker threads (issue 12), for
 * {@link FuzzCampaign}, which draws each round and takes its evaluations in index order.
 */
final class FuzzRounds {
    /**
     * Model-only cases are drawn {@value} at a time and evaluated together on {@link FuzzCampaign#withJobs
     * jobs} threads, then taken in index order (coverage, corpus, statistics, findings), so that
     * a campaign's outcome does not depend on the number of threads: the cases of a round are
     * drawn from the corpus and bandit as they stood at the round's start. A blind campaign's
     * draws depend on nothing evaluated, so it draws exactly the cases it drew one at a time;
     * a guided one learns from a case at the next round instead of the next case. 64 keeps the
     * {@code --max-time} check where it was (every 64th case). A campaign with a kernel
     * evaluates one case at a time (one observation at a time, as before).
     */
    static final int ROUND = 64;

    /**
     * The size of the round that starts at case {@code first}: {@value #ROUND} for a blind
     * campaign, 1 with a kernel; a guided one starts with rounds of one case (as before rounds:
     * the first corpus entries steer the next draws at once) and doubles them as the campaign
     * goes on, to {@value #ROUND} from case 4,096 on (a power of two that divides {@code first}, so
     * every 64th case still starts a round). Property {@code -Derofssim.fuzzRound=N} (a power of
     * two up to 64) fixes a guided campaign's rounds (measurements).
     */
    static int roundAt(FuzzCampaign.Settings settings, int first) {
        if (settings.kernel() != null) {
            return 1;
        }
        if (!settings.guided()) {
            return ROUND;
        }
        int r = FIXED_ROUND > 0 ? FIXED_ROUND : Integer.highestOneBit(Math.max(1, Math.min(ROUND, first / ROUND)));
        while (first % r != 0) {
            r >>= 1;
        }
        return r;
    }

    private static final int FIXED_ROUND = Integer.getInteger("erofssim.fuzzRound", 0);

    private final FuzzCampaign campaign;
    private final ExecutorService workers;
    /**
     * {@code -Derofssim.fuzzCaseCpu=FILE} (measurements, issue 12): one line per evaluated case, in
     * index order: its index, the CPU time of its evaluation in microseconds (the worker thread's),
     * base, whether the tree was read, the model's outcome, the tree's entries and bytes read
     * (-1 without a tree). Null when not asked for.
     */
    private final java.io.PrintWriter caseCpu;

    FuzzRounds(FuzzCampaign campaign, int jobs) {
        this.campaign = campaign;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        // each worker maps a base image once for its life (ImageBytes.sharingMappings): the
        // templates of thousands of shapes name the same few fixture files, which the
        // campaign never writes
        this.workers = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(() -> org.erofssim.block.ImageBytes.sharingMappings(() -> {
                r.run();
                return null;
            }), "erofs-sim-fuzz-model-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        String file = System.getProperty("erofssim.fuzzCaseCpu");
        try {
            this.caseCpu = file == null ? null : new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(
                    java.nio.file.Path.of(file)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Ends the worker threads. */
    void shutdown() {
        workers.shutdownNow();
        if (caseCpu != null) {
            caseCpu.close();
        }
    }

    /** One line of {@link #caseCpu}. */
    private void recordCpu(int index, RoundCase t, Evaluation e) {
        long entries = -1;
        long bytes = -1;
        if (e.model() instanceof MountOutcome.Mounted m && m.tree() != null) {
            entries = m.tree().size();
            bytes = m.tree().stream().mapToLong(org.erofssim.contract.TreeEntry::readOkBytes).sum();
        }
        caseCpu.println(index + " " + t.cpuNanos / 1000 + " " + t.c.base() + " " + t.c.read() + " "
                + (e.failure() != null ? e.failure().kind() : e.model().outcome()) + " " + entries + " " + bytes);
    }

    /**
     * A round whose cases are evaluated on the worker threads as they are {@link Round#submit
     * submitted}, and taken in order with {@link Round#get}: a case starts while the campaign
     * draws the next ones, and the campaign's bookkeeping of case k overlaps the evaluation of
     * the cases after it. The outcome is the one of drawing the whole round, then evaluating it,
     * then taking its evaluations (as before session 11): a round's draws depend on nothing it evaluates (only on the corpus
     * and bandit as they stood at its start), and its evaluations are taken in the same order.
     */
    Round begin(int size) {
        return new Round(size);
    }

    /** A round's evaluations, taken in index order. */
    interface Pending {
        /** The evaluation of the round's case {@code k}, waiting for it (and the ones before it) if need be. */
        Evaluation get(int k);

        /** Waits for every evaluation of the round (before work that takes long: shrinking a finding). */
        void awaitAll();

        /** Evaluations already made. */
        static Pending of(List<Evaluation> done) {
            return new Pending() {
                @Override public Evaluation get(int k) {
                    return done.get(k);
                }

                @Override public void awaitAll() {
                    // all done
                }
            };
        }
    }

    /**
     * When the campaign has taken every evaluation done so far, it waits for the one this many
     * cases further on (or the round's last) before the next in order: one wake-up of the main
     * thread for several cases, instead of a park and an unpark (a context switch on each side)
     * per case, most of which take less time than the switch's round trip (perf, session 11:
     * the main thread's kernel time, the cases of a round in the 35 us class).
     */
    static final int AHEAD = 8;

    /** A round under way: its evaluations, taken in index order. */
    final class Round implements Pending {
        private final List<Drawn> drawn;
        private final List<RoundCase> tasks;
        private final List<Future<Evaluation>> futures;
        private final List<Evaluation> out;
        private final long limit = campaign.settings().modelLimit().toNanos();

        private Round(int size) {
            this.drawn = new ArrayList<>(size);
            this.out = new ArrayList<>(size);
            this.tasks = new ArrayList<>(size);
            this.futures = new ArrayList<>(size);
        }

        /** Starts the evaluation of the round's next case. */
        void submit(Drawn d) {
            RoundCase t = new RoundCase(d.c(), (d.index() & 31) == 0);
            drawn.add(d);
            tasks.add(t);
            futures.add(workers.submit(t));
        }

        @Override
        public void awaitAll() {
            while (out.size() < tasks.size()) {
                next();
            }
        }

        @Override
        public Evaluation get(int k) {
            while (out.size() <= k) {
                next();
            }
            return out.get(k);
        }

        /**
         * Waits until case {@code j} ends (or fails: what it threw is taken in its turn), stopping
         * any case of the round from the next in order on that is past its limit meanwhile.
         */
        private void awaitQuietly(int j) {
            while (true) {
                try {
                    futures.get(j).get(10, TimeUnit.MILLISECONDS);
                    return;
                } catch (TimeoutException stillRunning) {
                    for (int i = out.size(); i < tasks.size(); i++) {
                        tasks.get(i).stopIfPast(limit);
                    }
                } catch (ExecutionException failed) {
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while evaluating a round of cases", e);
                }
            }
        }

        /** Waits for the next evaluation in order, stopping any case of the round past its limit meanwhile. */
        private void next() {
            int k = out.size();
            int ahead = Math.min(k + AHEAD, futures.size() - 1);
            if (!futures.get(k).isDone() && ahead > k) {
                awaitQuietly(ahead);
            }
            while (true) {
                try {
                    out.add(futures.get(k).get(10, TimeUnit.MILLISECONDS));
                    if (caseCpu != null) {
                        recordCpu(drawn.get(k).index(), tasks.get(k), out.get(k));
                    }
                    return;
                } catch (TimeoutException stillRunning) {
                    for (int j = k; j < tasks.size(); j++) { // any case of the round past its limit is stopped
                        tasks.get(j).stopIfPast(limit);
                    }
                } catch (ExecutionException x) {
                    Throwable cause = x.getCause() == null ? x : x.getCause();
                    if (!tasks.get(k).stopped) { // as the one-at-a-time evaluation: it escapes the campaign
                        if (cause instanceof RuntimeException r) {
                            throw r;
                        }
                        if (cause instanceof Error err) {
                            throw err;
                        }
                        throw new IllegalStateException(cause);
                    }
                    out.add(tasks.get(k).hang());
                    if (caseCpu != null) {
                        recordCpu(drawn.get(k).index(), tasks.get(k), out.get(k));
                    }
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while evaluating a round of cases", e);
                }
            }
        }
    }

    /**
     * One case of a round, evaluated on a worker thread as {@code FuzzCampaign.evaluateModel} does on
     * the campaign's model thread: the same predictions, the same failures (an exception of the model
     * is a {@link Kind#MODEL_ERROR} with the same line), and a prediction past the model limit is
     * stopped by the thread that collects the round ({@link #stopIfPast}) and is a
     * {@link Kind#MODEL_HANG} with the same line.
     */
    private final class RoundCase implements java.util.concurrent.Callable<Evaluation> {
        private final FuzzCase c;
        private final boolean twice;
        private final Coverage.Recorder rec = new Coverage.Recorder();
        private volatile Thread thread;
        /** When the running prediction started (System.nanoTime), 0 when none runs. */
        private volatile long started;
        /** The thread's CPU time when the running prediction started ({@link CpuLimit#now}). */
        private volatile long cpuStarted;
        private volatile long interruptedAt;
        /** The CPU time of the whole evaluation (with {@code erofssim.fuzzCaseCpu}). */
        private volatile long cpuNanos;
        volatile boolean stopped;
        private boolean finished;

        RoundCase(FuzzCase c, boolean twice) {
            this.c = c;
            this.twice = twice;
        }

        @Override
        public Evaluation call() {
            thread = Thread.currentThread();
            long cpu0 = caseCpu == null ? 0 : CpuLimit.threadCpu();
            Evaluation e;
            try {
                Scenario s = campaign.scenarioInMemory(c, campaign.settings().profile());
                try {
                    MountOutcome model = timed(() -> Coverage.record(rec, () -> MountModel.predict(s)));
                    if (twice) {
                        MountOutcome second = timed(() -> MountModel.predict(s));
                        if (!FuzzCampaign.sameOutcome(model, second)) {
                            throw new ModelFailure(new Failure(Kind.NONDETERMINISTIC,
                                    "two predictions differ: " + OutcomeComparator.compare(model, second)));
                        }
                    }
                    e = new Evaluation(model, null, null, null, rec.ids(), rec.hints());
                } catch (ModelFailure f) {
                    e = new Evaluation(null, null, null, f.failure, rec.ids());
                }
            } finally {
                if (caseCpu != null) {
                    cpuNanos = CpuLimit.threadCpu() - cpu0;
                }
                synchronized (this) {
                    finished = true;
                    Thread.interrupted(); // an interrupt meant for this case does not reach the next
                }
            }
            return e;
        }

        /** One prediction on this thread, timed for {@link #stopIfPast}; what it throws is a model error. */
        private MountOutcome timed(java.util.function.Supplier<MountOutcome> p) throws ModelFailure {
            cpuStarted = CpuLimit.now();
            started = System.nanoTime();
            try {
                return p.get();
            } catch (Throwable t) { // what the model thread's Future gives as the cause of its ExecutionException
                if (stopped) {
                    throw new ModelFailure(campaign.hangFailure());
                }
                throw new ModelFailure(new Failure(Kind.MODEL_ERROR, t.toString()
                        + (t.getStackTrace().length > 0 ? " at " + t.getStackTrace()[0] : "")));
            } finally {
                started = 0;
            }
        }

        /**
         * Interrupts a prediction past {@code limit} nanoseconds ({@link CpuLimit#past}: of its
         * thread's CPU time), and stops it when it goes on 200 ms later.
         */
        synchronized void stopIfPast(long limit) {
            long t = started;
            if (finished || t == 0 || !CpuLimit.past(thread, cpuStarted, t, limit)) {
                return;
            }
            stopped = true;
            Thread th = thread;
            if (interruptedAt == 0) {
                interruptedAt = System.nanoTime();
                th.interrupt();
            } else if (System.nanoTime() - interruptedAt > 200_000_000L) {
                stopThread(th);
            }
        }

        /** The evaluation of a case stopped past the limit (its stop escaped the prediction). */
        Evaluation hang() {
            return new Evaluation(null, null, null, campaign.hangFailure(), rec.ids());
        }
    }

    /** {@link Thread#stop} (as {@code FuzzCampaign.stop}): the prediction is thrown away. */
    @SuppressWarnings({"deprecation", "removal"})
    private static void stopThread(Thread t) {
        try {
            t.stop();
        } catch (UnsupportedOperationException e) {
            // a later Java without Thread.stop: the daemon thread spins on until the JVM exits
        }
    }
}
