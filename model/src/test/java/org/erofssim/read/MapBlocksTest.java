package org.erofssim.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.erofssim.testing.ErofsImages.dump;
import static org.erofssim.testing.ErofsImages.mkfs;
import static org.erofssim.testing.ErofsImages.noise;
import static org.erofssim.testing.ErofsImages.write;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.erofssim.block.Faults;
import org.erofssim.inode.Iget;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.SbLog;
import org.erofssim.testing.ErofsImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("MapBlocks maps a logical byte as erofs_map_blocks does")
class MapBlocksTest {
    @TempDir static Path tmp;
    static final byte[] F9000 = noise(9000, 1);
    static final byte[] F20000 = noise(20000, 2);
    static final byte[] SMALL = "hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static Path inline;
    static Path plain;
    static Path chunk4k;
    static Path chunk8k;
    static Path blobbed;
    static Path blob;

    @BeforeAll static void images() {
        ErofsImages.assumeMkfs();
        Path tree = tmp.resolve("tree");
        write(tree.resolve("f9000"), F9000);
        write(tree.resolve("f20000"), F20000);
        write(tree.resolve("small"), SMALL);
        inline = mkfs(tmp.resolve("inline.erofs"), tree);
        plain = mkfs(tmp.resolve("plain.erofs"), tree, "-Enoinline_data");
        chunk4k = mkfs(tmp.resolve("chunk4k.erofs"), tree, "--chunksize=4096");
        chunk8k = mkfs(tmp.resolve("chunk8k.erofs"), tree, "--chunksize=8192");
        blob = tmp.resolve("blob.img");
        blobbed = mkfs(tmp.resolve("blobbed.erofs"), tree, "--chunksize=4096", "--blobdev=" + blob);
    }

    /** A mounted image and the means to map its inodes. */
    record Mapper(MountModel.LiveMount live, SbLog log) {
        static Mapper of(String kernel, byte[] image) {
            MountModel.LiveMount live = ErofsImages.mount(ErofsImages.fileMount(kernel, image, Faults.NONE, null, false));
            return new Mapper(live, new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId()));
        }

        ErofsInode inode(long nid) {
            return Iget.iget(live.sbi(), live.buf(), log, nid);
        }

