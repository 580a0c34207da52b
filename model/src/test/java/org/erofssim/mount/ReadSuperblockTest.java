package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.kernel.ConfigFlag;
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
 * {@code erofs_read_superblock}'s checks in order (spec §4.2), each with the errno and message
 * the spec's verified examples (§10) give, on images edited field by field with the checksum
 * recomputed so that the edit reaches the check it aims at.
 */
@DisplayName("erofs_read_superblock checks")
class ReadSuperblockTest {
    static byte[] plain;
    static final String P = "erofs (device erofs): ";

    @BeforeAll
    static void image() throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.MKFS));
        plain = Files.readAllBytes(TestImages.plain());
    }

    static MountOutcome mount(String kernel, UnaryOperator<ImageEditor> edit) {
        byte[] img = edit.apply(ImageEditor.of(plain)).bytes();
        return MountModel.predict(Scenarios.on(kernel).file("/a", img).mount("/a", null));
    }

    static void fails(MountOutcome o, Errno errno, String... log) {
        assertThat(o).isInstanceOf(MountOutcome.Failed.class);
        assertThat(((MountOutcome.Failed) o).errno()).isEqualTo(errno);
        assertThat(o.log()).containsExactly(log);
    }

    @Test
    @DisplayName("magic patched → EINVAL, cannot find valid erofs superblock")
    void magic() {
        fails(mount("6.18", e -> e.set(SuperblockField.MAGIC, 0x12345678).fixChecksum()), Errno.EINVAL,
                P + "cannot find valid erofs superblock");
    }

    @Test
    @DisplayName("blkszbits 8 and 13 → EINVAL, blkszbits N isn't supported")
    void blkszbits() {
        fails(mount("6.18", e -> e.set(SuperblockField.BLKSZBITS, 8).fixChecksum()), Errno.EINVAL,
                P + "blkszbits 8 isn't supported");
        fails(mount("6.18", e -> e.set(SuperblockField.BLKSZBITS, 13).fixChecksum()), Errno.EINVAL,
                P + "blkszbits 13 isn't supported");
    }

    @Test
    @DisplayName("dirblkbits 1 → EINVAL")
    void dirblkbits() {
        fails(mount("6.18", e -> e.set(SuperblockField.DIRBLKBITS, 1).fixChecksum()), Errno.EINVAL,
                P + "dirblkbits 1 isn't supported");
    }

    @Test
    @DisplayName("a bad checksum → EBADMSG naming computed and stored values")
    void checksum() {
        ImageEditor good = ImageEditor.of(plain);
        long stored = good.get(SuperblockField.CHECKSUM);
        MountOutcome o = mount("6.18", e -> e.set(SuperblockField.CHECKSUM, (stored + 1) & 0xFFFFFFFFL));
        fails(o, Errno.EBADMSG, String.format(P + "invalid checksum 0x%08x, 0x%08x expected", stored, stored + 1));
    }

    @Nested
    @DisplayName("incompatible features per profile")
    class Incompat {
        long base() {
            return ImageEditor.of(plain).get(SuperblockField.FEATURE_INCOMPAT);
        }

        @Test
        @DisplayName("0x80000000 and 0x200 are unknown to 6.18; the message prints the unknown bits in hex")
        void unknown() {
            fails(mount("6.18", e -> e.set(SuperblockField.FEATURE_INCOMPAT, base() | 0x80000000L).fixChecksum()),
                    Errno.EINVAL, P + "unidentified incompatible feature 80000000, please upgrade kernel");
            fails(mount("6.18", e -> e.set(SuperblockField.FEATURE_INCOMPAT, base() | 0x200).fixChecksum()),
                    Errno.EINVAL, P + "unidentified incompatible feature 200, please upgrade kernel");
        }

        @Test
        @DisplayName("48-bit (0x80): 6.18 mounts with the EXPERIMENTAL line, 6.13 refuses it")
        void bit48() {
            MountOutcome o = mount("6.18", e -> e.set(SuperblockField.FEATURE_INCOMPAT, base() | 0x80).fixChecksum());
            assertThat(o.log()).containsExactly(P + "EXPERIMENTAL 48-bit layout support in use. Use at your own risk!",
                    P + "mounted with root inode @ nid 36.");
            fails(mount("6.13", e -> e.set(SuperblockField.FEATURE_INCOMPAT, base() | 0x80).fixChecksum()),
                    Errno.EINVAL, P + "unidentified incompatible feature 80, please upgrade kernel");
        }

        @Test
        @DisplayName("metabox (0x100) without an extslot → EUCLEAN, silent (6.18)")
        void metabox() {
            fails(mount("6.18", e -> e.set(SuperblockField.FEATURE_INCOMPAT, base() | 0x100).fixChecksum()),
                    Errno.EUCLEAN);
        }
    }

    @Test
    @DisplayName("sb_extslots 255 → EINVAL printing the size 4208")
    void extslots() {
        fails(mount("6.18", e -> e.set(SuperblockField.SB_EXTSLOTS, 255).fixChecksum()), Errno.EINVAL,
                P + "invalid sb_extslots 4208 (more than a fs block)");
    }

    @Test
    @DisplayName("a 16-byte volume name mounts on 6.18 and fails with EUCLEAN on 6.13")
    void volumeName() {
        byte[] name = new byte[16];
        Arrays.fill(name, (byte) 'v');
        assertThat(mount("6.18", e -> e.setBytes(SuperblockField.VOLUME_NAME, name).fixChecksum()))
                .isInstanceOf(MountOutcome.Mounted.class);
        fails(mount("6.13", e -> e.setBytes(SuperblockField.VOLUME_NAME, name).fixChecksum()), Errno.EUCLEAN,
                P + "bad volume name without NIL terminator");
    }

    @Test
    @DisplayName("ZIP=n and a non-zero u1 → EOPNOTSUPP")
    void zipOff() {
        byte[] img = ImageEditor.of(plain).set(SuperblockField.U1, 1).fixChecksum().bytes();
        MountOutcome o = MountModel.predict(Scenarios.on("6.18").config(ConfigFlag.EROFS_FS_ZIP, false)
                .file("/a", img).mount("/a", null));
        fails(o, Errno.EOPNOTSUPP, P + "compression disabled, unable to mount compressed EROFS");
    }

    @Nested
    @DisplayName("the root inode (§4.1 step 8, §10)")
    class Root {
        @Test
        @DisplayName("root nid 0 on zeros → EUCLEAN, bogus i_mode (0) @ nid 0")
        void zeros() {
            fails(mount("6.18", e -> e.set(SuperblockField.ROOT_NID, 0).fixChecksum()), Errno.EUCLEAN,
                    P + "bogus i_mode (0) @ nid 0");
        }

        @Test
        @DisplayName("root nid on garbage → EOPNOTSUPP, unsupported i_format")
        void garbage() {
            // nid 999 lies past this small image: its page reads as zeros, so write a format word there
            byte[] img = ImageEditor.of(plain).ensureSize(64 * 1024).set(SuperblockField.ROOT_NID, 999)
                    .write(ImageEditor.of(plain).get(SuperblockField.META_BLKADDR) * 4096 + 999 * 32,
                            new byte[] {0x43, 0x27}).fixChecksum().bytes();
            MountOutcome o = MountModel.predict(Scenarios.on("6.18").file("/a", img).mount("/a", null));
            fails(o, Errno.EOPNOTSUPP, P + "unsupported i_format 10051 of nid 999");
        }
    }

    @Test
    @DisplayName("an empty file or a 512-byte file → EINVAL, cannot find valid erofs superblock")
    void shortFiles() {
        for (int size : new int[] {0, 512}) {
            MountOutcome o = MountModel.predict(Scenarios.on("6.18").file("/a", new byte[size]).mount("/a", null));
            fails(o, Errno.EINVAL, P + "cannot find valid erofs superblock");
        }
    }

    @Test
    @DisplayName("an image truncated to 2048 bytes fails the checksum over the zero-filled tail (EBADMSG)")
    void truncated() {
        MountOutcome o = MountModel.predict(Scenarios.on("6.18").file("/a", Arrays.copyOf(plain, 2048)).mount("/a", null));
        assertThat(((MountOutcome.Failed) o).errno()).isEqualTo(Errno.EBADMSG);
    }
}
