package org.erofssim.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Test support: runs the CLI in-process and captures its exit code, stdout and stderr. */
final class Cli {
    private Cli() {}

    record Result(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The checkout: system property {@code erofssim.root} (set by surefire), else found upwards. */
    static Path root() {
        String prop = System.getProperty("erofssim.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "fixtures", "images"))) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/images"))) {
                return p;
            }
        }
        throw new IllegalStateException("fixtures/images not found above " + Path.of("").toAbsolutePath());
    }

    static Path image(String name) {
        return root().resolve("fixtures/images").resolve(name);
    }

    /** Whether the environment asks for stack traces (then an internal error prints more than one line). */
    static boolean debugEnv() {
        String d = System.getenv(Main.DEBUG_ENV);
        return d != null && !d.isEmpty() && !d.equals("0");
    }
}
