package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.testing.ErofsImages.dump;
import static org.erofssim.testing.ErofsImages.mkfs;
import static org.erofssim.testing.ErofsImages.noise;
import static org.erofssim.testing.ErofsImages.write;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.inode.Iget;
import org.erofssim.kernel.Errno;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Fiemap reports extents as iomap_fiemap over erofs_iomap_begin does")
class FiemapTest {
    @TempDir static Path tmp;
    static Path inline;
    static Path plain;
    static Path chunk4k;
    static Path blobbed;
    static Path blob;

    @BeforeAll static void images() {
        ErofsImages.assumeMkfs();
        Path tree = tmp.resolve("tree");
        write(tree.resolve("f9000"), noise(9000, 5));
        write(tree.resolve("f20000"), noise(20000, 6));
        write(tree.resolve("small"), new byte[] {1, 2, 3});
        write(tree.resolve("empty"), new byte[0]);
        inline = mkfs(tmp.resolve("inline.erofs"), tree);
        plain = mkfs(tmp.resolve("plain.erofs"), tree, "-Enoinline_data");
        chunk4k = mkfs(tmp.resolve("chunk4k.erofs"), tree, "--chunksize=4096");
        blob = tmp.resolve("blob.img");
        blobbed = mkfs(tmp.resolve("blobbed.erofs"), tree, "--chunksize=4096", "--blobdev=" + blob);
    }

    static Fiemap.Result fiemap(Scenario sc, long nid) {
        MountModel.LiveMount live = ErofsImages.mount(sc);
        SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
        return Fiemap.fiemap(live.sbi(), live.buf(), log, Iget.iget(live.sbi(), live.buf(), log, nid));
    }

    static Fiemap.Result fiemap(String kernel, byte[] img, long nid) {
        return fiemap(ErofsImages.fileMount(kernel, img, Faults.NONE, null, false), nid);
    }

    /** The extents dump.erofs prints, as FIEMAP extents (the last one flagged). */
    static List<TreeEntry.Extent> fromDump(ErofsImages.Dumped d) {
        List<TreeEntry.Extent> out = new ArrayList<>();
        for (int i = 0; i < d.extents().size(); i++) {
            ErofsImages.DumpExtent e = d.extents().get(i);
            out.add(new TreeEntry.Extent(e.logical(), e.physical(), e.length(),
                    i == d.extents().size() - 1 ? "last" : "", e.device()));
        }
        return out;
    }

    @Nested
    @DisplayName("mapped data")
    class Mapped {
        @Test void aFlatFileIsOneExtentToItsBlockEnd() {
            ErofsImages.Dumped d = dump(plain, "/f9000");
            assertThat(fiemap("6.13", ErofsImages.read(plain), d.nid()))
                    .isEqualTo(new Fiemap.Result(fromDump(d), null));
        }

        @Test void chunksAreOneExtentEachWithoutMerging() {
            ErofsImages.Dumped d = dump(chunk4k, "/f20000");
            assertThat(d.extents()).hasSize(5);
            for (String k : List.of("6.13", "6.18")) {
                assertThat(fiemap(k, ErofsImages.read(chunk4k), d.nid())).isEqualTo(new Fiemap.Result(fromDump(d), null));
            }
        }

        @Test void chunksOnAGivenExtraDeviceNameItAndItsOffsets() {
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            Map<String, Node> nodes = Map.of(
                    ErofsImages.IMAGE, new Node.RegularFile(ImageBytes.of(ErofsImages.read(blobbed)), BackingFs.EXT4),
                    "/srv/blob", new Node.RegularFile(ImageBytes.of(ErofsImages.read(blob)), BackingFs.EXT4));
            Scenario sc = ErofsImages.scenario("6.18", nodes, ErofsImages.IMAGE, "device=/srv/blob", false);
            assertThat(fiemap(sc, d.nid())).isEqualTo(new Fiemap.Result(fromDump(d), null));
        }

        @Test void inFlatModeTheyAreOnThePrimary() {
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            List<TreeEntry.Extent> expected = new ArrayList<>();
            for (TreeEntry.Extent e : fromDump(d)) { // mapped_blkaddr of the slot is 0
                expected.add(new TreeEntry.Extent(e.logical(), e.physical(), e.length(), e.flags(), 0));
            }
            assertThat(fiemap("6.18", ErofsImages.read(blobbed), d.nid())).isEqualTo(new Fiemap.Result(expected, null));
        }

