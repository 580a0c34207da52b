package org.erofssim.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.sb.Mode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's Java example, run: what a program that depends on {@code erofs-sim-model} alone
 * does. It uses only types marked {@code @API} ({@code PublicApiOnlyTest} checks that), and the
 * expected values come from the kernel's documented behaviour (spec §9 rows 3 and 6, §8.1), not
 * from the model.
 */
@DisplayName("The public API example of the README")
class PublicApiExampleTest {
    static Path plainErofs() {
        return Path.of(System.getProperty("erofssim.root", "..")).resolve("fixtures/images/plain.erofs");
    }

    @Test
    @DisplayName("an image file on ext4 mounts file-backed on 6.18.44, and on 6.12.0 too")
    void fileBacked() {
        // --- README example: begin
        Scenario scenario = Scenario.builder()
                .kernel(Releases.resolve("6.18.44").profile())
                .node("/srv/plain.erofs", new Node.RegularFile(ImageBytes.map(plainErofs()), BackingFs.EXT4))
                .source("/srv/plain.erofs")
                .build();
        MountOutcome outcome = MountModel.predict(scenario);
        String json = OutcomeJson.write(outcome); // the harness contract's outcome JSON
        // --- README example: end
        assertThat(outcome).isInstanceOf(MountOutcome.Mounted.class);
        assertThat(outcome.mode()).isEqualTo(Mode.FILEIO);
        assertThat(outcome.log()).containsExactly("erofs (device erofs): mounted with root inode @ nid 37.");
        assertThat(json).contains("\"fsid\":\"5e1f0567:fe8a0000\"");

        MountOutcome old = MountModel.predict(scenario.toBuilder().kernel(Releases.linux_6_12_0()).build());
        assertThat(old.mode()).isEqualTo(Mode.FILEIO);
        assertThat(old.log()).containsExactly("erofs: (device erofs): mounted with root inode @ nid 37.");
    }

    @Test
    @DisplayName("the same file on tmpfs is not a block device and has no file-backed path: ENOTBLK")
    void onTmpfs() {
        MountOutcome outcome = MountModel.predict(Scenario.builder()
                .node("/run/plain.erofs", new Node.RegularFile(ImageBytes.map(plainErofs()), BackingFs.TMPFS))
                .source("/run/plain.erofs")
                .build());
        assertThat(outcome).isInstanceOfSatisfying(MountOutcome.Failed.class,
                f -> assertThat(f.errno()).isEqualTo(Errno.ENOTBLK));
    }
}
