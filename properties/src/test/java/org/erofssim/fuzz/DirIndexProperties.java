package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.contract.Scenario;
import org.erofssim.file.TreeWalk;
import org.erofssim.props.Predictions;

/**
 * Session 14: a tree walk's lookups answered by the positions of its listing's sorted names
 * ({@code DirIndex}, {@link TreeWalk#dirIndex}) change no outcome byte, coverage id or hint: the
 * fuzzer's own cases ({@link ImageViewProperties#drawnCases}: generated and mutated images,
 * their sources, options, CONFIG overrides and faults on three kernels, built as a campaign
 * builds them) predicted with the index on and off. Statistics show how many cases walked a tree,
 * and of their lookups how many the index answered, how many it did not know the name of and how
 * many had no index (a directory whose names are not sorted, or whose listing failed).
 */
class DirIndexProperties {

    @Provide
    Arbitrary<ImageViewProperties.Case> cases() {
        return ImageViewProperties.drawnCases();
    }

    @Property(seed = "20261214", tries = 300, edgeCases = EdgeCasesMode.NONE)
    void indexedLookupsChangeNoOutcomeCoverageIdOrHint(@ForAll("cases") ImageViewProperties.Case c) throws Exception {
        ImageViewProperties.withDrawn(c, (fc, sc) -> {
            long[] before = TreeWalk.indexCounts();
            String indexed = predict(sc, true);
            long[] after = TreeWalk.indexCounts();
            String compared = predict(sc, false);
            assertThat(indexed).as("%s: %s", c, fc).isEqualTo(compared);

            long byPosition = after[0] - before[0];
            long unknown = after[1] - before[1];
            long noIndex = after[2] - before[2];
            Statistics.label("walk").collect(byPosition + unknown + noIndex == 0 ? "no lookup"
                    : noIndex + unknown == 0 ? "every lookup by position"
                    : byPosition == 0 ? "no lookup by position" : "some lookups by position, some by the bytes");
            Statistics.label("some lookup").collect(unknown > 0 ? "with a name the index did not know"
                    : noIndex > 0 ? "in a directory without an index" : "neither");
            Statistics.label("walk").coverage(cov -> {
                cov.check("every lookup by position").count(n -> n >= 20);
                cov.check("no lookup").count(n -> n >= 20);
            });
            Statistics.label("some lookup").coverage(cov ->
                    cov.check("in a directory without an index").count(n -> n >= 3));
        });
    }

    /** The outcome JSON, coverage ids and hints of {@code sc} with the index on or off. */
    private static String predict(Scenario sc, boolean index) {
        return Predictions.withCoverage(sc, () -> TreeWalk.dirIndex, x -> TreeWalk.dirIndex = x, index);
    }
}
