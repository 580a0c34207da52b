package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("FeatureCompat")
class FeatureCompatTest {

    @Nested
    @DisplayName("bits")
    class Bits {
        // spec §1.3, feature_compat table
        @ParameterizedTest(name = "{0} is bit {1}")
        @CsvSource({"SB_CHKSUM,0x01", "MTIME,0x02", "XATTR_FILTER,0x04", "SHARED_EA_IN_METABOX,0x08", "PLAIN_XATTR_PFX,0x10"})
        @DisplayName("match the spec")
        void spec(FeatureCompat f, String bit) {
            assertThat(f.bit()).isEqualTo(Integer.decode(bit));
        }

        @Test
        @DisplayName("decode keeps known bits in bit order and drops unknown ones")
        void decode() {
            assertThat(FeatureCompat.decode(0x3)).containsExactly(FeatureCompat.SB_CHKSUM, FeatureCompat.MTIME);
            assertThat(FeatureCompat.decode(0x80000020)).isEmpty();
            assertThat(FeatureCompat.decode(0)).isEmpty();
            assertThat(FeatureCompat.decode(-1)).containsExactly(FeatureCompat.values());
        }

        @Test
        @DisplayName("in() tests one bit of a feature word")
        void in() {
            assertThat(FeatureCompat.SB_CHKSUM.in(0x1)).isTrue();
            assertThat(FeatureCompat.SB_CHKSUM.in(0x2)).isFalse();
            assertThat(FeatureCompat.knownMask()).isEqualTo(0x1F);
        }
    }

    @Nested
    @DisplayName("dump.erofs names")
    class DumpNames {
        // erofs-utils 1.5 dump/main.c feature table: only sb_csum and mtime among compat bits;
        // xattr_filter appears in later releases.
        @Test
        @DisplayName("erofs-utils 1.5 prints sb_csum and mtime and nothing else of the compat word")
        void dump15() {
            assertThat(FeatureCompat.SB_CHKSUM.dumpName()).isEqualTo("sb_csum");
            assertThat(FeatureCompat.MTIME.dumpName()).isEqualTo("mtime");
            assertThat(FeatureCompat.XATTR_FILTER.dumpName()).isEqualTo("xattr_filter");
            assertThat(java.util.Arrays.stream(FeatureCompat.values()).filter(FeatureCompat::printedByDumpErofs15))
                    .containsExactly(FeatureCompat.SB_CHKSUM, FeatureCompat.MTIME);
        }
    }
}
