package org.erofssim.inode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.testing.ErofsImages.dump;
import static org.erofssim.testing.ErofsImages.mkfs;
import static org.erofssim.testing.ErofsImages.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.InodeRecord;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.ondisk.XattrEntry;
import org.erofssim.ondisk.XattrLongPrefix;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.ErofsImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Xattrs lists and reads xattrs as erofs_listxattr and erofs_getxattr do")
class XattrsTest {
    @TempDir static Path tmp;
    static final String LONG_VALUE = "v".repeat(200);
    static Path image;

    /**
     * The image: user xattrs set through {@link java.nio.file.attribute.UserDefinedFileAttributeView}
     * (no tool, no root); {@code trusted.t} and {@code security.s} of {@code /f2} are set as
     * {@code user.t} and {@code user.s} and their inline entries' name index is then edited to
     * trusted (4) and security (6): the bytes mkfs.erofs writes for those names, without the root
     * that setting them on the input tree needs. POSIX ACLs and real trusted./security. xattrs
     * from the input tree are the harness's root oracle test {@code PrivilegedTreeTest}.
     */
    @BeforeAll static void image() throws java.io.IOException {
        ErofsImages.assumeMkfs();
        Path tree = tmp.resolve("tree");
        for (String f : List.of("f1", "f2", "f3", "f4", "plain", "long")) {
            write(tree.resolve(f), f.getBytes(StandardCharsets.US_ASCII));
        }
        write(tree.resolve("dir1/x"), new byte[0]);
        setfattr(tree.resolve("f1"), "user.private", "one");
        for (String f : List.of("f1", "f2", "f3", "f4")) {
            setfattr(tree.resolve(f), "user.shared", "same-value"); // four users: a shared xattr
        }
        setfattr(tree.resolve("f2"), "user.t", "T");
        setfattr(tree.resolve("f2"), "user.s", "S");
        setfattr(tree.resolve("dir1"), "user.d", "dir");
        setfattr(tree.resolve("long"), "user.long", LONG_VALUE);
        image = mkfs(tmp.resolve("x.erofs"), tree);
        long f2 = dump(image, "/f2").nid();
        ImageEditor ed = ImageEditor.read(image);
        setIndex(ed, entry(ed, f2, Xattrs.INDEX_USER, "t"), Xattrs.INDEX_TRUSTED);
        setIndex(ed, entry(ed, f2, Xattrs.INDEX_USER, "s"), Xattrs.INDEX_SECURITY);
        java.nio.file.Files.write(image, ed.fixChecksum().bytes());
    }

