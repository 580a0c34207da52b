package org.erofssim.zip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

/**
 * The DEFLATE, ZSTD and MicroLZMA decompressors ({@link DeflateDecompressor},
 * {@link ZstdDecompressor}, {@link MicroLzmaDecompressor}) on pclusters built here the way
 * the kernel expects them (zeros, then the stream up to the pcluster's end). Expected bytes are
 * the compressed data; expected errors and log lines follow the 6.18 sources, as each test says
 * (decompressor_deflate.c, decompressor_zstd.c, decompressor_lzma.c with lib/xz's MicroLZMA
 * decoder, z_erofs_stream_switch_bufs in decompressor.c). The live kernel comparison of the same
 * code paths is harness {@code LiveTranscodedTest} and properties {@code TranscodedVsLiveKernelProperties}.
 */
@DisplayName("DEFLATE, ZSTD and MicroLZMA pclusters decode as the 6.18 decompressors do")
class StreamDecompressorsTest {
    static final String P = "erofs (device erofs): ";

    static ZTrees.Live live() {
        return ZTrees.mount("6.18", ErofsImages.read(ZTrees.fixture("lz4.erofs")), false);
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(9, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        while (!d.finished()) {
            o.write(b, 0, d.deflate(b));
        }
        d.end();
        return o.toByteArray();
    }

    static byte[] zstd(byte[] data) {
        try (ZstdCompressCtx c = new ZstdCompressCtx()) {
            return c.setLevel(19).setContentSize(true).compress(data);
        }
    }

    static byte[] microLzma(byte[] data) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        LZMAOutputStream lz = new LZMAOutputStream(o, new LZMA2Options(6), false);
        lz.write(data);
        lz.finish();
        byte[] s = o.toByteArray();
        s[0] = (byte) ~lz.getProps();
        return s;
    }

    /** The fewest blocks that hold {@code stream}, with it at their end and zeros before. */
    static byte[] trailing(byte[] stream) {
        byte[] pc = new byte[(stream.length + 4095) / 4096 * 4096];
        System.arraycopy(stream, 0, pc, pc.length - stream.length, stream.length);
        return pc;
    }

    static ZDecompress.Request rq(byte[] pc, int pageofsOut, int outputsize, int alg, boolean partial) {
        return new ZDecompress.Request(pc, 0, pc.length, pageofsOut, outputsize, alg, partial);
    }

    /** MicroLZMA with an 8 MiB dictionary (lz4.erofs has no LZMA record to give one). */
    static byte[] lzma(ZTrees.Live l, ZDecompress.Request rq) {
        return MicroLzmaDecompressor.decompress(4096, 8 << 20, l.sblog(), rq, false);
    }

