package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.sb.UndefinedBytes;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.testkit.Live;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kernel bug of docs/findings/lz4-undefined-bytes.md on the running kernel (root; skipped
 * with a printed reason otherwise): lib/lz4's decoder accepts an LZ4 match of offset 0, and
 * erofs, which decodes the last extent of a file with LZ4_decompress_safe_partial, returns the
 * page cache's old contents for it, without an error or a log line. No upstream fix exists to
 * name this test after; it pins the behaviour of 6.18.44 on the crafted fixtures
 * {@code lz4-offset0.erofs} and {@code lz4-offset0-repeat.erofs} (bytes explained in
 * fixtures/images/crafted/README.md).
 */
@DisplayName("live kernel: an LZ4 match of offset 0 reads without an error (stale memory near the end of a partial decode)")
@Live
class LiveLz4OffsetZeroTest {
    private static Path work;

    @BeforeAll
    static void setUp() {
        LiveFixtures.assumeLive();
        work = LiveFixtures.workDir();
    }

    @AfterAll
    static void tearDown() {
        if (work != null) {
            LiveFixtures.deleteTree(work);
        }
    }

    static Scenario scenario(String image, boolean bdev) {
        Path img = LiveCompressedTest.fixture("crafted/" + image);
        String node = bdev ? "\"/dev/loop0\": {\"kind\": \"bdev\", \"image\": \"" + img + "\"}"
                : "\"/srv/a.erofs\": {\"kind\": \"file\", \"image\": \"" + img + "\"}";
        return ScenarioJson.read("""
                {"version": 1, "name": "%s", "kernel": "6.18", "nodes": {%s}, "source": "%s", "read": true}"""
                .formatted(image + (bdev ? "-bdev" : "-file"), node, bdev ? "/dev/loop0" : "/srv/a.erofs"), work);
    }

    static TreeEntry text64k(MountOutcome o) {
        assertThat(o).as(o.log().toString()).isInstanceOf(MountOutcome.Mounted.class);
        Map<String, TreeEntry> m = LiveCompressedTest.byPath(((MountOutcome.Mounted) o).tree());
        return m.get("/text64k");
    }

    @Test
    @DisplayName("lz4-offset0: no error, no log line, bytes that change from one mount to the next; the model says so")
    void staleMemory() {
        for (boolean bdev : List.of(false, true)) {
            Scenario sc = scenario("lz4-offset0.erofs", bdev);
            MountOutcome model = MountModel.predict(sc);
            TreeEntry me = text64k(model);
            assertThat(me.sha256()).isNull();
            assertThat(me.notes()).singleElement().asString().startsWith(UndefinedBytes.NOTE_PREFIX);
            Set<String> hashes = new LinkedHashSet<>();
            for (int run = 0; run < 3; run++) {
                LiveFixtures.Leftovers before = LiveFixtures.leftovers();
                MountOutcome kernel = new LiveKernelOracle().observe(sc);
                LiveFixtures.assertReleased(before);
                System.out.println("[live] " + sc.name() + " run " + run + " -> " + OutcomeJson.write(kernel));
                TreeEntry ke = text64k(kernel);
                assertThat(ke.readErrno()).as("no error").isNull();
                assertThat(ke.readOkBytes()).isEqualTo(65_536);
                assertThat(kernel.log()).as("the mount line only").hasSize(1);
                assertThat(kernel.log().get(0)).endsWith("mounted with root inode @ nid 36.");
                assertThat(OutcomeComparator.compare(model, kernel)).as("model vs kernel").isEmpty();
                hashes.add(ke.sha256());
            }
            // stale memory: 6.18.44 gave a different hash on every mount (12 of 12 while this was written)
            assertThat(hashes).as("hashes of three mounts (%s)", bdev ? "bdev" : "fileio").hasSizeGreaterThan(1);
        }
    }

    @Test
    @DisplayName("lz4-offset0-repeat: wrong bytes without an error, the same on every mount, the model's hash")
    void deterministicWrongBytes() {
        for (boolean bdev : List.of(false, true)) {
            Scenario sc = scenario("lz4-offset0-repeat.erofs", bdev);
            MountOutcome model = MountModel.predict(sc);
            String want = text64k(model).sha256();
            assertThat(want).isNotNull();
            for (int run = 0; run < 2; run++) {
                MountOutcome kernel = new LiveKernelOracle().observe(sc);
                TreeEntry ke = text64k(kernel);
                assertThat(ke.readErrno()).isNull();
                assertThat(ke.sha256()).isEqualTo(want);
                assertThat(OutcomeComparator.compare(model, kernel)).isEmpty();
            }
        }
    }
}
