package org.erofssim.zip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.erofssim.block.Faults;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.file.DataReader;
import org.erofssim.kernel.Errno;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.ondisk.ZMapHeader;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.UndefinedBytes;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ZReader} through the tree walk: what a full read of every compressed file, symlink and
 * directory gives. Expected contents come from the input trees mkfs.erofs 1.5 was given and
 * from {@code fsck.erofs --extract}; expected errors of damaged images from the kernel's
 * behaviour (read_folio returns the decompression error itself, EIO for I/O failures) as
 * 6.18.44 showed it for the same kinds of damage.
 */
@DisplayName("ZReader reads compressed inodes as z_erofs_aops do")
class ZReaderTest {
    @TempDir static Path tmp;
    static Path tree;
    static Map<String, ZTrees.Item> input;
    static final String P = "erofs (device erofs): ";

    @BeforeAll static void input() {
        ZTrees.require(ErofsUtils.MKFS);
        tree = ZTrees.standardTree(tmp.resolve("tree"));
        input = ZTrees.describe(tree);
    }

    @Nested
    @DisplayName("fixture images: the model reads what fsck.erofs --extract writes")
    class Fixtures {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"lz4.erofs", "lz4hc.erofs", "lz4-legacy.erofs", "lz4-fullidx.erofs",
            "lz4hc-pcluster.erofs", "ztailpacking.erofs"})
        void everyFile(String name) {
            ZTrees.require(ErofsUtils.FSCK);
            Path img = ZTrees.fixture(name);
            Map<String, ZTrees.Item> fsck = ZTrees.describe(ZTrees.fsckExtract(img, tmp.resolve("fx-" + name)));
            assertThat(fsck.get("/text64k").size()).as("fixtures/images/README.md: ztree").isEqualTo(65536);
            ZTrees.walksEqual(ErofsImages.read(img), fsck, name);
        }
    }

    @Nested
    @DisplayName("mkfs.erofs 1.5 images of a tree of text, noise, mixed and zero files")
    class Built {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"-zlz4", "-zlz4hc", "-zlz4 -Elegacy-compress", "-zlz4hc -C16384",
            "-zlz4hc -C65536 -Eztailpacking", "-zlz4 -Eztailpacking", "-zlz4hc -Elegacy-compress -Eztailpacking",
            "-zlz4 -C32768 -Elegacy-compress"})
        void modelEqualsTheTreeEqualsFsck(String recipe) {
            ZTrees.require(ErofsUtils.FSCK);
            Path img = ZTrees.mkfs(tmp.resolve("b" + recipe.hashCode() + ".erofs"), tree, recipe.split(" "));
            Map<String, ZTrees.Item> fsck = ZTrees.describe(ZTrees.fsckExtract(img, tmp.resolve("bx" + recipe.hashCode())));
            assertThat(fsck).as("fsck.erofs --extract of " + recipe).isEqualTo(input);
            ZTrees.walksEqual(ErofsImages.read(img), input, recipe);
        }

        @Test void aCompressedSymlinkReadsItsFirstPageUpToTheFirstNul() {
            Path dir = tmp.resolve("symtree");
            byte[] target = "target/".repeat(900).getBytes(StandardCharsets.US_ASCII); // 6300 bytes
            ErofsImages.write(dir.resolve("lnk"), target);
            Path img = ZTrees.mkfs(tmp.resolve("sym.erofs"), dir, "-zlz4");
            long nid = ZTrees.dumpExtents(img, "/lnk").getKey();
            byte[] bytes = ImageEditor.of(ErofsImages.read(img)).write(nid * 32 + 4, le16(0120777)).fixChecksum().bytes();
            for (String k : List.of("6.13", "6.18")) {
                TreeEntry e = byPath(ZTrees.walk(ErofsImages.fileMount(k, bytes, Faults.NONE, null, true))).get("/lnk");
                assertThat(e.type()).isEqualTo("symlink");
                // page_get_link: page 0 cut at min(i_size, PAGE_SIZE - 1)
                assertThat(e.target()).as(k).isEqualTo(new String(target, 0, 4095, StandardCharsets.US_ASCII));
            }
        }

        @Test void aCompressedDirectoryListsItsEntries() {
            // a directory's bytes stored as a compressed file, then its mode turned into a directory
            Path dir = tmp.resolve("dirtree");
            for (int i = 1; i <= 300; i++) {
                ErofsImages.write(dir.resolve(String.format("d/entry-%03d", i)), ("file " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            ErofsImages.write(dir.resolve("zzz"), new byte[0]);
            Path first = ZTrees.mkfs(tmp.resolve("dir1.erofs"), dir, "-zlz4");
            byte[] raw = directoryBytes(first, "/d");
            ErofsImages.write(dir.resolve("zzz"), raw); // same size: no nid moves
            Path img = ZTrees.mkfs(tmp.resolve("dir2.erofs"), dir, "-zlz4");
            long zzz = ZTrees.dumpExtents(img, "/zzz").getKey();
            assertThat(ZTrees.dumpExtents(img, "/d/entry-100").getKey()).isEqualTo(ZTrees.dumpExtents(first, "/d/entry-100").getKey());
            byte[] bytes = ImageEditor.of(ErofsImages.read(img)).write(zzz * 32 + 4, le16(040755)).fixChecksum().bytes();
            for (String k : List.of("6.13", "6.18")) {
                for (boolean bdev : List.of(false, true)) {
                    Map<String, TreeEntry> got = byPath(ZTrees.walk(bdev ? ErofsImages.bdevMount(k, bytes, Faults.NONE, null, true)
                            : ErofsImages.fileMount(k, bytes, Faults.NONE, null, true)));
                    assertThat(got.get("/zzz").type()).isEqualTo("dir");
                    assertThat(got.get("/zzz").readErrno()).isNull();
                    for (int i = 1; i <= 300; i++) {
                        String name = String.format("entry-%03d", i);
                        assertThat(got.get("/zzz/" + name)).as(k + " " + name).isNotNull();
                        assertThat(got.get("/zzz/" + name).sha256()).isEqualTo(input(dir, "d/" + name));
                    }
                }
            }
        }
    }

    /** The bytes of an uncompressed (FLAT_INLINE) directory of an image: its block and inline tail. */
    static byte[] directoryBytes(Path image, String path) {
        long nid = ZTrees.dumpExtents(image, path).getKey();
        ZTrees.Live live = ZTrees.mount("6.18", ErofsImages.read(image), false);
        ErofsInode d = live.inode(nid);
        DataReader r = new DataReader(live.sbi(), live.buf(), live.sblog());
        byte[] out = new byte[(int) d.size()];
        for (int i = 0; i * 4096 < out.length; i++) {
            byte[] page = r.readMappingFolio(d, i);
            System.arraycopy(page, 0, out, i * 4096, Math.min(4096, out.length - i * 4096));
        }
        return out;
    }

    static String input(Path dir, String rel) {
        return ErofsImages.sha256(ErofsImages.read(dir.resolve(rel)));
    }

    static byte[] le16(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array();
    }

    static Map<String, TreeEntry> byPath(List<TreeEntry> entries) {
        Map<String, TreeEntry> m = new TreeMap<>();
        entries.forEach(e -> m.put(e.path(), e));
        return m;
    }

    /** A 300000-byte text file alone, compressed with {@code recipe}: image, nid, extents. */
    record One(byte[] image, long nid, List<ZTrees.DumpExtent> extents, byte[] data) {}

    static One one(String name, String... recipe) {
        Path dir = tmp.resolve("one-" + name);
        byte[] data = ZTrees.text(300_000, 9);
        ErofsImages.write(dir.resolve("text"), data);
        Path img = ZTrees.mkfs(tmp.resolve(name + ".erofs"), dir, recipe);
        Map.Entry<Long, List<ZTrees.DumpExtent>> d = ZTrees.dumpExtents(img, "/text");
        return new One(ErofsImages.read(img), d.getKey(), d.getValue(), data);
    }

    static MountOutcome.Mounted mounted(Scenario sc) {
        MountOutcome o = MountModel.predict(sc);
        assertThat(o).as("log " + o.log()).isInstanceOf(MountOutcome.Mounted.class);
        return (MountOutcome.Mounted) o;
    }

    /** The walk's /text entry and the log of a damaged image, for one kernel and mode. */
    static Map.Entry<TreeEntry, List<String>> read(String kernel, boolean bdev, byte[] image, Faults faults) {
        MountOutcome.Mounted m = mounted(bdev ? ErofsImages.bdevMount(kernel, image, faults, null, true)
                : ErofsImages.fileMount(kernel, image, faults, null, true));
        return Map.entry(byPath(m.tree()).get("/text"), m.log().subList(1, m.log().size()));
    }

    @Nested
    @DisplayName("damaged images")
    class Damage {
        /** The first byte of the LZ4 stream of a 0padding pcluster (after its zeros). */
        int streamStart(byte[] image, ZTrees.DumpExtent e) {
            int at = (int) e.physical();
            while (image[at] == 0) {
                at++;
            }
            return at;
        }

        @Test void aStreamDamagedAtItsStartFailsFromTheFirstPageItTouches() {
            One o = one("start", "-zlz4");
            ZTrees.DumpExtent e = o.extents().get(2);
            // the first sequence: no literals, then a match 65535 bytes before the output's start
            byte[] bad = ImageEditor.of(o.image()).write(streamStart(o.image(), e), new byte[] {0, (byte) 0xFF, (byte) 0xFF})
                    .bytes();
            long page = e.logical() / 4096;
            // 6.13 in order-0 folios: with COMPRESSED_LARGE_FOLIOS its cold readahead builds order-2
            // folios, whose scans start at other positions (the subject here is the pages before the damage)
            for (String k : List.of("6.13 -COMPRESSED_LARGE_FOLIOS", "6.18")) {
                for (boolean bdev : List.of(false, true)) {
                    Map.Entry<TreeEntry, List<String>> r = read(k, bdev, bad, Faults.NONE);
                    String as = k + (bdev ? " bdev" : " fileio");
                    assertThat(r.getKey().readErrno()).as(as).isEqualTo("EUCLEAN");
                    assertThat(r.getKey().readOkBytes()).as(as).isEqualTo(page * 4096);
                    assertThat(r.getKey().sha256()).isEqualTo(ErofsImages.sha256(o.data(), (int) (page * 4096)));
                    String dev = bdev ? "erofs (device loop0): " : P;
                    // readahead decodes the whole extent, read_folio the part up to the page's end; the
                    // pages before it were read in the same read(2) call, so the next call starts at
                    // the failing page and runs its read_folio again (2 more lines, as on 6.18.44);
                    // 6.13 has no 35224da7e30b (6.18-rc1): the first call reads that folio twice
                    int readFolios = k.startsWith("6.13") ? 3 : 2;
                    assertThat(r.getValue()).as(as).hasSize(1 + 2 * readFolios);
                    for (int i = 1; i < readFolios; i++) {
                        assertThat(r.getValue().subList(1 + 2 * i, 3 + 2 * i)).as(as).isEqualTo(r.getValue().subList(1, 3));
                    }
                    assertThat(r.getValue().get(0)).matches(java.util.regex.Pattern.quote(dev)
                            + "failed to decompress -\\d+ in\\[\\d+, \\d+\\] out\\[" + e.length() + "\\]");
                    assertThat(r.getValue().get(1)).matches(java.util.regex.Pattern.quote(dev)
                            + "failed to decompress -\\d+ in\\[\\d+, \\d+\\] out\\[" + ((page + 1) * 4096 - e.logical()) + "\\]");
                    assertThat(r.getValue().get(2)).isEqualTo(dev + "read error -117 @ " + page + " of nid " + o.nid());
                }
            }
        }

        @Test void aStreamDamagedNearItsEndStillGivesThePagesBeforeTheDamage() {
            One o = one("end", "-zlz4");
            ZTrees.DumpExtent e = o.extents().get(2);
            long pcEnd = e.physical() + e.plen();
            byte[] bad = ImageEditor.of(o.image()).write(pcEnd - 40, filled(16, 0xFF)).bytes();
            Map.Entry<TreeEntry, List<String>> r = read("6.18", false, bad, Faults.NONE);
            assertThat(r.getKey().readErrno()).isEqualTo("EUCLEAN");
            assertThat(r.getKey().readOkBytes()).isGreaterThan(e.logical() / 4096 * 4096 + 4096)
                    .isLessThan(e.logical() + e.length());
            assertThat(r.getKey().sha256()).isEqualTo(ErofsImages.sha256(o.data(), (int) r.getKey().readOkBytes()));
        }

        @Test void anAllZeroPclusterIsEucleanWithOnlyTheReadErrorLine() {
            One o = one("zero", "-zlz4");
            ZTrees.DumpExtent e = o.extents().get(1);
            byte[] bad = ImageEditor.of(o.image()).write(e.physical(), new byte[(int) e.plen()]).bytes();
            Map.Entry<TreeEntry, List<String>> r = read("6.18", false, bad, Faults.NONE);
            assertThat(r.getKey().readErrno()).isEqualTo("EUCLEAN");
            assertThat(r.getKey().readOkBytes()).isEqualTo(e.logical() / 4096 * 4096);
            // once from the read(2) call that returned the pages before it, once from the next call
            String line = P + "read error -117 @ " + e.logical() / 4096 + " of nid " + o.nid();
            assertThat(r.getValue()).containsExactly(line, line);
        }

        @Test void aPclusterPastTheEndOfTheBlockDeviceIsEio() {
            One o = one("trunc", "-zlz4");
            ZTrees.DumpExtent last = o.extents().get(o.extents().size() - 1);
            byte[] cut = Arrays.copyOf(o.image(), (int) last.physical());
            long page = last.logical() / 4096;
            for (String k : List.of("6.13", "6.18")) {
                Map.Entry<TreeEntry, List<String>> r = read(k, true, cut, Faults.NONE);
                assertThat(r.getKey().readErrno()).as(k).isEqualTo("EIO");
                assertThat(r.getKey().readOkBytes()).as(k).isEqualTo(page * 4096);
                String line = "erofs (device loop0): read error -5 @ " + page + " of nid " + o.nid();
                assertThat(r.getValue()).as(k).containsExactly(line, line); // this read(2) call and the next
            }
        }

        @Test void anEioPageUnderAPclusterIsEioInFileioMode() {
            One o = one("eio", "-zlz4");
            ZTrees.DumpExtent e = o.extents().get(3);
            Faults f = new Faults(Map.of(e.physical() / 4096, Faults.Kind.EIO));
            Map.Entry<TreeEntry, List<String>> r = read("6.18", false, o.image(), f);
            assertThat(r.getKey().readErrno()).isEqualTo("EIO");
            assertThat(r.getKey().readOkBytes()).isEqualTo(e.logical() / 4096 * 4096);
        }

        @Test void aShortBackingFileIsEioAt618AndZeroFilledAt613() {
            One o = one("short", "-zlz4");
            ZTrees.DumpExtent last = o.extents().get(o.extents().size() - 1);
            byte[] cut = Arrays.copyOf(o.image(), (int) (last.physical() + 100));
            long page = last.logical() / 4096;
            Map.Entry<TreeEntry, List<String>> r18 = read("6.18", false, cut, Faults.NONE);
            assertThat(r18.getKey().readErrno()).isEqualTo("EIO");
            assertThat(r18.getKey().readOkBytes()).isEqualTo(page * 4096);
            Map.Entry<TreeEntry, List<String>> r13 = read("6.13", false, cut, Faults.NONE);
            assertThat(r13.getKey().readErrno()).isNotEqualTo("EIO");
        }

        /**
         * 6.13's erofs_fileio_ki_complete (fs/erofs/fileio.c at 6422cde1b0d5): a read that
         * returns fewer bytes than the request advances the bio by them and zero-fills the rest
         * ({@code zero_fill_bio}), then completes without an error; z_erofs_submit_queue puts
         * the window's pclusters that follow each other on the device into one request. So the
         * last pcluster, cut inside its 0padding, is all zeros: z_erofs_fixup_insize finds no
         * stream and fails the decode with EFSCORRUPTED without a log line, and the managed
         * cache keeps the zeros (uptodate: no error was set), so both read_folio calls of the
         * walk (the one that ends the first read(2) short and the next one) fail the same way
         * and log only {@code read error -117}. 6.18.44 fails the short request with EIO.
         */
        @Test void a613FileBackedShortReadZeroFillsTheRestOfItsRequest() {
            One o = one("short613", "-zlz4");
            ZTrees.DumpExtent last = o.extents().get(o.extents().size() - 1);
            int start = (int) last.physical();
            while (o.image()[start] == 0) {
                start++;
            }
            assertThat(start).as("the last pcluster has 0padding").isGreaterThan((int) last.physical() + 100);
            byte[] cut = Arrays.copyOf(o.image(), (int) (last.physical() + 100));
            Map.Entry<TreeEntry, List<String>> r13 = read("6.13", false, cut, Faults.NONE);
            TreeEntry e = r13.getKey();
            assertThat(e.readErrno()).isEqualTo("EUCLEAN");
            assertThat(e.readOkBytes() % 4096).isZero();
            assertThat(e.readOkBytes()).isLessThanOrEqualTo(last.logical()).isGreaterThan(last.logical() - 128 * 1024);
            String line = P + "read error -117 @ " + e.readOkBytes() / 4096 + " of nid " + o.nid();
            assertThat(r13.getValue()).containsExactly(line, line);
            Map.Entry<TreeEntry, List<String>> r18 = read("6.18", false, cut, Faults.NONE);
            assertThat(r18.getKey().readErrno()).isEqualTo("EIO");
        }

        /**
         * The same completion when the request starts at the backing file's end: the read
         * returns 0, nothing is zero-filled and no error is set, so 6.13 decompresses the
         * pages' old contents. /text64k of lz4.erofs is one pcluster (block 7) alone in its
         * request; the image cut at its start leaves nothing of it. The model says it cannot
         * know the result (not modelled), never inventing it; 6.18.44 reads EIO.
         */
        @Test void a613FileBackedRequestAtTheEndOfTheFileLeavesThePagesAsTheyWere() {
            byte[] img = Arrays.copyOf(ErofsImages.read(ZTrees.fixture("lz4.erofs")), 7 * 4096);
            TreeEntry e13 = byPath(ZTrees.walk(ErofsImages.fileMount("6.13", img, Faults.NONE, null, true))).get("/text64k");
            assertThat(e13.sha256()).isNull();
            assertThat(e13.notes()).anySatisfy(n -> assertThat(n).startsWith("not modelled: the file-backed read of the pcluster"));
            TreeEntry e18 = byPath(ZTrees.walk(ErofsImages.fileMount("6.18", img, Faults.NONE, null, true))).get("/text64k");
            assertThat(e18.readErrno()).isEqualTo("EIO");
        }

        /**
         * An inline (ztailpacking) pcluster has the metadata page as its compressed page
         * (z_erofs_pcluster_begin stores it in compressed_bvecs[0]), so no page of the file is
         * used in place and z_erofs_lz4_handle_overlap does not copy the data aside: the margin
         * printed is the stream's offset in that page (after 0padding's zeros), not 0
         * [a live property case on 6.18.44 printed {@code in[2576, 208]}].
         */
        @Test void aDamagedInlinePclusterPrintsItsOffsetInTheMetadataPage() {
            byte[] img = ErofsImages.read(ZTrees.fixture("ztailpacking.erofs"));
            ZTrees.DumpExtent e = ZTrees.dumpExtents(ZTrees.fixture("ztailpacking.erofs"), "/text64k").getValue().get(0);
            int start = (int) e.physical();
            while (img[start] == 0) {
                start++;
            }
            byte[] ff = new byte[8];
            Arrays.fill(ff, (byte) 0xFF);
            byte[] bad = ImageEditor.of(img).write(start + 1, ff).bytes();
            TreeEntry t = byPath(ZTrees.walk(ErofsImages.fileMount("6.18", bad, Faults.NONE, null, true))).get("/text64k");
            assertThat(t.readErrno()).isEqualTo("EUCLEAN");
            MountOutcome.Mounted m = mounted(ErofsImages.fileMount("6.18", bad, Faults.NONE, null, true));
            String want = java.util.regex.Pattern.quote(P) + "failed to decompress -\\d+ in\\["
                    + (e.physical() + e.plen() - start) + ", " + (start % 4096) + "\\] out\\[\\d+\\]";
            assertThat(m.log()).anySatisfy(l -> assertThat(l).matches(want));
        }

        @Test void anLz4StreamMarkedLzmaIsEuclean() {
            // lz4hc-pcluster.erofs has COMPR_CFGS: list LZMA too (its 16-byte record, dict_size 64 KiB,
            // fits before the root inode at 1184) and make /text64k's HEAD1 algorithm LZMA. The LZ4
            // stream is no MicroLZMA stream: xz_dec_microlzma_run fails (XZ_DATA_ERROR), EFSCORRUPTED.
            byte[] img = ErofsImages.read(ZTrees.fixture("lz4hc-pcluster.erofs"));
            ImageEditor ed = ImageEditor.of(img).set(SuperblockField.U1, 0x3);
            ed.write(1168, le16(14)).write(1170, new byte[] {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            ErofsInode text = ZTrees.mount("6.18", img, false).inode(879);
            ed.write(ZTrees.header(text) + ZMapHeader.OFF_ALGORITHMTYPE, new byte[] {1});
            byte[] bytes = ed.fixChecksum().bytes();
            for (String k : List.of("6.13", "6.18")) {
                TreeEntry e = byPath(ZTrees.walk(ErofsImages.fileMount(k, bytes, Faults.NONE, null, true))).get("/text64k");
                assertThat(e.readErrno()).as(k).isEqualTo("EUCLEAN");
                assertThat(e.readOkBytes()).as(k).isZero();
                assertThat(e.notes()).as(k).isEmpty();
            }
        }

        @Test void randomDamageNeverThrowsNorHangs() {
            One o = one("fuzz", "-zlz4hc", "-C16384", "-Eztailpacking");
            Random r = new Random(17);
            Assertions.assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
                for (int round = 0; round < 60; round++) {
                    ImageEditor ed = ImageEditor.of(o.image());
                    for (int k = 0; k < 1 + r.nextInt(8); k++) {
                        // metadata (inode, map header, indexes) most of the time, data otherwise
                        long at = r.nextInt(3) > 0 ? o.nid() * 32 + r.nextInt(200) : 4096 + r.nextInt(o.image().length - 4096);
                        ed.write(at, new byte[] {(byte) r.nextInt(256)});
                    }
                    byte[] bad = ed.fixChecksum().bytes();
                    for (String k : List.of("6.13", "6.18")) {
                        MountOutcome out = MountModel.predict(ErofsImages.fileMount(k, bad, Faults.NONE, null, true));
                        assertThat(out).isInstanceOf(MountOutcome.Mounted.class);
                    }
                }
            });
        }
    }

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    /**
     * Pclusters whose LZ4 stream has a match of offset 0, which the kernel's decoder accepts
     * ({@link Lz4Block}). /text64k of lz4.erofs is one pcluster (block 7, `dump.erofs -e`) and
     * the file's last extent: its map never says FULL_MAPPED (no later head), so the kernel
     * decodes it with LZ4_decompress_safe_partial. Expected values follow from the decoder's
     * writes (see Lz4BlockTest.OffsetZero); 6.18.44 read these images the same way
     * (docs/findings/lz4-undefined-bytes.md).
     */
    @Nested
    @DisplayName("an LZ4 match of offset 0")
    class OffsetZero {
        final byte[] end = "END!\n".getBytes(StandardCharsets.US_ASCII);

        byte[] text64k(List<org.erofssim.ondisk.Lz4Sequence> seqs) {
            Path img = ZTrees.fixture("lz4.erofs");
            List<ZTrees.DumpExtent> ext = ZTrees.dumpExtents(img, "/text64k").getValue();
            assertThat(ext).hasSize(1);
            byte[] stream = org.erofssim.ondisk.Lz4Sequence.encode(seqs);
            byte[] pcluster = new byte[4096];
            System.arraycopy(stream, 0, pcluster, 4096 - stream.length, stream.length); // 0padding: zeros first
            return ImageEditor.of(ErofsImages.read(img)).write(ext.get(0).physical(), pcluster).bytes();
        }

        TreeEntry read(String kernel, boolean bdev, byte[] image) {
            return byPath(ZTrees.walk(bdev ? ErofsImages.bdevMount(kernel, image, Faults.NONE, null, true)
                    : ErofsImages.fileMount(kernel, image, Faults.NONE, null, true))).get("/text64k");
        }

        @Test void nearTheEndOfAPartialDecodeTheFileReadsWithoutErrorAndItsHashIsUnknown() {
            byte[] img = text64k(List.of(new org.erofssim.ondisk.Lz4Sequence(new byte[] {'X'}, 0, 65_530),
                    org.erofssim.ondisk.Lz4Sequence.last(end)));
            for (String k : List.of("6.13", "6.18")) {
                for (boolean bdev : List.of(false, true)) {
                    TreeEntry e = read(k, bdev, img);
                    String as = k + (bdev ? " bdev" : " fileio");
                    assertThat(e.readErrno()).as(as).isNull();
                    assertThat(e.readOkBytes()).as(as).isEqualTo(65_536);
                    assertThat(e.sha256()).as(as).isNull();
                    // bytes 0..15: the shortcut's 16-byte literal copy; 16..65530: the match onto itself
                    assertThat(e.notes()).as(as).containsExactly(UndefinedBytes.NOTE_PREFIX + "65515 of the bytes read,"
                            + " between offsets 16 and 65530, are the page cache's old contents (" + UndefinedBytes.CAUSE
                            + "); hash unknown");
                }
            }
        }

        @Test void farFromTheEndItRepeatsWhatTheLiteralCopyLeftAndTheHashIsKnown() {
            byte[] img = text64k(List.of(new org.erofssim.ondisk.Lz4Sequence(new byte[] {'X'}, 0, 8),
                    new org.erofssim.ondisk.Lz4Sequence(new byte[] {'Y'}, 1, 65_521), org.erofssim.ondisk.Lz4Sequence.last(end)));
            byte[] want = new byte[65_536];
            want[0] = 'X';
            // stream bytes 2..5 (offset 00 00, the next token 1F, 'Y'), copied twice
            System.arraycopy(new byte[] {0, 0, 0x1F, 'Y', 0, 0, 0x1F, 'Y'}, 0, want, 1, 8);
            Arrays.fill(want, 9, 65_531, (byte) 'Y');
            System.arraycopy(end, 0, want, 65_531, 5);
            for (String k : List.of("6.13", "6.18")) {
                for (boolean bdev : List.of(false, true)) {
                    TreeEntry e = read(k, bdev, img);
                    assertThat(e.readErrno()).isNull();
                    assertThat(e.notes()).isEmpty();
                    // 6.18.44 returned this hash in four reads (file-backed and loop, two mounts each)
                    assertThat(e.sha256()).as(k).isEqualTo(ErofsImages.sha256(want))
                            .isEqualTo("be5c6f88efcc67c8d20325b24ab49187052ea25ee7328aad69e1e0a6d661bb3e");
                }
            }
        }

        @Test void inAFullDecodeTheMatchIsZeros() {
            // extent 0 of /text ends inside lcluster 2 at the next pcluster's head: FULL_MAPPED,
            // and a 128 KiB read covers it whole, so the kernel calls LZ4_decompress_safe
            One o = one("offset0-full", "-zlz4");
            ZTrees.DumpExtent e0 = o.extents().get(0);
            assertThat(e0.logical()).isZero();
            assertThat(e0.length() % 4096).as("ends inside an lcluster").isNotZero();
            int n = (int) e0.length();
            byte[] stream = org.erofssim.ondisk.Lz4Sequence.encode(List.of(
                    new org.erofssim.ondisk.Lz4Sequence(new byte[] {'X'}, 0, 8),
                    new org.erofssim.ondisk.Lz4Sequence(new byte[] {'Y'}, 1, n - 15), org.erofssim.ondisk.Lz4Sequence.last(end)));
            byte[] pcluster = new byte[(int) e0.plen()];
            System.arraycopy(stream, 0, pcluster, pcluster.length - stream.length, stream.length);
            byte[] img = ImageEditor.of(o.image()).write(e0.physical(), pcluster).bytes();
            byte[] want = o.data().clone();
            want[0] = 'X';
            Arrays.fill(want, 1, 9, (byte) 0);
            Arrays.fill(want, 9, n - 5, (byte) 'Y');
            System.arraycopy(end, 0, want, n - 5, 5);
            for (boolean bdev : List.of(false, true)) {
                Map.Entry<TreeEntry, List<String>> r = ZReaderTest.read("6.18", bdev, img, Faults.NONE);
                assertThat(r.getKey().readErrno()).isNull();
                assertThat(r.getKey().notes()).isEmpty();
                assertThat(r.getKey().sha256()).isEqualTo(ErofsImages.sha256(want));
                assertThat(r.getValue()).isEmpty();
            }
        }
    }
}
