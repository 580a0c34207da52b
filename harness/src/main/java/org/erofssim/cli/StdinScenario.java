package org.erofssim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioException;
import org.erofssim.contract.ScenarioJson;

/**
 * The scenario argument {@code -}: one scenario read from standard input, with image paths
 * relative to the working directory (not to {@code /dev}, as {@code /dev/stdin} would give).
 * Errors are one line starting with {@code -:} and naming the JSON field.
 */
final class StdinScenario {
    /** The argument that means standard input. */
    static final String ARG = "-";

    /** Where {@code -} reads from; tests that run the CLI in-process replace it. */
    static InputStream in = System.in;

    private StdinScenario() {}

    static boolean is(String arg) {
        return ARG.equals(arg);
    }

    /** Reads and decodes the scenario on standard input (read once: a second {@code -} is bad input). */
    static Scenario load(Consumer<String> notes) {
        String text;
        try {
            byte[] bytes = in.readAllBytes();
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw CliException.badInput("-: standard input is not UTF-8 text");
        } catch (IOException e) {
            throw CliException.badInput("-: cannot read standard input: " + e.getClass().getSimpleName());
        }
        if (text.isBlank()) {
            throw CliException.badInput("-: standard input is empty, expected a scenario (contract JSON)");
        }
        try {
            return ScenarioJson.read(text, Path.of("").toAbsolutePath(), "stdin", notes);
        } catch (ScenarioException e) {
            throw CliException.badInput("-: " + e.getMessage());
        }
    }

    /** {@code -} or a scenario file, {@code -} at most once in {@code args}. */
    static Scenario load(String arg, Consumer<String> notes) {
        return is(arg) ? load(notes) : Scenarios.load(arg, notes);
    }

    /** Bad input when {@code -} is given more than once (standard input can be read once). */
    static void checkOnce(java.util.List<String> args) {
        if (args.stream().filter(StdinScenario::is).count() > 1) {
            throw CliException.badInput("-: standard input given more than once");
        }
    }
}
