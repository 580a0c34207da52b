package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What only root can put in an input tree (moved here from the model's XattrsTest and
 * TreeWalkTest, issue 17): {@code trusted.} and {@code security.} xattrs, a POSIX ACL, device
 * nodes, a file owned by another user. The model's walk of the mkfs.erofs image shows them as the
 * tree had them, and equals the running kernel's (the live oracle). Root only: skipped with a
 * printed reason elsewhere, a failure under {@code -Derofssim.requireOracles=true} (.ci/run).
 */
@DisplayName("A tree only root can make: trusted./security. xattrs, an ACL, device nodes, foreign owners; model = kernel")
@Live
class PrivilegedTreeTest {
    /** An access ACL: user::rw-, group::r--, mask::r--, other::r-- (as setfacl writes it). */
    static final String ACL_HEX = "0200000001000600ffffffff04000400ffffffff10000400ffffffff20000400ffffffff";

    interface Xattr extends Library {
        Xattr INSTANCE = Native.load("c", Xattr.class);

        int lsetxattr(String path, String name, byte[] value, NativeLong size, int flags);
    }

    private static Path work;
    private static Path image;

    static void setxattr(Path p, String name, byte[] value) {
        if (Xattr.INSTANCE.lsetxattr(p.toString(), name, value, new NativeLong(value.length), 0) != 0) {
            throw new IllegalStateException("lsetxattr " + name + " on " + p + ": errno " + Native.getLastError());
        }
    }

    @BeforeAll
    static void tree() throws Exception {
        LiveFixtures.assumeLive();
        work = LiveFixtures.workDir();
        Path t = work.resolve("tree");
        Files.createDirectories(t.resolve("d"));
        for (String f : List.of("f2", "acl", "owned", "d/x")) {
            Files.write(t.resolve(f), (f + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        Files.getFileAttributeView(t.resolve("f2"), UserDefinedFileAttributeView.class)
                .write("u", ByteBuffer.wrap("U".getBytes(StandardCharsets.US_ASCII)));
        setxattr(t.resolve("f2"), "trusted.t", "T".getBytes(StandardCharsets.US_ASCII));
        setxattr(t.resolve("f2"), "security.s", "S".getBytes(StandardCharsets.US_ASCII));
        setxattr(t.resolve("acl"), "system.posix_acl_access", HexFormat.of().parseHex(ACL_HEX));
        Syscalls.mknod(t.resolve("chr").toString(), Syscalls.S_IFCHR | 0644, 1, 3);
        Syscalls.mknod(t.resolve("blk").toString(), Syscalls.S_IFBLK | 0600, 7, 0);
        Files.setAttribute(t.resolve("owned"), "unix:uid", 1234);
        Files.setAttribute(t.resolve("owned"), "unix:gid", 5678);
        image = work.resolve("priv.img");
        ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.MKFS, List.of("--quiet", "-T" + LiveFixtures.MTIME,
                "-U", LiveFixtures.SPEC_UUID, image.toString(), t.toString()), 120);
        assertThat(r.exitCode()).as("mkfs.erofs: %s", r.stderr()).isZero();
    }

    @AfterAll
    static void clean() {
        if (work != null) {
            LiveFixtures.deleteTree(work);
        }
    }

    static Scenario scenario(String fs) {
        return ScenarioJson.read("""
                {"version": 1, "name": "privileged-tree", "kernel": "6.18",
                 "nodes": {"/srv/priv.erofs": {"kind": "file", "image": "priv.img", "fs": "%s"}},
                 "source": "/srv/priv.erofs", "read": true}""".formatted(fs), work);
    }

    static Map<String, TreeEntry> byPath(MountOutcome o) {
        assertThat(o).as("%s", o.log()).isInstanceOf(MountOutcome.Mounted.class);
        Map<String, TreeEntry> m = new LinkedHashMap<>();
        for (TreeEntry e : ((MountOutcome.Mounted) o).tree()) {
            m.put(e.path(), e);
        }
        return m;
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    @DisplayName("the model's walk shows the xattrs, the ACL, the device numbers and the owner the tree had")
    void theModelShowsWhatRootPutInTheTree() {
        Map<String, TreeEntry> m = byPath(MountModel.predict(scenario("ext4")));
        assertThat(m.get("/f2").xattrs()).containsOnly(Map.entry("user.u", b64("U")),
                Map.entry("trusted.t", b64("T")), Map.entry("security.s", b64("S")));
        assertThat(m.get("/acl").xattrs()).containsEntry("system.posix_acl_access",
                Base64.getEncoder().encodeToString(HexFormat.of().parseHex(ACL_HEX)));
        assertThat(m.get("/chr").type()).isEqualTo("chr");
        assertThat(m.get("/chr").rdev()).isEqualTo("1:3");
        assertThat(m.get("/blk").rdev()).isEqualTo("7:0");
        assertThat(m.get("/owned").uid()).isEqualTo(1234);
        assertThat(m.get("/owned").gid()).isEqualTo(5678);
    }

    @Test
    @DisplayName("the running kernel's walk of the same image equals the model's, field by field")
    void theKernelAgrees() {
        Scenario sc = scenario("ext4");
        MountOutcome model = MountModel.predict(sc);
        LiveFixtures.Leftovers before = LiveFixtures.leftovers();
        MountOutcome kernel = new LiveKernelOracle().observe(sc);
        LiveFixtures.assertReleased(before);
        System.out.println("[live] privileged-tree -> " + OutcomeJson.write(kernel));
        assertThat(OutcomeComparator.compare(model, kernel)).isEmpty();
        assertThat(byPath(kernel).get("/f2").xattrs()).containsKeys("trusted.t", "security.s");
    }
}
