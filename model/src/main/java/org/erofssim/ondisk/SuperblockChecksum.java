package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The superblock checksum the kernel verifies when {@link FeatureCompat#SB_CHKSUM} is set
 * ({@code erofs_superblock_csum_verify} in {@code fs/erofs/super.c}), spec §1.4.
 *
 * <p>CRC-32C (Castagnoli) with initial value 0xFFFFFFFF and <em>no</em> final inversion, over the
 * absolute bytes {@code [1024, 1024 + len)} of the primary device with the 4-byte checksum field
 * taken as zero; {@code len = bs - 1024} if the block size {@code bs = 1 << blkszbits} is above
 * 1024, else {@code bs}. {@link CRC32C} applies the final inversion, so the kernel value is its
 * bitwise complement.
 */
public final class SuperblockChecksum {
    /** Largest {@code blkszbits} honoured; larger values are computed as this (64 KiB blocks). */
    public static final int MAX_BLKSZBITS = 16;

    private static final byte[] ZEROS = new byte[8];

    private SuperblockChecksum() {}

    /** Number of bytes covered for a block size shift (negative shifts count as 0, large ones as {@link #MAX_BLKSZBITS}). */
    public static int coveredLength(int blkszbits) {
        int bs = 1 << Math.max(0, Math.min(blkszbits, MAX_BLKSZBITS));
        return bs > Superblock.OFFSET ? bs - Superblock.OFFSET : bs;
    }

    /**
     * The checksum the kernel computes for the device whose first bytes {@code page0} holds
     * (index 0 = device byte 0). Bytes past the buffer's limit count as zero; never throws.
     *
     * <p>The kernel only gets here after accepting {@code blkszbits} (9..PAGE_SHIFT); for
     * values above {@link #MAX_BLKSZBITS} the length is capped.
     *
     * @return the unsigned 32-bit value as the kernel's {@code crc32c()} returns it
     */
    public static long compute(ByteBuffer page0, int blkszbits) {
        int len = coveredLength(blkszbits);
        int cs = SuperblockField.CHECKSUM.offset();
        int csEnd = cs + SuperblockField.CHECKSUM.width();
        if (page0.limit() >= Superblock.OFFSET + len && len >= csEnd) {
            // all bytes inside the buffer: the CRC over the buffer itself, the field as zeros (no copy)
            CRC32C crc = new CRC32C();
            ByteBuffer b = page0.duplicate();
            b.limit(Superblock.OFFSET + cs).position(Superblock.OFFSET);
            crc.update(b);
            crc.update(ZEROS, 0, csEnd - cs);
            b.limit(Superblock.OFFSET + len).position(Superblock.OFFSET + csEnd);
            crc.update(b);
            return ~crc.getValue() & 0xFFFFFFFFL;
        }
        byte[] bytes = Le.bytes(page0, Superblock.OFFSET, len);
        for (int i = 0; i < SuperblockField.CHECKSUM.width() && cs + i < len; i++) {
            bytes[cs + i] = 0;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, len);
        return ~crc.getValue() & 0xFFFFFFFFL;
    }

    /** The stored checksum field (LE u32 at absolute byte 1028). */
    public static long stored(ByteBuffer page0) {
        return Le.u32(page0, SuperblockField.CHECKSUM.absoluteOffset());
    }

    /** Whether the stored checksum equals {@link #compute} with the on-disk {@code blkszbits}. */
    public static boolean matches(ByteBuffer page0) {
        int blkszbits = Le.u8(page0, SuperblockField.BLKSZBITS.absoluteOffset());
        return compute(page0, blkszbits) == stored(page0);
    }
}