        @Test void anEmptyFileHasNoExtents() {
            assertThat(fiemap("6.18", ErofsImages.read(inline), dump(inline, "/empty").nid()))
                    .isEqualTo(new Fiemap.Result(List.of(), null));
        }
    }

    @Nested
    @DisplayName("inline tails")
    class Inline {
        @Test void areDataInlineAtPhysicalZeroUpTo616() {
            ErofsImages.Dumped d = dump(inline, "/f9000");
            ErofsImages.DumpExtent first = d.extents().get(0);
            assertThat(fiemap("6.13", ErofsImages.read(inline), d.nid())).isEqualTo(new Fiemap.Result(List.of(
                    new TreeEntry.Extent(0, first.physical(), 8192, "", 0),
                    new TreeEntry.Extent(8192, 0, 808, "last,not_aligned,data_inline", 0)), null));
        }

        @Test
        @DisplayName("IOMAP_INLINE_ADDR (f768685427c0, 6.17): an inline tail at its metadata position, else at 0")
        void iomapInlineAddr() {
            ErofsImages.Dumped d = dump(inline, "/small");
            long meta = d.extents().get(0).physical();
            assertThat(fiemap("6.18", ErofsImages.read(inline), d.nid())).isEqualTo(new Fiemap.Result(List.of(
                    new TreeEntry.Extent(0, meta, 3, "last,not_aligned,data_inline", 0)), null));
            assertThat(fiemap("6.18 -IOMAP_INLINE_ADDR", ErofsImages.read(inline), d.nid())).isEqualTo(
                    new Fiemap.Result(List.of(new TreeEntry.Extent(0, 0, 3, "last,not_aligned,data_inline", 0)), null));
        }

        @Test void areDataInlineAtTheirMetadataPositionFrom617() {
            ErofsImages.Dumped d = dump(inline, "/small");
            assertThat(fiemap("6.18", ErofsImages.read(inline), d.nid())).isEqualTo(new Fiemap.Result(List.of(
                    new TreeEntry.Extent(0, d.extents().get(0).physical(), 3, "last,not_aligned,data_inline", 0)),
                    null));
        }
    }

    @Nested
    @DisplayName("holes and errors")
    class HolesAndErrors {
        long entry(ImageEditor ed, long nid, int chunk, int unit) {
            return ((ErofsImages.iloc(ed, nid) + 32 + unit - 1) & -unit) + (long) unit * chunk;
        }

        @Test void holesAreLeftOutAndTheLastExtentIsFlagged() {
            ErofsImages.Dumped d = dump(chunk4k, "/f20000");
            ImageEditor ed = ImageEditor.read(chunk4k);
            ed.write(entry(ed, d.nid(), 2, 4), new byte[] {-1, -1, -1, -1});
            ed.write(entry(ed, d.nid(), 4, 4), new byte[] {-1, -1, -1, -1});
            List<TreeEntry.Extent> all = fromDump(d);
            TreeEntry.Extent e3 = all.get(3);
            assertThat(fiemap("6.13", ed.fixChecksum().bytes(), d.nid())).isEqualTo(new Fiemap.Result(List.of(
                    all.get(0), all.get(1), new TreeEntry.Extent(e3.logical(), e3.physical(), e3.length(), "last", 0)),
                    null));
        }

        @Test void aWholeFileHoleHasNoExtentsFrom615() {
            ErofsImages.Dumped d = dump(plain, "/f9000");
            ImageEditor ed = ImageEditor.read(plain);
            ed.write(ErofsImages.iloc(ed, d.nid()) + 16, new byte[] {-1, -1, -1, -1});
            assertThat(fiemap("6.18", ed.fixChecksum().bytes(), d.nid())).isEqualTo(new Fiemap.Result(List.of(), null));
        }

        @Test void anErrorBeforeAnyExtentFailsAndALaterOneEndsTheListQuietly() {
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            ImageEditor ed = ImageEditor.read(blobbed);
            ed.set(SuperblockField.EXTRA_DEVICES, 2); // device id mask 3; id 3 has no device
            ImageEditor first = ImageEditor.of(ed.bytes());
            first.write(entry(first, d.nid(), 0, 8) + 2, new byte[] {3, 0});
            assertThat(fiemap("6.18", first.fixChecksum().bytes(), d.nid())).isEqualTo(new Fiemap.Result(null, Errno.ENODEV));
            ed.write(entry(ed, d.nid(), 2, 8) + 2, new byte[] {3, 0});
            Fiemap.Result later = fiemap("6.18", ed.fixChecksum().bytes(), d.nid());
            assertThat(later.errno()).isNull();
            assertThat(later.extents()).extracting(TreeEntry.Extent::logical).containsExactly(0L, 4096L);
            assertThat(later.extents()).extracting(TreeEntry.Extent::flags).containsExactly("", "last");
        }
    }

