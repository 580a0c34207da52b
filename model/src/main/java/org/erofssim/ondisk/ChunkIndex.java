package org.erofssim.ondisk;

import java.nio.ByteBuffer;

/**
 * An 8-byte chunk index entry of a chunk-based inode whose chunk format has
 * {@link #FORMAT_INDEXES} (the kernel's {@code struct erofs_inode_chunk_index} in
 * {@code fs/erofs/erofs_fs.h}), spec §7.2: u16 @0 ({@code advise} at 6.13, {@code startblk_hi}
 * at 6.15+), u16 device id @2, u32 start block @4 ({@code blkaddr} / {@code startblk_lo}).
 *
 * <p>Without {@link #FORMAT_INDEXES} a chunk-based inode uses a plain block map of u32 entries
 * ({@link #BLOCK_MAP_ENTRY_SIZE}, {@link #blockMapEntry}).
 */
public record ChunkIndex(int startblkHi, int deviceId, long startblkLo) {
    public static final int SIZE = 8;
    public static final int OFF_STARTBLK_HI = 0, OFF_DEVICE_ID = 2, OFF_STARTBLK_LO = 4;
    /** Size of a block map entry (chunk format without indexes). */
    public static final int BLOCK_MAP_ENTRY_SIZE = 4;
    /** Chunk format: low 5 bits are chunk size bits above the block size. */
    public static final int FORMAT_BLKBITS_MASK = 0x1F;
    /** Chunk format: 8-byte indexes instead of a 4-byte block map. */
    public static final int FORMAT_INDEXES = 0x20;
    /** Chunk format (6.15+): 48-bit start blocks. */
    public static final int FORMAT_48BIT = 0x40;
    /** A 32-bit block address meaning "no block" (a hole), {@code EROFS_NULL_ADDR}. */
    public static final long NULL_ADDR = 0xFFFFFFFFL;

    /** Decodes the entry at index {@code base}; bytes outside the buffer read as zero. */
    public static ChunkIndex decode(ByteBuffer buf, int base) {
        return new ChunkIndex(Le.u16(buf, (long) base + OFF_STARTBLK_HI), Le.u16(buf, (long) base + OFF_DEVICE_ID),
                Le.u32(buf, (long) base + OFF_STARTBLK_LO));
    }

    /** The u32 block map entry at index {@code base}; zero outside the buffer. */
    public static long blockMapEntry(ByteBuffer buf, int base) {
        return Le.u32(buf, base);
    }

    /** The 8 bytes of this entry. */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        Le.put(out, OFF_STARTBLK_HI, 2, startblkHi);
        Le.put(out, OFF_DEVICE_ID, 2, deviceId);
        Le.put(out, OFF_STARTBLK_LO, 4, startblkLo);
        return out;
    }
}
