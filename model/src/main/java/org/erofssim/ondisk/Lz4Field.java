package org.erofssim.ondisk;

import java.util.ArrayList;
import java.util.List;

/**
 * A field of one LZ4 block (the LZ4 block format: per sequence a token, the literal length's
 * extension bytes, the literals, a 2-byte little-endian offset and the match length's extension
 * bytes; the last sequence ends after its literals), located by {@link #parse} in a real
 * stream, so that {@link FieldEdit} can damage a compressed pcluster field by field.
 *
 * @param kind     what the bytes are
 * @param sequence the sequence's number in the block (from 0)
 * @param offset   the field's first byte, from the start of the block
 * @param width    its width in bytes: 1, 2 for an offset, up to 8 for literals (their first bytes)
 */
public record Lz4Field(Kind kind, int sequence, int offset, int width) implements OnDiskField {
    /** Field kinds. */
    public enum Kind {
        /** The token: literal length in the high nibble, match length - 4 in the low one. */
        TOKEN,
        /** One byte of the literal length's extension. */
        LITERAL_LENGTH,
        /** The literals (the field covers the first 8 at most). */
        LITERALS,
        /** The match offset. */
        OFFSET,
        /** One byte of the match length's extension. */
        MATCH_LENGTH
    }

    /**
     * The fields of the block {@code b[start, end)}, in order. Parsing stops where the block
     * stops making sense (a length running past {@code end}); a valid block gives all of them.
     */
    public static List<Lz4Field> parse(byte[] b, int start, int end) {
        List<Lz4Field> out = new ArrayList<>();
        int ip = start;
        int seq = 0;
        while (ip < end) {
            int token = b[ip] & 0xFF;
            out.add(new Lz4Field(Kind.TOKEN, seq, ip - start, 1));
            ip++;
            long lit = token >>> 4;
            if (lit == 15) {
                int s;
                do {
                    if (ip >= end) {
                        return out;
                    }
                    s = b[ip] & 0xFF;
                    out.add(new Lz4Field(Kind.LITERAL_LENGTH, seq, ip - start, 1));
                    ip++;
                    lit += s;
                } while (s == 255);
            }
            if (ip + lit > end) {
                return out;
            }
            if (lit > 0) {
                out.add(new Lz4Field(Kind.LITERALS, seq, ip - start, (int) Math.min(8, lit)));
            }
            ip += (int) lit;
            if (ip >= end) {
                return out; // the last sequence
            }
            if (ip + 2 > end) {
                return out;
            }
            out.add(new Lz4Field(Kind.OFFSET, seq, ip - start, 2));
            ip += 2;
            if ((token & 15) == 15) {
                int s;
                do {
                    if (ip >= end) {
                        return out;
                    }
                    s = b[ip] & 0xFF;
                    out.add(new Lz4Field(Kind.MATCH_LENGTH, seq, ip - start, 1));
                    ip++;
                } while (s == 255);
            }
            seq++;
        }
        return out;
    }
}
