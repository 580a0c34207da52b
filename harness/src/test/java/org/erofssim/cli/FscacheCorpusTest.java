package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fscache corpus ({@code fixtures/fscache/}, issue 9 item 4): fscache-mode scenarios recorded
 * in QEMU on the source-built 6.12.107-erofssim-ondemand with the oracle's own cachefiles
 * on-demand daemon. Every scenario must agree, each is named here, and the recordings show the
 * two things the session-5 model had wrong: no cache and a missing blob fail at the read, not at
 * registration, and a multi-device image reads its data from the device's cookie.
 */
class FscacheCorpusTest {
    static final List<String> AGREE = List.of("daemon-gone-after-mount", "daemon-gone-at-first-read", "device-named-like-fsid",
            "domain-id-shared-cookie", "domain-id-shared-device", "domain-id-two-images", "domain-id",
            "missing-device-blob", "missing-primary-blob", "multi-device-empty-tag", "multi-device-gone-after-mount",
            "multi-device", "no-daemon", "past-end-short", "past-end-zeros", "same-fsid-twice", "single-blob");

    @Test
    void everyScenarioAgreesWithTheKernel(@TempDir Path out) {
        Cli.Result r = CorpusRows.conform(out, "fixtures/fscache/scenarios");
        CorpusRows.assertEveryRowAgrees(r, AGREE, "fscache", 1);
        CorpusRows.assertAllAgree(r, "6.12.107-erofssim-ondemand", "6.12.107", AGREE.size());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }

    @Test
    void theKernelFailsTheReadNotTheRegistration() throws Exception {
        Path rec = Cli.root().resolve("fixtures/fscache/recorded/6.12.107-erofssim-ondemand");
        assertThat(Files.readString(rec.resolve("no-daemon.json"))).containsPattern("\"errno\" *: *\"ENOBUFS\"")
                .contains("cannot read erofs superblock").doesNotContain("failed to register volume");
        assertThat(Files.readString(rec.resolve("missing-primary-blob.json")))
                .contains("\"erofs: erofs_fscache_read_io_async: prepare_ondemand_read failed (source 2)\"")
                .doesNotContain("failed to get cookie");
        assertThat(Files.readString(rec.resolve("multi-device.json")))
                .contains("cachefiles daemon: OPEN fscache:erofs,img/blob1: size 49152").doesNotContain("ENOBUFS");
        assertThat(Files.readString(rec.resolve("same-fsid-twice.json")))
                .contains("failed to register volume for erofs,img").containsPattern("\"errno\" *: *\"EBUSY\"");
    }
}
