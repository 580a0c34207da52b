package org.erofssim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A careful in-process timing loop (JMH stays the engine of the benchmarks under {@code bench/};
 * the CLI jar carries no JMH): a warm-up that runs the operation for a while so the JIT has
 * compiled it, then batches of a size found to take about {@code batchSeconds} each, and the
 * median of the batches' per-operation times (robust against a batch disturbed by other work on
 * the machine). Every result is kept in a volatile field, so the work cannot be optimised away.
 */
final class Timing {
    static volatile Object sink;

    private Timing() {}

    static double medianNanosPerOp(Supplier<?> op, double warmSeconds, int batches, double batchSeconds) {
        long warmEnd = System.nanoTime() + (long) (warmSeconds * 1e9);
        long n = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() < warmEnd) {
            sink = op.get();
            n++;
        }
        double per = (System.nanoTime() - t0) / (double) Math.max(1, n);
        int perBatch = (int) Math.max(1, Math.min(Integer.MAX_VALUE, batchSeconds * 1e9 / Math.max(per, 1)));
        List<Double> times = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            long s = System.nanoTime();
            for (int i = 0; i < perBatch; i++) {
                sink = op.get();
            }
            times.add((System.nanoTime() - s) / (double) perBatch);
        }
        times.sort(Double::compare);
        return times.get(times.size() / 2);
    }
}
