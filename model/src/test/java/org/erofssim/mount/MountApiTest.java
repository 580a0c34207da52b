package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.Releases;
import org.erofssim.testing.Scenarios;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mount(2) against the new mount API ({@code "api": "fsopen"}): the same errno and superblock,
 * the fs_context messages in the context's log instead of the kernel log. Expected lines are
 * those of fixtures/mount-api/recorded/6.18.44-fc-v1272 (what the host kernel put in the
 * fsopen descriptor's log and in dmesg), not the model's output.
 */
class MountApiTest {
    static byte[] plain;

    @BeforeAll
    static void image() throws IOException {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("fixtures/images/plain.erofs"))) {
                plain = Files.readAllBytes(p.resolve("fixtures/images/plain.erofs"));
                return;
            }
        }
        throw new IllegalStateException("fixtures/images/plain.erofs not found");
    }

    static MountOutcome mount(Scenario.MountApi api, String options, boolean ro) {
        Scenarios s = Scenarios.on(Releases.linux_6_18_44()).file("/a", plain);
        if (!ro) {
            s = s.readWrite();
        }
        return MountModel.predict(s.mount("/a", options).toBuilder().api(api).build());
    }

    @Test
    void anUnknownParameterIsInTheContextLogWithFsopen() {
        MountOutcome old = mount(Scenario.MountApi.MOUNT, "foo", true);
        MountOutcome neu = mount(Scenario.MountApi.FSOPEN, "foo", true);
        assertThat(((MountOutcome.Failed) old).errno()).isEqualTo(Errno.EINVAL);
        assertThat(((MountOutcome.Failed) neu).errno()).isEqualTo(Errno.EINVAL);
        assertThat(old.log()).containsExactly("erofs: Unknown parameter 'foo'");
        assertThat(neu.log()).containsExactly("fc: e erofs: Unknown parameter 'foo'");
    }

    @Test
    void fillSuperErrorfcLinesMoveAndErofsErrLinesStay() {
        assertThat(mount(Scenario.MountApi.FSOPEN, "fsoffset=100", true).log())
                .containsExactly("fc: e erofs: fsoffset 100 is not aligned to block size 4096");
        assertThat(mount(Scenario.MountApi.FSOPEN, "user_xattr,domain_id=d", true).log()).containsExactly(
                "erofs (device erofs): mounted with root inode @ nid 37.", "fc: e erofs: domain_id option not supported");
        assertThat(mount(Scenario.MountApi.MOUNT, "user_xattr,domain_id=d", true).log()).containsExactly(
                "erofs: domain_id option not supported", "erofs (device erofs): mounted with root inode @ nid 37.");
    }

    @Test
    void withoutTheRoFlagAFileMountsAsWithIt() {
        MountOutcome withRo = mount(Scenario.MountApi.FSOPEN, null, true);
        MountOutcome without = mount(Scenario.MountApi.FSOPEN, null, false);
        assertThat(without).isInstanceOf(MountOutcome.Mounted.class);
        assertThat(((MountOutcome.Mounted) without).superOptions()).isEqualTo(((MountOutcome.Mounted) withRo).superOptions())
                .startsWith("ro,");
        assertThat(without.log()).isEqualTo(withRo.log()).containsExactly("erofs (device erofs): mounted with root inode @ nid 37.");
    }
}
