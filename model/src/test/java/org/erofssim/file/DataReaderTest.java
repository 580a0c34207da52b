package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.erofssim.testing.ErofsImages.dump;
import static org.erofssim.testing.ErofsImages.iloc;
import static org.erofssim.testing.ErofsImages.linesAfterMount;
import static org.erofssim.testing.ErofsImages.mkfs;
import static org.erofssim.testing.ErofsImages.noise;
import static org.erofssim.testing.ErofsImages.sha256;
import static org.erofssim.testing.ErofsImages.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.Scenario;
import org.erofssim.inode.Iget;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.read.FileContent;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DataReader reads file data folio by folio as the fileio and iomap read paths do")
class DataReaderTest {
    @TempDir static Path tmp;
    static final byte[] F20000 = noise(20000, 3);
    static final byte[] F9000 = noise(9000, 4);
    static final String LONG_TARGET = "t".repeat(4090); // cannot be inline after a 32-byte inode
    static Path inline;
    static Path plain;
    static Path chunk4k;
    static Path chunk8k;
    static Path blobbed;
    static Path blob;

    @BeforeAll static void images() throws Exception {
        ErofsImages.assumeMkfs();
        Path tree = tmp.resolve("tree");
        write(tree.resolve("f20000"), F20000);
        write(tree.resolve("f9000"), F9000);
        write(tree.resolve("small"), "hello\n".getBytes(StandardCharsets.US_ASCII));
        java.nio.file.Files.createSymbolicLink(tree.resolve("slow"), Path.of(LONG_TARGET));
        inline = mkfs(tmp.resolve("inline.erofs"), tree);
        plain = mkfs(tmp.resolve("plain.erofs"), tree, "-Enoinline_data");
        chunk4k = mkfs(tmp.resolve("chunk4k.erofs"), tree, "--chunksize=4096");
        chunk8k = mkfs(tmp.resolve("chunk8k.erofs"), tree, "--chunksize=8192");
        blob = tmp.resolve("blob.img");
        blobbed = mkfs(tmp.resolve("blobbed.erofs"), tree, "--chunksize=4096", "--blobdev=" + blob);
    }

    /** A mounted image, a reader on it and inodes by nid. */
    record Reading(MountModel.LiveMount live, DataReader reader, SbLog log) {
        static Reading of(Scenario sc) {
            MountModel.LiveMount live = ErofsImages.mount(sc);
            SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
            return new Reading(live, new DataReader(live.sbi(), live.buf(), log), log);
        }

        static Reading file(String kernel, byte[] image, Faults faults) {
            return of(ErofsImages.fileMount(kernel, image, faults, null, false));
        }

        static Reading bdev(String kernel, byte[] image, Faults faults) {
            return of(ErofsImages.bdevMount(kernel, image, faults, null, false));
        }

        ErofsInode inode(long nid) {
            return Iget.iget(live.sbi(), live.buf(), log, nid);
        }

        FileContent read(long nid) {
            return reader.readFile(inode(nid));
        }
    }

    @Nested
    @DisplayName("whole files")
    class WholeFiles {
        @Test void everyUncompressedLayoutReadsTheInputBytesInBothModesAndProfiles() {
            for (Path image : List.of(inline, plain, chunk4k, chunk8k)) {
                byte[] img = ErofsImages.read(image);
                long nid20000 = dump(image, "/f20000").nid();
                long nid9000 = dump(image, "/f9000").nid();
                for (String k : List.of("6.13", "6.18")) {
                    for (Reading r : List.of(Reading.file(k, img, Faults.NONE), Reading.bdev(k, img, Faults.NONE))) {
                        assertThat(r.read(nid20000)).as(image + " " + k)
                                .isEqualTo(new FileContent(sha256(F20000), 20000, null, List.of()));
                        assertThat(r.read(nid9000).sha256()).isEqualTo(sha256(F9000));
                        assertThat(ErofsImages.linesAfterMount(r.live())).isEmpty();
                    }
                }
            }
        }

