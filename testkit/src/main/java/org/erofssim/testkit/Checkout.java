package org.erofssim.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The erofs-sim checkout a test runs in, for the committed fixtures: the system property
 * {@code erofssim.root} (surefire sets it to the reactor root) when it holds
 * {@code fixtures/images}, else the first folder upwards from the working directory that does.
 *
 * <p>The CLI has its own finder ({@code cli.RepoRoot}: it also looks beside the running jar and
 * answers "not found" instead of failing); the model's tests keep a copy of this one
 * ({@code org.erofssim.testing.Checkout}) because they cannot depend on this module.
 */
public final class Checkout {
    /** The system property naming the checkout. */
    public static final String PROPERTY = "erofssim.root";

    /** The fixture images' bytes, each read once per JVM; guarded by itself. */
    private static final Map<String, byte[]> IMAGE_BYTES = new HashMap<>();

    private Checkout() {}

    /**
     * The checkout's root folder.
     *
     * @throws IllegalStateException when neither the property nor a folder upwards holds {@code fixtures/images}
     */
    public static Path root() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "fixtures", "images"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/images"))) {
                return p;
            }
        }
        throw new IllegalStateException("fixtures/images not found under -D" + PROPERTY + " nor above "
                + Path.of("").toAbsolutePath());
    }

    /** {@code fixtures/images}: the mkfs.erofs 1.5 fixture images. */
    public static Path images() {
        return root().resolve("fixtures/images");
    }

    /** One file of {@code fixtures/images}. */
    public static Path image(String name) {
        return images().resolve(name);
    }

    /**
     * The bytes of one file of {@code fixtures/images}, read once per JVM and kept; each call
     * answers a fresh copy, so a test may edit it in place without touching another test's image.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public static byte[] imageBytes(String name) {
        synchronized (IMAGE_BYTES) {
            return IMAGE_BYTES.computeIfAbsent(name, n -> {
                try {
                    return Files.readAllBytes(image(n));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).clone();
        }
    }

    /** {@code fixtures/images/crafted}: the images {@code fixtures/craft-images.sh} makes. */
    public static Path crafted() {
        return images().resolve("crafted");
    }
}
