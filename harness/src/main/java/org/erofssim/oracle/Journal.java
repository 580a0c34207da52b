package org.erofssim.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal of one sandbox: a file {@code <sandbox>/journal} listing each resource the run
 * creates, written <em>before</em> the resource exists (so a run killed half-way leaves a line
 * for anything it may have made). The live run holds a lock on it; a journal nobody holds a
 * lock on belongs to a dead run, and {@link #reclaimStale} releases what that run left.
 *
 * <p>Lines: {@code mount <path>} (a mount made at that path), {@code loop <N> <backing>}
 * (a loop device bound to a file of the sandbox), {@code loopadd <N>} (a loop device the run
 * created unbound with {@code LOOP_CTL_ADD}). Only resources inside the sandbox (mount points
 * under it, loop devices whose backing file is under it) or created by the run are ever released.
 */
final class Journal implements AutoCloseable {
    static final String PREFIX = "erofs-sim-live-";
    static final String FILE = "journal";

    private final FileChannel channel;
    private final FileLock lock;

    private Journal(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates and locks {@code dir/journal}. */
    static Journal create(Path dir) {
        try {
            FileChannel ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            FileLock l = ch.lock();
            Journal j = new Journal(ch, l);
            j.record("erofs-sim live journal v1 pid " + ProcessHandle.current().pid());
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one line; it reaches the kernel (and so survives a SIGKILL) before this returns. */
    void record(String line) {
        try {
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the lock goes with the descriptor anyway
        }
    }

    /**
     * Releases what dead runs left: every {@code <tmp>/erofs-sim-live-*} folder whose journal no
     * live process holds locked (or that has no journal at all and is older than a minute, a
     * run killed before it wrote one). Returns one line per folder handled.
     */
    static List<String> reclaimStale(Path tmp) {
        List<String> done = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path dir : ds) {
                if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String r = reclaimIfStale(dir);
                if (r != null) {
                    done.add(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return done;
    }

    private static String reclaimIfStale(Path dir) throws IOException {
        Path jf = dir.resolve(FILE);
        if (!Files.exists(jf)) {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(dir).toMillis();
            if (age < 60_000) {
                return null; // maybe a run that is just starting
            }
            return describe(dir, Reclaim.release(dir, List.of()));
        }
        try (FileChannel ch = FileChannel.open(jf, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return null; // a live run of this JVM
            }
            if (l == null) {
                return null; // a live run of another process
            }
            try {
                List<String> lines = Files.readAllLines(jf, StandardCharsets.UTF_8);
                return describe(dir, Reclaim.release(dir, lines));
            } finally {
                if (l.isValid()) {
                    l.release();
                }
            }
        }
    }

    private static String describe(Path dir, Reclaim.Report r) {
        return "reclaimed " + dir + ": " + r;
    }
}