        @Test void chunksOnAnExtraDeviceAreReadFromItWhenItIsGiven() {
            Map<String, Node> nodes = Map.of(
                    ErofsImages.IMAGE, new Node.RegularFile(ImageBytes.of(ErofsImages.read(blobbed)), BackingFs.EXT4),
                    "/srv/blob", new Node.RegularFile(ImageBytes.of(ErofsImages.read(blob)), BackingFs.EXT4));
            Reading r = Reading.of(ErofsImages.scenario("6.18", nodes, ErofsImages.IMAGE, "device=/srv/blob", false));
            assertThat(r.read(dump(blobbed, "/f20000", "--device=" + blob).nid()).sha256()).isEqualTo(sha256(F20000));
        }

        @Test void aSlowSymlinkIsReadThroughTheDataPath() {
            for (Path image : List.of(inline, plain)) {
                Reading r = Reading.file("6.18", ErofsImages.read(image), Faults.NONE);
                ErofsInode link = r.inode(dump(image, "/slow").nid());
                assertThat(link.fastSymlink()).isNull();
                assertThat(new String(r.reader().readLink(link), StandardCharsets.UTF_8)).isEqualTo(LONG_TARGET);
            }
        }
    }

    @Nested
    @DisplayName("bdev mode")
    class BdevMode {
        @Test void aReadPastTheDevicesEndFailsWithEioAtThatPage() {
            ErofsImages.Dumped d = dump(plain, "/f20000");
            long phys = d.extents().get(0).physical();
            byte[] cut = Arrays.copyOf(ErofsImages.read(plain), (int) (phys + 8192 + 1000));
            Reading r = Reading.bdev("6.18", cut, Faults.NONE);
            FileContent c = r.read(d.nid());
            assertThat(c.errno()).isEqualTo(Errno.EIO);
            assertThat(c.okBytes()).isEqualTo(8192);
            assertThat(c.sha256()).isEqualTo(sha256(F20000, 8192));
            assertThat(ErofsImages.linesAfterMount(r.live())).isEmpty();
        }

        @Test void anInjectedEioFailsThePageThatTouchesIt() {
            ErofsImages.Dumped d = dump(chunk4k, "/f20000");
            long devicePage = d.extents().get(3).physical() / 4096;
            Faults eio = new Faults(Map.of(devicePage, Faults.Kind.EIO));
            Reading r = Reading.bdev("6.18", ErofsImages.read(chunk4k), eio);
            FileContent c = r.read(d.nid());
            assertThat(c.errno()).isEqualTo(Errno.EIO);
            assertThat(c.okBytes()).isEqualTo(3 * 4096);
            // before READAHEAD_HONOURS_NEW_ORDER the cold readahead puts pages 0-3 in one order-2
            // folio, which fails as a whole [obs-6.12.118: twodev.erofs /f4097 as a loop device]
            FileContent c613 = Reading.bdev("6.13", ErofsImages.read(chunk4k), eio).read(d.nid());
            assertThat(c613.errno()).isEqualTo(Errno.EIO);
            assertThat(c613.okBytes()).isZero();
        }

        @Test void aShortPageOfTheLoopFileReadsAsZeros() {
            ErofsImages.Dumped d = dump(chunk4k, "/f20000");
            long devicePage = d.extents().get(1).physical() / 4096;
            Reading r = Reading.bdev("6.18", ErofsImages.read(chunk4k), new Faults(Map.of(devicePage, Faults.Kind.SHORT)));
            byte[] expected = F20000.clone();
            Arrays.fill(expected, 4096, 8192, (byte) 0);
            assertThat(r.read(d.nid())).isEqualTo(new FileContent(sha256(expected), 20000, null, List.of()));
        }

        @Test void mappingErrorsReachTheReaderAsEioAndAreLoggedByReadaheadAndReadFolio() {
            ErofsImages.Dumped d = dump(inline, "/small");
            ImageEditor ed = ImageEditor.read(inline);
            ed.write(ErofsImages.iloc(ed, d.nid()) + 8, new byte[] {(byte) 0xA0, 0x0F, 0, 0}); // i_size 4000
            Reading r = Reading.bdev("6.18", ed.fixChecksum().bytes(), Faults.NONE);
            FileContent c = r.read(d.nid());
            assertThat(c.errno()).isEqualTo(Errno.EIO);
            assertThat(c.okBytes()).isZero();
            String line = "erofs (device loop0): inline data across blocks @ nid " + d.nid();
            assertThat(ErofsImages.linesAfterMount(r.live())).containsExactly(line, line);
        }

