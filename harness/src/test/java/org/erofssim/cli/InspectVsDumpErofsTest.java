package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code inspect --json} agrees with {@code dump.erofs -s} (erofs-utils) on every fixture image:
 * every superblock value dump.erofs prints, and every feature name it prints.
 */
@DisplayName("inspect agrees with dump.erofs -s")
class InspectVsDumpErofsTest {
    static Stream<Path> images() throws IOException {
        try (Stream<Path> s = Files.list(Cli.root().resolve("fixtures/images"))) {
            return s.filter(p -> p.toString().endsWith(".erofs")).sorted().toList().stream();
        }
    }

    /** The blob an image needs as its extra device (dump.erofs 1.5 refuses the image without it). */
    static List<String> devices(Path image) {
        Path blob = image.resolveSibling(image.getFileName().toString().replace(".erofs", "-blob.img"));
        return Files.exists(blob) ? List.of(blob.toString()) : List.of();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void sameSuperblock(Path image) throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.DUMP));
        List<String> dumpArgs = new ArrayList<>(List.of("-s"));
        List<String> inspectArgs = new ArrayList<>(List.of("inspect", "--json"));
        for (String d : devices(image)) {
            dumpArgs.add("--device=" + d);
            inspectArgs.add("--device");
            inspectArgs.add(d);
        }
        dumpArgs.add(image.toString());
        inspectArgs.add(image.toString());
        ErofsUtils.Run dump = ErofsUtils.run(ErofsUtils.DUMP, dumpArgs, 30);
        assertThat(dump.exitCode()).as(dump.stderr()).isZero();
        Map<String, String> d = new HashMap<>();
        for (String line : dump.stdout().split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("Filesystem ") && colon > 0) {
                d.put(line.substring("Filesystem ".length(), colon).trim(), line.substring(colon + 1).trim());
            }
        }
        Cli.Result r = Cli.run(inspectArgs.toArray(new String[0]));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode fields = new ObjectMapper().readTree(r.out()).path("superblock").path("fields");
        Map<String, JsonNode> f = new HashMap<>();
        fields.forEach(n -> f.put(n.path("name").asText(), n));

        assertThat(f.get("blocks_lo").path("value").asLong()).isEqualTo(Long.parseLong(d.get("blocks")));
        assertThat(f.get("meta_blkaddr").path("value").asLong())
                .isEqualTo(Long.parseLong(d.get("inode metadata start block")));
        assertThat(f.get("xattr_blkaddr").path("value").asLong())
                .isEqualTo(Long.parseLong(d.get("shared xattr metadata start block")));
        assertThat(f.get("root_nid").path("value").asLong()).isEqualTo(Long.parseLong(d.get("root nid")));
        assertThat(f.get("inos").path("value").asLong()).isEqualTo(Long.parseLong(d.get("inode count")));
        assertThat(f.get("uuid").path("value").asText()).isEqualTo(d.get("UUID"));
        String names = f.get("feature_compat").path("meaning").asText() + " "
                + f.get("feature_incompat").path("meaning").asText();
        for (String word : d.get("features").split("\\s+")) {
            if (!word.isEmpty()) {
                assertThat(names.split("\\s+")).as("feature %s", word).contains(word);
            }
        }
    }
}
