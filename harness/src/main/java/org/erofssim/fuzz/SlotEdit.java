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
        image.write(pos, edit.applyTo(cur));
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
