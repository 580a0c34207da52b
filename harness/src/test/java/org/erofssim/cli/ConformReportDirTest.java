package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 9: {@code conform --report} at an existing file or an unwritable folder exited 70
 * after all the work. It is checked first: exit 2, one line, nothing evaluated.
 */
@DisplayName("conform --report refuses a place it cannot write before doing any work")
class ConformReportDirTest {
    @TempDir Path tmp;

    private static void assertRefusedUpFront(Cli.Result r, String says) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).as("no scenario was evaluated").isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--report").contains(says);
    }

    @Test void anExistingFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("afile"), "x");
        assertRefusedUpFront(Cli.run("conform", "--report", f.toString()), "not a directory");
    }

    @Test void belowAFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("afile"), "x");
        assertRefusedUpFront(Cli.run("conform", "--report", f.resolve("sub").toString()), "is not a directory");
    }

    @Test void aReportFileThatIsAFolder() throws IOException {
        Files.createDirectories(tmp.resolve("r/report.json"));
        assertRefusedUpFront(Cli.run("conform", "--report", tmp.resolve("r").toString()), "cannot be replaced");
    }
}
