package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;

/**
 * For random trees (each with a compressible file) and random mkfs options (compression
 * included: only inodes are read), the
 * model's {@code erofs_iget} of every inode agrees with {@code dump.erofs --nid} on every
 * modelled kernel profile (layout, inode and xattr area sizes, mode, owners, links, size, mtime).
 */
class InodeVsDumpProperties {

    @Provide
    Arbitrary<TreeSpec> trees() {
        return OracleCase.withCompressibleFile(TreeGenerator.trees(TreeGenerator.Config.forErofsUtils15().withSize(4, 10, 3)));
    }

    /** The whole option space, with legacy (COMPRESSED_FULL) indexes made likelier. */
    @Provide
    Arbitrary<MkfsOptions> options() {
        return net.jqwik.api.Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, MkfsOptions.arbitrary()),
                net.jqwik.api.Tuple.of(1, MkfsOptions.arbitrary().map(o -> o.compressed()
                        ? o.withExtended(MkfsOptions.Extended.LEGACY_COMPRESS) : o)));
    }

    @Property(seed = "20261206", tries = 80)
    void modelIgetEqualsDumpErofs(@ForAll("trees") TreeSpec spec, @ForAll("options") MkfsOptions options)
            throws Exception {
        if (!OracleCase.toolsPresent()) {
            return;
        }
        try (OracleCase oc = OracleCase.build(spec, options)) {
            if (oc == null) {
                return;
            }
            UtilsTree.Result utils = UtilsTree.read(oc.built, oc.work.dir());
            for (DumpErofs.InodeInfo i : utils.inodes().values()) {
                Statistics.label("inode layout").collect(layoutName(i.layout()));
                Statistics.label("inode format").collect(i.inodeSize() == 64 ? "extended" : "compact");
            }
            Statistics.label("inode layout").coverage(c -> {
                for (String l : List.of("FLAT_PLAIN", "FLAT_INLINE", "CHUNK_BASED", "COMPRESSED_FULL", "COMPRESSED_COMPACT")) {
                    c.check(l).count(n -> n > 0);
                }
            });
            Statistics.label("inode format").coverage(c -> {
                c.check("compact").count(n -> n > 0);
                c.check("extended").count(n -> n > 0);
            });
            for (KernelProfile k : Releases.all().stream().filter(rel -> rel.has(org.erofssim.kernel.Behavior.FILE_BACKED_MOUNTS)).toList()) { // file-mounted images: releases with file-backed mounts
                List<InodeOracle.Difference> d = InodeOracle.compare(oc.built.image(), utils, k);
                for (InodeOracle.Difference x : d) {
                    Statistics.label("differences").collect(k.name() + " " + x.field());
                }
                assertThat(d).as("dump.erofs --nid vs model iget on %s\n%s", k.name(), oc.reproducer()).isEmpty();
            }
        }
    }

    static String layoutName(int layout) {
        return switch (layout) {
            case 0 -> "FLAT_PLAIN";
            case 1 -> "COMPRESSED_FULL";
            case 2 -> "FLAT_INLINE";
            case 3 -> "COMPRESSED_COMPACT";
            case 4 -> "CHUNK_BASED";
            default -> "layout " + layout;
        };
    }
}
