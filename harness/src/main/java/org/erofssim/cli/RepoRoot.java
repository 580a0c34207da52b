package org.erofssim.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the erofs-sim checkout (for the bundled corpus under {@code fixtures/scenarios}): the
 * system property {@code erofssim.root} (set by the launcher and by surefire), else the first
 * folder upwards from the working directory that holds {@code fixtures/scenarios}, else the
 * checkout the running jar was built in ({@code <root>/harness/target/erofs-sim.jar}).
 */
final class RepoRoot {
    static final String PROPERTY = "erofssim.root";
    static final String CORPUS = "fixtures/scenarios";

    private RepoRoot() {}

    static Optional<Path> find() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Optional.of(Path.of(prop).toAbsolutePath().normalize());
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(CORPUS))) {
                return Optional.of(p);
            }
        }
        try {
            Path jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            root = root == null ? null : root.getParent();
            if (root != null && Files.isDirectory(root.resolve(CORPUS))) {
                return Optional.of(root);
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source: fall through
        }
        return Optional.empty();
    }
}
