package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.block.ImageBytes;
import org.erofssim.contract.MountOutcome;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelLog;
import org.erofssim.kernel.Releases;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.InodeRecord;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.ondisk.XattrLongPrefix;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.Scenarios;
import org.erofssim.testing.TestImages;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code erofs_xattr_prefixes_init} at mount: tables written by hand after the end of a
 * mkfs.erofs image (or into a file's data for the packed inode), each expected record being the
 * bytes the test wrote. Failures follow the kernel source and the 6.18.44 observations
 * recorded in {@code fixtures/recorded} (scenarios {@code xattr-prefixes/*}): EUCLEAN, no line.
 */
@DisplayName("erofs_xattr_prefixes_init")
class XattrPrefixesTest {
    static byte[] plain;
    /** The nid of /d/b.bin (5000 bytes) per dump.erofs, and the block of its first 4096 bytes. */
    static long binNid;
    static long binBlock;
    static final int BS = 4096;
    static final XattrLongPrefix USER_LONG = new XattrLongPrefix(1, ascii("long."));
    static final XattrLongPrefix TRUSTED_OVL = new XattrLongPrefix(4, ascii("overlay."));
    static final XattrLongPrefix SECURITY_EMPTY = new XattrLongPrefix(6, new byte[0]);

    @BeforeAll
    static void image() throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.MKFS) && ErofsUtils.require(ErofsUtils.DUMP));
        plain = Files.readAllBytes(TestImages.plain());
        ErofsUtils.Run run = ErofsUtils.run(ErofsUtils.DUMP, List.of("--path=/d/b.bin",
                TestImages.plain().toAbsolutePath().toString()), 60);
        Matcher m = Pattern.compile("NID: (\\d+)").matcher(run.stdout());
        assertThat(m.find()).as("dump.erofs --path=/d/b.bin: %s", run.stdout()).isTrue();
        binNid = Long.parseLong(m.group(1));
        ImageEditor ed = ImageEditor.of(plain);
        InodeRecord ino = InodeRecord.decode(ed.buffer(), (int) (ed.get(SuperblockField.META_BLKADDR) * BS + binNid * 32));
        binBlock = ino.iu(); // FLAT_PLAIN/FLAT_INLINE: i_u is the first data block
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The image with {@code table} in a block appended at its end, start = that block's byte / 4. */
    static ImageEditor appended(byte[] table, int count) {
        int end = plain.length;
        ImageEditor e = ImageEditor.of(plain).ensureSize(end + BS).write(end, table);
        return e.set(SuperblockField.FEATURE_INCOMPAT, e.get(SuperblockField.FEATURE_INCOMPAT)
                        | FeatureIncompat.XATTR_PREFIXES.bit())
                .set(SuperblockField.XATTR_PREFIX_COUNT, count).set(SuperblockField.XATTR_PREFIX_START, end / 4);
    }

    static MountModel.LiveMount mount(String kernel, ImageEditor e, boolean bdev, UnaryOperator<Scenarios> more) {
        byte[] img = e.fixChecksum().bytes();
        Scenarios s = bdev ? Scenarios.on(kernel).bdev("/dev/loop0", img, "7:0", true, 512)
                : Scenarios.on(kernel).file("/a", img);
        return MountModel.mountLive(more.apply(s).mount(bdev ? "/dev/loop0" : "/a", null));
    }

    static MountModel.LiveMount mount(ImageEditor e) {
        return mount("6.18", e, false, s -> s);
    }

    static void failsSilently(MountModel.LiveMount m, Errno errno) {
        assertThat(m.outcome()).isInstanceOfSatisfying(MountOutcome.Failed.class,
                f -> assertThat(f.errno()).isEqualTo(errno));
        assertThat(m.outcome().log()).isEmpty();
    }

    @Nested
    @DisplayName("a well-formed table")
    class Good {
        @Test
        @DisplayName("is loaded record by record, each at the next 4-byte boundary")
        void loaded() {
            MountModel.LiveMount m = mount(appended(XattrLongPrefix.table(USER_LONG, TRUSTED_OVL, SECURITY_EMPTY), 3));
            assertThat(m.outcome()).isInstanceOf(MountOutcome.Mounted.class);
            assertThat(m.sbi().xattrPrefixes()).containsExactly(USER_LONG, TRUSTED_OVL, SECURITY_EMPTY);
            assertThat(m.sbi().xattrPrefixesUnknown()).isNull();
            assertThat(m.outcome().notes()).noneMatch(n -> n.contains("prefix"));
        }

        @Test
        @DisplayName("a count of 0 loads nothing, whatever follows")
        void countZero() {
            MountModel.LiveMount m = mount(appended(XattrLongPrefix.stored(0, new byte[0]), 0));
            assertThat(m.outcome()).isInstanceOf(MountOutcome.Mounted.class);
            assertThat(m.sbi().xattrPrefixes()).isEmpty();
        }

        @Test
        @DisplayName("a count without INCOMPAT_XATTR_PREFIXES is loaded all the same (the bit is never read)")
        void featureBitIgnored() {
            ImageEditor e = appended(XattrLongPrefix.table(USER_LONG), 1);
            e.set(SuperblockField.FEATURE_INCOMPAT, e.get(SuperblockField.FEATURE_INCOMPAT) & ~FeatureIncompat.XATTR_PREFIXES.bit());
            assertThat(mount(e).sbi().xattrPrefixes()).containsExactly(USER_LONG);
        }

        @Test
        @DisplayName("the longest accepted record: 255 infix bytes (length 256)")
        void longest() {
            XattrLongPrefix max = new XattrLongPrefix(1, "a".repeat(255).getBytes(StandardCharsets.US_ASCII));
            assertThat(mount(appended(max.encode(), 1)).sbi().xattrPrefixes()).containsExactly(max);
        }

        @Test
        @DisplayName("base indexes are not checked at mount (0, 5, 0x81 load)")
        void anyBaseIndex() {
            List<XattrLongPrefix> odd = List.of(new XattrLongPrefix(0, ascii("y.")), new XattrLongPrefix(5, ascii("x.")),
                    new XattrLongPrefix(0x81, ascii("w.")));
            assertThat(mount(appended(XattrLongPrefix.table(odd.toArray(XattrLongPrefix[]::new)), 3)).sbi()
                    .xattrPrefixes()).containsExactlyElementsOf(odd);
        }

        @Test
        @DisplayName("without CONFIG_EROFS_FS_XATTR nothing is read, so even a corrupt table mounts")
        void noXattrConfig() {
            ImageEditor e = appended(XattrLongPrefix.stored(300, new byte[300]), 1);
            MountModel.LiveMount m = mount("6.18", e, false, s -> s.config(ConfigFlag.EROFS_FS_XATTR, false));
            assertThat(m.outcome()).isInstanceOf(MountOutcome.Mounted.class);
            assertThat(m.sbi().xattrPrefixCount()).isZero();
        }
    }

    @Nested
    @DisplayName("a bad table fails the mount with EUCLEAN and no line, in both modes")
    class Bad {
        @Test
        @DisplayName("a stored length of 0 (65536 bytes)")
        void zeroLength() {
            failsSilently(mount(appended(XattrLongPrefix.stored(0, new byte[0]), 1)), Errno.EUCLEAN);
            failsSilently(mount("6.18", appended(XattrLongPrefix.stored(0, new byte[0]), 1), true, s -> s), Errno.EUCLEAN);
        }

        @Test
        @DisplayName("a length of 257 (one byte over EROFS_NAME_LEN + 1)")
        void overLong() {
            byte[] body = new byte[257];
            body[0] = 1;
            failsSilently(mount(appended(XattrLongPrefix.stored(257, body), 1)), Errno.EUCLEAN);
        }

        @Test
        @DisplayName("the second of two records bad: the first one does not save the mount")
        void secondRecordBad() {
            byte[] t = XattrLongPrefix.table(USER_LONG);
            byte[] both = new byte[t.length + 4];
            System.arraycopy(t, 0, both, 0, t.length); // then a zero length field
            failsSilently(mount(appended(both, 2)), Errno.EUCLEAN);
        }

        @Test
        @DisplayName("a table past the end of the device reads zeros: a zero length")
        void pastTheEnd() {
            ImageEditor e = ImageEditor.of(plain).set(SuperblockField.XATTR_PREFIX_COUNT, 1)
                    .set(SuperblockField.XATTR_PREFIX_START, 100L * 1024 * 1024 / 4);
            failsSilently(mount(e), Errno.EUCLEAN);
            failsSilently(mount("6.18", ImageEditor.of(e.bytes()), true, s -> s), Errno.EUCLEAN);
        }
    }

    @Nested
    @DisplayName("where the table is read from")
    class Placement {
        /** FRAGMENTS with /d/b.bin as the packed inode; "packed." at its data byte 256, "meta." at image byte 256. */
        ImageEditor packed(boolean plainPfx) {
            ImageEditor e = ImageEditor.of(plain);
            e.write(256, XattrLongPrefix.table(new XattrLongPrefix(1, ascii("meta."))));
            e.write(binBlock * BS + 256, XattrLongPrefix.table(new XattrLongPrefix(1, ascii("packed."))));
            e.set(SuperblockField.FEATURE_INCOMPAT, e.get(SuperblockField.FEATURE_INCOMPAT)
                    | FeatureIncompat.FRAGMENTS.bit() | FeatureIncompat.XATTR_PREFIXES.bit());
            if (plainPfx) {
                e.set(SuperblockField.FEATURE_COMPAT, e.get(SuperblockField.FEATURE_COMPAT) | FeatureCompat.PLAIN_XATTR_PFX.bit());
            }
            return e.set(SuperblockField.PACKED_NID, binNid).set(SuperblockField.XATTR_PREFIX_COUNT, 1)
                    .set(SuperblockField.XATTR_PREFIX_START, 256 / 4);
        }

        @Test
        @DisplayName("the packed inode's data when there is one, through its own read path, in both modes")
        void packedInode() {
            for (boolean bdev : new boolean[] {false, true}) {
                assertThat(mount("6.18", packed(false), bdev, s -> s).sbi().xattrPrefixes())
                        .containsExactly(new XattrLongPrefix(1, ascii("packed.")));
            }
        }

        @Test
        @DisplayName("PLAIN_XATTR_PFX keeps it in the metadata area on 6.18 (the placement fix), not on 6.13")
        void plainCompatBit() {
            assertThat(mount("6.18", packed(true), false, s -> s).sbi().xattrPrefixes())
                    .containsExactly(new XattrLongPrefix(1, ascii("meta.")));
            assertThat(mount("6.13", packed(true), false, s -> s).sbi().xattrPrefixes())
                    .containsExactly(new XattrLongPrefix(1, ascii("packed.")));
        }

        @Test
        @DisplayName("1fcf686def19 erofs: fix long xattr name prefix placement")
        void c1fcf686def19() {
            // with PLAIN_XATTR_PFX the fix reads the table from the metadata area, before it from the packed inode
            assertThat(mount("6.18", packed(true), false, s -> s).sbi().xattrPrefixes())
                    .containsExactly(new XattrLongPrefix(1, ascii("meta.")));
            assertThat(mount("6.18 -XATTR_PREFIX_PLACEMENT", packed(true), false, s -> s).sbi().xattrPrefixes())
                    .containsExactly(new XattrLongPrefix(1, ascii("packed.")));
        }

        @Test
        @DisplayName("a packed inode whose data block lies past the device: its read error (EIO) fails the mount")
        void packedReadError() {
            ImageEditor e = packed(false);
            int iloc = (int) (e.get(SuperblockField.META_BLKADDR) * BS + binNid * 32);
            e.write(iloc + 16, new byte[] {(byte) 0xE8, 0x03, 0, 0}); // i_u = block 1000
            for (boolean bdev : new boolean[] {false, true}) {
                MountModel.LiveMount m = mount("6.18", ImageEditor.of(e.bytes()), bdev, s -> s);
                assertThat(m.outcome()).isInstanceOfSatisfying(MountOutcome.Failed.class,
                        f -> assertThat(f.errno()).isEqualTo(Errno.EIO));
            }
        }

        @Test
        @DisplayName("with METABOX the table is in the metabox inode: not modelled, a note, nothing loaded")
        void metaboxNotModelled() {
            byte[] img = appended(XattrLongPrefix.table(USER_LONG), 1).bytes();
            SbInfo sbi = SbInfo.withDevices(new KernelConfig(Releases.resolve("6.18").profile(), Map.of()), 12,
                    false, ImageBytes.of(img), List.of());
            sbi.featureIncompat = FeatureIncompat.METABOX.bit();
            sbi.metaboxNid = 99;
            sbi.xattrPrefixCount = 1;
            sbi.xattrPrefixStart = plain.length / 4;
            List<String> notes = new ArrayList<>();
            XattrPrefixes.init(sbi, new MetaBuf(sbi), new SbLog(new KernelLog(), sbi.kernel(), "erofs"), notes);
            assertThat(sbi.xattrPrefixes()).isEmpty();
            assertThat(sbi.xattrPrefixesUnknown()).contains("metabox inode (nid 99)");
            assertThat(notes).singleElement().asString().startsWith("not modelled: ");
            sbi.featureCompat = FeatureCompat.PLAIN_XATTR_PFX.bit(); // plain: the metadata area after all
            XattrPrefixes.init(sbi, new MetaBuf(sbi), new SbLog(new KernelLog(), sbi.kernel(), "erofs"), notes);
            assertThat(sbi.xattrPrefixes()).containsExactly(USER_LONG);
            assertThat(sbi.xattrPrefixesUnknown()).isNull();
        }
    }

    @Nested
    @DisplayName("what Xattrs makes of the table")
    class Names {
        @Test
        @DisplayName("an entry of a table the model could not load is left out with a note (set by hand here:"
                + " real ones come from metabox images)")
        void unknownTableLeavesTheEntryOut() throws IOException {
            assumeTrue(ErofsUtils.require(ErofsUtils.DUMP));
            byte[] img = Files.readAllBytes(TestImages.userXattr());
            ErofsUtils.Run run = ErofsUtils.run(ErofsUtils.DUMP, List.of("--path=/a.txt",
                    TestImages.userXattr().toAbsolutePath().toString()), 60);
            Matcher m = Pattern.compile("NID: (\\d+)").matcher(run.stdout());
            assertThat(m.find()).isTrue();
            long nid = Long.parseLong(m.group(1));
            ImageEditor e = ImageEditor.of(img);
            int iloc = (int) (e.get(SuperblockField.META_BLKADDR) * BS + nid * 32);
            InodeRecord ino = InodeRecord.decode(e.buffer(), iloc);
            int entry = iloc + ino.isize() + 12 + 4 * (e.buffer().get(iloc + ino.isize() + 4) & 0xFF);
            assertThat(e.buffer().get(entry + 1)).as("user.k has index 1").isEqualTo((byte) 1);
            e.write(entry + 1, new byte[] {(byte) 0x80});
            MountModel.LiveMount live = MountModel.mountLive(Scenarios.on("6.18").file("/a",
                    e.set(SuperblockField.XATTR_PREFIX_COUNT, 1).set(SuperblockField.XATTR_PREFIX_START, 256 / 4)
                            .write(256, XattrLongPrefix.table(USER_LONG)).fixChecksum().bytes()).mount("/a", null));
            SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
            var inode = org.erofssim.inode.Iget.iget(live.sbi(), live.buf(), log, nid);
            assertThat(org.erofssim.inode.Xattrs.list(live.sbi(), live.buf(), log, inode).values())
                    .containsOnlyKeys("user.long.k");
            live.sbi().xattrPrefixes = List.of();
            live.sbi().xattrPrefixesUnknown = "the table is where the model cannot read";
            org.erofssim.inode.Xattrs.Listed l = org.erofssim.inode.Xattrs.list(live.sbi(), live.buf(), log, inode);
            assertThat(l.values()).isEmpty();
            assertThat(l.notes()).containsExactly("not modelled: an xattr with long name prefix 0 is left out"
                    + " (the table is where the model cannot read)");
        }
    }
}
