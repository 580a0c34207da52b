package org.erofssim.zip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Issue 12's direct decoder ({@link ZDirect}) decodes LZ4 with {@link Lz4Strict} instead of the
 * kernel-faithful {@link Lz4Block}; this checks the claim that makes it safe: on every block
 * {@link Lz4Strict} accepts, the kernel's decoder (as {@link Lz4Block} models it) gives exactly
 * the same bytes whichever way erofs calls it: a full decode of the whole length, a partial
 * decode of any prefix, and an in-place decode with the input at the end of the output buffer
 * at the smallest margin {@code z_erofs_lz4_handle_overlap} allows or a larger one. Blocks: LZ4
 * and LZ4HC output (lz4-java's compressors, an independent encoder) of random compressible data
 * with short periods (self-overlapping matches), clean, or with 1 to 3 bytes overwritten
 * (zero pairs among them: offset-0 matches), cut short, or asked for a wrong length. Statistics
 * show that clean blocks are accepted (and give the compressor's input), and that damaged blocks
 * are both refused and accepted (a changed literal still decodes).
 */
class Lz4StrictProperties {
    record Edit(int permille, int value) {}

    record Case(byte[] data, int period, boolean hc, List<Edit> edits, int cut, int lengthDelta, int prefixPermille,
                int extraMargin) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<byte[]> data = Arbitraries.bytes().between((byte) 'a', (byte) 'h').array(byte[].class)
                .ofMinSize(1).ofMaxSize(20_000);
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 999),
                Arbitraries.frequency(Tuple.of(1, 0), Tuple.of(2, -1))
                        .flatMap(v -> v == 0 ? Arbitraries.just(0) : Arbitraries.integers().between(0, 255)))
                .as(Edit::new);
        Arbitrary<List<Edit>> edits = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.<Edit>of())),
                Tuple.of(2, edit.list().ofMinSize(1).ofMaxSize(3)));
        return Combinators.combine(data, Arbitraries.integers().between(1, 300), Arbitraries.of(true, false), edits,
                Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, 1), Tuple.of(1, 7)),
                Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, -1), Tuple.of(1, 1)),
                Arbitraries.integers().between(1, 1000), Arbitraries.integers().between(0, 5000)).as(Case::new);
    }

    @Property(seed = "20261208", tries = 800, edgeCases = EdgeCasesMode.NONE)
    void whatTheStrictDecoderAcceptsTheKernelDecodesTheSameWay(@ForAll("cases") Case c) {
        byte[] raw = c.data().clone();
        for (int i = c.period(); i < raw.length; i++) {
            if (raw[i] < 'e') {
                raw[i] = raw[i - c.period()];
            }
        }
        LZ4Compressor comp = c.hc() ? LZ4Factory.fastestJavaInstance().highCompressor()
                : LZ4Factory.fastestJavaInstance().fastCompressor();
        byte[] block = comp.compress(raw);
        for (Edit e : c.edits()) {
            int at = (int) ((long) block.length * e.permille() / 1000);
            block[at] = (byte) e.value();
            if (e.value() == 0 && at + 1 < block.length) {
                block[at + 1] = 0;
            }
        }
        int size = Math.max(0, block.length - c.cut());
        int outLen = Math.max(1, raw.length + c.lengthDelta());
        byte[] dst = new byte[outLen + 64];
        boolean accepted = Lz4Strict.decode(block, 0, size, dst, outLen);
        boolean clean = c.edits().isEmpty() && c.cut() == 0 && c.lengthDelta() == 0;
        if (accepted) {
            byte[] bytes = Arrays.copyOf(dst, outLen);
            if (clean) {
                assertThat(bytes).as("a clean block gives the compressor's input").isEqualTo(raw);
            }
            Lz4Block.Decoded full = Lz4Block.decode(block, 0, size, outLen, false);
            assertThat(full.value()).as("full decode").isEqualTo(outLen);
            assertThat(full.out()).isEqualTo(bytes);
            assertThat(full.hasStale()).isFalse();

            int prefix = Math.max(1, (int) ((long) outLen * c.prefixPermille() / 1000));
            Lz4Block.Decoded part = Lz4Block.decode(block, 0, size, prefix, true);
            assertThat(part.value()).as("partial decode of %d bytes", prefix).isEqualTo(prefix);
            assertThat(part.out()).isEqualTo(Arrays.copyOf(bytes, prefix));
            assertThat(part.hasStale()).isFalse();

            for (int margin : new int[] {(size >> 8) + 32, (size >> 8) + 32 + c.extraMargin()}) {
                Lz4Block.Decoded inPlace = Lz4Block.decodeInPlace(block, 0, size, outLen, outLen + margin - size);
                assertThat(inPlace.value()).as("in place, margin %d", margin).isEqualTo(outLen);
                assertThat(Arrays.copyOf(inPlace.out(), outLen)).isEqualTo(bytes);
                assertThat(inPlace.hasStale()).isFalse();
            }
        }
        String stream = clean ? "clean" : "damaged";
        Statistics.label("verdict").collect(stream + ", " + (accepted ? "accepted" : "refused"));
        Statistics.label("compressor").collect(c.hc() ? "LZ4HC" : "LZ4");
        Statistics.label("verdict").coverage(k -> {
            k.check("clean, accepted").count(n -> n > 200);
            k.check("damaged, refused").count(n -> n > 50);
            k.check("damaged, accepted").count(n -> n > 5);
        });
    }
}
