package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian reads and writes at absolute indices that never throw: a read outside
 * {@code [0, buf.limit())} yields zero bytes, as if the device were zero-padded. The buffer's
 * own byte order and position are ignored.
 */
final class Le {
    private Le() {}

    static int u8(ByteBuffer buf, long index) {
        if (index < 0 || index >= buf.limit()) {
            return 0;
        }
        return buf.get((int) index) & 0xff;
    }

    // u16/u32/u64 inside the buffer: one read of the buffer's own width, as uint does (issue 12:
    // byte-by-byte reads were most of an inode's decode in a tree walk), the same value

    static int u16(ByteBuffer buf, long index) {
        if (index >= 0 && index <= buf.limit() - 2L) {
            short h = buf.getShort((int) index);
            return (buf.order() == ByteOrder.LITTLE_ENDIAN ? h : Short.reverseBytes(h)) & 0xffff;
        }
        return u8(buf, index) | u8(buf, index + 1) << 8;
    }

    static long u32(ByteBuffer buf, long index) {
        if (index >= 0 && index <= buf.limit() - 4L) {
            int w = buf.getInt((int) index);
            return (buf.order() == ByteOrder.LITTLE_ENDIAN ? w : Integer.reverseBytes(w)) & 0xffffffffL;
        }
        return (u16(buf, index) & 0xffffL) | (u16(buf, index + 2) & 0xffffL) << 16;
    }

    /** 64-bit value; unsigned values at or above 2^63 come back negative. */
    static long u64(ByteBuffer buf, long index) {
        if (index >= 0 && index <= buf.limit() - 8L) {
            long l = buf.getLong((int) index);
            return buf.order() == ByteOrder.LITTLE_ENDIAN ? l : Long.reverseBytes(l);
        }
        return u32(buf, index) | u32(buf, index + 4) << 32;
    }

    /** Unsigned little-endian integer of 1..8 bytes. */
    static long uint(ByteBuffer buf, long index, int width) {
        if (index >= 0 && index + width <= buf.limit()) {
            // inside the buffer: one read of the buffer's own width (issue 12), same value
            int i = (int) index;
            boolean le = buf.order() == ByteOrder.LITTLE_ENDIAN;
            switch (width) {
                case 1:
                    return buf.get(i) & 0xffL;
                case 2:
                    short h = buf.getShort(i);
                    return (le ? h : Short.reverseBytes(h)) & 0xffffL;
                case 4:
                    int w = buf.getInt(i);
                    return (le ? w : Integer.reverseBytes(w)) & 0xffffffffL;
                case 8:
                    long l = buf.getLong(i);
                    return le ? l : Long.reverseBytes(l);
                default:
                    break;
            }
        }
        long v = 0;
        for (int i = width - 1; i >= 0; i--) {
            v = v << 8 | u8(buf, index + i);
        }
        return v;
    }

    static byte[] bytes(ByteBuffer buf, long index, int len) {
        byte[] out = new byte[len];
        // the bytes inside the buffer's limit in one bulk get; the others stay zero (as u8 reads them)
        long from = Math.max(0, index);
        long to = Math.min((long) buf.limit(), index + len);
        if (to > from) {
            buf.get((int) from, out, (int) (from - index), (int) (to - from));
        }
        return out;
    }

    /** Writes the low {@code width} bytes of {@code value} little-endian into {@code dst[index..]}. */
    static void put(byte[] dst, int index, int width, long value) {
        for (int i = 0; i < width; i++) {
            dst[index + i] = (byte) (value >>> (8 * i));
        }
    }

    /** Copies {@code src} into {@code dst[index..index+width)}, truncated or zero-filled to width. */
    static void putBytes(byte[] dst, int index, int width, byte[] src) {
        for (int i = 0; i < width; i++) {
            dst[index + i] = src != null && i < src.length ? src[i] : 0;
        }
    }

    /** Fixed-length copy of an array: truncated or zero-padded; {@code null} reads as zeros. */
    static byte[] fixed(byte[] src, int len) {
        byte[] out = new byte[len];
        if (src != null) {
            System.arraycopy(src, 0, out, 0, Math.min(len, src.length));
        }
        return out;
    }
}
