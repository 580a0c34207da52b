package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.contract.ScenarioException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: a 4,091-byte path in a scenario gave one 4,185-byte error line (the whole path as the
 * field's name). Now the line names the field by its start and end and says how long it was, and
 * no error line of the CLI is longer than {@link ScenarioException#MAX_MESSAGE} plus the command's
 * name.
 */
class LongInputErrorLineTest {
    @TempDir Path tmp;

    Path scenario(String nodeKey, String source) throws IOException {
        return Files.writeString(tmp.resolve("long.json"), "{\"version\": 1, \"kernel\": \"6.18\", \"nodes\": {\"" + nodeKey
                + "\": {\"kind\": \"file\", \"image\": \"" + Cli.image("plain.erofs") + "\"}}, \"source\": \"" + source + "\"}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"predict", "observe", "compare"})
    void aNodePathOf4091BytesGivesOneBoundedLineNamingTheField(String command) throws IOException {
        String key = "/srv/" + "b".repeat(4086);
        Cli.Result r = Cli.run(command, scenario(key, key).toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().satisfies(line -> {
            assertThat(line.length()).isLessThanOrEqualTo(ScenarioException.MAX_MESSAGE + 40);
            assertThat(line).contains("nodes./srv/bbb", "(4091 bytes)", "component longer than 255 bytes");
        });
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anyLongMessageIsCutAroundItsLength() {
        String s = "x".repeat(5000);
        String a = ScenarioException.abbreviate(s, 100);
        assertThat(a).hasSizeLessThanOrEqualTo(100).contains("...(5000 bytes)...").startsWith("xxx").endsWith("xxx");
        assertThat(ScenarioException.abbreviate("short", 100)).isEqualTo("short");
        assertThat(new ScenarioException("y".repeat(9000)).getMessage()).hasSizeLessThanOrEqualTo(ScenarioException.MAX_MESSAGE);
        assertThat(CliException.badInput("z".repeat(9000)).getMessage()).hasSizeLessThanOrEqualTo(ScenarioException.MAX_MESSAGE);
    }
}
