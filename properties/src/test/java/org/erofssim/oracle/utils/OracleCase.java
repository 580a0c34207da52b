package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.tools.ErofsUtils;

/**
 * One generated tree built with one option set, in a workspace of its own. mkfs refusals
 * that erofs-utils 1.5 documents for the input (a compact inode cannot hold a uid/gid above
 * 65535, -E force-inode-compact) are counted and end the try; any other refusal fails it.
 */
final class OracleCase implements AutoCloseable {
    /** stderr fragments of refusals 1.5 makes on purpose. */
    static final List<String> KNOWN_REFUSALS = List.of("cannot be in compact form");

    final TreeSpec spec;
    final MkfsOptions options;
    final Workspace work;
    final Mkfs.Built built;

    private OracleCase(TreeSpec spec, MkfsOptions options, Workspace work, Mkfs.Built built) {
        this.spec = spec;
        this.options = options;
        this.work = work;
        this.built = built;
    }

    /** True where all three tools are there; otherwise skips (prints why) or, under CI, throws. */
    static synchronized boolean toolsPresent() {
        if (present == null || (!present && ErofsUtils.oraclesRequired())) {
            // the skip reason prints once; under CI every call throws
            present = ErofsUtils.require(ErofsUtils.MKFS) && ErofsUtils.require(ErofsUtils.DUMP)
                    && ErofsUtils.require(ErofsUtils.FSCK);
        }
        return present;
    }

    private static Boolean present;

    /** Builds; null (and a statistics entry) where mkfs refused the input on purpose. */
    static OracleCase build(TreeSpec spec, MkfsOptions options) throws IOException {
        Workspace w = Workspace.create("erofs-sim-oracle");
        try {
            Mkfs.Built b = Mkfs.build(spec, options, w.dir());
            if (!b.ok()) {
                String why = b.run().err();
                if (KNOWN_REFUSALS.stream().anyMatch(why::contains)) {
                    Statistics.label("mkfs").collect("refused: " + KNOWN_REFUSALS.stream().filter(why::contains).findFirst().get());
                    w.close();
                    return null;
                }
                fail("mkfs.erofs refused unexpectedly: %s%n%s%n%s", b.run().err().strip(), options, spec);
            }
            Statistics.label("mkfs").collect("built");
            return new OracleCase(spec, options, w, b);
        } catch (IOException | RuntimeException | Error e) {
            w.close();
            throw e;
        }
    }

    private static final TreeSpec.Name TEXT = TreeSpec.Name.of("compressible text");

    /**
     * {@code trees}, each with one more root file of compressible text (16 KiB..200 KiB), so that
     * compressing mkfs options really produce compressed inodes.
     */
    static Arbitrary<TreeSpec> withCompressibleFile(Arbitrary<TreeSpec> trees) {
        return Combinators.combine(trees, Arbitraries.integers().between(16384, 200_000),
                Arbitraries.longs().between(-16, -1)).as((t, n, seed) -> t.entry(List.of(TEXT)) != null ? t
                : t.plus(TreeSpec.Entry.file(List.of(TEXT), TreeSpec.Meta.plain(0644), n,
                        List.of(new TreeSpec.Region(0, n, seed)))));
    }

    /** Tree and options, as a reproducer. */
    String reproducer() {
        return options + "\n" + spec;
    }

    @Override public void close() {
        work.close();
    }
}
