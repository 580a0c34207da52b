package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.testkit.Checkout;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.testkit.Live;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The oracle's tree walk on images whose reads fail (crafted images of fixtures/images/crafted):
 * it reports failures as entries, never breaks. A root directory that cannot be listed is the
 * only entry, with its {@code readErrno}; a symlink whose {@code readlink} fails has a
 * {@code readErrno} and no target (the model's convention). Root only; skipped otherwise.
 */
@Live
class TreeWalkerLiveTest {
    static Path crafted;

    @BeforeAll
    static void live() {
        LiveFixtures.assumeLive();
        crafted = Checkout.crafted();
        assertThat(crafted.resolve("blkszbits9.erofs")).exists();
    }

    private static MountOutcome.Mounted observe(String image) {
        String json = "{\"version\": 1, \"nodes\": {\"/srv/i.erofs\": {\"kind\": \"file\", \"image\": \""
                + crafted.resolve(image) + "\"}}, \"source\": \"/srv/i.erofs\", \"read\": true}";
        LiveFixtures.Leftovers before = LiveFixtures.leftovers();
        MountOutcome o = new LiveKernelOracle().observe(ScenarioJson.read(json, crafted));
        LiveFixtures.assertReleased(before);
        assertThat(o).isInstanceOf(MountOutcome.Mounted.class);
        return (MountOutcome.Mounted) o;
    }

    @Test
    void aRootDirectoryThatCannotBeListedIsTheOnlyEntryWithItsErrno() {
        // 512-byte blocks on a 4 KiB-built image: the root's inline listing cannot be read
        MountOutcome.Mounted m = observe("blkszbits9.erofs");
        assertThat(m.tree()).hasSize(1);
        TreeEntry root = m.tree().get(0);
        assertThat(root.path()).isEqualTo("/");
        assertThat(root.readErrno()).isNotNull();
        assertThat(root.sha256()).isNull();
    }

    @Test
    void aSymlinkWhoseReadlinkFailsHasReadErrnoAndNoTarget() {
        MountOutcome.Mounted m = observe("blkszbits11.erofs");
        TreeEntry link = m.tree().stream().filter(e -> e.path().equals("/symlink-long")).findFirst().orElseThrow();
        assertThat(link.type()).isEqualTo("symlink");
        assertThat(link.target()).isNull();
        assertThat(link.readErrno()).isNotNull();
    }
}
