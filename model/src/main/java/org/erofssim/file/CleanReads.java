package org.erofssim.file;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.erofssim.kernel.KernelLog;
import org.erofssim.read.BdevReadaheadRace;
import org.erofssim.read.FileContent;
import org.erofssim.read.PlainReader;
import org.erofssim.read.ReadPattern;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * The clean-data fast path of a tree walk (issue 12): the regular files' reads of one walk, each
 * made on its own worker thread's reader, in parallel on all cores, while the walk goes on with
 * the metadata (directories, inodes, xattrs) in its own thread and order.
 *
 * <p><b>Why the outcome cannot change.</b> A worker's reader is a {@link DataReader} of its own
 * (its own metadata buffer, page caches, managed cache, log), so a file's read sees none of the
 * walk's state and leaves none. The page-cache and readahead model carries over from one file's
 * read to the next (the managed cache, a failed folio, a read error's log line), and so does the
 * order of log lines, only through reads that are not clean; a read is <em>clean</em> when it
 * returns the whole file ({@code okBytes} = {@code i_size}), no errno, no note, a hash, and
 * prints no log line. Any other result, or any exception, makes the walk give up the fast path
 * ({@link #failed}): {@link TreeWalk} rolls its log back and walks again with the full model,
 * which then decides every byte of the outcome. When every read was clean, the full model would
 * have read the same bytes (clean reads leave the shared state as they found it in everything
 * that reaches an outcome) and printed nothing for them, so the outcome is the same:
 * {@code CleanReadsProperties} checks that on random clean and damaged images.
 *
 * <p><b>Memory.</b> At most {@link #IN_FLIGHT_PER_THREAD} files per worker are submitted and not
 * yet read (the walk waits for a slot), and a clean read drops its page cache
 * ({@link DataReader#keepPageCaches}): memory is bounded by the files in flight.
 *
 * <p>The pool is shared by every walk of the process: {@code -Derofssim.readThreads=N} threads
 * (default: the available processors), daemon threads, never interrupted (an interrupted
 * positional read would close the image's channel).
 */
final class CleanReads {
    /** Files per worker thread submitted and not yet read. */
    static final int IN_FLIGHT_PER_THREAD = 2;
    static final int THREADS = Math.max(1, Integer.getInteger("erofssim.readThreads",
            Runtime.getRuntime().availableProcessors()));
    private static volatile ExecutorService pool;

    private final SbInfo sbi;
    private final BdevReadaheadRace race;
    private final ReadPattern pattern;
    private final Semaphore slots = new Semaphore(THREADS * IN_FLIGHT_PER_THREAD);
    /** One reader per worker thread, for this walk only (dropped with it). */
    private final java.util.concurrent.ConcurrentHashMap<Thread, Worker> workers = new java.util.concurrent.ConcurrentHashMap<>();
    /** The read of each inode, by nid: a hard link waits for the same read. */
    private final Map<Long, CompletableFuture<FileContent>> byNid = new HashMap<>();
    private volatile boolean failed;

    private record Worker(MetaBuf buf, KernelLog log, DataReader reader) {}

    CleanReads(SbInfo sbi, BdevReadaheadRace race, ReadPattern pattern) {
        this.sbi = sbi;
        this.race = race;
        this.pattern = pattern;
    }

    private Worker worker() {
        return workers.computeIfAbsent(Thread.currentThread(), t -> {
            MetaBuf buf = new MetaBuf(sbi);
            KernelLog log = new KernelLog(true);
            return new Worker(buf, log, new DataReader(sbi, buf, new SbLog(log, sbi.kernel(), sbi.sId()), race));
        });
    }

    /** Whether a read was not clean (or failed): the walk must be made again with the full model. */
    boolean failed() {
        return failed;
    }

    /**
     * The read of regular inode {@code inode}, submitted to the pool (the same future for an inode
     * submitted before); waits while {@link #IN_FLIGHT_PER_THREAD} files per thread are in flight.
     */
    CompletableFuture<FileContent> submit(ErofsInode inode) {
        CompletableFuture<FileContent> f = byNid.get(inode.nid());
        if (f != null) {
            return f;
        }
        slots.acquireUninterruptibly();
        f = CompletableFuture.supplyAsync(() -> {
            try {
                return failed ? null : read(inode);
            } catch (RuntimeException | StackOverflowError e) {
                failed = true;
                return null;
            } finally {
                slots.release();
            }
        }, pool());
        byNid.put(inode.nid(), f);
        return f;
    }

    /** One file on this worker's reader; null (and {@link #failed}) when the read is not clean. */
    private FileContent read(ErofsInode inode) {
        Worker w = worker();
        FileContent c = w.reader().readFile(inode, pattern);
        long whole = Math.min(Math.max(0, inode.size()), PlainReader.READ_LIMIT);
        boolean clean = c.errno() == null && c.notes().isEmpty() && c.sha256() != null && c.okBytes() == whole
                && w.log().isEmpty();
        if (!clean) {
            failed = true;
            return null;
        }
        return c;
    }

    /**
     * Waits for every submitted read.
     *
     * @return the reads by nid, or null when one was not clean
     */
    Map<Long, FileContent> finish() {
        Map<Long, FileContent> out = new HashMap<>();
        for (Map.Entry<Long, CompletableFuture<FileContent>> e : byNid.entrySet()) {
            FileContent c = e.getValue().join();
            if (c == null) {
                failed = true;
            }
            out.put(e.getKey(), c);
        }
        return failed ? null : out;
    }

    /** Stops the reads not yet started (they return at once) and waits for the others. */
    void abandon() {
        failed = true;
        for (CompletableFuture<FileContent> f : byNid.values()) {
            f.join();
        }
    }

    /** The metadata pages the workers' reads touched ({@code erofs_bread} of indexes and inline data). */
    List<Long> touchedPages() {
        List<Long> all = new ArrayList<>();
        for (Worker w : workers.values()) {
            all.addAll(w.buf().touchedPages());
        }
        return all;
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (CleanReads.class) {
                p = pool;
                if (p == null) {
                    AtomicInteger n = new AtomicInteger();
                    ThreadFactory tf = r -> {
                        Thread t = new Thread(r, "erofs-sim-read-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    };
                    p = Executors.newFixedThreadPool(THREADS, tf);
                    pool = p;
                }
            }
        }
        return p;
    }
}
