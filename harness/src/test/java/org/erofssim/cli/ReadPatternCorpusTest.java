package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-pattern corpus ({@code fixtures/readpattern/}, issue 10 point 6): three truncated
 * images read in 4 KiB, 128 KiB and 1 MiB {@code read(2)} calls and through mmap, file-backed
 * and on a loop device, recorded on this machine's 6.18.44. Every scenario is named here so that
 * a dropped recording cannot pass unnoticed, and every one agrees with the model.
 */
class ReadPatternCorpusTest {
    static final List<String> PATTERNS = List.of("read4k", "read128k", "read1m", "mmap");
    static final List<String> IMAGES = List.of("plain-p47-%s-fileio", "plain-p73-%s-fileio", "plain-p73-%s-bdev",
            "lz4hc-cut-%s-fileio", "lz4hc-cut-%s-bdev");

    @Test
    void everyReadPatternAgreesWithTheKernel(@TempDir Path out) throws IOException {
        Path corpus = Cli.root().resolve("fixtures/readpattern/scenarios");
        List<String> names = IMAGES.stream().flatMap(i -> PATTERNS.stream().map(p -> String.format(i, p))).toList();
        try (Stream<Path> s = Files.list(corpus)) {
            assertThat(s.map(p -> p.getFileName().toString().replace(".json", ""))).containsExactlyInAnyOrderElementsOf(names);
        }
        Cli.Result r = CorpusRows.conform(out, "fixtures/readpattern/scenarios");
        CorpusRows.assertEveryRowAgrees(r, names, "\\S+", 1);
        CorpusRows.assertAllAgree(r, "6.18.44-fc-v1272", "6.18.44", names.size());
    }
}
