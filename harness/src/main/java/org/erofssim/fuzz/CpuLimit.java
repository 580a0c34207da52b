package org.erofssim.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The model limit of a fuzz campaign ({@code Settings.modelLimit}) counted in CPU time of the
 * thread that predicts, not in wall time (issue 12/15): on the shared 2-core machine at load 12 a
 * case that reads 1 GiB (an edited {@code i_size}, the walk limit) takes 1.1 s of CPU and over
 * 5 s of wall, so a wall-clock limit made it a {@code MODEL_HANG} finding under load only, and its
 * shrinking (each evaluation waiting out the limit) took over 100 s of a 30,000-case campaign's
 * 130 s (seed 12). Counted in CPU time, a campaign's findings no longer depend on the machine's
 * load. A prediction that does not use CPU cannot stall a campaign either: past
 * {@value #WALL_FACTOR} times the limit in wall time it is a hang as well.
 */
final class CpuLimit {
    /** A prediction past this many times the limit in wall time is a hang whatever CPU it used. */
    static final int WALL_FACTOR = 20;

    /** {@code -Derofssim.fuzzLimit=wall}: the limit in wall time, as before (measurements). */
    static final boolean WALL = "wall".equals(System.getProperty("erofssim.fuzzLimit"));

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU = !WALL && THREADS.isThreadCpuTimeSupported();

    /** What the limit counts, for a hang's line: {@code " of CPU time"}, or nothing for wall time. */
    static final String UNIT = CPU ? " of CPU time" : "";

    private CpuLimit() {}

    /** The calling thread's CPU time in nanoseconds, 0 when it cannot be measured. */
    static long now() {
        return CPU ? Math.max(0, THREADS.getCurrentThreadCpuTime()) : 0;
    }

    /** The calling thread's CPU time in nanoseconds whatever the limit counts (measurements), 0 when unknown. */
    static long threadCpu() {
        return THREADS.isThreadCpuTimeSupported() ? Math.max(0, THREADS.getCurrentThreadCpuTime()) : 0;
    }

    /**
     * Whether a prediction that started at {@code wallStart} ({@link System#nanoTime}) and
     * {@code cpuStart} ({@link #now} on {@code t}) is past {@code limit} nanoseconds: in CPU time
     * of {@code t}, or {@value #WALL_FACTOR} times it in wall time (the limit in wall time alone when
     * CPU time cannot be measured or {@link #WALL} is set).
     */
    static boolean past(Thread t, long cpuStart, long wallStart, long limit) {
        long wall = System.nanoTime() - wallStart;
        if (!CPU || t == null) {
            return wall > limit;
        }
        long cpu = THREADS.getThreadCpuTime(t.getId());
        if (cpu < 0) { // ended or not measurable
            return wall > limit;
        }
        return cpu - cpuStart > limit || wall > (limit > Long.MAX_VALUE / WALL_FACTOR ? Long.MAX_VALUE : limit * WALL_FACTOR);
    }
}
