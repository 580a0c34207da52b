package org.erofssim.ondisk;

/**
 * The fields of one device table slot (the kernel's {@code struct erofs_deviceslot} in
 * {@code fs/erofs/erofs_fs.h}), offsets from the slot start, spec §1.5. The 6.13 names are
 * {@code blocks} and {@code mapped_blkaddr}; 6.15 split them into low/high halves.
 */
public enum DeviceSlotField implements OnDiskField {
    /** 64 bytes: device path or digest, NUL-padded, not necessarily NUL-terminated. */
    TAG(0, 64),
    /** u32 block count of the device (6.13 {@code blocks}). */
    BLOCKS_LO(64, 4),
    /** u32 first block of the device in the unified address space (6.13 {@code mapped_blkaddr}). */
    UNIADDR_LO(68, 4),
    /** u32 (6.15+) high half of the block count; reserved at 6.13. */
    BLOCKS_HI(72, 4),
    /** u16 (6.15+) high half of the unified address; reserved at 6.13. */
    UNIADDR_HI(76, 2);

    private final int offset;
    private final int width;

    DeviceSlotField(int offset, int width) {
        this.offset = offset;
        this.width = width;
    }

    @Override public int offset() {
        return offset;
    }

    @Override public int width() {
        return width;
    }
}
