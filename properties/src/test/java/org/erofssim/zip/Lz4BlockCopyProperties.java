package org.erofssim.zip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jpountz.lz4.LZ4Factory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Issue 12's bulk copies in {@link Lz4Block} (the in-place input copied at once, input copies
 * in place that never write ahead of what they still read, overlapping match copies over bytes
 * the decode wrote) change nothing the decoder returns: on LZ4HC blocks of random compressible
 * data, clean or with 1 to 3 bytes overwritten or cut short, decoded fully, partially or in
 * place (at the kernel's position after the output, or anywhere), the value, every output byte
 * and the stale marks equal those of the byte-by-byte decoding ({@link Lz4Block#decodeBytewise}).
 * Statistics show clean and damaged streams, successes and failures reached; random streams
 * do not reach stale bytes (an offset-0 match only reads old contents past every over-long copy,
 * see {@code Lz4BlockTest.OffsetZero}), so the "stale" label is counted but not required.
 */
class Lz4BlockCopyProperties {
    record Edit(int permille, int value) {}

    record Case(byte[] data, int period, List<Edit> edits, int cut, String mode, int inputShift) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<byte[]> data = Arbitraries.bytes().between((byte) 'a', (byte) 'e').array(byte[].class)
                .ofMinSize(1).ofMaxSize(20_000);
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 999),
                Arbitraries.frequency(net.jqwik.api.Tuple.of(1, 0), net.jqwik.api.Tuple.of(2, -1))
                        .flatMap(v -> v == 0 ? Arbitraries.just(0) : Arbitraries.integers().between(0, 255)))
                .as(Edit::new);
        Arbitrary<List<Edit>> edits = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(List.<Edit>of())),
                net.jqwik.api.Tuple.of(3, edit.list().ofMinSize(1).ofMaxSize(3)));
        return Combinators.combine(data, Arbitraries.integers().between(1, 300), edits,
                Arbitraries.frequency(net.jqwik.api.Tuple.of(4, 0), net.jqwik.api.Tuple.of(1, 1),
                        net.jqwik.api.Tuple.of(1, 7)),
                Arbitraries.of("full", "partial", "inplace", "inplace-anywhere"),
                Arbitraries.integers().between(0, 4096)).as(Case::new);
    }

    @Property(seed = "20261206", tries = 600, edgeCases = EdgeCasesMode.NONE)
    void bulkCopiesDecodeAsTheBytewiseDecoder(@ForAll("cases") Case c) {
        byte[] raw = c.data().clone();
        for (int i = c.period(); i < raw.length; i++) {
            if (raw[i] < 'c') {
                raw[i] = raw[i - c.period()]; // repeats at a short period: matches that overlap themselves
            }
        }
        byte[] block = LZ4Factory.fastestJavaInstance().highCompressor().compress(raw);
        for (Edit e : c.edits()) {
            int at = (int) ((long) block.length * e.permille() / 1000);
            block[at] = (byte) e.value();
            if (e.value() == 0 && at + 1 < block.length) {
                block[at + 1] = 0; // a zero pair: where it is a match offset, offset 0 (stale bytes when partial)
            }
        }
        int size = Math.max(0, block.length - c.cut());
        int out = raw.length;
        Lz4Block.Decoded bulk;
        Lz4Block.Decoded bytewise;
        switch (c.mode()) {
            case "full", "partial" -> {
                boolean partial = c.mode().equals("partial");
                bulk = Lz4Block.decode(block, 0, size, out, partial);
                bytewise = Lz4Block.decodeBytewise(block, 0, size, out, partial, -1);
            }
            default -> {
                int pages = (out + 4095) / 4096;
                int inPages = (size + 4095) / 4096;
                int at = c.mode().equals("inplace") ? Math.max(0, (pages - inPages) * 4096)
                        : c.inputShift() % (out + 64);
                bulk = Lz4Block.decodeInPlace(block, 0, size, out, at);
                bytewise = Lz4Block.decodeBytewise(block, 0, size, out, false, at);
            }
        }
        assertThat(bulk.value()).as("value").isEqualTo(bytewise.value());
        assertThat(bulk.out()).as("output bytes").isEqualTo(bytewise.out());
        assertThat(bulk.stale()).as("stale marks").isEqualTo(bytewise.stale());
        if (c.edits().isEmpty() && c.cut() == 0 && !c.mode().startsWith("inplace")) { // in place: no margin here
            assertThat(bulk.value()).as("a clean block decodes whole").isEqualTo(raw.length);
            assertThat(bulk.out()).isEqualTo(raw);
        }
        Statistics.label("stream").collect(c.edits().isEmpty() && c.cut() == 0 ? "clean" : "damaged");
        Statistics.label("mode").collect(c.mode());
        Statistics.label("result").collect(bulk.value() == out ? "decoded" : bulk.value() < 0 ? "failed" : "short");
        Statistics.label("stale").collect(bulk.hasStale() ? "stale bytes" : "none");
        Statistics.label("stream").coverage(k -> {
            k.check("clean").count(n -> n > 50);
            k.check("damaged").count(n -> n > 50);
        });
        Statistics.label("result").coverage(k -> {
            k.check("decoded").count(n -> n > 50);
            k.check("failed").count(n -> n > 10);
        });
    }
}
