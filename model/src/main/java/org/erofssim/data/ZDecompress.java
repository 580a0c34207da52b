package org.erofssim.data;

import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.mount.SbInfo;
import org.erofssim.mount.SbLog;
import org.erofssim.ondisk.FeatureIncompat;

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
 * out[<outputsize>]} and is EUCLEAN (6.11+; EIO with a hex dump before).
 *
 * <p>Why lz4-java's {@link LZ4SafeDecompressor} (and not its fast decompressor): the kernel
 * only ever calls the safe entry points, which are bounded by both the input size and the
 * output size, so a corrupt image makes them fail instead of reading past the pcluster.
 * {@code LZ4_decompress_fast} (lz4-java's fast decompressor) is given no input size and
 * trusts the stream: on a corrupt pcluster it reads whatever follows, and it requires the
 * stream to end exactly at the requested output size, so it can neither reproduce the safe
 * decoder's failures nor decode the first {@code n} bytes of a longer stream. A full decode
 * is therefore lz4-java's {@code safeDecompressor().decompress(src, margin, inputsize, out, 0,
 * outputsize)} (the same contract as {@code LZ4_decompress_safe}: the whole input must be one
 * block decoding to at most {@code outputsize} bytes). lz4-java has no partial decoder, so
 * partial decodes, and the return value the kernel prints for a failed full decode, come
 * from {@link Lz4Block}, which follows the kernel's decoder; tests check both agree.
 *
 * <p>The {@code margin} printed is the pcluster's in-page offset plus the skipped zeros; the
 * kernel prints 0 instead when it copied in-place compressed data aside
 * ({@code z_erofs_lz4_handle_overlap}'s copy branch), which the model does not track.
 */
public final class ZDecompress {
    private static final LZ4SafeDecompressor SAFE = LZ4Factory.fastestInstance().safeDecompressor();

    private ZDecompress() {}

    /**
     * One decompression request ({@code struct z_erofs_decompress_req}).
     *
     * @param in          the compressed bytes; index {@code pageofsIn} is the pcluster's first byte
     * @param pageofsIn   where the pcluster starts in {@code in} (inline pclusters: the offset in their page)
     * @param inputsize   the pcluster's size ({@code m_plen})
     * @param pageofsOut  the extent's offset in its first page ({@code m_la & ~PAGE_MASK})
     * @param outputsize  how many decompressed bytes are wanted
     * @param algorithm   {@code m_algorithmformat}
     * @param partial     {@code partial_decoding}
     */
    public record Request(byte[] in, int pageofsIn, int inputsize, int pageofsOut, int outputsize, int algorithm,
                          boolean partial) {}

    /**
     * Decompresses {@code rq}.
     *
     * @return exactly {@code outputsize} bytes
     * @throws KernelError EUCLEAN for a corrupt stream (after the kernel's line) or an
     *                     all-zero padded pcluster
     * @throws NotModelled for an algorithm number beyond the kernel's table
     */
    public static byte[] decompress(SbInfo sbi, SbLog log, Request rq) {
        switch (rq.algorithm()) {
            case ZMapBlocks.LZ4:
                return lz4(sbi, log, rq);
            case ZMapBlocks.SHIFTED:
            case ZMapBlocks.INTERLACED:
                return plain(sbi, rq);
            case ZMapBlocks.LZMA:
                return MicroLzmaDecompressor.decompress(sbi.blockSize(), sbi.lzmaDictSize(), log, rq);
            case ZMapBlocks.DEFLATE:
                return DeflateDecompressor.decompress(sbi.blockSize(), log, rq);
            case ZMapBlocks.ZSTD:
                return ZstdDecompressor.decompress(sbi.blockSize(), log, rq);
            default:
                throw new NotModelled("pcluster of algorithm " + rq.algorithm());
        }
    }

    /** {@code z_erofs_lz4_decompress_mem}. */
    static byte[] lz4(SbInfo sbi, SbLog log, Request rq) {
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
                throw new KernelError(Errno.EUCLEAN, "compressed data is all zeros");
            }
            inputsize -= zeros;
            pageofsIn += zeros;
        }
        int outputsize = rq.outputsize();
        byte[] out = new byte[outputsize];
        boolean partial = rq.partial() || !zeroPadding;
        int ret;
        if (partial) {
            ret = Lz4Block.decompressSafePartial(rq.in(), pageofsIn, inputsize, out, outputsize);
        } else {
            ret = -1;
            boolean ok = false;
            if (pageofsIn + inputsize <= rq.in().length) {
                try {
                    ret = SAFE.decompress(rq.in(), pageofsIn, inputsize, out, 0, outputsize);
                    ok = ret == outputsize;
                } catch (LZ4Exception e) {
                    ok = false;
                }
            }
            if (!ok) {
                // the kernel's return value for the log line (and its verdict, should they differ)
                java.util.Arrays.fill(out, (byte) 0);
                ret = Lz4Block.decompressSafe(rq.in(), pageofsIn, inputsize, out, outputsize);
            }
        }
        if (ret != outputsize) {
            log.err("z_erofs_lz4_decompress_mem", "failed to decompress " + ret + " in[" + inputsize + ", "
                    + pageofsIn + "] out[" + outputsize + "]");
            throw new KernelError(Errno.EUCLEAN, "LZ4 stream of " + inputsize + " bytes decoded to " + ret);
        }
        return out;
    }

    /** {@code z_erofs_transform_plain}: SHIFTED copies the pcluster; INTERLACED un-rotates it;
     * asking for more bytes than the pcluster holds is EOPNOTSUPP (silent). */
    static byte[] plain(SbInfo sbi, Request rq) {
        int bs = sbi.blockSize();
        int outputsize = rq.outputsize();
        if (outputsize > rq.inputsize()) {
            // "erofs: fix ... z_erofs_transform_plain" (2024): more output than input is unsupported
            throw new KernelError(Errno.EOPNOTSUPP, "plain pcluster of " + rq.inputsize() + " bytes asked for " + outputsize);
        }
        byte[] out = new byte[outputsize];
        int start = 0;
        if (rq.algorithm() == ZMapBlocks.INTERLACED) {
            // the first bytes of the extent are at its in-block offset, the rest wraps to the start
            int head = Math.min(bs - (rq.pageofsOut() & (bs - 1)), outputsize);
            int from = rq.pageofsIn() + rq.inputsize() - (bs - (rq.pageofsOut() & (bs - 1)));
            for (int k = 0; k < head; k++) {
                out[k] = (byte) at(rq.in(), from + k);
            }
            start = head;
        }
        for (int k = start; k < outputsize; k++) {
            out[k] = (byte) at(rq.in(), rq.pageofsIn() + k - start);
        }
        return out;
    }

    private static int at(byte[] b, int i) {
        return i >= 0 && i < b.length ? b[i] & 0xFF : 0;
    }
}
