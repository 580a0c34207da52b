package org.erofssim.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioException;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;

/** Loading scenario files for the commands, with the file named in every error. */
final class Scenarios {
    private Scenarios() {}

    /**
     * The one-line notes of decoding scenarios (a {@code "kernel"} release that resolved to
     * another preset or build, {@link org.erofssim.kernel.Releases#resolve}), each printed once
     * to stderr as {@code note: ...}.
     */
    static final class Notes implements Consumer<String> {
        private final Set<String> printed = new LinkedHashSet<>();
        private final PrintWriter err;

        Notes(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void accept(String note) {
            if (printed.add(note)) {
                err.println("note: " + note);
                err.flush();
            }
        }
    }

    /**
     * The folder relative path arguments resolve against on this thread instead of the JVM's
     * working directory: the client's, for a request of the predict server ({@link PredictServer});
     * null in a plain process.
     */
    private static final ThreadLocal<Path> BASE = new ThreadLocal<>();

    /** {@code body} with relative path arguments resolved against {@code base} (absolute) on this thread. */
    static <T> T relativeTo(Path base, java.util.function.Supplier<T> body) {
        Path before = BASE.get();
        BASE.set(base);
        try {
            return body.get();
        } finally {
            if (before == null) {
                BASE.remove();
            } else {
                BASE.set(before);
            }
        }
    }

    /**
     * A path argument as the user typed it (relative to the working directory, or to the folder
     * {@link #relativeTo} set); messages still name it as typed.
     */
    static Path path(String arg, String what) {
        try {
            Path p = Path.of(arg);
            Path base = BASE.get();
            return base == null ? p : base.resolve(p);
        } catch (InvalidPathException e) {
            throw CliException.badInput(what + " '" + arg + "': invalid path");
        }
    }

    /**
     * Decodes one scenario file; every problem is a one-line {@link CliException} (exit 2) that
     * starts with the file as given and names the JSON field.
     */
    static Scenario load(String arg) {
        return load(arg, note -> { });
    }

    /** {@link #load(String)}, handing {@code notes} how the scenario's {@code "kernel"} resolved. */
    static Scenario load(String arg, Consumer<String> notes) {
        Path p = path(arg, "scenario");
        if (Files.isDirectory(p)) {
            throw CliException.badInput(arg + ": is a directory, expected a scenario JSON file");
        }
        return load(p, arg, notes);
    }

    static Scenario load(Path p, String shownAs) {
        return load(p, shownAs, note -> { });
    }

    static Scenario load(Path p, String shownAs, Consumer<String> notes) {
        try {
            return ScenarioJson.read(p, notes);
        } catch (ScenarioException e) {
            String m = e.getMessage();
            String prefix = p.toString();
            if (m.startsWith(prefix + ":")) {
                m = m.substring(prefix.length() + 1).stripLeading();
            }
            throw CliException.badInput(shownAs + ": " + m);
        }
    }

    /**
     * {@link MountModel#predict}, with the scenario named if the model itself fails (a bug: the
     * model turns every kernel error into an outcome).
     */
    static MountOutcome predict(Scenario s, String shownAs) {
        try {
            return MountModel.predict(s);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the model failed on " + shownAs + ": " + e, e);
        }
    }
}
