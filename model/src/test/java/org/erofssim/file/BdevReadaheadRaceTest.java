package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.erofssim.block.Faults;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.mount.MountModel;
import org.erofssim.read.BdevReadaheadRace;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("BdevReadaheadRace: the side of the loop-device readahead race is an explicit input of an evaluation")
class BdevReadaheadRaceTest {
    @Test
    @DisplayName("the sides: none, all, or one window in flight, named as the harness reports them")
    void sides() {
        assertThat(BdevReadaheadRace.COMPLETED.inFlight(0)).isFalse();
        assertThat(BdevReadaheadRace.ALL_IN_FLIGHT.inFlight(0)).isTrue();
        assertThat(BdevReadaheadRace.ALL_IN_FLIGHT.inFlight(63)).isTrue();
        BdevReadaheadRace two = BdevReadaheadRace.windowInFlight(2);
        assertThat(two.inFlight(2)).isTrue();
        assertThat(two.inFlight(1)).isFalse();
        assertThat(two.inFlight(3)).isFalse();
        assertThat(two).isEqualTo(BdevReadaheadRace.windowInFlight(2)).isNotEqualTo(BdevReadaheadRace.windowInFlight(3));
        assertThat(BdevReadaheadRace.COMPLETED.side()).isEqualTo("completed");
        assertThat(BdevReadaheadRace.ALL_IN_FLIGHT.side()).isEqualTo("all in flight");
        assertThat(two.side()).isEqualTo("window 2 in flight");
        assertThatThrownBy(() -> BdevReadaheadRace.windowInFlight(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    static Scenario scenario(String image, boolean bdev) {
        Path p = ZTrees.fixture(image).toAbsolutePath();
        String node = bdev ? "\"/dev/loop0\": {\"kind\": \"bdev\", \"image\": \"" + p + "\"}"
                : "\"/srv/a.erofs\": {\"kind\": \"file\", \"image\": \"" + p + "\"}";
        return ScenarioJson.read("""
                {"version": 1, "kernel": "6.18", "nodes": {%s}, "source": "%s", "read": true}"""
                .formatted(node, bdev ? "/dev/loop0" : "/srv/a.erofs"), p.getParent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lz4.erofs", "lz4hc-pcluster.erofs", "ztailpacking.erofs"})
    @DisplayName("predict(scenario) is the completed side; a file-backed mount has no race; each side is deterministic")
    void defaultIsCompletedAndFileBackedMountsIgnoreIt(String image) {
        Scenario bdev = scenario(image, true);
        assertThat(OutcomeJson.write(MountModel.predict(bdev)))
                .isEqualTo(OutcomeJson.write(MountModel.predict(bdev, BdevReadaheadRace.COMPLETED)));
        assertThat(OutcomeJson.write(MountModel.predict(bdev, BdevReadaheadRace.ALL_IN_FLIGHT)))
                .isEqualTo(OutcomeJson.write(MountModel.predict(bdev, BdevReadaheadRace.ALL_IN_FLIGHT)));
        Scenario file = scenario(image, false);
        String completed = OutcomeJson.write(MountModel.predict(file));
        assertThat(completed).contains("\"outcome\":\"mounted\"").contains("\"sha256\"");
        assertThat(OutcomeJson.write(MountModel.predict(file, BdevReadaheadRace.ALL_IN_FLIGHT))).isEqualTo(completed);
        assertThat(OutcomeJson.write(MountModel.predict(file, BdevReadaheadRace.windowInFlight(0)))).isEqualTo(completed);
    }

    @TempDir
    static Path tmp;

    @Test
    @DisplayName("a damaged LZ4HC file of many readahead windows: on a loop device the sides differ, file-backed they do not")
    void theSideMattersOnlyOnALoopDevice() throws IOException {
        ZTrees.require("mkfs.erofs");
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        String[] words = {"alpha", "beta", "gamma", "delta", "erofs", "kernel", "page", "folio", "read", "ahead"};
        Random r = new Random(1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 120_000; i++) {
            b.append(words[r.nextInt(words.length)]).append(' ');
        }
        Files.writeString(tree.resolve("text"), b);
        byte[] clean = Files.readAllBytes(ZTrees.mkfs(tmp.resolve("big.erofs"), tree, "-zlz4hc"));
        int differ = 0;
        for (int at = 8192; at + 200 < clean.length; at += 9000) {
            byte[] img = clean.clone();
            img[at] = 0;
            img[at + 1] = (byte) 0xFF;
            img[at + 2] = (byte) 0xFF;
            img[at + 150] = (byte) 0xF0;
            var bdev = ErofsImages.bdevMount("6.18", img, org.erofssim.block.Faults.NONE, null, true);
            if (!OutcomeJson.write(MountModel.predict(bdev, BdevReadaheadRace.COMPLETED))
                    .equals(OutcomeJson.write(MountModel.predict(bdev, BdevReadaheadRace.ALL_IN_FLIGHT)))) {
                differ++;
            }
            var file = ErofsImages.fileMount("6.18", img, org.erofssim.block.Faults.NONE, null, true);
            assertThat(OutcomeJson.write(MountModel.predict(file, BdevReadaheadRace.ALL_IN_FLIGHT)))
                    .as("file-backed, damage at " + at).isEqualTo(OutcomeJson.write(MountModel.predict(file)));
        }
        assertThat(differ).as("damaged images whose loop-device outcome depends on the race side").isPositive();
    }
}
