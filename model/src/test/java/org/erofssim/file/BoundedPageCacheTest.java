package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.erofssim.read.FileContent;
import org.erofssim.sb.ErofsInode;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a compressed regular file read whole and clean leaves no page cache behind in the
 * reader (memory bounded by the file in flight, not by the image); a read that failed keeps its
 * cache, as the full model does, since what a later read of that inode sees depends on it.
 * Equality of outcomes with and without the drop: {@code StreamingVerifyProperties}.
 */
class BoundedPageCacheTest {
    private final boolean before = DataReader.keepPageCaches;

    @AfterEach
    void restore() {
        DataReader.keepPageCaches = before;
    }

    /** text64k of fixtures/images/lz4.erofs (nid 879): 64 KiB of compressed text. */
    static final long TEXT64K = 879;

    @Test
    void aCleanCompressedFileLeavesNoPageCache() {
        byte[] img = ErofsImages.read(ZTrees.fixture("lz4.erofs"));
        for (boolean bdev : List.of(false, true)) {
            for (boolean keep : List.of(false, true)) {
                DataReader.keepPageCaches = keep;
                ZTrees.Live live = ZTrees.mount("6.18", img, bdev);
                DataReader r = new DataReader(live.sbi(), live.buf(), live.sblog());
                ErofsInode text = live.inode(TEXT64K);
                FileContent c = r.readFile(text);
                assertThat(c.errno()).isNull();
                assertThat(c.okBytes()).isEqualTo(65536);
                assertThat(r.pageCachesHeld()).as("bdev %s keep %s", bdev, keep).isEqualTo(keep ? 1 : 0);
                // read again from a fresh cache: the same bytes
                assertThat(r.readFile(text)).isEqualTo(c);
            }
        }
    }

    @Test
    void aFailedReadKeepsItsPageCache() {
        DataReader.keepPageCaches = false;
        byte[] img = ErofsImages.read(ZTrees.fixture("lz4.erofs"));
        // text64k is one 4 KiB pcluster at block 7: zeroed, it fails to decompress (EUCLEAN)
        byte[] bad = org.erofssim.ondisk.ImageEditor.of(img).write(28672, new byte[4096]).bytes();
        ZTrees.Live live = ZTrees.mount("6.18", bad, false);
        DataReader r = new DataReader(live.sbi(), live.buf(), live.sblog());
        FileContent c = r.readFile(live.inode(TEXT64K));
        assertThat(c.errno()).isNotNull();
        assertThat(r.pageCachesHeld()).isEqualTo(1);
    }
}
