package org.erofssim.ondisk;

/**
 * The fields of the EROFS superblock (the kernel's {@code struct erofs_super_block} in
 * {@code fs/erofs/erofs_fs.h}), with their offset from the superblock start (absolute byte
 * {@link Superblock#OFFSET} + offset) and width, as listed in spec §1.2.
 *
 * <p>Names follow the 6.13 layout with the later (6.15 / 6.17) names where a field was renamed or
 * added. Byte ranges that are reserved in every version have no constant; they are kept by
 * {@link Superblock#encode()} as read.
 */
public enum SuperblockField implements OnDiskField {
    /** u32 magic, {@link Superblock#MAGIC}. */
    MAGIC(0, 4),
    /** u32 CRC32C of the superblock block, see {@link SuperblockChecksum}. */
    CHECKSUM(4, 4),
    /** u32 compatible feature bits, {@link FeatureCompat}. */
    FEATURE_COMPAT(8, 4),
    /** u8 log2 of the block size. */
    BLKSZBITS(12, 1),
    /** u8 number of 16-byte slots the superblock extends beyond 128 bytes. */
    SB_EXTSLOTS(13, 1),
    /** u16 root directory nid; from 6.15 also read as {@code blocks_hi} (48-bit layout). */
    ROOT_NID(14, 2),
    /** u64 inode count. */
    INOS(16, 8),
    /** u64: 6.13 {@code build_time} (compact inode time, seconds); 6.15+ {@code epoch}. */
    EPOCH(24, 8),
    /** u32: 6.13 {@code build_time_nsec}; 6.15+ {@code fixed_nsec}. */
    FIXED_NSEC(32, 4),
    /** u32 block count of the primary device (6.13 {@code blocks}). */
    BLOCKS_LO(36, 4),
    /** u32 start block of the inode table (nid 0). */
    META_BLKADDR(40, 4),
    /** u32 start block of the shared xattr area. */
    XATTR_BLKADDR(44, 4),
    /** 16 bytes volume UUID. */
    UUID(48, 16),
    /** 16 bytes volume label. */
    VOLUME_NAME(64, 16),
    /** u32 incompatible feature bits, {@link FeatureIncompat}. */
    FEATURE_INCOMPAT(80, 4),
    /** u16 union: available compression algorithms bitmap or LZ4 max distance. */
    U1(84, 2),
    /** u16 number of extra devices (honoured only with the device table feature). */
    EXTRA_DEVICES(86, 2),
    /** u16 device table position in units of {@link DeviceSlot#SIZE} bytes. */
    DEVT_SLOTOFF(88, 2),
    /** u8 directory block size shift; must be 0. */
    DIRBLKBITS(90, 1),
    /** u8 number of long xattr name prefixes. */
    XATTR_PREFIX_COUNT(91, 1),
    /** u32 start of the long xattr prefix table. */
    XATTR_PREFIX_START(92, 4),
    /** u64 nid of the packed (fragments) inode. */
    PACKED_NID(96, 8),
    /** u8 reserved byte of the xattr bloom filter. */
    XATTR_FILTER_RESERVED(104, 1),
    /** u32 (6.15+) mkfs time in seconds relative to {@link #EPOCH}; reserved at 6.13. */
    BUILD_TIME(108, 4),
    /** u64 (6.15+, 48-bit layout) 64-bit root nid; reserved at 6.13. */
    ROOTNID_8B(112, 8),
    /** u64 (6.17+, first extension slot) nid of the metabox inode. */
    METABOX_NID(128, 8);

    private final int offset;
    private final int width;

    SuperblockField(int offset, int width) {
        this.offset = offset;
        this.width = width;
    }

    @Override public int offset() {
        return offset;
    }

    @Override public int width() {
        return width;
    }

    /** Absolute byte position on the primary device: {@link Superblock#OFFSET} + {@link #offset()}. */
    public int absoluteOffset() {
        return Superblock.OFFSET + offset;
    }
}
