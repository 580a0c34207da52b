package org.erofssim.fuzz;

import org.erofssim.block.OverlayBytes;
import org.erofssim.ondisk.DeviceSlot;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FieldEdit;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;

/**
 * One edit of the device-slot table of an image: a field of device slot {@code slot}
 * ({@link DeviceSlotField}, slot 0 is the table's first slot, i.e. device id 1), or, with
 * {@code slot == -1}, one of the superblock fields that say where the table is and how long it
 * is ({@code extra_devices}, {@code devt_slotoff}, {@code feature_incompat}).
 *
 * @param edit the (field, verb, value) edit
 * @param slot the slot index for a slot field; -1 for a superblock field
 */
public record SlotEdit(FieldEdit edit, int slot) {
    public SlotEdit {
        if ((edit.field() instanceof SuperblockField) != (slot < 0)) {
            throw new IllegalArgumentException("a superblock field takes slot -1, a slot field a slot >= 0: " + edit);
        }
    }

    /** An edit of a superblock field. */
    public static SlotEdit superblock(SuperblockField field, FieldEdit.Verb verb, long value) {
        return new SlotEdit(new FieldEdit(field, verb, value), -1);
    }

    /** An edit of a field of device slot {@code slot}. */
    public static SlotEdit slot(int slot, DeviceSlotField field, FieldEdit.Verb verb, long value) {
        return new SlotEdit(new FieldEdit(field, verb, value), slot);
    }

    /**
     * Applies the edit; false when the field lies outside the image (a slot beyond the end for the
     * current {@code devt_slotoff}): then nothing is written.
     */
    public boolean applyTo(ImageEditor image) {
        // the common miss (a slot past the end) answered without the editor's exception, whose
        // message and stack trace cost more than the edit (issue 12)
        long pos = slot < 0 ? ((SuperblockField) edit.field()).absoluteOffset()
                : image.slotPosition(slot) + edit.field().offset();
        if (pos < 0 || pos + edit.field().width() > image.size()) {
            return false;
        }
        try {
            if (slot < 0) {
                image.apply(edit);
            } else {
                image.apply(slot, edit);
            }
            return true;
        } catch (IllegalArgumentException outside) {
            return false;
        }
    }

    /**
     * Applies the edit to a copy-on-write view of the image (what {@link #applyTo(ImageEditor)}
     * does to a whole copy): the slot is placed by the view's current {@code devt_slotoff}; false
     * when the field lies outside the image, then nothing is written.
     */
    public boolean applyTo(OverlayBytes image) {
        long pos;
        if (slot < 0) {
            pos = ((SuperblockField) edit.field()).absoluteOffset();
        } else {
            int slotoff = image.readFully(SuperblockField.DEVT_SLOTOFF.absoluteOffset(), 2).getShort(0) & 0xffff;
            pos = DeviceSlot.position(slotoff, slot) + edit.field().offset();
        }
        if (pos < 0 || pos + edit.field().width() > image.size()) {
            return false;
        }
        write(image, pos, edit);
        return true;
    }

    /** Writes {@code edit}'s result over the field's current bytes at {@code pos} (inside the image). */
    static void write(OverlayBytes image, long pos, FieldEdit edit) {
        int w = edit.field().width();
        byte[] cur = new byte[w];
        image.read(pos, cur, 0, w);
        image.write(pos, applied(edit, cur));
    }

    /**
     * {@code -Derofssim.fuzzFieldEdit=big}: every edit through {@link FieldEdit#applyTo} (its
     * {@link java.math.BigInteger} arithmetic) instead of {@link #applied}'s bytewise one.
     */
    static final boolean BIG = "big".equals(System.getProperty("erofssim.fuzzFieldEdit"));

    /**
     * {@link FieldEdit#applyTo}{@code (current)} a byte at a time: the same little-endian number
     * of {@code 8 * width} bits, the operand sign-extended to that width, carries and borrows
     * dropped past the last byte (modulo {@code 2^(8*width)}), the same bytes
     * ({@code FieldEditProperties} compares the two). A fuzz case applies its edits every time it
     * is evaluated, and FieldEdit's {@link java.math.BigInteger} arithmetic cost the campaign's
     * workers run time and the JIT its compilations of BigInteger (JFR, issue 15).
     *
     * @param current the field's bytes, at least {@code width} of them (not written)
     */
    static byte[] applied(FieldEdit edit, byte[] current) {
        int w = edit.field().width();
        if (BIG || current.length < w) {
            return edit.applyTo(current);
        }
        long v = edit.value();
        byte[] out = java.util.Arrays.copyOf(current, w);
        switch (edit.verb()) {
            case ZEROES -> java.util.Arrays.fill(out, (byte) 0);
            case ONES -> java.util.Arrays.fill(out, (byte) 0xff);
            case FIRSTBIT -> out[0] ^= 1;
            case MIDDLEBIT -> out[w / 2] ^= (byte) (1 << (4 * w % 8));
            case LASTBIT -> out[w - 1] ^= (byte) 0x80;
            case SET -> {
                for (int i = 0; i < w; i++) {
                    out[i] = operandByte(v, i);
                }
            }
            case ADD -> {
                int carry = 0;
                for (int i = 0; i < w; i++) {
                    int sum = (out[i] & 0xff) + (operandByte(v, i) & 0xff) + carry;
                    out[i] = (byte) sum;
                    carry = sum >>> 8;
                }
            }
            case SUB -> {
                int borrow = 0;
                for (int i = 0; i < w; i++) {
                    int diff = (out[i] & 0xff) - (operandByte(v, i) & 0xff) - borrow;
                    out[i] = (byte) diff;
                    borrow = diff < 0 ? 1 : 0;
                }
            }
        }
        return out;
    }

    /** Byte {@code i} (little-endian) of {@code v} sign-extended to any width. */
    private static byte operandByte(long v, int i) {
        return i < 8 ? (byte) (v >>> (8 * i)) : (byte) (v < 0 ? 0xff : 0);
    }

    /** The same edit with another operand (for shrinking). */
    SlotEdit withValue(long value) {
        return new SlotEdit(new FieldEdit(edit.field(), edit.verb(), value), slot);
    }

    /** A short name of the edited field: {@code EXTRA_DEVICES} or {@code slot1.BLOCKS_LO}. */
    public String fieldName() {
        return slot < 0 ? edit.field().toString() : "slot" + slot + "." + edit.field();
    }

    @Override public String toString() {
        return slot < 0 ? edit.toString() : "slot" + slot + "." + edit;
    }
}
