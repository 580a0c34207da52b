package org.erofssim.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.kernel.Errno;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Readahead} and {@link FilemapRead} with a stand-in filesystem that records each
 * readahead window and read_folio call. Expected windows and folio orders are worked out from
 * mm/readahead.c and mm/filemap.c of 6.18 in the comments; the whole-file case is also what
 * 6.18.44 showed through erofs' log lines ({@code read error -117 @ 36}, {@code @ 96},
 * {@code @ 128}: folio indexes of order 2 and 5 in the second and later windows).
 */
@DisplayName("Readahead and FilemapRead make the kernel's windows of folios")
class ReadaheadTest {
    static final int PAGE = 4096;

    @Test void windowSizesFollowGetInitAndGetNextRaSize() {
        // get_init_ra_size: round up to a power of 2, x4 up to max/32, x2 up to max/4, else max
        assertThat(Readahead.initSize(1, 32)).isEqualTo(4);
        assertThat(Readahead.initSize(3, 32)).isEqualTo(8);
        assertThat(Readahead.initSize(32, 32)).isEqualTo(32);
        assertThat(Readahead.initSize(32, 640)).isEqualTo(64);
        // get_next_ra_size: x4 below max/16, x2 up to max/2, else max
        assertThat(Readahead.nextSize(1, 32)).isEqualTo(4);
        assertThat(Readahead.nextSize(8, 32)).isEqualTo(16);
        assertThat(Readahead.nextSize(32, 32)).isEqualTo(32);
    }

    /** A filesystem whose folios all read fine, except those holding {@code bad}; it records what it was asked. */
    static final class Fs {
        final List<String> calls = new ArrayList<>();
        final long bad;

        Fs(long bad) {
            this.bad = bad;
        }

        void readahead(Readahead.Rac rac) {
            StringBuilder b = new StringBuilder("ra");
            for (PageCache.Folio f : rac.folios) {
                b.append(' ').append(f.index).append('/').append(f.order).append(f.readahead ? "*" : "");
                f.uptodate = !(f.index <= bad && bad < f.next());
            }
            calls.add(b.toString());
        }

        Errno readFolio(PageCache.Folio f) {
            calls.add("read_folio " + f.index);
            return f.index <= bad && bad < f.next() ? Errno.EUCLEAN : null;
        }
    }

    static List<String> readWhole(long size, Fs fs, List<Long> okBytes, List<Errno> errors) {
        PageCache cache = new PageCache();
        FilemapRead r = new FilemapRead(cache, new Readahead.FileRa(32, 32), size, fs::readahead, fs::readFolio, f -> { });
        long pos = 0;
        while (true) {
            FilemapRead.Call c = r.read(pos, 128 * 1024);
            if (c.error() != null) {
                errors.add(c.error());
                break;
            }
            if (c.bytes().length == 0) {
                break;
            }
            pos += c.bytes().length;
            okBytes.add(pos);
        }
        return fs.calls;
    }

    @Test void aWholeFileReadRampsTheFolioOrderUpWindowByWindow() {
        // call 1 at 0: no folio -> page_cache_sync_ra(index 0, 32 pages): size get_init_ra_size(32,
        // 32) = 32, async_size 32 >> 1 = 16, order 0: folios 0..31, PG_readahead on 16. The batch
        // stops at 16 (marked): page_cache_async_ra: 16 == 0 + 32 - 16, so start 32, size 32,
        // order 0 + 2, end 64 aligned to 4, async_size 32: order-2 folios 32..60, mark at 32.
        // Call 2 reaches 32: start 64, order 4: folios 64, 80 (mark 64). Call 3: order 6 capped by
        // ilog2(32) = 5: folio 96 (mark 96); call 4: folio 128, and so on; the last window stops
        // at the page holding the file's last byte, with smaller folios where a big one would
        // pass it (page 244 of a 1000000-byte file: folio 224/4, then 240/2, 244/0).
        List<Long> ok = new ArrayList<>();
        List<String> calls = readWhole(1_000_000, new Fs(-1), ok, new ArrayList<>());
        assertThat(calls.get(0)).startsWith("ra 0/0 1/0").contains(" 16/0* ").endsWith(" 31/0");
        assertThat(calls.get(1)).isEqualTo("ra 32/2* 36/2 40/2 44/2 48/2 52/2 56/2 60/2");
        assertThat(calls.get(2)).isEqualTo("ra 64/4* 80/4");
        assertThat(calls.get(3)).isEqualTo("ra 96/5*");
        assertThat(calls.get(4)).isEqualTo("ra 128/5*");
        assertThat(calls.get(calls.size() - 1)).isEqualTo("ra 224/4* 240/2 244/0");
        assertThat(ok.get(ok.size() - 1)).isEqualTo(1_000_000L);
    }

    @Test void aFailedFolioEndsTheCallShortAndIsReadAgainByTheNext() {
        // page 40 lies in the order-2 folio 40..43 of the second window. Call 2 (128 KiB from
        // page 32) takes folios 32 and 36 and stops at 40 (not uptodate, not first in its
        // batch: -EAGAIN drops it), then, alone in the next batch, read_folio fails: the call
        // returns the 32 KiB it copied. Call 3 starts at 40: read_folio again, the error.
        List<Long> ok = new ArrayList<>();
        List<Errno> err = new ArrayList<>();
        List<String> calls = readWhole(300_000, new Fs(40), ok, err);
        assertThat(ok).containsExactly(131_072L, 163_840L);
        assertThat(err).containsExactly(Errno.EUCLEAN);
        assertThat(calls.stream().filter(c -> c.startsWith("read_folio"))).containsExactly("read_folio 40", "read_folio 40");
    }
}
