package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A predict server removes its state file at exit only when the file is its own
 * ({@link PredictServer#removeOwn}): a replacement server's file, whether published before the
 * exiting server looked or while it was between finding the file its own and removing it (a
 * stalled server), stays. The second case failed with the check-then-delete of session 15.
 */
class PredictServerStateFileTest {
    private static final String ME = "40001 " + "a".repeat(64) + " 1001\n";
    private static final String OTHER = "40002 " + "b".repeat(64) + " 1002\n";

    @TempDir
    Path dir;

    private Path state() {
        return dir.resolve("erofs-sim-1-2.server");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void itsOwnFileGoesAndNothingIsLeftBehind() throws IOException {
        Files.writeString(state(), ME);
        assertThat(PredictServer.removeOwn(state(), ME, () -> { })).isTrue();
        assertThat(names()).isEmpty();
        assertThat(PredictServer.removeOwn(state(), ME, () -> { })).as("already gone").isFalse();
        assertThat(names()).isEmpty();
    }

    @Test
    void aReplacementPublishedBeforeItLooksStays() throws IOException {
        Files.writeString(state(), OTHER);
        assertThat(PredictServer.removeOwn(state(), ME, () -> { })).isFalse();
        assertThat(names()).containsExactly(state().getFileName().toString());
        assertThat(Files.readString(state())).isEqualTo(OTHER);
    }

    @Test
    void aReplacementPublishedWhileTheServerStallsBetweenCheckAndRemovalStays() throws IOException {
        Files.writeString(state(), ME);
        // the replacement publishes as PredictServer.serve does: a temporary file renamed over the name
        Runnable publish = () -> {
            try {
                Path tmp = dir.resolve("erofs-sim-1-2.server.1002.tmp");
                Files.writeString(tmp, OTHER);
                Files.move(tmp, state(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        assertThat(PredictServer.removeOwn(state(), ME, publish)).as("its own file was removed").isTrue();
        assertThat(names()).containsExactly(state().getFileName().toString());
        assertThat(Files.readString(state())).as("the replacement's").isEqualTo(OTHER);
    }
}
