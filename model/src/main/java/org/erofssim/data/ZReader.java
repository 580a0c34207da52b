package org.erofssim.data;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.mount.SbInfo;
import org.erofssim.mount.SbLog;

/**
 * The read path of compressed inodes ({@code z_erofs_aops}, fs/erofs/zdata.c) one 4 KiB folio
 * at a time: {@code z_erofs_scan_folio} splits a folio into the extents
 * {@link ZMapBlocks} returns (holes past the end are zero-filled), each extent's pcluster is
 * read (inline pclusters from the metadata buffer, others from the device through
 * {@link DataReader#readPhysical}, {@code z_erofs_submit_queue}) and decompressed
 * ({@link ZDecompress}, {@code z_erofs_decompress_pcluster}).
 *
 * <p><b>Readahead and read_folio.</b> A page is first read as part of readahead
 * ({@code z_erofs_readahead}): the model's readahead window holds the whole extents that
 * overlap the page, so each of their pclusters is decoded in full (its length from
 * {@link ZMapBlocks#GET_BLOCKS_FIEMAP}), with {@code LZ4_decompress_safe} when the extent's
 * last byte maps with {@code FULL_MAPPED} (it ends at the next pcluster's head inside an
 * lcluster) and partially otherwise, as the kernel decides for a window that covers the
 * extent. Decoded extents are kept, so each pcluster is decoded once. A failing extent leaves
 * all its pages in the page cache not uptodate; they are then read one by one with
 * {@code z_erofs_read_folio}, which decodes each overlapping pcluster only up to the end of
 * the page — so a page before the damage inside a damaged pcluster still reads. A scan error
 * logs {@code readahead error at folio N @ nid M} in readahead and {@code read error -E @ N of
 * nid M} in read_folio (both modes: compressed inodes use the same address-space operations
 * in bdev and fileio mode), and read_folio returns the error itself (not EIO).
 *
 * <p><b>LZMA, DEFLATE, ZSTD in read_folio.</b> For these the READMORE map of the folio's last
 * byte says {@code FULL_MAPPED} with the extent's whole length (when it is at least a block),
 * and {@code z_erofs_pcluster_readmore} attaches the extent's following folios too: the extent
 * is decoded whole, as in readahead, so a damaged stream fails every page of its extent, the
 * pages before the damage included (LZ4 decodes only up to the page). The model decodes such an
 * extent as its readahead does; the folio after the extent, which the kernel's backward scan
 * also attaches when the extent ends inside it, is not.
 *
 * <p><b>Queues and errors.</b> As in {@code z_erofs_runqueue}: pclusters that need no I/O
 * (inline ones, and those whose compressed blocks are already in the managed cache) are
 * decoded first, then the others once their I/O completes; an I/O error fails every pcluster
 * of that queue with EIO (nothing is decompressed), and a decompression error fails every later
 * pcluster of its queue without decompressing it. The folio's error is the submitted queue's,
 * else the first queue's, else the scan error.
 *
 * <p><b>Simplifications.</b> The kernel's readahead window is larger (up to 128 pages at a
 * time, and the pcluster cut by the window's end is decoded partially, then again); the data
 * is the same, but the number of {@code failed to decompress} lines and their {@code out[]}
 * sizes can differ on damaged images. Two extents sharing a pcluster in one folio (only in
 * crafted images) are decoded separately. Fragments raise {@link NotModelled}.
 */
final class ZReader {
    /** Decoded extents and compressed pclusters kept between pages (a small LRU each). */
    private static final int CACHE_ENTRIES = 16;
    private static final int PAGE = DataReader.PAGE;

    private final SbInfo sbi;
    private final MetaBuf buf;
    private final SbLog log;
    private final DataReader io;
    private final ZMapBlocks zmap;
    /** The managed cache: compressed pclusters read before, by physical address and length. */
    private final Map<String, byte[]> managed = lru();
    /** Extents decoded in full by a readahead pass: "nid/la" → bytes. */
    private final Map<String, ZDecompress.Decoded> decoded = lru();

    ZReader(SbInfo sbi, MetaBuf buf, SbLog log, DataReader io) {
        this.sbi = sbi;
        this.buf = buf;
        this.log = log;
        this.io = io;
        this.zmap = new ZMapBlocks(sbi, buf, log);
    }

