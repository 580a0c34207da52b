package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.contract.TreeEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract's walk limits ({@link TreeEntry#MAX_DEPTH}, {@link TreeEntry#MAX_PATHS},
 * {@link TreeEntry#MAX_FILE_BYTES}) hold in the model as in the live walker (issue 11 items 3
 * and 5), on {@code fixtures/images/deep.erofs}: a valid tree 1,500 directories deep with one
 * file {@code f} holding {@code "bottom\n"} at the bottom.
 */
@DisplayName("The model's tree walk keeps the contract's limits and survives any depth")
class WalkLimitsTest {
    private static MountOutcome.Mounted predictDeep() {
        Path images = Path.of(System.getProperty("erofssim.root", "..")).resolve("fixtures/images");
        assertThat(Files.isRegularFile(images.resolve("deep.erofs"))).as("fixture deep.erofs").isTrue();
        MountOutcome o = MountModel.predict(ScenarioJson.read("""
                {"version": 1, "kernel": "6.18",
                 "nodes": {"/srv/deep.erofs": {"kind": "file", "image": "deep.erofs"}},
                 "source": "/srv/deep.erofs", "read": true}""", images));
        assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
        return (MountOutcome.Mounted) o;
    }

    @Test
    @DisplayName("a valid 1,500-deep tree is walked to 64 levels below / (no StackOverflowError), the last directory listed and noted")
    void aDeepTreeStopsAtTheDepthLimit() {
        List<TreeEntry> tree = predictDeep().tree();
        // "/" plus the directories /d, /d/d, ... down to 64 levels
        assertThat(tree).hasSize(1 + TreeEntry.MAX_DEPTH);
        TreeEntry last = tree.get(tree.size() - 1);
        assertThat(last.path()).isEqualTo("/d" + "/d".repeat(TreeEntry.MAX_DEPTH - 1));
        assertThat(last.type()).isEqualTo("dir");
        assertThat(last.readErrno()).isNull();
        assertThat(last.notes()).anyMatch(n -> n.contains("deeper than 64 levels"));
        assertThat(tree.subList(0, tree.size() - 1)).allMatch(e -> e.notes() == null || e.notes().stream()
                .noneMatch(n -> n.contains("deeper than")));
    }

    @Test
    @DisplayName("the limits are those the live walker keeps: 64 levels, 100,000 paths, 1 GiB per file")
    void theLimitsAreTheContracts() {
        assertThat(TreeEntry.MAX_DEPTH).isEqualTo(64);
        assertThat(TreeEntry.MAX_PATHS).isEqualTo(100_000);
        assertThat(TreeEntry.MAX_FILE_BYTES).isEqualTo(1L << 30)
                .isEqualTo(org.erofssim.read.PlainReader.READ_LIMIT).isEqualTo(org.erofssim.file.DataReader.READ_LIMIT);
    }
}
