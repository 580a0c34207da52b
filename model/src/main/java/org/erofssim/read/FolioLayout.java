package org.erofssim.read;

/**
 * Where a read of an uncompressed file reports its first failure, given the first page that
 * fails: the page cache of 6.18 reads in folios, and {@code page_cache_ra_order} builds large
 * ones from the second readahead window on (erofs sets {@code mapping_set_large_folios}), so a
 * page that fails fails its whole folio, and the bytes returned before the error end at that
 * folio's start, not at the page (observed on 6.18.44 file-backed: a file whose page 73 is cut
 * short returns 262,144 bytes, the start of the order-4 folio 64..79, for 4 KiB, 128 KiB and
 * 1 MiB reads and for mmap; page 47 returns 180,224 = folio 44..47 with 128 KiB reads but
 * 131,072 with 4 KiB reads).
 *
 * <p>The windows depend only on the positions read and the {@code PG_readahead} marks, not on
 * the data, so replaying the read pattern through {@link FilemapRead} and {@link Readahead} over
 * a dataless {@link PageCache} whose only failing folio is the one holding the page gives the
 * kernel's folio layout up to the failure.
 */
public final class FolioLayout {
    private FolioLayout() {}

    /**
     * The byte offset where the kernel's read of a file of {@code isize} bytes reports an error
     * whose first failing page is {@code failPage} (the start of the folio holding it, or of an
     * earlier folio of the same failed read), read with {@code pattern} through a file whose
     * {@code file_ra_state} has {@code raPages} and the BDI {@code ioPages}.
     */
    public static long failureStart(long isize, long failPage, ReadPattern pattern, long raPages, long ioPages) {
        PageCache cache = new PageCache(true);
        Readahead.FileRa ra = new Readahead.FileRa(raPages, ioPages);
        Readahead.Filesystem fs = rac -> {
            for (PageCache.Folio f : rac.folios) {
                f.uptodate = !holds(f, failPage);
                f.locked = false;
            }
        };
        FilemapRead.ReadFolio readFolio = f -> {
            f.uptodate = !holds(f, failPage);
            return null;
        };
        FilemapRead file = new FilemapRead(cache, ra, isize, fs, readFolio, f -> { });
        long failAt = failPage * PageCache.PAGE;
        if (pattern.mmap()) {
            for (long i = 0; i * PageCache.PAGE < isize && i <= failPage; i++) {
                if (file.touch(i) != null) {
                    return i * PageCache.PAGE;
                }
            }
            return failAt;
        }
        long pos = 0;
        while (pos < isize && pos <= failAt) {
            FilemapRead.Call c = file.read(pos, pattern.size());
            if (c.count() == 0) {
                return pos;
            }
            pos += c.count();
        }
        return Math.min(pos, failAt);
    }

    private static boolean holds(PageCache.Folio f, long page) {
        return f.index <= page && page < f.next();
    }
}
