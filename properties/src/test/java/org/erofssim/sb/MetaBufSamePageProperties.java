package org.erofssim.sb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelLog;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountOptionParser;

/**
 * {@link MetaBuf#samePage} answers as {@link MetaBuf#page} indexes pages, on every release whose
 * index differs: 6.18.44 ({@code (fsoffset + offset) >> 12}), 7.2.13 (the same index, bytes read
 * at the unaligned {@code fsoffset}) and 7.3.0-rc7 (erofs's own metadata cache, indexed without
 * {@code fsoffset}: {@code Behavior.FILEIO_METADATA_MANAGED_CACHE}). {@code Xattrs} keeps a page
 * while {@code samePage} says the next position is on it, so a wrong answer reads the wrong bytes.
 * Session 11 left this without a property of its own (the 7.3 change and the walk's page reuse met
 * in {@code MetaBuf} at a merge). Each try mounts nothing: a file-backed superblock info with a
 * random {@code fsoffset}, then two positions; {@code page(b)} right after {@code page(a)} returns
 * the very same buffer exactly when the buffer kept its page, which must be when {@code
 * samePage(a, b)}. A {@code samePage} that ignores {@code fsoffset} on 6.18 or 7.2 (or adds it on
 * 7.3) fails it: the statistics show both answers reached with an unaligned {@code fsoffset}.
 */
@Label("MetaBuf.samePage agrees with MetaBuf.page on 6.18, 7.2 and 7.3 with any fsoffset")
class MetaBufSamePageProperties {
    private static final int IMAGE = 64 * 1024;

    @Provide
    Arbitrary<String> releases() {
        return Arbitraries.of("6.18.44", "7.2.13", "7.3.0-rc7");
    }

    @Provide
    Arbitrary<Long> fsoffsets() {
        return Arbitraries.oneOf(Arbitraries.of(0L, 512L, 4096L, 8192L + 512),
                Arbitraries.longs().between(0, 3 * 4096).map(l -> l & ~511L));
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 40 * 1024).withDistribution(RandomDistribution.uniform());
    }

    /** How far the second position lies from the first: within a page or two, uniformly (jqwik favours small numbers). */
    @Provide
    Arbitrary<Integer> deltas() {
        return Arbitraries.integers().between(-4200, 4200).withDistribution(RandomDistribution.uniform());
    }

    @Property(seed = "20261207", tries = 600, edgeCases = EdgeCasesMode.NONE)
    void samePageIsWhenPageKeepsItsBuffer(@ForAll("releases") String release, @ForAll("fsoffsets") long fsoffset,
                                          @ForAll("positions") int a, @ForAll("deltas") int delta) {
        int b = Math.max(0, a + delta);
        KernelConfig kernel = new KernelConfig(Releases.resolve(release).profile(), Map.of());
        MetaBuf buf = new MetaBuf(fileBacked(kernel, fsoffset));
        ByteBuffer first = buf.page(a);
        ByteBuffer again = buf.page(a);
        assertThat(again).as("the same position keeps the page").isSameAs(first);
        boolean kept = buf.page(b) == first;
        boolean same = buf.samePage(a, b);
        assertThat(same).as("samePage(%d, %d) with fsoffset %d on %s", a, b, fsoffset, release).isEqualTo(kept);
        Statistics.label("release").collect(release);
        Statistics.label("fsoffset").collect(fsoffset % 4096 == 0 ? "page-aligned" : "unaligned");
        Statistics.label("answer").collect(same ? "same page" : "other page");
        Statistics.label("unaligned fsoffset, other page within 4 KiB")
                .collect(fsoffset % 4096 != 0 && !same && Math.abs(b - a) < 4096);
        Statistics.label("answer").coverage(c -> {
            c.check("same page").count(n -> n > 150);
            c.check("other page").count(n -> n > 150);
        });
        Statistics.label("unaligned fsoffset, other page within 4 KiB").coverage(c -> c.check(true).count(n -> n > 50));
    }

    /** A file-backed superblock info of a 64 KiB random image, with {@code fsoffset=N} as the option parser sets it. */
    private static SbInfo fileBacked(KernelConfig kernel, long fsoffset) {
        byte[] img = new byte[IMAGE];
        new Random(fsoffset).nextBytes(img);
        MountOptions opts = fsoffset == 0 ? MountOptions.defaults(kernel)
                : MountOptionParser.parse("fsoffset=" + fsoffset, "/srv/image.erofs", kernel, new KernelLog());
        assertThat(opts.fsoffset()).as("fsoffset=%d parsed", fsoffset).isEqualTo(fsoffset);
        SbInfo sbi = new SbInfo(kernel, opts);
        sbi.mode = Mode.FILEIO;
        sbi.sId = "erofs";
        sbi.blkszbits = 12;
        sbi.dif0 = new DeviceBacking.OfFile(new Node.RegularFile(ImageBytes.of(img), BackingFs.EXT4), "primary");
        return sbi;
    }
}
