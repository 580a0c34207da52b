package org.erofssim.ondisk;

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
        /** Store {@code value} (truncated to the width; for wide fields, sign-extended). */
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
     * The field's new bytes given its current bytes (length {@code field.width()}; shorter ones
     * read as zero-padded). {@code current} is not modified. Computed a byte at a time: the
     * operand is sign-extended to the width, carries and borrows past the last byte dropped
     * (session 13: a fuzz campaign applies its cases' edits every time it evaluates one, and
     * {@code BigInteger} arithmetic cost its workers run time and the JIT its compilations;
     * {@code FieldEditProperties} compares the bytes with that arithmetic's).
     */
    public byte[] applyTo(byte[] current) {
        int w = field.width();
        byte[] out = Le.fixed(current, w);
        switch (verb) {
            case ZEROES -> java.util.Arrays.fill(out, (byte) 0);
            case ONES -> java.util.Arrays.fill(out, (byte) 0xff);
            case FIRSTBIT -> out[0] ^= 1;
            case MIDDLEBIT -> out[w / 2] ^= (byte) (1 << (4 * w % 8));
            case LASTBIT -> out[w - 1] ^= (byte) 0x80;
            case SET -> {
                for (int i = 0; i < w; i++) {
                    out[i] = operandByte(i);
                }
            }
            case ADD -> {
                int carry = 0;
                for (int i = 0; i < w; i++) {
                    int sum = (out[i] & 0xff) + (operandByte(i) & 0xff) + carry;
                    out[i] = (byte) sum;
                    carry = sum >>> 8;
                }
            }
            case SUB -> {
                int borrow = 0;
                for (int i = 0; i < w; i++) {
                    int diff = (out[i] & 0xff) - (operandByte(i) & 0xff) - borrow;
                    out[i] = (byte) diff;
                    borrow = diff < 0 ? 1 : 0;
                }
            }
        }
        return out;
    }

    /** Byte {@code i} (little-endian) of {@link #value} sign-extended to any width. */
    private byte operandByte(int i) {
        return i < 8 ? (byte) (value >>> (8 * i)) : (byte) (value < 0 ? 0xff : 0);
    }

    @Override public String toString() {
        return field + " " + verb + (verb == Verb.ADD || verb == Verb.SUB || verb == Verb.SET ? " " + value : "");
    }
}
