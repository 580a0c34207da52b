package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.oracle.utils.TreeSpec.Entry;
import org.erofssim.oracle.utils.TreeSpec.Meta;
import org.erofssim.oracle.utils.TreeSpec.Name;
import org.junit.jupiter.api.Test;

/**
 * Disagreements between the model and erofs-utils found by the oracle, each with its smallest
 * reproducer, asserting what erofs-utils (and the kernel source) say. Each was a model bug,
 * fixed; the test stays as its regression test.
 */
class ModelVsUtilsDisagreementsTest {

    /**
     * TreeWalk measured PATH_MAX on the rendered path ({@code path.getBytes(UTF_8)}), where
     * every malformed byte of a name became U+FFFD (3 bytes). Five directories and a file, each
     * named by 254 bytes 0xff (one ASCII letter first), make a path of 1,530 bytes: the kernel's
     * limit is on the bytes a walker passes ({@code getname}: PATH_MAX = 4096), fsck.erofs
     * extracts it, dump.erofs lists it; the model said ENAMETOOLONG for the 6th component and
     * left everything below it out.
     */
    @Test
    void pathMaxCountsNameBytesNotTheirRendering() throws Exception {
        assumeTrue(OracleCase.toolsPresent());
        List<Entry> es = new ArrayList<>();
        List<Name> p = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] x = new byte[254];
            Arrays.fill(x, (byte) 0xff);
            x[0] = (byte) ('a' + i);
            p.add(new Name(x));
            es.add(i < 5 ? Entry.dir(p, Meta.plain(0755)) : Entry.file(p, Meta.plain(0644), 0, List.of()));
            p = new ArrayList<>(p);
        }
        TreeSpec spec = new TreeSpec(Meta.plain(0755), es);
        try (Workspace w = Workspace.create("erofs-sim-disagree")) {
            Mkfs.Built b = Mkfs.build(spec, MkfsOptions.defaults(), w.dir()).orThrow();
            UtilsTree.Result utils = UtilsTree.read(b, w.dir());
            List<TreeEntry> model = ((MountOutcome.Mounted) ModelMount.predict(b, true)).tree();
            assertThat(model).allSatisfy(e -> assertThat(e.readErrno()).isNull());
            assertThat(TreeDiff.diff(utils.entries(), model, ModelTreeVsUtilsProperties.UTILS_FIELDS, n -> true)).isEmpty();
        }
    }
}
