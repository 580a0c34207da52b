package org.erofssim.ondisk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A mutable copy of an image for tests and fuzzing: set or corrupt superblock and device slot
 * fields, then optionally recompute the superblock checksum.
 *
 * <p>Writes never change the image's length: a write that would reach past the end throws
 * {@link IllegalArgumentException} (call {@link #ensureSize} first to grow the image on purpose).
 * Device slots are located through the image's current {@code devt_slotoff}.
 */
public final class ImageEditor {
    private byte[] bytes;

    /** Edits a copy of {@code image}; the argument is not modified. */
    public ImageEditor(byte[] image) {
        this.bytes = image.clone();
    }

    public static ImageEditor of(byte[] image) {
        return new ImageEditor(image);
    }

    /** Reads the whole file into a new editor. */
    public static ImageEditor read(Path file) {
        try {
            return new ImageEditor(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Grows the image with zero bytes to at least {@code size} bytes. */
    public ImageEditor ensureSize(int size) {
        if (bytes.length < size) {
            bytes = Arrays.copyOf(bytes, size);
        }
        return this;
    }

    /** The current length. */
    public int size() {
        return bytes.length;
    }

    /** A copy of the current bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** A little-endian view of the current bytes (shares them until the next edit). */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The superblock as it stands now. */
    public Superblock superblock() {
        return Superblock.decode(buffer());
    }

    /** Current value of an integer superblock field. */
    public long get(SuperblockField field) {
        return Le.uint(buffer(), field.absoluteOffset(), field.width());
    }

    /** Stores the low {@code field.width()} bytes of {@code value} (for wide fields: zero-extended). */
    public ImageEditor set(SuperblockField field, long value) {
        return apply(new FieldEdit(field, FieldEdit.Verb.SET, value));
    }

    /** Stores {@code value} into a field, truncated or zero-padded to its width. */
    public ImageEditor setBytes(SuperblockField field, byte[] value) {
        writeField(field.absoluteOffset(), field.width(), Le.fixed(value, field.width()));
        return this;
    }

    /** Absolute position of device slot {@code slot} (0-based) per the current {@code devt_slotoff}. */
    public long slotPosition(int slot) {
        return DeviceSlot.position((int) get(SuperblockField.DEVT_SLOTOFF), slot);
    }

    /** The device slot {@code slot} as it stands now. */
    public DeviceSlot slot(int slot) {
        long pos = slotPosition(slot);
        return pos > Integer.MAX_VALUE ? DeviceSlot.decode(ByteBuffer.allocate(0), 0)
                : DeviceSlot.decode(buffer(), (int) pos);
    }

    /** Stores {@code value} into a field of device slot {@code slot}. */
    public ImageEditor setSlot(int slot, DeviceSlotField field, long value) {
        return apply(slot, new FieldEdit(field, FieldEdit.Verb.SET, value));
    }

    /** Stores {@code value} into a byte-string field of device slot {@code slot} (truncated/zero-padded). */
    public ImageEditor setSlotBytes(int slot, DeviceSlotField field, byte[] value) {
        writeField(slotPosition(slot) + field.offset(), field.width(), Le.fixed(value, field.width()));
        return this;
    }

    /** Applies an edit of a superblock field. */
    public ImageEditor apply(FieldEdit edit) {
        if (!(edit.field() instanceof SuperblockField f)) {
            throw new IllegalArgumentException("not a superblock field: " + edit.field() + " (use apply(slot, edit))");
        }
        return edit(f.absoluteOffset(), edit);
    }

    /** Applies an edit of a field of device slot {@code slot}. */
    public ImageEditor apply(int slot, FieldEdit edit) {
        if (!(edit.field() instanceof DeviceSlotField f)) {
            throw new IllegalArgumentException("not a device slot field: " + edit.field());
        }
        return edit(slotPosition(slot) + f.offset(), edit);
    }

    private ImageEditor edit(long pos, FieldEdit edit) {
        int w = edit.field().width();
        checkRange(pos, w);
        byte[] cur = Arrays.copyOfRange(bytes, (int) pos, (int) pos + w);
        writeField(pos, w, edit.applyTo(cur));
        return this;
    }

    /** Writes raw bytes at an absolute position. */
    public ImageEditor write(long pos, byte[] data) {
        writeField(pos, data.length, data);
        return this;
    }

    /**
     * Recomputes the superblock checksum ({@link SuperblockChecksum}) with the current
     * {@code blkszbits} and stores it, whether or not the SB_CHKSUM feature is set.
     */
    public ImageEditor fixChecksum() {
        int blkszbits = (int) get(SuperblockField.BLKSZBITS);
        return set(SuperblockField.CHECKSUM, SuperblockChecksum.compute(buffer(), blkszbits));
    }

    private void writeField(long pos, int width, byte[] data) {
        checkRange(pos, width);
        System.arraycopy(data, 0, bytes, (int) pos, width);
    }

    private void checkRange(long pos, int width) {
        if (pos < 0 || pos + width > bytes.length) {
            throw new IllegalArgumentException("write of " + width + " bytes at " + pos
                    + " is outside the image (" + bytes.length + " bytes)");
        }
    }
}
