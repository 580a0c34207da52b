package org.erofssim.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ImageBytes reads like pread(2) and injects faults by page")
class ImageBytesTest {
    private static final int PAGE = ImageBytes.PAGE_SIZE;

    /** Three pages and a half: byte i holds i mod 251 (OverlayBytesTest's base too). */
    static byte[] pattern() {
        byte[] b = new byte[3 * PAGE + PAGE / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    @Nested
    @DisplayName("reads")
    class Reads {
        @Test void aReadInsideCopiesExactlyTheAskedBytes() {
            byte[] dst = new byte[10];
            assertThat(ImageBytes.of(pattern()).read(100, dst, 0, 10)).isEqualTo(10);
            assertThat(dst).isEqualTo(Arrays.copyOfRange(pattern(), 100, 110));
        }

        @Test void aReadAcrossTheEndReturnsFewerBytes() {
            ImageBytes img = ImageBytes.of(pattern());
            byte[] dst = new byte[100];
            assertThat(img.read(img.size() - 30, dst, 0, 100)).isEqualTo(30);
        }

        @Test void aReadAtOrPastTheEndReturnsNothing() {
            ImageBytes img = ImageBytes.of(pattern());
            assertThat(img.read(img.size(), new byte[8], 0, 8)).isZero();
            assertThat(img.read(img.size() + 4096, new byte[8], 0, 8)).isZero();
            assertThat(ImageBytes.empty().read(0, new byte[8], 0, 8)).isZero();
        }

        @Test void readFullyPadsWithZerosPastTheEnd() {
            ImageBytes img = ImageBytes.of(new byte[] {1, 2, 3});
            ByteBuffer buf = img.readFully(1, 6);
            assertThat(buf.capacity()).isEqualTo(6);
            assertThat(buf.array()).containsExactly(2, 3, 0, 0, 0, 0);
            assertThat(buf.order()).isEqualTo(java.nio.ByteOrder.LITTLE_ENDIAN);
        }

        @Test void aMappedFileReadsTheSameBytesAsAnArray(@TempDir Path dir) throws IOException {
            Path f = dir.resolve("img");
            Files.write(f, pattern());
            ImageBytes mapped = ImageBytes.map(f);
            assertThat(mapped.size()).isEqualTo(pattern().length);
            byte[] dst = new byte[64];
            assertThat(mapped.read(mapped.size() - 32, dst, 0, 64)).isEqualTo(32);
            assertThat(Arrays.copyOf(dst, 32)).isEqualTo(Arrays.copyOfRange(pattern(), pattern().length - 32, pattern().length));
            assertThat(mapped.read(mapped.size() + 1, dst, 0, 64)).isZero();
        }
    }

    @Nested
    @DisplayName("faults")
    class FaultInjection {
        private final ImageBytes eioOnPage1 = ImageBytes.of(pattern()).withFaults(new Faults(Map.of(1L, Faults.Kind.EIO)));
        private final ImageBytes shortAtPage2 = ImageBytes.of(pattern()).withFaults(new Faults(Map.of(2L, Faults.Kind.SHORT)));

        @Test void noFaultsKeepsTheSameObject() {
            ImageBytes img = ImageBytes.of(pattern());
            assertThat(img.withFaults(Faults.NONE)).isSameAs(img);
        }

        @Test void aReadTouchingAnEioPageFailsWithEio() {
            assertThatThrownBy(() -> eioOnPage1.read(PAGE - 1, new byte[2], 0, 2))
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
            assertThatThrownBy(() -> eioOnPage1.readFully(0, 3 * PAGE))
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
        }

        @Test void readsBesideAnEioPageSucceed() {
            assertThat(eioOnPage1.read(0, new byte[PAGE], 0, PAGE)).isEqualTo(PAGE);
            assertThat(eioOnPage1.read(2 * PAGE, new byte[PAGE], 0, PAGE)).isEqualTo(PAGE);
            assertThat(eioOnPage1.size()).isEqualTo(pattern().length);
        }

        @Test void aShortPageEndsEveryReadAtItsStart() {
            byte[] dst = new byte[2 * PAGE];
            assertThat(shortAtPage2.read(PAGE, dst, 0, 2 * PAGE)).isEqualTo(PAGE);
            assertThat(Arrays.copyOf(dst, PAGE)).isEqualTo(Arrays.copyOfRange(pattern(), PAGE, 2 * PAGE));
            assertThat(shortAtPage2.read(2 * PAGE, dst, 0, 10)).isZero();
            assertThat(shortAtPage2.read(2 * PAGE + 5, dst, 0, 10)).isZero();
        }

        @Test void aShortPageLeavesZerosInReadFully() {
            ByteBuffer buf = shortAtPage2.readFully(2 * PAGE - 4, 8);
            assertThat(Arrays.copyOfRange(buf.array(), 4, 8)).containsOnly(0);
            assertThat(Arrays.copyOf(buf.array(), 4)).isEqualTo(Arrays.copyOfRange(pattern(), 2 * PAGE - 4, 2 * PAGE));
        }

        @Test void aZeroLengthReadNeverFaults() {
            assertThat(eioOnPage1.read(PAGE, new byte[0], 0, 0)).isZero();
        }
    }
}
