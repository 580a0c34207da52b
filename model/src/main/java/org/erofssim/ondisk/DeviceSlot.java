package org.erofssim.ondisk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One 128-byte device table slot (the kernel's {@code struct erofs_deviceslot} in
 * {@code fs/erofs/erofs_fs.h}), spec §1.5. Slot {@code i} describes device id {@code i + 1}
 * and sits at absolute byte {@code devt_slotoff * 128 + 128 * i} of the primary device.
 *
 * <p>{@code blocksHi} and {@code uniaddrHi} are 6.15+ fields (reserved bytes before); the
 * remaining 50 reserved bytes are not kept: {@link #encode()} writes them as zero.
 */
public record DeviceSlot(byte[] tag, long blocksLo, long uniaddrLo, long blocksHi, int uniaddrHi) {
    /** Size of a slot ({@code EROFS_DEVT_SLOT_SIZE}). */
    public static final int SIZE = 128;
    /** Length of the tag field. */
    public static final int TAG_SIZE = 64;

    public DeviceSlot {
        tag = Le.fixed(tag, TAG_SIZE);
    }

    /** Decodes the slot starting at index {@code base}; bytes outside the buffer read as zero. */
    public static DeviceSlot decode(ByteBuffer buf, int base) {
        return new DeviceSlot(
                Le.bytes(buf, (long) base + DeviceSlotField.TAG.offset(), TAG_SIZE),
                Le.u32(buf, (long) base + DeviceSlotField.BLOCKS_LO.offset()),
                Le.u32(buf, (long) base + DeviceSlotField.UNIADDR_LO.offset()),
                Le.u32(buf, (long) base + DeviceSlotField.BLOCKS_HI.offset()),
                Le.u16(buf, (long) base + DeviceSlotField.UNIADDR_HI.offset()));
    }

    /**
     * {@link #tagString()} of the slot at index {@code base}, read in place: what
     * {@code decode(buf, base).tagString()} returns without copying the slot twice (session 14: a
     * fuzz campaign's edited device counts make a mount read a hundred slots on average).
     */
    public static String tagString(ByteBuffer buf, int base) {
        int from = base + DeviceSlotField.TAG.offset();
        int n = 0;
        while (n < TAG_SIZE && Le.u8(buf, (long) from + n) != 0) {
            n++;
        }
        if (n == 0) {
            return "";
        }
        if (buf.hasArray()) {
            return new String(buf.array(), buf.arrayOffset() + from, n, StandardCharsets.ISO_8859_1);
        }
        return new String(Le.bytes(buf, from, n), StandardCharsets.ISO_8859_1);
    }

    /** {@link #blocksLo()} of the slot at index {@code base}, read in place. */
    public static long blocksLo(ByteBuffer buf, int base) {
        return Le.u32(buf, (long) base + DeviceSlotField.BLOCKS_LO.offset());
    }

    /** {@link #uniaddrLo()} of the slot at index {@code base}, read in place. */
    public static long uniaddrLo(ByteBuffer buf, int base) {
        return Le.u32(buf, (long) base + DeviceSlotField.UNIADDR_LO.offset());
    }

    /** Absolute byte position of slot {@code index} (0-based) for a given {@code devt_slotoff}. */
    public static long position(int devtSlotoff, int index) {
        return (long) devtSlotoff * SIZE + (long) SIZE * index;
    }

    /** The {@link #SIZE} bytes of this slot; reserved bytes are zero. */
    public byte[] encode() {
        byte[] out = new byte[SIZE];
        Le.putBytes(out, DeviceSlotField.TAG.offset(), TAG_SIZE, tag);
        Le.put(out, DeviceSlotField.BLOCKS_LO.offset(), 4, blocksLo);
        Le.put(out, DeviceSlotField.UNIADDR_LO.offset(), 4, uniaddrLo);
        Le.put(out, DeviceSlotField.BLOCKS_HI.offset(), 4, blocksHi);
        Le.put(out, DeviceSlotField.UNIADDR_HI.offset(), 2, uniaddrHi);
        return out;
    }

    /**
     * The tag as the kernel uses it: at most 64 bytes, up to the first NUL (the kernel copies
     * 64 bytes and appends a terminator). Bytes are decoded as ISO-8859-1 so every byte maps to
     * one char.
     */
    public String tagString() {
        int n = 0;
        while (n < TAG_SIZE && tag[n] != 0) {
            n++;
        }
        return new String(tag, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Override public byte[] tag() {
        return tag.clone();
    }

    @Override public boolean equals(Object o) {
        return o instanceof DeviceSlot s && Arrays.equals(tag, s.tag) && blocksLo == s.blocksLo
                && uniaddrLo == s.uniaddrLo && blocksHi == s.blocksHi && uniaddrHi == s.uniaddrHi;
    }

    @Override public int hashCode() {
        return Arrays.hashCode(encode());
    }

    @Override public String toString() {
        return "DeviceSlot[tag=" + tagString() + ", blocksLo=" + blocksLo + ", uniaddrLo=" + uniaddrLo
                + ", blocksHi=" + blocksHi + ", uniaddrHi=" + uniaddrHi + "]";
    }
}
