package org.erofssim.zip;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.read.PageCache;
import org.erofssim.read.PlainReader;
import org.erofssim.sb.NotModelled;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * A pcluster as one request of {@link ZReader} sees it ({@code struct z_erofs_pcluster}) and
 * its decompression step ({@code z_erofs_decompress_pcluster} of fs/erofs/zdata.c): the pages
 * attached to it ({@code struct z_erofs_bvec}), its compressed page slots, the decoder call
 * with the in-place layout it sees, and the copy of the decoded extent into every attached
 * page. Split out of {@link ZReader} along the kernel's own line between the frontend (scan,
 * readmore, queues) and the decompression backend.
 */
final class ZPcluster {
    private static final int PAGE = PlainReader.PAGE;

    /** A compressed page slot served by the managed cache. */
    static final Object CACHED = new Object();
    /** A compressed page slot that is the inode's metadata page (inline pcluster). */
    static final Object META = new Object();
    /** Compressed data whose request returned nothing: the pages' old contents ({@code ZReader}'s batched fileio submit). */
    static final byte[] STALE = new byte[0];

    /** One page of a folio attached to a pcluster ({@code struct z_erofs_bvec}). */
    record Bvec(PageCache.Folio folio, int page, long offset, int end) {}

    final ZMapBlocks.ZMapping map;
    final int pages;
    long length;
    boolean partial = true;
    final List<Bvec> bvecs = new ArrayList<>();
    /** Compressed page slots: null, a file page used in place, {@link #CACHED} or {@link #META}. */
    final Object[] slots;
    byte[] metaPage;
    /** The request whose chain decodes it. */
    ZReader.Frontend owner;
    boolean decoded;

    ZPcluster(ZMapBlocks.ZMapping map) {
        this.map = map;
        int pageofsIn = map.meta() ? (int) (map.pa() & (PAGE - 1)) : 0;
        this.pages = (int) ((pageofsIn + map.plen() + PAGE - 1) / PAGE);
        this.slots = new Object[Math.max(1, pages)];
    }

    boolean inplace() {
        for (Object s : slots) {
            if (s instanceof Bvec) {
                return true;
            }
        }
        return false;
    }

    /** {@code z_erofs_decompress_pcluster}: the first {@code length} bytes of the extent. */
    ZDecompress.Decoded decompress(SbInfo sbi, SbLog log, byte[] in) {
        if (in == null) {
            throw new KernelError(Errno.EIO, "compressed data of pcluster at " + map.pa() + " not read");
        }
        if (in == STALE) {
            throw new NotModelled("the file-backed read of the pcluster at " + map.pa() + " returned no bytes and no"
                    + " error (6.12/6.13 erofs_fileio_ki_complete): the kernel decompresses the pages' old contents");
        }
        ZMapBlocks.ZMapping m = map;
        int pageofsIn = m.meta() ? (int) (m.pa() & (PAGE - 1)) : 0;
        int pageofsOut = (int) (m.la() & (PAGE - 1));
        boolean inplace = inplace();
        if (ZReader.TRACE) {
            System.err.println("[z]   decode pa " + m.pa() + " la " + m.la() + " length " + length + (partial ? " partial" : " full")
                    + (inplace ? " inplace" : ""));
        }
        return ZDecompress.decode(sbi, log, new ZDecompress.Request(in, pageofsIn, (int) m.plen(), pageofsOut,
                (int) length, m.algorithm(), partial, inplace, inplace && inPlaceLayout(pageofsOut), m.pa()));
    }

    /**
     * Whether the in-place compressed pages are the extent's last output pages, in order
     * ({@code rq->out[outpages - inpages + i] == rq->in[i]}); an output page is a bvec's page
     * when that bvec starts at a page boundary of the output and covers its page or the
     * extent's end ({@code z_erofs_do_decompressed_bvec}).
     */
    private boolean inPlaceLayout(int pageofsOut) {
        long outpages = (pageofsOut + length + PAGE - 1) / PAGE;
        for (int i = 0; i < pages; i++) {
            if (!(slots[i] instanceof Bvec in)) {
                return false;
            }
            long j = outpages - pages + i;
            Bvec out = null;
            for (Bvec b : bvecs) {
                long poff = b.offset() + pageofsOut;
                if (poff % PAGE == 0 && (b.end() == PAGE || b.offset() + b.end() == length) && poff / PAGE == j) {
                    out = b;
                    break;
                }
            }
            if (out == null || out.folio() != in.folio() || out.page() != in.page()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies the decoded extent into every attached page ({@code z_erofs_fill_other_copies} for
     * all of them): one array copy per page, then the page's stale marks over that range
     * replaced by the decode's. Zeros over zeros are not copied ({@link #zeros}: a folio
     * still on the shared zero array keeps it).
     */
    void deliver(ZDecompress.Decoded d) {
        for (Bvec b : bvecs) {
            int cur = b.offset() < 0 ? (int) -b.offset() : 0;
            int end = (int) Math.min(length - b.offset(), b.end());
            PageCache.Folio folio = b.folio();
            int base = b.page() * PAGE;
            if (end <= cur || folio.released) { // released: uptodate, its bytes already read
                continue;
            }
            int from = (int) (b.offset() + cur);
            if (!ZReader.ZERO_SKIP || !zeros(d.out(), from, from + end - cur) || !zeros(folio.data, base + cur, base + end)) {
                System.arraycopy(d.out(), from, folio.writable(), base + cur, end - cur);
            }
            if (folio.stale != null) {
                folio.stale.clear(base + cur, base + end);
            }
            for (int at = d.stale().nextSetBit(from); at >= 0 && at < from + end - cur; at = d.stale().nextSetBit(at + 1)) {
                if (folio.stale == null) {
                    folio.stale = new BitSet();
                }
                folio.stale.set(base + cur + at - from);
            }
        }
    }

    private static final byte[] ZERO_PAGE = new byte[PAGE];

    /**
     * Whether bytes {@code [from, to)} of {@code a} are all zeros: the hole's zero fill of
     * {@code z_erofs_scan_folio} (or a copy of decoded zeros into zeros) then changes nothing, and a folio still on the shared zero
     * array keeps it (no array of its own to allocate, fill, and compare again when it ends);
     * issue 15: the fill was the largest single hot spot of a model-only fuzz campaign (long
     * reads of holes in files with an edited size). Its stale marks are cleared all the same.
     */
    static boolean zeros(byte[] a, int from, int to) {
        for (int at = from; at < to; at += PAGE) {
            int n = Math.min(PAGE, to - at);
            if (java.util.Arrays.mismatch(a, at, at + n, ZERO_PAGE, 0, n) >= 0) {
                return false;
            }
        }
        return true;
    }
}
