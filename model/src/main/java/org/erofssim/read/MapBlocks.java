package org.erofssim.read;

import java.nio.ByteBuffer;
import org.erofssim.inode.Iget;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.ChunkIndex;
import org.erofssim.ondisk.DataLayout;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code erofs_map_blocks} (fs/erofs/data.c, spec §7.2) for the uncompressed layouts: where a
 * logical byte of an inode's data lives. The physical address it returns is still in the
 * unified address space of the erofs device id it names; {@link MapDev} turns it into a device
 * and a position.
 *
 * <p>Kernel versions differ in two places, both switched by
 * {@link org.erofssim.kernel.Behavior#LAYOUT_48BIT} (through what {@link Iget} left in the
 * inode): a 6.15+ FLAT_PLAIN inode whose start block is {@code EROFS_NULL_ADDR} is a hole as a
 * whole, and 6.15+ 8-byte chunk indexes with chunk format bit 0x40 carry 48-bit start blocks.
 * Sizes are taken as the kernel's signed {@code loff_t}.
 */
public final class MapBlocks {
    /** {@code EROFS_MAP_MAPPED}: the extent has data (else it is a hole, read as zeros). */
    public static final int MAPPED = 0x1;
    /** {@code EROFS_MAP_META}: the data is inline in the metadata (FLAT_INLINE tail). */
    public static final int META = 0x2;

    private static final long MASK_32 = 0xFFFFFFFFL;
    private static final long MASK_48 = (1L << 48) - 1;
    private static final String FN = "erofs_map_blocks";
    /** Before 6.15 the flat layouts were mapped (and the tail checked) in a helper of its own. */
    private static final String FN_FLAT = "erofs_map_blocks_flatmode";

    private MapBlocks() {}

    /**
     * The answer of one {@code erofs_map_blocks} call: {@code m_la}, {@code m_llen} (equal to
     * {@code m_plen} for uncompressed data), {@code m_pa}, {@code m_flags} and
     * {@code m_deviceid}. {@code pa} and {@code deviceId} mean nothing for a hole.
     */
    public record Mapping(long la, long llen, long pa, int flags, int deviceId) {
        public boolean mapped() {
            return (flags & MAPPED) != 0;
        }

        public boolean meta() {
            return (flags & META) != 0;
        }

        /** Whether logical byte {@code pos} lies in this extent ({@code in_range}). */
        public boolean contains(long pos) {
            return pos >= la && pos - la < llen;
        }
    }