        @Test
        @DisplayName("MAP_BLOCKS_FLATMODE_MERGED (8e49c33d0435, 6.15): the function the old log format names")
        void mapBlocksFlatmodeMerged() {
            // only the pre-90655ee279b2 log format prints the function name
            ErofsImages.Dumped d = dump(inline, "/small");
            ImageEditor ed = ImageEditor.read(inline);
            ed.write(iloc(ed, d.nid()) + 8, new byte[] {(byte) 0xA0, 0x0F, 0, 0}); // i_size 4000
            byte[] img = ed.fixChecksum().bytes();
            Reading with = Reading.bdev("6.18 -DEVICE_LOG_PREFIX", img, Faults.NONE);
            assertThat(with.read(d.nid()).errno()).isEqualTo(Errno.EIO);
            assertThat(linesAfterMount(with.live())).first()
                    .isEqualTo("erofs: (device loop0): erofs_map_blocks: inline data across blocks @ nid " + d.nid());
            Reading without = Reading.bdev("6.18 -DEVICE_LOG_PREFIX -MAP_BLOCKS_FLATMODE_MERGED", img, Faults.NONE);
            assertThat(without.read(d.nid()).errno()).isEqualTo(Errno.EIO);
            assertThat(linesAfterMount(without.live())).first().isEqualTo(
                    "erofs: (device loop0): erofs_map_blocks_flatmode: inline data across blocks @ nid " + d.nid());
        }

        @Test void flatModeReadsChunksOfAnExtraDeviceFromThePrimaryAndFailsPastItsEnd() {
            byte[] img = ErofsImages.read(blobbed);
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            long firstOutside = d.extents().stream() // slot mapped_blkaddr 0: the blob address, on the primary
                    .filter(e -> e.physical() + e.length() > img.length).mapToLong(ErofsImages.DumpExtent::logical)
                    .min().orElseThrow();
            FileContent c = Reading.bdev("6.18", img, Faults.NONE).read(d.nid());
            assertThat(c.errno()).isEqualTo(Errno.EIO);
            assertThat(c.okBytes()).isEqualTo(firstOutside);
        }

        @Test void iomapReadaheadLeavesTheFailingFolioOutSoReachingItReadsAheadAgain() {
            // [obs-6.18.44] superblock/blkszbits10-bdev: an inline tail across blocks on page 2 of a
            // file logs its line four times in bdev mode (fileio: three, see FileioMode)
            ErofsImages.Dumped d = dump(inline, "/f9000");
            ImageEditor ed = ImageEditor.read(inline);
            ed.write(ErofsImages.iloc(ed, d.nid()) + 8, new byte[] {(byte) 0xA0, 0x2F, 0, 0}); // i_size 12192: tail 4000 bytes
            Reading r = Reading.bdev("6.18", ed.fixChecksum().bytes(), Faults.NONE);
            FileContent c = r.read(d.nid());
            assertThat(c).isEqualTo(new FileContent(sha256(F9000, 8192), 8192, Errno.EIO, List.of()));
            String line = "erofs (device loop0): inline data across blocks @ nid " + d.nid();
            assertThat(ErofsImages.linesAfterMount(r.live())).containsExactly(line, line, line, line);
        }
    }

    @Nested
    @DisplayName("fileio mode")
    class FileioMode {
        @Test void aShortReadIsZeroFilledIn613AndEioIn618() {
            ErofsImages.Dumped d = dump(plain, "/f20000");
            long phys = d.extents().get(0).physical();
            byte[] cut = Arrays.copyOf(ErofsImages.read(plain), (int) (phys + 8192 + 1000));
            FileContent old = Reading.file("6.13", cut, Faults.NONE).read(d.nid());
            byte[] expected = F20000.clone();
            Arrays.fill(expected, 8192 + 1000, expected.length, (byte) 0);
            assertThat(old).isEqualTo(new FileContent(sha256(expected), 20000, null, List.of()));
            Reading r = Reading.file("6.18", cut, Faults.NONE);
            FileContent now = r.read(d.nid());
            assertThat(now).isEqualTo(new FileContent(sha256(F20000, 8192), 8192, Errno.EIO, List.of()));
            assertThat(ErofsImages.linesAfterMount(r.live())).isEmpty();
        }

