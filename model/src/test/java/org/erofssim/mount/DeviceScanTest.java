package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.block.BackingFs;
import org.erofssim.block.Node;
import org.erofssim.contract.MountOutcome;
import org.erofssim.kernel.Errno;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.testing.Scenarios;
import org.erofssim.testing.TestImages;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code erofs_scan_devices}/{@code erofs_init_device} (spec §4.3 and the multi-device rows of
 * §9) on a real {@code mkfs.erofs --blobdev} image: one on-disk extra device.
 */
@DisplayName("device scan")
class DeviceScanTest {
    static byte[] primary;
    static byte[] blob;

    @BeforeAll
    static void images() throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.MKFS));
        Path[] p = TestImages.withBlob();
        primary = Files.readAllBytes(p[0]);
        blob = Files.readAllBytes(p[1]);
    }

    static Scenarios files(String kernel) {
        return Scenarios.on(kernel).file("/srv/p.erofs", primary).file("/srv/blob", blob)
                .file("/tmp/blob", blob, BackingFs.TMPFS).node("/srv/dir", new Node.Directory())
                .node("/srv/fifo", new Node.Fifo()).bdev("/dev/loop1", blob, "7:1", true, 512)
                .bdev("/dev/loop0", primary, "7:0", true, 512);
    }

    static MountOutcome.Failed failed(MountOutcome o, Errno errno) {
        assertThat(o).isInstanceOf(MountOutcome.Failed.class);
        assertThat(((MountOutcome.Failed) o).errno()).isEqualTo(errno);
        return (MountOutcome.Failed) o;
    }

    @Test
    @DisplayName("no device= with an on-disk device: flat mode, nothing opened")
    void flat() {
        MountOutcome o = MountModel.predict(files("6.18").mount("/srv/p.erofs", null));
        assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
        MountOutcome.Mounted m = (MountOutcome.Mounted) o;
        assertThat(m.devices()).hasSize(1);
        assertThat(m.devices().get(0).kind()).isEqualTo("flat");
        assertThat(m.devices().get(0).id()).isEqualTo(1);
    }

    @Test
    @DisplayName("a count that differs from the table: EINVAL, extra devices don't match (ondisk 1, given 2)")
    void mismatch() {
        MountOutcome.Failed f = failed(MountModel.predict(files("6.18")
                .mount("/srv/p.erofs", "device=/srv/blob,device=/srv/blob")), Errno.EINVAL);
        assertThat(f.log()).containsExactly("erofs (device erofs): extra devices don't match (ondisk 1, given 2)");
    }

    @Test
    @DisplayName("device= on an image without a device table: (ondisk 0, given 1)")
    void noTable() {
        byte[] img = ImageEditor.of(primary).set(SuperblockField.FEATURE_INCOMPAT,
                ImageEditor.of(primary).get(SuperblockField.FEATURE_INCOMPAT) & ~0x8L).fixChecksum().bytes();
        MountOutcome.Failed f = failed(MountModel.predict(files("6.18").file("/srv/q.erofs", img)
                .mount("/srv/q.erofs", "device=/srv/blob")), Errno.EINVAL);
        assertThat(f.log()).containsExactly("erofs (device erofs): extra devices don't match (ondisk 0, given 1)");
    }

    @Nested
    @DisplayName("file-backed primary")
    class Fileio {
        @Test
        @DisplayName("a regular file on any fs, even tmpfs, is opened")
        void files() {
            for (String dev : new String[] {"/srv/blob", "/tmp/blob"}) {
                MountOutcome o = MountModel.predict(DeviceScanTest.files("6.18").mount("/srv/p.erofs", "device=" + dev));
                assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
                assertThat(((MountOutcome.Mounted) o).devices().get(0).kind()).isEqualTo("file");
            }
        }

        @Test
        @DisplayName("a directory or block device is EINVAL, a missing path ENOENT, all silent")
        void others() {
            for (String dev : new String[] {"/srv/dir", "/dev/loop1"}) {
                assertThat(failed(MountModel.predict(DeviceScanTest.files("6.18")
                        .mount("/srv/p.erofs", "device=" + dev)), Errno.EINVAL).log()).isEmpty();
            }
            assertThat(failed(MountModel.predict(DeviceScanTest.files("6.18")
                    .mount("/srv/p.erofs", "device=/nope")), Errno.ENOENT).log()).isEmpty();
        }
    }

    @Nested
    @DisplayName("block-device primary")
    class Bdev {
        @Test
        @DisplayName("a block device is opened")
        void bdev() {
            MountOutcome o = MountModel.predict(files("6.18").mount("/dev/loop0", "device=/dev/loop1"));
            assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
            assertThat(((MountOutcome.Mounted) o).devices().get(0).kind()).isEqualTo("bdev");
        }

        @Test
        @DisplayName("a regular file: EINVAL silent on 6.18; ENOTBLK (after a use-after-free) on 6.13")
        void regularFile() {
            assertThat(failed(MountModel.predict(files("6.18").mount("/dev/loop0", "device=/srv/blob")),
                    Errno.EINVAL).log()).isEmpty();
            MountOutcome.Failed f613 = failed(MountModel.predict(files("6.13").mount("/dev/loop0", "device=/srv/blob")),
                    Errno.ENOTBLK);
            assertThat(f613.notes()).anySatisfy(n -> assertThat(n).contains("use-after-free"));
        }
    }
}