    /**
     * Maps logical byte {@code la} of {@code inode}, asking for {@code length} bytes (what the
     * caller puts in {@code m_llen}; only a hole past the end keeps it).
     *
     * <ul>
     * <li>{@code la >= i_size}, compared as u64: a hole of {@code length} bytes.</li>
     * <li>FLAT_PLAIN / FLAT_INLINE: blocks before the last ({@code erofs_iblks - 1} for inline)
     *     are one contiguous extent from {@code la} to that block boundary at
     *     {@code startblk * bs + la}; the inline tail is a META extent right after the inode and
     *     its xattrs at {@code la mod bs}, {@code i_size - la} long, which must stay inside one
     *     block, else EUCLEAN and {@code inline data across blocks @ nid N}.</li>
     * <li>CHUNK_BASED: the chunk's entry ({@code u32} block map, or 8-byte index with the device
     *     id masked by {@code device_id_mask}) at
     *     {@code ALIGN(inode end + xattrs, unit) + unit * chunknr}, read through the metadata
     *     buffer (its read error is returned); the extent is the whole chunk, clipped to the
     *     block-rounded file end; an all-ones start block is a hole.</li>
     * </ul>
     *
     * @throws KernelError EUCLEAN (inline tail across a block, after the log line), the
     *                     metadata read error of a chunk entry, EOPNOTSUPP for a compressed inode
     */
    public static Mapping map(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode, long la, long length) {
        int bits = sbi.blocksizeBits();
        long bs = 1L << bits;
        long size = inode.size();
        // m_la is an erofs_off_t (u64): a position past 2^63 (a metabox nid with its high bits
        // set, shifted by the slot size) compares as unsigned and is out of bounds, a hole
        // [obs-6.18.44: fuzz seed 15 case 1687, root nid 0xff00000000000000: bogus i_mode (0)]
        if (Long.compareUnsigned(la, size) >= 0 || size < 0) {
            return new Mapping(la, length, 0, 0, 0);
        }
        int layout = inode.layout();
        if (layout == DataLayout.FLAT_PLAIN.value() || layout == DataLayout.FLAT_INLINE.value()) {
            boolean tailpacking = layout == DataLayout.FLAT_INLINE.value();
            if (!tailpacking && inode.startBlk() == ErofsInode.NULL_ADDR) {
                return new Mapping(la, length, 0, 0, 0);
            }
            long iblks = ((size + bs - 1) & -bs) >>> bits;
            long pos = (iblks - (tailpacking ? 1 : 0)) << bits;
            if (la < pos) {
                return new Mapping(la, pos - la, (inode.startBlk() << bits) + la, MAPPED, 0);
            }
            long pa = inode.dataOffset() + (la & (bs - 1));
            long llen = size - la;
            if ((pa & (bs - 1)) + llen > bs) {
                Coverage.hit("erofs_map_blocks:inline-across-blocks");
                log.err(sbi.kernel().has(Behavior.MAP_BLOCKS_FLATMODE_MERGED) ? FN : FN_FLAT,
                        (sbi.kernel().has(Behavior.INLINE_ACROSS_BLOCKS_MESSAGE) ? "inline data across blocks @ nid "
                                : "inline data cross block boundary @ nid ") + inode.nid());
                throw new KernelError(Errno.EUCLEAN, "inline tail of nid " + inode.nid() + " crosses a block");
            }
            return new Mapping(la, llen, pa, MAPPED | META, 0);
        }
        if (layout != DataLayout.CHUNK_BASED.value()) {
            throw new KernelError(Errno.EOPNOTSUPP, "erofs_map_blocks on a compressed inode");
        }
        boolean indexes = (inode.chunkFormat() & ChunkIndex.FORMAT_INDEXES) != 0;
        int unit = indexes ? ChunkIndex.SIZE : ChunkIndex.BLOCK_MAP_ENTRY_SIZE;
        int chunkBits = inode.chunkBits();
        long chunknr = chunkBits >= 63 ? 0 : la >>> chunkBits;
        long entryPos = align(inode.dataOffset(), unit) + unit * chunknr;
        ByteBuffer page = sbi.metaBuf(inode, buf).page(entryPos);
        int at = MetaBuf.inPage(entryPos);
        long mla = chunknr << chunkBits;
        long chunkLen = chunkBits >= 63 ? Long.MAX_VALUE : 1L << chunkBits;
        long llen = Math.min(chunkLen, roundUp(size - mla, bs));
        if (indexes) {
            ChunkIndex idx = ChunkIndex.decode(page, at);
            long mask = (inode.chunkFormat() & ChunkIndex.FORMAT_48BIT) != 0 ? MASK_48 : MASK_32;
            long startblk = (((long) idx.startblkHi() << 32) | idx.startblkLo()) & mask;
            if (((startblk ^ -1L) & mask) == 0) {
                return new Mapping(mla, llen, 0, 0, 0);
            }
            return new Mapping(mla, llen, startblk << bits, MAPPED, idx.deviceId() & sbi.deviceIdMask());
        }
        long startblk = ChunkIndex.blockMapEntry(page, at);
        if (startblk == ChunkIndex.NULL_ADDR) {
            return new Mapping(mla, llen, 0, 0, 0);
        }
        return new Mapping(mla, llen, startblk << bits, MAPPED, 0);
    }

    private static long align(long v, int unit) {
        return (v + unit - 1) & -unit;
    }

    private static long roundUp(long v, long bs) {
        return (v + bs - 1) & -bs;
    }
}
