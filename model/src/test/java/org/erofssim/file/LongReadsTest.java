package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.erofssim.block.Faults;
import org.erofssim.read.FileContent;
import org.erofssim.read.PageCache;
import org.erofssim.read.PlainReader;
import org.erofssim.sb.ErofsInode;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The three MODEL_HANG findings of the session-7 fuzz campaigns (seed 42; the crafted images
 * {@code fuzz-*} of {@code CraftImages.fuzzLongReads}, the scenarios in
 * {@code fixtures/fuzz-found/scenarios}): one or two bytes of an inode make a file of 64 MiB to
 * 4 GiB, which the kernel reads (hashes below: the live walk on 6.18.44-fc-v1272, its first
 * 1 GiB, recorded in {@code fixtures/fuzz-found/recorded}). The model answers the same, without
 * keeping the file in memory.
 */
@DisplayName("long reads of corrupt i_size values (fuzz MODEL_HANG findings)")
class LongReadsTest {
    static DataReaderTest.Reading reading(String kernel, String crafted) {
        return DataReaderTest.Reading.file(kernel, ErofsImages.read(ZTrees.fixture("crafted/" + crafted)), Faults.NONE);
    }

    @Test
    @DisplayName("334c0e493c2a erofs: avoid reading more for fragment maps")
    void readmoreEncodedOnly() {
        // /many/entry-58: nid 728, all of it a fragment, i_size 9 -> 0x04000009 (64 MiB and 9 bytes: pages 0..16384)
        byte[] first = null;
        for (String k : List.of("6.18", "6.18 -READMORE_ENCODED_ONLY", "6.12.118")) {
            DataReaderTest.Reading r = reading(k, "fuzz-fragment-64m.erofs");
            ErofsInode inode = r.inode(728);
            assertThat(inode.size()).isEqualTo(0x04000009L);
            byte[] page = r.reader().readPage(inode, 0);
            PageCache cache = r.reader().zcache(inode);
            if (k.equals("6.18")) {
                // a fragment map is no pcluster: the first readahead window stays as page_cache_sync_ra made it
                assertThat(cache.at(16384)).as(k).isNull();
                assertThat(cache.at(40)).as(k).isNull();
                first = page;
            } else {
                // before: z_erofs_pcluster_readmore expands the window to the fragment extent's end (the whole file)
                assertThat(cache.at(16384)).as(k).isNotNull();
                assertThat(page).as(k).isEqualTo(first);
            }
            assertThat(ErofsImages.linesAfterMount(r.live())).as(k).isEmpty();
        }
        assertThat(new String(first, 0, 9, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("entry 58\n");
    }

    @Test
    @DisplayName("a 64 MiB fragment reads as its 9 bytes and zeros, with and without the bytes of read folios kept")
    void fragmentExtentFarPastThePackedInode() {
        FileContent kept = null;
        boolean before = DataReader.keepPageCaches;
        try {
            for (boolean keep : new boolean[] {true, false}) {
                DataReader.keepPageCaches = keep;
                for (String k : List.of("6.18", "6.12.118")) {
                    DataReaderTest.Reading r = reading(k, "fuzz-fragment-64m.erofs");
                    FileContent c = r.read(728);
                    // [obs-6.18.44-fc-v1272 fuzz-found/fragment-extent-64m-no-readmore]
                    assertThat(c).as(k + " keep " + keep).isEqualTo(new FileContent(
                            "cc184b22f92b794c52f6d61a52a83a39c214d39a60ecf2fc59c5a3d133cedeed", 67108873, null, List.of()));
                    assertThat(kept == null || kept.equals(c)).isTrue();
                    kept = c;
                }
            }
        } finally {
            DataReader.keepPageCaches = before;
        }
    }

    @Test
    @DisplayName("a 4 GiB hole (FLAT_PLAIN, null start block) hashes as 1 GiB of zeros, cut at the walk limit")
    void holeToTheWalkLimit() {
        // /many/entry-59 of modern/48bit-zstd.erofs: i_format 4 -> 0, i_size 9 -> 0xff000009; nid 1474
        for (String k : List.of("6.18", "7.3")) { // 48-bit layout: 6.15 on
            DataReaderTest.Reading r = reading(k, "fuzz-48bit-zstd-hole-4g.erofs");
            ErofsInode inode = r.inode(1474);
            assertThat(inode.size()).isEqualTo(0xff000009L);
            // [obs-6.18.44-fc-v1272 fuzz-found/hole-isize-4g-48bit-zstd]: SHA-256 of 2^30 zero bytes
            FileContent want = new FileContent("49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14",
                    1L << 30, null, List.of(PlainReader.cutNote(0xff000009L)));
            assertThat(r.reader().readFile(inode)).as(k).isEqualTo(want);
            assertThat(r.reader().readDirect(inode)).as(k + " direct").isEqualTo(want);
        }
    }

    @Test
    @DisplayName("a 2 GiB compressed file whose index lies past the image reads its first GiB as the kernel does")
    void compressedFileCutAtTheWalkLimit() {
        // /text64k of lzma.erofs: nid 879, i_xattr_icount 0xff00, i_size 0x7f010000
        DataReaderTest.Reading r = reading("6.18", "fuzz-lzma-isize-2g.erofs");
        ErofsInode inode = r.inode(879);
        assertThat(inode.size()).isEqualTo(0x7f010000L);
        // [obs-6.18.44-fc-v1272 fuzz-found/read-cut-at-1gib-lzma-isize-2g]
        assertThat(r.reader().readFile(inode)).isEqualTo(new FileContent(
                "bbc9be7da1e105dd522331d9c4457ffedd459c16d32b840442d84b61fab02da7", 1L << 30, null,
                List.of(PlainReader.cutNote(0x7f010000L))));
        assertThat(r.reader().pageCachesHeld()).as("the page cache of a read cut at the limit goes").isZero();
    }

    @Test
    @DisplayName("a 4 GiB DEFLATE file whose index lies past its data reads its first GiB as the lzma one does")
    void deflateFileCutAtTheWalkLimit() {
        // /text64k of crafted/deflate.erofs: nid 879, bytes 28131 and 28139 -> 0xff, i_size 0xff010000
        // (session 8's guided campaigns, a MODEL_HANG row of docs/findings/fuzz-campaigns.md)
        byte[] image = ErofsImages.read(ZTrees.fixture("crafted/deflate.erofs"));
        image[28131] = (byte) 0xff;
        image[28139] = (byte) 0xff;
        DataReaderTest.Reading r = DataReaderTest.Reading.file("6.18", image, Faults.NONE);
        ErofsInode inode = r.inode(879);
        assertThat(inode.size()).isEqualTo(0xff010000L);
        // the same first GiB as /text64k of the lzma image (the same 64 KiB, then zeros), the hash
        // the kernel gave there [obs-6.18.44-fc-v1272 fuzz-found/read-cut-at-1gib-lzma-isize-2g];
        // the kernel was not observed on this image
        assertThat(r.reader().readFile(inode)).isEqualTo(new FileContent(
                "bbc9be7da1e105dd522331d9c4457ffedd459c16d32b840442d84b61fab02da7", 1L << 30, null,
                List.of(PlainReader.cutNote(0xff010000L))));
        assertThat(r.reader().pageCachesHeld()).as("the page cache of a read cut at the limit goes").isZero();
    }
}
