package org.erofssim.regressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.regressions.CommitChecks.mounted;

import java.io.IOException;
import java.util.List;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.read.BdevReadaheadRace;
import org.erofssim.testing.Scenarios;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * 35224da7e30b "mm/filemap: skip non-uptodate folio if there are available folios" (6.18-rc1,
 * {@link Behavior#FILEMAP_READ_STOPS_AT_FAILED_FOLIO}) on compressed files: a read(2) whose batch
 * ends at a folio that fails runs read_folio on it once less than 6.1 and 6.12 do. Expected counts
 * are the VM oracle's (fixtures/backports, scenarios {@code read-*}, and the bdev runs of session 16
 * in docs/zmap-6.12.md, "The read path"), not the model's output.
 */
@DisplayName("35224da7e30b mm/filemap: skip non-uptodate folio if there are available folios")
class FilemapBatchEndTest {
    static final KernelProfile L612 = Releases.linux_6_12_118();
    static final KernelProfile L618 = Releases.linux_6_18_44();
    static final KernelProfile L61 = Releases.linux_6_1_192();
    static final String READ_ERROR = "erofs: (device erofs): z_erofs_read_folio: read error -117 @ 4 of nid 640";

    static MountOutcome.Mounted fileRead(KernelProfile k, String image, int readSize) throws IOException {
        Scenario s = Scenarios.on(k).file("/a", KernelMatrixCommitsTest.crafted(image)).read().mount("/a", null);
        return mounted(MountModel.predict(s.toBuilder().readSize(readSize).build()));
    }

    static MountOutcome.Mounted bdevRead(KernelProfile k, String image, BdevReadaheadRace race) throws IOException {
        Scenario s = Scenarios.on(k).bdev("/dev/loop0", KernelMatrixCommitsTest.crafted(image), "7:0", true, 512).read()
                .mount("/dev/loop0", null);
        return mounted(MountModel.predict(s, race));
    }

    static long count(List<String> log, String part) {
        return log.stream().filter(l -> l.contains(part)).count();
    }

    static TreeEntry noise(MountOutcome.Mounted m) {
        return m.tree().stream().filter(e -> e.path().equals("/noise.txt")).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("6.12.118 file-backed: the 128 KiB read that copied pages 0-3 reads the failing page 4 twice, 6.18 once")
    void c35224da7e30bIn618() throws IOException {
        // read-tail-idata0-fileio [obs-6.12.107, obs-6.12.118: three read error lines; obs-7.2.13, obs-7.3: two]
        MountOutcome.Mounted before = fileRead(L612, "read-tail-idata0.erofs", 128 * 1024);
        assertThat(before.log().stream().filter(READ_ERROR::equals)).hasSize(3);
        assertThat(count(before.log(), "failed to decompress -7 in[4096, 0] out[2983]")).isEqualTo(4);
        assertThat(noise(before).readOkBytes()).isEqualTo(16384);
        assertThat(noise(before).readErrno()).isEqualTo("EUCLEAN");
        KernelProfile with = L612.toBuilder().with(Behavior.FILEMAP_READ_STOPS_AT_FAILED_FOLIO).build();
        assertThat(fileRead(with, "read-tail-idata0.erofs", 128 * 1024).log().stream().filter(READ_ERROR::equals)).hasSize(2);
        // 12 KiB calls: the call at 12288 batches page 3 with page 4 [obs-6.12.107/118: 3, obs-7.3: 2]
        assertThat(count(fileRead(L612, "read-tail-garbled.erofs", 12288).log(), "read error")).isEqualTo(3);
        assertThat(count(fileRead(with, "read-tail-garbled.erofs", 12288).log(), "read error")).isEqualTo(2);
    }

    @Test
    @DisplayName("a batch of one (4 KiB calls, or 6.12's failing order-2 folio at page 0) reads its folio once on every kernel")
    void c35224da7e30bNeedsALongerBatch() throws IOException {
        // read-tail-garbled-read4k-fileio [obs-6.12.107, 6.12.118, 7.3: one read error line]
        assertThat(count(fileRead(L612, "read-tail-garbled.erofs", 4096).log(), "read error")).isEqualTo(1);
        // read-mid-garbled-fileio: pages 2-3 fail; 6.12's folio 0-3 fails whole [obs-6.12.107/118: one line,
        // no byte], 6.18+ have order-0 folios, so the batch is pages 0-2 [obs-7.3: two lines, 8192 bytes]
        MountOutcome.Mounted mid = fileRead(L612, "read-mid-garbled.erofs", 128 * 1024);
        assertThat(count(mid.log(), "read error")).isEqualTo(1);
        assertThat(noise(mid).readOkBytes()).isZero();
        MountOutcome.Mounted mid618 = fileRead(L618, "read-mid-garbled.erofs", 128 * 1024);
        assertThat(count(mid618.log(), "read error")).isEqualTo(2);
        assertThat(noise(mid618).readOkBytes()).isEqualTo(8192);
    }

    @Test
    @DisplayName("bdev: a last folio still locked by the readahead's decode is waited for and dropped, not read (a race)")
    void c35224da7e30bLockedFolio() throws IOException {
        // 6.12.118 loop device, read-tail-idata0: three read error lines in 8 of 9 runs, two in one
        // [obs-6.12.118, session 16]: the decode of the window still in flight when filemap_update_page
        // meets the folio (folio_trylock fails: it waits, AOP_TRUNCATED_PAGE drops the folio)
        String image = "read-tail-idata0.erofs";
        assertThat(count(bdevRead(L612, image, BdevReadaheadRace.COMPLETED).log(), "read error")).isEqualTo(3);
        assertThat(count(bdevRead(L612, image, BdevReadaheadRace.windowInFlight(0)).log(), "read error")).isEqualTo(2);
        // 6.1.0-57 loop device, read-tail-garbled: four decompress lines (readahead + three read_folio
        // calls, no read error line before 2349d2fa02db) in 8 of 8 runs [obs-6.1.0-57, session 16]
        assertThat(count(bdevRead(L61, "read-tail-garbled.erofs", BdevReadaheadRace.COMPLETED).log(),
                "failed to decompress")).isEqualTo(4);
    }
}