    @Test void flagNamesAreJoinedInBitOrder() {
        assertThat(Fiemap.flagNames(0)).isEmpty();
        assertThat(Fiemap.flagNames(0x301)).isEqualTo("last,not_aligned,data_inline");
        assertThat(Fiemap.flagNames(0x8 | 0x2)).isEqualTo("unknown,encoded");
    }
    @Nested
    @DisplayName("compressed files (z_erofs_iomap_begin_report)")
    class Compressed {
        /** dump.erofs -e of a compressed file: logical start and length, physical start. */
        List<TreeEntry.Extent> dumped(Path img, String path) {
            Map.Entry<Long, List<ZTrees.DumpExtent>> d = ZTrees.dumpExtents(img, path);
            List<TreeEntry.Extent> out = new ArrayList<>();
            for (int i = 0; i < d.getValue().size(); i++) {
                ZTrees.DumpExtent e = d.getValue().get(i);
                out.add(new TreeEntry.Extent(e.logical(), e.physical(), e.length(),
                        i == d.getValue().size() - 1 ? "last" : "", 0));
            }
            return out;
        }

        @Test void everyPclusterIsOnePlainMappedExtentAsDumpErofsListsIt() {
            Path tree = ZTrees.standardTree(tmp.resolve("ztree"));
            for (String recipe : List.of("-zlz4", "-zlz4hc -C16384", "-zlz4 -Elegacy-compress", "-zlz4 -Eztailpacking")) {
                Path img = mkfs(tmp.resolve("z" + recipe.hashCode() + ".erofs"), tree, recipe.split(" "));
                for (String path : List.of("/text/t300000", "/mixed/m131072", "/mixed/m132072", "/zeros/z1m", "/small/s010")) {
                    if (!java.nio.file.Files.exists(tree.resolve(path.substring(1)))) {
                        continue;
                    }
                    long nid = ZTrees.dumpExtents(img, path).getKey();
                    if (!ZTrees.mount("6.18", ErofsImages.read(img), false).inode(nid).isCompressed()) {
                        continue; // small files are compressed only with ztailpacking
                    }
                    for (String k : List.of("6.13", "6.18")) {
                        Fiemap.Result r = fiemap(k, ErofsImages.read(img), nid);
                        // no "encoded": the kernel reports compressed extents as plain mapped ones
                        assertThat(r).as(recipe + " " + k + " " + path).isEqualTo(new Fiemap.Result(dumped(img, path), null));
                    }
                }
            }
        }

        @Test void ztailpackingFixtureAsFilefragShowedItOn61844() {
            // filefrag -v on 6.18.44: text64k 0..65535 at 23976 (last); f4097 0..4096 at 1392 (last)
            byte[] img = ErofsImages.read(ZTrees.fixture("ztailpacking.erofs"));
            Path p = ZTrees.fixture("ztailpacking.erofs");
            assertThat(fiemap("6.18", img, ZTrees.dumpExtents(p, "/text64k").getKey()).extents())
                    .containsExactly(new TreeEntry.Extent(0, 23976, 65536, "last", 0));
            assertThat(fiemap("6.18", img, ZTrees.dumpExtents(p, "/f4097").getKey()).extents())
                    .containsExactly(new TreeEntry.Extent(0, 1392, 4097, "last", 0));
        }

        @Test void aDamagedIndexFailsTheIoctlBeforeAnyExtent() {
            byte[] img = ErofsImages.read(ZTrees.fixture("lz4.erofs"));
            ErofsInode text = ZTrees.mount("6.18", img, false).inode(879);
            // HEAD1 algorithm LZMA: lz4.erofs lists only LZ4
            byte[] bad = ImageEditor.of(img).write(ZTrees.header(text) + 6, new byte[] {1}).fixChecksum().bytes();
            assertThat(fiemap("6.18", bad, 879)).isEqualTo(new Fiemap.Result(null, Errno.EUCLEAN));
        }
    }
}
