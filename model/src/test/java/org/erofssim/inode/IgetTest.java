package org.erofssim.inode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.erofssim.block.Faults;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.mount.MountModel;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code erofs_read_inode} facts that the other data tests do not pin. */
@DisplayName("Iget (erofs_read_inode)")
class IgetTest {
    @TempDir
    Path tmp;

    /**
     * A 16 KiB compressible file packed whole into its inode ({@code -zlz4 -Eztailpacking}) has
     * 0 compressed blocks: 6.18.44 reports {@code st_blocks} 0 (observed; the 6.15 48-bit rework
     * takes i_blocks from the compressed block count as is), while 6.13's {@code erofs_read_inode}
     * falls back to {@code round_up(i_size, bs) >> 9} = 32 for a count of 0.
     */
    @Test
    @DisplayName("st_blocks of a compressed file packed into its inode: 0 on 6.18, round_up(size) on 6.13")
    void compressedBlocksOfATailPackedFile() throws Exception {
        ErofsImages.assumeMkfs();
        Path dir = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(dir.resolve("text"), "erofs-sim compressible text line\n".repeat(16384 / 33 + 1)
                .substring(0, 16384), StandardCharsets.US_ASCII);
        byte[] image = ErofsImages.read(ErofsImages.mkfs(tmp.resolve("i.erofs"), dir, "-zlz4", "-Eztailpacking"));
        assertThat(blocksOfText("6.18", image)).isZero();
        assertThat(blocksOfText("6.13", image)).isEqualTo(32);
    }

    /**
     * A compressed inode's block count shifted to 512-byte units in 32 bits, on every release:
     * 6.1/6.12 shift an {@code erofs_blk_t} (u32), 6.15+ {@code le32_to_cpu(i_u.blocks_lo)}; a count
     * of 0xffffffff gives 4294967288, not 34359738360 [obs-6.12.118: fuzz seed 15 on three VM
     * kernels; obs-6.18.44-fc-v1272: fuzz-found/fragments-root-2g-listed].
     */
    @Test
    @DisplayName("i_blocks of a compressed inode wraps at 32 bits (u32 block count shifted as u32) on 6.1, 6.12 and 6.18")
    void compressedBlockCountShiftedIn32Bits() {
        byte[] img = ErofsImages.read(ZTrees.fixture("lz4.erofs"));
        long nid = 879; // /text64k: compact COMPRESSED_COMPACT inode, i_u (blocks) at +16 = 1
        for (int i = 0; i < 4; i++) {
            img[(int) (nid * 32 + 16 + i)] = (byte) 0xff;
        }
        for (String k : java.util.List.of("6.1", "6.12.118", "6.18")) {
            MountModel.LiveMount live = ErofsImages.mount(ErofsImages.bdevMount(k, img, Faults.NONE, null, false));
            SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
            assertThat(Iget.iget(live.sbi(), live.buf(), log, nid).blocks()).as(k).isEqualTo(4294967288L);
        }
    }

    /**
     * {@link org.erofssim.kernel.Behavior#INODE_BLOCKS_HI}: 7.3 widens a compressed inode's block
     * count with {@code i_nb.blocks_hi} and shifts it in 64 bits; 6.18 shifts the 32-bit
     * {@code blocks_lo} in 32 bits. The case: {@code modern/48bit-zstd.erofs} with
     * {@code byte[46848]=0x03}, {@code /many/entry-54} [obs-7.3-amd64 and obs-6.18.44-fc-v1272,
     * fuzz seed 15 case 1182, session 8: 68719476728 and 4294967288].
     */
    @Test
    @DisplayName("803d09a55405 erofs: handle 48-bit blocks_hi for compressed inodes: blocks_hi:blocks_lo shifted in 64 bits on 7.3, 32-bit blocks_lo on 6.18")
    void compressedBlockCountWidenedOn73() {
        byte[] img = ErofsImages.read(ZTrees.fixture("modern/48bit-zstd.erofs"));
        img[46848] = 0x03;
        assertThat(blocksOf("7.3", img, "/many/entry-54")).isEqualTo(68719476728L);
        assertThat(blocksOf("6.18", img, "/many/entry-54")).isEqualTo(4294967288L);
    }

    /**
     * {@link org.erofssim.kernel.Behavior#INODE_BLOCKS_HI} in 7.2.13: {@code crafted/lzma.erofs}
     * with {@code /symlink-fast} (nid 877) made a compact COMPRESSED_FULL inode, its i_u (the
     * NULL address 0xffffffff) read as the block count: 34359738360, a 64-bit shift
     * [obs-7.2.13+deb14-amd64: fuzz seed 15 case 1472, session 10]; 6.18 shifts in 32 bits.
     */
    @Test
    @DisplayName("i_blocks shifted in 64 bits on 7.2.13 as on 7.3 (a 32-bit blocks_lo of 0xffffffff)")
    void compressedBlockCountShiftedIn64BitsOn72() {
        byte[] img = ErofsImages.read(ZTrees.fixture("crafted/lzma.erofs"));
        img[28064] = 0x02;
        assertThat(blocksOfAny("7.2.13", img, "/symlink-fast")).isEqualTo(34359738360L);
        assertThat(blocksOfAny("6.18", img, "/symlink-fast")).isEqualTo(4294967288L);
    }

    private static long blocksOfAny(String kernel, byte[] image, String path) {
        MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(ErofsImages.fileMount(kernel, image, Faults.NONE, null, true));
        return m.tree().stream().filter(t -> t.path().equals(path)).findFirst().orElseThrow().blocks();
    }

