package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("DeviceSlot")
class DeviceSlotTest {

    static byte[] slotBytes(String tag, int blocks, int uniaddr, int blocksHi, int uniaddrHi) {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        byte[] t = tag.getBytes(StandardCharsets.ISO_8859_1);
        b.put(0, t, 0, Math.min(64, t.length));
        b.putInt(64, blocks).putInt(68, uniaddr).putInt(72, blocksHi).putShort(76, (short) uniaddrHi);
        return b.array();
    }

    @Nested
    @DisplayName("decoding")
    class Decode {
        @Test
        @DisplayName("reads blocks, unified address and the 6.15 high halves at their offsets")
        void fields() {
            byte[] img = new byte[2048];
            System.arraycopy(slotBytes("blob1", 12, 0x10000, 3, 0xABCD), 0, img, 1152, 128);
            DeviceSlot s = DeviceSlot.decode(Fixtures.le(img), 1152);
            assertThat(s.blocksLo()).isEqualTo(12);
            assertThat(s.uniaddrLo()).isEqualTo(0x10000);
            assertThat(s.blocksHi()).isEqualTo(3);
            assertThat(s.uniaddrHi()).isEqualTo(0xABCD);
            assertThat(s.tagString()).isEqualTo("blob1");
        }

        @Test
        @DisplayName("u32 fields are unsigned")
        void unsigned() {
            DeviceSlot s = DeviceSlot.decode(Fixtures.le(slotBytes("", -1, -2, 0, 0)), 0);
            assertThat(s.blocksLo()).isEqualTo(0xFFFFFFFFL);
            assertThat(s.uniaddrLo()).isEqualTo(0xFFFFFFFEL);
        }

        @Test
        @DisplayName("a slot running past the buffer reads zeros there and never throws")
        void shortBuffer() {
            byte[] img = Arrays.copyOf(slotBytes("abc", 5, 6, 0, 0), 66);
            DeviceSlot s = DeviceSlot.decode(Fixtures.le(img), 0);
            assertThat(s.tagString()).isEqualTo("abc");
            assertThat(s.blocksLo()).isEqualTo(5 & 0xFFFF);
            assertThatCode(() -> DeviceSlot.decode(Fixtures.le(new byte[0]), Integer.MAX_VALUE - 3)).doesNotThrowAnyException();
            assertThatCode(() -> DeviceSlot.decode(Fixtures.le(new byte[10]), -50)).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("the multidev fixture's slot 0 at byte 1152 is what mkfs.erofs 1.5 wrote there: all zero")
        void fixture() {
            byte[] img = Fixtures.bytes(Fixtures.image("multidev.erofs"));
            byte[] raw = Arrays.copyOfRange(img, 1152, 1280);
            DeviceSlot s = DeviceSlot.decode(Fixtures.le(img), 1152);
            assertThat(raw).containsOnly(0);
            assertThat(s).isEqualTo(new DeviceSlot(new byte[64], 0, 0, 0, 0));
        }
    }

    @Nested
    @DisplayName("tagString")
    class Tag {
        @Test
        @DisplayName("stops at the first NUL")
        void nul() {
            assertThat(DeviceSlot.decode(Fixtures.le(slotBytes("abc\0def", 0, 0, 0, 0)), 0).tagString()).isEqualTo("abc");
        }

        @Test
        @DisplayName("takes all 64 bytes when there is no NUL, never the blocks field after it")
        void full() {
            String sixtyFour = "t".repeat(64);
            byte[] b = slotBytes(sixtyFour, 0x41414141, 0, 0, 0);
            assertThat(DeviceSlot.decode(Fixtures.le(b), 0).tagString()).isEqualTo(sixtyFour);
        }
    }

    @Nested
    @DisplayName("position and encoding")
    class Encode {
        @Test
        @DisplayName("slot i sits at devt_slotoff * 128 + 128 * i: slotoff 9 puts slot 0 at 1152 (spec §1.5)")
        void position() {
            assertThat(DeviceSlot.position(9, 0)).isEqualTo(1152);
            assertThat(DeviceSlot.position(9, 1)).isEqualTo(1280);
            assertThat(DeviceSlot.position(0xFFFF, 0xFFFF)).isEqualTo(0xFFFFL * 128 * 2);
        }

        @Test
        @DisplayName("encode writes the hand-made layout back, reserved bytes zero")
        void encode() {
            byte[] b = slotBytes("tag", 12, 34, 56, 78);
            assertThat(DeviceSlot.decode(Fixtures.le(b), 0).encode()).isEqualTo(b);
            assertThat(new DeviceSlot(null, 1, 2, 3, 4).encode()).hasSize(DeviceSlot.SIZE);
        }
    }
}
