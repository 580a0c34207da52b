package org.erofssim.regressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.regressions.CommitChecks.failed;
import static org.erofssim.regressions.CommitChecks.fileMount;
import static org.erofssim.regressions.CommitChecks.mounted;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.block.BackingFs;
import org.erofssim.contract.MountOutcome;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.sb.Mode;
import org.erofssim.testing.Scenarios;
import org.erofssim.testing.TestImages;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The 6.12 stable line's backports of the mount path, each at its boundary: the same scenario on
 * the 6.12.y release before the one that took the change and on that release, both as
 * {@link Releases#resolve} makes them from {@code uname -r}. The releases are those of
 * {@code Releases.stableBackports("6.12")} (read from Debian's changelog of 6.12.118-1 and the
 * CVE record); the expected values are what the commits say and what Debian's 6.12.118 printed in
 * the VM oracle (fixtures/recorded/6.12.118+deb13-amd64), in 6.12's old log format. The read-path
 * boundaries (6.12.80, 6.12.86) are in {@code DataReaderTest} and {@code ReaddirTest}.
 */
@DisplayName("6.12 stable backports of the mount path, at their releases")
class Stable612BackportsTest {
    static byte[] plain;

    @BeforeAll
    static void images() throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.MKFS));
        plain = Files.readAllBytes(TestImages.plain());
    }

    static KernelProfile k(String release) {
        return Releases.resolve(release).profile();
    }

    static final String MOUNTED = "erofs: (device erofs): mounted with root inode @ nid 36.";

    @Test
    @DisplayName("bae085416093 erofs: fix blksize < PAGE_SIZE for file-backed mounts: in 6.12.2 (CVE-2024-56750)")
    void bae085416093In6122() {
        byte[] bs1k = ImageEditor.of(plain).set(SuperblockField.BLKSZBITS, 10).fixChecksum().bytes();
        // 6.12.0 and 6.12.1: sb_set_blocksize on the missing block device (the CVE's crash)
        assertThat(fileMount(k("6.12.1"), bs1k, null)).isInstanceOf(MountOutcome.Crashed.class);
        assertThat(mounted(fileMount(k("6.12.2"), bs1k, null)).statfs().bsize()).isEqualTo(1024);
    }

    @Test
    @DisplayName("6422cde1b0d5 erofs: use buffered I/O for file-backed mounts by default: in 6.12.7")
    void c6422cde1b0d5In6127() {
        assertThat(failed(fileMount(k("6.12.6"), plain, "directio"), Errno.EINVAL).log())
                .containsExactly("erofs: Unknown parameter 'directio'");
        // [obs-6.12.118 options/directio-fileio]
        assertThat(mounted(fileMount(k("6.12.7"), plain, "directio")).superOptions())
                .isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,directio");
    }

    @Test
    @DisplayName("9748f2f54f66 erofs: avoid using multiple devices with different type: in 6.12.34")
    void avoidUsingMultipleDevicesWithDifferentTypeIn61234() throws IOException {
        Path[] blob = TestImages.withBlob();
        byte[] primary = Files.readAllBytes(blob[0]);
        byte[] data = Files.readAllBytes(blob[1]);
        // from 6.12.34: a regular file as an extra device of a bdev mount is EINVAL in bdev mode
        MountOutcome now = MountModel.predict(Scenarios.on(k("6.12.34")).bdev("/dev/loop0", primary, "7:0", true, 512)
                .file("/b", data).mount("/dev/loop0", "device=/b"));
        assertThat(failed(now, Errno.EINVAL).mode()).isEqualTo(Mode.BDEV);
        // before: ENOTBLK leaked out of fill_super into get_tree's file-backed fallback (a use-after-free)
        MountOutcome before = MountModel.predict(Scenarios.on(k("6.12.33")).bdev("/dev/loop0", primary, "7:0", true, 512)
                .file("/b", data).mount("/dev/loop0", "device=/b"));
        assertThat(String.join("\n", failed(before, Errno.ENOTBLK).notes())).contains("use-after-free");
    }

    @Test
    @DisplayName("072a7c7cdbea erofs: don't bother with s_stack_depth increasing for now (and its fix): in 6.12.66")
    void c072a7c7cdbeaIn61266() {
        // [obs-6.12.118 row06-file-inside-fileio-erofs]: the old format names the function
        MountOutcome refused = MountModel.predict(Scenarios.on(k("6.12.66")).file("/m/a", plain, BackingFs.EROFS)
                .mount("/m/a", null));
        assertThat(failed(refused, Errno.ENOTBLK).log()).containsExactly(
                "erofs: (device erofs): erofs_fc_fill_super: file-backed mounts cannot be applied to stacked fses");
        // 6.12.63-6.12.65 had d53cd891f0e4's depth limit instead, which a stack of two passes
        Releases.Resolution r65 = Releases.resolve("6.12.65");
        assertThat(r65.note()).contains("maximum fs stacking depth exceeded");
        assertThat(mounted(MountModel.predict(Scenarios.on(r65.profile()).file("/m/a", plain, BackingFs.EROFS)
                .mount("/m/a", null))).log()).containsExactly(MOUNTED);
        // a file on a block-device erofs stays mountable on both sides
        assertThat(mounted(MountModel.predict(Scenarios.on(k("6.12.66")).file("/m/a", plain, BackingFs.EROFS_BDEV)
                .mount("/m/a", null))).mode()).isEqualTo(Mode.FILEIO);
    }
}