    private static long blocksOf(String kernel, byte[] image, String path) {
        MountOutcome o = MountModel.predict(ErofsImages.fileMount(kernel, image, Faults.NONE, null, true));
        assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
        return ((MountOutcome.Mounted) o).tree().stream().filter(t -> t.path().equals(path)).findFirst()
                .orElseThrow().blocks();
    }

    private static long blocksOfText(String kernel, byte[] image) {
        MountOutcome o = MountModel.predict(ErofsImages.fileMount(kernel, image, Faults.NONE, null, true));
        assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
        TreeEntry e = ((MountOutcome.Mounted) o).tree().stream().filter(t -> t.path().equals("/text")).findFirst()
                .orElseThrow();
        assertThat(e.readErrno()).isNull();
        return e.blocks();
    }

    /** Mounts plain.erofs file-backed on {@code kernel} and reads inode {@code nid}; returns the lines after the mount. */
    private static java.util.List<String> igetLines(String kernel, Faults faults, long nid, Errno expected) {
        byte[] img = ErofsImages.read(ZTrees.fixture("plain.erofs"));
        MountModel.LiveMount live = ErofsImages.mount(ErofsImages.fileMount(kernel, img, faults, null, false));
        SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
        assertThatThrownBy(() -> Iget.iget(live.sbi(), live.buf(), log, nid))
                .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(expected));
        return ErofsImages.linesAfterMount(live);
    }

    /**
     * A dirent nid with bit 63 set on an image without metabox: 6.17+ asks the metabox inode for
     * it ({@code erofs_inode_in_metabox}) and {@code erofs_init_metabuf} refuses, EUCLEAN, with
     * the nid printed unsigned [obs-6.18.44: found/fuzz-dirent-nid-bit63, recorded].
     */
    @Test
    @DisplayName("a bit-63 nid without metabox: EUCLEAN and 'failed to read inode meta block' with the unsigned nid")
    void aBit63NidWithoutMetabox() {
        assertThat(igetLines("6.18", Faults.NONE, 0xFFFFFFFF0000005DL, Errno.EUCLEAN)).containsExactly(
                "erofs (device erofs): failed to read inode meta block (nid: 18446744069414584413): -117");
    }

    /**
     * The wording of a failed inode block read changed in 6.17 ("erofs: remove need_kmap in
     * erofs_read_metabuf()"): {@code failed to get inode (nid: N) page, err E} became
     * {@code failed to read inode meta block (nid: N): E}. Inode 128 lies at byte 4096, page 1.
     */
    @Test
    @DisplayName("a failed inode block read: the 6.13 and the 6.17+ wording")
    void theWordingOfAFailedInodeBlockRead() {
        Faults eio = new Faults(Map.of(1L, Faults.Kind.EIO));
        assertThat(igetLines("6.13", eio, 128, Errno.EIO))
                .containsExactly("erofs (device erofs): failed to get inode (nid: 128) page, err -5");
        assertThat(igetLines("6.18", eio, 128, Errno.EIO))
                .containsExactly("erofs (device erofs): failed to read inode meta block (nid: 128): -5");
    }

    @Test
    @DisplayName("READ_INODE_MESSAGE (5e744cb61536, 6.17): the erofs_read_inode wording with and without it")
    void readInodeMessage() {
        Faults eio = new Faults(Map.of(1L, Faults.Kind.EIO));
        assertThat(igetLines("6.18", eio, 128, Errno.EIO))
                .containsExactly("erofs (device erofs): failed to read inode meta block (nid: 128): -5");
        assertThat(igetLines("6.18 -READ_INODE_MESSAGE", eio, 128, Errno.EIO))
                .containsExactly("erofs (device erofs): failed to get inode (nid: 128) page, err -5");
    }

    /**
     * {@link org.erofssim.kernel.Behavior#PLAIN_COMPRESSED_SEPARATED}: {@code plain.erofs} (no
     * compression feature, {@code lz4_max_distance} 0) with {@code /owned} (nid 1357) made a compact
     * COMPRESSED_FULL inode (i_format 0x0002): 7.3 refuses it with a line, EUCLEAN
     * [obs-7.3-amd64: fuzz seed 15 case 149, session 10]; before, it is listed and read through
     * the LZ4 path every plain filesystem had.
     */
    @Test
    @DisplayName("7cef3c834194 erofs: separate plain and compressed filesystems formally (7.0)")
    void plainAndCompressedFilesystemsSeparated() {
        byte[] img = ErofsImages.read(ZTrees.fixture("plain.erofs"));
        assertThat(img[43424]).isEqualTo((byte) 0x04); // /owned: compact FLAT_INLINE
        img[43424] = 0x02;
        MountOutcome.Mounted with = (MountOutcome.Mounted) MountModel.predict(
                ErofsImages.fileMount("7.3", img, Faults.NONE, null, true));
        // 7.2.13+ names a file-backed superblock by its MAJ:MIN (FILEIO_SID_DEVNUM)
        assertThat(with.log()).contains("erofs (device 0:*): compressed inode (nid 1357) is invalid in a plain filesystem");
        assertThat(owned(with).readErrno()).isEqualTo("EUCLEAN");
        assertThat(owned(with).mode()).isNull();
        for (String k : java.util.List.of("7.3 -PLAIN_COMPRESSED_SEPARATED", "6.18")) {
            MountOutcome.Mounted without = (MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount(k, img, Faults.NONE, null, true));
            assertThat(without.log()).as(k).noneMatch(l -> l.contains("plain filesystem"));
            assertThat(owned(without).mode()).as(k).isEqualTo("0640");
        }
    }

    private static TreeEntry owned(MountOutcome.Mounted m) {
        return m.tree().stream().filter(t -> t.path().equals("/owned")).findFirst().orElseThrow();
    }
}
