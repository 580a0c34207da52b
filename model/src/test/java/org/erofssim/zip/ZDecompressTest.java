package org.erofssim.zip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import net.jpountz.lz4.LZ4Factory;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.NotModelled;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link ZDecompress}. Pclusters are built here the way erofs-utils writes them (a block with
 * the LZ4 stream at its end after zeros when ZERO_PADDING is on, at its start followed by
 * zeros otherwise; uncompressed data as is or rotated for INTERLACED); the expected bytes are
 * the data compressed. Superblocks come from the fixtures lz4.erofs (0padding) and
 * lz4-legacy.erofs (none).
 */
@DisplayName("ZDecompress turns a pcluster into the start of its extent as z_erofs_decompress does")
class ZDecompressTest {
    static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    static final String P = "erofs (device erofs): ";

    static ZTrees.Live padded() {
        return ZTrees.mount("6.18", ErofsImages.read(ZTrees.fixture("lz4.erofs")), false);
    }

    static ZTrees.Live legacy() {
        return ZTrees.mount("6.18", ErofsImages.read(ZTrees.fixture("lz4-legacy.erofs")), false);
    }

    /** {@code blocks} blocks holding the LZ4 stream of {@code data} at their end, zeros before. */
    static byte[] paddedPcluster(byte[] data, int blocks) {
        byte[] z = LZ4.highCompressor().compress(data);
        byte[] pc = new byte[blocks * 4096];
        System.arraycopy(z, 0, pc, pc.length - z.length, z.length);
        return pc;
    }

    static ZDecompress.Request lz4(byte[] in, int outputsize, boolean partial) {
        return new ZDecompress.Request(in, 0, in.length, 0, outputsize, ZMapBlocks.LZ4, partial);
    }

