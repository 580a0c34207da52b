package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code EROFS_FS_BACKED_BY_FILE=n} corpus ({@code fixtures/nofileio/}, issue 9 item 3, spec §9
 * row 8), recorded in the VM oracle on the source-built kernel of {@code kernels/recipes/6.12.107-nofileio}
 * ({@code uname -r} 6.12.107-erofssim-nofileio, resolved to 6.12.0 plus the stable backports up to
 * 6.12.107). Every scenario must agree, and the recordings themselves show the CONFIG-off world: a
 * regular-file source goes to the block-device path only, whose lookup is not quiet.
 */
class NofileioCorpusTest {
    static final String RELEASE = "6.12.107-erofssim-nofileio";

    @Test
    void everyScenarioAgreesWithTheKernel(@TempDir Path out) throws Exception {
        Path corpus = Cli.root().resolve("fixtures/nofileio/scenarios");
        List<String> names;
        try (var s = Files.list(corpus)) {
            names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertThat(names).hasSize(14);
        Cli.Result r = CorpusRows.conform(out, "fixtures/nofileio/scenarios");
        CorpusRows.assertEveryRowAgrees(r, names, "\\S+", 1);
        CorpusRows.assertAllAgree(r, RELEASE, "6.12.107", names.size());
    }

    @Test
    void aFileSourceIsLookedUpAsABlockDeviceAndNothingElse() throws Exception {
        Path rec = Cli.root().resolve("fixtures/nofileio/recorded/" + RELEASE);
        // erofs_fc_get_tree without CONFIG_EROFS_FS_BACKED_BY_FILE: get_tree_bdev_flags without the
        // quiet-lookup flag, and no file-backed fallback
        assertThat(Files.readString(rec.resolve("decision-table-row06-file-ext4.json")))
                .contains("\"errno\": \"ENOTBLK\"").contains("\"/srv/plain.erofs: Can't lookup blockdev\"");
        assertThat(Files.readString(rec.resolve("decision-table-row13-missing.json")))
                .contains("\"errno\": \"ENOENT\"").contains("\"/srv/missing.erofs: Can't lookup blockdev\"");
        // the directio option exists (6.12.7) but is refused without file-backed mounts
        assertThat(Files.readString(rec.resolve("options-directio-bdev.json")))
                .contains("\"erofs: directio option not supported\"").contains("\"outcome\": \"mounted\"");
        // a loop device mounts as on every kernel
        assertThat(Files.readString(rec.resolve("decision-table-row03-bdev.json"))).contains("\"mode\": \"bdev\"");
    }
}
