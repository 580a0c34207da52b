package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.mount.MountOutcome;
import org.erofssim.mount.TreeEntry;

/**
 * (b) For random trees and random uncompressed mkfs options, the model's tree of a mounted
 * image ({@code MountOutcome.Mounted.tree()}, the tree walk) equals what erofs-utils shows:
 * names, types, sizes (directories included), modes, uid/gid, link counts, mtimes, nids,
 * symlink targets, device numbers and content hashes from fsck.erofs + dump.erofs, and user
 * xattrs from the generated tree (erofs-utils 1.5 shows none). Every entry reads without error.
 * Until the model has a tree walk ({@code tree() == null}) the property prints why and passes.
 */
class ModelTreeVsUtilsProperties {
    private static final AtomicBoolean NOTED = new AtomicBoolean();

    /** Fields erofs-utils knows: everything but xattrs. */
    static final Set<TreeDiff.Field> UTILS_FIELDS = EnumSet.complementOf(EnumSet.of(TreeDiff.Field.XATTRS));

    @Provide
    Arbitrary<TreeSpec> trees() {
        return TreeGenerator.trees(TreeGenerator.Config.forErofsUtils15());
    }

    @Provide
    Arbitrary<MkfsOptions> options() {
        return MkfsOptions.uncompressed();
    }

    @Property(tries = 80)
    void modelTreeEqualsErofsUtilsTree(@ForAll("trees") TreeSpec spec, @ForAll("options") MkfsOptions options)
            throws Exception {
        if (!OracleCase.toolsPresent()) {
            return;
        }
        try (OracleCase oc = OracleCase.build(spec, options)) {
            if (oc == null) {
                return;
            }
            MountOutcome outcome = ModelMount.predict(oc.built, true);
            assertThat(outcome).as("model mount of a fresh image\n%s", oc.reproducer())
                    .isInstanceOf(MountOutcome.Mounted.class);
            List<TreeEntry> model = ((MountOutcome.Mounted) outcome).tree();
            if (model == null) {
                if (NOTED.compareAndSet(false, true)) {
                    System.out.println("SKIPPED: the model has no tree walk yet (MountOutcome.Mounted.tree() is null;"
                            + " it comes with branch data)");
                }
                Statistics.label("model tree").collect("absent");
                return;
            }
            Statistics.label("model tree").collect("present");
            for (String f : Labels.options(options)) {
                Statistics.label("options").collect(f);
            }
            for (String f : Labels.tree(spec)) {
                Statistics.label("tree feature").collect(f);
            }
            Statistics.label("options").coverage(c -> {
                for (String f : Labels.REQUIRED_UNCOMPRESSED_OPTIONS) {
                    c.check(f).count(n -> n > 0);
                }
            });
            UtilsTree.Result utils = UtilsTree.read(oc.built, oc.work.dir());
            assertThat(utils.inconsistencies()).as("erofs-utils contradicts itself\n%s", oc.reproducer()).isEmpty();
            List<TreeDiff.Difference> d = TreeDiff.diff(utils.entries(), model, UTILS_FIELDS, n -> true);
            List<TreeEntry> source = SourceTree.expected(oc.built.source(), options);
            d = new java.util.ArrayList<>(d);
            d.addAll(TreeDiff.diff(source, model, EnumSet.of(TreeDiff.Field.XATTRS), TreeDiff.USER_XATTRS));
            for (TreeEntry e : model) {
                if (e.readErrno() != null) {
                    d.add(new TreeDiff.Difference(e.path(), "readErrno", "null", e.readErrno()));
                }
            }
            for (String f : TreeDiff.byField(d).keySet()) {
                Statistics.label("differences").collect(f);
            }
            Statistics.label("other xattrs (trusted., security., ACLs)").collect(
                    TreeDiff.diff(source, model, EnumSet.of(TreeDiff.Field.XATTRS), n -> !n.startsWith("user.")).isEmpty()
                            ? "agree" : "differ");
            assertThat(d).as("model tree vs erofs-utils tree\n%s", oc.reproducer()).isEmpty();
        }
    }
}
