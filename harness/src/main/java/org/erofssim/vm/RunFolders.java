package org.erofssim.vm;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The run folders of VM boots ({@code run-*} in a {@link VmKernel}'s scratch folder, the kernel
 * cache's {@code runs} for the command line), each with a 2 GiB sparse scratch disk. A boot
 * removes its folder on every path it sees, but a JVM killed by SIGKILL (bench's timeout, the OOM
 * killer) runs no {@code finally} and no shutdown hook and left its folder behind. So each folder
 * holds {@value #OWNER}, locked ({@code fcntl}, as {@link FileChannel#lock} takes it) by the
 * process that made it for the folder's life, with that process's pid written under the lock:
 * the kernel drops the lock when the process ends however it ends, and {@link #reclaimStale},
 * called before each boot makes its folder, removes the folders whose lock is free. A running
 * boot's folder (another process's or this JVM's) is never touched.
 *
 * <p>A folder without a written {@value #OWNER} (made by a build before this one, or by a process
 * killed in the instant between making the folder and locking) is removed only when nothing in
 * it has changed for {@link #UNOWNED_AGE}: a running guest's console log grows, and no boot is
 * bounded by a day.
 */
final class RunFolders {
    /** The lock file in each run folder; its text is the owner's pid. */
    static final String OWNER = "owner.lock";
    /** How long a folder without a proven owner must have been left unchanged before it is removed. */
    static final Duration UNOWNED_AGE = Duration.ofDays(1);

    /**
     * This JVM's folders: never looked into by {@link #reclaimStale} (closing any channel of a file
     * drops every fcntl lock this process holds on it, so the lock file of a folder of this JVM's
     * must not be opened a second time).
     */
    private static final Set<Path> OURS = ConcurrentHashMap.newKeySet();

    private RunFolders() {}

    /** A run folder and its owner lock, held until {@link #close}. */
    static final class Run implements AutoCloseable {
        private final Path dir;
        private final FileChannel owner;

        private Run(Path dir, FileChannel owner) {
            this.dir = dir;
            this.owner = owner;
        }

        Path dir() {
            return dir;
        }

        /** Removes the folder, then releases its lock. */
        @Override
        public void close() {
            try {
                Tools.deleteTree(dir);
            } finally {
                try {
                    owner.close();
                } catch (IOException ignored) {
                    // the lock goes with the descriptor
                }
                OURS.remove(dir);
            }
        }
    }

    /** Makes a new {@code run-*} folder in {@code scratch} (made if missing) and locks it as this process's. */
    static Run create(Path scratch) throws IOException {
        Files.createDirectories(scratch);
        Path dir = Files.createTempDirectory(scratch.toAbsolutePath(), "run-");
        OURS.add(dir);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(OWNER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            ch.lock();
            ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return new Run(dir, ch);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            Tools.deleteTree(dir);
            OURS.remove(dir);
            throw e;
        }
    }

    /**
     * Removes the {@code run-*} folders of {@code scratch} whose owner process is gone (see the
     * class comment); one line per folder removed. Best effort: a folder that cannot be read or
     * removed is left as it is.
     */
    static List<String> reclaimStale(Path scratch) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(scratch, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(scratch, "run-*")) {
            for (Path d : ds) {
                Path dir = d.toAbsolutePath();
                if (OURS.contains(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String why = reclaim(dir);
                if (why != null) {
                    out.add("removed " + dir + ": " + why);
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // best effort: an unreadable scratch folder is the boot's own error to report
        }
        return out;
    }

    /** Removes {@code dir} when it is stale and says why, else null. */
    private static String reclaim(Path dir) {
        Path lock = dir.resolve(OWNER);
        if (Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) {
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                FileLock l = ch.tryLock();
                if (l == null) {
                    return null; // its owner runs
                }
                String pid = text(ch); // through this channel: closing another descriptor would drop the lock
                if (!pid.isEmpty()) {
                    Tools.deleteTree(dir); // still holding the lock: no other cleaner is in it
                    return "the VM run folder of pid " + pid + ", which is gone";
                }
                // no pid yet: its maker may be between locking and writing; judged by age below
            } catch (NoSuchFileException e) {
                return null; // removed meanwhile (its boot ended, or another cleaner)
            } catch (IOException | OverlappingFileLockException e) {
                return null;
            }
        }
        long newest = newestChange(dir);
        if (newest < 0 || System.currentTimeMillis() - newest < UNOWNED_AGE.toMillis()) {
            return null;
        }
        Tools.deleteTree(dir);
        return "a VM run folder without a running owner, unchanged for over " + UNOWNED_AGE.toHours() + " hours";
    }

    /** The first bytes of the lock file, as the pid its owner wrote. */
    private static String text(FileChannel ch) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32);
        int n = ch.read(b, 0);
        return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).strip();
    }

    /** The latest modification time of {@code dir} and its direct entries (millis), or -1 when unreadable. */
    private static long newestChange(Path dir) {
        try (var s = Files.list(dir)) {
            long newest = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toMillis();
            for (Path f : (Iterable<Path>) s::iterator) {
                newest = Math.max(newest, Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis());
            }
            return newest;
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }
}
