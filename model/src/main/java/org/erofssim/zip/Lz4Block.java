package org.erofssim.zip;

import java.util.BitSet;

/**
 * The LZ4 block decoder of the kernel's {@code lib/lz4/lz4_decompress.c}
 * ({@code LZ4_decompress_generic} as {@code LZ4_decompress_safe} and
 * {@code LZ4_decompress_safe_partial}: the LZ4 v1.8.3 decoder the kernel imported in 2018, with
 * its in-place {@code memmove} of the last literals and the 2022 partial-decoding input check)
 * as a behaviour: which streams it accepts, which bytes it writes where, and the value it
 * returns — the number of bytes decoded, or {@code -(input position of the failure) - 1}, the
 * number {@code z_erofs_lz4_decompress_mem} prints in {@code failed to decompress %d ...}.
 *
 * <p>The decoder (no dictionary: erofs decodes every pcluster on its own, the output start is
 * the lowest address a match may reach) works sequence by sequence:
 * <ul>
 * <li><b>shortcut</b>: a literal run shorter than 15 with the input position more than 16
 *     bytes before the input end and the output position at least 32 bytes before the output
 *     end copies 16 bytes of input (more than the run), reads the offset, and when the match
 *     length code is not 15, the offset at least 8 and the match inside the output, copies 18
 *     bytes of match; otherwise it goes on at the match step with what it read;</li>
 * <li><b>literals</b>: a length code 15 is extended (the first extension byte must come before
 *     {@code iend - 15}, the extension stops there); literals that end within 12 bytes of the
 *     output end or 8 bytes of the input end are the block's last: a full decode needs them to
 *     end exactly at the input end and inside the output, a partial decode cuts them at the
 *     output end and stops there, or when fewer than 2 input bytes remain for an offset; other
 *     literals are copied in 8-byte steps (up to 7 bytes past the run);</li>
 * <li><b>match</b>: a match starting before the output start fails (after its offset was
 *     read); a full decode then stores the 16-bit offset as four bytes at the output position
 *     (the decoder's "silence msan" store); a length code 15 is extended (an extension byte
 *     that leaves fewer than 5 input bytes fails); a partial decode copies a match that ends
 *     within 12 bytes of the output end byte by byte, cut at the output end (and stops when
 *     the output is full); otherwise 8 bytes are copied first (offsets below 8 through the
 *     decoder's two step tables), a match ending within 5 bytes of the output end fails, and
 *     the rest is copied in 8-byte steps or byte by byte near the end.</li>
 * </ul>
 *
 * <p><b>Stale bytes.</b> The LZ4 block format forbids offset 0, but this decoder does not
 * check it: such a match copies the output onto itself. A full decode first stores the offset
 * (zeros) there, so its bytes are zeros; a partial decode copies whatever the output buffer
 * held — bytes an earlier over-long copy of this decode left there, or else the buffer's old
 * contents (for erofs: a fresh page-cache page or bounce page, i.e. stale memory). The model
 * tracks, per output byte, whether its value is determined by the input: {@link Decoded#stale()}
 * lists the output bytes that come from the buffer's old contents, so a caller can say the
 * kernel returns undefined bytes there instead of inventing them.
 *
 * <p>Bytes of {@code src} outside the given range read as zero (the decoder never reads them
 * on any path; the guard only keeps a malformed call from throwing).
 */
public final class Lz4Block {
    private static final int MINMATCH = 4;
    private static final int LASTLITERALS = 5;
    private static final int MFLIMIT = 12;
    private static final int RUN_MASK = 15;
    private static final int ML_MASK = 15;
    private static final int MATCH_SAFEGUARD_DISTANCE = 12;
    private static final int WILDCOPYLENGTH = 8;
    /** The decoder's step tables for offsets below 8. */
    private static final int[] INC32 = {0, 1, 2, 1, 0, 4, 4, 4};
    private static final int[] DEC64 = {0, 0, 0, -1, -4, 1, 2, 3};

    private Lz4Block() {}

    /**
     * One decoding.
     *
     * @param value the decoder's return value: bytes decoded, or {@code -(failure position) - 1}
     * @param out   the output buffer ({@code outputSize} bytes; stale bytes read as 0)
     * @param stale output positions below {@code max(value, 0)} whose byte is the buffer's old
     *              contents (empty when every byte decoded follows from the input)
     */
    public record Decoded(int value, byte[] out, BitSet stale) {
        /** Whether some decoded byte is stale (the kernel returns undefined bytes there). */
        public boolean hasStale() {
            return !stale.isEmpty();
        }
    }

