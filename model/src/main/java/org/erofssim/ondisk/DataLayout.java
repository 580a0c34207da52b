package org.erofssim.ondisk;

import java.util.Optional;

/**
 * Data layouts of an inode, bits 1..3 of {@code i_format} (the kernel's
 * {@code EROFS_INODE_FLAT_PLAIN} … {@code EROFS_INODE_CHUNK_BASED} in {@code fs/erofs/erofs_fs.h}),
 * spec §7.1. Values 5..7 are invalid and have no constant.
 */
public enum DataLayout {
    FLAT_PLAIN(0),
    COMPRESSED_FULL(1),
    FLAT_INLINE(2),
    COMPRESSED_COMPACT(3),
    CHUNK_BASED(4);

    private final int value;

    DataLayout(int value) {
        this.value = value;
    }

    /** The 3-bit on-disk value. */
    public int value() {
        return value;
    }

    /** Whether the layout is one of the two compressed ones. */
    public boolean compressed() {
        return this == COMPRESSED_FULL || this == COMPRESSED_COMPACT;
    }

    /** The layout with this on-disk value, empty for values the kernel rejects (5..7 or out of range). */
    public static Optional<DataLayout> of(int value) {
        for (DataLayout l : values()) {
            if (l.value == value) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
