package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict --kernel/--config} and the {@code -} argument. Expectations from the kernel
 * sources the spec cites: 6.12.0 predates 6422cde1b0d5, so {@code directio} is an unknown
 * parameter there (EINVAL) while 6.18 parses it; with CONFIG_EROFS_FS_ONDEMAND off,
 * {@code fsid=} logs {@code erofs: fsid option not supported} and is ignored.
 */
class PredictKernelAndStdinTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @AfterEach
    void restoreStdin() {
        StdinScenario.in = System.in;
    }

    /** A scenario on 6.18 with plain.erofs as an ext4 file, image path as given. */
    private static String scenario(String image, String options) {
        return "{\"version\": 1, \"kernel\": \"6.18\", \"nodes\": {\"/srv/a.erofs\": {\"kind\": \"file\", \"image\": \""
                + image + "\"}}, \"source\": \"/srv/a.erofs\", \"options\": \"" + options + "\"}";
    }

    private Path write(String json) throws IOException {
        Path p = dir.resolve("s.json");
        Files.writeString(p, json);
        return p;
    }

    private static JsonNode outcome(Cli.Result r) throws IOException {
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.outLines()).hasSize(1);
        return JSON.readTree(r.out());
    }

    @Test
    void kernelOverridesTheScenarioRelease() throws IOException {
        Path s = write(scenario(Cli.image("plain.erofs").toString(), "directio"));
        JsonNode own = outcome(Cli.run("predict", s.toString()));
        assertThat(own.get("outcome").asText()).isEqualTo("mounted");
        JsonNode old = outcome(Cli.run("predict", "--kernel", "6.12.0", s.toString()));
        assertThat(old.get("errno").asText()).isEqualTo("EINVAL");
        assertThat(old.get("log").get(0).asText()).isEqualTo("erofs: Unknown parameter 'directio'");
    }

    @Test
    void kernelResolutionNoteGoesToStderr() throws IOException {
        Path s = write(scenario(Cli.image("plain.erofs").toString(), ""));
        Cli.Result r = Cli.run("predict", "--kernel", "6.18.44-fc-v782", s.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).startsWith("note: kernel 6.18.44-fc-v782: the 6.18.44 preset");
    }

    @Test
    void configOverridesASymbol() throws IOException {
        Path s = write(scenario(Cli.image("plain.erofs").toString(), "fsid=x"));
        JsonNode off = outcome(Cli.run("predict", s.toString()));
        assertThat(off.get("log").get(0).asText()).isEqualTo("erofs: fsid option not supported");
        JsonNode on = outcome(Cli.run("predict", "--config", "EROFS_FS_ONDEMAND=y", s.toString()));
        assertThat(on.get("log").toString()).doesNotContain("fsid option not supported");
    }

    @Test
    void badKernelAndConfigAreOneLine() throws IOException {
        Path s = write(scenario(Cli.image("plain.erofs").toString(), ""));
        for (String[] args : new String[][] {{"--kernel", "4.19"}, {"--config", "EROFS_FS_ONDEMAND=maybe"},
                {"--config", "EROFS_FS_ONDEMAND"}}) {
            Cli.Result r = Cli.run("predict", args[0], args[1], s.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.err()).startsWith("erofs-sim predict: " + args[0]);
        }
    }

    @Test
    void dashReadsStdinWithImagePathsFromTheWorkingDirectory() throws IOException {
        Path cwd = Path.of("").toAbsolutePath();
        String relative = cwd.relativize(Cli.image("plain.erofs")).toString();
        StdinScenario.in = new ByteArrayInputStream(scenario(relative, "").getBytes(StandardCharsets.UTF_8));
        JsonNode o = outcome(Cli.run("predict", "-"));
        assertThat(o.get("mode").asText()).isEqualTo("fileio");
        assertThat(o.get("log").get(0).asText()).isEqualTo("erofs (device erofs): mounted with root inode @ nid 37.");
    }

    @Test
    void dashErrorsNameStdinAndTheField() {
        StdinScenario.in = new ByteArrayInputStream("{\"version\": 2}".getBytes(StandardCharsets.UTF_8));
        Cli.Result r = Cli.run("predict", "-");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("erofs-sim predict: -: version");
        InputStream empty = new ByteArrayInputStream(new byte[0]);
        StdinScenario.in = empty;
        assertThat(Cli.run("predict", "-").err()).contains("standard input is empty");
        assertThat(Cli.run("predict", "-", "-").err()).contains("more than once");
    }

    @Test
    void compareReadsStdinBeforeTouchingTheKernel() {
        StdinScenario.in = new ByteArrayInputStream("{\"version\": 1, \"nodes\": {\"/x\": {\"kind\": \"teapot\"}}}"
                .getBytes(StandardCharsets.UTF_8));
        Cli.Result r = Cli.run("compare", "-");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("erofs-sim compare: -: nodes./x.kind");
    }
}
