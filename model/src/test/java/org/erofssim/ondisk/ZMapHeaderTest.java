package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link ZMapHeader}: offsets from {@code struct z_erofs_map_header} (erofs_fs.h); the
 * fixture values are those erofs-utils 1.5 wrote (see fixtures/images/README.md and the
 * {@code -zlz4} recipe: advise {@code COMPACTED_2B}, LZ4, 4 KiB lclusters).
 */
@DisplayName("ZMapHeader")
class ZMapHeaderTest {
    @Nested
    @DisplayName("decoding bytes placed by hand")
    class Decode {
        @Test
        @DisplayName("u32 fragmentoff @0 (idata_size its high u16 @2), u16 advise @4, u8 algorithms @6, u8 clusterbits @7")
        void fields() {
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(8, 0x01F40000).putShort(12, (short) 0x000B).put(14, (byte) 0x10).put(15, (byte) 0x01);
            ZMapHeader h = ZMapHeader.decode(b, 8);
            assertThat(h.idataSize()).isEqualTo(500);
            assertThat(h.fragmentOff()).isEqualTo(0x01F40000L);
            assertThat(h.advise()).isEqualTo(ZMapHeader.ADVISE_COMPACTED_2B | ZMapHeader.ADVISE_BIG_PCLUSTER_1
                    | ZMapHeader.ADVISE_INLINE_PCLUSTER);
            assertThat(h.headAlgorithm1()).isZero();
            assertThat(h.headAlgorithm2()).isEqualTo(1);
            assertThat(h.clusterBits()).isEqualTo(1);
            assertThat(h.wholeFileFragment()).isFalse();
            assertThat(h.encode()).isEqualTo(java.util.Arrays.copyOfRange(b.array(), 8, 16));
        }

        @Test
        @DisplayName("bit 7 of clusterbits marks a whole-file fragment; the raw u64 carries its offset")
        void wholeFileFragment() {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(0, (1L << 63) | 12345);
            ZMapHeader h = ZMapHeader.decode(b, 0);
            assertThat(h.wholeFileFragment()).isTrue();
            assertThat(ZMapHeader.raw64(b, 0) ^ (1L << 63)).isEqualTo(12345);
        }

        @Test
        @DisplayName("bytes past the buffer read as zero")
        void pastTheEnd() {
            ByteBuffer b = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);
            b.put(4, (byte) 3);
            ZMapHeader h = ZMapHeader.decode(b, 0);
            assertThat(h.advise()).isEqualTo(3);
            assertThat(h.algorithmType()).isZero();
            assertThat(h.clusterBits()).isZero();
        }
    }

    @Test
    @DisplayName("lz4.erofs: the header of /text64k (nid 879) is what mkfs.erofs 1.5 -zlz4 writes")
    void fixture() {
        byte[] img = Fixtures.bytes(Fixtures.image("lz4.erofs"));
        int base = (int) ((879L * 32 + 32 + 7) & ~7L);
        ZMapHeader h = ZMapHeader.decode(ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN), base);
        assertThat(h.advise()).isEqualTo(ZMapHeader.ADVISE_COMPACTED_2B);
        assertThat(h.algorithmType()).isZero();
        assertThat(h.clusterBits()).isZero();
        assertThat(h.idataSize()).isZero();
    }
}
