package org.erofssim.regressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.regressions.CommitChecks.failed;
import static org.erofssim.regressions.CommitChecks.fileMount;
import static org.erofssim.regressions.CommitChecks.mounted;
import static org.erofssim.regressions.CommitChecks.without;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.block.BackingFs;
import org.erofssim.block.Node;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.sb.Mode;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.testing.Scenarios;
import org.erofssim.testing.TestImages;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One regression test per {@link Behavior} of the mount path, named after its upstream commit
 * (as commons-compress names its tests after the issue): the same scenario on a preset that has
 * the commit and on that preset {@code without} it. Expected values come from the commit (its
 * message and diff), the spec's version notes (§11) and the observations on 6.18.44, not from
 * the model's output.
 */
@DisplayName("mount-path commits, each with and without")
class MountPathCommitsTest {
    static final KernelProfile L618 = Releases.linux_6_18_44();
    static byte[] plain;

    @BeforeAll
    static void images() throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.MKFS));
        plain = Files.readAllBytes(TestImages.plain());
    }

    static final String MOUNTED = "erofs (device erofs): mounted with root inode @ nid 36.";

    @Test
    @DisplayName("416a8b2c02fe erofs: ensure regular inodes for file-backed mounts (6.12-rc4)")
    void ensureRegularInodesForFileBackedMounts() {
        Scenarios dir = Scenarios.on(L618).node("/d", new Node.Directory());
        // a directory is no block device and, with the check, no file-backed source either
        assertThat(failed(MountModel.predict(dir.mount("/d", null)), Errno.ENOTBLK).log()).isEmpty();
        // without it the directory became a file-backed mount and crashed (syzbot 001306cd9c92)
        Scenarios old = Scenarios.on(without(L618, Behavior.FILEIO_REGULAR_FILE_CHECK)).node("/d", new Node.Directory());
        assertThat(MountModel.predict(old.mount("/d", null))).isInstanceOf(MountOutcome.Crashed.class);
    }

    @Test
    @DisplayName("14c2d97265ea erofs: use get_tree_bdev_flags() to avoid misleading messages")
    void c14c2d97265ea() {
        assertThat(mounted(fileMount(L618, plain, null)).log()).containsExactly(MOUNTED);
        assertThat(mounted(fileMount(without(L618, Behavior.QUIET_BDEV_LOOKUP), plain, null)).log())
                .containsExactly("/a: Can't lookup blockdev", MOUNTED);
    }

    @Test
    @DisplayName("bae085416093 erofs: fix blksize < PAGE_SIZE for file-backed mounts (CVE-2024-56750)")
    void cbae085416093() {
        byte[] bs1k = ImageEditor.of(plain).set(SuperblockField.BLKSZBITS, 10).fixChecksum().bytes();
        assertThat(mounted(fileMount(L618, bs1k, null)).statfs().bsize()).isEqualTo(1024);
        assertThat(fileMount(without(L618, Behavior.FILEIO_SUBPAGE_BLOCKSIZE), bs1k, null))
                .isInstanceOf(MountOutcome.Crashed.class);
    }

    @Test
    @DisplayName("90655ee279b2 erofs: simplify definition of the log functions")
    void c90655ee279b2() {
        byte[] noMagic = ImageEditor.of(plain).set(SuperblockField.MAGIC, 0).bytes();
        assertThat(failed(fileMount(L618, noMagic, null), Errno.EINVAL).log())
                .containsExactly("erofs (device erofs): cannot find valid erofs superblock");
        assertThat(failed(fileMount(without(L618, Behavior.DEVICE_LOG_PREFIX), noMagic, null), Errno.EINVAL).log())
                .containsExactly("erofs: (device erofs): erofs_read_superblock: cannot find valid erofs superblock");
    }

    @Test
    @DisplayName("6422cde1b0d5 erofs: use buffered I/O for file-backed mounts by default")
    void c6422cde1b0d5() {
        MountOutcome.Mounted m = mounted(fileMount(L618, plain, "directio"));
        assertThat(m.superOptions()).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,directio");
        assertThat(failed(fileMount(without(L618, Behavior.DIRECTIO_OPTION), plain, "directio"), Errno.EINVAL).log())
                .containsExactly("erofs: Unknown parameter 'directio'");
    }

    @Test
    @DisplayName("579450277780 erofs: allow 16-byte volume name again (6.15-rc1)")
    void allow16ByteVolumeNameAgain() {
        byte[] name16 = ImageEditor.of(plain).setBytes(SuperblockField.VOLUME_NAME, "0123456789abcdef".getBytes())
                .fixChecksum().bytes();
        assertThat(mounted(fileMount(L618, name16, null)).log()).containsExactly(MOUNTED);
        assertThat(failed(fileMount(without(L618, Behavior.VOLUME_NAME_16_BYTES), name16, null), Errno.EUCLEAN).log())
                .containsExactly("erofs (device erofs): bad volume name without NIL terminator");
    }

    @Test
    @DisplayName("61ba89b57905 erofs: add 48-bit block addressing on-disk support (and the series enabling incompat 0x80)")
    void c61ba89b57905() {
        byte[] bit48 = ImageEditor.of(plain).set(SuperblockField.FEATURE_INCOMPAT, 0x80).fixChecksum().bytes();
        assertThat(fileMount(L618, bit48, null).log())
                .contains("erofs (device erofs): EXPERIMENTAL 48-bit layout support in use. Use at your own risk!");
        assertThat(failed(fileMount(without(L618, Behavior.LAYOUT_48BIT), bit48, null), Errno.EINVAL).log())
                .containsExactly("erofs (device erofs): unidentified incompatible feature 80, please upgrade kernel");
    }

    @Test
    @DisplayName("c36ec00d7f67 erofs: add 'fsoffset' mount option to specify filesystem offset")
    void c36ec00d7f67() {
        byte[] shifted = new byte[4096 + plain.length];
        System.arraycopy(plain, 0, shifted, 4096, plain.length);
        MountOutcome.Mounted m = mounted(fileMount(L618, shifted, "fsoffset=4096"));
        assertThat(m.superOptions()).endsWith(",fsoffset=4096");
        assertThat(failed(fileMount(without(L618, Behavior.FSOFFSET_OPTION), shifted, "fsoffset=4096"), Errno.EINVAL)
                .log()).containsExactly("erofs: Unknown parameter 'fsoffset'");
    }

    @Test
    @DisplayName("9748f2f54f66 erofs: avoid using multiple devices with different type (6.16-rc1)")
    void avoidUsingMultipleDevicesWithDifferentType() throws IOException {
        Path[] blob = TestImages.withBlob();
        byte[] primary = Files.readAllBytes(blob[0]);
        byte[] data = Files.readAllBytes(blob[1]);
        MountOutcome now = MountModel.predict(Scenarios.on(L618).bdev("/dev/loop0", primary, "7:0", true, 512)
                .file("/b", data).mount("/dev/loop0", "device=/b"));
        assertThat(failed(now, Errno.EINVAL).mode()).isEqualTo(Mode.BDEV);
        // before: ENOTBLK leaked out of fill_super into get_tree's file-backed fallback (a use-after-free)
        MountOutcome before = MountModel.predict(Scenarios.on(without(L618, Behavior.EXTRA_BDEV_ENOTBLK_TO_EINVAL))
                .bdev("/dev/loop0", primary, "7:0", true, 512).file("/b", data).mount("/dev/loop0", "device=/b"));
        assertThat(String.join("\n", failed(before, Errno.ENOTBLK).notes())).contains("use-after-free");
    }

    @Test
    @DisplayName("414091322c63 erofs: implement metadata compression")
    void c414091322c63() {
        byte[] metabox = ImageEditor.of(plain).set(SuperblockField.FEATURE_INCOMPAT, 0x100).fixChecksum().bytes();
        // known feature, but its metabox_nid needs a superblock extslot, which this image lacks: silent EUCLEAN
        assertThat(failed(fileMount(L618, metabox, null), Errno.EUCLEAN).log()).isEmpty();
        assertThat(failed(fileMount(without(L618, Behavior.METABOX), metabox, null), Errno.EINVAL).log())
                .containsExactly("erofs (device erofs): unidentified incompatible feature 100, please upgrade kernel");
    }

    @Test
    @DisplayName("c6993c4cb918 erofs: Fallback to normal access if DAX is not supported on extra device")
    void c6993c4cb918() {
        // the check moved into the device scan (erofs_info) from fill_super (errorfc)
        assertThat(mounted(fileMount(L618, plain, "dax")).log()).containsExactly(
                "erofs (device erofs): DAX unsupported by block device. Turning off DAX.", MOUNTED);
        assertThat(mounted(fileMount(without(L618, Behavior.DAX_CHECK_IN_DEVICE_SCAN), plain, "dax")).log())
                .containsExactly("erofs: DAX unsupported by block device. Turning off DAX.", MOUNTED);
    }

    @Test
    @DisplayName("072a7c7cdbea erofs: don't bother with s_stack_depth increasing for now (and its s_bdev fix)")
    void c072a7c7cdbea() {
        MountOutcome refused = MountModel.predict(Scenarios.on(L618).file("/m/a", plain, BackingFs.EROFS).mount("/m/a", null));
        assertThat(failed(refused, Errno.ENOTBLK).log())
                .containsExactly("erofs (device erofs): file-backed mounts cannot be applied to stacked fses");
        assertThat(mounted(MountModel.predict(Scenarios.on(without(L618, Behavior.FILEIO_STACKING_REFUSAL))
                .file("/m/a", plain, BackingFs.EROFS).mount("/m/a", null))).log()).containsExactly(MOUNTED);
    }
}
