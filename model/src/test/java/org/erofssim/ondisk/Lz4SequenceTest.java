package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Lz4Sequence}: bytes from the LZ4 block format by hand, valid blocks checked by lz4-java. */
@DisplayName("Lz4Sequence encodes LZ4 sequences")
class Lz4SequenceTest {
    @Test void shortFieldsFitTheToken() {
        // token 0x14: 1 literal, match length 4 + 4; literal 'X'; offset 0x0102 little-endian
        assertThat(new Lz4Sequence(new byte[] {'X'}, 0x0102, 8).encode()).containsExactly(0x14, 'X', 0x02, 0x01);
        assertThat(Lz4Sequence.last("ab".getBytes(StandardCharsets.US_ASCII)).encode()).containsExactly(0x20, 'a', 'b');
    }

    @Test void lengthsOf15AndMoreAreExtended() {
        // 15 literals: nibble 15 + extension 0; match 19: nibble 15 + extension 0
        byte[] fifteen = new byte[15];
        byte[] e = new Lz4Sequence(fifteen, 1, 19).encode();
        assertThat(e).hasSize(1 + 1 + 15 + 2 + 1);
        assertThat(e[0] & 0xFF).isEqualTo(0xFF);
        assertThat(e[1]).isZero();
        assertThat(e[e.length - 1]).isZero();
        // match 4 + 15 + 255 + 3: extension 255, 3
        byte[] m = new Lz4Sequence(new byte[0], 1, 277).encode();
        assertThat(m).containsExactly(0x0F, 1, 0, 0xFF, 3);
    }

    @Test void aWholeBlockDecodesWithLz4Java() {
        byte[] block = Lz4Sequence.encode(List.of(new Lz4Sequence("abcd".getBytes(StandardCharsets.US_ASCII), 4, 300),
                Lz4Sequence.last("tail!".getBytes(StandardCharsets.US_ASCII))));
        byte[] out = new byte[309];
        assertThat(LZ4Factory.fastestInstance().safeDecompressor().decompress(block, 0, block.length, out, 0, 309)).isEqualTo(309);
        assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("abcd".repeat(76) + "tail!");
    }

    @Test void whatTheFormatCannotHoldIsRefused() {
        assertThatThrownBy(() -> new Lz4Sequence(new byte[1], 1, 3)).hasMessageContaining("match length 3");
        assertThatThrownBy(() -> new Lz4Sequence(new byte[1], 65_536, 4)).hasMessageContaining("offset 65536");
    }
}
