package org.erofssim.oracle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Releases the resources of one sandbox folder: the mounts below it (newest first), the loop
 * devices bound to files below it, the loop devices its journal says it created, then the
 * folder itself. Used both at the end of every run and for the leftovers of killed runs; it
 * never touches a mount point outside the folder or a loop device backed by a file outside it.
 */
final class Reclaim {
    private Reclaim() {}

    /** What one release did; {@code remaining} lists what could not be released. */
    record Report(int unmounted, int detached, int removed, boolean deleted, List<String> remaining) {
        @Override public String toString() {
            return unmounted + " unmounted, " + detached + " loop detached, " + removed + " loop removed"
                    + (deleted ? ", folder deleted" : ", folder kept") + (remaining.isEmpty() ? "" : ", left: " + remaining);
        }
    }

    private static final int UMOUNT_TRIES = 20;

    static Report release(Path dir, List<String> journalLines) {
        String d = dir.toString();
        List<String> remaining = new ArrayList<>();
        int unmounted = unmountAllUnder(d, remaining);
        int detached = 0;
        for (LoopDev l : boundLoopsUnder(d)) {
            if (detach(l.number)) {
                detached++;
            } else {
                remaining.add("loop" + l.number + " (" + l.backing + ")");
            }
        }
        int removed = 0;
        for (String line : journalLines) {
            if (line.startsWith("loopadd ")) {
                int n = Integer.parseInt(line.substring(8).trim());
                if (removeIfUnbound(n)) {
                    removed++;
                }
            }
        }
        boolean deleted = false;
        if (mountsUnder(d).isEmpty()) {
            deleted = deleteTree(dir);
        } else {
            for (MountInfo m : mountsUnder(d)) {
                remaining.add("mount " + m.mountPoint());
            }
        }
        return new Report(unmounted, detached, removed, deleted, List.copyOf(remaining));
    }

    static List<MountInfo> mountsUnder(String dir) {
        List<MountInfo> out = new ArrayList<>();
        for (MountInfo m : MountInfo.read()) {
            if (MountInfo.under(m.mountPoint(), dir)) {
                out.add(m);
            }
        }
        return out;
    }

    /** Unmounts every mount under {@code dir}, newest first; returns how many went. */
    static int unmountAllUnder(String dir, List<String> remaining) {
        int count = 0;
        for (int round = 0; round < 8; round++) {
            List<MountInfo> ms = mountsUnder(dir);
            if (ms.isEmpty()) {
                return count;
            }
            boolean progress = false;
            for (int i = ms.size() - 1; i >= 0; i--) {
                if (unmount(ms.get(i).mountPoint(), round >= 6)) {
                    count++;
                    progress = true;
                }
            }
            if (!progress && round >= 6) {
                break;
            }
        }
        for (MountInfo m : mountsUnder(dir)) {
            remaining.add("mount " + m.mountPoint());
        }
        return count;
    }

    /**
     * {@code umount2(path, 0)}, retried while EBUSY; {@code MNT_DETACH} only when
     * {@code lastResort}. Returns whether a mount went away.
     */
    static boolean unmount(String path, boolean lastResort) {
        for (int i = 0; i < UMOUNT_TRIES; i++) {
            try {
                Syscalls.umount2(path, Syscalls.UMOUNT_NOFOLLOW);
                return true;
            } catch (SyscallException e) {
                if (e.errno() == Syscalls.EINVAL || e.errno() == Syscalls.ENOENT) {
                    return false; // not a mount point (any more)
                }
                if (e.errno() != Syscalls.EBUSY) {
                    return false;
                }
            }
            sleep(25L * (i + 1));
        }
        if (lastResort) {
            try {
                Syscalls.umount2(path, Syscalls.MNT_DETACH | Syscalls.UMOUNT_NOFOLLOW);
                return true;
            } catch (SyscallException e) {
                return false;
            }
        }
        return false;
    }

    record LoopDev(int number, String backing) {}

    /** Loop devices whose {@code loop/backing_file} lies under {@code dir}. */
    static List<LoopDev> boundLoopsUnder(String dir) {
        List<LoopDev> out = new ArrayList<>();
        for (LoopDev l : boundLoops()) {
            if (MountInfo.under(l.backing, dir)) {
                out.add(l);
            }
        }
        return out;
    }

    /** Every bound loop device of the machine with its backing file (" (deleted)" stripped). */
    static List<LoopDev> boundLoops() {
        List<LoopDev> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/block"), "loop*")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                int n;
                try {
                    n = Integer.parseInt(name.substring(4));
                } catch (NumberFormatException e) {
                    continue;
                }
                String backing = backingFile(n);
                if (backing != null) {
                    out.add(new LoopDev(n, backing));
                }
            }
        } catch (IOException e) {
            // no /sys/block: nothing bound that we could see
        }
        return out;
    }

    /** The backing file of loop device {@code n}, or null when it is not bound. */
    static String backingFile(int n) {
        try {
            String s = Files.readString(Path.of("/sys/block/loop" + n + "/loop/backing_file")).strip();
            if (s.endsWith(" (deleted)")) {
                s = s.substring(0, s.length() - " (deleted)".length());
            }
            return s;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code LOOP_CLR_FD} on loop device {@code n}; true when it is unbound (now or soon: autoclear). */
    static boolean detach(int n) {
        int fd;
        try {
            fd = Syscalls.open("/dev/loop" + n, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
        } catch (SyscallException e) {
            return false;
        }
        try {
            Syscalls.loopClrFd(fd);
            return true;
        } catch (SyscallException e) {
            return e.errno() == Syscalls.ENXIO; // already unbound
        } finally {
            Syscalls.close(fd);
        }
    }

    /**
     * How long an added loop device's removal waits for other openers to close it (EBUSY): udev's
     * blkid probes every new device, and on a loaded machine (CI's, with .ci/busy-erofs mounting
     * loop devices meanwhile) it held one past the 200 ms this used to wait, which left the device
     * behind (RemoveDemo, an opener holding it 1 s). The wait ends as soon as the device goes.
     */
    static final long REMOVE_WAIT_MILLIS = 10_000;

    /** {@code LOOP_CTL_REMOVE} of loop device {@code n} when it exists and is not bound. */
    static boolean removeIfUnbound(int n) {
        if (!Files.exists(Path.of("/sys/block/loop" + n)) || backingFile(n) != null) {
            return false;
        }
        int ctl;
        try {
            ctl = Syscalls.open("/dev/loop-control", Syscalls.O_RDWR | Syscalls.O_CLOEXEC);
        } catch (SyscallException e) {
            return false;
        }
        try {
            long deadline = System.nanoTime() + REMOVE_WAIT_MILLIS * 1_000_000L;
            while (true) {
                try {
                    Syscalls.loopCtlRemove(ctl, n);
                    return true;
                } catch (SyscallException e) {
                    if (e.errno() != Syscalls.EBUSY || System.nanoTime() > deadline) {
                        return false;
                    }
                }
                sleep(20);
            }
        } finally {
            Syscalls.close(ctl);
        }
    }

    /** Deletes {@code dir} and everything in it without following symlinks. */
    static boolean deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
