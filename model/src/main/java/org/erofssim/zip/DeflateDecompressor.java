package org.erofssim.zip;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.SbLog;

/**
 * {@code __z_erofs_deflate_decompress} (fs/erofs/decompressor_deflate.c, 6.18): a raw DEFLATE
 * stream (no zlib header, 32 KiB window whatever the record's {@code windowbits}) inflated with
 * {@code Z_SYNC_FLUSH}, one input and one output page at a time ({@link StreamBufs}). The
 * model runs the same loop with {@link Inflater} (zlib, as the kernel's lib/zlib_inflate), and
 * derives zlib's return code of each call the way zlib does: {@code Z_STREAM_END} (1) once the
 * final block ended, {@code Z_DATA_ERROR} (-3) on a corrupt stream, {@code Z_BUF_ERROR} (-5)
 * when the call neither consumed input nor produced output, else {@code Z_OK} (0).
 *
 * <p>The kernel's verdict after each call: when the call did not return {@code Z_OK}, or the
 * output is complete, it stops; that is success only for {@code Z_OK} on a partial decode, or
 * {@code Z_STREAM_END} once the last output page has been handed out (a stream that ends inside
 * the last page leaves the rest of it as it was: zeros here). Anything else, including a full
 * decode whose output filled before the stream's end-of-block code was read (more data than the
 * extent, or the code's bits in the next, not yet handed, input page), logs {@code failed to
 * decompress <zerr> in[<inputsize left>] out[<outputsize left>]} and is EFSCORRUPTED (EUCLEAN).
 * Bytes after the stream's end are never looked at: a stream that starts at the pcluster's
 * first byte and is followed by zeros decodes the same as one that ends at the pcluster's end.
 */
final class DeflateDecompressor {
    static final int Z_OK = 0, Z_STREAM_END = 1, Z_DATA_ERROR = -3, Z_BUF_ERROR = -5;

    private DeflateDecompressor() {}

    static byte[] decompress(int blockSize, SbLog log, ZDecompress.Request rq, boolean commonError) {
        int skip = StreamBufs.fixupInsize(rq.in(), rq.pageofsIn(), rq.inputsize(), blockSize);
        StreamBufs b = new StreamBufs(rq.in(), rq.pageofsIn() + skip, rq.inputsize() - skip, rq.pageofsOut(),
                rq.outputsize());
        Inflater z = new Inflater(true);
        try {
            z.setInput(b.in, b.inStart, available(b, b.inStart, b.inSize));
            int outPos = 0;
            while (true) {
                b.nextOutIfFull(log, outPos);
                if (b.nextInIfUsed(b.inSize - z.getRemaining())) {
                    z.setInput(b.in, b.inStart, available(b, b.inStart, b.inSize));
                }
                long readBefore = z.getBytesRead();
                int zerr;
                try {
                    int n = z.inflate(b.out, outPos, b.outStart + b.outSize - outPos);
                    outPos += n;
                    zerr = z.finished() ? Z_STREAM_END : n == 0 && z.getBytesRead() == readBefore ? Z_BUF_ERROR : Z_OK;
                } catch (DataFormatException e) {
                    zerr = Z_DATA_ERROR;
                }
                boolean outputDone = b.outRemaining + (b.outStart + b.outSize - outPos) == 0;
                if (zerr != Z_OK || outputDone) {
                    if (zerr == Z_OK && rq.partial()) {
                        return b.out;
                    }
                    if (zerr == Z_STREAM_END && b.outRemaining == 0) {
                        return b.out;
                    }
                    Coverage.hit("z_erofs_deflate_decompress:error");
                    ZDecompress.failedToDecompress(log, commonError, "z_erofs_deflate_decompress", "failed to decompress "
                            + zerr + " in[" + b.inRemaining + "] out[" + b.outRemaining + "]", "deflate",
                            "corrupted compressed data", rq);
                    throw new KernelError(Errno.EUCLEAN, "DEFLATE stream: zlib returned " + zerr);
                }
            }
        } finally {
            z.end();
        }
    }

    /** The bytes of a page the array really has (a short read past the image end reads as missing). */
    private static int available(StreamBufs b, int start, int size) {
        return Math.max(0, Math.min(size, b.in.length - start));
    }
}
