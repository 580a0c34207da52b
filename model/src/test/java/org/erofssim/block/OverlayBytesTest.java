package org.erofssim.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.erofssim.kernel.KernelError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OverlayBytes: a shared base plus copies of the pages written")
class OverlayBytesTest {
    private static final int PAGE = ImageBytes.PAGE_SIZE;

    /** Three pages and a half: byte i holds i mod 251. */
    private static byte[] pattern() {
        return ImageBytesTest.pattern();
    }

    @Test void randomWritesReadBackAsTheSameWritesToAnArray() {
        Random r = new Random(12);
        for (int t = 0; t < 200; t++) {
            byte[] base = pattern();
            byte[] expected = base.clone();
            OverlayBytes v = new OverlayBytes(ImageBytes.of(base));
            for (int w = r.nextInt(6); w > 0; w--) {
                byte[] data = new byte[1 + r.nextInt(r.nextBoolean() ? 8 : 6000)];
                r.nextBytes(data);
                int pos = r.nextInt(expected.length - data.length + 1);
                v.write(pos, data);
                System.arraycopy(data, 0, expected, pos, data.length);
            }
            int at = r.nextInt(expected.length);
            v.put(at, (byte) 0x5a);
            expected[at] = 0x5a;
            assertThat(base).as("the base is never written").isEqualTo(pattern());
            assertThat(v.toByteArray()).isEqualTo(expected);
            for (int k = 0; k < 20; k++) {
                int pos = r.nextInt(expected.length + PAGE) - PAGE / 2;
                int len = r.nextInt(3 * PAGE);
                byte[] got = new byte[len + 3];
                int n = v.read(pos, got, 3, len);
                int want = pos < 0 || pos >= expected.length ? 0 : Math.min(len, expected.length - pos);
                assertThat(n).as("read of %d at %d", len, pos).isEqualTo(want);
                if (want > 0) {
                    assertThat(Arrays.copyOfRange(got, 3, 3 + n)).isEqualTo(Arrays.copyOfRange(expected, pos, pos + n));
                }
            }
        }
    }

    @Test void onlyTheWrittenPagesAreCopied() {
        OverlayBytes v = new OverlayBytes(ImageBytes.of(pattern()));
        assertThat(v.pagesCopied()).isZero();
        v.put(1028, (byte) 1);
        v.put(2000, (byte) 2);
        assertThat(v.pagesCopied()).isEqualTo(1);
        v.write(PAGE - 2, new byte[] {7, 7, 7, 7});
        assertThat(v.pagesCopied()).isEqualTo(2);
        v.put(3 * PAGE + 5, (byte) 9);
        assertThat(v.pagesCopied()).isEqualTo(3);
        assertThat(v.size()).isEqualTo(pattern().length);
    }

    @Test void firstPageIsTheBasesSharedPageUntilPageZeroIsWritten() {
        ImageBytes base = ImageBytes.of(pattern());
        OverlayBytes a = new OverlayBytes(base);
        OverlayBytes b = new OverlayBytes(base);
        b.put(3 * PAGE, (byte) 0);
        assertThat(a.firstPage()).isSameAs(base.firstPage()).isSameAs(b.firstPage());
        a.put(1024, (byte) 0x77);
        byte[] expected = Arrays.copyOf(pattern(), PAGE);
        expected[1024] = 0x77;
        assertThat(a.firstPage()).isEqualTo(expected).isNotSameAs(base.firstPage());
        assertThat(base.firstPage()).isEqualTo(Arrays.copyOf(pattern(), PAGE));
    }

    @Test void aTailPageCopyReadsZeroPastTheEndAndWritesStayInside() {
        byte[] small = Arrays.copyOf(pattern(), 1500);
        OverlayBytes v = new OverlayBytes(ImageBytes.of(small));
        v.put(1499, (byte) 3);
        byte[] page = v.firstPage();
        assertThat(page).hasSize(PAGE);
        assertThat(Arrays.copyOfRange(page, 1500, PAGE)).containsOnly(0);
        assertThat(v.read(1400, new byte[500], 0, 500)).isEqualTo(100);
        assertThatThrownBy(() -> v.put(1500, (byte) 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the image");
        assertThatThrownBy(() -> v.write(1498, new byte[3])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> v.put(-1, (byte) 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test void faultsOfTheBaseShowOnItsPagesAndFaultsOnTheViewOnAnyPage() {
        ImageBytes faulty = ImageBytes.of(pattern()).withFaults(new Faults(Map.of(2L, Faults.Kind.EIO)));
        OverlayBytes v = new OverlayBytes(faulty);
        v.put(10, (byte) 1);
        assertThat(v.read(0, new byte[PAGE], 0, PAGE)).isEqualTo(PAGE);
        assertThatThrownBy(() -> v.read(2L * PAGE, new byte[8], 0, 8)).isInstanceOf(KernelError.class);
        ImageBytes onTop = new OverlayBytes(ImageBytes.of(pattern())).withFaults(new Faults(Map.of(0L, Faults.Kind.EIO)));
        assertThatThrownBy(() -> onTop.read(0, new byte[8], 0, 8)).isInstanceOf(KernelError.class);
    }

    @Test void viewsHoldWhatReadCopiesInsideOneCopiedPageOrWhereNothingWasCopied() {
        Random r = new Random(15);
        for (int t = 0; t < 200; t++) {
            byte[] expected = pattern();
            OverlayBytes v = new OverlayBytes(ImageBytes.of(pattern()));
            for (int w = r.nextInt(3); w > 0; w--) {
                int pos = r.nextInt(expected.length);
                v.put(pos, (byte) 0x77);
                expected[pos] = 0x77;
            }
            int views = 0;
            for (int k = 0; k < 40; k++) {
                int pos = r.nextInt(expected.length + 64) - 32;
                int len = r.nextInt(r.nextBoolean() ? 64 : 2 * PAGE);
                java.nio.ByteBuffer b = v.view(pos, len);
                boolean inside = pos >= 0 && len > 0 && pos + len <= expected.length;
                if (!inside) {
                    assertThat(b).as("view of %d at %d", len, pos).isNull();
                    continue;
                }
                if (b != null) {
                    views++;
                    assertThat(b.isReadOnly()).isTrue();
                    byte[] got = new byte[len];
                    b.get(0, got);
                    assertThat(got).as("view of %d at %d", len, pos).isEqualTo(Arrays.copyOfRange(expected, pos, pos + len));
                    assertThat(b.order()).isEqualTo(java.nio.ByteOrder.LITTLE_ENDIAN);
                }
            }
            assertThat(views).as("some ranges give a view").isPositive();
        }
        ImageBytes faulty = ImageBytes.of(pattern()).withFaults(new Faults(Map.of(2L, Faults.Kind.EIO)));
        assertThat(new OverlayBytes(faulty).view(0, 8)).as("a base that gives no view").isNull();
    }
}
