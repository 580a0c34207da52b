package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.testing.ErofsImages.dump;
import static org.erofssim.testing.ErofsImages.mkfs;
import static org.erofssim.testing.ErofsImages.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.block.Faults;
import org.erofssim.inode.Iget;
import org.erofssim.kernel.Errno;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.ErofsImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Readdir lists directory blocks as erofs_readdir does, with its checks")
class ReaddirTest {
    @TempDir static Path tmp;
    static final String LONG = "n".repeat(254); // mkfs.erofs 1.5 fails on 255-byte names
    static Path image;
    static ErofsImages.Dumped many;

    @BeforeAll static void image() throws Exception {
        ErofsImages.assumeMkfs();
        Path tree = tmp.resolve("tree");
        for (int i = 0; i < 200; i++) {
            write(tree.resolve(String.format("many/entry-%03d", i)), new byte[0]);
        }
        write(tree.resolve("kinds/file"), new byte[] {1});
        Files.createDirectories(tree.resolve("kinds/dir"));
        Files.createSymbolicLink(tree.resolve("kinds/link"), Path.of("file"));
        ErofsImages.run(List.of("mkfifo", tree.resolve("kinds/fifo").toString()));
        write(tree.resolve("named/" + LONG), new byte[0]);
        image = mkfs(tmp.resolve("dirs.erofs"), tree);
        many = dump(image, "/many");
    }

    /** {@code dump.erofs --ls --path=P}: (nid, file type, name) per entry, "." and ".." included. */
    static List<String> dumpLs(String path) {
        String text = ErofsImages.run(List.of("dump.erofs", "--ls", "--path=" + path, image.toString()));
        List<String> out = new ArrayList<>();
        boolean table = false;
        Pattern row = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+(.+)$");
        for (String line : text.split("\n")) {
            if (line.contains("NID TYPE")) {
                table = true;
                continue;
            }
            Matcher m = row.matcher(line);
            if (table && m.find()) {
                out.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
            }
        }
        return out;
    }

    static List<String> rows(List<Readdir.Entry> entries) {
        List<String> out = new ArrayList<>();
        for (Readdir.Entry e : entries) {
            out.add(e.nid() + " " + e.fileType() + " " + e.nameString());
        }
        return out;
    }

    record Listing(MountModel.LiveMount live, Readdir.Listing listing) {
        List<String> linesAfterMount() {
            return ErofsImages.linesAfterMount(live);
        }
    }

    static Listing list(String kernel, byte[] img, Faults faults, long nid) {
        MountModel.LiveMount live = ErofsImages.mount(ErofsImages.fileMount(kernel, img, faults, null, false));
        SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
        DataReader reader = new DataReader(live.sbi(), live.buf(), log);
        ErofsInode dir = Iget.iget(live.sbi(), live.buf(), log, nid);
        return new Listing(live, Readdir.list(live.sbi(), reader, log, dir));
    }