        @Test
        @DisplayName("eade54040384 erofs: set fileio bio failed in short read case")
        void eade54040384() {
            ErofsImages.Dumped d = dump(plain, "/f20000");
            long phys = d.extents().get(0).physical();
            byte[] cut = Arrays.copyOf(ErofsImages.read(plain), (int) (phys + 8192 + 1000));
            // with it: the folio holding the short read fails with EIO, the pages before it are read
            Reading r = Reading.file("6.18", cut, Faults.NONE);
            assertThat(r.read(d.nid())).isEqualTo(new FileContent(sha256(F20000, 8192), 8192, Errno.EIO, List.of()));
            // without it: the rest of the bio is zero-filled and the folios are uptodate
            byte[] zeroFilled = F20000.clone();
            Arrays.fill(zeroFilled, 8192 + 1000, zeroFilled.length, (byte) 0);
            assertThat(Reading.file("6.18 -FILEIO_SHORT_READ_EIO", cut, Faults.NONE).read(d.nid()))
                    .isEqualTo(new FileContent(sha256(zeroFilled), 20000, null, List.of()));
        }

        @Test
        @DisplayName("eade54040384 erofs: set fileio bio failed in short read case: in 6.12.80")
        void eade54040384In61280() {
            ErofsImages.Dumped d = dump(plain, "/f20000");
            long phys = d.extents().get(0).physical();
            byte[] cut = Arrays.copyOf(ErofsImages.read(plain), (int) (phys + 8192 + 1000));
            // 6.12.80: the request with the short read fails (EIO); what of the file reads before it
            // depends on 6.12's readahead batching, so only the bytes read are checked to be the file's
            FileContent now = Reading.file("6.12.80", cut, Faults.NONE).read(d.nid());
            assertThat(now.errno()).isEqualTo(Errno.EIO);
            assertThat(now.okBytes()).isLessThanOrEqualTo(8192);
            assertThat(now.sha256()).isEqualTo(sha256(F20000, (int) now.okBytes()));
            // 6.12.79: the short read of the backing file is zero-filled (bc804a8d7e86's bio_advance and
            // zero_fill_bio, which eade54040384 replaces)
            byte[] zeroFilled = F20000.clone();
            Arrays.fill(zeroFilled, 8192 + 1000, zeroFilled.length, (byte) 0);
            assertThat(Reading.file("6.12.79", cut, Faults.NONE).read(d.nid()))
                    .isEqualTo(new FileContent(sha256(zeroFilled), 20000, null, List.of()));
        }

        @Test void flatModeReadsChunksOfAnExtraDeviceFromThePrimaryZeroFilledIn613AndEioIn618() {
            byte[] img = ErofsImages.read(blobbed);
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            byte[] expected = new byte[20000];
            for (ErofsImages.DumpExtent e : d.extents()) { // slot mapped_blkaddr is 0: same address on the primary
                for (int i = 0; i < e.length() && e.logical() + i < expected.length; i++) {
                    long p = e.physical() + i;
                    expected[(int) (e.logical() + i)] = p < img.length ? img[(int) p] : 0;
                }
            }
            long nid = d.nid();
            FileContent old = Reading.file("6.13", img, Faults.NONE).read(nid);
            assertThat(old).isEqualTo(new FileContent(sha256(expected), 20000, null, List.of()));
            assertThat(Reading.file("6.18", img, Faults.NONE).read(nid).errno()).isEqualTo(Errno.EIO);
        }

        @Test void anInjectedEioFailsThePageIn618AndIsAZeroFilledShortReadIn613WithoutALogLine() {
            ErofsImages.Dumped d = dump(chunk8k, "/f20000");
            long devicePage = d.extents().get(1).physical() / 4096 + 1; // file page 3
            Reading r = Reading.file("6.18", ErofsImages.read(chunk8k), new Faults(Map.of(devicePage, Faults.Kind.EIO)));
            assertThat(r.read(d.nid())).isEqualTo(new FileContent(sha256(F20000, 3 * 4096), 3 * 4096,
                    Errno.EIO, List.of()));
            assertThat(ErofsImages.linesAfterMount(r.live())).isEmpty();
            // 6.13 (before READAHEAD_HONOURS_NEW_ORDER and FILEIO_SHORT_READ_EIO): the cold readahead's
            // order-2 folio reads pages 0-3 in one request; the buffered backing read stops before the
            // EIO page and the short read is zero-filled, so page 3 reads as zeros and nothing fails
            byte[] zeroed = F20000.clone();
            java.util.Arrays.fill(zeroed, 3 * 4096, 4 * 4096, (byte) 0);
            Reading old = Reading.file("6.13", ErofsImages.read(chunk8k), new Faults(Map.of(devicePage, Faults.Kind.EIO)));
            assertThat(old.read(d.nid())).isEqualTo(new FileContent(sha256(zeroed, 20000), 20000, null, List.of()));
            assertThat(ErofsImages.linesAfterMount(old.live())).isEmpty();
        }

