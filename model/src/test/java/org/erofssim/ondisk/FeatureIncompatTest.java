package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("FeatureIncompat")
class FeatureIncompatTest {

    @Nested
    @DisplayName("bits")
    class Bits {
        // spec §1.3, feature_incompat table
        @ParameterizedTest(name = "{0} is bit {1}")
        @CsvSource({"ZERO_PADDING,0x01", "COMPR_CFGS,0x02", "CHUNKED_FILE,0x04", "DEVICE_TABLE,0x08",
            "ZTAILPACKING,0x10", "FRAGMENTS,0x20", "XATTR_PREFIXES,0x40", "BIT48,0x80", "METABOX,0x100"})
        @DisplayName("match the spec")
        void spec(FeatureIncompat f, String bit) {
            assertThat(f.bit()).isEqualTo(Integer.decode(bit));
        }

        @Test
        @DisplayName("the second kernel names are the same bits")
        void aliases() {
            assertThat(FeatureIncompat.LZ4_0PADDING.bit()).isEqualTo(0x01);
            assertThat(FeatureIncompat.BIG_PCLUSTER.bit()).isEqualTo(0x02);
            assertThat(FeatureIncompat.COMPR_HEAD2.bit()).isEqualTo(0x08);
            assertThat(FeatureIncompat.DEDUPE.bit()).isEqualTo(0x20);
        }

        @Test
        @DisplayName("all known bits together are 0x1FF, the 6.17+ supported mask")
        void mask() {
            assertThat(FeatureIncompat.knownMask()).isEqualTo(0x1FF);
            assertThat(FeatureIncompat.decode(0x1FF)).hasSize(9);
        }

        @Test
        @DisplayName("decode keeps known bits in bit order and drops unknown ones such as 0x200")
        void decode() {
            assertThat(FeatureIncompat.decode(0x200)).isEmpty();
            assertThat(FeatureIncompat.decode(0x0C)).containsExactly(FeatureIncompat.CHUNKED_FILE, FeatureIncompat.DEVICE_TABLE);
            assertThat(FeatureIncompat.decode(0x281)).containsExactly(FeatureIncompat.ZERO_PADDING, FeatureIncompat.BIT48);
        }
    }

    @Nested
    @DisplayName("dump.erofs names")
    class DumpNames {
        // erofs-utils 1.5 dump/main.c feature table: 0padding, big_pcluster, chunked_file, device_table.
        @Test
        @DisplayName("erofs-utils 1.5 prints 0padding, big_pcluster, chunked_file and device_table only")
        void dump15() {
            assertThat(Arrays.stream(FeatureIncompat.values()).filter(FeatureIncompat::printedByDumpErofs15)
                    .map(FeatureIncompat::dumpName))
                    .containsExactly("0padding", "big_pcluster", "chunked_file", "device_table");
        }

        @Test
        @DisplayName("later releases print two words for bits 0x02 and 0x20")
        void later() {
            assertThat(FeatureIncompat.COMPR_CFGS.laterDumpNames()).containsExactly("compr_cfgs", "big_pcluster");
            assertThat(FeatureIncompat.FRAGMENTS.laterDumpNames()).containsExactly("fragments", "dedupe");
            assertThat(FeatureIncompat.BIT48.dumpName()).isEqualTo("48bit");
            assertThat(FeatureIncompat.METABOX.dumpName()).isEqualTo("metabox");
            assertThat(FeatureIncompat.ZTAILPACKING.dumpName()).isEqualTo("ztailpacking");
        }
    }
}
