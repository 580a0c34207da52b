package org.erofssim.read;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.erofssim.block.ImageBytes;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.Mode;
import org.erofssim.sb.NotModelled;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * The data read path of uncompressed inodes (spec §6.2, §6.3): one page-cache folio at a time,
 * through {@link MapBlocks} and {@link MapDev}, the way the superblock's address-space
 * operations fill it: {@code erofs_fileio_read_folio}/{@code erofs_fileio_readahead}
 * (fs/erofs/fileio.c) in fileio mode, {@code erofs_read_folio}/{@code erofs_readahead} through
 * iomap (fs/erofs/data.c) in bdev mode; and the device reads the compressed path
 * ({@code z_erofs_submit_queue}, in {@code org.erofssim.zip}) submits ({@link #readPhysical},
 * {@link #readBackingRequest}). Compressed inodes are dispatched above this layer
 * ({@code org.erofssim.file.DataReader}).
 *
 * <p><b>Granularity (uncompressed inodes).</b> Folios are modelled as single 4 KiB pages, except
 * the large folios a cold readahead (fileio's, and iomap's in bdev mode) builds on kernels
 * without {@link Behavior#READAHEAD_HONOURS_NEW_ORDER} (6.12: order 2, scanned as one folio that
 * fails as a whole and, in fileio mode, is reported at its first page). The kernel marks its inode mappings
 * {@code mapping_set_large_folios}, so later readahead windows (and iomap's in bdev mode) may
 * build larger folios too, whose failure is then reported at the larger folio's boundary and
 * index; there the model fails at the page that holds the failing byte [not modelled]. Each page is read on its own
 * (one page per request or bio); the kernel may batch several pages of a readahead window into
 * one request, which matters for 6.13 only: a short read of a batched request zero-fills every
 * later page of it (modelled for compressed reads: {@code org.erofssim.zip.ZReader}).
 *
 * <p><b>Errors.</b> Errors of the mapping step ({@code erofs_map_blocks},
 * {@code erofs_map_dev}, the metadata read of an inline tail) are returned by the fileio
 * {@code read_folio} with their own errno; I/O failures complete the folio without
 * "uptodate", which the page cache reports as EIO. In bdev mode {@code iomap_read_folio}
 * returns 0 whatever happened, so every failure reaches the reader as EIO.
 *
 * <p><b>Device reads.</b> bdev: a bio that reaches past the device's last whole 512-byte
 * sector fails (EIO); an injected EIO page fails the bio; a {@code SHORT} page reads as zeros
 * (the loop driver zero-fills short reads of its backing file). fileio: the device file is
 * read like {@code vfs_iocb_iter_read} does: buffered reads return the bytes before an
 * injected EIO page (a short read), direct reads (mount option {@code directio} on a backing
 * fs with O_DIRECT, or the 6.12 "always direct" behaviour) fail as a whole; a short read is
 * zero-filled (6.13) or fails the folio with EIO ({@link Behavior#FILEIO_SHORT_READ_EIO}).
 * fscache mode is read like fileio from the cookie's data, without the readahead log line; a
 * read the cookie's cache cannot answer fails the folio with the errno {@code read_folio}
 * returns ({@link org.erofssim.sb.FscacheCache}); the request path of
 * {@code erofs_fscache_read_folio} beyond that is not modelled.
 */
public final class PlainReader {
    /** The modelled folio size ({@code PAGE_SIZE}). */
    public static final int PAGE = ImageBytes.PAGE_SIZE;
    /**
     * Files longer than this are hashed only up to it (a corrupt size must not read for hours):
     * the contract's {@code TreeEntry.MAX_FILE_BYTES} (a layer beside this one; WalkLimitsTest
     * checks the two agree).
     */
    public static final long READ_LIMIT = 1L << 30;

    /** The note of a read of a file of {@code size} bytes cut at {@link #READ_LIMIT}. */
    public static String cutNote(long size) {
        return "the model read only the first " + READ_LIMIT + " of " + size + " bytes";
    }
    /** Bytes one {@code read(2)} call asks for in {@link #readFile} (what the live oracle's tree walk asks). */
    public static final int READ_CALL = 128 * 1024;
    /**
     * Pages of the readahead window that a read of a cold page starts: the BDI's {@code ra_pages}
     * (128 KiB): the private BDI of a file-backed mount has the default, and the live oracle sets
     * its loop devices to it (the loop driver keeps the largest value a device ever had, 2560 KiB
     * on loop0..3 of the project machine).
     */
    public static final int RA_PAGES = 32;
    /** {@code io_pages} of a loop device's BDI here ({@code max_sectors_kb} 1280 [obs-6.18.44]). */
    public static final int BDEV_IO_PAGES = 320;

    private final SbInfo sbi;
    private final MetaBuf buf;
    private final SbLog log;
    private final boolean fileio;
    private final boolean direct;
    /** The device reads this reader submits (requests, bios, the direct path's window). */
    private final DeviceRequests io;
    /** Folios left in the page cache not uptodate by a failed read. */
    private final Set<PageKey> failed = new HashSet<>();
    /** Folios a fileio readahead pass brought into the page cache (uptodate or not). */
    private final Set<PageKey> cached = new HashSet<>();
    /** Bytes of uptodate folios a readahead pass read ahead of the reader, until it takes them. */
    private final java.util.Map<PageKey, byte[]> readAhead = new java.util.HashMap<>();
    /**
     * Pages that a readahead pass put in a large folio ({@link Behavior#READAHEAD_HONOURS_NEW_ORDER}
     * absent): the folio's first page index and its number of pages.
     */
    private final java.util.Map<PageKey, long[]> largeFolios = new java.util.HashMap<>();

    /**
     * Pages {@link #readMappingFolio} read uptodate without a log line, by inode and index, for
     * the next lookup or listing of the same directory (issue 12: a 100,000-entry walk read its
     * directories' pages from the image on every lookup). Such a read is a function of the
     * unchanging image, so reading it again gives the same bytes and no line: the outcome cannot
     * change ({@code PageReuseProperties}); off with {@link MetaBuf#reusePages}. At most
     * {@link #REUSED_FOLIOS} pages (16 MiB), least recently used dropped.
     */
    private final java.util.LinkedHashMap<PageKey, Reused> mappingFolios = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<PageKey, Reused> eldest) {
            return size() > REUSED_FOLIOS;
        }
    };
    private static final int REUSED_FOLIOS = 4096;

    private record Reused(ErofsInode inode, byte[] data) {}

    public PlainReader(SbInfo sbi, MetaBuf buf, SbLog log) {
        this.sbi = sbi;
        this.buf = buf;
        this.log = log;
        this.fileio = sbi.mode() != Mode.BDEV;
        boolean wantDirect = !sbi.kernel().has(Behavior.DIRECTIO_OPTION) || sbi.options().directio();
        this.direct = sbi.mode() == Mode.FILEIO && wantDirect;
        this.io = new DeviceRequests(sbi, fileio, direct);
    }

    /**
     * One folio as its {@code read_folio}/readahead step leaves it: the bytes (zeros where
     * nothing was copied), and whether it failed — by a mapping-step error ({@code scanError},
     * the errno the fileio {@code read_folio} returns) or by I/O ({@code ioFailed}).
     */
    public record Folio(byte[] data, Errno scanError, boolean ioFailed) {
        public boolean uptodate() {
            return scanError == null && !ioFailed;
        }
    }

    /**
     * {@code erofs_fileio_scan_folio} (fileio) / {@code iomap_readpage_iter} over
     * {@code erofs_iomap_begin} (bdev): fills page {@code index} of {@code inode}. Pieces are
     * taken from successive {@code erofs_map_blocks} extents: META pieces are copied from the
     * metadata buffer, holes zero-filled, mapped pieces read from the device
     * {@code erofs_map_dev} names, physically contiguous pieces of one device as one request.
     */
    public Folio readFolio(ErofsInode inode, long index) {
        return scanFolio(inode, index, 1);
    }

    /**
     * {@link #readFolio} over a folio of {@code pages} pages from page {@code index}: one scan
     * whose extents and requests run across the page boundaries, stopping at the first
     * mapping-step error; the folio fails as a whole (its data is {@code pages * PAGE} bytes).
     */
    private Folio scanFolio(ErofsInode inode, long index, int pages) {
        int end = pages * PAGE;
        byte[] out = pages == 1 ? io.zeroPage() : new byte[end];
        long pos = index * PAGE;
        int cur = 0;
        MapBlocks.Mapping map = null;
        DeviceRequests.Request rq = null;
        boolean ioFailed = false;
        Errno scanError = null;
        try {
            while (cur < end) {
                if (map == null || !map.contains(pos + cur)) {
                    map = MapBlocks.map(sbi, buf, log, inode, pos + cur, end - cur);
                }
                long ofs = pos + cur - map.la();
                int len = (int) Math.min(map.llen() - ofs, end - cur);
                if (len <= 0) { // cannot happen for erofs_map_blocks answers; never loop on one
                    throw new KernelError(Errno.EIO, "empty extent at " + (pos + cur) + " of nid " + inode.nid());
                }
                if (map.meta()) {
                    if (inode.nid() < 0 && sbi.metaboxBuf != null) {
                        copyMeta(sbi.metaboxBuf, map.pa() + ofs, out, cur, len); // inline data in the metabox
                    } else {
                        copyMeta(buf, metaOffset(map) + ofs, out, cur, len);
                    }
                } else if (map.mapped()) {
                    if (rq == null || rq.deviceId != map.deviceId() || rq.nextPa != map.pa() + ofs) {
                        if (rq != null) {
                            ioFailed |= !io.submit(rq, out);
                        }
                        MapDev.Target t = MapDev.map(sbi, map.deviceId(), map.pa() + ofs);
                        rq = new DeviceRequests.Request(map.deviceId(), map.pa() + ofs, t);
                    }
                    rq.add(cur, len);
                }
                cur += len;
            }
        } catch (KernelError e) {
            scanError = e.errno();
        }
        if (rq != null) {
            try {
                ioFailed |= !io.submit(rq, out);
            } catch (KernelError e) {
                scanError = e.errno(); // fscache: erofs_fscache_read_io_async's errno, returned by read_folio
            }
        }
        return new Folio(out, scanError, ioFailed);
    }

    /**
     * {@code read_mapping_folio} → {@code filemap_read_folio}: one {@code read_folio} call, no
     * readahead (how directories and slow symlinks read their pages).
     *
     * @throws KernelError fileio: the mapping-step errno, else EIO; bdev: EIO
     */
    public byte[] readMappingFolio(ErofsInode inode, long index) {
        return readMappingFolio(inode, index, false);
    }

    /**
     * {@link #readMappingFolio(ErofsInode, long)} for a caller that only reads the page (a
     * directory's lookups and listings): a reused page is handed out as it is kept, not copied
     * (issue 12: a 4 KiB copy per step of every lookup's binary search).
     */
    public byte[] readMappingFolioShared(ErofsInode inode, long index) {
        return readMappingFolio(inode, index, true);
    }

    private byte[] readMappingFolio(ErofsInode inode, long index, boolean shared) {
        PageKey k = key(inode, index);
        long[] large = largeFolios.isEmpty() ? null : largeFolios.get(k);
        boolean reuse = large == null && MetaBuf.reusePages && reusableMode();
        if (reuse) {
            Reused r = mappingFolios.get(k);
            if (r != null && r.inode() == inode) {
                return shared ? r.data() : r.data().clone();
            }
        }
        org.erofssim.kernel.KernelLog.Mark before = reuse ? log.raw().mark() : null;
        Folio f = large == null ? readFolio(inode, index) : pageOf(scanFolio(inode, large[0], (int) large[1]), large[0], index);
        if (f.uptodate()) {
            if (before != null && before.equals(log.raw().mark())) {
                mappingFolios.put(k, new Reused(inode, shared ? f.data() : f.data().clone()));
            }
            return f.data();
        }
        throw new KernelError(fileio && f.scanError() != null ? f.scanError() : Errno.EIO,
                "page " + index + " of nid " + inode.nid() + " not uptodate");
    }

    /**
     * Whether a page {@link #readMappingFolio} read uptodate without a log line may be served
     * again from memory. fscache: only while the daemon has not left ({@link
     * org.erofssim.sb.FscacheCache#gone}): a read that succeeded had a bound cache, a blob and a
     * daemon that answers, none of which changes during a walk but the daemon leaving (after which
     * the model's re-read fails with ENOBUFS); metadata pages that read asked the cookie for are
     * remembered by {@link MetaBuf} and not asked for again. So the re-read gives the same bytes,
     * no line and no change of state ({@code PageReuseProperties}, fscache sources too).
     */
    private boolean reusableMode() {
        if (sbi.mode() != Mode.FSCACHE) {
            return true;
        }
        return sbi.fscache != null && !sbi.fscache.gone();
    }

    /**
     * A page as {@code filemap_read} gets it: from the page cache when a readahead pass left it
     * there uptodate; on a cold page, a readahead pass first; a page not uptodate after it is
     * read once more by {@code read_folio} through {@link #readMappingFolio}, so mapping-step
     * log lines appear at least twice.
     *
     * <p>The readahead pass, per mode [obs-6.18.44]:
     * <ul>
     *   <li>fileio ({@code erofs_fileio_readahead}) scans every folio of the window,
     *       {@link #RA_PAGES} pages from this one up to the end of the file, skipping pages
     *       already cached, and logs {@code readahead error at folio N @ nid M} for each folio
     *       whose mapping step failed (not for EINTR); failed folios stay in the page cache not
     *       uptodate (a file whose three pages all name a missing device logs folio 0, 1 and 2);</li>
     *   <li>bdev (iomap readahead) is silent, scans the window up to the first folio that
     *       fails and leaves that one out of the page cache, so reaching it starts another
     *       readahead pass before {@code read_folio} (an inline tail across blocks on page 2
     *       logs its line four times: two passes, two {@code read_folio} calls of
     *       {@link #readFile}'s two {@code read(2)} calls).</li>
     * </ul>
     * A page whose {@code read_folio} failed stays in the page cache not uptodate, so a later
     * read (the next {@code read(2)} call, another path of a hard-linked inode) goes to
     * {@code read_folio} directly.
     */
    public byte[] readPage(ErofsInode inode, long index) {
        PageKey key = key(inode, index);
        if (!failed.contains(key) && !cached.contains(key)) {
            readahead(inode, index);
        }
        if (cached.contains(key) && !failed.contains(key)) {
            byte[] ahead = readAhead.remove(key);
            return ahead != null ? ahead : readFolio(inode, index).data();
        }
        try {
            return readMappingFolio(inode, index);
        } catch (KernelError e) {
            failed.add(key);
            throw e;
        }
    }

    /** A page of an inode's page cache. */
    private record PageKey(long nid, long index) { // equals/hashCode written out, as KernelLog.Mark's
        @Override public boolean equals(Object o) { return o instanceof PageKey k && k.nid == nid && k.index == index; }
        @Override public int hashCode() { return Long.hashCode(nid) * 31 + Long.hashCode(index); }
    }

    private static PageKey key(ErofsInode inode, long index) {
        return new PageKey(inode.nid(), index);
    }

    private void readahead(ErofsInode inode, long index) {
        long pages = (Math.max(0, inode.size()) + PAGE - 1) / PAGE;
        long end = Math.max(index + 1, Math.min(index + RA_PAGES, pages));
        boolean wholeWindow = sbi.mode() != Mode.BDEV; // fscache: read like fileio, without the log line
        // page_cache_ra_order is the mm's, for iomap's readahead (bdev) as for fileio's [obs-6.12.118:
        // /f4097 of crafted/twodev.erofs as a loop device without device=, its second block
        // unreadable: no byte, where 6.18.44 returns the first 4096]
        boolean large = (sbi.mode() == Mode.FILEIO || sbi.mode() == Mode.BDEV && sbi.kernel().has(Behavior.IOMAP_LARGE_FOLIOS))
                && !sbi.kernel().has(Behavior.READAHEAD_HONOURS_NEW_ORDER);
        for (long i = index; i < end; i++) {
            PageKey key = key(inode, i);
            if (cached.contains(key) || failed.contains(key)) {
                large = false; // ra_alloc_folio meets a cached page: the rest falls back to order 0
                continue; // already in the page cache: the readahead pass skips it
            }
            int n = large ? largeFolioPages(inode, i, end) : 1;
            if (n > 1) {
                Folio lf = scanFolio(inode, i, n);
                for (long p = i; p < i + n; p++) {
                    PageKey k = key(inode, p);
                    largeFolios.put(k, new long[] {i, n});
                    cached.add(k);
                    if (lf.uptodate()) {
                        readAhead.put(k, pageOf(lf, i, p).data());
                    } else {
                        failed.add(k);
                    }
                }
                if (sbi.mode() == Mode.FILEIO && lf.scanError() != null && lf.scanError() != Errno.EINTR) {
                    log.err("erofs_fileio_readahead", "readahead error at folio " + i + " @ nid " + inode.nid());
                }
                i += n - 1;
                continue;
            }
            Folio f = readFolio(inode, i);
            if (f.uptodate()) {
                cached.add(key);
                readAhead.put(key, f.data());
                continue;
            }
            if (!wholeWindow) {
                return; // iomap readahead ends at the failing folio, which is not left in the cache
            }
            cached.add(key);
            failed.add(key);
            if (sbi.mode() == Mode.FILEIO && f.scanError() != null && f.scanError() != Errno.EINTR) {
                log.err("erofs_fileio_readahead", "readahead error at folio " + i + " @ nid " + inode.nid());
            }
        }
    }

    /** {@link #readFile(ErofsInode, ReadPattern)} with the default pattern (128 KiB calls). */
    public FileContent readFile(ErofsInode inode) {
        return readFile(inode, ReadPattern.DEFAULT);
    }

    /**
     * {@code page_cache_ra_order} before {@link Behavior#READAHEAD_HONOURS_NEW_ORDER}: the number
     * of pages of the folio a cold readahead allocates at page {@code i} — order 2, lowered to
     * the alignment of {@code i} and until the folio ends at or before the window's last page
     * {@code end - 1} (which the caller caps at EOF), and until no page of it is cached yet
     * (else {@code filemap_add_folio} fails and the pass falls back to order 0). The order ramp
     * of later asynchronous windows (the marked folio's order + 2) is not modelled: every pass
     * starts at order 2 [unsure for files past the 16-page readahead mark].
     */
    private int largeFolioPages(ErofsInode inode, long i, long end) {
        int order = 2;
        if ((i & ((1L << order) - 1)) != 0) {
            order = Long.numberOfTrailingZeros(i);
        }
        while (order > 0 && i + (1L << order) > end) {
            order--;
        }
        for (long p = i; p < i + (1L << order); p++) {
            PageKey k = key(inode, p);
            if (cached.contains(k) || failed.contains(k)) {
                return 1;
            }
        }
        return 1 << order;
    }

    /** Page {@code index} of folio {@code f}, which starts at page {@code start}. */
    private static Folio pageOf(Folio f, long start, long index) {
        int at = (int) (index - start) * PAGE;
        return new Folio(java.util.Arrays.copyOfRange(f.data(), at, at + PAGE), f.scanError(), f.ioFailed());
    }

    /**
     * {@code read(2)} of a regular file from 0 to {@code i_size} in a loop of
     * {@code pattern.size()}-byte calls (the page cache's {@code filemap_read}), or with
     * {@code pattern.mmap()} one fault per page ({@code filemap_fault}): pages in order;
     * the first failing page ends the data. When pages before it were copied in
     * the same call, that call returns them and the next call, starting at the failing page
     * (cached, not uptodate, so no readahead), runs its {@code read_folio} again: the error
     * comes back from that second call [obs-6.18.44: an inline tail across blocks on page 2
     * logs its line three times]. A fault is a call of its own.
     *
     * <p>The failing page fails its whole folio: in fileio and bdev mode the data ends at the
     * start of the folio the kernel's readahead built around it ({@link FolioLayout}), which
     * depends on the read pattern. Where that folio starts before the failing page and the
     * read logged lines, the log lines of a failure inside a large folio are not modelled (a
     * note says so); fscache mode's own read path is not modelled for other patterns than the
     * default (a note).
     */
    public FileContent readFile(ErofsInode inode, ReadPattern pattern) {
        long size = Math.max(0, inode.size());
        List<String> notes = new ArrayList<>();
        long limit = size;
        if (size > READ_LIMIT) {
            limit = READ_LIMIT;
            notes.add(cutNote(size));
        }
        MessageDigest md = FileContent.newDigest(limit);
        int logBefore = log.raw().lines().size();
        long ok = 0;
        Errno err = null;
        long failPage = -1;
        long callStart = 0;
        /** The digest at every page index that is a multiple of 512 (the largest folio), for a failure inside a large folio. */
        java.util.Map<Long, MessageDigest> marks = new java.util.HashMap<>();
        for (long index = 0; index * PAGE < limit; index++) {
            if (index % RA_PAGES == 0 && holeToEnd(inode, index, size, limit)) {
                // the rest of the read is one hole: every page of it reads as zeros, without I/O,
                // error or log line, whatever the readahead windows are (see holeToEnd)
                if (index == 0) {
                    return new FileContent(zeroHash(limit), limit, null, List.copyOf(notes));
                }
                byte[] zeros = new byte[(int) Math.min(DIRECT_CHUNK, limit - index * PAGE)];
                for (long at = index * PAGE; at < limit; ) {
                    int n = (int) Math.min(zeros.length, limit - at);
                    md.update(zeros, 0, n);
                    at += n;
                }
                ok = limit;
                break;
            }
            if (index % LARGEST_FOLIO_PAGES == 0 && index > 0) { // page 0's: a new digest
                marks.clear();
                marks.put(index, FileContent.cloneOf(md));
            }
            if (pattern.mmap()) {
                callStart = index * PAGE; // every fault is a call of its own
            }
            byte[] page;
            try {
                try {
                    page = readPage(inode, index);
                } catch (KernelError e) {
                    if (index * PAGE == callStart) {
                        err = e.errno();
                        failPage = index;
                        if (pattern.mmap()) {
                            // the fault let go of the mmap lock to read the folio: retried, it
                            // reads the folio once more (FilemapRead#fault)
                            try {
                                readMappingFolio(inode, index);
                            } catch (KernelError again) {
                                err = Errno.EIO; // a SIGBUS: the walk records EIO whatever read_folio returned
                            }
                        }
                        break;
                    }
                    page = null;
                    if (sbi.mode() == Mode.FILEIO && !sbi.kernel().has(Behavior.FILEMAP_READ_STOPS_AT_FAILED_FOLIO)) {
                        // filemap_read's loop asks again within the same call; in bdev mode the
                        // failed folio is not in the page cache, and the second readahead pass
                        // above already stands for that second look [obs-6.1.0-57, obs-6.12.118]
                        try {
                            page = readMappingFolio(inode, index);
                        } catch (KernelError again) {
                            page = null;
                        }
                    }
                    if (page == null) {
                        callStart = index * PAGE; // a short read(2); the next call starts here
                        try {
                            page = readMappingFolio(inode, index);
                        } catch (KernelError again) {
                            err = again.errno();
                            failPage = index;
                            break;
                        }
                    }
                }
            } catch (NotModelled e) {
                notes.add("not modelled: " + e.getMessage() + " (at byte " + index * PAGE + "); contents unknown");
                return new FileContent(null, 0, null, List.copyOf(notes));
            }
            int n = (int) Math.min(PAGE, limit - index * PAGE);
            md.update(page, 0, n);
            io.recycle(page); // hashed: readPage's pages are the caller's own
            ok += n;
            long past = (index + 1) * PAGE - callStart;
            if (!pattern.mmap() && past >= pattern.size()) {
                callStart += past / pattern.size() * pattern.size();
            }
        }
        if (!readAhead.isEmpty()) { // mostly empty by now: no walk of its buckets (2% of a read's samples, JFR)
            readAhead.keySet().removeIf(k -> k.nid() == inode.nid());
        }
        if (failPage > 0 && sbi.mode() == Mode.FSCACHE && !pattern.equals(ReadPattern.DEFAULT)) {
            notes.add("not modelled: where fscache mode's read path (erofs_fscache_readahead) ends the data of a "
                    + pattern + " read before an error; the model ends it at the failing page");
        } else if (failPage > 0 && sbi.mode() != Mode.FSCACHE) {
            long start = FolioLayout.failureStart(size, failPage, pattern, RA_PAGES,
                    sbi.mode() == Mode.BDEV ? BDEV_IO_PAGES : RA_PAGES);
            if (start < failPage * PAGE) {
                long from = start / PAGE / LARGEST_FOLIO_PAGES * LARGEST_FOLIO_PAGES;
                MessageDigest at = from == 0 && marks.isEmpty() ? FileContent.newDigest() : marks.get(from);
                if (at == null) {
                    notes.add("not modelled: a failure in a folio that starts " + (failPage * PAGE - start)
                            + " bytes before the failing page; contents unknown");
                    return new FileContent(null, 0, err, List.copyOf(notes));
                }
                for (long i = from; i * PAGE < start; i++) {
                    at.update(readFolio(inode, i).data(), 0, (int) Math.min(PAGE, start - i * PAGE));
                }
                md = at;
                ok = start;
                if (log.raw().lines().size() > logBefore) {
                    notes.add("not modelled: the log lines of a read failing inside a large folio (pages "
                            + start / PAGE + ".." + failPage + "); the lines are the model's page-by-page ones");
                }
            }
        }
        return new FileContent(FileContent.hexDigest(md), ok, err, List.copyOf(notes));
    }

    /**
     * Whether {@link #readFile}'s pages from {@code index} to {@code limit} all lie in one hole of
     * the inode that no earlier read left in this reader's page cache: {@code erofs_map_blocks}
     * maps byte {@code index * PAGE} unmapped (not META) up to at least {@code limit} (a
     * FLAT_PLAIN inode with the null start block maps its whole size so; a corrupt i_size of
     * 4 GiB read page by page took the model 13 s, a fuzz finding). In a hole
     * {@code erofs_fileio_scan_folio} and {@code iomap_readpage_iter} zero the folio without I/O,
     * so every page of it is zeros, uptodate, with no log line, whatever folio sizes and windows
     * the readahead builds: the loop may hash zeros to the end. Not in fscache mode (its own
     * read path) and not for a page a read failed on before. A map error gives false (the loop
     * meets it page by page, with its log line).
     */
    private boolean holeToEnd(ErofsInode inode, long index, long size, long limit) {
        if (sbi.mode() == Mode.FSCACHE || limit - index * PAGE <= (long) RA_PAGES * PAGE) {
            return false;
        }
        PageKey k = key(inode, index);
        if (failed.contains(k) || cached.contains(k)) {
            return false;
        }
        org.erofssim.kernel.KernelLog.Mark mark = log.raw().mark();
        boolean hole = false;
        try {
            MapBlocks.Mapping map = MapBlocks.map(sbi, buf, log, inode, index * PAGE, size - index * PAGE);
            hole = !map.meta() && !map.mapped() && map.contains(index * PAGE) && map.la() + map.llen() >= limit;
        } catch (RuntimeException e) {
            hole = false;
        }
        if (!hole || !mark.equals(log.raw().mark())) {
            log.raw().rollback(mark); // the page-by-page loop maps it again, with its own lines
            return false;
        }
        return true;
    }

    /** Bytes one device request of {@link #readDirect} reads at most. */
    private static final int DIRECT_CHUNK = 1 << 20;
    private byte[] directBuf;

    /**
     * The clean-data direct read of an uncompressed regular file (issue 12): the file's extents
     * mapped in order ({@link MapBlocks#map}, the map {@link #scanFolio} makes for every page)
     * and their bytes hashed straight from the metadata buffer or the device, without folios,
     * readahead windows or the page-cache bookkeeping. It stands for no kernel function: it
     * answers only where the {@code read(2)} loop cannot end otherwise than with the file's
     * bytes, and returns null (give up: read the file with {@link #readFile}) everywhere else.
     *
     * <p>It answers for a file of 1 byte or more (a file longer than {@link #READ_LIMIT} up to it,
     * with {@link #cutNote}, as {@link #readFile}) on a 4 KiB-block, file-backed or
     * block-device superblock (not fscache) without injected device faults, when every extent
     * from byte 0 maps ({@code erofs_map_blocks} answers hold from the asked byte to their end:
     * the block, chunk or inline tail of that byte), an inline (META) piece lies within one
     * metadata page (the metadata buffer copies no further; an inline tail crossing a block is
     * the kernel's EFSCORRUPTED, which the map already raises) and not in the metabox, a mapped
     * piece lies whole on its device and its request succeeds ({@link #submit}: the same device
     * semantics as a folio's request). A hole (an unmapped extent: {@code erofs_fileio_scan_folio}
     * and {@code iomap_readpage_iter} zero the folio, no I/O, no error) reads as zeros; a file that
     * is one hole from byte 0 to the end of the read hashes as that many zeros ({@link #zeroHash}:
     * a FLAT_PLAIN inode with a null start block and a corrupt i_size of 4 GiB, a fuzz finding).
     * A map error (its log line, which the caller checks), an exception or anything else gives
     * up. {@code CleanReadsProperties} checks the answers equal the full model's on random clean
     * and damaged images.
     */
    public FileContent readDirect(ErofsInode inode) {
        try {
            return readDirectOrNull(inode);
        } catch (RuntimeException | StackOverflowError e) {
            return null; // KernelError, NotModelled, anything: the full model decides
        }
    }

    private FileContent readDirectOrNull(ErofsInode inode) {
        long size = inode.size();
        if (inode.isCompressed() || size <= 0 || sbi.mode() == Mode.FSCACHE
                || sbi.blockSize() != PAGE || sbi.primary() == null || sbi.primary().bytes() == null
                || !sbi.primary().bytes().faults().isEmpty()) {
            return null;
        }
        long limit = Math.min(size, READ_LIMIT);
        List<String> notes = size > READ_LIMIT ? List.of(cutNote(size)) : List.of();
        MessageDigest md = FileContent.newDigest();
        long x = 0;
        while (x < limit) {
            MapBlocks.Mapping map = MapBlocks.map(sbi, buf, log, inode, x, size - x);
            if (!map.contains(x)) {
                return null;
            }
            long ofs = x - map.la();
            long len = Math.min(map.llen() - ofs, limit - x);
            if (len <= 0) {
                return null;
            }
            if (map.meta()) {
                if (inode.nid() < 0) {
                    return null; // inline data in the metabox
                }
                long off = metaOffset(map) + ofs;
                int in = MetaBuf.inPage(off);
                if (in + len > PAGE) {
                    return null;
                }
                ByteBuffer page = buf.page(off);
                byte[] b = directBuffer((int) len);
                page.get(in, b, 0, (int) len);
                md.update(b, 0, (int) len);
            } else if (map.mapped()) {
                for (long done = 0; done < len; ) {
                    int n = (int) Math.min(DIRECT_CHUNK, len - done);
                    long pa = map.pa() + ofs + done;
                    MapDev.Target t = MapDev.map(sbi, map.deviceId(), pa);
                    ImageBytes dev = t.backing() == null ? null : t.backing().bytes();
                    if (dev == null || !dev.faults().isEmpty() || t.position() < 0 || t.position() + n > dev.size()) {
                        return null;
                    }
                    DeviceRequests.Request rq = new DeviceRequests.Request(map.deviceId(), pa, t);
                    rq.add(0, n);
                    byte[] b = directBuffer(n);
                    if (!io.submit(rq, b)) {
                        return null;
                    }
                    md.update(b, 0, n);
                    done += n;
                }
            } else if (x == 0 && len == limit) {
                return new FileContent(zeroHash(limit), limit, null, notes); // one hole: all zeros
            } else {
                byte[] zeros = new byte[(int) Math.min(DIRECT_CHUNK, len)];
                for (long done = 0; done < len; ) {
                    int n = (int) Math.min(zeros.length, len - done);
                    md.update(zeros, 0, n);
                    done += n;
                }
            }
            x += len;
        }
        return new FileContent(FileContent.hexDigest(md), limit, null, notes);
    }

    /** SHA-256 of runs of zeros by length, the last few ({@link #zeroHash}). */
    private static final java.util.Map<Long, String> ZERO_HASHES = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Long, String> eldest) {
                    return size() > 8;
                }
            });

    /**
     * SHA-256 of {@link #READ_LIMIT} zero bytes, the hash of any hole read to the walk limit
     * (ZeroHashTest computes it with the JDK's digest).
     */
    static final String ZERO_HASH_READ_LIMIT = "49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14";

    /**
     * The SHA-256 of {@code n} zero bytes, computed once per length in a process (a fuzz
     * campaign meets the same 1 GiB hole, cut at {@link #READ_LIMIT}, again and again: 1-2 s of
     * hashing each time).
     */
    static String zeroHash(long n) {
        if (n == READ_LIMIT) {
            return ZERO_HASH_READ_LIMIT;
        }
        String h = ZERO_HASHES.get(n);
        if (h == null) {
            MessageDigest md = FileContent.newDigest();
            byte[] zeros = new byte[(int) Math.min(DIRECT_CHUNK, Math.max(1, n))];
            for (long done = 0; done < n; ) {
                int k = (int) Math.min(zeros.length, n - done);
                md.update(zeros, 0, k);
                done += k;
            }
            h = FileContent.hex(md.digest());
            ZERO_HASHES.put(n, h);
        }
        return h;
    }

    private byte[] directBuffer(int n) {
        if (directBuf == null || directBuf.length < n) {
            directBuf = new byte[Math.max(n, 64 * 1024)];
        }
        return directBuf;
    }

    /** {@code MAX_PAGECACHE_ORDER}'s folio in pages: no folio is larger. */
    private static final int LARGEST_FOLIO_PAGES = 1 << Readahead.MAX_ORDER;


    /**
     * One read of the compressed path ({@code z_erofs_submit_queue}): {@code len} bytes at
     * physical address {@code pa} of the primary's unified address space; see
     * {@link DeviceRequests#readPhysical}.
     *
     * @return the bytes, or null when the I/O failed (the kernel's {@code io->eio})
     */
    public byte[] readPhysical(long pa, int len) {
        return io.readPhysical(pa, len);
    }

    /** Bytes of the primary one {@link #readPhysicalWindowed} refill reads at most. */
    public static final int WINDOW = DeviceRequests.WINDOW;

    /**
     * {@link #readPhysical} for the clean-data direct path ({@code ZDirect}), served from a window
     * of the primary; see {@link DeviceRequests#readPhysicalWindowed}.
     *
     * @return the offset of the bytes in {@link #windowBytes()}, or -1: give up
     */
    public int readPhysicalWindowed(long pa, int len) {
        return io.readPhysicalWindowed(pa, len);
    }

    /** The window of {@link #readPhysicalWindowed} (valid until its next call). */
    public byte[] windowBytes() {
        return io.windowBytes();
    }

    /**
     * One file-backed request of a 6.12/6.13 kernel ({@code erofs_fileio_rq_submit}); see
     * {@link DeviceRequests#readBackingRequest}.
     */
    public int readBackingRequest(long pa, byte[] into) {
        return io.readBackingRequest(pa, into);
    }

    /**
     * Where the bytes of a META extent are read in the metadata buffer: fileio reads at
     * {@code m_pa}; bdev reads through {@code erofs_iomap_begin} ({@link #iomapMetaOffset}).
     */
    long metaOffset(MapBlocks.Mapping map) {
        return fileio ? map.pa() : iomapMetaOffset(sbi, map);
    }

    /**
     * The metadata offset {@code erofs_iomap_begin} reads an inline tail at: 6.17+ at
     * {@code m_pa}; 6.13–6.16 at the {@code m_pa} that {@code erofs_map_dev} returned (without
     * {@code fsoffset}), so a tail whose address lies in an extra device's unified range is
     * read from the primary at the device-relative offset.
     */
    public static long iomapMetaOffset(SbInfo sbi, MapBlocks.Mapping map) {
        if (sbi.kernel().has(Behavior.METABOX)) {
            return map.pa();
        }
        MapDev.Target t = MapDev.map(sbi, map.deviceId(), map.pa());
        boolean fsoff = t.device() == 0 && sbi.kernel().has(Behavior.FSOFFSET_OPTION);
        return t.position() - (fsoff ? sbi.fsoffset() : 0);
    }

    private static void copyMeta(org.erofssim.sb.ErofsBuf buf, long offset, byte[] out, int at, int len) {
        ByteBuffer page = buf.page(offset);
        int in = MetaBuf.inPage(offset);
        int n = Math.max(0, Math.min(len, PAGE - in));
        page.get(in, out, at, n);
    }
}
