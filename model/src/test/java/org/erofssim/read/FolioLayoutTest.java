package org.erofssim.read;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where a read of an uncompressed 2 MiB file reports the failure of one page, per read pattern:
 * the values were observed on 6.18.44 (file-backed mount of a truncated image, the file's data
 * from image block 1, the first failing page the one the cut falls in; 4 KiB, 128 KiB and 1 MiB
 * {@code read(2)} loops and a page-by-page mmap touch), not produced by the model.
 */
@DisplayName("FolioLayout: the kernel's failure offset per read pattern (observed on 6.18.44)")
class FolioLayoutTest {
    private static final long SIZE = 2L << 20;

    @ParameterizedTest(name = "page {0}, read size {1} (mmap {2}): {3}")
    @CsvSource({
        "5, 4096, false, 16384",
        "5, 131072, false, 20480",
        "5, 1048576, false, 20480",
        "5, 4096, true, 20480",
        "23, 4096, false, 65536",
        "23, 131072, false, 94208",
        "23, 1048576, false, 94208",
        "23, 4096, true, 94208",
        "47, 4096, false, 131072",
        "47, 131072, false, 180224",
        "47, 1048576, false, 180224",
        "47, 4096, true, 180224",
        "73, 4096, false, 262144",
        "73, 131072, false, 262144",
        "73, 1048576, false, 262144",
        "73, 4096, true, 262144",
        "291, 131072, false, 1179648",
        "291, 1048576, false, 1179648",
        "291, 4096, true, 1179648",
        "365, 4096, false, 1441792",
        "365, 131072, false, 1441792",
        "365, 4096, true, 1441792",
    })
    void fileBackedFailureOffset(long page, int size, boolean mmap, long observed) {
        assertThat(FolioLayout.failureStart(SIZE, page, new ReadPattern(size, mmap), PlainReader.RA_PAGES,
                PlainReader.RA_PAGES)).isEqualTo(observed);
    }
}
