package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.contract.TreeEntry;

/**
 * The generator and {@link TreeSpec#materialize} are faithful: a materialized tree reads back
 * (through {@link TreeReader}) as the spec says, and the generator reaches every feature the
 * oracle properties rely on. No erofs-utils needed.
 */
class TreeSpecProperties {

    @Provide
    Arbitrary<TreeSpec> trees() {
        return TreeGenerator.trees();
    }

    @Property(seed = "20261206", tries = 150)
    void materializedTreeReadsBackAsSpecified(@ForAll("trees") TreeSpec spec) throws Exception {
        assertThat(spec.problems()).isEmpty();
        for (String f : Labels.tree(spec)) {
            Statistics.label("tree feature").collect(f);
        }
        Statistics.label("tree feature").coverage(c -> {
            for (String f : Labels.requiredTreeFeatures()) {
                c.check(f).count(n -> n > 0);
            }
        });
        try (Workspace w = Workspace.create("erofs-sim-spec")) {
            spec.materialize(w.resolve("src"));
            List<TreeEntry> read = TreeReader.entries(w.resolve("src"));
            List<TreeDiff.Difference> d = TreeDiff.diff(spec.expectedEntries(TreeGenerator.Config.forThisHost().owners()),
                    read, TreeDiff.allButIno(), n -> !n.startsWith("system."));
            assertThat(d).as("materialized tree vs spec\n%s", spec).isEmpty();
        }
    }
}
