package org.erofssim.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.testing.Checkout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: images over 2 GiB. A sparse 10 GiB file made here (never committed; it occupies a
 * few KiB on disk): {@link ImageBytes#map} reads it at offsets past 2 GiB and 4 GiB like
 * {@code pread(2)}, and a file-backed mount of {@code plain.erofs} padded to 10 GiB reads the
 * same tree as the image itself.
 */
class LargeImageTest {
    static final long TEN_GIB = 10L << 30;

    @TempDir
    Path dir;

    private Path sparse(byte[] head, long at, byte[] marker) throws Exception {
        Path f = dir.resolve("sparse-10g.img");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(head);
            raf.seek(at);
            raf.write(marker);
            raf.setLength(TEN_GIB);
        }
        return f;
    }

    @Test
    void readsPast2And4GiBLikePread() throws Exception {
        byte[] marker = "past four GiB".getBytes(StandardCharsets.US_ASCII);
        long at = (4L << 30) + 12345;
        ImageBytes b = ImageBytes.map(sparse(new byte[] {1, 2, 3}, at, marker));
        assertThat(b.size()).isEqualTo(TEN_GIB);
        byte[] got = new byte[marker.length + 4];
        assertThat(b.read(at - 2, got, 0, got.length)).isEqualTo(got.length);
        assertThat(new String(got, 2, marker.length, StandardCharsets.US_ASCII)).isEqualTo("past four GiB");
        assertThat(got[0]).isZero(); // a hole reads as zeros
        byte[] head = new byte[3];
        assertThat(b.read(0, head, 0, 3)).isEqualTo(3);
        assertThat(head).containsExactly(1, 2, 3);
        byte[] tail = new byte[100];
        assertThat(b.read(TEN_GIB - 40, tail, 0, 100)).isEqualTo(40); // short at the end
        assertThat(b.read(TEN_GIB, tail, 0, 100)).isZero();             // nothing past it
        assertThat(b.read((3L << 30) + 7, tail, 0, 100)).isEqualTo(100); // between 2 and 4 GiB
    }

    @Test
    void aFileBackedMountOfA10GiBImageReadsTheSameTree() throws Exception {
        byte[] plain = Files.readAllBytes(Checkout.images().resolve("plain.erofs"));
        Path big = sparse(plain, (6L << 30), new byte[] {42});
        MountOutcome small = predict(ImageBytes.of(plain));
        MountOutcome large = predict(ImageBytes.map(big));
        assertThat(small).isInstanceOf(MountOutcome.Mounted.class);
        assertThat(large).isInstanceOf(MountOutcome.Mounted.class);
        assertThat(((MountOutcome.Mounted) large).tree()).isEqualTo(((MountOutcome.Mounted) small).tree());
        assertThat(((MountOutcome.Mounted) large).log()).isEqualTo(((MountOutcome.Mounted) small).log());
    }

    private static MountOutcome predict(ImageBytes bytes) {
        return MountModel.predict(Scenario.builder().name("large").kernel(KernelConfig.of(Releases.DEFAULT))
                .node("/srv/image.erofs", new Node.RegularFile(bytes, BackingFs.EXT4))
                .source("/srv/image.erofs").read(true).build());
    }

    @Test
    void aBatchScopeSharesOneMappingPerFileAndSeesAReplacedFileAnew() throws Exception {
        Path f = dir.resolve("a.img");
        Files.write(f, new byte[] {1, 2, 3, 4});
        ImageBytes outside1 = ImageBytes.map(f);
        ImageBytes outside2 = ImageBytes.map(f);
        assertThat(outside1).isNotSameAs(outside2); // no scope: each map is its own
        ImageBytes.sharingMappings(() -> {
            ImageBytes a = ImageBytes.map(f);
            assertThat(ImageBytes.map(f)).isSameAs(a);
            assertThat(ImageBytes.map(dir.resolve(".").resolve("a.img"))).isSameAs(a);
            try {
                Path g = dir.resolve("b.img");
                Files.write(g, new byte[] {9, 9, 9, 9, 9});
                Files.move(g, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // another file, another size
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            ImageBytes c = ImageBytes.map(f);
            assertThat(c).isNotSameAs(a);
            assertThat(c.size()).isEqualTo(5);
            return null;
        });
    }
}
