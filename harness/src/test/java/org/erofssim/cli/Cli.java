package org.erofssim.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.erofssim.testkit.Checkout;

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

    /** {@link #run} with the plain command lines of predict and fuzz taken by picocli too ({@link Main#PLAIN_PARSE} off). */
    static Result runWithPicocli(String... args) {
        Main.PLAIN_PARSE = false;
        try {
            return run(args);
        } finally {
            Main.PLAIN_PARSE = true;
        }
    }

    /** The checkout ({@link Checkout#root()}). */
    static Path root() {
        return Checkout.root();
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
