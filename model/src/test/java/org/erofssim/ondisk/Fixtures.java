package org.erofssim.ondisk;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.erofssim.testing.Checkout;

/** Test support: the fixture images of {@code fixtures/images} and the erofs-utils oracle tools. */
final class Fixtures {
    private Fixtures() {}

    /** The repository root ({@link Checkout}). */
    static Path root() {
        return Checkout.root();
    }

    static Path images() {
        return root().resolve("fixtures/images");
    }

    static Path image(String name) {
        return images().resolve(name);
    }

    /** Every {@code *.erofs} fixture, sorted by name. */
    static List<Path> allImages() {
        try (Stream<Path> s = Files.list(images())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".erofs")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The extra device of a multi-device fixture, by the naming rule {@code NAME-blob.img}, or null. */
    static Path blobOf(Path image) {
        String n = image.getFileName().toString().replaceFirst("\\.erofs$", "-blob.img");
        Path blob = image.resolveSibling(n);
        return Files.exists(blob) ? blob : null;
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteBuffer buffer(Path p) {
        return le(bytes(p));
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Result of running a tool. */
    record Run(int exit, String stdout, String stderr) {}

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Skips the calling test (with the reason printed) unless {@code tool} is on PATH; under CI a
     * missing oracle fails instead ({@link org.erofssim.tools.ErofsUtils#require}).
     */
    static void assumeTool(String tool) {
        assumeTrue(org.erofssim.tools.ErofsUtils.require(tool), tool + " not found on PATH; oracle test skipped");
    }

    /** Runs a command with TZ=UTC and LC_ALL=C, 60 s at most. */
    static Run run(String... cmd) {
        try {
            ProcessBuilder pb = org.erofssim.tools.HostTools.processBuilder(cmd);
            Map<String, String> env = pb.environment();
            env.put("TZ", "UTC");
            env.put("LC_ALL", "C");
            Path out = Files.createTempFile("erofssim-oracle", ".out");
            Path err = Files.createTempFile("erofssim-oracle", ".err");
            try {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile());
                Process p = pb.start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", cmd));
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                        Files.readString(err, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code dump.erofs ARGS... IMAGE}, adding {@code --device=BLOB} for multi-device fixtures. */
    static Run dumpErofs(Path image, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("dump.erofs");
        cmd.addAll(List.of(args));
        Path blob = blobOf(image);
        if (blob != null) {
            cmd.add("--device=" + blob);
        }
        cmd.add(image.toString());
        return run(cmd.toArray(String[]::new));
    }

    /**
     * Parses {@code Key: value} lines (as dump.erofs prints them) into a map; the key is the
     * text before the first colon, trimmed; the value is the rest, trimmed. Other lines are ignored.
     */
    static Map<String, String> keyValues(String text) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            int c = line.indexOf(':');
            if (c > 0) {
                m.putIfAbsent(line.substring(0, c).trim(), line.substring(c + 1).trim());
            }
        }
        return m;
    }

    /**
     * Parses lines holding several {@code Key: value} parts separated by two or more spaces, as
     * {@code dump.erofs --path} prints them ({@code NID: 73   Links: 1   Layout: 2 ...}).
     */
    static Map<String, String> fields(String text) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            for (String part : line.trim().split("\\s{2,}")) {
                int c = part.indexOf(':');
                if (c > 0) {
                    m.putIfAbsent(part.substring(0, c).trim(), part.substring(c + 1).trim());
                }
            }
        }
        return m;
    }
}
