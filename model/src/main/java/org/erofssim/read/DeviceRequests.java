package org.erofssim.read;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.SbInfo;

/**
 * The device reads of {@link PlainReader}: a folio's requests ({@code submit_bio} of iomap in bdev
 * mode, {@code erofs_fileio_rq_submit}/{@code vfs_iocb_iter_read} in fileio mode, the cookie's read
 * in fscache mode), the compressed path's reads ({@code z_erofs_submit_queue}) and the window the
 * clean-data direct path reads through. Split from {@link PlainReader} (issue 8's size rule); the
 * device semantics are described there.
 */
final class DeviceRequests {
    private static final int PAGE = PlainReader.PAGE;
    private final SbInfo sbi;
    private final boolean fileio;
    private final boolean direct;

    DeviceRequests(SbInfo sbi, boolean fileio, boolean direct) {
        this.sbi = sbi;
        this.fileio = fileio;
        this.direct = direct;
    }

    /**
     * One read of the compressed path ({@code z_erofs_submit_queue}): {@code len} bytes at
     * physical address {@code pa} of the primary's unified address space ({@code erofs_map_dev}
     * with device 0), with the device semantics of {@link PlainReader#readFolio}'s requests (bdev: the bio
     * fails past the device's end or on an EIO page; fileio: a short read is zero-filled at
     * 6.13 and EIO at 6.18.44).
     *
     * @return the bytes, or null when the I/O failed (the kernel's {@code io->eio})
     */
    byte[] readPhysical(long pa, int len) {
        MapDev.Target t;
        try {
            t = MapDev.map(sbi, 0, pa);
        } catch (KernelError e) {
            return null;
        }
        if (failsAtEod(t, len)) {
            return null; // as submit's bio would, before a len-byte array is made and zeroed again
        }
        byte[] out = new byte[len];
        Request rq = new Request(0, pa, t);
        rq.add(0, len);
        try {
            return submit(rq, out, false) ? out : null;
        } catch (KernelError e) {
            return null; // fscache: the bio of erofs_fscache_submit_bio ends with an error status
        }
    }

    /**
     * Page arrays a whole-file read ({@link PlainReader#readFile}) has hashed and handed back, for
     * the next single-page folio ({@link #zeroPage}): a read of a file of n pages made n new
     * arrays, 16% of what a model-only fuzz campaign allocated (issue 12). At most
     * {@link #SPARE_PAGES} (a readahead window's worth).
     */
    private final java.util.ArrayDeque<byte[]> spare = new java.util.ArrayDeque<>();
    private static final int SPARE_PAGES = PlainReader.RA_PAGES;

    /**
     * Whether a request of {@code len} bytes at {@code t} fails before the device is touched, as
     * {@link #submit}'s {@link #read} finds it (no image bytes; a bio past the device's last whole
     * sector: {@code bio_check_eod}), so {@link #readPhysical} need not make the array it would
     * throw away (a corrupt pcluster length of megabytes, a model-only fuzz case's usual read).
     * Not for fscache, whose cookie read comes first and may change the cache's state.
     */
    private boolean failsAtEod(MapDev.Target t, int len) {
        if (t.backing() == null || t.backing() instanceof DeviceBacking.OfCookie) {
            return false;
        }
        ImageBytes bytes = t.backing().bytes();
        if (bytes == null) {
            return true;
        }
        return blockIo(t.backing()) && pastEod(bytes, t.position(), len);
    }

    /**
     * Whether requests to {@code backing} are bios that {@code bio_check_eod} checks: every
     * request of a block-device mount, and a file-backed mount's requests to block devices.
     */
    private boolean blockIo(DeviceBacking backing) {
        return !fileio || backing instanceof DeviceBacking.OfBdev;
    }

    /** {@code bio_check_eod}: {@code len} bytes at {@code pos} run past the device's last whole 512-byte sector. */
    private static boolean pastEod(ImageBytes bytes, long pos, long len) {
        return pos < 0 || pos + len > (bytes.size() & ~511L);
    }

    /** A page of zeros for a folio's bytes: a handed-back one cleared, or a new one. */
    byte[] zeroPage() {
        byte[] p = spare.pollLast();
        if (p == null) {
            return new byte[PAGE];
        }
        java.util.Arrays.fill(p, (byte) 0);
        return p;
    }

    /**
     * Hands back a page the caller owns alone and will not touch again (a page
     * {@link PlainReader#readPage} returned, once hashed): nothing else holds it.
     */
    void recycle(byte[] page) {
        if (page.length == PAGE && spare.size() < SPARE_PAGES) {
            spare.addLast(page);
        }
    }

