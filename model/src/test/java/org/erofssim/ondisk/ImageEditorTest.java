package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.erofssim.ondisk.FieldEdit.Verb;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("ImageEditor")
class ImageEditorTest {

    private static byte[] plain() {
        return Fixtures.bytes(Fixtures.image("plain.erofs"));
    }

    @Nested
    @DisplayName("superblock fields")
    class Superblocks {
        @Test
        @DisplayName("set writes little-endian at 1024 + the spec offset and nowhere else")
        void set() {
            byte[] orig = plain();
            byte[] out = ImageEditor.of(orig).set(SuperblockField.DEVT_SLOTOFF, 0x0A0B).bytes();
            assertThat(out[1024 + 88]).isEqualTo((byte) 0x0B);
            assertThat(out[1024 + 89]).isEqualTo((byte) 0x0A);
            out[1024 + 88] = orig[1024 + 88];
            out[1024 + 89] = orig[1024 + 89];
            assertThat(out).isEqualTo(orig);
        }

        @Test
        @DisplayName("the original array is never modified and bytes() returns copies")
        void copies() {
            byte[] orig = plain();
            byte[] keep = orig.clone();
            ImageEditor ed = ImageEditor.of(orig).set(SuperblockField.MAGIC, 0);
            assertThat(orig).isEqualTo(keep);
            ed.bytes()[0] = 1;
            assertThat(ed.bytes()[0]).isEqualTo(keep[0]);
        }

        @Test
        @DisplayName("setBytes pads a short volume name with zeros to 16 bytes")
        void setBytes() {
            byte[] out = ImageEditor.of(plain()).setBytes(SuperblockField.VOLUME_NAME, "label".getBytes()).bytes();
            assertThat(new String(out, 1024 + 64, 5)).isEqualTo("label");
            assertThat(java.util.Arrays.copyOfRange(out, 1024 + 69, 1024 + 80)).containsOnly(0);
        }

        @Test
        @DisplayName("apply(FieldEdit) flips the bit the verb names")
        void apply() {
            byte[] orig = plain();
            byte[] out = ImageEditor.of(orig).apply(FieldEdit.of(SuperblockField.FEATURE_INCOMPAT, Verb.LASTBIT)).bytes();
            assertThat(out[1024 + 83]).isEqualTo((byte) (orig[1024 + 83] ^ 0x80));
        }

        @Test
        @DisplayName("get reads a field back as the spec layout says")
        void get() {
            ByteBuffer b = Fixtures.le(plain());
            ImageEditor ed = ImageEditor.of(plain());
            assertThat(ed.get(SuperblockField.ROOT_NID)).isEqualTo(Short.toUnsignedLong(b.getShort(1024 + 14)));
            assertThat(ed.get(SuperblockField.BLOCKS_LO)).isEqualTo(Integer.toUnsignedLong(b.getInt(1024 + 36)));
        }
    }

    @Nested
    @DisplayName("checksum")
    class Checksum {
        @Test
        @DisplayName("an edit breaks the mkfs checksum and fixChecksum restores a valid one")
        void fix() {
            ImageEditor ed = ImageEditor.of(plain()).set(SuperblockField.INOS, 5);
            ByteBuffer broken = Fixtures.le(ed.bytes());
            assertThat(SuperblockChecksumTest.referenceChecksum(ed.bytes(), 12))
                    .isNotEqualTo(Integer.toUnsignedLong(broken.getInt(1028)));
            byte[] fixed = ed.fixChecksum().bytes();
            assertThat(Integer.toUnsignedLong(Fixtures.le(fixed).getInt(1028)))
                    .isEqualTo(SuperblockChecksumTest.referenceChecksum(fixed, 12));
        }

        @Test
        @DisplayName("fixChecksum on an untouched image keeps mkfs' value")
        void untouched() {
            assertThat(ImageEditor.of(plain()).fixChecksum().bytes()).isEqualTo(plain());
        }
    }

    @Nested
    @DisplayName("device slots")
    class Slots {
        @Test
        @DisplayName("setSlot writes at devt_slotoff * 128 + 128 * slot + field offset")
        void setSlot() {
            byte[] img = Fixtures.bytes(Fixtures.image("multidev.erofs"));
            int slotoff = Short.toUnsignedInt(Fixtures.le(img).getShort(1024 + 88));
            byte[] out = ImageEditor.of(img).setSlot(0, DeviceSlotField.BLOCKS_LO, 12)
                    .setSlot(1, DeviceSlotField.UNIADDR_LO, 0x01020304).bytes();
            ByteBuffer b = Fixtures.le(out);
            assertThat(b.getInt(slotoff * 128 + 64)).isEqualTo(12);
            assertThat(b.getInt(slotoff * 128 + 128 + 68)).isEqualTo(0x01020304);
        }

        @Test
        @DisplayName("setSlotBytes writes a tag and slot() reads it back through the current devt_slotoff")
        void tag() {
            ImageEditor ed = ImageEditor.of(Fixtures.bytes(Fixtures.image("multidev.erofs")))
                    .setSlotBytes(0, DeviceSlotField.TAG, "blob".getBytes());
            assertThat(ed.slot(0).tagString()).isEqualTo("blob");
            assertThat(ed.slotPosition(0)).isEqualTo(9 * 128);
        }

        @Test
        @DisplayName("apply(slot, edit) edits a slot field")
        void apply() {
            ImageEditor ed = ImageEditor.of(Fixtures.bytes(Fixtures.image("multidev.erofs")))
                    .apply(0, new FieldEdit(DeviceSlotField.BLOCKS_LO, Verb.ONES, 0));
            assertThat(Fixtures.le(ed.bytes()).getInt(1152 + 64)).isEqualTo(-1);
        }
    }

    @Nested
    @DisplayName("misuse")
    class Misuse {
        @Test
        @DisplayName("a write past the end of the image is refused rather than growing it")
        void pastEnd() {
            ImageEditor ed = ImageEditor.of(new byte[1050]);
            assertThatThrownBy(() -> ed.set(SuperblockField.BLOCKS_LO, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThat(ed.size()).isEqualTo(1050);
            ed.ensureSize(4096).set(SuperblockField.BLOCKS_LO, 1);
            assertThat(ed.size()).isEqualTo(4096);
            ImageEditor big = ImageEditor.of(new byte[4096]).set(SuperblockField.DEVT_SLOTOFF, 0xFFFF);
            assertThatThrownBy(() -> big.setSlot(0, DeviceSlotField.BLOCKS_LO, 1)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("a device slot edit passed as a superblock edit (and the reverse) is refused")
        void wrongKind() {
            ImageEditor ed = ImageEditor.of(new byte[4096]);
            assertThatThrownBy(() -> ed.apply(FieldEdit.of(DeviceSlotField.TAG, Verb.ONES)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ed.apply(0, FieldEdit.of(SuperblockField.MAGIC, Verb.ONES)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
