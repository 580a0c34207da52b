package org.erofssim.read;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.kernel.Errno;

/**
 * {@code read(2)} of one open file of a compressed inode through the page cache (mm/filemap.c
 * of 6.18): {@code filemap_read} copies batches that {@code filemap_get_pages} collects, one
 * folio at a time, and records {@code ra->prev_pos}.
 *
 * <p>{@code filemap_get_pages}: {@code filemap_get_read_batch} takes the folios from the read
 * position on while they are uptodate, up to and including the first one that is not or that
 * carries {@code PG_readahead}; an empty batch starts {@code page_cache_sync_ra} and looks
 * again (still empty: {@code filemap_create_folio}, an order-0 folio read by read_folio); a
 * marked last folio starts {@code page_cache_async_ra} ({@code filemap_readahead}); a last
 * folio not uptodate is dropped from a longer batch (the next round starts with it: 6.18's
 * {@code -EAGAIN} for batches of more than one) or, alone, goes to {@code
 * filemap_update_page}, whose {@code filemap_read_folio} returns read_folio's error as it is
 * (the folio may even be uptodate by then) or EIO for a folio read_folio left not uptodate.
 * A failure after bytes were copied ends the call with those bytes; the next call starts at
 * the failing folio. Before 6.18 ({@link #updatesBatchEnd}) the last folio of a longer batch
 * goes to {@code filemap_update_page} too.
 */
public final class FilemapRead {
    static final int PAGE = PlainReader.PAGE;

    /** The filesystem's {@code read_folio}: 0 (null) or the error it returns. */
    public interface ReadFolio {
        Errno readFolio(PageCache.Folio folio);
    }

    /**
     * The bytes one {@code read(2)} returned, or its error when it returned none; {@code count}
     * is how many bytes it returned (the bytes themselves are empty for a dataless cache).
     */
    public record Call(byte[] bytes, Errno error, long count) {}

    /** Bytes a call over a dataless cache returned, not copied. */
    private long counted;

    /**
     * Where a {@link #read} hashes the bytes it returns instead of copying them out (its
     * {@link Call} then has their count and no bytes), or null: a whole-file read that only hashes
     * them needs no copy of each call (issue 12: the call's buffer was 2% of a model-only fuzz
     * campaign's allocations). The bytes are hashed in the order a copy would hold them.
     */
    public java.security.MessageDigest hashInto;
    private static final byte[] NONE = new byte[0];

    /**
     * {@code filemap_get_pages} without "mm/filemap: skip non-uptodate folio if there are
     * available folios" ({@link org.erofssim.kernel.Behavior#FILEMAP_READ_STOPS_AT_FAILED_FOLIO}
     * absent: 6.1, 6.12): a last folio not uptodate at the end of a batch of more than one goes to
     * {@code filemap_update_page} as a lone one does. A folio still locked by a read in flight is
     * waited for and dropped ({@code folio_put_wait_locked}, {@code AOP_TRUNCATED_PAGE}); an
     * unlocked one is read by {@code filemap_read_folio}, and dropped from the batch when that
     * fails, so a failing read_folio runs once more in the same call than on 6.18
     * [obs-6.12.107, obs-6.12.118, file-backed: the read error line three times, not twice].
     */
    public boolean updatesBatchEnd;

    private final PageCache cache;
    private final Readahead.FileRa ra;
    private final long isize;
    private final Readahead readahead;
    private final ReadFolio fs;
    /** Waits for the read that holds a folio locked (the reader sleeping on it). */
    private final java.util.function.Consumer<PageCache.Folio> settle;
    /** Folios copied out, in order, with the file range they gave (for stale-byte accounting). */
    public final List<long[]> copied = new ArrayList<>();
    public final List<PageCache.Folio> copiedFolios = new ArrayList<>();

    public FilemapRead(PageCache cache, Readahead.FileRa ra, long isize, Readahead.Filesystem ahead, ReadFolio fs,
                java.util.function.Consumer<PageCache.Folio> settle) {
        this.settle = settle;
        this.cache = cache;
        this.ra = ra;
        this.isize = isize;
        this.readahead = new Readahead(cache, ra, isize, ahead);
        this.fs = fs;
    }

    /**
     * A touch of page {@code index} of the mapping: no fault where an uptodate folio without
     * {@code PG_readahead} holds it (fault-around or an earlier fault of the folio mapped it;
     * the model counts no {@code mmap_miss} for it), else {@link #fault}.
     */
    public Errno touch(long index) {
        PageCache.Folio f = cache.at(index);
        if (f != null && f.uptodate && !f.readahead) {
            return null;
        }
        return fault(index);
    }

    /**
     * {@code filemap_fault} of a read-only shared mapping at page {@code index} (inside
     * {@code i_size}): a folio found there goes through {@code do_async_mmap_readahead}, none
     * through {@code do_sync_mmap_readahead} (read-around) and, still none, an order-0 folio is
     * created; a folio not uptodate once its read ended is read once by {@code read_folio}
     * ({@code page_not_uptodate}), whose error (EIO for a folio left not uptodate) is the
     * fault's {@code VM_FAULT_SIGBUS}. The first attempt lets go of the mmap lock for that read
     * ({@code maybe_unlock_mmap_for_io} in {@code page_not_uptodate}), so it ends in
     * {@code VM_FAULT_RETRY} and the retried fault reads the folio once more: a failing
     * read_folio runs twice [obs-6.18.44: a truncated LZ4HC file logs its {@code read error}
     * line twice under mmap, once under read(2)]. Fault-around ({@code filemap_map_pages}) maps uptodate
     * folios without faults and reads nothing, so it changes no outcome and is not modelled.
     *
     * @return null when the page is mapped, else the error of the failed read
     */
    public Errno fault(long index) {
        PageCache.Folio f = cache.at(index);
        if (f != null) {
            readahead.mmapAsync(f);
        } else {
            readahead.readAround(index);
            f = cache.at(index);
            if (f == null) {
                f = cache.add(index, 0);
            }
        }
        settle.accept(f);
        if (f.uptodate) {
            return null;
        }
        Errno e = readFolio(f);
        // page_not_uptodate let go of the mmap lock for that read (maybe_unlock_mmap_for_io):
        // VM_FAULT_RETRY, and the second attempt (FAULT_FLAG_TRIED: no async readahead, the lock
        // kept) finds the folio and, still not uptodate, reads it again; that read's error is
        // the SIGBUS
        if (f.uptodate) {
            return null;
        }
        Errno again = readFolio(f);
        return again != null ? again : e;
    }

