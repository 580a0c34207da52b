package org.erofssim.data;

/**
 * The LZ4 block decoder of the kernel's {@code lib/lz4} ({@code LZ4_decompress_safe} and
 * {@code LZ4_decompress_safe_partial}, an LZ4 1.9-based decoder) as a behaviour: which streams
 * it accepts, what it writes, and the value it returns — the number of bytes decoded, or
 * {@code -(input position of the failure) - 1}, the number {@code z_erofs_lz4_decompress_mem}
 * prints in {@code failed to decompress %d ...}.
 *
 * <p>Written from the LZ4 block format (a sequence = token, literal length extension, literals,
 * 2-byte offset, match length extension) and the acceptance rules of that decoder generation:
 * <ul>
 * <li>a literal-length extension must start before {@code iend - 15}; a match-length
 *     extension may not reach {@code iend - 4};</li>
 * <li>a match may not start before the output start (no dictionary: erofs decodes every
 *     pcluster on its own), checked before its length extension is read;</li>
 * <li>full decoding: the literals that come within 12 bytes of the output end or 8 bytes of
 *     the input end must be the last ones and end exactly at the input end; a match may not
 *     end within the last 5 output bytes;</li>
 * <li>partial decoding stops as soon as the output is full, in the middle of a literal run or
 *     a match, and also after literals that leave fewer than 2 input bytes for an offset;</li>
 * <li>the decoder's shortcut (short literal run and short match far from both ends) and its
 *     fast loop (while 64 or more output bytes remain) skip the end-of-block literal rule, so
 *     a few streams the LZ4 format forbids still decode; modelled the same way.</li>
 * </ul>
 * Bytes of {@code src} outside the given range read as zero (the kernel would read whatever
 * follows in memory; a valid or invalid verdict never depends on them for the checks above).
 *
 * <p>{@link ZDecompress} uses lz4-java for full decodes and this class for partial decodes and
 * for the return value of a failed one (lz4-java's native library reports failures in its own
 * way); tests check that both agree on valid and corrupted streams.
 */
public final class Lz4Block {
    private static final int MINMATCH = 4;
    private static final int LASTLITERALS = 5;
    private static final int MFLIMIT = 12;
    private static final int RUN_MASK = 15;
    private static final int ML_MASK = 15;
    private static final int MATCH_SAFEGUARD_DISTANCE = 12;
    private static final int FASTLOOP_SAFE_DISTANCE = 64;

    private Lz4Block() {}

    /** {@code LZ4_decompress_safe(src, dst, srcSize, outputSize)}. */
    public static int decompressSafe(byte[] src, int srcOff, int srcSize, byte[] dst, int outputSize) {
        return new Run(src, srcOff, srcSize, dst, outputSize, false).decode();
    }

    /** {@code LZ4_decompress_safe_partial(src, dst, srcSize, outputSize, outputSize)}. */
    public static int decompressSafePartial(byte[] src, int srcOff, int srcSize, byte[] dst, int outputSize) {
        return new Run(src, srcOff, srcSize, dst, outputSize, true).decode();
    }

    /** One decoding: positions are relative to the input and output starts. */
    private static final class Run {
        final byte[] src;
        final int base;
        final int iend;
        final byte[] dst;
        final int oend;
        final boolean partial;
        int ip;
        int op;

        Run(byte[] src, int srcOff, int srcSize, byte[] dst, int outputSize, boolean partial) {
            this.src = src;
            this.base = srcOff;
            this.iend = srcSize;
            this.dst = dst;
            this.oend = Math.min(outputSize, dst.length);
            this.partial = partial;
        }

        int in(int pos) {
            int at = base + pos;
            if (pos < 0 || pos >= iend || at < 0 || at >= src.length) {
                return 0;
            }
            return src[at] & 0xFF;
        }

        int le16(int pos) {
            return in(pos) | in(pos + 1) << 8;
        }

        int fail() {
            return -ip - 1;
        }

        /** {@code read_variable_length}: -1 on the initial check, -2 on the loop check, else the sum. */
        long readLength(int lencheck, boolean initialCheck, boolean[] loopError) {
            if (initialCheck && ip >= lencheck) {
                return -1;
            }
            long length = 0;
            int s;
            do {
                s = in(ip);
                ip++;
                length += s;
                if (ip >= lencheck) {
                    loopError[0] = true;
                    return length;
                }
            } while (s == 255);
            return length;
        }

        void copyLiterals(int length) {
            for (int k = 0; k < length; k++) {
                dst[op + k] = (byte) in(ip + k);
            }
        }

        /** A match copy, byte by byte so that overlapping matches repeat (as LZ4 requires). */
        void copyMatch(int match, long length) {
            for (long k = 0; k < length; k++) {
                dst[op] = dst[match++];
                op++;
            }
        }

