package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11 item 5: {@code inspect} threw NullPointerException (exit 70) on every truncated copy
 * of {@code plain.erofs} and on four crafted fixtures whose tree has paths lstat cannot reach.
 * Every image the project ships, and truncated copies of the plain one, must end in exit 0
 * (decoded) or 2 (one line naming what is wrong), never an internal error.
 */
@DisplayName("inspect never fails internally on the project's fixtures or truncated images")
class InspectHostileTest {
    @TempDir static Path tmp;

    static Stream<Path> fixtures() throws IOException {
        Path images = Cli.root().resolve("fixtures/images");
        try (Stream<Path> s = Stream.concat(Files.list(images), Files.list(images.resolve("crafted")))) {
            return s.filter(p -> p.toString().endsWith(".erofs")).sorted().toList().stream();
        }
    }

    static Stream<Integer> cuts() {
        // inside the superblock, at its end, inside metadata, at block ends, one byte short
        return Stream.of(0, 1, 1024, 1100, 1152, 1280, 2048, 4095, 4096, 5000, 8192, 12288, 20000, 40000, 49151);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    @DisplayName("every fixture image")
    void everyFixture(Path image) {
        assertNoInternalError(Cli.run("inspect", image.toString()), image.getFileName().toString());
    }

    @ParameterizedTest(name = "plain.erofs cut at {0} bytes")
    @MethodSource("cuts")
    @DisplayName("truncated copies of plain.erofs")
    void truncatedPlain(int size) throws IOException {
        byte[] all = Files.readAllBytes(Cli.image("plain.erofs"));
        Path cut = tmp.resolve("plain-" + size + ".erofs");
        Files.write(cut, Arrays.copyOf(all, Math.min(size, all.length)));
        assertNoInternalError(Cli.run("inspect", cut.toString()), cut.getFileName().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.erofssim.cli.HostileCorpusTest#fixtureCuts")
    @DisplayName("every fixture truncated at three sizes")
    void truncatedFixtures(String nameAtCut) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(nameAtCut));
        HostileCorpusTest.fixtureCut(nameAtCut, dir);
        assertNoInternalError(Cli.run("inspect", dir.resolve("cut.erofs").toString()), nameAtCut);
    }

    private static void assertNoInternalError(Cli.Result r, String what) {
        assertThat(r.exit()).as(what + ": " + r.err()).isIn(0, 2);
        assertThat(r.err()).as(what).doesNotContain("internal error").doesNotContain("Exception");
        if (r.exit() == 2) {
            List<String> lines = r.errLines();
            assertThat(lines).as(what + ": one line").hasSize(1);
        }
    }
}