        MapBlocks.Mapping map(long nid, long la, long len) {
            return MapBlocks.map(live.sbi(), live.buf(), log, inode(nid), la, len);
        }
    }

    static long iloc(ImageEditor ed, long nid) {
        return (ed.get(SuperblockField.META_BLKADDR) << 12) + nid * 32;
    }

    static byte[] le(long v, int width) {
        byte[] b = new byte[width];
        for (int i = 0; i < width; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    @Nested
    @DisplayName("FLAT_PLAIN")
    class FlatPlain {
        @Test void aByteMapsToTheStartBlockPlusItsOffsetUpToTheLastBlockEnd() {
            ErofsImages.Dumped d = dump(plain, "/f9000");
            Mapper m = Mapper.of("6.18", ErofsImages.read(plain));
            long p = d.extents().get(0).physical();
            MapBlocks.Mapping at0 = m.map(d.nid(), 0, 4096);
            assertThat(at0).isEqualTo(new MapBlocks.Mapping(0, 12288, p, MapBlocks.MAPPED, 0));
            MapBlocks.Mapping at5000 = m.map(d.nid(), 5000, 4096);
            assertThat(at5000).isEqualTo(new MapBlocks.Mapping(5000, 12288 - 5000, p + 5000, MapBlocks.MAPPED, 0));
            assertThat(d.extents()).hasSize(1);
            assertThat(d.extents().get(0).length()).isEqualTo(12288);
        }

        @Test void theMappedBytesAreTheFilesBytes() {
            ErofsImages.Dumped d = dump(plain, "/f9000");
            byte[] img = ErofsImages.read(plain);
            MapBlocks.Mapping m = Mapper.of("6.13", img).map(d.nid(), 0, 4096);
            assertThat(Arrays.copyOfRange(img, (int) m.pa(), (int) m.pa() + F9000.length)).isEqualTo(F9000);
        }

        @Test void aByteAtOrPastTheSizeIsAHoleOfTheAskedLength() {
            ErofsImages.Dumped d = dump(plain, "/f9000");
            Mapper m = Mapper.of("6.18", ErofsImages.read(plain));
            assertThat(m.map(d.nid(), 9000, 777)).isEqualTo(new MapBlocks.Mapping(9000, 777, 0, 0, 0));
            assertThat(m.map(d.nid(), 1L << 40, 5).mapped()).isFalse();
        }

        @Test void anAllOnesStartBlockIsAWholeFileHoleFrom615On() {
            ErofsImages.Dumped d = dump(plain, "/f9000");
            ImageEditor ed = ImageEditor.read(plain);
            ed.write(iloc(ed, d.nid()) + 16, le(0xFFFFFFFFL, 4));
            MapBlocks.Mapping newer = Mapper.of("6.18", ed.fixChecksum().bytes()).map(d.nid(), 0, 4096);
            assertThat(newer).isEqualTo(new MapBlocks.Mapping(0, 4096, 0, 0, 0));
            MapBlocks.Mapping older = Mapper.of("6.13", ed.fixChecksum().bytes()).map(d.nid(), 0, 4096);
            assertThat(older.mapped()).isTrue();
            assertThat(older.pa()).isEqualTo(0xFFFFFFFFL << 12);
        }
    }

    @Nested
    @DisplayName("FLAT_INLINE")
    class FlatInline {
        @Test void blocksBeforeTheTailAreMappedAndTheTailIsMetaAfterTheInode() {
            ErofsImages.Dumped d = dump(inline, "/f9000");
            assertThat(d.extents()).hasSize(2);
            Mapper m = Mapper.of("6.18", ErofsImages.read(inline));
            assertThat(m.map(d.nid(), 100, 4096)).isEqualTo(new MapBlocks.Mapping(100, 8092,
                    d.extents().get(0).physical() + 100, MapBlocks.MAPPED, 0));
            MapBlocks.Mapping tail = m.map(d.nid(), 8192, 4096);
            assertThat(tail).isEqualTo(new MapBlocks.Mapping(8192, 808, d.extents().get(1).physical(),
                    MapBlocks.MAPPED | MapBlocks.META, 0));
            MapBlocks.Mapping mid = m.map(d.nid(), 8500, 4096);
            assertThat(mid.pa()).isEqualTo(d.extents().get(1).physical() + 308);
            assertThat(mid.llen()).isEqualTo(500);
        }

        @Test void theTailBytesAreTheFilesLastBytes() {
            ErofsImages.Dumped d = dump(inline, "/f9000");
            byte[] img = ErofsImages.read(inline);
            MapBlocks.Mapping tail = Mapper.of("6.13", img).map(d.nid(), 8192, 4096);
            assertThat(Arrays.copyOfRange(img, (int) tail.pa(), (int) tail.pa() + 808))
                    .isEqualTo(Arrays.copyOfRange(F9000, 8192, 9000));
        }

        @Test void aSmallFileIsAllTail() {
            ErofsImages.Dumped d = dump(inline, "/small");
            MapBlocks.Mapping m = Mapper.of("6.13", ErofsImages.read(inline)).map(d.nid(), 0, 4096);
            assertThat(m).isEqualTo(new MapBlocks.Mapping(0, SMALL.length, d.extents().get(0).physical(),
                    MapBlocks.MAPPED | MapBlocks.META, 0));
        }

        @Test void aTailCrossingItsBlockIsEucleanWithTheKernelsLine() {
            ErofsImages.Dumped d = dump(inline, "/small");
            ImageEditor ed = ImageEditor.read(inline);
            ed.write(iloc(ed, d.nid()) + 8, le(4000, 4)); // i_size: the tail now runs past its block
            Mapper m = Mapper.of("6.18", ed.fixChecksum().bytes());
            ErofsInode ino = m.inode(d.nid());
            assertThatThrownBy(() -> MapBlocks.map(m.live().sbi(), m.live().buf(), m.log(), ino, 0, 4096))
                    .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EUCLEAN));
            assertThat(m.live().log().lines()).last()
                    .isEqualTo("erofs (device erofs): inline data across blocks @ nid " + d.nid());
        }
    }

    @Nested
    @DisplayName("CHUNK_BASED with a 4-byte block map")
    class BlockMap {
        @Test void everyChunkMapsWhereDumpErofsSaysAndIsClippedToTheRoundedSize() {
            for (Path image : List.of(chunk4k, chunk8k)) {
                ErofsImages.Dumped d = dump(image, "/f20000");
                Mapper m = Mapper.of("6.18", ErofsImages.read(image));
                for (ErofsImages.DumpExtent e : d.extents()) {
                    MapBlocks.Mapping got = m.map(d.nid(), e.logical() + 123, 4096);
                    assertThat(got).as(image + " extent at " + e.logical())
                            .isEqualTo(new MapBlocks.Mapping(e.logical(), e.length(), e.physical(), MapBlocks.MAPPED, 0));
                }
            }
        }

        @Test void anAllOnesEntryIsAHoleOfTheChunk() {
            ErofsImages.Dumped d = dump(chunk4k, "/f20000");
            ImageEditor ed = ImageEditor.read(chunk4k);
            long entries = (iloc(ed, d.nid()) + 32 + 3) & ~3L;
            ed.write(entries + 4 * 2, le(0xFFFFFFFFL, 4));
            for (String k : List.of("6.13", "6.18")) {
                Mapper m = Mapper.of(k, ed.fixChecksum().bytes());
                assertThat(m.map(d.nid(), 8192 + 7, 100)).isEqualTo(new MapBlocks.Mapping(8192, 4096, 0, 0, 0));
                assertThat(m.map(d.nid(), 12288, 100).mapped()).isTrue();
            }
        }
    }

    @Nested
    @DisplayName("CHUNK_BASED with 8-byte chunk indexes")
    class ChunkIndexes {
        long entry(ImageEditor ed, long nid, int chunk) {
            return ((iloc(ed, nid) + 32 + 7) & ~7L) + 8L * chunk;
        }

        @Test void chunksMapToTheDeviceDumpErofsNames() {
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            Mapper m = Mapper.of("6.18", ErofsImages.read(blobbed));
            for (ErofsImages.DumpExtent e : d.extents()) {
                assertThat(m.map(d.nid(), e.logical(), 4096)).isEqualTo(
                        new MapBlocks.Mapping(e.logical(), e.length(), e.physical(), MapBlocks.MAPPED, e.device()));
            }
            assertThat(d.extents()).extracting(ErofsImages.DumpExtent::device).containsOnly(1);
        }

        @Test void theDeviceIdIsMaskedByTheSuperblocksDeviceIdMask() {
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            ImageEditor ed = ImageEditor.read(blobbed);
            ed.write(entry(ed, d.nid(), 0) + 2, le(3, 2)); // one extra device: mask 1
            ed.write(entry(ed, d.nid(), 1) + 2, le(2, 2));
            Mapper m = Mapper.of("6.13", ed.fixChecksum().bytes());
            assertThat(m.live().sbi().deviceIdMask()).isEqualTo(1);
            assertThat(m.map(d.nid(), 0, 4096).deviceId()).isEqualTo(1);
            assertThat(m.map(d.nid(), 4096, 4096).deviceId()).isZero();
        }

        @Test void anAllOnesLowWordIsAHoleAndTheHighWordIsIgnoredWithout48BitChunks() {
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            ImageEditor ed = ImageEditor.read(blobbed);
            ed.write(entry(ed, d.nid(), 0) + 4, le(0xFFFFFFFFL, 4));
            ed.write(entry(ed, d.nid(), 1), le(7, 2)); // advise / startblk_hi
            for (String k : List.of("6.13", "6.18")) {
                Mapper m = Mapper.of(k, ed.fixChecksum().bytes());
                assertThat(m.map(d.nid(), 0, 4096).mapped()).isFalse();
                assertThat(m.map(d.nid(), 4096, 4096).pa()).isEqualTo(d.extents().get(1).physical());
            }
        }

        @Test void the48BitChunkFormatAddsTheHighWordFrom615On() {
            ErofsImages.Dumped d = dump(blobbed, "/f20000", "--device=" + blob);
            ImageEditor ed = ImageEditor.read(blobbed);
            long fmtPos = iloc(ed, d.nid()) + 16;
            int fmt = ed.buffer().getShort((int) fmtPos) & 0xFFFF;
            ed.write(fmtPos, le(fmt | 0x40, 2));
            ed.write(entry(ed, d.nid(), 0), le(1, 2));
            ed.write(entry(ed, d.nid(), 1), le(0xFFFF, 2));
            ed.write(entry(ed, d.nid(), 1) + 4, le(0xFFFFFFFFL, 4));
            ed.write(entry(ed, d.nid(), 2) + 4, le(0xFFFFFFFFL, 4));
            Mapper m = Mapper.of("6.18", ed.fixChecksum().bytes());
            assertThat(m.map(d.nid(), 0, 4096).pa()).isEqualTo(((1L << 32) + d.extents().get(0).physical() / 4096) << 12);
            assertThat(m.map(d.nid(), 4096, 4096).mapped()).as("48 one bits").isFalse();
            assertThat(m.map(d.nid(), 8192, 4096).pa()).as("only the low 32 bits set").isEqualTo(0xFFFFFFFFL << 12);
            Mapper old = Mapper.of("6.13", ed.fixChecksum().bytes());
            assertThatThrownBy(() -> old.inode(d.nid())).isInstanceOfSatisfying(KernelError.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP));
            assertThat(old.live().log().lines()).last().asString().contains("unsupported chunk format");
        }
    }
}
