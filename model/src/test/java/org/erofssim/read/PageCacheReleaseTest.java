package org.erofssim.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.erofssim.sb.NotModelled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link PageCache.Folio#release} and {@link PageCache.Folio#shareIfZero}: bounded memory, same decisions. */
class PageCacheReleaseTest {
    @Test
    @DisplayName("a released folio stays in the cache, uptodate, and reading its bytes again is not modelled")
    void releasedFolio() {
        PageCache c = new PageCache();
        PageCache.Folio f = c.add(4, 2);
        f.writable()[5] = 7;
        f.release(); // not uptodate yet: kept
        assertThat(f.released).isFalse();
        f.uptodate = true;
        f.release();
        assertThat(f.released).isTrue();
        assertThat(c.at(6)).isSameAs(f);
        assertThat(c.nextMiss(4, 8)).isEqualTo(8);
        assertThatThrownBy(f::bytes).isInstanceOf(NotModelled.class).hasMessageContaining("page 4");
    }

    @Test
    @DisplayName("stale or locked folios keep their bytes")
    void keptFolios() {
        PageCache c = new PageCache();
        PageCache.Folio stale = c.add(0, 0);
        stale.uptodate = true;
        stale.stale = new java.util.BitSet();
        stale.release();
        PageCache.Folio locked = c.add(1, 0);
        locked.uptodate = true;
        locked.locked = true;
        locked.release();
        assertThat(stale.released).isFalse();
        assertThat(locked.released).isFalse();
        assertThat(stale.bytes()).hasSize(PlainReader.PAGE);
    }

    @Test
    @DisplayName("an all-zero folio shares one zero array and gets its own again before a write")
    void sharedZeros() {
        PageCache c = new PageCache();
        PageCache.Folio a = c.add(0, 1);
        PageCache.Folio b = c.add(2, 1);
        a.shareIfZero();
        b.shareIfZero();
        assertThat(a.bytes()).isSameAs(b.bytes()).hasSize(2 * PlainReader.PAGE);
        a.writable()[1] = 9;
        assertThat(a.bytes()).isNotSameAs(b.bytes());
        assertThat(a.bytes()[1]).isEqualTo((byte) 9);
        assertThat(b.bytes()).containsOnly(0);
        PageCache.Folio d = c.add(4, 0);
        d.writable()[0] = 1;
        d.shareIfZero(); // not all zeros: keeps its array
        assertThat(d.bytes()[0]).isEqualTo((byte) 1);
    }
}