    /** {@code filemap_read}: one {@code read(2)} of {@code count} bytes at {@code pos}. */
    public Call read(long pos, int count) {
        boolean hash = hashInto != null && !cache.dataless();
        if (hash && pos == 0 && hashInto instanceof Sha256Memo m) {
            m.expect(isize); // a whole-file read's digest: its buffer sized once, not grown by copies
        }
        byte[] out = cache.dataless() || hash ? NONE : new byte[(int) Math.max(0, Math.min(count, isize - pos))];
        int outLen = 0;
        long lastPos = ra.prevPos;
        long remaining = count;
        Errno error = null;
        do {
            if (pos >= isize) {
                break;
            }
            Batch b = getPages(pos, remaining);
            if (b.error != null) {
                error = b.error;
                break;
            }
            long endOffset = Math.min(isize, pos + remaining);
            for (PageCache.Folio f : b.folios) {
                long fsize = f.size();
                long offset = pos & (fsize - 1);
                long bytes = Math.min(endOffset - pos, fsize - offset);
                if (endOffset < f.pos()) {
                    break;
                }
                if (f.bytes().length > 0) {
                    if (hash) {
                        hashInto.update(f.data, (int) offset, (int) bytes);
                    } else {
                        System.arraycopy(f.data, (int) offset, out, outLen, (int) bytes);
                    }
                    outLen += (int) bytes;
                } else {
                    counted += bytes; // a dataless cache (FolioLayout): only the count
                }
                copied.add(new long[] {pos, bytes, offset});
                copiedFolios.add(f);
                pos += bytes;
                remaining -= bytes;
                lastPos = pos;
            }
        } while (remaining > 0 && pos < isize);
        ra.prevPos = lastPos;
        if (hash) {
            return new Call(NONE, outLen > 0 ? null : error, outLen);
        }
        byte[] bytes = outLen == out.length ? out : java.util.Arrays.copyOf(out, outLen);
        if (counted > 0) {
            long n = counted;
            counted = 0;
            return new Call(new byte[0], null, n);
        }
        return new Call(bytes, bytes.length > 0 ? null : error, bytes.length);
    }

    private record Batch(List<PageCache.Folio> folios, Errno error) {}

    /** {@code filemap_get_pages}. */
    private Batch getPages(long pos, long count) {
        long index = pos / PAGE;
        long lastIndex = (pos + count + PAGE - 1) / PAGE;
        List<PageCache.Folio> batch = readBatch(index, lastIndex - 1);
        if (batch.isEmpty()) {
            readahead.syncRa(index, lastIndex - index);
            PageCache.Folio first = cache.at(index);
            if (first != null) {
                settle.accept(first);
            }
            batch = readBatch(index, lastIndex - 1);
        }
        if (batch.isEmpty()) {
            // filemap_create_folio: an order-0 folio read through read_folio
            PageCache.Folio f = cache.add(index, 0);
            Errno e = readFolio(f);
            if (e != null) {
                return new Batch(List.of(), e);
            }
            return new Batch(List.of(f), null);
        }
        PageCache.Folio last = batch.get(batch.size() - 1);
        if (last.readahead) {
            readahead.asyncRa(last, lastIndex - last.index);
        }
        boolean inFlight = last.locked; // filemap_update_page's folio_trylock fails on it
        settle.accept(last);
        if (!last.uptodate) {
            if (batch.size() > 1) {
                if (!updatesBatchEnd || inFlight || readFolio(last) != null) {
                    batch.remove(batch.size() - 1);
                }
                return new Batch(batch, null);
            }
            Errno e = readFolio(last);
            if (e != null) {
                return new Batch(List.of(), e);
            }
        }
        return new Batch(batch, null);
    }

    /**
     * {@code filemap_read_folio}: read_folio's error, else EIO for a folio left not uptodate
     * (and the file's readahead size divided by 4, {@code shrink_readahead_size_eio}).
     */
    private Errno readFolio(PageCache.Folio f) {
        f.locked = true;
        Errno e = fs.readFolio(f);
        f.locked = false;
        if (e != null) {
            return e;
        }
        if (f.uptodate) {
            return null;
        }
        ra.raPages /= 4; // shrink_readahead_size_eio
        return Errno.EIO;
    }

    /** {@code filemap_get_read_batch}. */
    private List<PageCache.Folio> readBatch(long index, long max) {
        List<PageCache.Folio> batch = new ArrayList<>();
        long i = index;
        while (i <= max) {
            PageCache.Folio f = cache.at(i);
            if (f == null) {
                break;
            }
            batch.add(f);
            if (!f.uptodate || f.readahead) {
                break;
            }
            i = f.next();
        }
        return batch;
    }
}
