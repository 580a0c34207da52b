package org.erofssim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.erofssim.sb.Mode;
import org.erofssim.contract.MetadataCache;

/**
 * The {@code probeCache} probe on the live kernel (harness contract, "Optional probes"): which
 * page cache holds the metadata that mounting and walking the tree read, and which 4 KiB pages
 * of it (spec §6.1: bdev mode reads through the block device's page cache, fileio through the
 * backing file's own).
 *
 * <p>Only what the oracle created is touched: the primary's image file and, for a loop device,
 * the loop device node. Before the mount their clean pages are dropped with
 * {@code POSIX_FADV_DONTNEED} (never a global cache drop), and the drop is checked with
 * {@code mincore}; pages that stay get a note and one retry after {@code fsync}. After the walk
 * both are mapped read-only and {@code mincore} tells which pages are resident.
 */
final class CacheProbe {
    private CacheProbe() {}

    /**
     * The primary device as realised: {@code image} is the file whose page cache fileio reads
     * (the source file) or that backs the loop device ({@code bdev}, null for a file source).
     * Paths are real ones, {@code name} is the scenario's path for notes.
     */
    record Primary(String name, String image, String bdev) {}

    /**
     * What the probe saw: the page-cache pages resident before the mount (after eviction) and
     * after the walk, for the image file and the loop device ({@code null}: no block device
     * backs the primary); and the contract's answer.
     */
    record Result(MetadataCache cache, List<Long> fileBefore, List<Long> bdevBefore, List<Long> fileAfter,
                  List<Long> bdevAfter) {}

    /** State between {@link #evict} and {@link #observe}. */
    static final class Run {
        final Primary primary;
        List<Long> fileBefore = List.of();
        List<Long> bdevBefore;

        Run(Primary primary) {
            this.primary = primary;
        }
    }

    /** Drops the primary's pages from the file's and the loop device's cache; notes what stayed. */
    static Run evict(Primary p, List<String> notes) {
        Run run = new Run(p);
        run.fileBefore = evictOne(p.image(), "image file of " + p.name(), notes);
        if (p.bdev() != null) {
            run.bdevBefore = evictOne(p.bdev(), "block device " + p.name(), notes);
        }
        return run;
    }

    private static List<Long> evictOne(String path, String what, List<String> notes) {
        try {
            dropPages(path, false);
            List<Long> left = Syscalls.residentPages(path);
            if (left.isEmpty()) {
                return left;
            }
            notes.add("probeCache: pages " + ranges(left) + " of the " + what + " stayed resident after "
                    + "POSIX_FADV_DONTNEED (dirty or mapped?); retried after fsync");
            dropPages(path, true);
            left = Syscalls.residentPages(path);
            if (!left.isEmpty()) {
                notes.add("probeCache: pages " + ranges(left) + " of the " + what
                        + " are still resident before the mount; they may stand for reads the mount did not make");
            }
            return left;
        } catch (SyscallException e) {
            notes.add("probeCache: cannot evict the " + what + ": " + e.getMessage());
            return null;
        }
    }

    private static void dropPages(String path, boolean sync) {
        int fd = Syscalls.open(path, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC | Syscalls.O_LARGEFILE);
        try {
            if (sync) {
                Syscalls.fsync(fd);
            }
            Syscalls.fadviseDontNeed(fd);
        } finally {
            Syscalls.close(fd);
        }
    }

    /**
     * After the walk, while the filesystem is still mounted (a block device's cache goes with
     * its last opener): the resident pages of both caches, and the contract's answer. The cache
     * named is the one that holds pages; when both or neither do, the one of the mount's
     * {@code mode}, with a note.
     */
    static Result observe(Run run, Mode mode, List<String> notes) {
        Primary p = run.primary;
        List<Long> file = resident(p.image(), "image file of " + p.name(), notes);
        List<Long> bdev = p.bdev() == null ? null : resident(p.bdev(), "block device " + p.name(), notes);
        String byMode = mode == Mode.BDEV ? "bdev" : "file";
        boolean inFile = file != null && !file.isEmpty();
        boolean inBdev = bdev != null && !bdev.isEmpty();
        String cache;
        if (inFile && inBdev) {
            cache = byMode;
            notes.add("probeCache: both caches hold pages of " + p.name() + ": file " + ranges(file) + ", bdev "
                    + ranges(bdev) + "; reported the " + byMode + " cache (the " + mode.name().toLowerCase(
                    java.util.Locale.ROOT) + " mount's)");
        } else if (inFile) {
            cache = "file";
        } else if (inBdev) {
            cache = "bdev";
        } else {
            cache = byMode;
            notes.add("probeCache: no page of " + p.name() + " is resident in either cache after the walk");
        }
        if (!cache.equals(byMode)) {
            notes.add("probeCache: the metadata is in the " + cache + " cache, but the mount is in " + mode.name()
                    .toLowerCase(java.util.Locale.ROOT) + " mode");
        }
        List<Long> blocks = cache.equals("bdev") ? bdev : file;
        MetadataCache answer = new MetadataCache(cache, blocks == null ? List.of() : blocks);
        return new Result(answer, run.fileBefore, run.bdevBefore, file, bdev);
    }

    private static List<Long> resident(String path, String what, List<String> notes) {
        try {
            return Syscalls.residentPages(path);
        } catch (SyscallException e) {
            notes.add("probeCache: mincore over the " + what + " failed: " + e.getMessage());
            return null;
        }
    }

    /** {@code [0-3, 7, 10-11]}: ascending page indexes as ranges, for notes. */
    static String ranges(List<Long> pages) {
        List<String> out = new ArrayList<>();
        Long start = null;
        Long prev = null;
        for (long p : new TreeSet<>(pages)) {
            if (prev != null && p == prev + 1) {
                prev = p;
                continue;
            }
            if (start != null) {
                out.add(start.equals(prev) ? start.toString() : start + "-" + prev);
            }
            start = p;
            prev = p;
        }
        if (start != null) {
            out.add(start.equals(prev) ? start.toString() : start + "-" + prev);
        }
        return out.toString();
    }
}
