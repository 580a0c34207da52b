package org.erofssim.ondisk;

/**
 * A named little-endian field of an on-disk structure: its byte offset from the structure's
 * start and its width in bytes. Implemented by {@link SuperblockField}, {@link DeviceSlotField} and {@link Lz4Field}
 * so that {@link FieldEdit} can work on either.
 */
public sealed interface OnDiskField permits SuperblockField, DeviceSlotField, Lz4Field {
    /** Offset in bytes from the start of the structure. */
    int offset();

    /** Width in bytes. */
    int width();

    /** Whether the field is an integer (at most 8 bytes) rather than a byte string. */
    default boolean isInteger() {
        return width() <= 8;
    }

    /** The largest value the field can hold, for integers (all ones in {@code width()} bytes). */
    default long mask() {
        return width() >= 8 ? -1L : (1L << (8 * width())) - 1;
    }
}
