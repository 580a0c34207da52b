package org.erofssim.regressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.regressions.CommitChecks.failed;
import static org.erofssim.regressions.CommitChecks.fileMount;
import static org.erofssim.regressions.CommitChecks.mounted;
import static org.erofssim.regressions.CommitChecks.without;
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
    @DisplayName("aca740cecbe5 fs: open block device after superblock creation (VFS, 6.6-rc1)")
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
    @DisplayName("1872df8dcd87 erofs: derive fsid from on-disk UUID for .statfs() if possible (6.10-rc1)")
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
    @DisplayName("c37460cd9b2f erofs: remove fscache backend entirely (7.2-rc1): fsid= unknown, domain_id= silent")
    void fscacheRemoved() {
        assertThat(failed(fileMount(L72, plain, "fsid=x"), Errno.EINVAL).log())
                .containsExactly("erofs: Unknown parameter 'fsid'");
        assertThat(mounted(fileMount(L72, plain, "domain_id=d")).log()).doesNotContain("erofs: domain_id option not supported");
        KernelProfile before = without(L72, Behavior.FSCACHE_REMOVED);
        assertThat(mounted(fileMount(before, plain, "fsid=x")).log()).startsWith("erofs: fsid option not supported");
        assertThat(mounted(fileMount(before, plain, "domain_id=d")).log()).startsWith("erofs: domain_id option not supported");
    }

    @Test
    @DisplayName("4698de5b9c12 erofs: use more informative s_id for file-backed mounts (7.2-rc)")
    void fileBackedSuperblockNamedByDeviceNumber() {
        MountOutcome.Mounted m = mounted(fileMount(L72, plain, null));
        assertThat(m.log()).containsExactly("erofs (device 0:*): mounted with root inode @ nid 36.");
        assertThat(m.superblock().sysfsName()).isEqualTo("0:*");
        MountOutcome.Mounted before = mounted(fileMount(without(L72, Behavior.FILEIO_SID_DEVNUM), plain, null));
        assertThat(before.log()).containsExactly(MOUNTED);
        assertThat(before.superblock().sysfsName()).isEqualTo("erofs-*");
    }

    @Test
    @DisplayName("0bca088f6b08 erofs: hide \"cache_strategy=\" for plain filesystems (7.2-rc)")
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

    static byte[] crafted(String name) throws IOException {
        for (java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/images/crafted"))) {
                return Files.readAllBytes(p.resolve("fixtures/images/crafted").resolve(name));
            }
        }
        throw new IllegalStateException("fixtures/images/crafted not found");
    }

    static MountOutcome bdevMount(KernelProfile k, byte[] image) {
        return MountModel.predict(Scenarios.on(k).bdev("/dev/loop0", image, "7:0", true, 512).mount("/dev/loop0", null));
    }

    @Test
    @DisplayName("ffa09b3bd024 erofs: DEFLATE compression support (6.6-rc1)")
    void addDeflateAlgorithmSupport() throws IOException {
        byte[] deflate = crafted("deflate.erofs");
        assertThat(bdevMount(L612, deflate)).isInstanceOf(MountOutcome.Mounted.class);
        assertThat(failed(bdevMount(without(L612, Behavior.DEFLATE_ALGORITHM), deflate), Errno.EOPNOTSUPP).log())
                .containsExactly("erofs: (device loop0): z_erofs_parse_cfgs: unidentified algorithms 4, please upgrade kernel");
    }

    @Test
    @DisplayName("7c35de4df105 erofs: Zstandard compression support (6.10-rc1)")
    void zstandardCompressionSupport() throws IOException {
        byte[] zstd = crafted("zstd.erofs");
        assertThat(bdevMount(L612, zstd)).isInstanceOf(MountOutcome.Mounted.class);
        assertThat(failed(bdevMount(without(L612, Behavior.ZSTD_ALGORITHM), zstd), Errno.EOPNOTSUPP).log())
                .containsExactly("erofs: (device loop0): z_erofs_parse_cfgs: unidentified algorithms 8, please upgrade kernel");
    }

    @Test
    @DisplayName("8b465fecc35a erofs: support flattened block device for multi-blob images (6.4-rc1)")
    void supportFlattenedBlockDevice() throws IOException {
        byte[] flat = crafted("flat-concat.erofs");
        assertThat(bdevMount(L612, flat)).isInstanceOf(MountOutcome.Mounted.class);
        // the slot at 1152 (devt_slotoff 9 * 128) has no tag: without flat mode it must name a device
        assertThat(failed(bdevMount(without(L612, Behavior.FLATTENED_BLOCK_DEVICE), flat), Errno.EINVAL).log())
                .containsExactly("erofs: (device loop0): erofs_init_device: empty device tag @ pos 1152");
    }

    @Test
    @DisplayName("6a318ccd7e08 erofs: enable long extended attribute name prefixes (6.4-rc1)")
    void enableLongExtendedAttributeNamePrefixes() throws IOException {
        byte[] img = crafted("long-prefixes.erofs");
        assertThat(bdevMount(L612, img)).isInstanceOf(MountOutcome.Mounted.class);
        assertThat(failed(bdevMount(without(L612, Behavior.LONG_XATTR_PREFIXES), img), Errno.EINVAL).log())
                .containsExactly("erofs: (device loop0): erofs_read_superblock: unidentified incompatible feature 40,"
                        + " please upgrade kernel");
        assertThat(L612.supportedIncompat() & 0x40).isEqualTo(0x40);
        assertThat(Releases.linux_6_1_192().supportedIncompat()).isEqualTo(0x3F);
    }

    @Test
    @DisplayName("2c534624ae70 erofs: get rid of check_layout_compatibility()")
    void incompatCheckInReadSuperblock() throws IOException {
        byte[] img = crafted("incompat-48bit.erofs");
        assertThat(failed(bdevMount(L612, img), Errno.EINVAL).log()).containsExactly(
                "erofs: (device loop0): erofs_read_superblock: unidentified incompatible feature 80, please upgrade kernel");
        assertThat(failed(bdevMount(without(L612, Behavior.INCOMPAT_CHECK_IN_READ_SUPERBLOCK), img), Errno.EINVAL).log())
                .containsExactly("erofs: (device loop0): check_layout_compatibility: unidentified incompatible feature 80,"
                        + " please upgrade kernel version");
    }

    @Test
    @DisplayName("6020ffe76d11 erofs: rename init_inode_xattrs with erofs_ prefix (6.4-rc1)")
    void renameInitInodeXattrs() throws IOException {
        byte[] img = crafted("fuzz-xattr-isize-12.erofs");
        String line = "xattr_isize 12 of nid ";
        assertThat(MountModel.predict(Scenarios.on(L612).bdev("/dev/loop0", img, "7:0", true, 512).read()
                .mount("/dev/loop0", null)).log()).anyMatch(l -> l.contains("erofs_init_inode_xattrs: " + line));
        assertThat(MountModel.predict(Scenarios.on(without(L612, Behavior.XATTR_INIT_FUNCTION_RENAMED))
                .bdev("/dev/loop0", img, "7:0", true, 512).read().mount("/dev/loop0", null)).log())
                .anyMatch(l -> l.contains(": init_inode_xattrs: " + line));
    }

    @Test
    @DisplayName("8bdb6a8393dc erofs: simplify erofs_map_blocks_flatmode() (6.12-rc1): 'inline data across blocks'")
    void inlineAcrossBlocksMessage() throws IOException {
        byte[] img = crafted("blkszbits9.erofs");
        assertThat(MountModel.predict(Scenarios.on(L612).bdev("/dev/loop0", img, "7:0", true, 512).read()
                .mount("/dev/loop0", null)).log()).anyMatch(l -> l.endsWith("erofs_map_blocks_flatmode: inline data across blocks @ nid 37"));
        assertThat(MountModel.predict(Scenarios.on(without(L612, Behavior.INLINE_ACROSS_BLOCKS_MESSAGE))
                .bdev("/dev/loop0", img, "7:0", true, 512).read().mount("/dev/loop0", null)).log())
                .anyMatch(l -> l.endsWith("erofs_map_blocks_flatmode: inline data cross block boundary @ nid 37"));
    }

    @Test
    @DisplayName("a97b59ed7968 erofs: drop experimental warning for FSDAX (6.9-rc2)")
    void daxNotExperimental() {
        MountOutcome now = MountModel.predict(Scenarios.on(L612).bdev("/dev/loop0", plain, "7:0", true, 512)
                .mount("/dev/loop0", "dax"));
        assertThat(now.log()).doesNotContain("erofs: DAX enabled. Warning: EXPERIMENTAL, use at your own risk");
        MountOutcome before = MountModel.predict(Scenarios.on(without(L612, Behavior.DAX_NOT_EXPERIMENTAL))
                .bdev("/dev/loop0", plain, "7:0", true, 512).mount("/dev/loop0", "dax"));
        assertThat(before.log()).startsWith("erofs: DAX enabled. Warning: EXPERIMENTAL, use at your own risk");
    }

    @Test
    @DisplayName("erofs_fill_dentries folded into erofs_readdir ([unsure] commit)")
    void fillDentriesFolded() throws IOException {
        // function names show only in the old log format: 6.18.44 without 90655ee279b2
        KernelProfile l618old = without(Releases.linux_6_18_44(), Behavior.DEVICE_LOG_PREFIX);
        byte[] img = crafted("fuzz-dirent-nameoff0.erofs");
        assertThat(MountModel.predict(Scenarios.on(l618old).bdev("/dev/loop0", img, "7:0", true, 512).read()
                .mount("/dev/loop0", null)).log()).anyMatch(l -> l.contains(": erofs_readdir: bogus dirent @ nid "));
        assertThat(MountModel.predict(Scenarios.on(without(l618old, Behavior.FILL_DENTRIES_FOLDED))
                .bdev("/dev/loop0", img, "7:0", true, 512).read().mount("/dev/loop0", null)).log())
                .anyMatch(l -> l.contains(": erofs_fill_dentries: bogus dirent @ nid "));
    }

    @Test
    @DisplayName("65d1f5507ed2 zstd: Import upstream v1.5.7 (6.15-rc1): the library's error strings")
    void zstdImportUpstream157() throws IOException {
        KernelProfile l618 = Releases.linux_6_18_44();
        byte[] img = crafted("zstd-corrupt.erofs");
        assertThat(MountModel.predict(Scenarios.on(l618).file("/a", img).read().mount("/a", null)).log())
                .anyMatch(l -> l.endsWith(": Data corruption detected"));
        assertThat(MountModel.predict(Scenarios.on(without(l618, Behavior.ZSTD_1_5_7_ERROR_STRINGS)).file("/a", img)
                .read().mount("/a", null)).log()).anyMatch(l -> l.endsWith(": Corrupted block detected"))
                .noneMatch(l -> l.endsWith(": Data corruption detected"));
    }

    @Test
    @DisplayName("8f2fb72fd17e erofs: update compression algorithm status (7.0-rc1): no DEFLATE warning")
    void deflateNotExperimental() throws IOException {
        byte[] img = crafted("deflate.erofs");
        String warning = "erofs (device loop0): EXPERIMENTAL DEFLATE feature in use. Use at your own risk!";
        assertThat(bdevMount(L72, img).log()).doesNotContain(warning);
        assertThat(bdevMount(without(L72, Behavior.DEFLATE_NOT_EXPERIMENTAL), img).log()).contains(warning);
    }

    @Test
    @DisplayName("file-backed metadata reads past the file's end fail with EIO in 7.3 ([unsure] commit)")
    void fileioMetadataShortReadEio() {
        byte[] truncated = java.util.Arrays.copyOf(plain, 512);
        assertThat(failed(fileMount(L73, truncated, null), Errno.EIO).log())
                .containsExactly("erofs (device 0:*): cannot read erofs superblock");
        // before (7.2.13 too): the page cache zero-fills past i_size, so the magic is missing
        assertThat(failed(fileMount(without(L73, Behavior.FILEIO_METADATA_SHORT_READ_EIO), truncated, null), Errno.EINVAL)
                .log()).containsExactly("erofs (device 0:*): cannot find valid erofs superblock");
        // a block device reads as before
        assertThat(failed(MountModel.predict(Scenarios.on(L73).bdev("/dev/loop0", truncated, "7:0", true, 512)
                .mount("/dev/loop0", null)), Errno.EINVAL).log()).containsExactly(
                        "erofs (device loop0): cannot find valid erofs superblock");
    }

    @Test
    @DisplayName("831faabed812 erofs: improve decompression error reporting (6.19-rc1): one 'failed to decompress' line")
    void decompressErrorFormat() throws IOException {
        byte[] img = crafted("deflate-corrupt.erofs");
        // [obs-7.2.13 algorithms/deflate-corrupt-bdev: pa 28672 size 4096 => 65536]
        assertThat(MountModel.predict(Scenarios.on(L72).bdev("/dev/loop0", img, "7:0", true, 512).read()
                .mount("/dev/loop0", null)).log()).contains("erofs (device loop0): failed to decompress (deflate)"
                        + " corrupted compressed data @ pa 28672 size 4096 => 65536");
        assertThat(MountModel.predict(Scenarios.on(without(L72, Behavior.DECOMPRESS_ERROR_FORMAT))
                .bdev("/dev/loop0", img, "7:0", true, 512).read().mount("/dev/loop0", null)).log())
                .contains("erofs (device loop0): failed to decompress -3 in[0] out[61440]");
    }

    @Test
    @DisplayName("file-backed metadata read at the unaligned fsoffset in 7.2.13 ([unsure] commit)")
    void fileioMetadataByteOffset() {
        assertThat(failed(fileMount(L72, plain, "fsoffset=100"), Errno.EINVAL).log())
                .containsExactly("erofs (device 0:*): cannot find valid erofs superblock");
        assertThat(failed(fileMount(without(L72, Behavior.FILEIO_METADATA_BYTE_OFFSET), plain, "fsoffset=100"),
                Errno.EINVAL).log()).containsExactly("erofs: fsoffset 100 is not aligned to block size 4096");
    }

    @Test
    @DisplayName("mm/readahead: honour new_order in page_cache_ra_order() ([unsure] hash, mm, 6.17-rc1): cold readahead builds order-0 folios")
    void readaheadHonoursNewOrder() throws IOException {
        KernelProfile l618 = Releases.linux_6_18_44();
        KernelProfile before = without(l618, Behavior.READAHEAD_HONOURS_NEW_ORDER);
        byte[] twodev = crafted("twodev.erofs");
        // /f9000 (3 pages) names device 3, which has no slot: every page fails its erofs_map_dev
        String line = "erofs (device erofs): readahead error at folio ";
        assertThat(readLog(l618, twodev)).containsSubsequence(line + "0 @ nid 93", line + "1 @ nid 93", line + "2 @ nid 93");
        // before: an order-1 folio (pages 0-1; order 2 would pass EOF) and an order-0 folio at 2 [obs-6.12.118 addressing/twodev-flat]
        assertThat(readLog(before, twodev)).contains(line + "0 @ nid 93", line + "2 @ nid 93")
                .doesNotContain(line + "1 @ nid 93");
        // /f4097's second page fails (flat mode reads it from the primary's start): alone, or with page 0 in one folio
        assertThat(entry(l618, twodev, "/f4097").readOkBytes()).isEqualTo(4096);
        assertThat(entry(before, twodev, "/f4097").readOkBytes()).isZero();
        assertThat(entry(before, twodev, "/f4097").readErrno()).isEqualTo("EIO");
    }

    @Test
    @DisplayName("35224da7e30b mm/filemap: skip non-uptodate folio if there are available folios (plain, file-backed)")
    void c35224da7e30b() throws IOException {
        KernelProfile l618 = Releases.linux_6_18_44();
        byte[] img = crafted("blkszbits10.erofs");
        String line = "erofs (device erofs): inline data across blocks @ nid 87";
        // page 2 of /f9000 has its inline tail across a 1 KiB block: once by readahead, once per read(2) call
        assertThat(readLog(l618, img).stream().filter(line::equals)).hasSize(3);
        // before: filemap_read's loop runs read_folio once more in the first call [obs-6.12.118 superblock/blkszbits10]
        assertThat(readLog(without(l618, Behavior.FILEMAP_READ_STOPS_AT_FAILED_FOLIO), img).stream().filter(line::equals))
                .hasSize(4);
    }

    /** The log of a file-backed mount of {@code image} at {@code /a} with the whole tree read. */
    static java.util.List<String> readLog(KernelProfile k, byte[] image) {
        return mounted(MountModel.predict(Scenarios.on(k).file("/a", image).read().mount("/a", null))).log();
    }

    static org.erofssim.contract.TreeEntry entry(KernelProfile k, byte[] image, String path) {
        return mounted(MountModel.predict(Scenarios.on(k).file("/a", image).read().mount("/a", null))).tree().stream()
                .filter(e -> e.path().equals(path)).findFirst().orElseThrow();
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
