package org.erofssim.bench;

import java.util.List;
import java.util.Locale;

/**
 * {@code ratio verify-size-linearity}: whether the verify's cost grows linearly with the image.
 * The CPU seconds per MB of the last step (100 to 300 MB) over the least-squares slope of CPU
 * seconds over MB of all the sizes (10, 100, 300 MB): 1 for a cost {@code a + b x} (a fixed
 * process cost plus a cost per MB), below 1 when the cost per MB falls as images grow, above 1
 * when it rises. The slope of all points replaced the 10-100 MB step as the denominator: a small
 * image's process is mostly JVM start, whose noise made that step near zero or negative and the
 * ratio meaningless (-31.5 once).
 */
final class SizeLinearity {
    private SizeLinearity() {}

    /** The least-squares slope of {@code y} over {@code x} (the b of y = a + b x); NaN without 2 distinct x. */
    static double slope(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= x.length;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /** The ratio for sizes {@code mb} (ascending) and CPU seconds {@code cpu}; NaN when the slope is not positive. */
    static double of(double[] mb, double[] cpu) {
        double slope = slope(mb, cpu);
        int last = mb.length - 1;
        return slope > 0 ? (cpu[last] - cpu[last - 1]) / (mb[last] - mb[last - 1]) / slope : Double.NaN;
    }

    /** The figure's "how it was measured": both slopes, per 100 MB, for the nominal {@code sizes}. */
    static String how(List<Integer> sizes, double[] mb, double[] cpu) {
        int last = mb.length - 1;
        double upper = (cpu[last] - cpu[last - 1]) / (mb[last] - mb[last - 1]);
        return String.format(Locale.ROOT, "CPU seconds per MB from %d to %d MB (%.3f s per 100 MB) over the least-squares "
                + "slope of CPU seconds over MB of all %d sizes (%.3f s per 100 MB); 1 is linear, below 1 sublinear (CPU "
                + "time: steadier than wall time under load)", sizes.get(last - 1), sizes.get(last), upper * 100,
                sizes.size(), slope(mb, cpu) * 100);
    }
}
