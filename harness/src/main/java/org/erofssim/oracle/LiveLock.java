package org.erofssim.oracle;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The live oracles' machine-wide lock ({@link #underGlobalLock}): one observation or kernel
 * benchmark at a time on this host, so kernel-log windows and sysfs listings stay each run's
 * own. Moved out of {@link LiveKernelOracle} unchanged (issue 8: no class over 800 lines).
 */
final class LiveLock {
    /**
     * The machine-wide lock: in a folder only root may enter ({@code /run/erofs-sim}, mode 0700),
     * mode 0600, so no other user can hold it (issue 11: a world-readable lock file in /tmp let
     * any user make every observation wait forever).
     */
    static final Path LOCK_DIR = Path.of(System.getProperty("erofssim.lockDir", "/run/erofs-sim"));
    private static final Path GLOBAL_LOCK = LOCK_DIR.resolve("live.lock");
    /** How long an observation waits for another oracle run's lock before it gives up (exit 77). */
    static final long LOCK_WAIT_SECONDS = Long.getLong("erofssim.lockWaitSeconds", 600);
    private static final Object JVM_LOCK = new Object();
    /** Whether this thread is inside {@link #underGlobalLock} (it then runs a nested body as it is). */
    private static final ThreadLocal<Boolean> HELD = ThreadLocal.withInitial(() -> false);

    private LiveLock() {}

    /**
     * Runs {@code body} holding this JVM's lock and the machine-wide lock file
     * ({@link #LOCK_DIR}{@code /live.lock}):
     * oracle runs never overlap (their kernel-log windows and sysfs listings stay their own) and a
     * sandbox is reclaimed only while nobody can be creating one. Reentrant: a body that calls
     * this again (an observation inside {@link LiveKernelOracle#exclusively}) runs at once, under the
     * lock it already holds (a second lock of the file would throw, and closing its channel would
     * drop the first).
     */
    static <T> T underGlobalLock(java.util.function.Supplier<T> body) {
        if (HELD.get()) {
            return body.get();
        }
        synchronized (JVM_LOCK) {
            try (FileChannel ch = openLockFile()) {
                FileLock l = null;
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(LOCK_WAIT_SECONDS);
                while ((l = ch.tryLock()) == null) {
                    if (System.nanoTime() >= deadline) {
                        throw new OracleUnavailable("another erofs-sim live oracle run (" + lockHolder(ch) + ") held "
                                + GLOBAL_LOCK + " for " + LOCK_WAIT_SECONDS + " s");
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new OracleUnavailable("interrupted while waiting for " + GLOBAL_LOCK);
                    }
                }
                try {
                    ch.truncate(0);
                    ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(
                            java.nio.charset.StandardCharsets.US_ASCII)), 0);
                    HELD.set(true);
                    return body.get();
                } finally {
                    HELD.set(false);
                    l.release();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * The lock file, in a folder of root's with mode 0700 (made if missing), opened without
     * following a symlink; a folder or file another user owns, or that others may write, is refused.
     */
    private static FileChannel openLockFile() throws IOException {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> dirMode =
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
        try {
            Files.createDirectory(LOCK_DIR, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(dirMode));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made by an earlier run: checked below
        }
        for (Path p : new Path[] {LOCK_DIR, GLOBAL_LOCK}) {
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            java.nio.file.attribute.PosixFileAttributes a = Files.readAttributes(p,
                    java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            boolean othersMayWrite = a.permissions().contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                    || a.permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
            if (a.isSymbolicLink() || !a.owner().getName().equals(System.getProperty("user.name")) || othersMayWrite) {
                throw new OracleUnavailable(p + " is " + (a.isSymbolicLink() ? "a symlink" : "owned by " + a.owner().getName()
                        + " with mode " + java.nio.file.attribute.PosixFilePermissions.toString(a.permissions()))
                        + ": not this oracle's lock; remove it");
            }
        }
        return FileChannel.open(GLOBAL_LOCK, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    }

    /** The pid the lock's holder wrote into it, for the message. */
    private static String lockHolder(FileChannel ch) {
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32);
            int n = ch.read(b, 0);
            String pid = n <= 0 ? "" : new String(b.array(), 0, n, java.nio.charset.StandardCharsets.US_ASCII).strip();
            return pid.isEmpty() ? "pid unknown" : "pid " + pid;
        } catch (IOException e) {
            return "pid unknown";
        }
    }
}
