package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.mount.MountModel;
import org.erofssim.props.Expect;

/**
 * Issue 12: the clean-data fast path of the tree walk ({@link CleanReads}: every regular file
 * read in parallel on a reader of its own, the full model again as soon as one read is not clean)
 * gives the same outcome bytes as the full model ({@link TreeWalk.Strategy#FULL}: every file read
 * in walk order through one page cache and readahead model) on random clean and damaged images:
 * {@link StreamingVerifyProperties}'s cases (the fixture images, compressed and not, 0 to 4 bytes
 * overwritten after the superblock, 0 to 2 pages failing with EIO or ending short, file-backed or
 * from a loop device, 6.12.0 and 6.18.44, each cache strategy), with and without the metadata
 * cache probe (whose pages the fast path's readers read on the walk's behalf) and with 4 KiB or
 * 128 KiB {@code read(2)} calls. Statistics show that files are read both inline (under
 * {@link CleanReads#INLINE_BYTES}) and on the pool, and that both ways out of the fast path are reached:
 * kept (every read clean) and given up (a read error, a note, a log line), on clean and damaged
 * images; the fixtures are under the {@code AUTO} size threshold, so the property forces the path.
 * The fast path reads each file with the clean-data direct read first
 * ({@link DataReader#readDirect}: no page cache, folios or readahead); Statistics show it
 * answering for compressed and uncompressed files on clean and damaged images, and not used
 * (the probe, images it does not apply to), with the same outcome bytes as the full model.
 */
class CleanReadsProperties {
    record Case(StreamingVerifyProperties.Case base, boolean probeCache, int readSize) {}

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(new StreamingVerifyProperties().cases(), Arbitraries.of(false, true),
                Arbitraries.of(4096, 128 * 1024)).as(Case::new);
    }

    private static String directLabel(long answered, long gaveUp, String kind) {
        return answered > 0 && gaveUp > 0 ? "answered some " + kind + " files, gave up some"
                : answered > 0 ? "answered every " + kind + " file" : gaveUp > 0 ? "gave up every " + kind + " file"
                : "no " + kind + " file read";
    }

    static String predict(Scenario sc, TreeWalk.Strategy strategy) {
        TreeWalk.Strategy before = TreeWalk.strategy;
        TreeWalk.strategy = strategy;
        try {
            return OutcomeJson.write(MountModel.predict(sc));
        } finally {
            TreeWalk.strategy = before;
        }
    }

    @Property(seed = "20261207", tries = 400, edgeCases = EdgeCasesMode.NONE)
    void fastPathGivesTheFullModelsOutcomeBytes(@ForAll("cases") Case c) {
        Scenario sc = StreamingVerifyProperties.scenario(c.base()).toBuilder().probeCache(c.probeCache())
                .readSize(c.readSize()).build();
        TreeWalk.LAST_PATH.remove();
        String fast = predict(sc, TreeWalk.Strategy.FAST);
        String detail = TreeWalk.LAST_PATH.get() == null ? "no walk (mount failed)" : TreeWalk.LAST_PATH.get();
        long[] direct = TreeWalk.LAST_DIRECT.get();
        String path = detail.startsWith("fast path, ") ? "fast path" : detail;
        String full = predict(sc, TreeWalk.Strategy.FULL);
        assertThat(fast).as("%s (%s)", c, path).isEqualTo(full);

        MountOutcome o = MountModel.predict(sc);
        List<String> kinds = new ArrayList<>();
        if (o instanceof MountOutcome.Mounted m && m.tree() != null) {
            for (TreeEntry e : m.tree()) {
                if ("file".equals(e.type())) {
                    kinds.add(e.readErrno() != null ? "read error" : e.sha256() == null ? "hash unknown" : "clean");
                }
            }
        }
        boolean damaged = !c.base().edits().isEmpty() || !c.base().faults().isEmpty();
        Statistics.label("damage").collect(damaged ? "damaged image" : "clean image");
        Statistics.label("path").collect(detail);
        Statistics.label("path by damage").collect(path + ", " + (damaged ? "damaged" : "clean"));
        Statistics.label("outcome").collect(Expect.outcomeLabel(o));
        Statistics.label("files").collect(kinds.contains("read error") ? "some file with a read error"
                : kinds.contains("hash unknown") ? "some file with an unknown hash"
                : kinds.isEmpty() ? "no regular file" : "every file clean");
        Statistics.label("probe").collect(c.probeCache() ? "metadata cache probed" : "no probe");
        // the direct read (DataReader.readDirect): compressed (ZDirect) and uncompressed files it
        // answered (the hash then comes from it) and gave up on (read with the page-cache model instead)
        Statistics.label("direct read").collect(direct == null ? "not used" : directLabel(direct[0], direct[1], "compressed"));
        Statistics.label("direct read, uncompressed").collect(direct == null ? "not used"
                : directLabel(direct[2], direct[3], "uncompressed"));
        Statistics.label("direct read answered, by walk").collect(direct == null || direct[0] + direct[2] == 0 ? "none"
                : path + ", " + (damaged ? "damaged" : "clean"));
        Statistics.label("damage").coverage(cov -> {
            cov.check("clean image").percentage(p -> p > 20);
            cov.check("damaged image").percentage(p -> p > 40);
        });
        Statistics.label("path by damage").coverage(cov -> {
            cov.check("fast path, clean").count(n -> n >= 40);
            cov.check("fast path, damaged").count(n -> n >= 20);
            cov.check("fast path given up, damaged").count(n -> n >= 20);
        });
        Statistics.label("files").coverage(cov -> cov.check("some file with a read error").count(n -> n >= 20));
        Statistics.label("direct read").coverage(cov -> {
            cov.check("answered every compressed file").count(n -> n >= 20);
            cov.check("not used").count(n -> n >= 20);
        });
        Statistics.label("direct read, uncompressed").coverage(cov ->
                cov.check("answered every uncompressed file").count(n -> n >= 20));
        Statistics.label("direct read answered, by walk").coverage(cov -> {
            cov.check("fast path, clean").count(n -> n >= 20);
            cov.check("fast path, damaged").count(n -> n >= 20);
        });
    }
}
