package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.mount.MountModel;
import org.erofssim.props.Expect;
import org.erofssim.sb.MetaBuf;

/**
 * Issue 12: serving a metadata page or a directory page read once without an error (or log
 * line) from memory instead of the image ({@link MetaBuf#reusePages}: the metadata buffer's
 * pages, {@code PlainReader.readMappingFolio}'s pages) changes no outcome byte: on
 * {@link StreamingVerifyProperties}'s random clean and damaged images (0 to 4 bytes overwritten,
 * 0 to 2 pages failing with EIO or ending short, file-backed or loop device, 6.12.0 and 6.18.44,
 * each cache strategy), with and without the metadata cache probe (whose page list must not
 * change either), walked with the full model and with the fast path. Statistics show mounted
 * images with read errors and with clean files, damaged and clean, and both probes reached.
 */
class PageReuseProperties {
    record Case(StreamingVerifyProperties.Case base, boolean probeCache, TreeWalk.Strategy strategy) {}

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(new StreamingVerifyProperties().cases(), Arbitraries.of(false, true),
                Arbitraries.of(TreeWalk.Strategy.FULL, TreeWalk.Strategy.FAST)).as(Case::new);
    }

    static String predict(Scenario sc, TreeWalk.Strategy strategy, boolean reuse) {
        boolean before = MetaBuf.reusePages;
        MetaBuf.reusePages = reuse;
        try {
            return CleanReadsProperties.predict(sc, strategy);
        } finally {
            MetaBuf.reusePages = before;
        }
    }

    @Property(seed = "20261209", tries = 300, edgeCases = EdgeCasesMode.NONE)
    void reusingPagesReadBeforeChangesNoOutcomeByte(@ForAll("cases") Case c) {
        Scenario sc = StreamingVerifyProperties.scenario(c.base()).toBuilder().probeCache(c.probeCache()).build();
        String reused = predict(sc, c.strategy(), true);
        String reread = predict(sc, c.strategy(), false);
        assertThat(reused).as("%s", c).isEqualTo(reread);

        MountOutcome o = OutcomeJson.read(reused);
        List<String> kinds = new ArrayList<>();
        if (o instanceof MountOutcome.Mounted m && m.tree() != null) {
            for (TreeEntry e : m.tree()) {
                kinds.add(e.readErrno() != null ? "read error" : "ok");
            }
        }
        boolean damaged = !c.base().edits().isEmpty() || !c.base().faults().isEmpty();
        Statistics.label("damage").collect(damaged ? "damaged image" : "clean image");
        Statistics.label("outcome").collect(Expect.outcomeLabel(o));
        Statistics.label("entries").collect(kinds.contains("read error") ? "some entry with a read error"
                : kinds.isEmpty() ? "no tree" : "every entry read");
        Statistics.label("probe").collect(c.probeCache() ? "metadata cache probed" : "no probe");
        Statistics.label("damage").coverage(cov -> {
            cov.check("clean image").percentage(p -> p > 20);
            cov.check("damaged image").percentage(p -> p > 40);
        });
        Statistics.label("entries").coverage(cov -> {
            cov.check("some entry with a read error").count(n -> n >= 20);
            cov.check("every entry read").count(n -> n >= 50);
        });
        Statistics.label("probe").coverage(cov -> cov.check("metadata cache probed").count(n -> n >= 50));
    }
}
