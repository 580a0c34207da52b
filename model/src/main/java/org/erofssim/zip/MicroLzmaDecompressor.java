package org.erofssim.zip;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.SbLog;
import org.tukaani.xz.LZMAInputStream;

/**
 * {@code z_erofs_lzma_decompress} (fs/erofs/decompressor_lzma.c, 6.18) with the MicroLZMA
 * decoder of lib/xz/xz_dec_lzma2.c ({@code xz_dec_microlzma_reset}/{@code _run}).
 *
 * <p><b>The format.</b> MicroLZMA is a raw LZMA1 stream (no header, no end marker) whose first
 * byte, which a range coder always writes as 0, carries the bitwise complement of the LZMA
 * properties byte ({@code lc + 9 * (lp + 5 * pb)}). The decoder is given the exact compressed
 * size ({@code inputsize} after {@code z_erofs_fixup_insize}: the stream must end at the
 * pcluster's end) and the number of bytes to produce. {@code lzma_props} refuses properties
 * above 224 and {@code lc + lp > 4}; fewer than 5 compressed bytes are refused too.
 *
 * <p><b>Exactness.</b> A full decode ({@code !partial_decoding}, "pedantic") must consume every
 * compressed byte, end with the range decoder finished (its code 0) and with no match still
 * pending; a partial decode stops after {@code outputsize} bytes whatever follows. Any failure
 * is {@code XZ_DATA_ERROR} (7): the kernel logs {@code failed to decompress 7 in[<inputsize
 * left>] out[<outputsize left>]} and returns EFSCORRUPTED (EUCLEAN).
 *
 * <p><b>How the model decodes.</b> With XZ for Java's raw {@link LZMAInputStream} (the same
 * LZMA1 decoder: its range decoder requires the first byte to be 0, so the model passes 0 there
 * and the properties separately), reading one output page at a time as the kernel hands them
 * out ({@link StreamBufs}); for a full decode it is told the exact uncompressed size (so it
 * checks the range decoder and pending match at the end) and the model checks that no
 * compressed byte is left. The dictionary is this mount's {@code dict_size} (the kernel's is
 * the largest any mount loaded since boot, never smaller).
 *
 * <p><b>What {@code in[]} prints.</b> The kernel hands the next compressed page once the
 * decoder has taken in the current one, which xz's decoder does when it is within
 * {@link #LZMA_IN_REQUIRED} bytes of the page's end (it then buffers the rest); the model
 * counts the pages handed out from the bytes the decoder consumed plus that margin. This is
 * the one approximated number: a failure within a few bytes of a page boundary may print a
 * page more or less.
 */
final class MicroLzmaDecompressor {
    static final int XZ_DATA_ERROR = 7;
    /** {@code LZMA_IN_REQUIRED} of xz_dec_lzma2.c: the most input one LZMA symbol needs. */
    static final int LZMA_IN_REQUIRED = 21;
    /** {@code RC_INIT_BYTES}. */
    static final int RC_INIT_BYTES = 5;

    private MicroLzmaDecompressor() {}

    static byte[] decompress(int blockSize, int dictSize, SbLog log, ZDecompress.Request rq, boolean commonError) {
        int skip = StreamBufs.fixupInsize(rq.in(), rq.pageofsIn(), rq.inputsize(), blockSize);
        int start = rq.pageofsIn() + skip;
        int inputsize = rq.inputsize() - skip;
        StreamBufs b = new StreamBufs(rq.in(), start, inputsize, rq.pageofsOut(), rq.outputsize());
        boolean pedantic = !rq.partial();
        byte[] stream = new byte[inputsize];
        System.arraycopy(rq.in(), start, stream, 0, Math.max(0, Math.min(inputsize, rq.in().length - start)));
        int props = ~stream[0] & 0xFF;
        int lc = props % 9;
        int lp = props / 9 % 5;
        int pb = props / 45;
        Counting counted = new Counting(stream);
        int outPos = 0;
        try {
            b.nextOutIfFull(log, 0); // the first output page is handed out before the first run
            if (props > (4 * 5 + 4) * 9 + 8 || lc + lp > 4 || inputsize < RC_INIT_BYTES) {
                throw new IOException("bad MicroLZMA header");
            }
            stream[0] = 0;
            LZMAInputStream lz = new LZMAInputStream(counted, pedantic ? rq.outputsize() : -1, lc, lp, pb,
                    Math.max(dictSize, 4096), null);
            while (b.outRemaining + (b.outStart + b.outSize - outPos) > 0) {
                b.nextOutIfFull(log, outPos);
                int end = b.outStart + b.outSize;
                while (outPos < end) {
                    int n = lz.read(b.out, outPos, end - outPos);
                    if (n < 0) {
                        throw new IOException("LZMA stream ended early");
                    }
                    outPos += n;
                }
            }
            if (pedantic && counted.consumed() != inputsize) {
                throw new IOException((inputsize - counted.consumed()) + " compressed bytes left over");
            }
            return b.out;
        } catch (KernelError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // the compressed pages handed out by then: those the decoder reached, plus its look-ahead
            long reached = Math.min((long) inputsize, (long) counted.consumed() + LZMA_IN_REQUIRED);
            while (b.inRemaining > 0 && b.inStart + b.inSize < start + reached) {
                b.nextInIfUsed(b.inSize);
            }
            Coverage.hit("z_erofs_lzma_decompress:error");
            ZDecompress.failedToDecompress(log, commonError, "z_erofs_lzma_decompress", "failed to decompress "
                    + XZ_DATA_ERROR + " in[" + b.inRemaining + "] out[" + b.outRemaining + "]", "lzma",
                    "corrupted compressed data", rq);
            throw new KernelError(Errno.EUCLEAN, "MicroLZMA stream: " + e.getMessage());
        }
    }

    /** The compressed bytes as a stream that counts what the decoder took. */
    private static final class Counting extends ByteArrayInputStream {
        Counting(byte[] b) {
            super(b);
        }

        int consumed() {
            return pos;
        }
    }
}
