package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.ondisk.SuperblockCache;
import org.erofssim.props.Expect;
import org.erofssim.testkit.Checkout;

/**
 * Issue 12: the cache of the superblock's decoding ({@link SuperblockCache}: the decoded record,
 * found by the superblock's bytes, and its checksum, served again only over the same block) and
 * of the superblock's page itself ({@link ImageBytes#firstPage}) changes no outcome byte, and
 * never serves a decoding or a checksum of bytes an image no longer holds. Each try mounts a
 * fixture image, then edits the very same bytes in place (0 to 4 bytes: in the superblock's 256
 * bytes, in the rest of its block that the checksum covers, in page 0 before it, or after page 0)
 * and mounts it again through the same {@link ImageBytes}, so a stale page or
 * decoding would show; both outcomes are compared with those of a fresh copy of the same bytes
 * evaluated without the cache. File-backed or loop device, 6.12.0 and 6.18.44, with and without
 * options and the tree walk. Statistics show cache hits and misses both reached, for edits in
 * each place.
 */
class SuperblockCacheProperties {
    static final List<String> IMAGES = List.of("plain.erofs", "lz4.erofs", "acl.erofs", "chunked4k.erofs",
            "extended.erofs", "zero-uuid.erofs", "multidev.erofs", "empty.erofs", "ztailpacking.erofs");

    /** Where an edit goes. */
    enum Place { SUPERBLOCK, BLOCK_AFTER_SUPERBLOCK, PAGE0_BEFORE_SUPERBLOCK, AFTER_PAGE0 }

    record Edit(Place place, int offset, int value) {
        int at(int length) {
            return switch (place) {
                // the superblock (bytes 1024..1279), the rest of its 4 KiB block (the checksum's range)
                case SUPERBLOCK -> 1024 + offset % 256;
                case BLOCK_AFTER_SUPERBLOCK -> 1280 + offset % 2816;
                case PAGE0_BEFORE_SUPERBLOCK -> offset % 1024;
                case AFTER_PAGE0 -> length <= 4096 ? -1 : 4096 + offset % (length - 4096);
            };
        }
    }

    record Case(String image, List<Edit> edits, boolean bdev, String kernel, String options, boolean read) {}

    @Provide
    Arbitrary<Case> cases() {
        // superblock edits favour its first 128 bytes (the fields every release reads)
        Arbitrary<Integer> sbOffset = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(0, 127)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<Edit> edit = Arbitraries.of(Place.class).flatMap(p -> Combinators.combine(Arbitraries.just(p),
                p == Place.SUPERBLOCK ? sbOffset : Arbitraries.integers().between(0, 1 << 24),
                Arbitraries.integers().between(0, 255)).as(Edit::new));
        Arbitrary<List<Edit>> edits = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(List.<Edit>of())),
                Tuple.of(4, edit.list().ofMinSize(1).ofMaxSize(4)));
        return Combinators.combine(Arbitraries.of(IMAGES), edits, Arbitraries.of(false, true),
                Arbitraries.of("6.12.0", "6.18.44"), Arbitraries.of("", "acl", "cache_strategy=disabled", "ro"),
                Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true))).as(Case::new);
    }

    static Scenario scenario(Case c, ImageBytes bytes) {
        Scenario.Builder s = Scenario.builder().name("sb-cache")
                .kernel(KernelConfig.of(Releases.resolve(c.kernel()).profile())).options(c.options()).read(c.read());
        if (c.bdev()) {
            s.node("/dev/loop0", new Node.BlockDevice(bytes, new DevT(7, 0), true, 512, false)).source("/dev/loop0");
        } else {
            s.node("/srv/image.erofs", new Node.RegularFile(bytes, BackingFs.EXT4)).source("/srv/image.erofs");
        }
        return s.build();
    }

    /** The outcome's bytes, with the cache on or off; {@code counts} gets the hits and misses of the evaluation. */
    static String predict(Scenario sc, boolean cache, long[] counts) {
        boolean before = SuperblockCache.enabled;
        SuperblockCache.enabled = cache;
        long hits = SuperblockCache.hits();
        long misses = SuperblockCache.misses();
        try {
            return OutcomeJson.write(MountModel.predict(sc));
        } finally {
            SuperblockCache.enabled = before;
            counts[0] += SuperblockCache.hits() - hits;
            counts[1] += SuperblockCache.misses() - misses;
        }
    }

    @BeforeProperty
    void emptyCache() {
        // earlier tests in this JVM may have decoded the same fixtures: first mounts must miss too
        SuperblockCache.clear();
    }

    @Property(seed = "20261207", tries = 300, edgeCases = EdgeCasesMode.NONE)
    void cachedSuperblockDecodingChangesNoOutcomeByte(@ForAll("cases") Case c) {
        byte[] b = Checkout.imageBytes(c.image());
        ImageBytes shared = ImageBytes.of(b);
        long[] counts = new long[2];
        long[] ignored = new long[2];

        String before = predict(scenario(c, shared), true, counts);
        assertThat(before).as("%s, before the edits", c)
                .isEqualTo(predict(scenario(c, ImageBytes.of(b.clone())), false, ignored));
        long hitsBefore = counts[0];

        boolean changed = false;
        for (Edit e : c.edits()) {
            int at = e.at(b.length);
            if (at >= 0 && at < b.length) {
                changed |= b[at] != (byte) e.value();
                b[at] = (byte) e.value();
            }
        }
        long[] after = new long[2];
        String edited = predict(scenario(c, shared), true, after);
        assertThat(edited).as("%s, after the edits, through the same bytes", c)
                .isEqualTo(predict(scenario(c, ImageBytes.of(b.clone())), false, ignored));

        boolean inSuperblock = false;
        for (Edit e : c.edits()) {
            inSuperblock |= e.place() == Place.SUPERBLOCK;
            Statistics.label("edit places").collect(e.place());
        }
        String where = c.edits().isEmpty() ? "no edit" : inSuperblock ? "edit in the superblock"
                : "edits outside the superblock only";
        Statistics.label("first mount").collect(hitsBefore > 0 ? "hit" : "miss");
        Statistics.label("after the edits").collect(where + ": " + (after[0] > 0 ? "hit" : after[1] > 0 ? "miss" : "no lookup"));
        String outcome = Expect.outcomeLabel(OutcomeJson.read(edited));
        Statistics.label("outcome").collect(outcome.equals("mounted") ? "mounted" : "not mounted");
        Statistics.label("changed").collect(changed ? "bytes changed" : "bytes unchanged");
        Statistics.label("first mount").coverage(cov -> {
            cov.check("hit").count(n -> n >= 50);
            cov.check("miss").count(n -> n >= 5);
        });
        Statistics.label("after the edits").coverage(cov -> {
            cov.check("edit in the superblock: miss").count(n -> n >= 30);
            cov.check("edits outside the superblock only: hit").count(n -> n >= 30);
            cov.check("no edit: hit").count(n -> n >= 10);
        });
        Statistics.label("edit places").coverage(cov -> {
            for (Place p : Place.values()) {
                cov.check(p).count(n -> n >= 50);
            }
        });
        Statistics.label("outcome").coverage(cov -> {
            cov.check("mounted").count(n -> n >= 50);
            cov.check("not mounted").count(n -> n >= 20);
        });
    }
}