    /** Bytes of the primary one {@link #readPhysicalWindowed} refill reads at most. */
    public static final int WINDOW = 128 * 1024;
    private byte[] window;
    private ImageBytes windowOf;
    private long windowPos;
    private int windowLen;
    /**
     * Bytes the next refill reads: {@link #WINDOW} while refilled windows serve further requests
     * (pclusters read in disk order), down to {@link #WINDOW_MIN} while they do not (files read in
     * another order than their data lies: a 4 KiB pcluster then costs no 128 KiB read).
     */
    private int windowWant = WINDOW;
    private int windowHits;
    static final int WINDOW_MIN = 16 * 1024;

    /**
     * {@link #readPhysical} for the clean-data direct path ({@code ZDirect}, issue 12): the same
     * bytes, served from a window of up to {@link #WINDOW} bytes of the primary that one positional
     * read fills (a pcluster of 4 KiB is one {@code pread(2)} and two arrays less; smaller windows
     * while windows serve no further request, see {@link #windowWant}), answered only
     * where {@link #readPhysical}'s request cannot fail or come back short: device 0 of the
     * primary, not fscache, no injected faults, the whole range on the device (bdev: within its
     * 512-byte-sector capacity, as {@code bio_check_eod}). Stands for no kernel function.
     *
     * @return the offset of the bytes in {@link #windowBytes()}, or -1: give up (the caller's full
     *         model reads it)
     */
    int readPhysicalWindowed(long pa, int len) {
        if (len <= 0 || len > WINDOW) {
            return -1;
        }
        MapDev.Target t;
        try {
            t = MapDev.map(sbi, 0, pa);
        } catch (KernelError e) {
            return -1;
        }
        if (t.device() != 0 || t.backing() == null || t.backing() instanceof DeviceBacking.OfCookie) {
            return -1;
        }
        ImageBytes bytes = t.backing().bytes();
        if (bytes == null || !bytes.faults().isEmpty()) {
            return -1;
        }
        long pos = t.position();
        // submit(): bdev requests end at the device's capacity in whole sectors, fileio at its size
        long limit = blockIo(t.backing()) ? bytes.size() & ~511L : bytes.size();
        if (pos < 0 || pos + len > limit) {
            return -1;
        }
        if (bytes == windowOf && pos >= windowPos && pos + len <= windowPos + windowLen) {
            windowHits++;
            return (int) (pos - windowPos);
        }
        if (window == null) {
            window = new byte[WINDOW];
        } else {
            windowWant = windowHits > 0 ? Math.min(WINDOW, windowWant * 2) : Math.max(WINDOW_MIN, windowWant / 4);
        }
        windowHits = 0;
        int want = (int) Math.min(Math.max(windowWant, len), limit - pos);
        windowOf = null;
        int n = bytes.read(pos, window, 0, want);
        if (n < len) {
            return -1;
        }
        windowOf = bytes;
        windowPos = pos;
        windowLen = n;
        return 0;
    }

    /** The window of {@link #readPhysicalWindowed} (valid until its next call). */
    byte[] windowBytes() {
        return window;
    }

    /**
     * One file-backed request of a 6.12/6.13 kernel ({@code erofs_fileio_rq_submit}:
     * {@code vfs_iocb_iter_read} of the backing file into the request's pages): how many bytes
     * the read returned, {@code 0} at the file's end, or {@code -1} for an error. The bytes read
     * are in {@code into} from index 0; the rest is left as it was.
     */
    int readBackingRequest(long pa, byte[] into) {
        MapDev.Target t;
        try {
            t = MapDev.map(sbi, 0, pa);
        } catch (KernelError e) {
            return -1;
        }
        ImageBytes bytes = t.backing().bytes();
        if (bytes == null) {
            return -1;
        }
        try {
            return backingRead(t.backing(), bytes, t.position(), into);
        } catch (KernelError e) {
            return -1;
        }
    }

    /** A pending read request: pieces of the folio that are contiguous on one device. */
    static final class Request {
        final int deviceId;
        final MapDev.Target target;
        final List<int[]> pieces = new ArrayList<>();
        long nextPa;
        int length;

        Request(int deviceId, long pa, MapDev.Target target) {
            this.deviceId = deviceId;
            this.nextPa = pa;
            this.target = target;
        }

        void add(int at, int len) {
            pieces.add(new int[] {at, len});
            nextPa += len;
            length += len;
        }

        /** Where the pieces start in the folio when they are one run of it (each where the last ends), else -1. */
        int contiguousAt() {
            int start = pieces.get(0)[0];
            int end = start;
            for (int[] p : pieces) {
                if (p[0] != end) {
                    return -1;
                }
                end += p[1];
            }
            return start;
        }
    }

    /**
     * Submits a request; false when it failed (the folio then is not uptodate). fscache: a read
     * the cookie's cache does not answer throws its errno ({@link
     * org.erofssim.sb.FscacheCache#read}, {@code erofs_fscache_read_io_async}).
     */
    boolean submit(Request rq, byte[] out) {
        return submit(rq, out, true);
    }

