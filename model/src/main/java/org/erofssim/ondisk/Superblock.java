package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The EROFS superblock as stored on disk: a decoded copy of the kernel's
 * {@code struct erofs_super_block} ({@code fs/erofs/erofs_fs.h}), spec §1.1–§1.2.
 *
 * <p>Field accessors return the raw on-disk values; no check or version rule is applied here
 * (that is the mount code's job). Unsigned 32-bit values are {@code long}, u16/u8 are
 * {@code int}; 64-bit values are Java {@code long}s holding the same bits (values at or above
 * 2^63 read as negative numbers).
 *
 * <p>{@code raw} holds the {@link #ENCODED_SIZE} bytes from the superblock start as they were
 * read; {@link #encode()} starts from it, so reserved bytes survive a decode/encode round trip.
 * Two superblocks are equal when they encode to the same bytes.
 *
 * <p>Bytes from offset 128 on belong to the superblock only when {@code sbExtslots >= 1}; otherwise
 * they are whatever follows it (usually the device table or the first inodes), and
 * {@link #metaboxNid()} then reads those bytes. Whether to honour a field is the mount code's call.
 */
public record Superblock(
        long magic,
        long checksum,
        long featureCompat,
        int blkszbits,
        int sbExtslots,
        int rootNid,
        long inos,
        long epoch,
        long fixedNsec,
        long blocksLo,
        long metaBlkaddr,
        long xattrBlkaddr,
        byte[] uuid,
        byte[] volumeName,
        long featureIncompat,
        int u1,
        int extraDevices,
        int devtSlotoff,
        int dirblkbits,
        int xattrPrefixCount,
        long xattrPrefixStart,
        long packedNid,
        int xattrFilterReserved,
        long buildTime,
        long rootNid8b,
        long metaboxNid,
        byte[] raw) {

    /** Absolute byte position of the superblock on the primary device ({@code EROFS_SUPER_OFFSET}). */
    public static final int OFFSET = 1024;
    /** The magic number {@code EROFS_SUPER_MAGIC_V1}; also statfs {@code f_type}. */
    public static final long MAGIC = 0xE0F5E1E2L;
    /** Size of the superblock without extension slots. */
    public static final int BASE_SIZE = 128;
    /** Size of one extension slot. */
    public static final int EXTSLOT_SIZE = 16;
    /** How many bytes {@link #encode()} produces and {@link #decode} keeps as {@code raw}. */
    public static final int ENCODED_SIZE = 256;

    public Superblock {
        uuid = Le.fixed(uuid, 16);
        volumeName = Le.fixed(volumeName, 16);
        raw = Le.fixed(raw, ENCODED_SIZE);
    }

    /**
     * Decodes the superblock from a buffer holding the device from byte 0 (the superblock is at
     * {@link #OFFSET}). Bytes missing from the buffer read as zero; never throws.
     */
    public static Superblock decode(ByteBuffer page0) {
        return decode(page0, OFFSET);
    }

    /**
     * Decodes the superblock whose first byte (the magic) is at index {@code base} of
     * {@code buf}. Bytes missing from the buffer read as zero; never throws.
     */
    public static Superblock decode(ByteBuffer buf, int base) {
        return new Superblock(
                get(buf, base, SuperblockField.MAGIC),
                get(buf, base, SuperblockField.CHECKSUM),
                get(buf, base, SuperblockField.FEATURE_COMPAT),
                (int) get(buf, base, SuperblockField.BLKSZBITS),
                (int) get(buf, base, SuperblockField.SB_EXTSLOTS),
                (int) get(buf, base, SuperblockField.ROOT_NID),
                get(buf, base, SuperblockField.INOS),
                get(buf, base, SuperblockField.EPOCH),
                get(buf, base, SuperblockField.FIXED_NSEC),
                get(buf, base, SuperblockField.BLOCKS_LO),
                get(buf, base, SuperblockField.META_BLKADDR),
                get(buf, base, SuperblockField.XATTR_BLKADDR),
                Le.bytes(buf, (long) base + SuperblockField.UUID.offset(), 16),
                Le.bytes(buf, (long) base + SuperblockField.VOLUME_NAME.offset(), 16),
                get(buf, base, SuperblockField.FEATURE_INCOMPAT),
                (int) get(buf, base, SuperblockField.U1),
                (int) get(buf, base, SuperblockField.EXTRA_DEVICES),
                (int) get(buf, base, SuperblockField.DEVT_SLOTOFF),
                (int) get(buf, base, SuperblockField.DIRBLKBITS),
                (int) get(buf, base, SuperblockField.XATTR_PREFIX_COUNT),
                get(buf, base, SuperblockField.XATTR_PREFIX_START),
                get(buf, base, SuperblockField.PACKED_NID),
                (int) get(buf, base, SuperblockField.XATTR_FILTER_RESERVED),
                get(buf, base, SuperblockField.BUILD_TIME),
                get(buf, base, SuperblockField.ROOTNID_8B),
                get(buf, base, SuperblockField.METABOX_NID),
                Le.bytes(buf, base, ENCODED_SIZE));
    }

    private static long get(ByteBuffer buf, int base, SuperblockField f) {
        return Le.uint(buf, (long) base + f.offset(), f.width());
    }

    /**
     * The {@link #ENCODED_SIZE} bytes from the superblock start: {@code raw} with every named
     * field written from this record's components. {@code decode(...).encode()} gives back the
     * bytes that were read.
     */
    public byte[] encode() {
        byte[] out = raw.clone();
        put(out, SuperblockField.MAGIC, magic);
        put(out, SuperblockField.CHECKSUM, checksum);
        put(out, SuperblockField.FEATURE_COMPAT, featureCompat);
        put(out, SuperblockField.BLKSZBITS, blkszbits);
        put(out, SuperblockField.SB_EXTSLOTS, sbExtslots);
        put(out, SuperblockField.ROOT_NID, rootNid);
        put(out, SuperblockField.INOS, inos);
        put(out, SuperblockField.EPOCH, epoch);
        put(out, SuperblockField.FIXED_NSEC, fixedNsec);
        put(out, SuperblockField.BLOCKS_LO, blocksLo);
        put(out, SuperblockField.META_BLKADDR, metaBlkaddr);
        put(out, SuperblockField.XATTR_BLKADDR, xattrBlkaddr);
        Le.putBytes(out, SuperblockField.UUID.offset(), 16, uuid);
        Le.putBytes(out, SuperblockField.VOLUME_NAME.offset(), 16, volumeName);
        put(out, SuperblockField.FEATURE_INCOMPAT, featureIncompat);
        put(out, SuperblockField.U1, u1);
        put(out, SuperblockField.EXTRA_DEVICES, extraDevices);
        put(out, SuperblockField.DEVT_SLOTOFF, devtSlotoff);
        put(out, SuperblockField.DIRBLKBITS, dirblkbits);
        put(out, SuperblockField.XATTR_PREFIX_COUNT, xattrPrefixCount);
        put(out, SuperblockField.XATTR_PREFIX_START, xattrPrefixStart);
        put(out, SuperblockField.PACKED_NID, packedNid);
        put(out, SuperblockField.XATTR_FILTER_RESERVED, xattrFilterReserved);
        put(out, SuperblockField.BUILD_TIME, buildTime);
        put(out, SuperblockField.ROOTNID_8B, rootNid8b);
        put(out, SuperblockField.METABOX_NID, metaboxNid);
        return out;
    }

    private static void put(byte[] out, SuperblockField f, long v) {
        Le.put(out, f.offset(), f.width(), v);
    }

    /** The value of an integer field ({@link OnDiskField#isInteger()}); 0 for byte-string fields. */
    public long get(SuperblockField field) {
        return field.isInteger() ? Le.uint(ByteBuffer.wrap(encode()), field.offset(), field.width()) : 0;
    }

    /** Superblock size the kernel computes: {@code 128 + 16 * sb_extslots}. */
    public int sbSize() {
        return BASE_SIZE + EXTSLOT_SIZE * sbExtslots;
    }

    /** The 16-bit value at offset 14 read as 6.15+ {@code blocks_hi} (same bytes as {@link #rootNid()}). */
    public int blocksHi() {
        return rootNid;
    }

    /** Known compatible features whose bits are set. */
    public List<FeatureCompat> compatFeatures() {
        return FeatureCompat.decode((int) featureCompat);
    }

    /** Known incompatible features whose bits are set. */
    public List<FeatureIncompat> incompatFeatures() {
        return FeatureIncompat.decode((int) featureIncompat);
    }

    /** The UUID in the usual lower-case {@code 8-4-4-4-12} form, bytes in on-disk order. */
    public String uuidString() {
        String h = HexFormat.of().formatHex(uuid);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                + h.substring(16, 20) + "-" + h.substring(20);
    }

    @Override public byte[] uuid() {
        return uuid.clone();
    }

    @Override public byte[] volumeName() {
        return volumeName.clone();
    }

    @Override public byte[] raw() {
        return raw.clone();
    }

    @Override public boolean equals(Object o) {
        return o instanceof Superblock s && Arrays.equals(encode(), s.encode());
    }

    @Override public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override public String toString() {
        return String.format("Superblock[magic=0x%08x, checksum=0x%08x, compat=0x%x, blkszbits=%d, extslots=%d,"
                        + " rootNid=%d, inos=%d, epoch=%d, fixedNsec=%d, blocksLo=%d, metaBlkaddr=%d, xattrBlkaddr=%d,"
                        + " uuid=%s, volumeName=%s, incompat=0x%x, u1=0x%x, extraDevices=%d, devtSlotoff=%d,"
                        + " dirblkbits=%d, xattrPrefixCount=%d, xattrPrefixStart=%d, packedNid=%d,"
                        + " xattrFilterReserved=%d, buildTime=%d, rootNid8b=%d, metaboxNid=%d]",
                magic, checksum, featureCompat, blkszbits, sbExtslots, rootNid, inos, epoch, fixedNsec,
                blocksLo, metaBlkaddr, xattrBlkaddr, uuidString(), HexFormat.of().formatHex(volumeName),
                featureIncompat, u1, extraDevices, devtSlotoff, dirblkbits, xattrPrefixCount,
                xattrPrefixStart, packedNid, xattrFilterReserved, buildTime, rootNid8b, metaboxNid);
    }
}
