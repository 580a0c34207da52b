package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.erofssim.ondisk.FieldEdit.Verb;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("FieldEdit")
class FieldEditTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] edit(OnDiskField f, Verb verb, long value, byte[] cur) {
        return new FieldEdit(f, verb, value).applyTo(cur);
    }

    @Nested
    @DisplayName("on a u32 field holding 0x12345678 (bytes 78 56 34 12)")
    class U32 {
        private final byte[] cur = bytes(0x78, 0x56, 0x34, 0x12);
        private final SuperblockField f = SuperblockField.MAGIC;

        @Test
        @DisplayName("ZEROES clears and ONES sets every byte")
        void zeroesOnes() {
            assertThat(edit(f, Verb.ZEROES, 0, cur)).isEqualTo(bytes(0, 0, 0, 0));
            assertThat(edit(f, Verb.ONES, 0, cur)).isEqualTo(bytes(0xFF, 0xFF, 0xFF, 0xFF));
        }

        @Test
        @DisplayName("FIRSTBIT flips bit 0, MIDDLEBIT bit 16, LASTBIT bit 31")
        void bits() {
            assertThat(edit(f, Verb.FIRSTBIT, 0, cur)).isEqualTo(bytes(0x79, 0x56, 0x34, 0x12));
            assertThat(edit(f, Verb.MIDDLEBIT, 0, cur)).isEqualTo(bytes(0x78, 0x56, 0x35, 0x12));
            assertThat(edit(f, Verb.LASTBIT, 0, cur)).isEqualTo(bytes(0x78, 0x56, 0x34, 0x92));
        }

        @Test
        @DisplayName("ADD and SUB carry across bytes")
        void arithmetic() {
            assertThat(edit(f, Verb.ADD, 0x88, cur)).isEqualTo(bytes(0x00, 0x57, 0x34, 0x12));
            assertThat(edit(f, Verb.SUB, 0x79, cur)).isEqualTo(bytes(0xFF, 0x55, 0x34, 0x12));
        }

        @Test
        @DisplayName("SET stores the value little-endian, truncated to 4 bytes")
        void set() {
            assertThat(edit(f, Verb.SET, 0xE0F5E1E2L, cur)).isEqualTo(bytes(0xE2, 0xE1, 0xF5, 0xE0));
            assertThat(edit(f, Verb.SET, 0x1_0000_0002L, cur)).isEqualTo(bytes(2, 0, 0, 0));
            assertThat(edit(f, Verb.SET, -1, cur)).isEqualTo(bytes(0xFF, 0xFF, 0xFF, 0xFF));
        }

        @Test
        @DisplayName("leaves the given array untouched")
        void pure() {
            edit(f, Verb.ONES, 0, cur);
            assertThat(cur).isEqualTo(bytes(0x78, 0x56, 0x34, 0x12));
        }
    }

    @Nested
    @DisplayName("wrapping")
    class Wrap {
        @Test
        @DisplayName("ADD 1 to 0xFFFF gives 0 and SUB 1 from 0 gives 0xFFFF in a u16")
        void u16() {
            assertThat(edit(SuperblockField.ROOT_NID, Verb.ADD, 1, bytes(0xFF, 0xFF))).isEqualTo(bytes(0, 0));
            assertThat(edit(SuperblockField.ROOT_NID, Verb.SUB, 1, bytes(0, 0))).isEqualTo(bytes(0xFF, 0xFF));
        }

        @Test
        @DisplayName("a u64 wraps at 2^64 and LASTBIT flips bit 63")
        void u64() {
            byte[] ones = bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
            assertThat(edit(SuperblockField.INOS, Verb.ADD, 1, ones)).isEqualTo(new byte[8]);
            assertThat(edit(SuperblockField.INOS, Verb.LASTBIT, 0, new byte[8]))
                    .isEqualTo(bytes(0, 0, 0, 0, 0, 0, 0, 0x80));
        }

        @Test
        @DisplayName("a u8 field: MIDDLEBIT is bit 4")
        void u8() {
            assertThat(edit(SuperblockField.BLKSZBITS, Verb.MIDDLEBIT, 0, bytes(12))).isEqualTo(bytes(28));
        }
    }

    @Nested
    @DisplayName("on byte-string fields")
    class Strings {
        @Test
        @DisplayName("the 16-byte UUID is one 128-bit little-endian number: LASTBIT flips the top bit of byte 15")
        void uuid() {
            byte[] out = edit(SuperblockField.UUID, Verb.LASTBIT, 0, new byte[16]);
            assertThat(out[15]).isEqualTo((byte) 0x80);
            assertThat(out).hasSize(16);
            assertThat(edit(SuperblockField.UUID, Verb.MIDDLEBIT, 0, new byte[16])[8]).isEqualTo((byte) 1);
        }

        @Test
        @DisplayName("SET on a device tag writes the value into the first bytes and zeros the rest")
        void tag() {
            byte[] cur = new byte[64];
            java.util.Arrays.fill(cur, (byte) 'x');
            byte[] out = edit(DeviceSlotField.TAG, Verb.SET, 0x41, cur);
            assertThat(out[0]).isEqualTo((byte) 0x41);
            assertThat(java.util.Arrays.copyOfRange(out, 1, 64)).containsOnly(0);
        }
    }

    @Test
    @DisplayName("field and verb are required")
    void required() {
        assertThatThrownBy(() -> new FieldEdit(null, Verb.SET, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new FieldEdit(SuperblockField.MAGIC, null, 0)).isInstanceOf(NullPointerException.class);
    }
}
