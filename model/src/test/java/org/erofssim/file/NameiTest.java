package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.erofssim.testing.ErofsImages.dump;
import static org.erofssim.testing.ErofsImages.mkfs;
import static org.erofssim.testing.ErofsImages.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.erofssim.block.Faults;
import org.erofssim.inode.Iget;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.ErofsImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Namei finds names by the kernel's binary search (erofs_namei)")
class NameiTest {
    @TempDir static Path tmp;
    static Path image;
    static ErofsImages.Dumped many;

    @BeforeAll static void image() throws Exception {
        ErofsImages.assumeMkfs();
        Path tree = tmp.resolve("tree");
        for (int i = 0; i < 200; i++) {
            write(tree.resolve(String.format("many/entry-%03d", i)), new byte[0]);
        }
        image = mkfs(tmp.resolve("names.erofs"), tree);
        many = dump(image, "/many");
    }

    /** {@code dump.erofs --ls --path=P}: "nid type name" per entry, "." and ".." included. */
    static List<String> dumpLs(String path) {
        String text = ErofsImages.run(List.of("dump.erofs", "--ls", "--path=" + path, image.toString()));
        List<String> out = new java.util.ArrayList<>();
        boolean table = false;
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+(.+)$");
        for (String line : text.split("\n")) {
            if (line.contains("NID TYPE")) {
                table = true;
                continue;
            }
            java.util.regex.Matcher m = row.matcher(line);
            if (table && m.find()) {
                out.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
            }
        }
        return out;
    }

    record Dir(MountModel.LiveMount live, SbLog log, DataReader reader, ErofsInode dir) {
        Namei.Found find(String name) {
            return Namei.lookup(live.sbi(), reader, log, dir, name.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Dir open(byte[] img, long nid) {
        MountModel.LiveMount live = ErofsImages.mount(ErofsImages.fileMount("6.18", img, Faults.NONE, null, false));
        SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
        DataReader reader = new DataReader(live.sbi(), live.buf(), log);
        return new Dir(live, log, reader, Iget.iget(live.sbi(), live.buf(), log, nid));
    }

    @Test void everyNameOfATwoBlockDirectoryIsFoundWithTheNidDumpErofsLists() {
        assertThat(many.extents()).hasSize(2);
        Dir d = open(ErofsImages.read(image), many.nid());
        List<String> rows = dumpLs("/many");
        assertThat(rows).hasSize(202);
        for (String row : rows) {
            String[] f = row.split(" ", 3);
            assertThat(d.find(f[2]).nid()).as(f[2]).isEqualTo(Long.parseLong(f[0]));
        }
    }

    @Test void namesOutsideTheDirectoryAreEnoent() {
        Dir d = open(ErofsImages.read(image), many.nid());
        for (String absent : List.of("entry-200", "entry-0", "a", "zzz", "entry-050x", "entry-05")) {
            assertThatThrownBy(() -> d.find(absent)).as(absent)
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        }
        assertThat(ErofsImages.linesAfterMount(d.live())).isEmpty();
    }

    @Test void aNameOnTheWrongSideOfTheSearchIsNotFound() {
        // block 0 ends before the names of block 1; renaming the first name of block 0 (".") to
        // "zz" makes the search for any name below "zz" go left of block 0: nothing is found,
        // although readdir still lists every name
        ImageEditor ed = ImageEditor.read(image);
        long block0 = many.extents().get(0).physical();
        int nameoff0 = ed.buffer().getShort((int) block0 + 8) & 0xFFFF;
        ed.write(block0 + nameoff0, new byte[] {'z'});
        Dir d = open(ed.fixChecksum().bytes(), many.nid());
        assertThatThrownBy(() -> d.find("entry-001"))
                .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }

    @Test void aBlockWithoutEntriesIsACorruptedDirBlock() {
        // two blocks: the search looks at block 0 (mid of 0..1), then, the name being greater than
        // block 0's first name, at block 1, whose de[0].nameoff 0 means no entries
        ImageEditor ed = ImageEditor.read(image);
        long block1 = many.extents().get(1).physical();
        ed.write(block1 + 8, new byte[] {0, 0});
        Dir d = open(ed.fixChecksum().bytes(), many.nid());
        assertThatThrownBy(() -> d.find("entry-199"))
                .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EUCLEAN));
        assertThat(ErofsImages.linesAfterMount(d.live()))
                .containsExactly("erofs (device erofs): corrupted dir block 1 @ nid " + many.nid());
    }

