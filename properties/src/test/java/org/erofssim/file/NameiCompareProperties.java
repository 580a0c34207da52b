package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Session 13: {@link Namei#compareNoNul} (the name comparison of a lookup through
 * {@code Arrays.mismatch}) answers what {@link Namei#compare} (the byte loop standing for
 * {@code erofs_dirnamecmp}) answers, sign and matched length, for every sought name without a
 * NUL byte: names over a three-letter alphabet (so that they share prefixes) against on-disk bytes
 * of the same letters and NULs, in a block placed anywhere in a short page (so that names run
 * into the block's or the page's end), from any already matched length. Statistics show the
 * signs reached and whether the on-disk name ended at a NUL, at the block's end or not at all.
 */
class NameiCompareProperties {

    @Property(tries = 3000)
    void theMismatchComparisonIsTheByteLoop(@ForAll("names") byte[] sought, @ForAll("pages") byte[] page,
                                            @ForAll @IntRange(min = 0, max = 12) int at,
                                            @ForAll @IntRange(min = 0, max = 24) int from,
                                            @ForAll @IntRange(min = 0, max = 48) int end,
                                            @ForAll @IntRange(min = 0, max = 12) int matched) {
        Namei.Block b = new Namei.Block(page, Math.min(at, page.length), 32);
        int m = Math.min(matched, sought.length);
        long want = Namei.compare(sought, b, from, end, m);
        long got = Namei.compareNoNul(sought, b, from, end, m);
        int stop = Math.min(end, b.readable()) - from;
        int i = Namei.matched(want);
        String ended = i >= stop ? "on-disk name cut by the block or page" : i < stop && b.page[b.at + from + i] == 0
                ? "on-disk NUL" : "differing byte";
        Statistics.label("sign").collect(Namei.diff(want));
        Statistics.label("where").collect(ended);
        assertThat(Namei.noNul(sought)).isTrue();
        assertThat(got).isEqualTo(want);
    }

    @Provide
    Arbitrary<byte[]> names() {
        return Arbitraries.of((byte) 'a', (byte) 'b', (byte) 0xC3).array(byte[].class).ofMinSize(0).ofMaxSize(12);
    }

    @Provide
    Arbitrary<byte[]> pages() {
        return Arbitraries.of((byte) 'a', (byte) 'b', (byte) 0xC3, (byte) 0).array(byte[].class).ofMinSize(8).ofMaxSize(64);
    }
}
