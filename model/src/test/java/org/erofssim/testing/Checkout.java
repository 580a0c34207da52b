package org.erofssim.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The erofs-sim checkout the model's tests run in: the system property {@code erofssim.root}
 * (surefire sets it to the reactor root) when it holds {@code fixtures/images}, else the first
 * folder upwards that does.
 *
 * <p>A copy of the testkit's {@code org.erofssim.testkit.Checkout}: the testkit module depends on
 * the model, so the model's own tests cannot use it (Maven refuses the module cycle).
 */
public final class Checkout {
    private Checkout() {}

    /** The checkout's root folder; fails when no {@code fixtures/images} is found. */
    public static Path root() {
        String prop = System.getProperty("erofssim.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "fixtures", "images"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/images"))) {
                return p;
            }
        }
        throw new IllegalStateException("fixtures/images not found under -Derofssim.root nor above "
                + Path.of("").toAbsolutePath());
    }

    /** {@code fixtures/images}. */
    public static Path images() {
        return root().resolve("fixtures/images");
    }
}