    /** {@code LZ4_decompress_safe(src, dst, srcSize, outputSize)}; stale bytes are left as zeros in {@code dst}. */
    public static int decompressSafe(byte[] src, int srcOff, int srcSize, byte[] dst, int outputSize) {
        return copyBack(decode(src, srcOff, srcSize, outputSize, false), dst);
    }

    /** {@code LZ4_decompress_safe_partial(src, dst, srcSize, outputSize, outputSize)}; stale bytes as zeros. */
    public static int decompressSafePartial(byte[] src, int srcOff, int srcSize, byte[] dst, int outputSize) {
        return copyBack(decode(src, srcOff, srcSize, outputSize, true), dst);
    }

    /**
     * Decodes {@code srcSize} bytes at {@code src[srcOff]} into a fresh buffer of
     * {@code outputSize} bytes, fully ({@code LZ4_decompress_safe}) or partially
     * ({@code LZ4_decompress_safe_partial} with target = capacity = {@code outputSize}).
     */
    public static Decoded decode(byte[] src, int srcOff, int srcSize, int outputSize, boolean partial) {
        return finish(new Run(src, srcOff, srcSize, Math.max(0, outputSize), partial, -1, true));
    }

    /**
     * A full decode in place ({@code z_erofs_lz4_handle_overlap} without a copy): the input
     * lies in the output buffer at {@code inputAt} (its last pages), so a stream that writes
     * past the input it has read changes what it reads next, as in the kernel.
     */
    public static Decoded decodeInPlace(byte[] src, int srcOff, int srcSize, int outputSize, int inputAt) {
        return finish(new Run(src, srcOff, srcSize, Math.max(0, outputSize), false, Math.max(0, inputAt), true));
    }

    /**
     * {@link #decodeInPlace} whose {@link Decoded#out()} may be longer than {@code outputSize}:
     * the whole in-place buffer (input pages included), without the copy that trims it. For
     * callers that read only the first {@code outputSize} bytes.
     */
    static Decoded decodeInPlaceUntrimmed(byte[] src, int srcOff, int srcSize, int outputSize, int inputAt) {
        return finish(new Run(src, srcOff, srcSize, Math.max(0, outputSize), false, Math.max(0, inputAt), true), false);
    }

    /**
     * The same decoding with only the byte-by-byte copies of the in-place and overlapping cases
     * (the model before issue 12's bulk copies): what {@code Lz4BlockCopyProperties} checks the
     * bulk copies against. {@code inputAt} below 0: not in place.
     */
    static Decoded decodeBytewise(byte[] src, int srcOff, int srcSize, int outputSize, boolean partial, int inputAt) {
        return finish(new Run(src, srcOff, srcSize, Math.max(0, outputSize), partial && inputAt < 0,
                inputAt < 0 ? -1 : inputAt, false));
    }

    private static Decoded finish(Run r) {
        return finish(r, true);
    }

    private static Decoded finish(Run r, boolean trim) {
        int value = r.decode();
        BitSet stale = new BitSet();
        int end = Math.max(0, Math.min(value, r.oend));
        if (end > r.written) {
            stale.set(r.written, end);
        }
        if (r.inputAt >= 0) {
            stale.clear(Math.min(end, r.inputAt), Math.min(end, r.inputAt + r.iend));
        }
        if (r.staleSet != null) {
            stale.or(r.staleSet.get(0, end));
        }
        byte[] out = r.dst.length == r.oend || !trim ? r.dst : java.util.Arrays.copyOf(r.dst, r.oend);
        return new Decoded(value, out, stale);
    }

