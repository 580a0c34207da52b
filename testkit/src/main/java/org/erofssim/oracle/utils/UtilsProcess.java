package org.erofssim.oracle.utils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.erofssim.tools.ErofsUtils;

/**
 * Runs an erofs-utils program (found by {@link ErofsUtils#find}) in a fixed environment, with a
 * time limit, keeping its output as bytes (names in listings are bytes). The environment is the
 * caller's with {@code TZ=UTC} (dump.erofs prints local times), {@code LC_ALL=C} and without
 * {@code SOURCE_DATE_EPOCH} (mkfs.erofs 1.5 reads it and then overrides {@code -T}), plus
 * {@code extraEnv}.
 */
public final class UtilsProcess {
    /** Seconds before a tool run is given up. */
    public static final long TIMEOUT_SECONDS = 60;

    private UtilsProcess() {}

    /** A finished run. */
    public record Result(String command, int exitCode, byte[] stdout, byte[] stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String err() {
            return new String(stderr, StandardCharsets.UTF_8);
        }

        /** stdout with one char per byte, for parsing text that holds raw names. */
        public String outLatin1() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }

        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the command and its stderr unless the run succeeded. */
        public Result orThrow() {
            if (exitCode != 0) {
                throw new ToolFailed(this);
            }
            return this;
        }
    }

    /** A tool run that failed where success was needed. */
    public static final class ToolFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Result result;

        public ToolFailed(Result r) {
            super(r.command() + " exited " + r.exitCode() + ": " + r.err().strip());
            this.result = r;
        }

        public Result result() {
            return result;
        }
    }

    public static Result run(String tool, List<String> args) {
        return run(tool, args, Map.of());
    }

    public static Result run(String tool, List<String> args, Map<String, String> extraEnv) {
        return runProgram(ErofsUtils.find(tool).orElseThrow(() -> new IllegalStateException(tool + " not found on PATH"))
                .toString(), args, extraEnv);
    }

    /** Runs {@code program} (a path) like {@link #run}; for batches of tool runs under {@code /bin/sh}. */
    public static Result runProgram(String program, List<String> args, Map<String, String> extraEnv) {
        String tool = Path.of(program).getFileName().toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(program);
        cmd.addAll(args);
        ProcessBuilder pb = org.erofssim.tools.HostTools.processBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.remove("SOURCE_DATE_EPOCH");
        env.put("TZ", "UTC");
        env.put("LC_ALL", "C");
        env.putAll(extraEnv);
        StringBuilder shown = new StringBuilder();
        extraEnv.forEach((k, v) -> shown.append(k).append('=').append(v).append(' '));
        shown.append(tool);
        for (String a : args) {
            shown.append(' ').append(a);
        }
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(shown + ": no answer within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(shown.toString(), p.exitValue(), out.get(), err.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + shown, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(shown + ": " + e.getCause(), e.getCause());
        }
    }

    /** Reads a stream to its end on a daemon thread of its own (never the common pool: it may have one thread). */
    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                f.complete(in.readAllBytes());
            } catch (IOException e) {
                f.complete(new byte[0]);
            }
        }, "erofs-utils-drain");
        t.setDaemon(true);
        t.start();
        return f;
    }
}
