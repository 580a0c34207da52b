package org.erofssim.props;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-side readers and writers written from the spec's byte tables, independent of the model's
 * {@code ondisk} package (so that an oracle built on them does not inherit a decoder's mistake):
 * little-endian integers, the superblock checksum of spec §1.4 as a bitwise CRC-32C, and the
 * root directory's entries (spec §7.1, §7.3) to find the nids of an image's files.
 */
public final class SpecBytes {
    /** Spec §1.1: the superblock starts at byte 1024. */
    public static final int SB = 1024;
    /** Spec §1.1: EROFS_SUPER_MAGIC_V1. */
    public static final long MAGIC = 0xE0F5E1E2L;

    private SpecBytes() {}

    public static int u8(byte[] b, long off) {
        return off >= 0 && off < b.length ? b[(int) off] & 0xFF : 0;
    }

    public static int u16(byte[] b, long off) {
        return u8(b, off) | u8(b, off + 1) << 8;
    }

    public static long u32(byte[] b, long off) {
        return (u16(b, off) & 0xFFFFL) | (long) u16(b, off + 2) << 16;
    }

    public static long u64(byte[] b, long off) {
        return u32(b, off) | u32(b, off + 4) << 32;
    }

    /** Little-endian write of the low {@code width} bytes of {@code v}. */
    public static void put(byte[] b, int off, int width, long v) {
        for (int i = 0; i < width; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    /**
     * Spec §1.4: CRC-32C (reflected polynomial 0x82F63B78), initial value 0xFFFFFFFF, no final
     * inversion, over absolute bytes {@code [1024, 1024 + len)} with the checksum field (bytes
     * 1028..1031) taken as zero; {@code len = bs - 1024} if {@code bs > 1024}, else {@code bs}.
     * Bytes past the end of the image count as zero (a zero-filled page).
     */
    public static long kernelChecksum(byte[] image, int blkszbits) {
        int bs = 1 << blkszbits;
        int len = bs > 1024 ? bs - 1024 : bs;
        int crc = 0xFFFFFFFF;
        for (int i = 0; i < len; i++) {
            int at = SB + i;
            int v = (at >= SB + 4 && at < SB + 8) ? 0 : u8(image, at);
            crc ^= v;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
            }
        }
        return crc & 0xFFFFFFFFL;
    }

    /** Stores the kernel checksum for {@code blkszbits} (plus {@code delta}) at byte 1028. */
    public static void writeChecksum(byte[] image, int blkszbits, long delta) {
        put(image, SB + 4, 4, kernelChecksum(image, blkszbits) + delta);
    }

    /** Spec §1.2: root_nid, u16 at superblock offset 14. */
    public static int rootNid(byte[] image) {
        return u16(image, SB + 14);
    }

    /**
     * The entries of the root directory, name → nid, read per spec §7.1/§7.3 for a directory of
     * one block that is FLAT_PLAIN or FLAT_INLINE (what mkfs.erofs makes of a small tree):
     * {@code iloc = meta_blkaddr * bs + nid * 32}; data inline after the inode and its xattrs,
     * or at {@code raw_blkaddr * bs}; {@code de[0].nameoff / 12} entries; a name ends at the
     * next entry's nameoff or, for the last, at a NUL or the directory's size.
     */
    public static Map<String, Long> rootEntries(byte[] image) {
        int bits = u8(image, SB + 12);
        int bs = 1 << bits;
        long meta = u32(image, SB + 40);
        long nid = rootNid(image);
        long iloc = meta * bs + nid * 32;
        int ifmt = u16(image, iloc);
        boolean extended = (ifmt & 1) != 0;
        int layout = (ifmt >> 1) & 7;
        int icount = u16(image, iloc + 2);
        int isize = extended ? 64 : 32;
        long size = extended ? u64(image, iloc + 8) : u32(image, iloc + 8);
        int xattr = icount == 0 ? 0 : 12 + 4 * (icount - 1);
        long data;
        if (layout == 2 && size <= bs) {
            data = iloc + isize + xattr;
        } else if (layout == 0) {
            data = u32(image, iloc + 16) * bs;
        } else {
            throw new IllegalStateException("root directory layout " + layout + " of size " + size + " not handled");
        }
        int n = u16(image, data + 8) / 12;
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            long de = data + 12L * i;
            int nameoff = u16(image, de + 8);
            int end = i + 1 < n ? u16(image, de + 12 + 8) : (int) size;
            StringBuilder name = new StringBuilder();
            for (int k = nameoff; k < end && u8(image, data + k) != 0; k++) {
                name.append((char) u8(image, data + k));
            }
            out.put(new String(name.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
                    u64(image, de));
        }
        return out;
    }

    /** The nid of a root directory entry, or an exception naming what is there. */
    public static long nidOf(byte[] image, String name) {
        Long nid = rootEntries(image).get(name);
        if (nid == null) {
            throw new IllegalStateException("no " + name + " in the root directory: " + rootEntries(image));
        }
        return nid;
    }
}
