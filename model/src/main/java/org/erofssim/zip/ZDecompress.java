package org.erofssim.zip;

import org.erofssim.read.PlainReader;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.sb.NotModelled;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code z_erofs_decompress} (fs/erofs/decompressor.c): one pcluster's bytes to the start of
 * its decompressed extent, for the LZ4 decompressor ({@code z_erofs_lz4_decompress} →
 * {@code z_erofs_lz4_decompress_mem}; LZ4HC writes the same format) and the two uncompressed
 * formats ({@code z_erofs_transform_plain}: SHIFTED, and INTERLACED where the block is stored
 * rotated by the extent's offset in its block), and the stream decompressors of
 * decompressor_lzma.c, decompressor_deflate.c and decompressor_zstd.c
 * ({@link MicroLzmaDecompressor}, {@link DeflateDecompressor}, {@link ZstdDecompressor}, which
 * share the page bookkeeping of {@link StreamBufs}).
 *
 * <p><b>LZ4.</b> With ZERO_PADDING the stream ends at the end of the pcluster and is preceded
 * by zeros, which {@code z_erofs_fixup_insize} skips (an all-zero first block is EUCLEAN,
 * silently); without it the stream starts at the pcluster start and may be followed by
 * anything. The kernel decodes {@code outputsize} bytes with {@code LZ4_decompress_safe} when
 * it wants the whole extent and has ZERO_PADDING, else with {@code LZ4_decompress_safe_partial}
 * ("legacy format could compress extra data in a pcluster"). Any other result than
 * {@code outputsize} bytes logs {@code failed to decompress <ret> in[<inputsize>, <margin>]
 * out[<outputsize>]} and is EUCLEAN (6.11+; EIO with a hex dump before); 7.0+
 * ({@link org.erofssim.kernel.Behavior#LZ4_ERROR_STRINGS}) the common line with a reason.
 *
 * <p><b>The decoder.</b> Both calls go to {@link Lz4Block}, a model of the kernel's own
 * {@code lib/lz4} decoder (LZ4 v1.8.3 based), not to lz4-java: what matters here is which
 * corrupt streams the kernel accepts, the value it prints for the others and which bytes it
 * writes, including the partial decodes lz4-java does not offer (its 1.10 decoder accepts an
 * offset-0 match in a full decode and writes zeros there, as the kernel does). lz4-java stays
 * the independent check in the tests: on valid streams both must give the compressor's input,
 * and on damaged ones the same verdict.
 *
 * <p><b>Undefined bytes.</b> A match of offset 0 is accepted by the kernel's decoder; in a
 * partial decode it leaves the output buffer's old contents (stale memory) in place, without
 * any error or log line. {@link #decode} returns which output bytes those are
 * ({@link Decoded#stale()}); the model never invents them.
 *
 * <p>The {@code margin} printed is the pcluster's in-page offset plus the skipped zeros, or 0
 * when the compressed data was read into the file's own pages (in-place I/O, {@link
 * Request#inplaceIo()}) and {@code z_erofs_lz4_handle_overlap} copied it aside: for a partial
 * decode, without 0padding, when the output leaves less than {@code (inputsize >> 8) + 32}
 * bytes free in its last page, or when those pages are not the output's last ones. Otherwise
 * such data is decoded in place ({@link Lz4Block#decodeInPlace}).
 */
public final class ZDecompress {
    private static final int PAGE = PlainReader.PAGE;

    private ZDecompress() {}

    /**
     * One decompression request ({@code struct z_erofs_decompress_req}).
     *
     * @param in            the compressed bytes; index {@code pageofsIn} is the pcluster's first byte
     * @param pageofsIn     where the pcluster starts in {@code in} (inline pclusters: the offset in their page)
     * @param inputsize     the pcluster's size ({@code m_plen})
     * @param pageofsOut    the extent's offset in its first page ({@code m_la & ~PAGE_MASK})
     * @param outputsize    how many decompressed bytes are wanted
     * @param algorithm     {@code m_algorithmformat}
     * @param partial       {@code partial_decoding}
     * @param inplaceIo     {@code inplace_io}: a compressed page is one of the file's pages (in-place I/O)
     * @param inplaceLayout those pages are the extent's last output pages, in order (decoding in place is possible)
     */
    public record Request(byte[] in, int pageofsIn, int inputsize, int pageofsOut, int outputsize, int algorithm,
                          boolean partial, boolean inplaceIo, boolean inplaceLayout, long pa) {
        /** A request whose pcluster address is not known (-1; only 7.x's error lines print it). */
        public Request(byte[] in, int pageofsIn, int inputsize, int pageofsOut, int outputsize, int algorithm,
                       boolean partial, boolean inplaceIo, boolean inplaceLayout) {
            this(in, pageofsIn, inputsize, pageofsOut, outputsize, algorithm, partial, inplaceIo, inplaceLayout, -1);
        }

        /** A request without in-place I/O. */
        public Request(byte[] in, int pageofsIn, int inputsize, int pageofsOut, int outputsize, int algorithm,
                       boolean partial) {
            this(in, pageofsIn, inputsize, pageofsOut, outputsize, algorithm, partial, false, false);
        }
    }

    /**
     * Decompressed bytes and the positions among them the kernel leaves as the output buffer's
     * old contents ({@link Lz4Block.Decoded#stale()}; always empty for the plain formats). The
     * first {@code outputsize} bytes of {@code out} are the output; an in-place LZ4 decode hands
     * its whole buffer, which may be longer (no copy to trim it).
     */
    public record Decoded(byte[] out, java.util.BitSet stale) {
        public boolean hasStale() {
            return !stale.isEmpty();
        }
    }

    /**
     * Decompresses {@code rq}; stale bytes (see {@link #decode}) read as zeros.
     *
     * @return exactly {@code outputsize} bytes
     * @throws KernelError EUCLEAN for a corrupt stream (after the kernel's line) or an
     *                     all-zero padded pcluster
     * @throws NotModelled for an algorithm number beyond the kernel's table
     */
    /**
     * A decompressor's {@code failed to decompress} line: the per-algorithm form, or with
     * {@link org.erofssim.kernel.Behavior#DECOMPRESS_ERROR_FORMAT} the common one
     * {@code failed to decompress (<alg>) <reason> @ pa <pa> size <inputsize> => <outputsize>}.
     */
    static void failedToDecompress(SbLog log, boolean common, String function, String perAlgorithm, String alg,
                                   String reason, Request rq) {
        if (common) {
            log.err(function, "failed to decompress (" + alg + ") " + reason + " @ pa " + rq.pa() + " size "
                    + rq.inputsize() + " => " + rq.outputsize());
        } else {
            log.err(function, perAlgorithm);
        }
    }

    public static byte[] decompress(SbInfo sbi, SbLog log, Request rq) {
        byte[] out = decode(sbi, log, rq).out();
        return out.length > rq.outputsize() ? java.util.Arrays.copyOf(out, rq.outputsize()) : out;
    }

    /**
     * Decompresses {@code rq}, saying which output bytes the kernel takes from the output
     * buffer's old contents.
     *
     * @throws KernelError as {@link #decompress}
     * @throws NotModelled as {@link #decompress}
     */
    public static Decoded decode(SbInfo sbi, SbLog log, Request rq) {
        switch (rq.algorithm()) {
            case ZMapBlocks.LZ4:
                Coverage.hit("z_erofs_decompress:lz4");
                return lz4(sbi, log, rq);
            case ZMapBlocks.SHIFTED:
            case ZMapBlocks.INTERLACED:
                Coverage.hit("z_erofs_decompress:plain");
                return new Decoded(plain(sbi, rq), new java.util.BitSet());
            case ZMapBlocks.LZMA:
                Coverage.hit("z_erofs_decompress:lzma");
                return new Decoded(MicroLzmaDecompressor.decompress(sbi.blockSize(), sbi.lzmaDictSize(), log, rq,
                        sbi.kernel().has(org.erofssim.kernel.Behavior.DECOMPRESS_ERROR_FORMAT)), new java.util.BitSet());
            case ZMapBlocks.DEFLATE:
                Coverage.hit("z_erofs_decompress:deflate");
                return new Decoded(DeflateDecompressor.decompress(sbi.blockSize(), log, rq,
                        sbi.kernel().has(org.erofssim.kernel.Behavior.DECOMPRESS_ERROR_FORMAT)), new java.util.BitSet());
            case ZMapBlocks.ZSTD:
                Coverage.hit("z_erofs_decompress:zstd");
                return new Decoded(ZstdDecompressor.decompress(sbi.blockSize(), log, rq,
                        sbi.kernel().has(org.erofssim.kernel.Behavior.ZSTD_1_5_7_ERROR_STRINGS),
                        sbi.kernel().has(org.erofssim.kernel.Behavior.DECOMPRESS_ERROR_FORMAT)), new java.util.BitSet());
            default:
                throw new NotModelled("pcluster of algorithm " + rq.algorithm());
        }
    }

    /** {@code z_erofs_lz4_decompress_mem}. */
    static Decoded lz4(SbInfo sbi, SbLog log, Request rq) {
        int bs = sbi.blockSize();
        int inputsize = rq.inputsize();
        int pageofsIn = rq.pageofsIn();
        boolean zeroPadding = sbi.hasIncompat(FeatureIncompat.ZERO_PADDING.bit());
        if (zeroPadding) {
            // z_erofs_fixup_insize: skip the zeros of the first block
            int padlen = Math.min(inputsize, bs - pageofsIn);
            int zeros = 0;
            while (zeros < padlen && at(rq.in(), pageofsIn + zeros) == 0) {
                zeros++;
            }
            if (zeros == padlen) {
                Coverage.hit("z_erofs_fixup_insize:all-zeros-lz4");
                if (sbi.kernel().has(org.erofssim.kernel.Behavior.LZ4_ERROR_STRINGS)) {
                    failedToDecompress(log, true, "z_erofs_decompress_pcluster", null, "lz4",
                            "compressed data start not found", rq);
                }
                throw new KernelError(Errno.EUCLEAN, "compressed data is all zeros");
            }
            inputsize -= zeros;
            pageofsIn += zeros;
        }
        int outputsize = rq.outputsize();
        // z_erofs_lz4_handle_overlap: compressed data in the file's own pages is copied aside
        // (and the margin printed is then 0) unless it can be decoded in place
        boolean mayInplace = zeroPadding && (pageofsIn + inputsize) % bs == 0;
        int oend = rq.pageofsOut() + outputsize;
        int omargin = (oend + PAGE - 1) / PAGE * PAGE - oend;
        boolean inPlace = false;
        int margin = pageofsIn;
        if (rq.inplaceIo()) {
            if (rq.partial() || !mayInplace || omargin < (inputsize >> 8) + 32 || !rq.inplaceLayout()) {
                margin = 0;
            } else {
                inPlace = true;
            }
        }
        // legacy (no 0padding) pclusters may hold more than the extent: always partial
        boolean partial = rq.partial() || !zeroPadding;
        Lz4Block.Decoded d;
        if (inPlace) {
            int outpages = (oend + PAGE - 1) / PAGE;
            int inpages = (rq.pageofsIn() + rq.inputsize() + PAGE - 1) / PAGE;
            int inputAt = (outpages - inpages) * PAGE + (pageofsIn - rq.pageofsIn()) - rq.pageofsOut();
            Coverage.hit("z_erofs_lz4_decompress_mem:in-place");
            d = Lz4Block.decodeInPlaceUntrimmed(rq.in(), pageofsIn, inputsize, outputsize, inputAt);
        } else {
            d = Lz4Block.decode(rq.in(), pageofsIn, inputsize, outputsize, partial);
        }
        int ret = d.value();
        if (ret != outputsize) {
            Coverage.hit("z_erofs_lz4_decompress_mem:error");
            if (sbi.kernel().has(org.erofssim.kernel.Behavior.LZ4_ERROR_STRINGS)) {
                // 48df6d1bc9d5: the reason goes to z_erofs_decompress_pcluster's line, the size is the
                // request's after z_erofs_fixup_insize took the padding off
                log.err("z_erofs_decompress_pcluster", "failed to decompress (lz4) " + (ret < 0 ? "corrupted compressed data"
                        : "unexpected end of stream") + " @ pa " + rq.pa() + " size " + inputsize + " => " + outputsize);
            } else {
                log.err("z_erofs_lz4_decompress_mem", "failed to decompress " + ret + " in[" + inputsize + ", "
                        + margin + "] out[" + outputsize + "]");
            }
            throw new KernelError(Errno.EUCLEAN, "LZ4 stream of " + inputsize + " bytes decoded to " + ret);
        }
        return new Decoded(d.out(), d.stale());
    }

    /** {@code z_erofs_transform_plain}: SHIFTED copies the pcluster; INTERLACED un-rotates it;
     * asking for more bytes than the pcluster holds is EOPNOTSUPP (silent). */
    static byte[] plain(SbInfo sbi, Request rq) {
        int bs = sbi.blockSize();
        int outputsize = rq.outputsize();
        if (outputsize > rq.inputsize()) {
            // "erofs: fix ... z_erofs_transform_plain" (2024): more output than input is unsupported
            Coverage.hit("z_erofs_transform_plain:too-short");
            throw new KernelError(Errno.EOPNOTSUPP, "plain pcluster of " + rq.inputsize() + " bytes asked for " + outputsize);
        }
        byte[] out = new byte[outputsize];
        int start = 0;
        if (rq.algorithm() == ZMapBlocks.INTERLACED) {
            // the first bytes of the extent are at its in-block offset, the rest wraps to the start
            int head = Math.min(bs - (rq.pageofsOut() & (bs - 1)), outputsize);
            int from = rq.pageofsIn() + rq.inputsize() - (bs - (rq.pageofsOut() & (bs - 1)));
            if (from < 0) {
                // an input shorter than the rotation (an inline tail, before ZMAP_INLINE_TAIL_SHIFTED): the
                // offset is taken modulo the page, near the end of the one input page [obs-6.18.44,
                // obs-6.12.107 backports/zmap-interlaced-wrap]; what the kernel reads past the page is
                // the next page's memory, zeros here
                from += PAGE;
            }
            copyIn(rq.in(), from, out, 0, head);
            start = head;
        }
        copyIn(rq.in(), rq.pageofsIn(), out, start, outputsize - start);
        return out;
    }

    /**
     * {@code n} bytes of {@code in} from {@code from} (bytes outside it read as zeros, as
     * {@link #at}) into the zeroed {@code out} at {@code to}: one array copy instead of a
     * byte loop (issue 15).
     */
    private static void copyIn(byte[] in, int from, byte[] out, int to, int n) {
        int lo = Math.max(from, 0);
        int hi = (int) Math.min((long) from + n, in.length);
        if (lo < hi) {
            System.arraycopy(in, lo, out, to + (lo - from), hi - lo);
        }
    }

    private static int at(byte[] b, int i) {
        return i >= 0 && i < b.length ? b[i] & 0xFF : 0;
    }
}
