package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link LclusterIndex}: {@code struct z_erofs_lcluster_index} (erofs_fs.h); the fixture
 * check uses lz4-legacy.erofs, whose /text64k (nid 879) has full indexes: dump.erofs 1.5
 * reports one extent at physical 28672 (block 7).
 */
@DisplayName("LclusterIndex")
class LclusterIndexTest {
    @Nested
    @DisplayName("decoding bytes placed by hand")
    class Decode {
        @Test
        @DisplayName("a head: u16 advise (type in bits 0-1) @0, u16 clusterofs @2, u32 blkaddr @4")
        void head() {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort(0, (short) (0x8000 | LclusterIndex.TYPE_HEAD2)).putShort(2, (short) 1757).putInt(4, 0xFFFFFFF0);
            LclusterIndex i = LclusterIndex.decode(b, 0);
            assertThat(i.type()).isEqualTo(LclusterIndex.TYPE_HEAD2);
            assertThat(i.advise() & LclusterIndex.PARTIAL_REF).isNotZero();
            assertThat(i.clusterofs()).isEqualTo(1757);
            assertThat(i.blkaddr()).isEqualTo(0xFFFFFFF0L);
            assertThat(i.encode()).isEqualTo(b.array());
        }

        @Test
        @DisplayName("a non-head: delta[0] @4 (CBLKCNT bit 11), delta[1] @6")
        void nonhead() {
            LclusterIndex i = LclusterIndex.nonhead(LclusterIndex.D0_CBLKCNT | 4, 9);
            ByteBuffer b = ByteBuffer.wrap(i.encode()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getShort(0)).isEqualTo((short) LclusterIndex.TYPE_NONHEAD);
            assertThat(b.getShort(4)).isEqualTo((short) 0x0804);
            assertThat(b.getShort(6)).isEqualTo((short) 9);
            LclusterIndex back = LclusterIndex.decode(b, 0);
            assertThat(back.delta0()).isEqualTo(0x804);
            assertThat(back.delta1()).isEqualTo(9);
            assertThat(back.type()).isEqualTo(LclusterIndex.TYPE_NONHEAD);
        }
    }

    @Test
    @DisplayName("lz4-legacy.erofs /text64k: lcluster 0 is a HEAD at block 7, the next ones non-heads back to it")
    void fixture() {
        byte[] img = Fixtures.bytes(Fixtures.image("lz4-legacy.erofs"));
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        int base = (int) ((879L * 32 + 32 + 7) & ~7L) + ZMapHeader.SIZE + ZMapHeader.FULL_INDEX_PADDING;
        LclusterIndex first = LclusterIndex.decode(b, base);
        assertThat(first.type()).isEqualTo(LclusterIndex.TYPE_HEAD1);
        assertThat(first.clusterofs()).isZero();
        assertThat(first.blkaddr()).isEqualTo(28672 / 4096);
        LclusterIndex second = LclusterIndex.decode(b, base + LclusterIndex.SIZE);
        assertThat(second.type()).isEqualTo(LclusterIndex.TYPE_NONHEAD);
        assertThat(second.delta0()).isEqualTo(1);
    }
}
