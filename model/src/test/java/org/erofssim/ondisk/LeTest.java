package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Le (little-endian reads that never throw)")
class LeTest {
    private final ByteBuffer buf = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0x88}).order(ByteOrder.BIG_ENDIAN);

    @Test
    @DisplayName("reads little-endian whatever the buffer's order")
    void order() {
        assertThat(Le.u16(buf, 0)).isEqualTo(0x0201);
        assertThat(Le.u32(buf, 0)).isEqualTo(0x04030201L);
        assertThat(Le.u64(buf, 0)).isEqualTo(0x8807060504030201L);
        assertThat(Le.uint(buf, 1, 3)).isEqualTo(0x040302L);
    }

    @Test
    @DisplayName("bytes before 0 or at and after the limit read as zero")
    void outside() {
        assertThat(Le.u8(buf, -1)).isZero();
        assertThat(Le.u16(buf, 7)).isEqualTo(0x88);
        assertThat(Le.u32(buf, Long.MAX_VALUE - 1)).isZero();
        buf.limit(4);
        assertThat(Le.u64(buf, 0)).isEqualTo(0x04030201L);
        assertThat(Le.bytes(buf, 2, 4)).containsExactly(3, 4, 0, 0);
    }

    @Test
    @DisplayName("put writes the low bytes little-endian")
    void put() {
        byte[] out = new byte[4];
        Le.put(out, 1, 2, 0xABCD);
        assertThat(out).containsExactly(0, 0xCD, 0xAB, 0);
    }
}