    ZMapBlocks zmap() {
        return zmap;
    }

    /**
     * A folio as the compressed path leaves it: its bytes, or the error that left it not
     * uptodate; {@code stale} (null when none) marks the bytes the kernel left as the page's old
     * contents (an offset-0 LZ4 match in a partial decode, {@link Lz4Block}): undefined, read as 0 here.
     */
    record ZFolio(byte[] data, Errno error, java.util.BitSet stale) {
        boolean uptodate() {
            return error == null;
        }
    }

    /** One attached piece of a folio: {@code [cur, end)} of the folio from extent {@code map}. */
    private record Part(ZMapBlocks.ZMapping map, int cur, int end, long length, boolean full) {}

    private static final class Scan {
        final byte[] out = new byte[PAGE];
        final java.util.BitSet stale = new java.util.BitSet();
        final List<Part> parts = new ArrayList<>(); // in scan order: highest offset first
        final Map<Part, byte[]> inline = new LinkedHashMap<>();
        KernelError error;
    }

    /**
     * {@code z_erofs_read_folio}: one folio on its own (no readahead); logs
     * {@code read error -E @ N of nid M} when it fails.
     */
    ZFolio readFolio(ErofsInode inode, long index) {
        // z_erofs_pcluster_readmore(backmost): a READMORE map of the folio's last byte first
        long readmoreLa = -1;
        try {
            ZMapBlocks.ZMapping more = zmap.map(inode, index * PAGE + PAGE - 1, ZMapBlocks.GET_BLOCKS_READMORE);
            if ((more.flags() & ZMapBlocks.ENCODED) != 0 && more.fullMapped() && isStream(more.algorithm())) {
                readmoreLa = more.la();
            }
        } catch (KernelError e) {
            // logged where the kernel logs it; read_folio goes on with its own scan
        }
        Scan s = scan(inode, index);
        Errno err = decode(inode, index, s, false, readmoreLa);
        if (err == null && s.error != null) {
            err = s.error.errno();
        }
        if (err != null && err != Errno.EINTR) {
            log.err("z_erofs_read_folio", "read error -" + err.number() + " @ " + index + " of nid " + inode.nid());
        }
        return folio(s, err);
    }

    private static ZFolio folio(Scan s, Errno err) {
        return new ZFolio(err == null ? s.out : null, err, err == null && !s.stale.isEmpty() ? s.stale : null);
    }

    /**
     * {@code z_erofs_readahead} for a window made of the extents that overlap page
     * {@code index}; logs {@code readahead error at folio N @ nid M} for a scan error. Pages of
     * an extent that failed to decode are marked not uptodate in {@code io}.
     */
    ZFolio readahead(ErofsInode inode, long index) {
        Scan s = scan(inode, index);
        if (s.error != null && s.error.errno() != Errno.EINTR) {
            log.err("z_erofs_readahead", "readahead error at folio " + index + " @ nid " + inode.nid());
        }
        Errno err = decode(inode, index, s, true, -1);
        if (err == null && s.error != null) {
            err = s.error.errno();
        }
        return folio(s, err);
    }

    /** {@code z_erofs_scan_folio}: the parts of folio {@code index}, from its end backwards. */
    private Scan scan(ErofsInode inode, long index) {
        Scan s = new Scan();
        long pos = index * PAGE;
        int end = PAGE;
        ZMapBlocks.ZMapping map = null;
        long mllen = 0;
        int mflags = 0;
        boolean begun = false;
        while (end > 0) {
            long la = pos + end - 1;
            if (map == null || la < map.la() || la >= map.la() + mllen) {
                try {
                    map = zmap.map(inode, la, 0);
                } catch (KernelError e) {
                    s.error = e;
                    break;
                }
                mllen = map.llen();
                mflags = map.flags();
                begun = false;
                if (mllen <= 0 || la < map.la() || la >= map.la() + mllen) {
                    s.error = new KernelError(Errno.EIO, "map of byte " + la + " of nid " + inode.nid() + " misses it");
                    break;
                }
            }
            int cur = pos > map.la() ? 0 : (int) (map.la() - pos);
            if (!map.mapped()) {
                java.util.Arrays.fill(s.out, cur, end, (byte) 0);
                s.stale.clear(cur, end);
            } else if (map.fragment()) {
                throw new NotModelled("fragment data (packed inode) of nid " + inode.nid());
            } else {
                byte[] page = null;
                if (!begun) {
                    try {
                        page = begin(map);
                    } catch (KernelError e) {
                        s.error = e;
                        break;
                    }
                    begun = true;
                }
                long length = pos + end - map.la();
                boolean full = (mflags & ZMapBlocks.FULL_MAPPED) != 0 && (mflags & ZMapBlocks.PARTIAL_REF) == 0
                        && length == mllen;
                Part p = new Part(map, cur, end, length, full);
                s.parts.add(p);
                if (map.meta()) {
                    s.inline.put(p, page != null ? page : inlinePage(map));
                }
            }
            mllen = pos + cur - map.la();
            mflags &= ~ZMapBlocks.FULL_MAPPED;
            end = cur;
        }
        return s;
    }

