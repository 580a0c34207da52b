package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.oracle.utils.TreeSpec.Entry;
import org.erofssim.oracle.utils.TreeSpec.Kind;
import org.erofssim.oracle.utils.TreeSpec.Meta;
import org.erofssim.oracle.utils.TreeSpec.Name;
import org.erofssim.oracle.utils.TreeSpec.Region;
import org.erofssim.oracle.utils.TreeSpec.Xattr;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.Test;

/** One hand-written tree through the whole oracle: materialize, mkfs, dump, fsck, compare. */
class UtilsOracleTest {

    static List<Name> p(String... names) {
        return java.util.Arrays.stream(names).map(Name::of).toList();
    }

    /** Every entry kind once, odd names, a hard link, a sparse file, xattrs. */
    static TreeSpec sample() {
        Meta m = new Meta(0644, 1000, 100, 1_700_000_000L, 5, List.of(new Xattr("user.k", "v".getBytes(StandardCharsets.US_ASCII))));
        byte[] bad = {'x', (byte) 0xff, (byte) 0xfe, '\n', 'y'};
        return new TreeSpec(new Meta(0755, 0, 0, 1_600_000_000L, 0, List.of()), List.of(
                Entry.dir(p("d"), new Meta(02775, 0, 0, 12, 0, List.of())),
                Entry.file(p("d", "a b"), m, 4097, List.of(new Region(0, 4097, 7))),
                Entry.file(p("sparse"), Meta.plain(04755), 200_000, List.of(new Region(100_000, 10, 3))),
                Entry.file(List.of(new Name(bad)), Meta.plain(0600), 1, List.of(new Region(0, 1, 9))),
                Entry.symlink(p("s"), Meta.plain(0777), "d/a b".getBytes(StandardCharsets.US_ASCII)),
                Entry.symlink(p("long"), Meta.plain(0777), "x/".repeat(2047).concat("y").getBytes(StandardCharsets.US_ASCII)),
                Entry.special(p("f"), Kind.FIFO, Meta.plain(0620)),
                Entry.special(p("sock"), Kind.SOCK, Meta.plain(0755)),
                Entry.device(p("c"), Kind.CHR, Meta.plain(0660), 259, 70000),
                Entry.hardlink(p("d", "hl"), p("d", "a b"))));
    }

    @Test
    void sampleTreeThroughErofsUtils() throws Exception {
        assumeTrue(ErofsUtils.require(ErofsUtils.MKFS) && ErofsUtils.require(ErofsUtils.DUMP)
                && ErofsUtils.require(ErofsUtils.FSCK));
        assumeTrue(Posix.isRoot(), "device nodes and owners need root");
        TreeSpec spec = sample();
        assertThat(spec.problems()).isEmpty();
        try (Workspace w = Workspace.create("erofs-sim-utils")) {
            MkfsOptions o = MkfsOptions.defaults().withTime(MkfsOptions.Timestamps.clamp(2_000_000_000L));
            Mkfs.Built b = Mkfs.build(spec, o, w.dir()).orThrow();
            List<TreeEntry> expected = SourceTree.expected(b.source(), o);
            UtilsTree.Result utils = UtilsTree.read(b, w.dir());
            assertThat(utils.inconsistencies()).isEmpty();
            java.util.Set<TreeDiff.Field> fields = TreeDiff.allButIno();
            fields.remove(TreeDiff.Field.XATTRS); // 1.5 neither dumps nor extracts xattrs
            assertThat(TreeDiff.diff(expected, utils.entries(), fields, n -> true)).isEmpty();
            assertThat(utils.entries()).extracting(TreeEntry::path).contains("/x\uFFFD\uFFFD\ny");
            SuperblockOracle.Decoded dec = SuperblockOracle.decode(b.image());
            assertThat(SuperblockOracle.compare(utils.superblock(), dec)).isEmpty();
            MountOutcome out = ModelMount.predict(b, false);
            assertThat(SuperblockOracle.compare(utils.superblock(), out, 0)).isEmpty();
            DumpErofs.Stats st = DumpErofs.stats(b.image(), b.devices());
            assertThat(st.files()).isEqualTo(expected.size());
            DumpErofs.InodeInfo ab = DumpErofs.inodeAt(b.image(), b.devices(), "/d/a b", false);
            assertThat(ab.links()).isEqualTo(2);
            assertThat(ab.nid()).isEqualTo(utils.inodes().get("/d/hl").nid());
            java.nio.file.Path x = FsckErofs.extract(b.image(), b.devices());
            try {
                assertThat(TreeReader.entries(x)).hasSameSizeAs(expected);
            } finally {
                Workspace.delete(x.getParent());
            }
        }
    }
}
