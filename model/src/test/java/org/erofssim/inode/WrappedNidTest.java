package org.erofssim.inode;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.erofssim.block.Faults;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A dirent nid whose slot lies past 2^32 blocks: where each release reads the inode and its
 * inline data. The case of the fuzz campaigns (seed 2026 case 102 of session 8, the seed-15 6.12
 * {@code bogus i_mode} class): {@code plain.erofs} as a loop device with the root's dirent of
 * {@code /owned} (nid 1357, at byte 1420) given the high byte 0xff (byte 1427; checksum fixed), so the walk looks
 * {@code /owned} up at nid 0xff0000000000054d, whose 64-bit slot position
 * (0xe00000000000a9a0) wraps, in 44 bits, to inode 1357's (43424 = 1357 * 32).
 */
@DisplayName("a dirent nid with high bits set (u32 erofs_blk_t)")
class WrappedNidTest {
    /** plain.erofs: meta_blkaddr 0, the 4 KiB blocks 6.1 requires. */
    private static final int DIRENT_NID_HIGH_BYTE = 1427;
    private static final int OWNED_NID = 1357;
    /** /owned is FLAT_INLINE, a compact inode: its 6 bytes follow the 32-byte inode. */
    private static final int OWNED_DATA = OWNED_NID * 32 + 32;

    private static byte[] image(byte highByte) {
        byte[] img = ErofsImages.read(ZTrees.fixture("plain.erofs"));
        // the fixture as the test expects it: the dirent names nid 1357, whose inode is the 6-byte /owned
        assertThat(java.nio.ByteBuffer.wrap(img, 1420, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(OWNED_NID);
        img[DIRENT_NID_HIGH_BYTE] = highByte;
        // the root directory's block is block 0, which the superblock checksum covers
        return ImageEditor.of(img).fixChecksum().bytes();
    }

    private static TreeEntry owned(String kernel, byte[] img) {
        MountOutcome o = MountModel.predict(ErofsImages.bdevMount(kernel, img, Faults.NONE, null, true));
        assertThat(o).as(kernel).isInstanceOf(MountOutcome.Mounted.class);
        return ((MountOutcome.Mounted) o).tree().stream().filter(t -> t.path().equals("/owned")).findFirst()
                .orElseThrow();
    }

    private static String sha256(byte[] b, int from, int to) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOfRange(b, from, to)));
    }

    /**
     * The observed case, nid 0xff0000000000054d: 6.12.118 reads inode 1357 (its u32 block) but
     * its inline data at the 64-bit position, past the device: 6 zero bytes; 6.1 reads the data
     * at the wrapped position too: the file's own {@code owned\n} [obs-6.1.0-57-amd64 and
     * obs-6.12.118+deb13-amd64, this image recorded in session 10: sha256 33bff910... and
     * b0f66adc..., 6 bytes each]. 6.17+ refuses the nid before reading it (bit 63 names the
     * metabox inode, which this image lacks) [obs-7.3-amd64: {@code failed to read inode meta
     * block (nid: 18374686479671625037): -117}].
     */
    @Test
    @DisplayName("nid 0xff0000000000054d: inode 1357 on 6.1 and 6.12.118, its data intact on 6.1 only; EUCLEAN on 6.18")
    void theObservedNid() throws Exception {
        byte[] img = image((byte) 0xff);
        String ownData = sha256(img, OWNED_DATA, OWNED_DATA + 6);
        String zeros = sha256(new byte[6], 0, 6);
        for (String k : List.of("6.1", "6.12.118")) {
            TreeEntry e = owned(k, img);
            assertThat(List.of(e.mode(), e.uid(), e.gid(), e.size(), e.readOkBytes())).as(k)
                    .containsExactly("0640", 1234L, 5678L, 6L, 6L);
            assertThat(e.sha256()).as(k).isEqualTo(k.equals("6.1") ? ownData : zeros);
        }
        TreeEntry e618 = owned("6.18", img);
        assertThat(e618.mode()).isNull();
        assertThat(e618.readErrno()).isEqualTo("EUCLEAN");
    }

    /**
     * {@link org.erofssim.kernel.Behavior#INODE_BLOCK_ADDR_64BIT}: with a u64 {@code erofs_blk_t}
     * the slot of nid 0x7f0000000000054d (bit 63 clear, the same wrapped position) is read past
     * the device, zeros: {@code bogus i_mode (0)}, EUCLEAN [obs-6.18.44: the same line for the
     * metabox root nid 0xff00000000000000, session 9]; without it, inode 1357.
     */
    @Test
    @DisplayName("2e1473d5195f erofs: implement 48-bit block addressing for unencoded inodes")
    void c2e1473d5195f() {
        byte[] img = image((byte) 0x7f);
        MountOutcome.Mounted with = (MountOutcome.Mounted) MountModel.predict(
                ErofsImages.bdevMount("6.18", img, Faults.NONE, null, true));
        assertThat(with.log()).contains("erofs (device loop0): bogus i_mode (0) @ nid 9151314442816849229");
        assertThat(owned("6.18", img).readErrno()).isEqualTo("EUCLEAN");
        TreeEntry without = owned("6.18 -INODE_BLOCK_ADDR_64BIT", img);
        assertThat(List.of(without.mode(), without.uid(), without.size())).containsExactly("0640", 1234L, 6L);
        assertThat(without.readErrno()).isNull();
    }

    /**
     * {@link org.erofssim.kernel.Behavior#METABUF_BYTE_OFFSETS}: with metadata read at byte
     * positions the inline data of the wrapped inode is read at its 64-bit position (zeros);
     * without (6.1), at the wrapped one, the file's own bytes.
     */
    @Test
    @DisplayName("4afe6b8d21e5 erofs: don't round offset down for erofs_read_metabuf()")
    void c4afe6b8d21e5() throws Exception {
        byte[] img = image((byte) 0xff);
        assertThat(owned("6.12.0", img).sha256()).isEqualTo(sha256(new byte[6], 0, 6));
        assertThat(owned("6.12.0 -METABUF_BYTE_OFFSETS", img).sha256()).isEqualTo(sha256(img, OWNED_DATA, OWNED_DATA + 6));
    }
}