        int decode() {
            if (oend == 0) {
                return (iend == 1 && in(0) == 0) ? 0 : -1;
            }
            if (iend <= 0) {
                return -1;
            }
            boolean[] loopError = new boolean[1];
            int token;
            long length;
            int match;
            // the fast loop, while at least 64 output bytes remain
            boolean fast = oend - op >= FASTLOOP_SAFE_DISTANCE;
            while (true) {
                int stage; // 0 = next token, 1 = literal end checks (length in `length`), 2 = copy match
                if (fast) {
                    token = in(ip++);
                    length = token >>> 4;
                    if (length == RUN_MASK) {
                        loopError[0] = false;
                        long ext = readLength(iend - RUN_MASK, true, loopError);
                        if (ext < 0) {
                            return fail();
                        }
                        length += ext;
                        long cpy = op + length;
                        if (cpy > oend - 32 || ip + length > iend - 32) {
                            fast = false;
                            stage = 1;
                        } else {
                            copyLiterals((int) length);
                            ip += (int) length;
                            op = (int) cpy;
                            stage = 2;
                        }
                    } else {
                        if (ip > iend - 17) {
                            fast = false;
                            stage = 1;
                        } else {
                            copyLiterals((int) length);
                            ip += (int) length;
                            op += (int) length;
                            stage = 2;
                        }
                    }
                    if (stage == 2) {
                        int offset = le16(ip);
                        ip += 2;
                        match = op - offset;
                        length = token & ML_MASK;
                        if (match < 0) {
                            return fail();
                        }
                        if (length == ML_MASK) {
                            loopError[0] = false;
                            long ext = readLength(iend - LASTLITERALS + 1, false, loopError);
                            if (loopError[0]) {
                                return fail();
                            }
                            length += ext;
                        }
                        length += MINMATCH;
                        if (op + length >= oend - FASTLOOP_SAFE_DISTANCE) {
                            fast = false;
                            int r = matchCopy(match, length);
                            if (r == 1) {
                                break;
                            } else if (r < 0) {
                                return fail();
                            }
                            continue;
                        }
                        copyMatch(match, length);
                        continue;
                    }
                } else {
                    token = in(ip++);
                    length = token >>> 4;
                    if (length != RUN_MASK && ip < iend - 16 && op <= oend - 32) {
                        // the two-stage shortcut
                        copyLiterals((int) length);
                        op += (int) length;
                        ip += (int) length;
                        int mlen = token & ML_MASK;
                        int offset = le16(ip);
                        ip += 2;
                        match = op - offset;
                        if (mlen != ML_MASK && offset >= 8 && match >= 0) {
                            copyMatch(match, mlen + MINMATCH);
                            continue;
                        }
                        int r = copyMatchStage(match, mlen, loopError);
                        if (r == 1) {
                            break;
                        } else if (r < 0) {
                            return fail();
                        }
                        continue;
                    }
                    if (length == RUN_MASK) {
                        loopError[0] = false;
                        long ext = readLength(iend - RUN_MASK, true, loopError);
                        if (ext < 0) {
                            return fail();
                        }
                        length += ext;
                    }
                    stage = 1;
                }
                // stage 1: the literal copy with the end-of-block rules
                long cpy = op + length;
                if (cpy > oend - MFLIMIT || ip + length > iend - (2 + 1 + LASTLITERALS)) {
                    if (partial) {
                        if (cpy > oend) {
                            cpy = oend;
                            length = oend - op;
                        }
                        if (ip + length > iend) {
                            return fail();
                        }
                    } else if (ip + length != iend || cpy > oend) {
                        return fail();
                    }
                    copyLiterals((int) length);
                    ip += (int) length;
                    op += (int) length;
                    if (!partial || cpy == oend || ip >= iend - 2) {
                        break;
                    }
                } else {
                    copyLiterals((int) length);
                    ip += (int) length;
                    op = (int) cpy;
                }
                int offset = le16(ip);
                ip += 2;
                match = op - offset;
                int r = copyMatchStage(match, token & ML_MASK, loopError);
                if (r == 1) {
                    break;
                } else if (r < 0) {
                    return fail();
                }
            }
            return op;
        }

        /** From {@code _copy_match}: offset check, length extension, then the copy. */
        int copyMatchStage(int match, int mlen, boolean[] loopError) {
            if (match < 0) {
                return -1;
            }
            long length = mlen;
            if (length == ML_MASK) {
                loopError[0] = false;
                long ext = readLength(iend - LASTLITERALS + 1, false, loopError);
                if (loopError[0]) {
                    return -1;
                }
                length += ext;
            }
            length += MINMATCH;
            return matchCopy(match, length);
        }

        /** From {@code safe_match_copy}: 0 continue, 1 end of decoding, -1 error. */
        int matchCopy(int match, long length) {
            long cpy = op + length;
            if (partial && cpy > oend - MATCH_SAFEGUARD_DISTANCE) {
                long mlen = Math.min(length, (long) oend - op);
                copyMatch(match, mlen);
                return op == oend ? 1 : 0;
            }
            if (cpy > oend - MATCH_SAFEGUARD_DISTANCE && cpy > oend - LASTLITERALS) {
                return -1;
            }
            copyMatch(match, length);
            return 0;
        }
    }
}
