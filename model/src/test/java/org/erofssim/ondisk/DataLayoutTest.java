package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("DataLayout")
class DataLayoutTest {
    // spec §7.1: 0 FLAT_PLAIN, 1 COMPRESSED_FULL, 2 FLAT_INLINE, 3 COMPRESSED_COMPACT, 4 CHUNK_BASED
    @ParameterizedTest(name = "{1} is {0}")
    @CsvSource({"0,FLAT_PLAIN", "1,COMPRESSED_FULL", "2,FLAT_INLINE", "3,COMPRESSED_COMPACT", "4,CHUNK_BASED"})
    @DisplayName("the on-disk values match the spec")
    void values(int v, DataLayout l) {
        assertThat(l.value()).isEqualTo(v);
        assertThat(DataLayout.of(v)).contains(l);
    }

    @ParameterizedTest(name = "value {0}")
    @ValueSource(ints = {5, 6, 7, 8, -1})
    @DisplayName("values 5..7 (and anything else) are invalid")
    void invalid(int v) {
        assertThat(DataLayout.of(v)).isEmpty();
    }

    @Test
    @DisplayName("exactly the two compressed layouts are compressed")
    void compressed() {
        assertThat(DataLayout.COMPRESSED_FULL.compressed()).isTrue();
        assertThat(DataLayout.COMPRESSED_COMPACT.compressed()).isTrue();
        assertThat(DataLayout.FLAT_PLAIN.compressed()).isFalse();
        assertThat(DataLayout.FLAT_INLINE.compressed()).isFalse();
        assertThat(DataLayout.CHUNK_BASED.compressed()).isFalse();
    }
}
