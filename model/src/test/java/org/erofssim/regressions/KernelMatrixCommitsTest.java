package org.erofssim.regressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.erofssim.contract.MountOutcome;
import org.erofssim.kernel.Behavior;
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
 * One regression test per {@link Behavior} that the kernel matrix (issue 9) added, named after
 * its upstream commit (or its description where the hash is [unsure]): the same scenario on a
 * preset that has the change and on that preset {@code without} it. Expected values are what
 * the Debian kernels printed in the VM oracle (fixtures/recorded/6.1.0-57-amd64,
 * 6.12.118+deb13-amd64, 7.2.13+deb14-amd64, 7.3-amd64), not the model's output.
 */
@DisplayName("kernel-matrix commits, each with and without")
class KernelMatrixCommitsTest {
    static final KernelProfile L612 = Releases.linux_6_12_0();
    static final KernelProfile L72 = Releases.linux_7_2_13();
    static final KernelProfile L73 = Releases.linux_7_3_0_rc7();
    static final String MOUNTED = "erofs (device erofs): mounted with root inode @ nid 36.";
    static byte[] plain;

    @BeforeAll
    static void images() throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.MKFS));
        plain = Files.readAllBytes(TestImages.plain());
    }

    static KernelProfile without(KernelProfile p, Behavior b) {
        assertThat(p.has(b)).as(p.release() + " has " + b).isTrue();
        return p.toBuilder().without(b).build();
    }

    static MountOutcome.Mounted mounted(MountOutcome o) {
        assertThat(o).as(o.toString()).isInstanceOf(MountOutcome.Mounted.class);
        return (MountOutcome.Mounted) o;
    }

    static MountOutcome.Failed failed(MountOutcome o, Errno errno) {
        assertThat(o).as(o.toString()).isInstanceOf(MountOutcome.Failed.class);
        MountOutcome.Failed f = (MountOutcome.Failed) o;
        assertThat(f.errno()).isEqualTo(errno);
        return f;
    }

    static MountOutcome fileMount(KernelProfile k, byte[] image, String options) {
        return MountModel.predict(Scenarios.on(k).file("/a", image).mount("/a", options));
    }

    @Test
    @DisplayName("fb176750266a erofs: add file-backed mount support")
    void cfb176750266a() {
        MountOutcome.Mounted m = mounted(fileMount(L612, plain, null));
        assertThat(m.mode()).isEqualTo(Mode.FILEIO);
        // without it a regular file is no block device, and nothing else is tried (CONFIG n on 6.12 alike)
        assertThat(failed(fileMount(without(L612, Behavior.FILE_BACKED_MOUNTS), plain, null), Errno.ENOTBLK).log())
                .containsExactly("/a: Can't lookup blockdev");
        // the scenario cannot switch the symbol on where it does not exist
        assertThat(failed(MountModel.predict(Scenarios.on(without(L612, Behavior.FILE_BACKED_MOUNTS))
                .config(org.erofssim.kernel.ConfigFlag.EROFS_FS_BACKED_BY_FILE, true).file("/a", plain)
                .mount("/a", null)), Errno.ENOTBLK).log()).containsExactly("/a: Can't lookup blockdev");
    }

    @Test
    @DisplayName("fs: open block device after superblock creation ([unsure] hash, VFS, 6.6-rc1 [unsure])")
    void openBlockDeviceAfterSuperblockCreation() {
        KernelProfile before = without(L612, Behavior.BDEV_LOOKUP_BEFORE_OPEN);
        // a missing path: quiet lookup on 6.12 (14c2d97265ea), "Can't open blockdev" before the split
        assertThat(failed(MountModel.predict(Scenarios.on(L612).mount("/missing", null)), Errno.ENOENT).log()).isEmpty();
        assertThat(failed(MountModel.predict(Scenarios.on(before).mount("/missing", null)), Errno.ENOENT).log())
                .containsExactly("/missing: Can't open blockdev");
        // a read-only device opened for writing [obs-6.1.0-57 row04]
        assertThat(failed(MountModel.predict(Scenarios.on(L612).bdev("/dev/loop0", plain, "7:0", true, 512).readWrite()
                .mount("/dev/loop0", null)), Errno.EACCES).log()).isEmpty();
        assertThat(failed(MountModel.predict(Scenarios.on(before).bdev("/dev/loop0", plain, "7:0", true, 512).readWrite()
                .mount("/dev/loop0", null)), Errno.EACCES).log()).containsExactly("/dev/loop0: Can't open blockdev");
    }

    @Test
    @DisplayName("erofs_statfs derives f_fsid from the on-disk UUID ([unsure] commit, between 6.1 and 6.12)")
    void statfsFsidFromUuid() {
        byte[] uuid = ImageEditor.of(plain).setBytes(SuperblockField.UUID,
                new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}).fixChecksum().bytes();
        var withIt = mounted(MountModel.predict(Scenarios.on(L612).bdev("/dev/loop0", uuid, "7:0", true, 512)
                .mount("/dev/loop0", null))).statfs();
        // uuid_to_fsid: le64(bytes 0-7) ^ le64(bytes 8-15) = 0x0807060504030201 ^ 0x100f0e0d0c0b0a09
        assertThat(withIt.fsid0()).isEqualTo(0x08080808);
        assertThat(withIt.fsid1()).isEqualTo(0x18080808);
        var before = mounted(MountModel.predict(Scenarios.on(without(L612, Behavior.STATFS_FSID_FROM_UUID))
                .bdev("/dev/loop0", uuid, "7:0", true, 512).mount("/dev/loop0", null))).statfs();
        // huge_encode_dev(7:0) [obs-6.1.0-57: 00000700:00000000]
        assertThat(before.fsid0()).isEqualTo(0x700);
        assertThat(before.fsid1()).isZero();
    }

    @Test
    @DisplayName("the fscache backend removed in 7.x ([unsure] commit): fsid= unknown, domain_id= silent")
    void fscacheRemoved() {
        assertThat(failed(fileMount(L72, plain, "fsid=x"), Errno.EINVAL).log())
                .containsExactly("erofs: Unknown parameter 'fsid'");
        assertThat(mounted(fileMount(L72, plain, "domain_id=d")).log()).doesNotContain("erofs: domain_id option not supported");
        KernelProfile before = without(L72, Behavior.FSCACHE_REMOVED);
        assertThat(mounted(fileMount(before, plain, "fsid=x")).log()).startsWith("erofs: fsid option not supported");
        assertThat(mounted(fileMount(before, plain, "domain_id=d")).log()).startsWith("erofs: domain_id option not supported");
    }

    @Test
    @DisplayName("a file-backed superblock named by its MAJ:MIN in 7.x ([unsure] commit)")
    void fileBackedSuperblockNamedByDeviceNumber() {
        MountOutcome.Mounted m = mounted(fileMount(L72, plain, null));
        assertThat(m.log()).containsExactly("erofs (device 0:*): mounted with root inode @ nid 36.");
        assertThat(m.superblock().sysfsName()).isEqualTo("0:*");
        MountOutcome.Mounted before = mounted(fileMount(without(L72, Behavior.FILEIO_SID_DEVNUM), plain, null));
        assertThat(before.log()).containsExactly(MOUNTED);
        assertThat(before.superblock().sysfsName()).isEqualTo("erofs-*");
    }

    @Test
    @DisplayName("cache_strategy= shown only for compressed images in 7.x ([unsure] commit)")
    void cacheStrategyShownIfCompressed() {
        assertThat(mounted(fileMount(L72, plain, null)).superOptions()).isEqualTo("ro,user_xattr,acl");
        byte[] zeroPadding = ImageEditor.of(plain).set(SuperblockField.FEATURE_INCOMPAT, 0x01).fixChecksum().bytes();
        assertThat(mounted(fileMount(L72, zeroPadding, null)).superOptions())
                .isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        assertThat(mounted(fileMount(without(L72, Behavior.CACHE_STRATEGY_SHOWN_IF_COMPRESSED), plain, null))
                .superOptions()).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
    }

    @Test
    @DisplayName("erofs parses 'source' itself in 7.3 ([unsure] commit): an empty source is a bad value")
    void sourceParameter() {
        MountOutcome.Failed f = failed(MountModel.predict(Scenarios.on(L73).mount("", null)), Errno.EINVAL);
        assertThat(f.log()).containsExactly("erofs: Bad value for 'source'");
        assertThat(mounted(fileMount(L73, plain, null)).log()).containsExactly("erofs (device 0:*): mounted with root inode @ nid 36.");
        MountOutcome.Failed before = failed(MountModel.predict(Scenarios.on(without(L73, Behavior.SOURCE_PARAMETER))
                .mount("", null)), Errno.EINVAL);
        assertThat(before.log()).doesNotContain("erofs: Bad value for 'source'");
    }

    @Test
    @DisplayName("6.1.192: a regular file fails with ENOTBLK and the block layer's line (what containerd retries on)")
    void debian61HasNoFileBackedMounts() {
        KernelProfile l61 = Releases.linux_6_1_192();
        assertThat(failed(fileMount(l61, plain, null), Errno.ENOTBLK).log()).containsExactly("/a: Can't open blockdev");
        assertThat(mounted(MountModel.predict(Scenarios.on(l61).bdev("/dev/loop0", plain, "7:0", true, 512)
                .mount("/dev/loop0", null))).log()).containsExactly("erofs: (device loop0): mounted with root inode @ nid 36.");
    }
}