    /** As {@link #list}, the image on a block device (6.1 has no file-backed mounts). */
    static Listing listBdev(String kernel, byte[] img, long nid) {
        MountModel.LiveMount live = ErofsImages.mount(ErofsImages.bdevMount(kernel, img, Faults.NONE, null, false));
        SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
        ErofsInode dir = Iget.iget(live.sbi(), live.buf(), log, nid);
        return new Listing(live, Readdir.list(live.sbi(), new DataReader(live.sbi(), live.buf(), log), log, dir));
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8)};
    }

    /** Byte position of dirent {@code k} of the directory's block starting at {@code blockPos}. */
    static long dirent(long blockPos, int k) {
        return blockPos + 12L * k;
    }

    @Nested
    @DisplayName("good directories")
    class Good {
        @Test void everyEntryOfEveryBlockIsListedAsDumpErofsListsIt() {
            for (String dir : List.of("/many", "/kinds", "/named", "/")) {
                long nid = dump(image, dir).nid();
                Listing l = list("6.18", ErofsImages.read(image), Faults.NONE, nid);
                assertThat(l.listing().errno()).isNull();
                assertThat(rows(l.listing().entries())).as(dir).isEqualTo(dumpLs(dir));
            }
        }

        @Test void aTwoBlockDirectoryHoldsTheInputNamesInByteOrder() {
            assertThat(many.extents()).hasSize(2);
            List<String> names = new ArrayList<>();
            for (Readdir.Entry e : list("6.13", ErofsImages.read(image), Faults.NONE, many.nid()).listing().entries()) {
                names.add(e.nameString());
            }
            List<String> expected = new ArrayList<>(List.of(".", ".."));
            for (int i = 0; i < 200; i++) {
                expected.add(String.format("entry-%03d", i));
            }
            assertThat(names).isEqualTo(expected);
        }

        @Test void aLongNameIsListed() {
            Readdir.Listing l = list("6.13", ErofsImages.read(image), Faults.NONE, dump(image, "/named").nid()).listing();
            assertThat(l.entries()).extracting(Readdir.Entry::nameString).contains(LONG);
        }

        @Test void theLastNameOfABlockEndsAtTheDirectorySize() {
            ErofsImages.Dumped named = dump(image, "/named");
            ImageEditor ed = ImageEditor.read(image);
            long iloc = ErofsImages.iloc(ed, named.nid());
            long size = ed.buffer().getInt((int) iloc + 8);
            ed.write(iloc + 8, new byte[] {(byte) (size - 55), (byte) ((size - 55) >> 8), 0, 0});
            Readdir.Listing l = list("6.18", ed.fixChecksum().bytes(), Faults.NONE, named.nid()).listing();
            assertThat(l.errno()).isNull();
            assertThat(l.entries()).last().extracting(Readdir.Entry::nameString).isEqualTo("n".repeat(199));
        }
    }

    @Nested
    @DisplayName("corrupt directories")
    class Corrupt {
        long block0() {
            return many.extents().get(0).physical();
        }

        long tail() {
            return many.extents().get(1).physical();
        }

        @Test void aFirstNameoffBelowTwelveIsEucleanAndKeepsTheEarlierBlocks() {
            ImageEditor ed = ImageEditor.read(image);
            ed.write(dirent(tail(), 0) + 8, u16(11));
            Listing l = list("6.13", ed.fixChecksum().bytes(), Faults.NONE, many.nid());
            assertThat(l.listing().errno()).isEqualTo(Errno.EUCLEAN);
            // block 0's entries went out in the same getdents64 call: it returns them and drops the
            // error; the next call starts at block 1 and meets it again [obs-6.18.44: found/fuzz-dirent-nameoff0]
            String line = "erofs (device erofs): invalid de[0].nameoff 11 @ nid " + many.nid();
            assertThat(l.linesAfterMount()).containsExactly(line, line);
            List<String> all = dumpLs("/many");
            assertThat(rows(l.listing().entries())).isEqualTo(all.subList(0, l.listing().entries().size()));
            assertThat(l.listing().entries()).hasSizeBetween(3, all.size() - 1);
        }

        @Test void aFirstNameoffOfABlockSizeIsEuclean() {
            ImageEditor ed = ImageEditor.read(image);
            ed.write(dirent(block0(), 0) + 8, u16(4096));
            Listing l = list("6.18", ed.fixChecksum().bytes(), Faults.NONE, many.nid());
            assertThat(l.listing()).isEqualTo(new Readdir.Listing(List.of(), Errno.EUCLEAN));
            assertThat(l.linesAfterMount()).containsExactly("erofs (device erofs): invalid de[0].nameoff 4096 @ nid " + many.nid());
        }

        @Test void aNameLongerThan255BytesIsABogusDirentAfterTheEntriesBeforeIt() {
            ImageEditor ed = ImageEditor.read(image);
            int nameoff3 = ed.buffer().getShort((int) dirent(block0(), 3) + 8) & 0xFFFF;
            ed.write(dirent(block0(), 4) + 8, u16(nameoff3 + 256));
            Listing l = list("6.18", ed.fixChecksum().bytes(), Faults.NONE, many.nid());
            assertThat(l.listing().errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(rows(l.listing().entries())).isEqualTo(dumpLs("/many").subList(0, 3));
            String line = "erofs (device erofs): bogus dirent @ nid " + many.nid();
            assertThat(l.linesAfterMount()).as("once in the call that emitted 3 entries, once in the next")
                    .containsExactly(line, line);
        }

        @Test void aNameOfExactly255BytesPassesTheCheck() {
            ImageEditor ed = ImageEditor.read(image);
            int nameoff3 = ed.buffer().getShort((int) dirent(block0(), 3) + 8) & 0xFFFF;
            ed.write(dirent(block0(), 4) + 8, u16(nameoff3 + 255));
            Listing l = list("6.13", ed.fixChecksum().bytes(), Faults.NONE, many.nid());
            assertThat(l.listing().entries()).hasSize(4);
            assertThat(l.listing().entries().get(3).name()).hasSize(255);
            assertThat(l.listing().errno()).as("the next entry now starts after its successor").isEqualTo(Errno.EUCLEAN);
        }

        @Test void aLastNameStartingPastTheValidBytesMakesThePreviousNameBogus() {
            ImageEditor ed = ImageEditor.read(image);
            int count = (ed.buffer().getShort((int) dirent(tail(), 0) + 8) & 0xFFFF) / 12;
            ed.write(dirent(tail(), count - 1) + 8, u16(148)); // the tail block holds 147 valid bytes
            Listing l = list("6.13", ed.fixChecksum().bytes(), Faults.NONE, many.nid());
            assertThat(l.listing().errno()).isEqualTo(Errno.EUCLEAN);
            String line = "erofs (device erofs): bogus dirent @ nid " + many.nid();
            assertThat(l.linesAfterMount()).containsExactly(line, line);
            assertThat(l.listing().entries()).hasSize(dumpLs("/many").size() - 2);
        }

        @Test void aLastNameStartingAtTheValidEndIsEmptyOn613() {
            ImageEditor ed = ImageEditor.read(image);
            int count = (ed.buffer().getShort((int) dirent(tail(), 0) + 8) & 0xFFFF) / 12;
            ed.write(dirent(tail(), count - 1) + 8, u16(147));
            Listing l = list("6.13", ed.fixChecksum().bytes(), Faults.NONE, many.nid());
            assertThat(l.listing().errno()).isNull();
            assertThat(l.listing().entries()).last().extracting(Readdir.Entry::name).asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.BYTE_ARRAY).isEmpty();
        }

        @Test void aLastNameStartingAtTheValidEndIsBogusOn618() {
            // "erofs: fix the out-of-bounds nameoff handling for trailing dirents": a trailing
            // dirent with maxsize <= nameoff is bogus (and an empty name is out of 1..255)
            ImageEditor ed = ImageEditor.read(image);
            int count = (ed.buffer().getShort((int) dirent(tail(), 0) + 8) & 0xFFFF) / 12;
            ed.write(dirent(tail(), count - 1) + 8, u16(147));
            Listing l = list("6.18", ed.fixChecksum().bytes(), Faults.NONE, many.nid());
            assertThat(l.listing().errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(l.listing().entries()).hasSize(dumpLs("/many").size() - 1);
            String line = "erofs (device erofs): bogus dirent @ nid " + many.nid();
            assertThat(l.linesAfterMount()).containsExactly(line, line);
        }

        @Test void aFirstNameoffThatIsNoMultipleOfTwelveIsRefusedSince618() {
            // de[0].nameoff 13 [obs-6.18.44: found/fuzz-de0-nameoff-13 logs "invalid de[0].nameoff 13"];
            // 6.13 only checks the range [12, block size)
            ImageEditor ed = ImageEditor.read(image);
            ed.write(dirent(block0(), 0) + 8, u16(13));
            byte[] img = ed.fixChecksum().bytes();
            Listing now = list("6.18", img, Faults.NONE, many.nid());
            assertThat(now.listing()).isEqualTo(new Readdir.Listing(List.of(), Errno.EUCLEAN));
            assertThat(now.linesAfterMount()).containsExactly("erofs (device erofs): invalid de[0].nameoff 13 @ nid "
                    + many.nid());
            Listing old = list("6.13", img, Faults.NONE, many.nid());
            assertThat(old.linesAfterMount()).noneMatch(x -> x.contains("invalid de[0].nameoff"));
        }

        @Test void aBlockThatCannotBeReadEndsTheListingWithTheVersionsWording() {
            Faults eio = new Faults(Map.of(block0() / 4096, Faults.Kind.EIO));
            Listing old = list("6.13", ErofsImages.read(image), eio, many.nid());
            assertThat(old.listing()).isEqualTo(new Readdir.Listing(List.of(), Errno.EIO));
            assertThat(old.linesAfterMount())
                    .containsExactly("erofs (device erofs): fail to readdir of logical block 0 of nid " + many.nid());
            Listing now = list("6.18", ErofsImages.read(image), eio, many.nid());
            assertThat(now.linesAfterMount())
                    .containsExactly("erofs (device erofs): failed to readdir of logical block 0 of nid " + many.nid());
        }

        @Test
        @DisplayName("READDIR_FAILED_MESSAGE (2e1473d5195f, 6.15): 'failed to readdir' with it, 'fail to readdir' without")
        void readdirFailedMessage() {
            Faults eio = new Faults(Map.of(block0() / 4096, Faults.Kind.EIO));
            assertThat(list("6.18", ErofsImages.read(image), eio, many.nid()).linesAfterMount())
                    .containsExactly("erofs (device erofs): failed to readdir of logical block 0 of nid " + many.nid());
            assertThat(list("6.18 -READDIR_FAILED_MESSAGE", ErofsImages.read(image), eio, many.nid()).linesAfterMount())
                    .containsExactly("erofs (device erofs): fail to readdir of logical block 0 of nid " + many.nid());
        }

        @Test
        @DisplayName("d18a3b5d337f erofs: fix the out-of-bounds nameoff handling for trailing dirents")
        void d18a3b5d337f() {
            // the fix also requires de[0].nameoff to be a multiple of sizeof(struct erofs_dirent) (12)
            ImageEditor ed = ImageEditor.read(image);
            ed.write(dirent(block0(), 0) + 8, u16(13));
            byte[] img = ed.fixChecksum().bytes();
            Listing with = list("6.18", img, Faults.NONE, many.nid());
            assertThat(with.listing()).isEqualTo(new Readdir.Listing(List.of(), Errno.EUCLEAN));
            assertThat(with.linesAfterMount()).containsExactly("erofs (device erofs): invalid de[0].nameoff 13 @ nid "
                    + many.nid());
            Listing without = list("6.18 -DIRENT_NAMEOFF_CHECKS", img, Faults.NONE, many.nid());
            assertThat(without.linesAfterMount()).noneMatch(x -> x.contains("invalid de[0].nameoff"));
        }

        @Test
        @DisplayName("d18a3b5d337f erofs: fix the out-of-bounds nameoff handling for trailing dirents: in 6.1.175")
        void d18a3b5d337fIn61175() {
            ImageEditor ed = ImageEditor.read(image);
            ed.write(dirent(block0(), 0) + 8, u16(13));
            byte[] img = ed.fixChecksum().bytes();
            // 6.1 mounts block devices only; its erofs_err names the function [obs-6.1.0-57 (6.1.192):
            // fixtures/recorded/6.1.0-57-amd64/found/plain-de0-nameoff-13-bdev.json]
            Listing with = listBdev("6.1.192", img, many.nid());
            assertThat(with.listing()).isEqualTo(new Readdir.Listing(List.of(), Errno.EUCLEAN));
            assertThat(with.linesAfterMount()).containsExactly(
                    "erofs: (device loop0): erofs_readdir: invalid de[0].nameoff 13 @ nid " + many.nid());
            // 6.12.0 derives from the 6.1 line without the backport (6.12 took it in 6.12.86)
            assertThat(listBdev("6.12.0", img, many.nid()).linesAfterMount())
                    .noneMatch(x -> x.contains("invalid de[0].nameoff"));
        }

        @Test
        @DisplayName("d18a3b5d337f erofs: fix the out-of-bounds nameoff handling for trailing dirents: in 6.12.86")
        void d18a3b5d337fIn61286() {
            ImageEditor ed = ImageEditor.read(image);
            ed.write(dirent(block0(), 0) + 8, u16(13));
            byte[] img = ed.fixChecksum().bytes();
            // 6.12's erofs_err names the function (the old log format)
            Listing with = list("6.12.86", img, Faults.NONE, many.nid());
            assertThat(with.listing()).isEqualTo(new Readdir.Listing(List.of(), Errno.EUCLEAN));
            assertThat(with.linesAfterMount()).containsExactly(
                    "erofs: (device erofs): erofs_readdir: invalid de[0].nameoff 13 @ nid " + many.nid());
            assertThat(list("6.12.85", img, Faults.NONE, many.nid()).linesAfterMount())
                    .noneMatch(x -> x.contains("invalid de[0].nameoff"));
        }
    }

    @Test void aListingStopsAtItsLimit() {
        MountModel.LiveMount live = ErofsImages.mount(ErofsImages.fileMount("6.18", ErofsImages.read(image), Faults.NONE,
                null, false));
        SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
        ErofsInode dir = Iget.iget(live.sbi(), live.buf(), log, many.nid());
        Readdir.Listing l = Readdir.list(live.sbi(), new DataReader(live.sbi(), live.buf(), log), log, dir, 5);
        assertThat(l.truncated()).isTrue();
        assertThat(rows(l.entries())).isEqualTo(dumpLs("/many").subList(0, 5));
    }

    @Test void aGetdentsRecordIsNineteenBytesThenTheNameAndItsNulAlignedToEight() {
        // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, name + NUL, 8-aligned
        assertThat(Readdir.recordLength(1)).isEqualTo(24);
        assertThat(Readdir.recordLength(4)).isEqualTo(24);
        assertThat(Readdir.recordLength(5)).isEqualTo(32);
        assertThat(Readdir.recordLength(255)).isEqualTo(280);
    }

    @Test void entryNamesAreBytes() {
        Readdir.Entry e = new Readdir.Entry("ab".getBytes(StandardCharsets.UTF_8), 5, 1);
        assertThat(e.nameString()).isEqualTo("ab");
        assertThat(e.isDotOrDotDot()).isFalse();
        assertThat(new Readdir.Entry(new byte[] {'.', '.'}, 1, 2).isDotOrDotDot()).isTrue();
    }
}
