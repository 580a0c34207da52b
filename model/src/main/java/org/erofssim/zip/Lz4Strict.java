package org.erofssim.zip;

/**
 * A fast LZ4 block decoder for the clean-data direct path ({@link ZDirect}, issue 12) that
 * accepts only blocks the LZ4 format allows <em>and</em> on which the kernel's decoder
 * ({@link Lz4Block}, {@code LZ4_decompress_generic} of {@code lib/lz4}) cannot go another way:
 * whatever it refuses, the caller hands to the full model, which then decides (error, log line,
 * stale bytes) with the kernel-faithful decoder. It is not a model of a kernel function.
 *
 * <p><b>What it accepts</b>, sequence by sequence (no dictionary, output from 0):
 * <ul>
 * <li>a literal length extension starts before {@code iend - 15} and every 255 byte of it is
 *     followed by another byte before {@code iend - 15} (where the kernel's extension loop
 *     would stop early);</li>
 * <li>literals that are not the block's last end at least 12 bytes before the output end and
 *     8 bytes before the input end (else the kernel takes them as the last literals); the last
 *     literals end exactly at the input end and exactly at the output end, so a full decode
 *     returns exactly {@code outLen};</li>
 * <li>a match offset from 1 (offset 0 is refused: the kernel copies the buffer onto itself,
 *     stale bytes in a partial decode) to the output position; each byte of a match length
 *     extension leaves at least 5 input bytes; a match ends at least 5 bytes before the output
 *     end.</li>
 * </ul>
 * On such a block the kernel's full decode of {@code outLen} bytes and its partial decode of
 * any prefix write exactly the block's bytes ({@code Lz4StrictProperties} checks both against
 * {@link Lz4Block}, and against lz4-java's compressor output).
 *
 * <p><b>In place.</b> The kernel may decode a pcluster whose compressed pages are the file's own
 * last output pages in place ({@code z_erofs_lz4_handle_overlap}), with at least
 * {@code (inputsize >> 8) + 32} bytes of margin past the output end; a stream that overtakes its
 * unread input there decodes differently. {@link #decode} also refuses a block, at the smallest
 * margin the kernel allows, where a literal copy starts less than 16 bytes before the input it
 * reads (the decoder's 16-byte shortcut and 8-byte wild copies move forwards, so a copy that far
 * behind its source reads nothing it wrote), or a match's copy, 16 bytes of wild copy included,
 * reaches input not read yet (the last literals are moved exactly, with {@code memmove}); so an
 * in-place decode gives the same bytes too.
 */
public final class Lz4Strict {
    private static final int MFLIMIT = 12;
    private static final int LASTLITERALS = 5;
    /**
     * The most bytes past a copy's end that the kernel decoder writes: its 16-byte literal and
     * 18-byte match shortcuts, 8-byte wild copies; the last literals are moved exactly.
     */
    private static final int WILD = 16;

    private Lz4Strict() {}

    /**
     * Decodes the block {@code src[ip, iend)} into {@code dst[0, outLen)}.
     *
     * @return whether the block was accepted (then {@code dst[0, outLen)} holds its bytes; else
     *         {@code dst} holds anything)
     */
    public static boolean decode(byte[] src, int ip, int iend, byte[] dst, int outLen) {
        if (ip < 0 || iend > src.length || ip >= iend || outLen <= 0 || dst.length < outLen) {
            return false;
        }
        final int istart = ip;
        final int oend = outLen;
        final int inputsize = iend - ip;
        // in place: input byte k sits at output position outLen + margin - inputsize + k
        final long inplaceBase = (long) outLen - inputsize + (inputsize >> 8) + 32;
        int op = 0;
        while (true) {
            int token = src[ip++] & 0xFF;
            int lit = token >>> 4;
            if (lit == 15) {
                if (ip >= iend - 15) {
                    return false;
                }
                int s;
                do {
                    if (ip >= iend - 15) {
                        return false;
                    }
                    s = src[ip++] & 0xFF;
                    lit += s;
                } while (s == 255);
            }
            long litEnd = (long) ip + lit;
            long opEnd = (long) op + lit;
            if (litEnd > iend || opEnd > oend) {
                return false;
            }
            if (litEnd == iend) {
                // the last literals, copied with memmove: end of input and of output together
                if (opEnd != oend) {
                    return false;
                }
                System.arraycopy(src, ip, dst, op, lit);
                return true;
            }
            if (opEnd > oend - MFLIMIT || litEnd > iend - (2 + 1 + LASTLITERALS)) {
                return false; // the kernel would take these as the last literals and stop
            }
            if (inplaceBase + (ip - istart) - op < WILD) {
                return false; // in place: the literals' copy would write over input it has not read
            }
            System.arraycopy(src, ip, dst, op, lit);
            ip += lit;
            op += lit;
            int offset = (src[ip] & 0xFF) | (src[ip + 1] & 0xFF) << 8;
            ip += 2;
            if (offset == 0 || offset > op) {
                return false;
            }
            int ml = token & 15;
            if (ml == 15) {
                int s;
                do {
                    if (ip >= iend) {
                        return false;
                    }
                    s = src[ip++] & 0xFF;
                    if (ip > iend - LASTLITERALS) {
                        return false;
                    }
                    ml += s;
                } while (s == 255);
            }
            ml += 4;
            long mEnd = (long) op + ml;
            if (mEnd > oend - LASTLITERALS) {
                return false;
            }
            if (mEnd + WILD - inplaceBase > ip - istart) {
                return false; // in place: the match's copy would reach input not read yet
            }
            int from = op - offset;
            if (offset >= ml) {
                System.arraycopy(dst, from, dst, op, ml);
                op += ml;
            } else {
                // overlapping: the pattern of period offset, copied in doubling runs
                int rem = ml;
                while (rem > 0) {
                    int n = Math.min(rem, op - from);
                    System.arraycopy(dst, from, dst, op, n);
                    op += n;
                    rem -= n;
                }
            }
        }
    }
}
