package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.erofssim.block.ImageBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images copied into the sandbox keep their holes (issue 11: a 1 GiB image holding one 4 KiB
 * block was written densely into {@code /tmp}). The copy reads back byte for byte as the image,
 * and allocates about what the image's data needs, not its size. No mount, no root.
 */
class SandboxSparseCopyTest {
    @TempDir Path tmp;

    @Test
    void aSparseImageStaysSparseAndReadsTheSame() throws Exception {
        long size = 64L << 20;
        Path image = tmp.resolve("sparse.img");
        byte[] head = new byte[3 * 4096 + 100];
        Arrays.fill(head, (byte) 0x5a);
        byte[] middle = {1, 2, 3};
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
            f.write(head);
            f.seek(size / 2 + 7);
            f.write(middle);
        }
        Path copy = tmp.resolve("copy.img");
        try (Sandbox sb = Sandbox.create(tmp)) {
            sb.writeImage(ImageBytes.map(image), copy, "/srv/sparse.img");
        }
        assertThat(Files.size(copy)).isEqualTo(size);
        assertThat(Files.mismatch(image, copy)).as("the copy reads as the image").isEqualTo(-1L);
        long allocated = Syscalls.lstat(Syscalls.cPath(copy.toString())).blocks() * 512;
        assertThat(allocated).as("bytes allocated for a 64 MiB image of 12 KiB of data").isLessThanOrEqualTo(64L * 1024);
    }

    @Test
    void anImageEndingInDataAndAnEmptyImageAreCopiedWhole() throws Exception {
        byte[] b = new byte[3 * 4096 + 1];
        b[b.length - 1] = 9;
        Path copy = tmp.resolve("end.img");
        Path empty = tmp.resolve("empty.img");
        try (Sandbox sb = Sandbox.create(tmp)) {
            sb.writeImage(ImageBytes.of(b), copy, "/a");
            sb.writeImage(ImageBytes.of(new byte[0]), empty, "/b");
        }
        assertThat(Files.readAllBytes(copy)).isEqualTo(b);
        assertThat(empty).isEmptyFile();
    }
}
