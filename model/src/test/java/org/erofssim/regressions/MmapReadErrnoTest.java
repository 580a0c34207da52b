package org.erofssim.regressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.regressions.CommitChecks.mounted;

import java.io.IOException;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.testing.Scenarios;
import org.junit.jupiter.api.Test;

/**
 * An {@code mmap} read that faults ends with {@code readErrno} EIO whatever {@code read_folio}
 * returned: the fault is a SIGBUS, which the tree walk records as EIO ({@code TreeWalker.mapFile}),
 * while {@code read(2)} returns read_folio's own errno. [obs-6.12.107, 6.12.118, 7.2.13, 7.3,
 * session 16: {@code crafted/read-tail-idata0.erofs} file-backed: under mmap EIO after 16384 bytes
 * with the read error line twice; with read(2) EUCLEAN after 16384 bytes.]
 */
class MmapReadErrnoTest {
    static MountOutcome.Mounted read(KernelProfile k, boolean mmap) throws IOException {
        byte[] image = KernelMatrixCommitsTest.crafted("read-tail-idata0.erofs");
        Scenario s = Scenarios.on(k).file("/a", image).read().mount("/a", null);
        return mounted(MountModel.predict(s.toBuilder().mmap(mmap).build()));
    }

    static TreeEntry noise(MountOutcome.Mounted m) {
        return m.tree().stream().filter(e -> e.path().equals("/noise.txt")).findFirst().orElseThrow();
    }

    @Test
    void aFaultingPageIsEioNotReadFoliosErrno() throws IOException {
        for (KernelProfile k : new KernelProfile[] {Releases.linux_6_12_118(), Releases.linux_7_3_0_rc7()}) {
            MountOutcome.Mounted mapped = read(k, true);
            assertThat(noise(mapped).readErrno()).as(k.release()).isEqualTo("EIO");
            assertThat(noise(mapped).readOkBytes()).as(k.release()).isEqualTo(16384);
            assertThat(mapped.log().stream().filter(l -> l.contains("read error -117 @ 4 of nid 640"))).hasSize(2);
            assertThat(noise(read(k, false)).readErrno()).as(k.release()).isEqualTo("EUCLEAN");
        }
    }
}
