package org.erofssim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.data.ErofsImages.dump;
import static org.erofssim.data.ErofsImages.mkfs;
import static org.erofssim.data.ErofsImages.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfiles;
import org.erofssim.mount.MountModel;
import org.erofssim.mount.SbLog;
import org.erofssim.ondisk.ImageEditor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Xattrs lists and reads xattrs as erofs_listxattr and erofs_getxattr do")
class XattrsTest {
    @TempDir static Path tmp;
    static final String ACL_HEX = "0200000001000600ffffffff04000400ffffffff10000400ffffffff20000400ffffffff";
    static final String LONG_VALUE = "v".repeat(200);
    static Path image;

    @BeforeAll static void image() {
        ErofsImages.assumeMkfs();
        ErofsImages.assumeRoot();
        Path tree = tmp.resolve("tree");
        for (String f : List.of("f1", "f2", "f3", "f4", "plain", "acl", "long")) {
            write(tree.resolve(f), f.getBytes(StandardCharsets.US_ASCII));
        }
        write(tree.resolve("dir1/x"), new byte[0]);
        setfattr(tree.resolve("f1"), "user.private", "one");
        for (String f : List.of("f1", "f2", "f3", "f4")) {
            setfattr(tree.resolve(f), "user.shared", "same-value"); // four users: a shared xattr
        }
        setfattr(tree.resolve("f2"), "trusted.t", "T");
        setfattr(tree.resolve("f2"), "security.s", "S");
        setfattr(tree.resolve("dir1"), "user.d", "dir");
        setfattr(tree.resolve("long"), "user.long", LONG_VALUE);
        setfattr(tree.resolve("acl"), "system.posix_acl_access", "0x" + ACL_HEX);
        image = mkfs(tmp.resolve("x.erofs"), tree);
    }

    static void setfattr(Path p, String name, String value) {
        ErofsImages.run(List.of("setfattr", "-n", name, "-v", value, p.toString()));
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
    }

    static Ctx withConfig(ConfigFlag flag, boolean on) {
        KernelConfig k = new KernelConfig(KernelProfiles.byName("6.18").orElseThrow(), Map.of(flag, on));
        Scenario sc = new Scenario("t", k, new VirtualNamespace(Map.of(ErofsImages.IMAGE,
                new Node.RegularFile(ImageBytes.of(ErofsImages.read(image)), BackingFs.EXT4))), ErofsImages.IMAGE,
                null, true, List.of(), false, false, false);
        return Ctx.of(sc);
    }

    /** Position of the first inline xattr entry of an inode (after the 12-byte header and shared ids). */
    static long firstInlineEntry(ImageEditor ed, long nid) {
        long hdr = DataReaderTest.iloc(ed, nid) + 32;
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

        @Test void aPosixAclIsListedUnderItsSystemName() {
            Xattrs.Listed l = Ctx.of("6.13", ErofsImages.read(image), null).list("/acl");
            assertThat(l.values()).containsExactly(Map.entry("system.posix_acl_access",
                    Base64.getEncoder().encodeToString(HexFormat.of().parseHex(ACL_HEX))));
        }

        @Test void nouserXattrHidesUserNamesOnly() {
            Ctx c = Ctx.of("6.18", ErofsImages.read(image), "nouser_xattr");
            assertThat(c.list("/f1").values()).isEmpty();
            assertThat(c.list("/f2").values()).containsOnlyKeys("trusted.t", "security.s");
        }

        @Test void withoutPosixAclSupportAclsAreNotListed() {
            assertThat(withConfig(ConfigFlag.EROFS_FS_POSIX_ACL, false).list("/acl").values()).isEmpty();
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
            ed.write(DataReaderTest.iloc(ed, nid) + 2, new byte[] {1, 0}); // i_xattr_icount 1: 12 bytes
            Ctx c = Ctx.of("6.13", ed.fixChecksum().bytes(), null);
            assertThat(c.list(nid)).isEqualTo(new Xattrs.Listed(null, Errno.EOPNOTSUPP, List.of()));
            assertThat(DataReaderTest.linesAfterMount(c.live())).containsExactly(
                    "erofs (device erofs): xattr_isize 12 of nid " + nid + " is not supported yet");
        }

        @Test void anEntryRunningPastTheAreaIsASilentEuclean() {
            long nid = dump(image, "/f1").nid();
            ImageEditor ed = ImageEditor.read(image);
            ed.write(firstInlineEntry(ed, nid) + 2, new byte[] {(byte) 0xF0, 0}); // e_value_size 240
            Ctx c = Ctx.of("6.18", ed.fixChecksum().bytes(), null);
            assertThat(c.list(nid).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(DataReaderTest.linesAfterMount(c.live())).isEmpty();
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
