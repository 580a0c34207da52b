package org.erofssim.zip;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.nio.ByteBuffer;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.SbLog;

/**
 * {@code z_erofs_zstd_decompress} (fs/erofs/decompressor_zstd.c, 6.18 with the stable fix that
 * checks {@code avail_out}): one ZSTD frame decoded with {@code zstd_decompress_stream}, one input
 * and one output page at a time ({@link StreamBufs}). The model runs the same loop with
 * zstd-jni's {@link ZstdDecompressCtx#decompressDirectByteBufferStream} (libzstd's
 * {@code ZSTD_decompressStream}: {@code true} is its return value 0, "frame decoded and
 * flushed").
 *
 * <p>The loop runs until the output is complete; a frame longer than the output is fine (ZSTD
 * ignores {@code partial_decoding}), as are bytes after the frame. It fails, logging
 * {@code failed to decompress in[<inputsize left>] out[<outputsize left>]: <reason>} and
 * returning EFSCORRUPTED (EUCLEAN), on a ZSTD error (the reason is libzstd's
 * {@code ZSTD_getErrorName}, e.g. {@code Data corruption detected}) and, while output is still
 * wanted, when the frame ended or all input is used ({@code unexpected end of stream}).
 *
 * <p>Not modelled: the kernel decodes with a static workspace sized for the largest ZSTD window
 * any mount loaded since boot ({@code z_erofs_zstd_max_dictsize}), so a frame whose window is
 * larger than that fails with a memory error; that depends on the machine's history, not on
 * this image (the model decodes with libzstd's default window limit).
 */
final class ZstdDecompressor {
    static final String END_OF_STREAM = "unexpected end of stream";

    private ZstdDecompressor() {}

    /**
     * @param newStrings the kernel's zstd library has zstd 1.5.7's error strings
     *                   ({@link org.erofssim.kernel.Behavior#ZSTD_1_5_7_ERROR_STRINGS}); zstd-jni's are those
     */
    static byte[] decompress(int blockSize, SbLog log, ZDecompress.Request rq, boolean newStrings, boolean commonError) {
        int skip = StreamBufs.fixupInsize(rq.in(), rq.pageofsIn(), rq.inputsize(), blockSize);
        StreamBufs b = new StreamBufs(rq.in(), rq.pageofsIn() + skip, rq.inputsize() - skip, rq.pageofsOut(),
                rq.outputsize());
        ByteBuffer src = ByteBuffer.allocateDirect(StreamBufs.PAGE);
        ByteBuffer dst = ByteBuffer.allocateDirect(StreamBufs.PAGE);
        load(src, b);
        dst.limit(0);
        int outPos = 0;
        try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
            int availOut;
            do {
                int pageEnd = b.outStart + b.outSize;
                b.nextOutIfFull(log, outPos);
                if (b.outStart + b.outSize != pageEnd || dst.limit() == 0) {
                    dst.clear();
                    dst.limit(b.outSize);
                }
                if (b.nextInIfUsed(src.position())) {
                    load(src, b);
                }
                String reason = null;
                boolean frameDone = false;
                int before = dst.position();
                try {
                    frameDone = ctx.decompressDirectByteBufferStream(dst, src);
                } catch (ZstdException e) {
                    reason = Zstd.getErrorName(e.getErrorCode());
                    if (!newStrings && reason.equals("Data corruption detected")) {
                        reason = "Corrupted block detected"; // the string before zstd 1.5.7 [obs-6.12.118]
                    }
                }
                int produced = dst.position() - before;
                dst.get(before, b.out, outPos, produced);
                outPos += produced;
                availOut = b.outStart + b.outSize - outPos;
                boolean wanted = b.outRemaining + availOut != 0;
                if (reason == null && wanted && (frameDone || b.inRemaining + src.remaining() == 0)) {
                    reason = END_OF_STREAM;
                }
                if (reason != null) {
                    Coverage.hit("z_erofs_zstd_decompress:error");
                    ZDecompress.failedToDecompress(log, commonError, "z_erofs_zstd_decompress", "failed to decompress in["
                            + b.inRemaining + "] out[" + b.outRemaining + "]: " + reason, "zstd", reason, rq);
                    throw new KernelError(Errno.EUCLEAN, "ZSTD frame: " + reason);
                }
            } while (b.outRemaining + availOut != 0);
        }
        return b.out;
    }

    private static void load(ByteBuffer src, StreamBufs b) {
        src.clear();
        src.put(b.in, b.inStart, Math.max(0, Math.min(b.inSize, b.in.length - b.inStart)));
        src.flip();
    }
}
