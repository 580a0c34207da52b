package org.erofssim.zip;

import org.erofssim.read.PlainReader;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.SbLog;

/**
 * The page bookkeeping the kernel's stream decompressors (DEFLATE, MicroLZMA, ZSTD) share:
 * {@code struct z_erofs_stream_dctx} and {@code z_erofs_stream_switch_bufs}
 * (fs/erofs/decompressor.c). The compressed bytes are handed to the decoder one page at a
 * time (the first page from the pcluster's offset in it, after {@code z_erofs_fixup_insize}),
 * the output likewise (the first page from the extent's offset in its page); {@code
 * inRemaining} and {@code outRemaining} are the request's {@code inputsize} and {@code
 * outputsize} as the kernel decrements them while handing pages out, which is what its
 * {@code failed to decompress} lines print.
 */
final class StreamBufs {
    static final int PAGE = PlainReader.PAGE;

    final byte[] in;
    /** Where the current input page's bytes start in {@link #in}, and how many there are. */
    int inStart;
    int inSize;
    /** {@code rq->inputsize}: compressed bytes not yet handed to the decoder. */
    int inRemaining;

    final byte[] out;
    /** Where the current output page's room starts in {@link #out}, and how much there is. */
    int outStart;
    int outSize;
    /** {@code rq->outputsize}: decompressed bytes not yet given room. */
    int outRemaining;
    private int pageofsOut;
    private int no = -1;
    private final int outpages;

    /**
     * The state after {@code z_erofs_fixup_insize} and the first input page: {@code in[pos]} is
     * the stream's first byte, {@code inputsize} its length up to the pcluster's end.
     */
    StreamBufs(byte[] in, int pos, int inputsize, int pageofsOut, int outputsize) {
        this.in = in;
        this.inStart = pos;
        this.inSize = Math.min(inputsize, PAGE - (pos & (PAGE - 1)));
        this.inRemaining = inputsize - inSize;
        this.out = new byte[outputsize];
        this.outRemaining = outputsize;
        this.pageofsOut = pageofsOut;
        this.outpages = (pageofsOut + outputsize + PAGE - 1) / PAGE;
    }

    /**
     * {@code z_erofs_fixup_insize}: the zeros before the stream in the pcluster's first block
     * (at most {@code min(inputsize, blocksize - pageofs_in)} bytes) are padding; a first
     * block of only zeros is EFSCORRUPTED, silently.
     *
     * @return the number of padding bytes to skip
     */
    static int fixupInsize(byte[] in, int pageofsIn, int inputsize, int blockSize) {
        int padlen = Math.min(inputsize, blockSize - pageofsIn);
        int zeros = 0;
        while (zeros < padlen && at(in, pageofsIn + zeros) == 0) {
            zeros++;
        }
        if (zeros == padlen) {
            Coverage.hit("z_erofs_fixup_insize:all-zeros-stream");
            throw new KernelError(Errno.EUCLEAN, "compressed data is all zeros");
        }
        return zeros;
    }

    /**
     * The output half of {@code z_erofs_stream_switch_bufs}: the next output page once the
     * current one is full ({@code outPos}, the next byte to write, reached its end); none left
     * is {@code insufficient space for decompressed data}.
     */
    void nextOutIfFull(SbLog log, int outPos) {
        if (outPos < outStart + outSize) {
            return;
        }
        if (++no >= outpages || outRemaining == 0) {
            Coverage.hit("z_erofs_stream_switch_bufs:no-space");
            log.err("z_erofs_stream_switch_bufs", "insufficient space for decompressed data");
            throw new KernelError(Errno.EUCLEAN, "stream decoded past its output");
        }
        outStart += outSize;
        outSize = Math.min(outRemaining, PAGE - pageofsOut);
        outRemaining -= outSize;
        pageofsOut = 0;
    }

    /** The input half: the next compressed page once the current one is used up. */
    boolean nextInIfUsed(int used) {
        if (used < inSize || inRemaining == 0) {
            return false;
        }
        inStart += inSize;
        inSize = Math.min(inRemaining, PAGE);
        inRemaining -= inSize;
        return true;
    }

    static int at(byte[] b, int i) {
        return i >= 0 && i < b.length ? b[i] & 0xFF : 0;
    }
}
