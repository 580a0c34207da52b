package org.erofssim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A careful in-process timing loop (JMH stays the engine of the benchmarks under {@code bench/};
 * the CLI jar carries no JMH): a warm-up that runs the operation until the JIT has compiled it,
 * then batches of a size found to take about {@code batchSeconds} each, and the median of the
 * batches' per-operation times (robust against a batch disturbed by other work on the machine).
 * Every result is kept in a volatile field, so the work cannot be optimised away.
 *
 * <p><b>Warm-up.</b> A fixed second of warm-up was not enough on a loaded 2-core machine: the
 * compiler threads share the cores with the loop, so the "measured" batches still ran
 * interpreted or C1 code (session 5's {@code bench --quick}: 510 us a mount where JMH, 3x2 s of
 * warm-up, measured 5-8 us; the same loop with one second of warm-up gave batches of 650, 730,
 * 261, 289, 190 us, the next run of it 19-25 us). The warm-up now runs batches of
 * {@code batchSeconds} for at least {@code warmSeconds} and until {@link #STABLE_BATCHES}
 * batches in a row are within {@link #STABLE_SPREAD} of their best and the JIT compiled nothing
 * during the last of them, at most {@link #MAX_WARM_SECONDS}.
 */
final class Timing {
    static volatile Object sink;
    /** Warm-up batches in a row that must agree before the measurement starts. */
    static final int STABLE_BATCHES = 3;
    /** How far (relative) those batches may lie above the best of them. */
    static final double STABLE_SPREAD = 0.25;
    /** The warm-up ends here even when the batches never agree (a machine under heavy load). */
    static final double MAX_WARM_SECONDS = 20.0;

    private Timing() {}

    /**
     * The measurement and how the warm-up ended: the median batch's wall time per operation, and
     * the median of the batches' CPU time of this thread per operation (what the operation costs
     * whatever else the machine runs; -1 when the JVM cannot measure it).
     */
    record Result(double nanosPerOp, double cpuNanosPerOp, double warmSeconds, boolean warmStable) {}

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    static Result measure(Supplier<?> op, double warmSeconds, int batches, double batchSeconds) {
        long start = System.nanoTime();
        long minEnd = start + (long) (warmSeconds * 1e9);
        long maxEnd = start + (long) (Math.max(warmSeconds, MAX_WARM_SECONDS) * 1e9);
        int perBatch = 1;
        List<Double> recent = new ArrayList<>();
        boolean stable = false;
        while (true) {
            long compiled = compileMillis();
            double per = batch(op, perBatch);
            boolean jitQuiet = compiled >= 0 && compileMillis() == compiled;
            perBatch = sizeFor(per, batchSeconds);
            recent.add(per);
            if (recent.size() > STABLE_BATCHES) {
                recent.remove(0);
            }
            long now = System.nanoTime();
            // stable batches of C1 code are not the end of the warm-up while C2 still compiles
            // (a loaded machine starves the compiler threads: session 8 measured 12.8 us of CPU a
            // mount after 2.6 s of warm-up where the C2 code takes 1.1 us)
            stable = recent.size() == STABLE_BATCHES && spread(recent) <= STABLE_SPREAD && (jitQuiet || compiled < 0);
            if ((now >= minEnd && stable) || now >= maxEnd) {
                break;
            }
        }
        double warmed = (System.nanoTime() - start) / 1e9;
        List<Double> times = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        boolean cpuKnown = THREADS.isCurrentThreadCpuTimeSupported();
        for (int b = 0; b < batches; b++) {
            long c0 = cpuKnown ? THREADS.getCurrentThreadCpuTime() : 0;
            times.add(batch(op, perBatch));
            cpu.add(cpuKnown ? (THREADS.getCurrentThreadCpuTime() - c0) / (double) perBatch : -1);
        }
        times.sort(Double::compare);
        cpu.sort(Double::compare);
        return new Result(times.get(times.size() / 2), cpu.get(cpu.size() / 2), warmed, stable);
    }

    private static final java.lang.management.CompilationMXBean JIT = java.lang.management.ManagementFactory.getCompilationMXBean();

    /** The JIT's total compilation time so far in milliseconds, or -1 when the JVM does not say. */
    private static long compileMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    }

    /** Nanoseconds per operation of {@code n} operations in a row. */
    private static double batch(Supplier<?> op, int n) {
        long s = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink = op.get();
        }
        return (System.nanoTime() - s) / (double) n;
    }

    private static int sizeFor(double nanosPerOp, double batchSeconds) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, batchSeconds * 1e9 / Math.max(nanosPerOp, 1)));
    }

    /** (worst - best) / best. */
    static double spread(List<Double> xs) {
        double lo = xs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double hi = xs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return lo <= 0 ? Double.POSITIVE_INFINITY : (hi - lo) / lo;
    }
}
