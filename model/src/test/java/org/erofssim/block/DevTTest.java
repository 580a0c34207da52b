package org.erofssim.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DevT parses MAJ:MIN and encodes like new_encode_dev")
class DevTTest {
    @Test void loop3IsEncodedAs0x703AsSpec81Shows() {
        // spec §8.1: zero uuid on loop3 (7:3) → f_fsid 00000703:00000000
        assertThat(DevT.parse("7:3").newEncode()).isEqualTo(0x703L);
        assertThat(String.format("%08x", new DevT(7, 3).newEncode())).isEqualTo("00000703");
    }

    @Test void minorBitsAbove8MoveAboveTheMajor() {
        // (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)
        assertThat(new DevT(259, 0).newEncode()).isEqualTo(0x10300L);
        assertThat(new DevT(7, 0x1234).newEncode()).isEqualTo(0x34L | 0x700L | (0x1200L << 12));
    }

    @Test void parseAndToStringRoundTrip() {
        assertThat(DevT.parse("259:12")).isEqualTo(new DevT(259, 12));
        assertThat(new DevT(1, 3)).hasToString("1:3");
    }

    @Test void aStringWithoutColonIsRefused() {
        assertThatThrownBy(() -> DevT.parse("703")).isInstanceOf(IllegalArgumentException.class);
    }
}
