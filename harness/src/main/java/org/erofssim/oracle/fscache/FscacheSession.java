package org.erofssim.oracle.fscache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.erofssim.block.Node;
import org.erofssim.contract.Scenario;
import org.erofssim.sb.Mode;

/**
 * The live oracle's fscache side (issue 9): for a scenario with blob nodes on a kernel with
 * {@code CONFIG_EROFS_FS_ONDEMAND}, an {@link OndemandDaemon} bound to a cache folder of its own
 * for the length of one observation; for any other scenario nothing. The oracle calls {@link
 * #refusal} (may this scenario's blobs be realised here?), {@link #start} before it builds the
 * sandbox (closed after the sandbox is released, so the mount is gone before the cache is
 * unbound), {@link #afterMount} once mount(2) succeeded, {@link #mode} for the mode it reports.
 *
 * <p>A scenario whose {@code fsid=} volume has no blob node at all runs with no daemon: no cache
 * is bound then (the model's "no volume" case).
 */
public final class FscacheSession implements AutoCloseable {
    /** The cache's tag: printed in CacheFiles log lines, so it must not contain "erofs". */
    public static final String TAG = "simcache";
    private static final FscacheSession NONE = new FscacheSession(null, null);

    private final OndemandDaemon daemon;
    private final Path cacheDir;

    private FscacheSession(OndemandDaemon daemon, Path cacheDir) {
        this.daemon = daemon;
        this.cacheDir = cacheDir;
    }

    /** The scenario's blob nodes by their {@code fscache:<volume>/<cookie>} key, in key order. */
    public static Map<String, Node.FscacheBlob> blobs(Scenario sc) {
        Map<String, Node.FscacheBlob> out = new LinkedHashMap<>();
        new TreeMap<>(sc.namespace().nodes()).forEach((k, v) -> {
            if (v instanceof Node.FscacheBlob b) {
                out.put(k, b);
            }
        });
        return out;
    }

    /** The nodes the sandbox realises as files: every node but the blobs, which the daemon serves. */
    public static Map<String, Node> sandboxNodes(Map<String, Node> nodes) {
        Map<String, Node> out = new LinkedHashMap<>(nodes);
        out.values().removeIf(n -> n instanceof Node.FscacheBlob);
        return out;
    }

    /**
     * Why the scenario's blobs cannot be served here (one line), or null: blobs need a kernel with
     * {@code EROFS_FS_ONDEMAND} ({@code running} is its config, null when unknown) and {@code
     * /dev/cachefiles}.
     */
    public static String refusal(Scenario sc, Map<String, Boolean> running) {
        Map<String, Node.FscacheBlob> blobs = blobs(sc);
        if (blobs.isEmpty()) {
            return null;
        }
        String first = blobs.keySet().iterator().next();
        boolean ondemand = running != null && Boolean.TRUE.equals(running.get("EROFS_FS_ONDEMAND"))
                && Boolean.TRUE.equals(running.get("CACHEFILES_ONDEMAND"));
        if (!ondemand) {
            return "fscache blob " + first + " cannot be realised: the running kernel has CONFIG_EROFS_FS_ONDEMAND"
                    + " or CONFIG_CACHEFILES_ONDEMAND off" + (running == null ? " (no /proc/config.gz to tell)" : "");
        }
        if (!Files.exists(Path.of(OndemandDaemon.DEVICE))) {
            return "fscache blob " + first + " cannot be realised: no " + OndemandDaemon.DEVICE;
        }
        return null;
    }

    /**
     * Starts the daemon for {@code sc}'s blobs with a cache folder made under {@code tmp} (it
     * must hold xattrs: ext4, not tmpfs), or returns a session that does nothing when the scenario
     * has no blob. One-line {@link IllegalStateException} when the cache cannot be bound.
     */
    public static FscacheSession start(Scenario sc, Path tmp) {
        Map<String, Node.FscacheBlob> blobs = blobs(sc);
        if (blobs.isEmpty()) {
            return NONE;
        }
        Path dir;
        try {
            dir = Files.createTempDirectory(tmp, "erofs-sim-fscache-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the cachefiles folder under " + tmp + ": " + e.getMessage());
        }
        try {
            return new FscacheSession(OndemandDaemon.start(dir.toString(), TAG, blobs), dir);
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    /** Whether a daemon runs (the scenario has blobs). */
    public boolean active() {
        return daemon != null;
    }

    /** mount(2) returned 0: the daemon answers what the mount queued, then does what its blobs ask. */
    public void afterMount() {
        if (daemon != null) {
            daemon.awaitIdle(2000);
            daemon.afterMount();
        }
    }

    /**
     * The mode to report: a mount that asked for {@code fsid=} on a kernel with ONDEMAND is in
     * fscache mode wherever the oracle's log-based inference found a superblock (it reads
     * {@code (device erofs)} as file-backed).
     */
    public static Mode mode(Mode inferred, Scenario sc, Map<String, Boolean> running) {
        boolean fsid = sc.options() != null && List.of(sc.options().split(",", -1)).stream().anyMatch(p -> p.startsWith("fsid="));
        boolean ondemand = running != null && Boolean.TRUE.equals(running.get("EROFS_FS_ONDEMAND"));
        return inferred == Mode.FILEIO && fsid && ondemand ? Mode.FSCACHE : inferred;
    }

    /**
     * Whether {@code device=} values of {@code sc} name fscache cookies rather than files: a mount
     * with {@code fsid=} on a kernel with ONDEMAND ({@code erofs_init_device} registers the value
     * as a cookie of the volume). The oracle must not turn them into sandbox paths then: the
     * session-5 recording did, so the daemon was asked for the cookie
     * {@code /tmp/erofs-sim-live-.../root/blob1} and refused it.
     */
    public static boolean deviceNamesCookie(Scenario sc, Map<String, Boolean> running) {
        return mode(Mode.FILEIO, sc, running) == Mode.FSCACHE;
    }

    /** The daemon's account of the observation, for the outcome's notes. */
    public List<String> notes() {
        if (daemon == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        Map<String, Integer> reads = new TreeMap<>();
        for (String e : daemon.events()) {
            if (e.startsWith("READ ") && !e.contains(": ")) { // answered reads: counted per blob, not listed
                reads.merge(e.substring(5, e.indexOf(" off ")), 1, Integer::sum);
            } else {
                out.add("cachefiles daemon: " + e);
            }
        }
        reads.forEach((k, n) -> out.add("cachefiles daemon: answered " + n + " READ" + (n == 1 ? "" : "s") + " of " + k));
        return out;
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.close();
            delete(cacheDir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the scratch disk: the cache's files may stay busy a moment after the unbind
                }
            });
        } catch (IOException e) {
            // gone already
        }
    }
}
