package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.erofssim.block.Faults;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A compressed page whose scan fails with nothing of it pending is unlocked at once, not
 * uptodate ({@code z_erofs_onlinepage_end}), so the readmore of the same request grabs and scans
 * it again; 6.1 logs each such failure as {@code readmore error at page N @ nid M}, which
 * e3157bb55d3e "erofs: refine warning messages for zdata I/Os" (6.6-rc1) dropped
 * ({@link org.erofssim.kernel.Behavior#READMORE_ERRORS_SILENT}). Image: {@code
 * crafted/readmore-packed-bigpcl.erofs}, one file /f4097 (nid 43, two pages, all a fragment)
 * whose packed inode (nid 228) fails every map; recorded in {@code fixtures/backports}
 * ({@code readmore-packed-bigpcl-bdev}) on the five VM kernels and the host's 6.18.44; found as
 * fuzz seed 15 cases 48 and 246 on 6.1.0-57 (docs/readmore-6.1.md).
 */
@DisplayName("readmore rescans a failed page; 6.1 logs it (e3157bb55d3e)")
class ReadmoreRescanTest {
    private static final String PACKED_61 = "z_erofs_read_folio: failed to read, err [-117]";

    private static List<String> log(String kernel) {
        byte[] img = ErofsImages.read(ZTrees.fixture("crafted/readmore-packed-bigpcl.erofs"));
        return MountModel.predict(ErofsImages.bdevMount(kernel, img, Faults.NONE, null, true)).log().stream()
                .map(l -> l.substring(l.indexOf("): ") + 3))
                .filter(l -> !l.contains("per-inode big pcluster") && !l.contains("EXPERIMENTAL") && !l.startsWith("mounted"))
                .toList();
    }

    /**
     * 6.1.0-57 [obs: readmore-packed-bigpcl-bdev]: readahead scans pages 1 and 0 (each a failed
     * packed read), its readmore scans both again; read(2) then runs read_folio on page 0, whose
     * readmore grabs page 1 before the scan of page 0 and pages 1 and 0 after it: five
     * {@code readmore error} lines, nine failed packed reads, one read_folio error.
     */
    @Test
    @DisplayName("e3157bb55d3e: 6.1 logs 'readmore error at page N @ nid M' for each failed rescan")
    void e3157bb55d3eIn66() {
        assertThat(log("6.1")).containsExactly(
                PACKED_61, "z_erofs_readahead: readahead error at page 1 @ nid 43",
                PACKED_61, "z_erofs_readahead: readahead error at page 0 @ nid 43",
                PACKED_61, "z_erofs_pcluster_readmore: readmore error at page 1 @ nid 43",
                PACKED_61, "z_erofs_pcluster_readmore: readmore error at page 0 @ nid 43",
                PACKED_61, "z_erofs_pcluster_readmore: readmore error at page 1 @ nid 43",
                PACKED_61,
                PACKED_61, "z_erofs_pcluster_readmore: readmore error at page 1 @ nid 43",
                PACKED_61, "z_erofs_pcluster_readmore: readmore error at page 0 @ nid 43",
                PACKED_61);
        // the commit alone: 6.12.118 without it logs the four rescans of its order-1 folio
        assertThat(log("6.12.118 -READMORE_ERRORS_SILENT")).filteredOn(l -> l.contains("readmore error"))
                .containsExactly("z_erofs_pcluster_readmore: readmore error at page 1 @ nid 43",
                        "z_erofs_pcluster_readmore: readmore error at page 0 @ nid 43",
                        "z_erofs_pcluster_readmore: readmore error at page 1 @ nid 43",
                        "z_erofs_pcluster_readmore: readmore error at page 0 @ nid 43");
    }

    /**
     * 6.12.118 [obs: readmore-packed-bigpcl-bdev]: /f4097 is one order-1 folio; the readahead's
     * scan fails, its readmore scans the folio twice (pages 1 and 0 both find it), read_folio's
     * scan once and its readmore twice more: six failed packed reads, no readmore line. 6.18.44
     * [obs: the same, on the host] reads no more on a fragment map (334c0e493c2a): two order-0
     * folios, one packed read per scan, three in all.
     */
    @Test
    @DisplayName("6.12 rescans silently; 6.18 does not read more on a fragment map")
    void rescansAfter66() {
        String packed = "z_erofs_read_folio: read error -117 @ 0 of nid 228";
        assertThat(log("6.12.118")).containsExactly(packed, "z_erofs_readahead: readahead error at folio 0 @ nid 43",
                packed, packed, packed, packed, packed, "z_erofs_read_folio: read error -117 @ 0 of nid 43");
        assertThat(log("6.18.44")).containsExactly("read error -117 @ 1 of nid 228", "readahead error at folio 1 @ nid 43",
                "read error -117 @ 0 of nid 228", "readahead error at folio 0 @ nid 43",
                "read error -117 @ 0 of nid 228", "read error -117 @ 0 of nid 43");
    }
}