    @Nested
    @DisplayName("LZ4 with ZERO_PADDING")
    class Padded {
        @Test void theZerosBeforeTheStreamAreSkippedAndTheWholeExtentComesBack() {
            ZTrees.Live live = padded();
            byte[] data = ZTrees.text(9000, 1);
            byte[] pc = paddedPcluster(data, 1);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), lz4(pc, 9000, false))).isEqualTo(data);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), lz4(pc, 4000, true)))
                    .isEqualTo(Arrays.copyOf(data, 4000));
            assertThat(live.lines()).isEmpty();
        }

        @Test void aBigPclusterSpansSeveralBlocks() {
            ZTrees.Live live = padded();
            byte[] data = ErofsImages.noise(10_000, 2);
            byte[] pc = paddedPcluster(data, 3);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), lz4(pc, 10_000, false))).isEqualTo(data);
        }

        @Test void anAllZeroFirstBlockIsEucleanWithoutALogLine() {
            ZTrees.Live live = padded();
            assertThatThrownBy(() -> ZDecompress.decompress(live.sbi(), live.sblog(), lz4(new byte[4096], 100, false)))
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EUCLEAN));
            assertThat(live.lines()).isEmpty();
        }

        @Test void aFullDecodeThatYieldsTooFewBytesLogsTheCountItGot() {
            ZTrees.Live live = padded();
            byte[] data = ZTrees.text(5000, 3);
            byte[] pc = paddedPcluster(data, 1);
            int insize = LZ4.highCompressor().compress(data).length;
            assertThatThrownBy(() -> ZDecompress.decompress(live.sbi(), live.sblog(), lz4(pc, 5100, false)))
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EUCLEAN));
            assertThat(live.lines()).containsExactly(P + "failed to decompress 5000 in[" + insize + ", "
                    + (4096 - insize) + "] out[5100]");
        }

        @Test void aPartialDecodeStopsAtItsLengthButAFullOneMustMatchIt() {
            ZTrees.Live live = padded();
            byte[] data = ZTrees.text(5000, 3);
            byte[] pc = paddedPcluster(data, 1);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), lz4(pc, 4999, true)))
                    .isEqualTo(Arrays.copyOf(data, 4999));
            assertThatThrownBy(() -> ZDecompress.decompress(live.sbi(), live.sblog(), lz4(pc, 4999, false)))
                    .isInstanceOf(KernelError.class);
            assertThat(live.lines()).singleElement().asString().startsWith(P + "failed to decompress -");
        }

        @Test void anInlinePclusterStartsInsideItsPage() {
            ZTrees.Live live = padded();
            byte[] data = ZTrees.text(2000, 4);
            byte[] z = LZ4.highCompressor().compress(data);
            byte[] page = new byte[4096];
            System.arraycopy(z, 0, page, 1500, z.length);
            ZDecompress.Request rq = new ZDecompress.Request(page, 1500, z.length, 100, 2000, ZMapBlocks.LZ4, true);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), rq)).isEqualTo(data);
        }
    }

    @Nested
    @DisplayName("LZ4 without ZERO_PADDING (legacy)")
    class Legacy {
        @Test void theStreamStartsTheBlockAndWhatFollowsIsIgnored() {
            ZTrees.Live live = legacy();
            byte[] data = ZTrees.text(12_000, 5);
            byte[] z = LZ4.fastCompressor().compress(data);
            byte[] pc = Arrays.copyOf(z, (z.length + 4095) / 4096 * 4096);
            // always partial: even the whole extent decodes past the trailing zeros
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), lz4(pc, 12_000, false))).isEqualTo(data);
            // "legacy format could compress extra data in a pcluster": a shorter extent is a prefix
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), lz4(pc, 8192, false)))
                    .isEqualTo(Arrays.copyOf(data, 8192));
            assertThat(live.lines()).isEmpty();
        }
    }

    @Nested
    @DisplayName("uncompressed pclusters and other algorithms")
    class Plain {
        @Test void shiftedCopiesThePcluster() {
            ZTrees.Live live = padded();
            byte[] block = ErofsImages.noise(4096, 6);
            ZDecompress.Request rq = new ZDecompress.Request(block, 0, 4096, 1234, 3000, ZMapBlocks.SHIFTED, true);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), rq)).isEqualTo(Arrays.copyOf(block, 3000));
        }

        @Test void interlacedUnrotatesTheBlockByTheExtentsOffsetInIt() {
            ZTrees.Live live = padded();
            byte[] data = ErofsImages.noise(4096, 7);
            int ofs = 1000; // the extent starts 1000 bytes into its block: byte i lives at (1000 + i) mod 4096
            byte[] block = new byte[4096];
            for (int i = 0; i < 4096; i++) {
                block[(ofs + i) % 4096] = data[i];
            }
            ZDecompress.Request rq = new ZDecompress.Request(block, 0, 4096, ofs, 4096, ZMapBlocks.INTERLACED, false);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), rq)).isEqualTo(data);
        }

        @Test void shiftedBytesPastTheReadDataAreZeros() {
            // an inline pcluster near its page's end: the page read holds 100 of its 300 bytes
            ZTrees.Live live = padded();
            byte[] page = ErofsImages.noise(4096, 8);
            ZDecompress.Request rq = new ZDecompress.Request(page, 3996, 300, 0, 250, ZMapBlocks.SHIFTED, true);
            byte[] want = new byte[250];
            System.arraycopy(page, 3996, want, 0, 100);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), rq)).isEqualTo(want);
        }

        @Test void interlacedOffsetBeforeThePageWrapsToItsEnd() {
            // the rotated head would start before the input (pageofsIn + inputsize is less than the
            // block's rest): the kernel takes the offset modulo the page, so it starts near the page's
            // end, and what runs past the page reads as zeros here [obs-6.12.107, obs-6.18.44
            // backports/zmap-interlaced-wrap]
            ZTrees.Live live = padded();
            byte[] page = ErofsImages.noise(4096, 9);
            ZDecompress.Request rq = new ZDecompress.Request(page, 10, 150, 3900, 150, ZMapBlocks.INTERLACED, true);
            // head: 196 bytes wanted, min 150, from (10 + 150 - 196) mod 4096 = 4060: 36 bytes of the page
            byte[] want = new byte[150];
            System.arraycopy(page, 4060, want, 0, 36);
            assertThat(ZDecompress.decompress(live.sbi(), live.sblog(), rq)).isEqualTo(want);
        }

        @Test void zerosSaysWhetherARangeHoldsOnlyZeros() {
            byte[] a = new byte[3 * 4096];
            assertThat(ZPcluster.zeros(a, 0, a.length)).isTrue();
            assertThat(ZPcluster.zeros(a, 5, 5)).isTrue();
            a[8191] = 1;
            assertThat(ZPcluster.zeros(a, 0, a.length)).isFalse();
            assertThat(ZPcluster.zeros(a, 100, 8191)).isTrue();
            assertThat(ZPcluster.zeros(a, 8191, 8192)).isFalse();
            assertThat(ZPcluster.zeros(a, 8192, a.length)).isTrue();
        }

        @Test void askingAPlainPclusterForMoreThanItHoldsIsEopnotsupp() {
            ZTrees.Live live = padded();
            ZDecompress.Request rq = new ZDecompress.Request(new byte[4096], 0, 4096, 0, 8192, ZMapBlocks.SHIFTED, true);
            assertThatThrownBy(() -> ZDecompress.decompress(live.sbi(), live.sblog(), rq))
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP));
            assertThat(live.lines()).isEmpty();
        }

        @Test void anUnknownAlgorithmNumberIsNotModelled() {
            ZTrees.Live live = padded();
            ZDecompress.Request rq = new ZDecompress.Request(new byte[4096], 0, 4096, 0, 100, 6, false);
            assertThatThrownBy(() -> ZDecompress.decompress(live.sbi(), live.sblog(), rq)).isInstanceOf(NotModelled.class);
        }
    }
}
