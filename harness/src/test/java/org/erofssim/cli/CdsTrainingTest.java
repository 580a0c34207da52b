package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.erofssim.file.TreeWalk;
import org.junit.jupiter.api.Test;

/**
 * The launcher's class-data training run ({@link CdsTraining}, issue 12) runs in the launcher's
 * place before the user's command: it must print nothing (the command's JSON goes to the same
 * terminal or pipe), leave no temporary folder and leave the tree-walk strategy as it found it.
 */
class CdsTrainingTest {
    private static List<Path> trainingFolders() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("erofs-sim-cds-")).collect(Collectors.toList());
        }
    }

    @Test void trainsQuietlyAndLeavesNothingBehind() throws IOException {
        assertThat(Path.of(System.getProperty("erofssim.root"), "fixtures", "images", "lz4hc.erofs")).isRegularFile();
        List<Path> before = trainingFolders();
        TreeWalk.Strategy strategy = TreeWalk.strategy;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try {
            System.setOut(capture);
            System.setErr(capture);
            CdsTraining.main(new String[0]);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(trainingFolders()).isEqualTo(before);
        assertThat(TreeWalk.strategy).isEqualTo(strategy);
    }
}