    @Nested
    @DisplayName("DEFLATE (z_erofs_deflate_decompress)")
    class Deflate {
        @Test void theWholeExtentAndAnyPrefixComeBack() {
            ZTrees.Live l = live();
            byte[] data = ZTrees.mixed(30000, 3);
            byte[] pc = trailing(deflate(data));
            assertThat(ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 123, 30000, ZMapBlocks.DEFLATE, false))).isEqualTo(data);
            assertThat(ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 0, 5000, ZMapBlocks.DEFLATE, true)))
                    .isEqualTo(Arrays.copyOf(data, 5000));
            assertThat(l.lines()).isEmpty();
        }

        @Test void zerosAfterTheStreamAreNeverRead() {
            // the loop stops at Z_STREAM_END once the last output page is handed out
            ZTrees.Live l = live();
            byte[] data = ZTrees.text(20000, 2);
            byte[] pc = new byte[3 * 4096];
            byte[] s = deflate(data);
            System.arraycopy(s, 0, pc, 0, s.length);
            assertThat(ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 0, 20000, ZMapBlocks.DEFLATE, false))).isEqualTo(data);
        }

        @Test void aFullDecodeOfLessThanTheStreamFailsWithZOk() {
            // output complete with Z_OK and !partial_decoding: "failed to decompress 0 in[..] out[0]"
            ZTrees.Live l = live();
            byte[] pc = trailing(deflate(ZTrees.mixed(9000, 4)));
            assertThatThrownBy(() -> ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 0, 8000, ZMapBlocks.DEFLATE, false)))
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EUCLEAN));
            assertThat(l.lines()).containsExactly(P + "failed to decompress 0 in[0] out[0]");
        }

        @Test void aCorruptStreamIsZDataError() {
            ZTrees.Live l = live();
            byte[] s = deflate(ZTrees.text(9000, 5));
            byte[] pc = trailing(s);
            Arrays.fill(pc, pc.length - s.length + 1, pc.length - s.length + 21, (byte) 0xFF); // the Huffman tables
            assertThatThrownBy(() -> ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 0, 9000, ZMapBlocks.DEFLATE, false)))
                    .isInstanceOf(KernelError.class);
            assertThat(l.lines()).singleElement().asString().startsWith(P + "failed to decompress -3 in[0] out[");
        }

        @Test void anAllZeroFirstBlockIsEucleanSilently() {
            ZTrees.Live l = live();
            assertThatThrownBy(() -> ZDecompress.decompress(l.sbi(), l.sblog(), rq(new byte[4096], 0, 100,
                    ZMapBlocks.DEFLATE, false))).isInstanceOfSatisfying(KernelError.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EUCLEAN));
            assertThat(l.lines()).isEmpty();
        }
    }

    @Nested
    @DisplayName("ZSTD (z_erofs_zstd_decompress)")
    class Zstd {
        @Test void aFrameLongerThanTheOutputIsFineEvenWhenFull() {
            // the loop ends when the output is complete; partial_decoding is never looked at
            ZTrees.Live l = live();
            byte[] data = ZTrees.mixed(30000, 6);
            byte[] pc = trailing(zstd(data));
            assertThat(ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 100, 30000, ZMapBlocks.ZSTD, false))).isEqualTo(data);
            assertThat(ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 0, 7000, ZMapBlocks.ZSTD, false)))
                    .isEqualTo(Arrays.copyOf(data, 7000));
            assertThat(l.lines()).isEmpty();
        }

        @Test void aFrameShorterThanTheOutputIsAnUnexpectedEnd() {
            ZTrees.Live l = live();
            byte[] pc = trailing(zstd(ZTrees.text(5000, 7)));
            assertThatThrownBy(() -> ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 0, 6000, ZMapBlocks.ZSTD, false)))
                    .isInstanceOf(KernelError.class);
            assertThat(l.lines()).containsExactly(P + "failed to decompress in[0] out[0]: unexpected end of stream");
        }

        @Test void aCorruptFrameLogsLibzstdsErrorName() {
            ZTrees.Live l = live();
            byte[] s = zstd(ZTrees.text(9000, 8));
            byte[] pc = trailing(s);
            Arrays.fill(pc, pc.length - s.length + 6, pc.length - s.length + 16, (byte) 0xFF); // block header on
            assertThatThrownBy(() -> ZDecompress.decompress(l.sbi(), l.sblog(), rq(pc, 0, 9000, ZMapBlocks.ZSTD, false)))
                    .isInstanceOf(KernelError.class);
            assertThat(l.lines()).singleElement().asString().startsWith(P + "failed to decompress in[0] out[")
                    .doesNotEndWith("unexpected end of stream");
        }
    }

    @Nested
    @DisplayName("MicroLZMA (z_erofs_lzma_decompress, xz_dec_microlzma_run)")
    class MicroLzma {
        @Test void theWholeExtentAndAnyPrefixComeBack() throws IOException {
            ZTrees.Live l = live();
            byte[] data = ZTrees.mixed(30000, 9);
            byte[] pc = trailing(microLzma(data));
            assertThat(lzma(l, rq(pc, 7, 30000, ZMapBlocks.LZMA, false))).isEqualTo(data);
            assertThat(lzma(l, rq(pc, 0, 6000, ZMapBlocks.LZMA, true)))
                    .isEqualTo(Arrays.copyOf(data, 6000));
            assertThat(l.lines()).isEmpty();
        }

        @Test void aFullDecodeMustConsumeEveryByte() throws IOException {
            // pedantic: output complete but compressed bytes left (zeros after the stream) is XZ_DATA_ERROR
            ZTrees.Live l = live();
            byte[] data = ZTrees.text(20000, 10);
            byte[] s = microLzma(data);
            byte[] pc = new byte[4096];
            System.arraycopy(s, 0, pc, 0, s.length);
            assertThatThrownBy(() -> lzma(l, rq(pc, 0, 20000, ZMapBlocks.LZMA, false)))
                    .isInstanceOf(KernelError.class);
            assertThat(l.lines()).singleElement().asString().startsWith(P + "failed to decompress 7 in[0] out[");
            // a partial decode of the same stops after its output, whatever follows
            assertThat(lzma(l, rq(pc, 0, 20000, ZMapBlocks.LZMA, true))).isEqualTo(data);
        }

        @Test void propertiesAboveLcPlusLp4AreRefused() throws IOException {
            // lzma_props: lc + lp > 4 is XZ_DATA_ERROR, in the first run, after the first output page
            // (4096 of the 5000 bytes) was handed out: out[904]; the stream is in the first page: in[0]
            ZTrees.Live l = live();
            byte[] s = microLzma(ZTrees.text(5000, 11));
            s[0] = (byte) ~(4 + 9);
            byte[] pc = trailing(s);
            assertThatThrownBy(() -> lzma(l, rq(pc, 0, 5000, ZMapBlocks.LZMA, true)))
                    .isInstanceOf(KernelError.class);
            assertThat(l.lines()).containsExactly(P + "failed to decompress 7 in[0] out[904]");
        }
    }
}
