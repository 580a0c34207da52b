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
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.MountOutcome;

/**
 * (a) For random trees and random mkfs options (the whole 1.5 space: the superblock does not
 * depend on reading data), the model's superblock decode equals {@code dump.erofs -s} field by
 * field, and a model mount of the image (devices passed as {@code device=}) on every modelled
 * kernel profile reports the same
 * block count, inode count and root nid, and mounts exactly the images fsck.erofs accepts.
 */
class SuperblockVsDumpProperties {

    @Provide
    Arbitrary<TreeSpec> trees() {
        return TreeGenerator.trees(TreeGenerator.Config.forErofsUtils15().withSize(4, 8, 2));
    }

    @Provide
    Arbitrary<MkfsOptions> options() {
        return MkfsOptions.arbitrary();
    }

    @Property(seed = "20261206", tries = 120)
    void modelSuperblockEqualsDumpErofs(@ForAll("trees") TreeSpec spec, @ForAll("options") MkfsOptions options)
            throws Exception {
        if (!OracleCase.toolsPresent()) {
            return;
        }
        for (String f : Labels.options(options)) {
            Statistics.label("options").collect(f);
        }
        try (OracleCase oc = OracleCase.build(spec, options)) {
            if (oc == null) {
                return;
            }
            DumpErofs.SuperblockInfo dump = DumpErofs.superblock(oc.built.image(), oc.built.devices());
            for (String f : dump.features()) {
                Statistics.label("dump.erofs features").collect(f);
            }
            if (!dump.features().contains("sb_csum")) {
                Statistics.label("dump.erofs features").collect("no sb_csum");
            }
            Statistics.label("dump.erofs features").coverage(c -> {
                for (String f : List.of("sb_csum", "no sb_csum", "mtime", "0padding", "big_pcluster", "chunked_file",
                        "device_table")) {
                    c.check(f).count(n -> n > 0);
                }
            });
            SuperblockOracle.Decoded decoded = SuperblockOracle.decode(oc.built.image());
            assertThat(SuperblockOracle.compare(dump, decoded)).as("dump.erofs -s vs ondisk decode\n%s", oc.reproducer())
                    .isEmpty();
            boolean fsckOk = FsckErofs.check(oc.built.image(), oc.built.devices()).ok();
            assertThat(fsckOk).as("fsck.erofs accepts a fresh image\n%s", oc.reproducer()).isTrue();
            for (KernelProfile kernel : Releases.all().stream().filter(rel -> rel.has(org.erofssim.kernel.Behavior.FILE_BACKED_MOUNTS)).toList()) { // file-mounted images: releases with file-backed mounts
                MountOutcome outcome = ModelMount.predict(oc.built, kernel, false);
                Statistics.label("model mount").collect(outcome.getClass().getSimpleName());
                Statistics.label("model mount").coverage(c -> c.check("Mounted").percentage(p -> p == 100.0));
                assertThat(SuperblockOracle.compare(dump, outcome, oc.built.devices().size()))
                        .as("dump.erofs -s vs model mount on %s\n%s\n%s", kernel.name(), outcome, oc.reproducer())
                        .isEmpty();
            }
        }
    }
}
