package org.erofssim.ondisk;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One corruption of an on-disk field, in the style of the fstests / {@code xfs_db fuzz} verbs,
 * applied to the field's full width.
 *
 * <p>The field's bytes are read as one little-endian unsigned number of {@code 8 * width} bits
 * (also for byte strings such as the UUID or a device tag); bit 0 is the least significant bit of
 * the first byte. Results wrap modulo {@code 2^(8*width)}.
 *
 * @param field the field (superblock or device slot)
 * @param verb  what to do
 * @param value the operand of {@link Verb#ADD}, {@link Verb#SUB} and {@link Verb#SET}; ignored otherwise
 */
public record FieldEdit(OnDiskField field, Verb verb, long value) {
    /** The edit verbs. */
    public enum Verb {
        /** All bits cleared. */
        ZEROES,
        /** All bits set. */
        ONES,
        /** Flip bit 0 (least significant). */
        FIRSTBIT,
        /** Flip bit {@code 4 * width} (the middle of the field). */
        MIDDLEBIT,
        /** Flip bit {@code 8 * width - 1} (most significant). */
        LASTBIT,
        /** Add {@code value} (wrapping). */
        ADD,
        /** Subtract {@code value} (wrapping). */
        SUB,
        /** Store {@code value} (truncated to the width; for wide fields, zero-extended). */
        SET
    }

    public FieldEdit {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(verb, "verb");
    }

    public static FieldEdit of(OnDiskField field, Verb verb) {
        return new FieldEdit(field, verb, 0);
    }

    /**
     * The field's new bytes given its current bytes (length {@code field.width()}).
     * {@code current} is not modified.
     */
    public byte[] applyTo(byte[] current) {
        int w = field.width();
        int bits = 8 * w;
        BigInteger modulus = BigInteger.ONE.shiftLeft(bits);
        BigInteger cur = fromLe(Le.fixed(current, w));
        BigInteger v = BigInteger.valueOf(value);
        BigInteger next = switch (verb) {
            case ZEROES -> BigInteger.ZERO;
            case ONES -> modulus.subtract(BigInteger.ONE);
            case FIRSTBIT -> cur.flipBit(0);
            case MIDDLEBIT -> cur.flipBit(bits / 2);
            case LASTBIT -> cur.flipBit(bits - 1);
            case ADD -> cur.add(v);
            case SUB -> cur.subtract(v);
            case SET -> v;
        };
        return toLe(next.mod(modulus), w);
    }

    private static BigInteger fromLe(byte[] le) {
        byte[] be = new byte[le.length + 1];
        for (int i = 0; i < le.length; i++) {
            be[be.length - 1 - i] = le[i];
        }
        return new BigInteger(be);
    }

    private static byte[] toLe(BigInteger v, int width) {
        byte[] be = v.toByteArray();
        byte[] out = new byte[width];
        for (int i = 0; i < width && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    @Override public String toString() {
        return field + " " + verb + (verb == Verb.ADD || verb == Verb.SUB || verb == Verb.SET ? " " + value : "");
    }
}
