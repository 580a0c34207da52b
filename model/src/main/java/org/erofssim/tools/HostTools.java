package org.erofssim.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The declared host tools: every external program erofs-sim's code and tests may start, with the
 * Debian package that provides it, as listed in the repository's {@code .ci/host-tools} (copied
 * into this jar as {@code org/erofssim/tools/host-tools} by the build). {@code .ci/run} installs the
 * same list, and the README shows it.
 *
 * <p>Every process erofs-sim starts is made by {@link #processBuilder}: a program that is not on
 * the list is refused with {@link UndeclaredTool} (the test that ran it fails, naming the tool);
 * a listed program that is absent gives {@link MissingTool}, whose message is the one line
 * {@code tool X missing: install Debian package Y}.
 */
public final class HostTools {
    /** One line of the list: the program's name, its Debian package, and when it is needed. */
    public record Tool(String name, String debianPackage, String group) {}

    /** A program that {@code .ci/host-tools} does not declare. */
    public static final class UndeclaredTool extends IllegalStateException {
        public UndeclaredTool(String tool) {
            super("tool " + tool + " is not declared in .ci/host-tools (add it with the Debian package that provides it)");
        }
    }

    /** A declared program that is not installed: one line naming the tool and the package. */
    public static final class MissingTool extends IllegalStateException {
        private final transient Tool tool;

        public MissingTool(Tool tool) {
            super(missingLine(tool));
            this.tool = tool;
        }

        public Tool tool() {
            return tool;
        }
    }

    private static final String RESOURCE = "host-tools";
    private static volatile Map<String, Tool> declared;

    private HostTools() {}

    /** The declared tools by name, in the list's order. */
    public static Map<String, Tool> declared() {
        Map<String, Tool> d = declared;
        if (d == null) {
            d = Collections.unmodifiableMap(parse(readList()));
            declared = d;
        }
        return d;
    }

    /** The tool named {@code name} (a bare name or a path; its file name counts), if declared. */
    public static Tool declared(String name) {
        String base = Path.of(name).getFileName().toString();
        Tool t = declared().get(base);
        if (t == null) {
            throw new UndeclaredTool(base);
        }
        return t;
    }

    /** {@code tool X missing: install Debian package Y}. */
    public static String missingLine(Tool t) {
        return "tool " + t.name() + " missing: install Debian package " + t.debianPackage();
    }

    /** The declared tool's path on {@code PATH}, if installed. */
    public static Optional<Path> find(String name) {
        Tool t = declared(name);
        return onPath(t.name(), System.getenv("PATH"));
    }

    /** The declared tool's path on {@code PATH}; {@link MissingTool} when it is not installed. */
    public static Path require(String name) {
        Tool t = declared(name);
        return onPath(t.name(), System.getenv("PATH")).orElseThrow(() -> new MissingTool(t));
    }

    /**
     * A process builder for {@code cmd}, whose first element is a declared tool: a bare name is
     * looked up on {@code PATH} ({@link MissingTool} when absent), a path is taken as given (its
     * file name must be declared; {@link MissingTool} when it is not executable).
     */
    public static ProcessBuilder processBuilder(List<String> cmd) {
        if (cmd.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        String program = cmd.get(0);
        Tool t = declared(program);
        List<String> full = new ArrayList<>(cmd);
        if (program.indexOf('/') < 0) {
            full.set(0, require(program).toString());
        } else if (!Files.isExecutable(Path.of(program))) {
            throw new MissingTool(t);
        }
        return new ProcessBuilder(full);
    }

    /** {@link #processBuilder(List)} of {@code cmd...}. */
    public static ProcessBuilder processBuilder(String... cmd) {
        return processBuilder(List.of(cmd));
    }

    static Optional<Path> onPath(String tool, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Parses the list's lines: {@code TOOL PACKAGE GROUP [-- comment]}; {@code #} starts a comment line. */
    static Map<String, Tool> parse(List<String> lines) {
        Map<String, Tool> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : lines) {
            n++;
            String s = line.strip();
            int dash = s.indexOf(" --");
            if (dash >= 0) {
                s = s.substring(0, dash).strip();
            }
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            String[] f = s.split("\\s+");
            if (f.length != 3 || !List.of("test", "fresh-root", "scripts", "vm", "modern").contains(f[2])) {
                throw new IllegalStateException(".ci/host-tools line " + n + ": want TOOL PACKAGE GROUP (test, fresh-root, scripts, vm or modern): " + line);
            }
            if (out.putIfAbsent(f[0], new Tool(f[0], f[1], f[2])) != null) {
                throw new IllegalStateException(".ci/host-tools line " + n + ": " + f[0] + " is listed twice");
            }
        }
        return out;
    }

    /** The jar's copy of the list, else the checkout's {@code .ci/host-tools} ({@code -Derofssim.root}). */
    private static List<String> readList() {
        try (InputStream in = HostTools.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
            }
            String root = System.getProperty("erofssim.root");
            if (root != null && Files.isRegularFile(Path.of(root, ".ci", "host-tools"))) {
                return Files.readAllLines(Path.of(root, ".ci", "host-tools"), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("the host-tools list is missing from the model jar and -Derofssim.root");
    }
}
