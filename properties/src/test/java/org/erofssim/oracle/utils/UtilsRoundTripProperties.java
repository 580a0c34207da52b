package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.contract.TreeEntry;

/**
 * The oracle checks itself: for random trees and random mkfs options (compression included,
 * erofs-utils decompresses), what fsck.erofs extracts and dump.erofs shows equals the tree we
 * generated as mkfs 1.5 documents storing it, erofs-utils never contradicts itself, and
 * {@code dump.erofs -S} counts what the tree holds. A failure here is a bug in erofs-utils or
 * in this oracle, never in the model.
 */
class UtilsRoundTripProperties {

    @Provide
    Arbitrary<TreeSpec> trees() {
        return TreeGenerator.trees(TreeGenerator.Config.forErofsUtils15());
    }

    @Provide
    Arbitrary<MkfsOptions> options() {
        return MkfsOptions.arbitrary();
    }

    @Property(seed = "20261206", tries = 80)
    void erofsUtilsGiveBackTheSourceTree(@ForAll("trees") TreeSpec spec, @ForAll("options") MkfsOptions options)
            throws Exception {
        if (!OracleCase.toolsPresent()) {
            return;
        }
        for (String f : Labels.options(options)) {
            Statistics.label("options").collect(f);
        }
        Statistics.label("options").coverage(c -> {
            for (String f : Labels.REQUIRED_UNCOMPRESSED_OPTIONS) {
                c.check(f).count(n -> n > 0);
            }
            for (String f : Labels.REQUIRED_COMPRESSED_OPTIONS) {
                c.check(f).count(n -> n > 0);
            }
        });
        try (OracleCase oc = OracleCase.build(spec, options)) {
            if (oc == null) {
                return;
            }
            List<TreeEntry> expected = SourceTree.expected(oc.built.source(), options);
            UtilsTree.Result utils = UtilsTree.read(oc.built, oc.work.dir());
            assertThat(utils.inconsistencies()).as("erofs-utils contradicts itself\n%s", oc.reproducer()).isEmpty();
            Set<TreeDiff.Field> fields = TreeDiff.allButIno();
            fields.remove(TreeDiff.Field.XATTRS);
            List<TreeDiff.Difference> d = TreeDiff.diff(expected, utils.entries(), fields, n -> true);
            for (String f : TreeDiff.byField(d).keySet()) {
                Statistics.label("differences").collect(f);
            }
            assertThat(d).as("erofs-utils tree vs source tree\n%s", oc.reproducer()).isEmpty();
            DumpErofs.Stats st = utils.stats();
            Map<String, Long> byType = new java.util.HashMap<>();
            for (TreeEntry e : expected) {
                byType.merge(e.type(), 1L, Long::sum);
            }
            assertThat(List.of(st.files(), st.regular(), st.directories(), st.charDevs(), st.blockDevs(), st.fifos(),
                    st.sockets(), st.symlinks())).as("dump.erofs -S counts\n%s", oc.reproducer())
                    .containsExactly((long) expected.size(), n(byType, "file"), n(byType, "dir"), n(byType, "chr"),
                            n(byType, "blk"), n(byType, "fifo"), n(byType, "sock"), n(byType, "symlink"));
        }
    }

    private static long n(Map<String, Long> m, String k) {
        return m.getOrDefault(k, 0L);
    }
}