    private static int copyBack(Decoded d, byte[] dst) {
        System.arraycopy(d.out(), 0, dst, 0, Math.min(dst.length, d.out().length));
        return d.value();
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
        /** Output bytes below this were written by this decode; the others hold the old contents. */
        int written;
        /** Written output bytes whose value was copied from old contents (made on first need). */
        BitSet staleSet;
        /** In-place decoding: where the input lies in {@link #dst}; -1 otherwise. */
        final int inputAt;
        /** Whether the in-place and overlapping copies may be done in bulk (always, but for {@link #decodeBytewise}). */
        final boolean bulk;

        Run(byte[] src, int srcOff, int srcSize, int outputSize, boolean partial, int inputAt, boolean bulk) {
            this.bulk = bulk;
            this.iend = Math.max(0, srcSize);
            this.inputAt = inputAt;
            if (inputAt >= 0) {
                this.dst = new byte[Math.max(outputSize, inputAt + iend)];
                // the input bytes that exist in src, copied at once; the others stay zero
                int from = Math.max(0, -srcOff);
                int to = (int) Math.min(iend, (long) src.length - srcOff);
                if (to > from) {
                    System.arraycopy(src, srcOff + from, dst, inputAt + from, to - from);
                }
                this.src = dst;
                this.base = inputAt;
            } else {
                this.dst = new byte[outputSize];
                this.src = src;
                this.base = srcOff;
            }
            this.oend = outputSize;
            this.partial = partial;
        }

        int in(long pos) {
            long at = base + pos;
            if (pos < 0 || pos >= iend || at < 0 || at >= src.length) {
                return 0;
            }
            return src[(int) at] & 0xFF;
        }

        int le16(int pos) {
            return in(pos) | in(pos + 1) << 8;
        }

        int fail() {
            return -ip - 1;
        }

        boolean isStale(int p) {
            boolean input = inputAt >= 0 && p >= inputAt && p < inputAt + iend;
            return (p >= written && !input) || (staleSet != null && staleSet.get(p));
        }

        void put(int p, int value, boolean stale) {
            if (p < 0 || p >= oend) {
                return; // the decoder's bounds keep every store inside; never throw on a modelling slip
            }
            dst[p] = (byte) value;
            if (stale) {
                if (staleSet == null) {
                    staleSet = new BitSet();
                }
                staleSet.set(p);
            } else if (staleSet != null) {
                staleSet.clear(p);
            }
            if (p >= written) {
                written = p + 1;
            }
        }

        int get(int p) {
            return p >= 0 && p < oend ? dst[p] & 0xFF : 0;
        }

        /** Input to output, {@code n} bytes. */
        void copyIn(int to, long from, long n) {
            // in place, src is dst: an ascending byte copy equals System.arraycopy unless it
            // writes ahead of what it still has to read
            boolean noReadAfterWrite = inputAt < 0 || bulk && (to <= base + from || to >= base + from + n);
            if (noReadAfterWrite && n > 0 && to >= 0 && to + n <= oend && from >= 0 && from + n <= iend && base + from + n <= src.length) {
                System.arraycopy(src, (int) (base + from), dst, to, (int) n);
                wrote(to, (int) (to + n));
                return;
            }
            for (long k = 0; k < n; k++) {
                put((int) (to + k), in(from + k), false);
            }
        }

        /** Marks {@code [from, to)} written with values that follow from the input. */
        void wrote(int from, int to) {
            if (staleSet != null) {
                staleSet.clear(from, to);
            }
            written = Math.max(written, to);
        }

        /** Output to output, byte by byte in increasing order (what every copy of the decoder amounts to). */
        void copyOut(int to, int from, long n) {
            boolean forwardSafe = to <= from || to >= from + n; // no byte is read after this copy wrote it
            if ((inputAt < 0 || bulk) && n > 0 && forwardSafe && from >= 0 && to >= 0 && to + n <= oend && from + n <= written
                    && (staleSet == null || staleSet.nextSetBit(from) < 0 || staleSet.nextSetBit(from) >= from + n)) {
                System.arraycopy(dst, from, dst, to, (int) n);
                wrote(to, (int) (to + n));
                return;
            }
            if (bulk && n > 0 && !forwardSafe && staleSet == null && from >= 0 && from < written && to <= written
                    && to + n <= oend) {
                // an overlapping copy (to > from) over bytes this decode wrote: every byte read
                // was written before (the source stays below the destination), so none is stale.
                // The bytes repeat with period to - from: copied from the period's start in
                // chunks that double, each reading only bytes already in place (session 12:
                // runs of offset 1-7 were a byte loop)
                int d = to - from;
                for (int k = 0; k < n; ) {
                    int c = (int) Math.min(n - k, (long) d + k);
                    System.arraycopy(dst, from, dst, to + k, c);
                    k += c;
                }
                wrote(to, (int) (to + n));
                return;
            }
            for (long k = 0; k < n; k++) {
                int f = (int) (from + k);
                put((int) (to + k), get(f), isStale(f));
            }
        }

        /** {@code LZ4_wildCopy} from the input: 8-byte steps from {@code to} until {@code end} is reached. */
        void wildCopyIn(int to, long from, long end) {
            long n = Math.max(WILDCOPYLENGTH, (end - to + WILDCOPYLENGTH - 1) / WILDCOPYLENGTH * WILDCOPYLENGTH);
            copyIn(to, from, n);
        }

        /** {@code LZ4_wildCopy} within the output. */
        void wildCopyOut(int to, int from, long end) {
            long n = Math.max(WILDCOPYLENGTH, (end - to + WILDCOPYLENGTH - 1) / WILDCOPYLENGTH * WILDCOPYLENGTH);
            copyOut(to, from, n);
        }

        int decode() {
            if (oend == 0) {
                return (iend == 1 && in(0) == 0) ? 0 : -1;
            }
            if (iend == 0) {
                return -1;
            }
            final long shortiend = (long) iend - 14 - 2;
            final long shortoend = (long) oend - 14 - 18;
            while (true) {
                int token = in(ip++);
                long length = token >>> 4;
                int offset;
                int match;
                if (length != RUN_MASK && ip < shortiend && op <= shortoend) {
                    // the shortcut: 16 bytes of input on behalf of the literals
                    copyIn(op, ip, 16);
                    op += (int) length;
                    ip += (int) length;
                    length = token & ML_MASK;
                    offset = le16(ip);
                    ip += 2;
                    match = op - offset;
                    if (length != ML_MASK && offset >= 8 && match >= 0) {
                        copyOut(op, match, 18);
                        op += (int) length + MINMATCH;
                        continue;
                    }
                    // the match step with this offset and length code
                } else {
                    if (length == RUN_MASK) {
                        if (ip >= iend - RUN_MASK) {
                            return fail();
                        }
                        int s;
                        do {
                            s = in(ip++);
                            length += s;
                        } while (ip < iend - RUN_MASK && s == 255);
                    }
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
                        copyIn(op, ip, length);
                        ip += (int) length;
                        op += (int) length;
                        if (!partial || cpy == oend || ip >= iend - 2) {
                            break;
                        }
                    } else {
                        wildCopyIn(op, ip, cpy);
                        ip += (int) length;
                        op = (int) cpy;
                    }
                    offset = le16(ip);
                    ip += 2;
                    match = op - offset;
                    length = token & ML_MASK;
                }
                // the match step
                if (match < 0) {
                    return fail();
                }
                if (!partial) {
                    put(op, offset & 0xFF, false);
                    put(op + 1, offset >>> 8, false);
                    put(op + 2, 0, false);
                    put(op + 3, 0, false);
                }
                if (length == ML_MASK) {
                    int s;
                    do {
                        s = in(ip++);
                        if (ip > iend - LASTLITERALS) {
                            return fail();
                        }
                        length += s;
                    } while (s == 255);
                }
                length += MINMATCH;
                long cpy = op + length;
                if (partial && cpy > oend - MATCH_SAFEGUARD_DISTANCE) {
                    long mlen = Math.min(length, (long) oend - op);
                    copyOut(op, match, mlen);
                    op += (int) mlen;
                    if (op == oend) {
                        break;
                    }
                    continue;
                }
                if (offset < 8) {
                    copyOut(op, match, 4);
                    match += INC32[offset];
                    copyOut(op + 4, match, 4);
                    match -= DEC64[offset];
                } else {
                    copyOut(op, match, 8);
                    match += 8;
                }
                op += 8;
                if (cpy > oend - MATCH_SAFEGUARD_DISTANCE) {
                    int oCopyLimit = oend - (WILDCOPYLENGTH - 1);
                    if (cpy > oend - LASTLITERALS) {
                        return fail();
                    }
                    if (op < oCopyLimit) {
                        wildCopyOut(op, match, oCopyLimit);
                        match += oCopyLimit - op;
                        op = oCopyLimit;
                    }
                    while (op < cpy) {
                        copyOut(op, match, 1);
                        op++;
                        match++;
                    }
                } else {
                    copyOut(op, match, 8);
                    if (length > 16) {
                        wildCopyOut(op + 8, match + 8, cpy);
                    }
                }
                op = (int) cpy;
            }
            return op;
        }
    }
}
