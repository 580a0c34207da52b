package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A campaign's "coverage: N ids after N cases (S s)" line writes its seconds without a Formatter
 * ({@link FuzzCampaign#tenths}): the text printf's {@code %.1f} gave, rounding half up.
 */
class CoverageLineTest {
    @Test
    void tenthsAreWhatPrintfWrote() {
        int checked = 0;
        for (long ms = 0; ms < 200_000; ms += ms < 5_000 ? 1 : 37) {
            assertThat(FuzzCampaign.tenths(ms)).as("%d ms", ms)
                    .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0));
            checked++;
        }
        for (long ms : new long[] {49, 50, 51, 949, 950, 9_950, 99_950, 1_000_000_049L, 1_000_000_050L}) {
            assertThat(FuzzCampaign.tenths(ms)).as("%d ms", ms)
                    .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0));
            checked++;
        }
        assertThat(checked).isGreaterThan(9_000);
    }
}
