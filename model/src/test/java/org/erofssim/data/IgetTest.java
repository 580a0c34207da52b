package org.erofssim.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.block.Faults;
import org.erofssim.mount.MountModel;
import org.erofssim.mount.MountOutcome;
import org.erofssim.mount.TreeEntry;
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

    private static long blocksOfText(String kernel, byte[] image) {
        MountOutcome o = MountModel.predict(ErofsImages.fileMount(kernel, image, Faults.NONE, null, true));
        assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
        TreeEntry e = ((MountOutcome.Mounted) o).tree().stream().filter(t -> t.path().equals("/text")).findFirst()
                .orElseThrow();
        assertThat(e.readErrno()).isNull();
        return e.blocks();
    }
}