    /**
     * {@link #submit(Request, byte[])}; {@code keep} false: the caller throws {@code out} away when
     * the request fails, so its pieces need not be zeros again.
     */
    private boolean submit(Request rq, byte[] out, boolean keep) {
        if (rq.target.backing() instanceof DeviceBacking.OfCookie c) {
            c.cache().read(c);
        }
        ImageBytes bytes = rq.target.backing().bytes();
        if (bytes == null) {
            return false;
        }
        // the request's pieces one run of out (no hole or inline piece between them, the usual
        // case): the device's bytes go straight there, not through a request buffer (issue 12);
        // out is zeros there until now, and is zeros again if the request fails
        int direct = rq.contiguousAt();
        byte[] data = direct >= 0 ? out : new byte[rq.length];
        int at = direct >= 0 ? direct : 0;
        int r = read(rq, bytes, data, at, out);
        if (r != OK) {
            if (direct >= 0 && keep && r == FAILED_WRITTEN) {
                java.util.Arrays.fill(out, direct, direct + rq.length, (byte) 0);
            }
            return false;
        }
        return true;
    }

    /** {@link #read}'s answers: the request read; failed before a byte was written; failed after. */
    private static final int OK = 0;
    private static final int FAILED_UNTOUCHED = 1;
    private static final int FAILED_WRITTEN = 2;

    /**
     * The device read of {@link #submit}: the request's bytes into {@code data[at..]}, then (when
     * {@code data} is not the folio's own array, {@code at} 0) copied to its pieces of {@code out}:
     * {@link #OK}, or how it failed ({@link #FAILED_UNTOUCHED}: {@code data} as it was).
     */
    private int read(Request rq, ImageBytes bytes, byte[] data, int at, byte[] out) {
        long pos = rq.target.position();
        int n;
        if (blockIo(rq.target.backing())) {
            if (pastEod(bytes, pos, rq.length)) {
                return FAILED_UNTOUCHED; // "attempt to access beyond end of device"
            }
            try {
                bytes.read(pos, data, at, rq.length); // short (truncated loop file): zero-filled
            } catch (KernelError e) {
                return FAILED_WRITTEN;
            }
            n = rq.length;
        } else {
            try {
                n = backingRead(rq.target.backing(), bytes, pos, data, at, rq.length);
            } catch (KernelError e) {
                return FAILED_WRITTEN;
            }
            if (n < rq.length && sbi.kernel().has(Behavior.FILEIO_SHORT_READ_EIO)) {
                return n == 0 ? FAILED_UNTOUCHED : FAILED_WRITTEN;
            }
        }
        if (data == out) {
            return OK; // read in place; past n (a short read) out keeps its zeros
        }
        int done = 0;
        for (int[] p : rq.pieces) {
            int copy = Math.max(0, Math.min(p[1], n - done));
            System.arraycopy(data, done, out, p[0], copy);
            done += p[1];
        }
        return OK;
    }

    /**
     * {@code vfs_iocb_iter_read} on a device file: direct reads fail as a whole on an EIO page;
     * buffered reads ({@code filemap_read} of the backing file) return what precedes it.
     */
    private int backingRead(DeviceBacking backing, ImageBytes bytes, long pos, byte[] data) {
        return backingRead(backing, bytes, pos, data, 0, data.length);
    }

    /** {@link #backingRead(DeviceBacking, ImageBytes, long, byte[])} of {@code len} bytes into {@code data[at..]}. */
    private int backingRead(DeviceBacking backing, ImageBytes bytes, long pos, byte[] data, int at, int len) {
        if (pos < 0) {
            throw new KernelError(Errno.EINVAL, "negative position");
        }
        if (direct && canDirect(backing)) {
            return bytes.read(pos, data, at, len);
        }
        int total = 0;
        while (total < len) {
            long p = pos + total;
            int chunk = (int) Math.min(len - total, PAGE - (p % PAGE));
            int n;
            try {
                n = bytes.read(p, data, at + total, chunk);
            } catch (KernelError e) {
                if (total > 0) {
                    return total;
                }
                throw e;
            }
            total += n;
            if (n < chunk) {
                break;
            }
        }
        return total;
    }

    /** {@code FMODE_CAN_ODIRECT} of a device file on its backing filesystem. */
    private static boolean canDirect(DeviceBacking backing) {
        if (backing instanceof DeviceBacking.OfFile f) {
            BackingFs fs = f.file().fs();
            return fs == BackingFs.EXT4 || fs == BackingFs.TMPFS || fs == BackingFs.EROFS_BDEV;
        }
        return false;
    }
}
