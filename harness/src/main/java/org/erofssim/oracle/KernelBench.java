package org.erofssim.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.contract.TreeEntry;

/**
 * The kernel's side of {@code erofs-sim bench}: the running kernel's file-backed mount of an
 * image, timed, inside the live oracle's sandbox and under its machine-wide lock (so a bench never
 * runs inside another oracle run's kernel-log window, and everything it mounts is journalled and
 * released on every path, like an observation's).
 *
 * <p>The image is hard-linked into the sandbox's {@code store/} (copied where the sandbox is on
 * another filesystem), so nothing outside the sandbox is mounted. Needs what the live oracle
 * needs ({@link LiveKernelOracle#unavailableReason()}).
 */
public final class KernelBench {
    private KernelBench() {}

    /** Per-cycle times of one batch of mount+umount cycles, in nanoseconds (median and all batches). */
    public record Cycles(double medianNanos, List<Double> batchNanos, int cycles) {}

    /** A cold read of a whole tree: wall time of mount + walk + umount, and what the walk read. */
    public record ColdRead(long nanos, int regularFiles, long bytes, List<TreeEntry> tree, List<String> notes) {}

    /** Why the kernel side cannot run here (one line), or null. */
    public static String unavailableReason() {
        return LiveKernelOracle.unavailableReason();
    }

    /**
     * {@code batches} batches of {@code perBatch} cycles of {@code mount(2)} (file-backed, read-only,
     * no options) and {@code umount(2)} of {@code image}, after {@code perBatch} cycles of warm-up;
     * the median of the batches' per-cycle times.
     */
    public static Cycles mountCycles(Path image, int batches, int perBatch) {
        return inSandbox(image, (sb, img, mnt) -> {
            sb.aboutToMount(mnt); // journalled once: a killed run's next one unmounts it
            for (int i = 0; i < perBatch; i++) {
                cycle(sb, img, mnt);
            }
            List<Double> per = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < perBatch; i++) {
                    cycle(sb, img, mnt);
                }
                per.add((System.nanoTime() - t0) / (double) perBatch);
            }
            List<Double> sorted = new ArrayList<>(per);
            sorted.sort(Double::compare);
            return new Cycles(sorted.get(sorted.size() / 2), List.copyOf(per), batches * perBatch);
        });
    }

    /**
     * Drops the page cache ({@code sync}, then {@code 3 > /proc/sys/vm/drop_caches}: the whole
     * machine's clean caches, never the kernel log), then times mount, a walk of every path that
     * reads and SHA-256-hashes every regular file in {@code read(2)} calls of 128 KiB (the live
     * oracle's {@link TreeWalker}), and umount.
     */
    public static ColdRead coldRead(Path image) {
        return inSandbox(image, (sb, img, mnt) -> {
            dropCaches();
            long t0 = System.nanoTime();
            sb.aboutToMount(mnt);
            Syscalls.mount(img, mnt, "erofs", Syscalls.MS_RDONLY, null);
            TreeWalker.Walk w;
            try {
                w = TreeWalker.walk(mnt, false);
            } finally {
                umountOrLeaveToSandbox(sb, mnt);
            }
            long nanos = System.nanoTime() - t0;
            int files = 0;
            long bytes = 0;
            for (TreeEntry e : w.tree()) {
                if ("file".equals(e.type())) {
                    files++;
                    bytes += e.size();
                }
            }
            return new ColdRead(nanos, files, bytes, w.tree(), w.notes());
        });
    }

    /**
     * Empties the machine's page cache: {@code sync(2)} by writing nothing, then
     * {@code /proc/sys/vm/drop_caches}. Root only; the kernel log is not touched.
     *
     * @throws UncheckedIOException when the file cannot be written (not root)
     */
    public static void dropCaches() {
        try {
            LibC.INSTANCE.sync();
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Body<T> {
        T run(Sandbox sb, String image, String mountPoint);
    }

    private static <T> T inSandbox(Path image, Body<T> body) {
        String why = unavailableReason();
        if (why != null) {
            throw new OracleUnavailable(why);
        }
        return LiveLock.underGlobalLock(() -> {
            for (String r : Journal.reclaimStale(LiveKernelOracle.TMP)) {
                System.err.println("erofs-sim live oracle: " + r);
            }
            try (Sandbox sb = Sandbox.create(LiveKernelOracle.TMP)) {
                Path img = sb.store.resolve("bench.erofs");
                try {
                    Files.createLink(img, image.toAbsolutePath());
                } catch (IOException | UnsupportedOperationException e) {
                    try {
                        Files.copy(image, img);
                    } catch (IOException e2) {
                        throw new UncheckedIOException(e2);
                    }
                }
                return body.run(sb, img.toString(), sb.mountPoint("bench"));
            }
        });
    }

    private static void cycle(Sandbox sb, String image, String mnt) {
        Syscalls.mount(image, mnt, "erofs", Syscalls.MS_RDONLY, null);
        umountOrLeaveToSandbox(sb, mnt);
    }

    /** umount(2); when it fails the mount is handed to the sandbox, whose release unmounts it. */
    private static void umountOrLeaveToSandbox(Sandbox sb, String mnt) {
        try {
            Syscalls.umount2(mnt, Syscalls.UMOUNT_NOFOLLOW);
        } catch (RuntimeException e) {
            sb.mounted(mnt);
            throw e;
        }
    }
}