    /**
     * {@code z_erofs_pcluster_begin} / {@code z_erofs_register_pcluster}: a pcluster must be
     * encoded and (unless inline) not at block 0; an inline one (6.15+: must fit its page) is
     * read from the metadata buffer now, logging {@code failed to get inline data -E}.
     *
     * @return the inline pcluster's metadata page, else null
     */
    private byte[] begin(ZMapBlocks.ZMapping map) {
        if ((map.flags() & ZMapBlocks.ENCODED) == 0
                || (!map.meta() && (map.pa() >>> sbi.blkszbits()) == 0)) {
            throw new KernelError(Errno.EUCLEAN, "pcluster at block 0 or not encoded");
        }
        if (!map.meta()) {
            return null;
        }
        if (sbi.kernel().has(Behavior.ZMAP_REWORK) && (map.pa() & (PAGE - 1)) + map.plen() > PAGE) {
            throw new KernelError(Errno.EUCLEAN, "inline pcluster crosses its page");
        }
        return inlinePage(map);
    }

    private byte[] inlinePage(ZMapBlocks.ZMapping map) {
        ByteBuffer page;
        try {
            page = buf.page(map.pa());
        } catch (KernelError e) {
            log.err("z_erofs_pcluster_begin", "failed to get inline data -" + e.errno().number());
            throw e;
        }
        byte[] b = new byte[PAGE];
        page.get(0, b, 0, Math.min(PAGE, page.capacity()));
        return b;
    }

    /**
     * {@code z_erofs_runqueue}: decodes the parts' pclusters (lowest offset first) and copies
     * them into the folio. In readahead each pcluster is decoded for its whole extent.
     *
     * @return the queue error, or null when every part decoded
     */
    private Errno decode(ErofsInode inode, long index, Scan s, boolean readahead, long readmoreLa) {
        long pos = index * PAGE;
        List<Part> ascending = new ArrayList<>(s.parts);
        java.util.Collections.reverse(ascending);
        List<Part> bypass = new ArrayList<>();
        List<Part> submit = new ArrayList<>();
        for (Part p : ascending) {
            if (p.map().meta() || managed.containsKey(key(p.map())) || (readahead && decoded.containsKey(dkey(inode, p)))) {
                bypass.add(p);
            } else {
                submit.add(p);
            }
        }
        Map<Part, byte[]> raw = new LinkedHashMap<>();
        boolean eio = false;
        for (Part p : submit) {
            byte[] data = io.readPhysical(p.map().pa(), (int) p.map().plen());
            if (data == null) {
                eio = true;
            } else {
                raw.put(p, data);
                managed.put(key(p.map()), data);
            }
        }
        Errno bypassErr = decodeQueue(inode, pos, s, bypass, raw, readahead, readmoreLa, null);
        Errno submitErr = decodeQueue(inode, pos, s, submit, raw, readahead, readmoreLa, eio ? Errno.EIO : null);
        return submitErr != null ? submitErr : bypassErr;
    }

