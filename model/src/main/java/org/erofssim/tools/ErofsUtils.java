package org.erofssim.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The erofs-utils programs on this machine ({@code mkfs.erofs}, {@code dump.erofs},
 * {@code fsck.erofs}), found on {@code PATH} and run with a time limit.
 *
 * <p>Tests that need them call {@link #require}: where a tool is missing it answers
 * {@code false} with a printed reason (the test then skips), except under CI
 * ({@code -Derofssim.requireOracles=true}, set by {@code .ci/run}), where a missing oracle is an
 * error: CI must never pass because a whole oracle was skipped.
 */
public final class ErofsUtils {
    public static final String MKFS = "mkfs.erofs";
    public static final String DUMP = "dump.erofs";
    public static final String FSCK = "fsck.erofs";

    private ErofsUtils() {}

    /** The version {@code .ci/build-erofs-utils} builds by default (a Debian source package's release tree). */
    public static final String MODERN_VERSION = "1.9.4";

    /**
     * The folder of a modern erofs-utils build (it holds {@code bin/mkfs.erofs} and its siblings),
     * made by {@code .ci/build-erofs-utils}: {@code -Derofssim.erofsUtils=DIR}, else the environment's
     * {@code EROFSSIM_EROFS_UTILS} (set by {@code .ci/run}), else the script's default cache folder
     * {@code ~/.cache/erofs-sim/erofs-utils/}{@link #MODERN_VERSION} when it holds a build. Empty
     * when none is found; the system's erofs-utils (1.5 on bookworm) is never taken for it.
     */
    public static Optional<Path> modern() {
        String dir = System.getProperty("erofssim.erofsUtils");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("EROFSSIM_EROFS_UTILS");
        }
        Path p;
        if (dir != null && !dir.isBlank()) {
            p = Path.of(dir);
        } else {
            String cache = System.getenv("EROFSSIM_CACHE");
            p = (cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "erofs-sim"))
                    .resolve("erofs-utils").resolve(MODERN_VERSION);
        }
        return Files.isExecutable(p.resolve("bin").resolve(MKFS)) ? Optional.of(p) : Optional.empty();
    }

    /**
     * The folder of the build of {@code version} (e.g. {@code 1.8.6}) that {@code .ci/build-erofs-utils VERSION}
     * made: {@link #modern()} for {@link #MODERN_VERSION}, else {@code VERSION} beside it in the cache
     * folder ({@code EROFSSIM_CACHE} or {@code ~/.cache/erofs-sim}, then {@code erofs-utils/VERSION}). Empty
     * when that release is not built here.
     */
    public static Optional<Path> release(String version) {
        if (MODERN_VERSION.equals(version)) {
            return modern();
        }
        String cache = System.getenv("EROFSSIM_CACHE");
        Path p = (cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "erofs-sim"))
                .resolve("erofs-utils").resolve(version);
        return Files.isExecutable(p.resolve("bin").resolve(MKFS)) ? Optional.of(p) : Optional.empty();
    }

    /**
     * The path of {@code tool} ({@link #MKFS}, {@link #DUMP}, {@link #FSCK}) of the modern build, for
     * {@link #run}. Missing: prints why and returns empty, or under CI
     * ({@code -Derofssim.requireOracles=true}) throws, naming the script that builds it.
     */
    public static Optional<Path> requireModern(String tool) {
        HostTools.declared(tool);
        Optional<Path> dir = modern();
        if (dir.isPresent()) {
            return Optional.of(dir.get().resolve("bin").resolve(tool));
        }
        String why = "modern erofs-utils missing: run .ci/build-erofs-utils (or set -Derofssim.erofsUtils=DIR)";
        if (oraclesRequired()) {
            throw new IllegalStateException(why);
        }
        System.out.println("SKIPPED: " + why);
        return Optional.empty();
    }

    /** The tool's path on {@code PATH}, if any. */
    public static Optional<Path> find(String tool) {
        return HostTools.find(tool);
    }

    /**
     * True where missing oracles must fail rather than skip: the explicit switch
     * {@code -Derofssim.requireOracles=true}, which {@code .ci/run} sets. {@code CI=true} alone (set
     * by every hosted CI) does not count: a non-root run there skips the root-only oracles.
     */
    public static boolean oraclesRequired() {
        return Boolean.getBoolean("erofssim.requireOracles");
    }

    /**
     * Whether {@code tool} can be used. Missing: prints why and returns false, or under CI
     * throws {@link IllegalStateException} naming the package to install.
     */
    public static boolean require(String tool) {
        if (find(tool).isPresent()) {
            return true;
        }
        String why = HostTools.missingLine(HostTools.declared(tool));
        if (oraclesRequired()) {
            throw new HostTools.MissingTool(HostTools.declared(tool));
        }
        System.out.println("SKIPPED: " + why);
        return false;
    }

    /** The result of running a tool. */
    public record Run(int exitCode, String stdout, String stderr) {}

    /** Runs {@code tool args...} with a time limit, capturing both streams. */
    public static Run run(String tool, List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(args);
        try {
            Process p = HostTools.processBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            StreamGobbler out = new StreamGobbler(p.getInputStream());
            StreamGobbler err = new StreamGobbler(p.getErrorStream());
            out.start();
            err.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": no answer within " + timeoutSeconds + " s");
            }
            out.join();
            err.join();
            return new Run(p.exitValue(), out.text(), err.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + tool, e);
        }
    }

    private static final class StreamGobbler extends Thread {
        private final InputStream in;
        private volatile String text = "";

        StreamGobbler(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override public void run() {
            try {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
        }

        String text() {
            return text;
        }
    }
}
