package org.erofssim.sb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("erofs_nid_to_ino64 on metabox images: bit 63 of the nid becomes bit 31 of st_ino")
class MetaboxInoTest {
    @Test void theInodeNumbersSeenOn61844() {
        // obs-6.18.44 (fixtures/modern/recorded/…/metabox-bdev.json): root nid 2^63 has st_ino
        // 2147483648, /f4097 (nid 2^63 + 7) 2147483655
        assertThat(SbInfo.metaboxIno(Long.MIN_VALUE)).isEqualTo(2147483648L);
        assertThat(SbInfo.metaboxIno(Long.MIN_VALUE | 7)).isEqualTo(2147483655L);
    }

    @Test void bitsThirtyOneToSixtyTwoMoveUpOne() {
        assertThat(SbInfo.metaboxIno(36)).isEqualTo(36);
        assertThat(SbInfo.metaboxIno(1L << 31)).isEqualTo(1L << 32);
        assertThat(SbInfo.metaboxIno(Long.MIN_VALUE | (1L << 40) | 5)).isEqualTo((1L << 41) | (1L << 31) | 5);
    }
}