    /** {@code z_erofs_decompress_queue}: one queue; an error fails the rest of the queue. */
    private Errno decodeQueue(ErofsInode inode, long pos, Scan s, List<Part> queue, Map<Part, byte[]> raw,
                              boolean readahead, long readmoreLa, Errno initial) {
        Errno err = initial;
        for (Part p : queue) {
            if (err != null) {
                if (readahead) {
                    markExtent(inode, p.map().la(), p.map().la() + p.length());
                }
                continue;
            }
            ZDecompress.Decoded data;
            try {
                data = readahead || p.map().la() == readmoreLa ? extent(inode, p, s, raw)
                        : pcluster(p, p.length(), p.full(), s, raw);
            } catch (KernelError e) {
                err = e.errno();
                continue;
            }
            int from = (int) (pos + p.cur() - p.map().la());
            System.arraycopy(data.out(), from, s.out, p.cur(), p.end() - p.cur());
            s.stale.clear(p.cur(), p.end());
            for (int b = data.stale().nextSetBit(from); b >= 0 && b < from + p.end() - p.cur();
                    b = data.stale().nextSetBit(b + 1)) {
                s.stale.set(p.cur() + b - from);
            }
        }
        return err;
    }

    /**
     * A whole extent for readahead: decoded once and kept; on failure its pages are marked.
     * Its length is what a window starting at this page attaches to the pcluster: the
     * following pages are mapped (quietly: these are the model's look-ahead, their log lines
     * come when the walk reaches them) while their last byte still maps into this extent, up
     * to its end; the decode is full when that last map says {@code FULL_MAPPED} for the
     * extent's whole length.
     */
    private ZDecompress.Decoded extent(ErofsInode inode, Part p, Scan s, Map<Part, byte[]> raw) {
        String k = dkey(inode, p);
        ZDecompress.Decoded done = decoded.get(k);
        if (done != null && done.out().length >= p.length()) {
            return done;
        }
        long length = p.length();
        boolean full = p.full();
        ZMapBlocks q = zmap.quiet();
        long la = p.map().la();
        try {
            ZMapBlocks.ZMapping whole = q.map(inode, la, ZMapBlocks.GET_BLOCKS_FIEMAP);
            long end = whole.la() == la ? whole.end() : la + length;
            for (long pageEnd = la + length; pageEnd < end + PAGE && length < end - la; pageEnd += PAGE) {
                long last = Math.min((pageEnd / PAGE + 1) * PAGE, end) - 1;
                ZMapBlocks.ZMapping m = q.map(inode, last, 0);
                if (m.la() != la || !m.mapped()) {
                    break;
                }
                length = last + 1 - la;
                full = m.fullMapped() && (m.flags() & ZMapBlocks.PARTIAL_REF) == 0 && m.llen() == length;
            }
        } catch (KernelError e) {
            // the kernel's window stops attaching at the page whose map fails
        }
        try {
            ZDecompress.Decoded data = pcluster(p, length, full, s, raw);
            decoded.put(k, data);
            return data;
        } catch (KernelError e) {
            markExtent(inode, p.map().la(), p.map().la() + length);
            throw e;
        }
    }

    private void markExtent(ErofsInode inode, long from, long to) {
        for (long i = from / PAGE; i * PAGE < to; i++) {
            io.markNotUptodate(inode, i);
        }
    }

    /** {@code z_erofs_decompress_pcluster}: the first {@code length} bytes of the extent. */
    private ZDecompress.Decoded pcluster(Part p, long length, boolean full, Scan s, Map<Part, byte[]> raw) {
        ZMapBlocks.ZMapping m = p.map();
        byte[] in;
        int pageofsIn;
        if (m.meta()) {
            in = s.inline.get(p);
            pageofsIn = (int) (m.pa() & (PAGE - 1));
        } else {
            in = raw.get(p);
            if (in == null) {
                in = managed.get(key(m));
            }
            if (in == null) {
                throw new KernelError(Errno.EIO, "compressed data of pcluster at " + m.pa() + " not read");
            }
            pageofsIn = 0;
        }
        return ZDecompress.decode(sbi, log, new ZDecompress.Request(in, pageofsIn, (int) m.plen(),
                (int) (m.la() & (PAGE - 1)), (int) length, m.algorithm(), !full));
    }

    /** The algorithms {@code z_erofs_map_blocks_ext} gives whole extents to with READMORE. */
    private static boolean isStream(int algorithm) {
        return algorithm == ZMapBlocks.LZMA || algorithm == ZMapBlocks.DEFLATE || algorithm == ZMapBlocks.ZSTD;
    }

    private static String key(ZMapBlocks.ZMapping m) {
        return m.pa() + "+" + m.plen();
    }

    private static String dkey(ErofsInode inode, Part p) {
        return inode.nid() + "/" + p.map().la();
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHE_ENTRIES;
            }
        };
    }
}
