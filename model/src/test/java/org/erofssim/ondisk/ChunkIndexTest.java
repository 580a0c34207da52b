package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("ChunkIndex")
class ChunkIndexTest {

    @Nested
    @DisplayName("decoding bytes placed by hand")
    class Decode {
        @Test
        @DisplayName("reads u16 startblk_hi (advise) @0, u16 device id @2, u32 startblk_lo @4")
        void fields() {
            ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort(8, (short) 0x1234).putShort(10, (short) 0xFFFF).putInt(12, 0xFFFFFFFF);
            ChunkIndex c = ChunkIndex.decode(b, 8);
            assertThat(c.startblkHi()).isEqualTo(0x1234);
            assertThat(c.deviceId()).isEqualTo(0xFFFF);
            assertThat(c.startblkLo()).isEqualTo(ChunkIndex.NULL_ADDR).isEqualTo(0xFFFFFFFFL);
            assertThat(c.encode()).isEqualTo(java.util.Arrays.copyOfRange(b.array(), 8, 16));
        }

        @Test
        @DisplayName("a block map entry is a plain u32")
        void blockMap() {
            byte[] raw = {1, 0, 0, (byte) 0x80, 9};
            assertThat(ChunkIndex.blockMapEntry(Fixtures.le(raw), 0)).isEqualTo(0x80000001L);
            assertThat(ChunkIndex.blockMapEntry(Fixtures.le(raw), 2)).isEqualTo(0x0980_00L);
        }

        @Test
        @DisplayName("chunk format constants follow spec §7.2: 0x1F size bits, 0x20 indexes, 0x40 48-bit")
        void constants() {
            assertThat(ChunkIndex.FORMAT_BLKBITS_MASK).isEqualTo(0x1F);
            assertThat(ChunkIndex.FORMAT_INDEXES).isEqualTo(0x20);
            assertThat(ChunkIndex.FORMAT_48BIT).isEqualTo(0x40);
        }

        @Test
        @DisplayName("never throws past the end of the buffer")
        void robust() {
            assertThatCode(() -> ChunkIndex.decode(Fixtures.le(new byte[3]), 1)).doesNotThrowAnyException();
            assertThatCode(() -> ChunkIndex.blockMapEntry(Fixtures.le(new byte[3]), Integer.MAX_VALUE)).doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("the chunks of /f9000 in fixture images, against dump.erofs -e")
    class VsDumpErofs {
        @BeforeEach
        void needsDump() {
            Fixtures.assumeTool("dump.erofs");
        }

        private static final Pattern EXT = Pattern.compile(
                "^\\s*\\d+:\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+) :\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+)(?:\\s+# device (\\d+))?\\s*$");

        @ParameterizedTest(name = "{0}")
        @CsvSource({"chunked4k.erofs", "chunked8k.erofs", "multidev.erofs"})
        @DisplayName("entries give the physical block and device of each extent")
        void chunks(String imageName) {
            var image = Fixtures.image(imageName);
            Fixtures.Run run = Fixtures.dumpErofs(image, "-e", "--path=/f9000");
            assertThat(run.exit()).as(run.stderr()).isZero();
            List<long[]> extents = new ArrayList<>();   // {logical start, physical start, device}
            for (String line : run.stdout().split("\\R")) {
                Matcher m = EXT.matcher(line);
                if (m.matches()) {
                    extents.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(4)),
                        m.group(7) == null ? 0 : Long.parseLong(m.group(7))});
                }
            }
            assertThat(extents).isNotEmpty();
            long nid = Long.parseLong(Fixtures.fields(run.stdout()).get("NID"));

            ByteBuffer buf = Fixtures.buffer(image);
            Superblock sb = Superblock.decode(buf);
            int bs = 1 << sb.blkszbits();
            long iloc = sb.metaBlkaddr() * bs + nid * 32;
            InodeRecord ino = InodeRecord.decode(buf, (int) iloc);
            assertThat(ino.layout()).contains(DataLayout.CHUNK_BASED);
            int fmt = ino.chunkFormat();
            int chunkbits = sb.blkszbits() + (fmt & ChunkIndex.FORMAT_BLKBITS_MASK);
            boolean indexes = (fmt & ChunkIndex.FORMAT_INDEXES) != 0;
            int unit = indexes ? ChunkIndex.SIZE : ChunkIndex.BLOCK_MAP_ENTRY_SIZE;
            long first = (iloc + ino.isize() + ino.xattrIbodySize() + unit - 1) / unit * unit;
            for (long[] e : extents) {
                long chunknr = e[0] >> chunkbits;
                int at = (int) (first + unit * chunknr);
                long blk;
                long dev;
                if (indexes) {
                    ChunkIndex ci = ChunkIndex.decode(buf, at);
                    blk = ci.startblkLo();
                    dev = ci.deviceId();
                } else {
                    blk = ChunkIndex.blockMapEntry(buf, at);
                    dev = 0;
                }
                assertThat(blk * bs).as("physical start of chunk %d", chunknr).isEqualTo(e[1]);
                assertThat(dev).as("device of chunk %d", chunknr).isEqualTo(e[2]);
            }
        }
    }
}
