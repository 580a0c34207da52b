package org.erofssim.ondisk;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * One sequence of an LZ4 block (the LZ4 block format: a token whose high nibble is the literal
 * length and low nibble the match length minus 4, each 15 meaning "extended by the following
 * bytes, 255 meaning more"; the literals; a 2-byte little-endian offset; the match length's
 * extension), as an encoder for crafted pclusters in tests and fixtures. The block's last
 * sequence has literals only: {@code matchLength} 0 and no offset.
 *
 * <p>Nothing is validated beyond what the encoding can hold: an offset of 0 or one reaching
 * before the output start encodes as given (that is what crafted images are for).
 *
 * @param literals    the literal bytes
 * @param offset      the match offset (0..65535); ignored for the last sequence
 * @param matchLength the match length (at least 4), or 0 for the last sequence
 */
public record Lz4Sequence(byte[] literals, int offset, int matchLength) {
    public Lz4Sequence {
        if (matchLength != 0 && matchLength < 4) {
            throw new IllegalArgumentException("match length " + matchLength + " (at least 4, or 0 for the last sequence)");
        }
        if (offset < 0 || offset > 0xFFFF) {
            throw new IllegalArgumentException("offset " + offset + " (16 bits)");
        }
        literals = literals.clone();
    }

    /** The block's last sequence: literals only. */
    public static Lz4Sequence last(byte[] literals) {
        return new Lz4Sequence(literals, 0, 0);
    }

    @Override
    public byte[] literals() {
        return literals.clone();
    }

    /** Bytes this sequence adds to the output. */
    public long outputLength() {
        return literals.length + (long) matchLength;
    }

    /** The encoded sequence. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lit = literals.length;
        int ml = matchLength == 0 ? 0 : matchLength - 4;
        out.write(Math.min(lit, 15) << 4 | Math.min(ml, 15));
        if (lit >= 15) {
            extension(out, lit - 15);
        }
        out.writeBytes(literals);
        if (matchLength != 0) {
            out.write(offset & 0xFF);
            out.write(offset >>> 8);
            if (ml >= 15) {
                extension(out, ml - 15);
            }
        }
        return out.toByteArray();
    }

    /** A whole block: the sequences' encodings one after the other. */
    public static byte[] encode(List<Lz4Sequence> sequences) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Lz4Sequence s : sequences) {
            out.writeBytes(s.encode());
        }
        return out.toByteArray();
    }

    /** A length extension: 255 while at least 255 remain, then the rest (possibly 0). */
    private static void extension(ByteArrayOutputStream out, int n) {
        while (n >= 255) {
            out.write(255);
            n -= 255;
        }
        out.write(n);
    }
}