        @Test void aChunkOnAMissingDeviceIsEnodevWithTheReadaheadLine() {
            long nid = dump(blobbed, "/f20000", "--device=" + blob).nid();
            ImageEditor ed = ImageEditor.read(blobbed);
            ed.set(SuperblockField.EXTRA_DEVICES, 2); // mask 3; ids 1 and 2 exist (flat mode)
            long entry = ((ErofsImages.iloc(ed, nid) + 32 + 7) & ~7L) + 8L * 2;
            ed.write(entry + 2, new byte[] {3, 0});
            Reading r = Reading.file("6.18", ed.fixChecksum().bytes(), Faults.NONE);
            assertThat(r.live().sbi().deviceIdMask()).isEqualTo(3);
            FileContent c = r.read(nid);
            assertThat(c.errno()).isEqualTo(Errno.ENODEV);
            assertThat(c.okBytes()).isEqualTo(8192);
            assertThat(ErofsImages.linesAfterMount(r.live()))
                    .containsExactly("erofs (device erofs): readahead error at folio 2 @ nid " + nid);
        }

        @Test void fileioReadaheadLogsEveryFolioOfTheWindowWhoseMappingFails() {
            // [obs-6.18.44] addressing/twodev-fileio: a 9000-byte file whose chunks all name device 3
            // of a 2-device table logs "readahead error" for folios 0, 1 and 2, then read(2) fails
            long nid = dump(blobbed, "/f20000", "--device=" + blob).nid();
            ImageEditor ed = ImageEditor.read(blobbed);
            ed.set(SuperblockField.EXTRA_DEVICES, 2); // mask 3; ids 1 and 2 exist (flat mode)
            long first = (ErofsImages.iloc(ed, nid) + 32 + 7) & ~7L;
            for (int chunk = 0; chunk < 5; chunk++) {
                ed.write(first + 8L * chunk + 2, new byte[] {3, 0});
            }
            Reading r = Reading.file("6.18", ed.fixChecksum().bytes(), Faults.NONE);
            FileContent c = r.read(nid);
            assertThat(c.errno()).isEqualTo(Errno.ENODEV);
            assertThat(c.okBytes()).isZero();
            List<String> expected = new java.util.ArrayList<>();
            for (int folio = 0; folio < 5; folio++) {
                expected.add("erofs (device erofs): readahead error at folio " + folio + " @ nid " + nid);
            }
            assertThat(ErofsImages.linesAfterMount(r.live())).containsExactlyElementsOf(expected);
        }

        @Test void filemapReadRetriesAFailedFolioInTheNextReadCallAfterAShortRead() {
            // [obs-6.18.44] superblock/blkszbits10: an inline tail across blocks on page 2 of a file
            // logs its line three times: readahead, read_folio of the read(2) that returned pages 0-1,
            // read_folio of the next read(2), which returns the error
            ErofsImages.Dumped d = dump(inline, "/f9000");
            ImageEditor ed = ImageEditor.read(inline);
            ed.write(ErofsImages.iloc(ed, d.nid()) + 8, new byte[] {(byte) 0xA0, 0x2F, 0, 0}); // i_size 12192: tail 4000 bytes
            Reading r = Reading.file("6.18", ed.fixChecksum().bytes(), Faults.NONE);
            FileContent c = r.read(d.nid());
            assertThat(c).isEqualTo(new FileContent(sha256(F9000, 8192), 8192, Errno.EUCLEAN, List.of()));
            String line = "erofs (device erofs): inline data across blocks @ nid " + d.nid();
            assertThat(ErofsImages.linesAfterMount(r.live())).containsExactly(line,
                    "erofs (device erofs): readahead error at folio 2 @ nid " + d.nid(), line, line);
        }

