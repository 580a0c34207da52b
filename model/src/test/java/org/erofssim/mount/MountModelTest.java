package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.Node;
import org.erofssim.contract.MountOutcome;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;
import org.erofssim.testing.Scenarios;
import org.erofssim.testing.TestImages;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The mount path end to end, pinned to the spec's statements (kernel-mount-path.md §3, §4, §8,
 * §9 and the observed examples of §10). Expected values are quoted from the spec.
 */
@DisplayName("MountModel.predict")
class MountModelTest {
    static byte[] plain;
    static byte[] zeroUuid;

    @BeforeAll
    static void images() throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.MKFS));
        plain = Files.readAllBytes(TestImages.plain());
        zeroUuid = Files.readAllBytes(TestImages.zeroUuid());
    }

    static MountOutcome.Mounted mounted(MountOutcome o) {
        assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
        return (MountOutcome.Mounted) o;
    }

    static MountOutcome.Failed failed(MountOutcome o, Errno errno) {
        assertThat(o).isInstanceOf(MountOutcome.Failed.class);
        MountOutcome.Failed f = (MountOutcome.Failed) o;
        assertThat(f.errno()).isEqualTo(errno);
        return f;
    }

    @Nested
    @DisplayName("mode choice (§3, §9)")
    class ModeChoice {
        @Test
        @DisplayName("a regular file on ext4 is a file-backed mount on an anonymous superblock named erofs-N")
        void fileio() {
            MountOutcome.Mounted m = mounted(MountModel.predict(Scenarios.on("6.18").file("/srv/a.erofs", plain)
                    .mount("/srv/a.erofs", null)));
            assertThat(m.mode()).isEqualTo(Mode.FILEIO);
            assertThat(m.superblock().anonDev()).isTrue();
            assertThat(m.superblock().sysfsName()).isEqualTo("erofs-*");
            assertThat(m.log()).containsExactly("erofs (device erofs): mounted with root inode @ nid 36.");
            assertThat(m.superOptions()).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }

        @Test
        @DisplayName("a block device is a bdev mount named after the device, with its dev_t")
        void bdev() {
            MountOutcome.Mounted m = mounted(MountModel.predict(Scenarios.on("6.18")
                    .bdev("/dev/loop0", plain, "7:0", true, 512).mount("/dev/loop0", "")));
            assertThat(m.mode()).isEqualTo(Mode.BDEV);
            assertThat(m.superblock().dev()).isEqualTo("7:0");
            assertThat(m.superblock().sysfsName()).isEqualTo("loop0");
            assertThat(m.log()).containsExactly("erofs (device loop0): mounted with root inode @ nid 36.");
        }

        @Test
        @DisplayName("tmpfs and overlay files have no read_folio: ENOTBLK, silent")
        void noReadFolio() {
            for (BackingFs fs : List.of(BackingFs.TMPFS, BackingFs.OVERLAY, BackingFs.PROC)) {
                MountOutcome.Failed f = failed(MountModel.predict(Scenarios.on("6.18").file("/x", plain, fs)
                        .mount("/x", null)), Errno.ENOTBLK);
                assertThat(f.log()).isEmpty();
            }
        }

        @Test
        @DisplayName("directory and character device → ENOTBLK, socket → ENXIO, FIFO blocks, missing → ENOENT, all silent")
        void otherKinds() {
            Scenarios s = Scenarios.on("6.18").node("/d", new Node.Directory())
                    .node("/dev/null", new Node.CharDevice(new DevT(1, 3))).node("/s", new Node.Socket())
                    .node("/f", new Node.Fifo());
            assertThat(failed(MountModel.predict(s.mount("/d", null)), Errno.ENOTBLK).log()).isEmpty();
            assertThat(failed(MountModel.predict(s.mount("/dev/null", null)), Errno.ENOTBLK).log()).isEmpty();
            assertThat(failed(MountModel.predict(s.mount("/s", null)), Errno.ENXIO).log()).isEmpty();
            assertThat(failed(MountModel.predict(s.mount("/nope", null)), Errno.ENOENT).log()).isEmpty();
            assertThat(MountModel.predict(s.mount("/f", null))).isInstanceOf(MountOutcome.Blocked.class);
        }

        @Test
        @DisplayName("no source → EINVAL with 'No source specified'; empty string → EINVAL silent")
        void noSource() {
            Scenarios s = Scenarios.on("6.18");
            assertThat(failed(MountModel.predict(s.mount(null, null)), Errno.EINVAL).log())
                    .containsExactly("No source specified");
            assertThat(failed(MountModel.predict(s.mount("", null)), Errno.EINVAL).log()).isEmpty();
        }

        @Test
        @DisplayName("without BACKED_BY_FILE a file fails with ENOTBLK and '<src>: Can't lookup blockdev'")
        void withoutBackedByFile() {
            MountOutcome.Failed f = failed(MountModel.predict(Scenarios.on("6.13").file("/srv/a.erofs", plain)
                    .config(ConfigFlag.EROFS_FS_BACKED_BY_FILE, false).mount("/srv/a.erofs", null)), Errno.ENOTBLK);
            assertThat(f.log()).containsExactly("/srv/a.erofs: Can't lookup blockdev");
        }

        @Test
        @DisplayName("without ONDEMAND fsid= is logged as not supported and the mount goes on file-backed")
        void fsidIgnored() {
            MountOutcome.Mounted m = mounted(MountModel.predict(Scenarios.on("6.18").file("/a", plain)
                    .mount("/a", "fsid=abc")));
            assertThat(m.mode()).isEqualTo(Mode.FILEIO);
            assertThat(m.log()).containsExactly("erofs: fsid option not supported",
                    "erofs (device erofs): mounted with root inode @ nid 36.");
        }
    }

    @Nested
    @DisplayName("block devices (§3.2)")
    class BlockDevices {
        @Test
        @DisplayName("a read-only device mounted without ro fails with EACCES and no log line")
        void readOnlyDevice() {
            MountOutcome.Failed f = failed(MountModel.predict(Scenarios.on("6.18")
                    .bdev("/dev/loop0", plain, "7:0", true, 512).readWrite().mount("/dev/loop0", null)), Errno.EACCES);
            assertThat(f.log()).isEmpty();
        }

        @Test
        @DisplayName("an already-mounted device is reused read-only without a log line, and refused read-write with EBUSY")
        void reuse() {
            Scenarios s = Scenarios.on("6.18").bdev("/dev/loop0", plain, "7:0", true, 512).before("/dev/loop0", "noacl");
            MountOutcome.Mounted again = mounted(MountModel.predict(s.mount("/dev/loop0", "acl")));
            assertThat(again.log()).isEmpty();
            assertThat(again.superOptions()).contains(",noacl"); // the first mount's options stay
            MountOutcome.Failed rw = failed(MountModel.predict(s.readWrite().mount("/dev/loop0", null)), Errno.EBUSY);
            assertThat(rw.log()).containsExactly("loop0: Can't mount, would change RO state");
        }

        @Test
        @DisplayName("§9 row 5: a device node on a nodev mount is EACCES from lookup_bdev: silent, or 'Can't lookup blockdev' without BACKED_BY_FILE")
        void nodevMount() {
            String json = "{\"version\": 1, \"kernel\": \"6.18\", %s \"nodes\": {\"/dev/loop0\": {\"kind\": \"bdev\","
                    + " \"image\": \"" + TestImages.plain().toAbsolutePath() + "\", \"nodev\": true}}, \"source\": \"/dev/loop0\"}";
            MountOutcome.Failed y = failed(MountModel.predict(org.erofssim.contract.ScenarioJson.read(
                    String.format(json, ""), TestImages.plain().getParent())), Errno.EACCES);
            assertThat(y.log()).isEmpty();
            assertThat(y.mode()).isNull();
            MountOutcome.Failed n = failed(MountModel.predict(org.erofssim.contract.ScenarioJson.read(
                    String.format(json, "\"config\": {\"EROFS_FS_BACKED_BY_FILE\": false},"),
                    TestImages.plain().getParent())), Errno.EACCES);
            assertThat(n.log()).containsExactly("/dev/loop0: Can't lookup blockdev");
        }

        @Test
        @DisplayName("a 512-byte block image on a 4096-byte-sector device: EINVAL 'erofs: failed to set erofs blksize'")
        void sectorSize() {
            byte[] img = org.erofssim.ondisk.ImageEditor.of(plain)
                    .set(org.erofssim.ondisk.SuperblockField.BLKSZBITS, 9).fixChecksum().bytes();
            MountOutcome.Failed f = failed(MountModel.predict(Scenarios.on("6.18")
                    .bdev("/dev/loop0", img, "7:0", true, 4096).mount("/dev/loop0", null)), Errno.EINVAL);
            assertThat(f.log()).containsExactly("erofs: failed to set erofs blksize");
        }
    }

    @Nested
    @DisplayName("block sizes below PAGE_SIZE file-backed (CVE-2024-56750)")
    class SubPage {
        byte[] bs1k() {
            return org.erofssim.ondisk.ImageEditor.of(plain)
                    .set(org.erofssim.ondisk.SuperblockField.BLKSZBITS, 10).fixChecksum().bytes();
        }

        @Test
        @DisplayName("6.18 mounts with statfs bsize 1024 (§10)")
        void mounts() {
            MountOutcome.Mounted m = mounted(MountModel.predict(Scenarios.on("6.18").file("/a", bs1k()).mount("/a", null)));
            assertThat(m.statfs().bsize()).isEqualTo(1024);
        }

        @Test
        @DisplayName("6.12.0 crashes in sb_set_blocksize")
        void crashes612() {
            assertThat(MountModel.predict(Scenarios.on("6.12.0").file("/a", bs1k()).mount("/a", null)))
                    .isInstanceOf(MountOutcome.Crashed.class);
        }
    }

    @Nested
    @DisplayName("log format per profile (§0.4)")
    class LogFormat {
        @Test
        @DisplayName("6.12 prints 'erofs: (device X): function: message' for errors")
        void old() {
            byte[] img = org.erofssim.ondisk.ImageEditor.of(plain).set(org.erofssim.ondisk.SuperblockField.MAGIC, 0).bytes();
            MountOutcome.Failed f = failed(MountModel.predict(Scenarios.on("6.12.0").file("/a", img).mount("/a", null)),
                    Errno.EINVAL);
            assertThat(f.log()).containsExactly("erofs: (device erofs): erofs_read_superblock: cannot find valid erofs superblock");
        }
    }

    @Nested
    @DisplayName("stacking (§3.3)")
    class Stacking {
        @Test
        @DisplayName("6.18 refuses an image inside a file-backed erofs with ENOTBLK and one line")
        void refused() {
            MountOutcome.Failed f = failed(MountModel.predict(Scenarios.on("6.18").file("/m/a", plain, BackingFs.EROFS)
                    .mount("/m/a", null)), Errno.ENOTBLK);
            assertThat(f.log()).containsExactly("erofs (device erofs): file-backed mounts cannot be applied to stacked fses");
        }

        @Test
        @DisplayName("6.18 allows an image inside a block-device erofs (APEX); 6.13 has no check")
        void allowed() {
            assertThat(MountModel.predict(Scenarios.on("6.18").file("/m/a", plain, BackingFs.EROFS_BDEV).mount("/m/a", null)))
                    .isInstanceOf(MountOutcome.Mounted.class);
            assertThat(MountModel.predict(Scenarios.on("6.13").file("/m/a", plain, BackingFs.EROFS).mount("/m/a", null)))
                    .isInstanceOf(MountOutcome.Mounted.class);
        }
    }

    @Nested
    @DisplayName("statfs (§8.1)")
    class StatfsRules {
        @Test
        @DisplayName("f_fsid is the XOR of the uuid halves: ef7f8e04-… → 5498b077:0529c128")
        void uuid() {
            MountOutcome.Mounted m = mounted(MountModel.predict(Scenarios.on("6.18").file("/a", plain).mount("/a", null)));
            assertThat(m.statfs().fsid()).isEqualTo("5498b077:0529c128");
            assertThat(m.statfs().type()).isEqualTo(0xE0F5E1E2L);
            assertThat(m.statfs().namelen()).isEqualTo(255);
            assertThat(Long.toUnsignedString(m.statfs().files())).isEqualTo("18446744073709551615");
        }

        @Test
        @DisplayName("zero uuid: the encoded dev_t on a bdev (loop3 → 00000703:00000000), zero file-backed")
        void zero() {
            MountOutcome.Mounted b = mounted(MountModel.predict(Scenarios.on("6.18")
                    .bdev("/dev/loop3", zeroUuid, "7:3", true, 512).mount("/dev/loop3", null)));
            assertThat(b.statfs().fsid()).isEqualTo("00000703:00000000");
            MountOutcome.Mounted f = mounted(MountModel.predict(Scenarios.on("6.18").file("/a", zeroUuid).mount("/a", null)));
            assertThat(f.statfs().fsid()).isEqualTo("00000000:00000000");
        }
    }

    @Nested
    @DisplayName("options reach fill_super (§2, §4.7)")
    class Options {
        @Test
        @DisplayName("dax on a file-backed mount is turned off with an info line (6.18) and not shown")
        void dax() {
            MountOutcome.Mounted m = mounted(MountModel.predict(Scenarios.on("6.18").file("/a", plain).mount("/a", "dax")));
            assertThat(m.log()).containsExactly("erofs (device erofs): DAX unsupported by block device. Turning off DAX.",
                    "erofs (device erofs): mounted with root inode @ nid 36.");
            assertThat(m.superOptions()).doesNotContain("dax");
        }

        @Test
        @DisplayName("dax with a device count mismatch: the count check fails first, no DAX line [obs-6.18.44]")
        void daxLineComesAfterTheDeviceCountCheck() {
            // found by LiveScenarioProperties (fixtures/scenarios/found/bdev-0379bd7000.json); the fileio
            // form 'plain + dax,device=<file>' on 6.18.44 logs only 'extra devices don't match (ondisk 0, given 1)'
            Scenarios s = Scenarios.on("6.18").file("/a", plain).file("/b", plain);
            assertThat(failed(MountModel.predict(s.mount("/a", "dax,device=/b")), Errno.EINVAL).log())
                    .containsExactly("erofs (device erofs): extra devices don't match (ondisk 0, given 1)");
        }

        @Test
        @DisplayName("the EXPERIMENTAL 48-bit line follows a failed device scan too [obs-6.18.44]")
        void experimentalLineFollowsAFailedDeviceScan() {
            // found by LiveScenarioProperties (fixtures/scenarios/found/bdev-583e3cecad.json)
            byte[] bit48 = org.erofssim.ondisk.ImageEditor.of(plain)
                    .set(org.erofssim.ondisk.SuperblockField.FEATURE_INCOMPAT, 0x80).fixChecksum().bytes();
            Scenarios s = Scenarios.on("6.18").file("/a", bit48).file("/b", plain);
            assertThat(failed(MountModel.predict(s.mount("/a", "device=/b")), Errno.EINVAL).log()).containsExactly(
                    "erofs (device erofs): extra devices don't match (ondisk 0, given 1)",
                    "erofs (device erofs): EXPERIMENTAL 48-bit layout support in use. Use at your own risk!");
        }

        @Test
        @DisplayName("fsoffset=100 → 'erofs: fsoffset 100 is not aligned to block size 4096'; fsoffset=4096 → no superblock there")
        void fsoffset() {
            Scenarios s = Scenarios.on("6.18").file("/a", plain);
            assertThat(failed(MountModel.predict(s.mount("/a", "fsoffset=100")), Errno.EINVAL).log())
                    .containsExactly("erofs: fsoffset 100 is not aligned to block size 4096");
            assertThat(failed(MountModel.predict(s.mount("/a", "fsoffset=4096")), Errno.EINVAL).log())
                    .containsExactly("erofs (device erofs): cannot find valid erofs superblock");
        }

        @Test
        @DisplayName("directio is shown for a file-backed mount")
        void directio() {
            assertThat(mounted(MountModel.predict(Scenarios.on("6.18").file("/a", plain).mount("/a", "directio")))
                    .superOptions()).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,directio");
        }
    }
}
