package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new mount API corpus ({@code fixtures/mount-api/}, issue 9 item 7): {@code "api": "fsopen"}
 * scenarios recorded on this machine's 6.18.44 (another build than the main corpus's, so a
 * corpus of its own) and in the VM oracle on Debian's 6.1.0-57, 6.12.118 and 7.3 (one boot each).
 * Every scenario must agree on every kernel, each is named here, and the recordings
 * themselves show what the model claims: the context's messages are in its log ({@code fc: e
 * ...}), not in the kernel log, while {@code erofs_err} lines stay in the kernel log.
 */
class MountApiCorpusTest {
    static final List<String> AGREE = List.of("file-ro", "file-without-ro", "loop-ro", "loop-readonly-without-ro",
            "loop-writable-without-ro", "unknown-parameter", "ignored-option-logged", "fsoffset-misaligned", "not-erofs");

    @Test
    void everyScenarioAgreesWithTheKernel(@TempDir Path out) {
        Cli.Result r = CorpusRows.conform(out, "fixtures/mount-api/scenarios");
        // one column per recorded kernel: the host's 6.18.44 and the VM kernels 6.1, 6.12.118 and 7.3
        CorpusRows.assertEveryRowAgrees(r, AGREE, "\\S+", RELEASES.size());
        RELEASES.forEach((release, profile) -> CorpusRows.assertAllAgree(r, release, profile, AGREE.size()));
    }

    /** The kernels the corpus is recorded on, each with the profile its release resolves to. */
    static final java.util.Map<String, String> RELEASES = java.util.Map.of("6.1.0-57-amd64", "6.1.192",
            "6.12.118+deb13-amd64", "6.12.118", "6.18.44-fc-v1272", "6.18.44", "7.3-amd64", "7.3.0-rc7");

    @Test
    void before612AFileSourceFailsInTheBlockLayerAndSaysSoInTheContextLog() throws Exception {
        // [obs-6.1.0-57, VM]: no file-backed mounts; get_tree_bdev's message goes to the context log
        Path rec = Cli.root().resolve("fixtures/mount-api/recorded/6.1.0-57-amd64");
        assertThat(Files.readString(rec.resolve("file-ro.json"))).contains("\"errno\": \"ENOTBLK\"")
                .contains("\"fc: e /srv/plain.erofs: Can't open blockdev\"");
        assertThat(Files.readString(rec.resolve("loop-readonly-without-ro.json")))
                .contains("\"fc: e /dev/loop0: Can't open blockdev\"");
        // 6.12.118: the read-only device fails before the block layer logs anything
        assertThat(Files.readString(Cli.root().resolve(
                "fixtures/mount-api/recorded/6.12.118+deb13-amd64/loop-readonly-without-ro.json")))
                .contains("\"errno\": \"EACCES\"").doesNotContain("Can't open blockdev");
    }

    @Test
    void theKernelPutContextMessagesInTheContextLog() throws Exception {
        Path rec = Cli.root().resolve("fixtures/mount-api/recorded/6.18.44-fc-v1272");
        assertThat(Files.readString(rec.resolve("unknown-parameter.json")))
                .contains("\"fc: e erofs: Unknown parameter 'foo'\"").doesNotContain("\"erofs: Unknown parameter");
        assertThat(Files.readString(rec.resolve("ignored-option-logged.json")))
                .contains("\"fc: e erofs: domain_id option not supported\"");
        assertThat(Files.readString(rec.resolve("not-erofs.json")))
                .contains("\"erofs (device erofs): cannot find valid erofs superblock\"").doesNotContain("fc: ");
    }
}
