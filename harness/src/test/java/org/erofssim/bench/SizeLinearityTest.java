package org.erofssim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@code ratio verify-size-linearity}: the CPU seconds per MB of the 100-300 MB step over the
 * least-squares slope of CPU seconds over MB of the three sizes. Expected values worked out by
 * hand (exact fractions), not by the code under test.
 */
class SizeLinearityTest {
    private static final double[] MB = {10, 100, 300};

    @Test
    void aFixedCostPlusACostPerMbIsOne() {
        // 0.6 s of JVM start + 0.002 s per MB: slope 0.002 both ways
        assertThat(SizeLinearity.slope(MB, new double[] {0.62, 0.80, 1.20})).isCloseTo(0.002, within(1e-12));
        assertThat(SizeLinearity.of(MB, new double[] {0.62, 0.80, 1.20})).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aSmallImageWhoseProcessIsMostlyJvmStartStaysNearOne() {
        // the 100 MB run 0.01 s cheaper than the 10 MB one (noise): the old step ratio was
        // (0.59 / 200) / (-0.01 / 90) = -26.6; least squares: mean x 410/3, Sxx 132200/3,
        // Sxy 285.3/3, slope 2853/1322000; upper step 0.00295: 38999/28530
        assertThat(SizeLinearity.of(MB, new double[] {0.62, 0.61, 1.20})).isCloseTo(38999.0 / 28530, within(1e-9));
    }

    @Test
    void aCostPerMbThatFallsIsBelowOne() {
        // slope 53/16525 s per MB, upper step 0.4 / 200 = 0.002: 661/1060
        assertThat(SizeLinearity.of(MB, new double[] {1.0, 1.6, 2.0})).isCloseTo(661.0 / 1060, within(1e-9));
        // a cost per MB that grows: 1, 100, 900 (x^2 / 100): 4.0 over 3.2498 = 26440/21481
        assertThat(SizeLinearity.of(MB, new double[] {1, 100, 900})).isCloseTo(26440.0 / 21481, within(1e-9));
    }

    @Test
    void theHowNamesBothSlopesPer100Mb() {
        assertThat(SizeLinearity.how(java.util.List.of(10, 100, 300), MB, new double[] {0.62, 0.80, 1.20}))
                .isEqualTo("CPU seconds per MB from 100 to 300 MB (0.200 s per 100 MB) over the least-squares slope of"
                        + " CPU seconds over MB of all 3 sizes (0.200 s per 100 MB); 1 is linear, below 1 sublinear"
                        + " (CPU time: steadier than wall time under load)");
    }

    @Test
    void noGrowthHasNoFigure() {
        assertThat(SizeLinearity.of(MB, new double[] {1.0, 0.9, 0.8})).isNaN();
        assertThat(SizeLinearity.slope(new double[] {5, 5}, new double[] {1, 2})).isNaN();
    }
}