    @Test void anEmptyDirectoryFindsNothingWithoutReading() {
        Dir d = open(ErofsImages.read(image), many.nid());
        ErofsInode empty = new ErofsInode(d.dir().nid(), d.dir().iloc(), d.dir().layout(), d.dir().extended(),
                d.dir().isize(), d.dir().xattrIsize(), d.dir().xattrIcount(), d.dir().mode(), d.dir().uid(),
                d.dir().gid(), d.dir().nlink(), 0, d.dir().mtime(), d.dir().mtimeNsec(), d.dir().startBlk(), 0, 0, 0, 0,
                0, null, 0);
        assertThatThrownBy(() -> Namei.lookup(d.live().sbi(), d.reader(), d.log(), empty, new byte[] {'a'}))
                .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
    /** The listing of {@code d}'s directory with the page each block was listed from. */
    private static Readdir.Listing listed(Dir d, List<byte[]> pages) {
        return Readdir.list(d.live().sbi(), d.reader(), d.log(), d.dir(), Integer.MAX_VALUE, pages);
    }

    @Test void theListingsIndexAnswersEveryLookupAsTheBytesDoAndHandsOverToThemWhereABlockDiffers() {
        Dir d = open(ErofsImages.read(image), many.nid());
        List<byte[]> pages = new java.util.ArrayList<>();
        Readdir.Listing l = listed(d, pages);
        int bits = d.live().sbi().blocksizeBits();
        assertThat(pages).hasSize(2);
        DirIndex same = DirIndex.of(d.dir(), bits, pages, l.entries().size());
        // block 1 as the index holds it differs from what a lookup reads in a reserved byte (of
        // no name): a search that reaches it goes on by the bytes, with the prefixes matched so far
        byte[] p1 = pages.get(1).clone();
        int at1 = (int) ((1L << bits) % DataReader.PAGE);
        p1[at1 + 11] ^= 1;
        DirIndex differs = DirIndex.of(d.dir(), bits, List.of(pages.get(0), p1), l.entries().size());
        assertThat(same).isNotNull();
        assertThat(differs).isNotNull();
        int logged = d.live().log().lines().size();
        for (int k = 0; k < l.entries().size(); k++) {
            byte[] name = l.entries().get(k).name();
            Namei.Found want = Namei.lookup(d.live().sbi(), d.reader(), d.log(), d.dir(), name);
            for (DirIndex index : java.util.Arrays.asList(same, differs)) {
                int t = index.position(k, name);
                assertThat(t).as("entry %d", k).isEqualTo(k);
                assertThat(Namei.lookup(d.live().sbi(), d.reader(), d.log(), d.dir(), name, true, index, t))
                        .as("entry %d", k).isEqualTo(want);
            }
            assertThat(same.position(k, "entry-200".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        }
        assertThat(d.live().log().lines()).hasSize(logged);
    }

    @Test void aDirectoryWhoseNamesAreOutOfOrderHasNoIndex() {
        ImageEditor ed = ImageEditor.read(image);
        long block0 = many.extents().get(0).physical();
        int nameoff0 = ed.buffer().getShort((int) block0 + 8) & 0xFFFF;
        ed.write(block0 + nameoff0, new byte[] {'z'}); // "." becomes "z", before ".."
        Dir d = open(ed.fixChecksum().bytes(), many.nid());
        List<byte[]> pages = new java.util.ArrayList<>();
        Readdir.Listing l = listed(d, pages);
        assertThat(l.errno()).isNull();
        assertThat(DirIndex.of(d.dir(), d.live().sbi().blocksizeBits(), pages, l.entries().size())).isNull();
    }
    @Test void aSearchHandedOverBetweenTwoProbedBlocksGoesOnWithThePrefixesTheyMatched() {
        // 600 names of hashed hex digits (short common prefixes) in about ten blocks; the index
        // holds block 1 with a reserved byte changed: a search for a name of blocks 0-1 probes a
        // block above and block 0 below it first, then hands over at block 1 with both prefixes
        Path tree = tmp.resolve("hashed");
        for (int i = 0; i < 600; i++) {
            write(tree.resolve("d/" + Long.toHexString((i + 1) * 0x9E3779B97F4A7C15L)), new byte[0]);
        }
        Path img = mkfs(tmp.resolve("hashed.erofs"), tree);
        Dir d = open(ErofsImages.read(img), dump(img, "/d").nid());
        List<byte[]> pages = new java.util.ArrayList<>();
        Readdir.Listing l = listed(d, pages);
        int bits = d.live().sbi().blocksizeBits();
        assertThat(pages.size()).isGreaterThanOrEqualTo(4);
        List<byte[]> changed = new java.util.ArrayList<>(pages);
        byte[] p1 = pages.get(1).clone();
        p1[(int) ((1L << bits) % DataReader.PAGE) + 11] ^= 1;
        changed.set(1, p1);
        DirIndex index = DirIndex.of(d.dir(), bits, changed, l.entries().size());
        assertThat(index).isNotNull();
        for (int k = 0; k < l.entries().size(); k++) {
            byte[] name = l.entries().get(k).name();
            assertThat(Namei.lookup(d.live().sbi(), d.reader(), d.log(), d.dir(), name, true, index, index.position(k, name)))
                    .as("entry %d", k).isEqualTo(Namei.lookup(d.live().sbi(), d.reader(), d.log(), d.dir(), name));
        }
    }
}