        @Test void anInlineTailAcrossBlocksIsEucleanLoggedTwiceAroundTheReadaheadLine() {
            ErofsImages.Dumped d = dump(inline, "/small");
            ImageEditor ed = ImageEditor.read(inline);
            ed.write(ErofsImages.iloc(ed, d.nid()) + 8, new byte[] {(byte) 0xA0, 0x0F, 0, 0});
            Reading r = Reading.file("6.13", ed.fixChecksum().bytes(), Faults.NONE);
            assertThat(r.read(d.nid()).errno()).isEqualTo(Errno.EUCLEAN);
            String line = "erofs (device erofs): inline data across blocks @ nid " + d.nid();
            assertThat(ErofsImages.linesAfterMount(r.live())).containsExactly(line,
                    "erofs (device erofs): readahead error at folio 0 @ nid " + d.nid(), line);
        }

        @Test void aSecondReadOfAFailedPageGoesToReadFolioDirectly() {
            ErofsImages.Dumped d = dump(inline, "/small");
            ImageEditor ed = ImageEditor.read(inline);
            ed.write(ErofsImages.iloc(ed, d.nid()) + 8, new byte[] {(byte) 0xA0, 0x0F, 0, 0});
            Reading r = Reading.file("6.18", ed.fixChecksum().bytes(), Faults.NONE);
            r.read(d.nid());
            int before = ErofsImages.linesAfterMount(r.live()).size();
            assertThat(r.read(d.nid()).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(ErofsImages.linesAfterMount(r.live()).subList(before, ErofsImages.linesAfterMount(r.live()).size()))
                    .containsExactly("erofs (device erofs): inline data across blocks @ nid " + d.nid());
        }

        @Test void aSlowSymlinkPageThatFailsFailsReadlinkWithoutReadahead() {
            ErofsImages.Dumped d = dump(plain, "/slow");
            long devicePage = d.extents().get(0).physical() / 4096;
            Reading r = Reading.file("6.18", ErofsImages.read(plain), new Faults(Map.of(devicePage, Faults.Kind.EIO)));
            ErofsInode link = r.inode(d.nid());
            assertThatThrownBy(() -> r.reader().readLink(link)).isInstanceOfSatisfying(KernelError.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
        }
    }

    @Nested
    @DisplayName("compressed inodes (z_erofs_aops)")
    class Compressed {
        @Test void readMappingFolioReturnsTheDecompressionErrorItselfInBothModes() {
            byte[] img = ErofsImages.read(ZTrees.fixture("lz4.erofs"));
            ErofsInode probe = ZTrees.mount("6.18", img, false).inode(879);
            // text64k is one 4 KiB pcluster at block 7: zero it (all-zero 0padding block: EUCLEAN)
            byte[] bad = org.erofssim.ondisk.ImageEditor.of(img).write(28672, new byte[4096]).bytes();
            for (boolean bdev : List.of(false, true)) {
                ZTrees.Live live = ZTrees.mount("6.18", bad, bdev);
                DataReader r = new DataReader(live.sbi(), live.buf(), live.sblog());
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.readMappingFolio(probe, 3))
                        .isInstanceOfSatisfying(org.erofssim.kernel.KernelError.class,
                                e -> assertThat(e.errno()).isEqualTo(org.erofssim.kernel.Errno.EUCLEAN));
                assertThat(live.lines()).containsExactly((bdev ? "erofs (device loop0): " : "erofs (device erofs): ")
                        + "read error -117 @ 3 of nid 879");
            }
        }

        @Test void readPhysicalFailsPastTheBlockDeviceAndReadsTheFile() {
            byte[] img = ErofsImages.read(ZTrees.fixture("lz4.erofs"));
            ZTrees.Live bdev = ZTrees.mount("6.18", img, true);
            org.erofssim.read.PlainReader r = new org.erofssim.read.PlainReader(bdev.sbi(), bdev.buf(), bdev.sblog());
            assertThat(r.readPhysical(28672, 4096)).isEqualTo(java.util.Arrays.copyOfRange(img, 28672, 32768));
            assertThat(r.readPhysical(img.length, 4096)).isNull();
        }
    }
}
