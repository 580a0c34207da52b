package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new mount API corpus ({@code fixtures/mount-api/}, issue 9 item 7): {@code "api": "fsopen"}
 * scenarios recorded on this machine's 6.18.44 (another build than the main corpus's, so a
 * corpus of its own). Every scenario must agree, each is named here, and the recordings
 * themselves show what the model claims: the context's messages are in its log ({@code fc: e
 * ...}), not in the kernel log, while {@code erofs_err} lines stay in the kernel log.
 */
class MountApiCorpusTest {
    static final List<String> AGREE = List.of("file-ro", "file-without-ro", "loop-ro", "loop-readonly-without-ro",
            "loop-writable-without-ro", "unknown-parameter", "ignored-option-logged", "fsoffset-misaligned", "not-erofs");

    @Test
    void everyScenarioAgreesWithTheKernel(@TempDir Path out) {
        Cli.Result r = Cli.run("conform", "--quiet", "--corpus", Cli.root().resolve("fixtures/mount-api/scenarios").toString(),
                "--report", out.toString());
        for (String n : AGREE) {
            assertThat(r.out()).as(n).containsPattern("(?m)^" + Pattern.quote(n) + " +\\S+ +\\S+ +\\S+ +no expect +agree$");
        }
        assertThat(r.out()).contains("recorded 6.18.44-fc-v1272 (model profile 6.18.44): ")
                .contains(AGREE.size() + " agree, 0 diverge, 0 refused, 0 stale, 0 not recorded");
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
