package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Lz4Field#parse}: blocks built with {@link Lz4Sequence} (bytes from the LZ4 block format) and by lz4-java. */
@DisplayName("Lz4Field locates the fields of an LZ4 block")
class Lz4FieldTest {
    @Test void everyFieldOfAHandBuiltBlockAtItsOffset() {
        // seq 0: token, 20 literals (15 + extension 5), offset, match 4 + 15 + 255 + 1 (two extension bytes)
        byte[] lit = "abcdefghijklmnopqrst".getBytes(StandardCharsets.US_ASCII);
        byte[] block = Lz4Sequence.encode(List.of(new Lz4Sequence(lit, 20, 275), Lz4Sequence.last("tail!".getBytes(StandardCharsets.US_ASCII))));
        List<Lz4Field> f = Lz4Field.parse(block, 0, block.length);
        assertThat(f).containsExactly(
                new Lz4Field(Lz4Field.Kind.TOKEN, 0, 0, 1),
                new Lz4Field(Lz4Field.Kind.LITERAL_LENGTH, 0, 1, 1),
                new Lz4Field(Lz4Field.Kind.LITERALS, 0, 2, 8),
                new Lz4Field(Lz4Field.Kind.OFFSET, 0, 22, 2),
                new Lz4Field(Lz4Field.Kind.MATCH_LENGTH, 0, 24, 1),
                new Lz4Field(Lz4Field.Kind.MATCH_LENGTH, 0, 25, 1),
                new Lz4Field(Lz4Field.Kind.TOKEN, 1, 26, 1),
                new Lz4Field(Lz4Field.Kind.LITERALS, 1, 27, 5));
        assertThat(block).hasSize(32);
        // an edit of the offset field goes through FieldEdit like any other on-disk field
        Lz4Field off = f.get(3);
        byte[] edited = new FieldEdit(off, FieldEdit.Verb.SET, 0).applyTo(new byte[] {block[22], block[23]});
        assertThat(edited).containsExactly(0, 0);
    }

    @Test void aCompressorsBlockParsesToItsEnd() {
        byte[] data = "the quick brown fox jumps over the lazy dog. ".repeat(300).getBytes(StandardCharsets.US_ASCII);
        byte[] z = LZ4Factory.fastestInstance().highCompressor().compress(data);
        List<Lz4Field> f = Lz4Field.parse(z, 0, z.length);
        Lz4Field last = f.get(f.size() - 1);
        assertThat(last.kind()).isEqualTo(Lz4Field.Kind.LITERALS);
        // the last literals run to the block's end (their field shows at most 8 of them)
        long offsets = f.stream().filter(x -> x.kind() == Lz4Field.Kind.OFFSET).count();
        assertThat(offsets).isEqualTo(f.stream().filter(x -> x.kind() == Lz4Field.Kind.TOKEN).count() - 1);
    }
}
