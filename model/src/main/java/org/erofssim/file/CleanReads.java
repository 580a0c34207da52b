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
 * (its own metadata buffer, page caches, managed cache, log; files under {@link #INLINE_BYTES}
 * are read on the walk's thread by a reader of their own too, sharing only the walk's metadata
 * buffer, whose held page is a plain cache of immutable bytes), so a file's read sees none of the
 * walk's state and leaves none. The page-cache and readahead model carries over from one file's
 * read to the next (the managed cache, a failed folio, a read error's log line), and so does the
 * order of log lines, only through reads that are not clean; a read is <em>clean</em> when it
 * returns the whole file ({@code okBytes} = {@code i_size}, or {@link PlainReader#READ_LIMIT} with
 * only the note of a file cut there), no errno, no other note, a hash, and
 * prints no log line. Any other result, or any exception, makes the walk give up the fast path
 * ({@link #failed}): {@link TreeWalk} rolls its log back and walks again with the full model,
 * which then decides every byte of the outcome. When every read was clean, the full model would
 * have read the same bytes (clean reads leave the shared state as they found it in everything
 * that reaches an outcome) and printed nothing for them, so the outcome is the same:
 * {@code CleanReadsProperties} checks that on random clean and damaged images.
 *
 * <p><b>Memory.</b> At most {@link #IN_FLIGHT_PER_THREAD} tasks per worker (a file, or a batch of
 * small files up to {@link #BATCH_BYTES}) are submitted and not yet read (the walk waits for a
 * slot), and a clean read drops its page cache
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
    /** Tests: how many files this walk handed to the pool (the others were read inline). */
    int pooled;

    private record Worker(MetaBuf buf, KernelLog log, DataReader reader) {}

    /** Whether files go to the clean-data direct read first ({@link DataReader#readDirect}). */
    private final boolean direct;

    /**
     * The reader of small files, on the walk's own thread and metadata buffer (its other state,
     * page caches and log, is its own as a worker's): a small file's data is mostly in the
     * metadata page the walk has just read for its inode, which a worker would read again (a
     * {@code pread(2)} on large images); handing it over costs more than reading it (the
     * 200,000-file image: 5.8 s of user CPU with the full model, 7.3 s with every file on the pool).
     */
    private final Worker inline;
    /** Files smaller than this are read by {@link #inline}. */
    static final long INLINE_BYTES = 16 * 1024;

    CleanReads(SbInfo sbi, MetaBuf walkBuf, BdevReadaheadRace race, ReadPattern pattern, boolean direct) {
        this.sbi = sbi;
        this.race = race;
        this.pattern = pattern;
        this.direct = direct;
        this.inline = newWorker(walkBuf);
    }

    private Worker newWorker(MetaBuf buf) {
        KernelLog log = new KernelLog(true);
        SbLog sbLog = new SbLog(log, sbi.kernel(), sbi.sId());
        return new Worker(buf, log, new DataReader(sbi, buf, sbLog, race));
    }

    private Worker worker() {
        return workers.computeIfAbsent(Thread.currentThread(), t -> newWorker(new MetaBuf(sbi)));
    }

    /**
     * How many files the direct read answered and gave up on: compressed ({@code [0]}, {@code [1]})
     * and uncompressed ({@code [2]}, {@code [3]}); null without it.
     */
    long[] directCounts() {
        if (!direct) {
            return null;
        }
        long[] n = inline.reader().directCounts.clone();
        for (Worker w : workers.values()) {
            for (int i = 0; i < n.length; i++) {
                n[i] += w.reader().directCounts[i];
            }
        }
        return n;
    }

    /** Whether a read was not clean (or failed): the walk must be made again with the full model. */
    boolean failed() {
        return failed;
    }

    /**
     * The read of regular inode {@code inode}, submitted to the pool (the same future for an inode
     * submitted before), or read at once when it is smaller than {@link #INLINE_BYTES}; files up
     * to {@link #BATCH_BYTES} wait in a batch ({@link #flush}), and the walk waits while
     * {@link #IN_FLIGHT_PER_THREAD} tasks per thread are in flight.
     */
    CompletableFuture<FileContent> submit(ErofsInode inode) {
        CompletableFuture<FileContent> f = byNid.get(inode.nid());
        if (f != null) {
            return f;
        }
        f = new CompletableFuture<>();
        byNid.put(inode.nid(), f);
        if (inode.size() < INLINE_BYTES) {
            FileContent c = null;
            try {
                c = failed ? null : read(inline, inode);
            } catch (RuntimeException | StackOverflowError e) {
                failed = true;
            }
            f.complete(c);
            return f;
        }
        pooled++;
        batch.add(inode);
        batchFutures.add(f);
        batchBytes += Math.max(0, inode.size());
        if (batchBytes >= BATCH_BYTES || batch.size() >= BATCH_FILES) {
            flush();
        }
        return f;
    }

    /**
     * Files of {@link #INLINE_BYTES} or more go to a worker together, up to {@link #BATCH_FILES}
     * files or {@link #BATCH_BYTES} bytes in one task, a larger file alone: fewer hand-offs.
     */
    static final int BATCH_FILES = 64;
    static final long BATCH_BYTES = 1L << 20;
    private List<ErofsInode> batch = new ArrayList<>();
    private List<CompletableFuture<FileContent>> batchFutures = new ArrayList<>();
    private long batchBytes;

    /** Hands the files gathered so far to the pool as one task (waits for a slot). */
    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        List<ErofsInode> inodes = batch;
        List<CompletableFuture<FileContent>> futures = batchFutures;
        batch = new ArrayList<>();
        batchFutures = new ArrayList<>();
        batchBytes = 0;
        slots.acquireUninterruptibly();
        pool().execute(() -> {
            try {
                for (int i = 0; i < inodes.size(); i++) {
                    FileContent c = null;
                    try {
                        c = failed ? null : read(worker(), inodes.get(i));
                    } catch (RuntimeException | StackOverflowError e) {
                        failed = true;
                    }
                    futures.get(i).complete(c);
                }
            } finally {
                slots.release();
            }
        });
    }

    /** One file on this worker's reader; null (and {@link #failed}) when the read is not clean. */
    private FileContent read(Worker w, ErofsInode inode) {
        FileContent c = null;
        if (direct) {
            // the direct read first; where it gives up, nothing it did stays (its log lines go)
            // and the file's own page-cache model reads it as before
            KernelLog.Mark mark = w.log().mark();
            c = w.reader().readDirect(inode);
            if (c == null || !w.log().isEmpty()) {
                w.log().rollback(mark);
                c = null;
            }
        }
        if (c == null) {
            c = w.reader().readFile(inode, pattern);
        }
        long whole = Math.min(Math.max(0, inode.size()), PlainReader.READ_LIMIT);
        boolean cut = inode.size() > PlainReader.READ_LIMIT; // a read cut at the limit is whole up to it
        boolean clean = c.errno() == null && c.sha256() != null && c.okBytes() == whole && w.log().isEmpty()
                && (c.notes().isEmpty() || cut && c.notes().equals(java.util.List.of(PlainReader.cutNote(inode.size()))));
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
        flush();
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
        flush();
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
