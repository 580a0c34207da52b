package org.erofssim.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Small helpers: running a host tool with a bound, hashing a file, finding a binary. */
final class Tools {
    private Tools() {}

    /** A finished host command: exit status and its merged output. */
    record Result(int status, String output) {}

    /**
     * Runs a command to completion within {@code timeoutSeconds} (killed with its children after
     * that, then a {@link VmUnavailable}); stdout and stderr merged.
     */
    static Result run(List<String> cmd, Path dir, Map<String, String> env, long timeoutSeconds) {
        ProcessBuilder pb = org.erofssim.tools.HostTools.processBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (env != null) {
            pb.environment().putAll(env);
        }
        Path log = null;
        Process p = null;
        try {
            log = Files.createTempFile("erofs-sim-tool", ".log");
            pb.redirectOutput(log.toFile());
            p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                ProcessTree.kill(p);
                throw new VmUnavailable(cmd.get(0) + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new VmUnavailable("cannot run " + cmd.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            ProcessTree.kill(p);
            Thread.currentThread().interrupt();
            throw new VmUnavailable(cmd.get(0) + " interrupted");
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    /** Lower-case hex sha256 of a file. */
    static String sha256(Path f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The first executable named {@code name} on PATH (or the given fixed paths), or null. */
    static Path which(String name, String... extra) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    Path c = Path.of(d, name);
                    if (Files.isExecutable(c) && !Files.isDirectory(c)) {
                        return c;
                    }
                }
            }
        }
        for (String e : extra) {
            Path c = Path.of(e);
            if (Files.isExecutable(c)) {
                return c;
            }
        }
        return null;
    }

    /** Deletes a tree, best effort (scratch folders). */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
