package org.erofssim.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The scenario corpus a command works on: its folder and its files, in path order. */
final class Corpus {
    private Corpus() {}

    /**
     * {@code --corpus DIR} as given, or the bundled corpus of this checkout.
     *
     * @throws CliException (exit 2) when there is none or it is not a directory
     */
    static Path dir(String option) {
        Path dir;
        if (option != null) {
            dir = Scenarios.path(option, "--corpus");
        } else {
            dir = RepoRoot.find().map(r -> r.resolve(RepoRoot.CORPUS)).orElseThrow(() -> CliException.badInput(
                    "cannot find the bundled corpus (" + RepoRoot.CORPUS + "); run from the checkout, use the"
                            + " ./erofs-sim launcher, or give --corpus DIR"));
        }
        if (!Files.isDirectory(dir)) {
            throw CliException.badInput("--corpus " + dir + ": not a directory");
        }
        return dir;
    }

    /** Where the erofs-utils 1.9 corpus lives in a checkout (its recordings beside it, in {@code recorded}). */
    static final String MODERN = "fixtures/modern/scenarios";

    /**
     * The corpora beside the main one that the default {@code conform} also runs, each with its
     * recordings beside it ({@code ../recorded}); a release that recorded none of one shows it as
     * n/a. The erofs-utils 1.9 images, the read patterns
     * (issue 10), the new mount API (issue 9), the fuzz findings (issue 15), fscache mode (issue 9,
     * recorded on the source-built ONDEMAND kernel only), the {@code EROFS_FS_BACKED_BY_FILE=n}
     * kernel (issue 9, recorded on the source-built 6.12.107-nofileio kernel only), the stable
     * backports (which stable release of a line took a change; recorded on every VM kernel and
     * the host, so a new case needs no recording on the main corpus's older host build: 6.1's dirent
     * nameoff checks, the 6.12.y compressed-map pieces of docs/zmap-6.12.md).
     */
    static final List<String> EXTRA = List.of(MODERN, "fixtures/readpattern/scenarios", "fixtures/mount-api/scenarios",
            "fixtures/fuzz-found/scenarios",
            "fixtures/fscache/scenarios",
            "fixtures/nofileio/scenarios",
            "fixtures/backports/scenarios");

    /** The {@link #EXTRA} corpora this checkout has, in that order. */
    static List<Path> extras() {
        return RepoRoot.find().map(r -> EXTRA.stream().map(r::resolve).filter(Files::isDirectory).toList())
                .orElse(List.of());
    }

    /** Every {@code *.json} under {@code dir}, recursively, sorted; exit 2 when there is none. */
    static List<Path> files(Path dir) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            throw CliException.badInput(dir + ": cannot list the corpus: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw CliException.badInput(dir + ": no scenario files (*.json) in the corpus");
        }
        return files;
    }

    /** A scenario's name: its path relative to the corpus, without {@code .json}. */
    static String name(Path dir, Path file) {
        String name = dir.relativize(file).toString();
        return name.substring(0, name.length() - ".json".length());
    }
}
