package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.props.Expect;
import org.erofssim.testkit.Checkout;

/**
 * Issue 12: the bounded-memory read path (a compressed regular file's page cache dropped once it
 * has been read whole and clean, {@link DataReader#keepPageCaches} false, the default) gives the
 * same outcome bytes as the full model that keeps every page cache for the whole walk, on clean
 * and damaged images: the fixture images (compressed with full and compact indexes, big
 * pclusters, ztailpacking; plain, chunked, deep trees), 0 to 4 random bytes overwritten anywhere
 * after block 0 (the superblock), 0 to 2 pages failing with EIO or ending short, mounted
 * file-backed or from a loop device, on 6.12.0 and 6.18.44, with each cache strategy. Statistics
 * show that clean reads (the case that drops caches), read errors and failed mounts are all reached.
 */
class StreamingVerifyProperties {
    static final List<String> IMAGES = List.of("lz4.erofs", "lz4hc.erofs", "lz4hc-pcluster.erofs", "lz4-legacy.erofs",
            "lz4-fullidx.erofs", "ztailpacking.erofs", "plain.erofs", "chunked4k.erofs", "deep.erofs", "noinline.erofs");

    record Edit(int offsetPermille, int value) {}

    record Case(String image, List<Edit> edits, Map<Long, Faults.Kind> faults, boolean bdev, String kernel,
                String cacheStrategy) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 999),
                Arbitraries.integers().between(0, 255)).as(Edit::new);
        Arbitrary<List<Edit>> edits = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(List.<Edit>of())),
                net.jqwik.api.Tuple.of(3, edit.list().ofMinSize(1).ofMaxSize(4)));
        Arbitrary<Map<Long, Faults.Kind>> faults = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Map.<Long, Faults.Kind>of())),
                net.jqwik.api.Tuple.of(1, Arbitraries.maps(Arbitraries.longs().between(1, 40),
                        Arbitraries.of(Faults.Kind.class)).ofMinSize(1).ofMaxSize(2)));
        return Combinators.combine(Arbitraries.of(IMAGES), edits, faults, Arbitraries.of(false, true),
                Arbitraries.of("6.12.0", "6.18.44"), Arbitraries.of("", "cache_strategy=disabled",
                        "cache_strategy=readahead", "cache_strategy=readaround")).as(Case::new);
    }

    static Scenario scenario(Case c) {
        byte[] b = Checkout.imageBytes(c.image());
        for (Edit e : c.edits()) {
            int from = 4096; // after block 0 (the superblock and its checksum): inodes, directories, indexes, data
            int at = from + (int) ((long) (b.length - from) * e.offsetPermille() / 1000);
            b[at] = (byte) e.value();
        }
        ImageBytes bytes = ImageBytes.of(b).withFaults(new Faults(c.faults()));
        Scenario.Builder s = Scenario.builder().name("streaming").kernel(KernelConfig.of(Releases.resolve(c.kernel()).profile()))
                .options(c.cacheStrategy()).read(true);
        if (c.bdev()) {
            s.node("/dev/loop0", new Node.BlockDevice(bytes, new DevT(7, 0), true, 512, false)).source("/dev/loop0");
        } else {
            s.node("/srv/image.erofs", new Node.RegularFile(bytes, BackingFs.EXT4)).source("/srv/image.erofs");
        }
        return s.build();
    }

    static String predict(Scenario sc, boolean keep) {
        boolean before = DataReader.keepPageCaches;
        DataReader.keepPageCaches = keep;
        try {
            return OutcomeJson.write(org.erofssim.mount.MountModel.predict(sc));
        } finally {
            DataReader.keepPageCaches = before;
        }
    }

    @Property(seed = "20261206", tries = 400, edgeCases = EdgeCasesMode.NONE)
    void droppingCleanPageCachesChangesNoOutcomeByte(@ForAll("cases") Case c) {
        Scenario sc = scenario(c);
        String full = predict(sc, true);
        String fast = predict(sc, false);
        assertThat(fast).as("%s", c).isEqualTo(full);

        MountOutcome o = org.erofssim.mount.MountModel.predict(sc);
        String files = "no tree";
        if (o instanceof MountOutcome.Mounted m && m.tree() != null) {
            List<String> kinds = new ArrayList<>();
            for (TreeEntry e : m.tree()) {
                if ("file".equals(e.type())) {
                    kinds.add(e.readErrno() != null ? "read error" : e.sha256() == null ? "hash unknown" : "clean");
                }
            }
            files = kinds.contains("read error") ? "some file with a read error"
                    : kinds.contains("hash unknown") ? "some file with an unknown hash"
                    : kinds.isEmpty() ? "no regular file" : "every file clean";
        }
        Statistics.label("damage").collect(c.edits().isEmpty() && c.faults().isEmpty() ? "clean image" : "damaged image");
        Statistics.label("outcome").collect(Expect.outcomeLabel(o));
        Statistics.label("files").collect(files);
        Statistics.label("compressed").collect(c.image().startsWith("lz4") || c.image().startsWith("ztail"));
        Statistics.label("damage").coverage(cov -> {
            cov.check("clean image").percentage(p -> p > 20);
            cov.check("damaged image").percentage(p -> p > 40);
        });
        Statistics.label("files").coverage(cov -> {
            cov.check("every file clean").percentage(p -> p > 20);
            cov.check("some file with a read error").count(n -> n >= 20);
        });
        Statistics.label("outcome").coverage(cov -> cov.check("mounted").percentage(p -> p > 30));
    }
}
