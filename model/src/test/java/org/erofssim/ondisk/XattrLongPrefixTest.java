package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("XattrLongPrefix and the long-prefix bits of XattrEntry")
class XattrLongPrefixTest {
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("a record body is u8 base index @0, then the infix to its end (no NUL)")
    void decodesABodyPlacedByHand() {
        XattrLongPrefix p = XattrLongPrefix.decode(new byte[] {4, 'o', 'v', 'l', '.'});
        assertThat(p.baseIndex()).isEqualTo(4);
        assertThat(p.infix()).isEqualTo(ascii("ovl."));
        assertThat(XattrLongPrefix.decode(new byte[] {6}).infix()).isEmpty();
    }

    @Test
    @DisplayName("stored: u16 length of base index + infix, the body, zero padding to 4 bytes")
    void encodesTheStoredRecord() {
        // "user." + "long.": base 1, infix 5 bytes → length 6, 2 + 6 = 8 bytes, no padding
        assertThat(new XattrLongPrefix(1, ascii("long.")).encode())
                .containsExactly(6, 0, 1, 'l', 'o', 'n', 'g', '.');
        // an empty infix: length 1, 3 bytes padded to 4
        assertThat(new XattrLongPrefix(1, new byte[0]).encode()).containsExactly(1, 0, 1, 0);
        // 255 infix bytes: length 256 = 0x0100, 258 bytes padded to 260
        byte[] big = new XattrLongPrefix(1, new byte[255]).encode();
        assertThat(big).hasSize(260);
        assertThat(big[0]).isEqualTo((byte) 0);
        assertThat(big[1]).isEqualTo((byte) 1);
        assertThat(XattrLongPrefix.stored(0, new byte[] {9})).containsExactly(0, 0, 9, 0);
    }

    @Test
    @DisplayName("a table is the records back to back, each starting 4-byte aligned")
    void tableConcatenates() {
        byte[] t = XattrLongPrefix.table(new XattrLongPrefix(1, ascii("a.")), new XattrLongPrefix(6, ascii("bc.")));
        // record 1: 03 00 01 'a' '.' + 3 zero bytes (8); record 2: 04 00 06 'b' 'c' '.' + 2 (8)
        assertThat(t).containsExactly(3, 0, 1, 'a', '.', 0, 0, 0, 4, 0, 6, 'b', 'c', '.', 0, 0);
    }

    @Test
    @DisplayName("records compare by value, and the infix cannot be changed from outside")
    void valueSemantics() {
        byte[] infix = ascii("x.");
        XattrLongPrefix p = new XattrLongPrefix(1, infix);
        infix[0] = 'y';
        p.infix()[1] = 'z';
        assertThat(p).isEqualTo(new XattrLongPrefix(1, ascii("x."))).hasSameHashCodeAs(new XattrLongPrefix(1, ascii("x.")));
        assertThat(p).isNotEqualTo(new XattrLongPrefix(4, ascii("x.")));
        assertThat(p.toString()).contains("baseIndex=1", "782e");
    }

    @Test
    @DisplayName("name index bit 7 marks a long prefix; the low 7 bits are its number")
    void entryBits() {
        XattrEntry e = new XattrEntry(7, 0x83, 3);
        assertThat(e.longPrefix()).isTrue();
        assertThat(e.longPrefixNumber()).isEqualTo(3);
        assertThat(new XattrEntry(7, 0xFF, 3).longPrefixNumber()).isEqualTo(127);
        assertThat(new XattrEntry(7, 1, 3).longPrefix()).isFalse();
    }
}