    /** A {@code user.} xattr, set in Java ({@code setfattr -n NAME -v VALUE} without the tool). */
    static void setfattr(Path p, String name, String value) {
        if (!name.startsWith("user.")) {
            throw new IllegalArgumentException("only user. xattrs are set without root: " + name);
        }
        try {
            java.nio.file.Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class)
                    .write(name.substring("user.".length()), java.nio.ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    record Ctx(MountModel.LiveMount live, SbLog log) {
        static Ctx of(Scenario sc) {
            MountModel.LiveMount live = ErofsImages.mount(sc);
            return new Ctx(live, new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId()));
        }

        static Ctx of(String kernel, byte[] img, String options) {
            return of(ErofsImages.fileMount(kernel, img, Faults.NONE, options, false));
        }

        Xattrs.Listed list(String path) {
            return list(dump(image, path).nid());
        }

        Xattrs.Listed list(long nid) {
            return Xattrs.list(live.sbi(), live.buf(), log, Iget.iget(live.sbi(), live.buf(), log, nid));
        }

        Xattrs.Got get(ErofsInode inode, String name) {
            return Xattrs.getxattr(live.sbi(), live.buf(), log, inode, name.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Ctx withConfig(ConfigFlag flag, boolean on) {
        KernelConfig k = new KernelConfig(Releases.resolve("6.18").profile(), Map.of(flag, on));
        Scenario sc = Scenario.builder().name("t").kernel(k)
                .node(ErofsImages.IMAGE, new Node.RegularFile(ImageBytes.of(ErofsImages.read(image)), BackingFs.EXT4))
                .source(ErofsImages.IMAGE).build();
        return Ctx.of(sc);
    }

    /** Position of the first inline xattr entry of an inode (after the 12-byte header and shared ids). */
    static long firstInlineEntry(ImageEditor ed, long nid) {
        long hdr = ErofsImages.iloc(ed, nid) + 32;
        int shared = ed.buffer().get((int) hdr + 4) & 0xFF;
        return hdr + 12 + 4L * shared;
    }

    @Nested
    @DisplayName("listing")
    class Listing {
        @Test void inlineAndSharedUserXattrsAreListedInlineFirstWithTheirValues() {
            for (String k : List.of("6.13", "6.18")) {
                Xattrs.Listed f1 = Ctx.of(k, ErofsImages.read(image), null).list("/f1");
                assertThat(f1.errno()).isNull();
                assertThat(f1.values()).containsExactly(Map.entry("user.private", b64("one")),
                        Map.entry("user.shared", b64("same-value")));
            }
        }

        @Test void trustedSecurityDirectoryAndLongValuesAreListed() {
            Ctx c = Ctx.of("6.18", ErofsImages.read(image), null);
            assertThat(c.list("/f2").values()).containsOnly(Map.entry("user.shared", b64("same-value")),
                    Map.entry("trusted.t", b64("T")), Map.entry("security.s", b64("S")));
            assertThat(c.list("/dir1").values()).containsExactly(Map.entry("user.d", b64("dir")));
            assertThat(c.list("/long").values()).containsExactly(Map.entry("user.long", b64(LONG_VALUE)));
            assertThat(c.list("/plain").values()).isEmpty();
        }

        @Test void nouserXattrHidesUserNamesOnly() {
            Ctx c = Ctx.of("6.18", ErofsImages.read(image), "nouser_xattr");
            assertThat(c.list("/f1").values()).isEmpty();
            assertThat(c.list("/f2").values()).containsOnlyKeys("trusted.t", "security.s");
        }

        @Test void withoutXattrSupportNothingIsListed() {
            Ctx c = withConfig(ConfigFlag.EROFS_FS_XATTR, false);
            assertThat(c.list("/f1")).isEqualTo(new Xattrs.Listed(Map.of(), null, List.of()));
        }
    }

    @Nested
    @DisplayName("corrupt xattr areas")
    class Corrupt {
        @Test void anAreaOfOnlyTheHeaderIsEopnotsuppWithTheKernelsLine() {
            long nid = dump(image, "/plain").nid();
            ImageEditor ed = ImageEditor.read(image);
            ed.write(ErofsImages.iloc(ed, nid) + 2, new byte[] {1, 0}); // i_xattr_icount 1: 12 bytes
            Ctx c = Ctx.of("6.13", ed.fixChecksum().bytes(), null);
            assertThat(c.list(nid)).isEqualTo(new Xattrs.Listed(null, Errno.EOPNOTSUPP, List.of()));
            assertThat(ErofsImages.linesAfterMount(c.live())).containsExactly(
                    "erofs (device erofs): xattr_isize 12 of nid " + nid + " is not supported yet");
        }

        @Test void anEntryRunningPastTheAreaIsASilentEuclean() {
            long nid = dump(image, "/f1").nid();
            ImageEditor ed = ImageEditor.read(image);
            ed.write(firstInlineEntry(ed, nid) + 2, new byte[] {(byte) 0xF0, 0}); // e_value_size 240
            Ctx c = Ctx.of("6.18", ed.fixChecksum().bytes(), null);
            assertThat(c.list(nid).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(ErofsImages.linesAfterMount(c.live())).isEmpty();
        }

        @Test void unknownIndexesAndLongPrefixesBeyondTheCountAreSkipped() {
            long nid = dump(image, "/f1").nid();
            ImageEditor ed = ImageEditor.read(image);
            ed.write(firstInlineEntry(ed, nid) + 1, new byte[] {5}); // the lustre index: no handler
            Ctx lustre = Ctx.of("6.18", ed.fixChecksum().bytes(), null);
            assertThat(lustre.list(nid).values()).containsOnlyKeys("user.shared");
            ed.write(firstInlineEntry(ed, nid) + 1, new byte[] {(byte) 0x80}); // long prefix 0 of 0
            Xattrs.Listed longPrefix = Ctx.of("6.18", ed.fixChecksum().bytes(), null).list(nid);
            assertThat(longPrefix.values()).containsOnlyKeys("user.shared");
            assertThat(longPrefix.notes()).isEmpty();
        }
    }

    /** One inline entry as the raw bytes have it: head position, head, stored name. */
    record Raw(long pos, XattrEntry head, byte[] name) {}

    /** The inline entries of an inode, parsed from the image bytes (not through the model). */
    static List<Raw> inline(ImageEditor ed, long nid) {
        long iloc = ErofsImages.iloc(ed, nid);
        InodeRecord ino = InodeRecord.decode(ed.buffer(), (int) iloc);
        long hdr = iloc + ino.isize();
        int shared = ed.buffer().get((int) hdr + 4) & 0xFF;
        long pos = hdr + 12 + 4L * shared;
        long end = hdr + ino.xattrIbodySize();
        List<Raw> out = new ArrayList<>();
        while (pos < end) {
            XattrEntry e = XattrEntry.decode(ed.buffer(), (int) pos);
            byte[] name = new byte[e.nameLen()];
            ed.buffer().get((int) pos + 4, name);
            out.add(new Raw(pos, e, name));
            pos += e.entrySize();
        }
        return out;
    }

    /** Head position of the inline entry (index, name) of an inode. */
    static long entry(ImageEditor ed, long nid, int index, String name) {
        return inline(ed, nid).stream().filter(r -> r.head().nameIndex() == index
                        && new String(r.name(), StandardCharsets.US_ASCII).equals(name))
                .findFirst().orElseThrow().pos();
    }

    /** Head position of an inode's first shared entry: xattr_blkaddr * 4096 + id * 4. */
    static long firstShared(ImageEditor ed, long nid) {
        long iloc = ErofsImages.iloc(ed, nid);
        long hdr = iloc + InodeRecord.decode(ed.buffer(), (int) iloc).isize();
        long id = ed.buffer().getInt((int) hdr + 12) & 0xFFFFFFFFL;
        return (ed.get(SuperblockField.XATTR_BLKADDR) << 12) + id * 4;
    }

    static ImageEditor withTable(XattrLongPrefix... table) {
        ImageEditor ed = ImageEditor.read(image);
        int end = ed.size();
        ed.ensureSize(end + 4096).write(end, XattrLongPrefix.table(table));
        return ed.set(SuperblockField.XATTR_PREFIX_COUNT, table.length).set(SuperblockField.XATTR_PREFIX_START, end / 4)
                .set(SuperblockField.FEATURE_INCOMPAT, ed.get(SuperblockField.FEATURE_INCOMPAT)
                        | FeatureIncompat.XATTR_PREFIXES.bit());
    }

    static ImageEditor setIndex(ImageEditor ed, long headPos, int index) {
        return ed.write(headPos + XattrEntry.OFF_NAME_INDEX, new byte[] {(byte) index});
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Nested
    @DisplayName("long name prefixes (index 0x80 | n): base prefix + infix + stored name, as the bytes written here say")
    class LongPrefixes {
        final XattrLongPrefix userLong = new XattrLongPrefix(Xattrs.INDEX_USER, ascii("long."));
        final XattrLongPrefix trustedOverlay = new XattrLongPrefix(Xattrs.INDEX_TRUSTED, ascii("overlay."));
        final XattrLongPrefix securityBare = new XattrLongPrefix(Xattrs.INDEX_SECURITY, new byte[0]);

        @Test void inlineAndSharedEntriesReadAsTheirFullNames() {
            long f1 = dump(image, "/f1").nid();
            long f2 = dump(image, "/f2").nid();
            ImageEditor ed = withTable(userLong, trustedOverlay, securityBare);
            setIndex(ed, entry(ed, f1, Xattrs.INDEX_USER, "private"), 0x80);  // user.private → user.long.private
            setIndex(ed, entry(ed, f2, Xattrs.INDEX_TRUSTED, "t"), 0x81);     // trusted.t → trusted.overlay.t
            setIndex(ed, firstShared(ed, f1), 0x82);                          // user.shared → security.shared
            Ctx c = Ctx.of("6.18", ed.fixChecksum().bytes(), null);
            assertThat(c.list(f1).values()).containsExactly(Map.entry("user.long.private", b64("one")),
                    Map.entry("security.shared", b64("same-value")));
            assertThat(c.list(f2).values()).containsOnly(Map.entry("trusted.overlay.t", b64("T")),
                    Map.entry("security.s", b64("S")), Map.entry("security.shared", b64("same-value")));
            assertThat(c.list(f1).notes()).isEmpty();
        }

        @Test void theOldNameIsGoneAndTheNewOneFoundOnlyThroughTheInfix() {
            long f1 = dump(image, "/f1").nid();
            ImageEditor ed = withTable(userLong);
            setIndex(ed, entry(ed, f1, Xattrs.INDEX_USER, "private"), 0x80);
            Ctx c = Ctx.of("6.18", ed.fixChecksum().bytes(), null);
            ErofsInode ino = Iget.iget(c.live().sbi(), c.live().buf(), c.log(), f1);
            assertThat(c.get(ino, "user.private").errno()).isEqualTo(Errno.ENODATA);
            assertThat(c.get(ino, "user.long.privat").errno()).isEqualTo(Errno.ENODATA);
            assertThat(c.get(ino, "user.lonG.private").errno()).isEqualTo(Errno.ENODATA);
            assertThat(c.get(ino, "trusted.long.private").errno()).isEqualTo(Errno.ENODATA);
            assertThat(c.get(ino, "user.long.private").value()).isEqualTo(ascii("one"));
        }

        @Test void numbersNotBelowTheCountAndBaseIndexesWithoutAHandlerAreSkipped() {
            long f1 = dump(image, "/f1").nid();
            long f2 = dump(image, "/f2").nid();
            ImageEditor ed = withTable(new XattrLongPrefix(Xattrs.INDEX_LUSTRE, ascii("x.")),
                    new XattrLongPrefix(0, ascii("y.")), new XattrLongPrefix(0x81, ascii("w.")));
            setIndex(ed, entry(ed, f1, Xattrs.INDEX_USER, "private"), 0x80 | 3); // count is 3
            setIndex(ed, entry(ed, f2, Xattrs.INDEX_TRUSTED, "t"), 0x80);        // lustre base
            setIndex(ed, entry(ed, f2, Xattrs.INDEX_SECURITY, "s"), 0x82);       // base 0x81
            setIndex(ed, firstShared(ed, f1), 0x81);                             // base 0
            Ctx c = Ctx.of("6.18", ed.fixChecksum().bytes(), null);
            assertThat(c.list(f1).values()).isEmpty();
            assertThat(c.list(f2).values()).isEmpty();
            assertThat(c.list(f1).notes()).isEmpty();
        }

        @Test void aNulInTheInfixSplitsTheListedName() {
            long f1 = dump(image, "/f1").nid();
            ImageEditor ed = withTable(new XattrLongPrefix(Xattrs.INDEX_USER, new byte[] {'a', 0, 'b', '.'}));
            setIndex(ed, entry(ed, f1, Xattrs.INDEX_USER, "private"), 0x80);
            Ctx c = Ctx.of("6.18", ed.fixChecksum().bytes(), null);
            ErofsInode ino = Iget.iget(c.live().sbi(), c.live().buf(), c.log(), f1);
            // the list bytes: "user.a" NUL "b.private" NUL, then the shared one
            assertThat(new String(Xattrs.listxattr(c.live().sbi(), c.live().buf(), c.log(), ino, new ArrayList<>()),
                    StandardCharsets.US_ASCII)).isEqualTo("user.a\0b.private\0user.shared\0");
            Xattrs.Listed l = c.list(f1);
            assertThat(l.values()).containsEntry("user.a", null).containsEntry("b.private", null)
                    .containsEntry("user.shared", b64("same-value")).hasSize(3);
            assertThat(l.notes()).containsExactly("getxattr user.a: ENODATA", "getxattr b.private: EOPNOTSUPP");
        }

        @Test void aListedNameOverXattrNameMaxCannotBeRead() {
            long f1 = dump(image, "/f1").nid();
            XattrLongPrefix wide = new XattrLongPrefix(Xattrs.INDEX_USER, "a".repeat(255).getBytes(StandardCharsets.US_ASCII));
            ImageEditor ed = withTable(wide);
            setIndex(ed, entry(ed, f1, Xattrs.INDEX_USER, "private"), 0x80);
            Xattrs.Listed l = Ctx.of("6.18", ed.fixChecksum().bytes(), null).list(f1);
            String name = "user." + "a".repeat(255) + "private"; // 267 bytes
            assertThat(l.values()).containsEntry(name, null).containsEntry("user.shared", b64("same-value"));
            assertThat(l.notes()).containsExactly("getxattr " + name + ": ERANGE");
        }

        @Test void theUserOptionAndTheBaseIndexDecideTogether() {
            long f1 = dump(image, "/f1").nid();
            ImageEditor ed = withTable(userLong, trustedOverlay);
            setIndex(ed, entry(ed, f1, Xattrs.INDEX_USER, "private"), 0x81); // user entry, trusted base
            setIndex(ed, firstShared(ed, f1), 0x80);                          // user base
            Xattrs.Listed l = Ctx.of("6.18", ed.fixChecksum().bytes(), "nouser_xattr").list(f1);
            assertThat(l.values()).containsExactly(Map.entry("trusted.overlay.private", b64("one")));
        }
    }

    @Nested
    @DisplayName("getxattr(2) of names the list does not give")
    class Get {
        @Test void vfsNameRules() {
            long f1 = dump(image, "/f1").nid();
            Ctx c = Ctx.of("6.18", ErofsImages.read(image), null);
            ErofsInode ino = Iget.iget(c.live().sbi(), c.live().buf(), c.log(), f1);
            assertThat(c.get(ino, "user.").errno()).isEqualTo(Errno.EINVAL);       // the bare prefix
            assertThat(c.get(ino, "private").errno()).isEqualTo(Errno.EOPNOTSUPP); // no handler
            assertThat(c.get(ino, "system.foo").errno()).isEqualTo(Errno.EOPNOTSUPP);
            assertThat(c.get(ino, "x".repeat(256)).errno()).isEqualTo(Errno.ERANGE);
            assertThat(c.get(ino, "user.private").value()).isEqualTo(ascii("one"));
            // xattr_permission: user.* of an inode that is neither a regular file nor a directory
            ErofsInode asLink = new ErofsInode(ino.nid(), ino.iloc(), ino.layout(), ino.extended(), ino.isize(),
                    ino.xattrIsize(), ino.xattrIcount(), ErofsInode.S_IFLNK | 0777, ino.uid(), ino.gid(), ino.nlink(),
                    ino.size(), ino.mtime(), ino.mtimeNsec(), ino.startBlk(), ino.rdevMajor(), ino.rdevMinor(),
                    ino.chunkFormat(), ino.chunkBits(), ino.blocks(), null, ino.rawIu());
            assertThat(c.get(asLink, "user.private").errno()).isEqualTo(Errno.ENODATA);
            Ctx nouser = Ctx.of("6.18", ErofsImages.read(image), "nouser_xattr");
            assertThat(nouser.get(ino, "user.private").errno()).isEqualTo(Errno.EOPNOTSUPP);
        }
    }

    @Nested
    @DisplayName("the xattr name filter (COMPAT_XATTR_FILTER)")
    class NameFilter {
        /** XXH32 written from the algorithm's description (Collet), independent of lz4-java. */
        static int xxh32(byte[] b, int seed) {
            final int p1 = 0x9E3779B1, p2 = 0x85EBCA77, p3 = 0xC2B2AE3D, p4 = 0x27D4EB2F, p5 = 0x165667B1;
            int i = 0;
            int h;
            if (b.length >= 16) {
                int v1 = seed + p1 + p2, v2 = seed + p2, v3 = seed, v4 = seed - p1;
                for (; i + 16 <= b.length; i += 16) {
                    v1 = Integer.rotateLeft(v1 + le32(b, i) * p2, 13) * p1;
                    v2 = Integer.rotateLeft(v2 + le32(b, i + 4) * p2, 13) * p1;
                    v3 = Integer.rotateLeft(v3 + le32(b, i + 8) * p2, 13) * p1;
                    v4 = Integer.rotateLeft(v4 + le32(b, i + 12) * p2, 13) * p1;
                }
                h = Integer.rotateLeft(v1, 1) + Integer.rotateLeft(v2, 7) + Integer.rotateLeft(v3, 12)
                        + Integer.rotateLeft(v4, 18);
            } else {
                h = seed + p5;
            }
            h += b.length;
            for (; i + 4 <= b.length; i += 4) {
                h = Integer.rotateLeft(h + le32(b, i) * p3, 17) * p4;
            }
            for (; i < b.length; i++) {
                h = Integer.rotateLeft(h + (b[i] & 0xFF) * p5, 11) * p1;
            }
            h ^= h >>> 15;
            h *= p2;
            h ^= h >>> 13;
            h *= p3;
            h ^= h >>> 16;
            return h;
        }

        static int le32(byte[] b, int i) {
            return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
        }

        @Test void theReferenceHashMeetsPublishedVectors() {
            assertThat(xxh32(new byte[0], 0)).isEqualTo(0x02CC5D05);
            assertThat(xxh32(ascii("a"), 0)).isEqualTo(0x550D7456);
            assertThat(xxh32(ascii("abc"), 0)).isEqualTo(0x32D153FF);
            assertThat(xxh32(ascii("Nobody inspects the spammish repetition"), 0)).isEqualTo(0xE2293B2F);
        }

        @Test void theBitIsXxh32OfTheNameAfterTheHandlerPrefixSeededWith0x25BBE08FPlusTheIndex() {
            for (String n : List.of("", "private", "shared", "long.private", "overlay.opaque", "x".repeat(40))) {
                for (int index = 1; index <= 6; index++) {
                    assertThat(Xattrs.filterBit(ascii(n), index)).as("%s @%d", n, index)
                            .isEqualTo(xxh32(ascii(n), 0x25BBE08F + index) & 31);
                }
            }
        }

        /** /f1 with COMPAT_XATTR_FILTER and h_name_filter = filter. */
        Ctx withFilter(long filter, int reserved) {
            long f1 = dump(image, "/f1").nid();
            ImageEditor ed = ImageEditor.read(image);
            long iloc = ErofsImages.iloc(ed, f1);
            long hdr = iloc + InodeRecord.decode(ed.buffer(), (int) iloc).isize();
            ed.write(hdr, new byte[] {(byte) filter, (byte) (filter >>> 8), (byte) (filter >>> 16), (byte) (filter >>> 24)});
            ed.set(SuperblockField.FEATURE_COMPAT, ed.get(SuperblockField.FEATURE_COMPAT) | FeatureCompat.XATTR_FILTER.bit())
                    .set(SuperblockField.XATTR_FILTER_RESERVED, reserved);
            return Ctx.of("6.18", ed.fixChecksum().bytes(), null);
        }

        @Test void aSetBitHidesTheValueButNotTheName() {
            int privateBit = xxh32(ascii("private"), 0x25BBE08F + 1) & 31;
            int sharedBit = xxh32(ascii("shared"), 0x25BBE08F + 1) & 31;
            long f1 = dump(image, "/f1").nid();
            assertThat(privateBit).as("the two names fall on different bits").isNotEqualTo(sharedBit);
            Xattrs.Listed l = withFilter(1L << privateBit, 0).list(f1);
            assertThat(l.values()).containsEntry("user.private", null).containsEntry("user.shared", b64("same-value"));
            assertThat(withFilter(0xFFFFFFFFL, 0).list(f1).values()).containsEntry("user.private", null)
                    .containsEntry("user.shared", null);
        }

        @Test void aNonZeroReservedByteOrNoFeatureBitTurnsTheFilterOff() {
            long f1 = dump(image, "/f1").nid();
            assertThat(withFilter(0xFFFFFFFFL, 1).list(f1).values()).containsEntry("user.private", b64("one"));
        }
    }

    @Test void prefixesFollowTheNameIndexes() {
        Ctx c = Ctx.of("6.18", ErofsImages.read(image), null);
        assertThat(Xattrs.prefix(c.live().sbi(), Xattrs.INDEX_USER)).isEqualTo("user.");
        assertThat(Xattrs.prefix(c.live().sbi(), Xattrs.INDEX_POSIX_ACL_DEFAULT)).isEqualTo("system.posix_acl_default");
        assertThat(Xattrs.prefix(c.live().sbi(), Xattrs.INDEX_TRUSTED)).isEqualTo("trusted.");
        assertThat(Xattrs.prefix(c.live().sbi(), Xattrs.INDEX_LUSTRE)).isNull();
        assertThat(Xattrs.prefix(c.live().sbi(), Xattrs.INDEX_SECURITY)).isEqualTo("security.");
        assertThat(Xattrs.prefix(c.live().sbi(), 7)).isNull();
    }
}
