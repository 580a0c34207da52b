package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("InodeRecord")
class InodeRecordTest {

    /** A compact inode placed by hand at spec §7.1 offsets, at index 64 of a 256-byte buffer. */
    static ByteBuffer compact() {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        int o = 64;
        b.putShort(o, (short) (2 << 1));          // compact, FLAT_INLINE
        b.putShort(o + 2, (short) 3);             // xattr icount
        b.putShort(o + 4, (short) 0100644);       // S_IFREG | 0644
        b.putShort(o + 6, (short) 2);             // nlink
        b.putInt(o + 8, 0xFFFFFFFF);              // size (u32)
        b.putInt(o + 12, 1000);                   // mtime (6.15+)
        b.putInt(o + 16, 0x12345678);             // i_u
        b.putInt(o + 20, 99);                     // i_ino
        b.putShort(o + 24, (short) 0xFFFE);       // uid
        b.putShort(o + 26, (short) 5678);         // gid
        b.putInt(o + 28, 0x7777);                 // reserved2, not decoded
        return b;
    }

    /** An extended inode placed by hand at spec §7.1 offsets, at index 32. */
    static ByteBuffer extended() {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        int o = 32;
        b.putShort(o, (short) (1 | 4 << 1));      // extended, CHUNK_BASED
        b.putShort(o + 2, (short) 0);
        b.putShort(o + 4, (short) 040755);        // S_IFDIR | 0755
        b.putShort(o + 6, (short) 0x0102);        // reserved / i_nb
        b.putLong(o + 8, 0x1_0000_0001L);         // size (u64)
        b.putInt(o + 16, 0x0000_0021);            // chunk format: indexes + 1 bit
        b.putInt(o + 20, 7);
        b.putInt(o + 24, 100000);                 // uid u32
        b.putInt(o + 28, 200000);                 // gid u32
        b.putLong(o + 32, 1_700_000_000L);        // mtime u64
        b.putInt(o + 40, 999_999_999);            // mtime nsec
        b.putInt(o + 44, 70000);                  // nlink u32
        return b;
    }

    @Nested
    @DisplayName("a compact inode")
    class Compact {
        private final InodeRecord r = InodeRecord.decode(compact(), 64);

        @Test
        @DisplayName("decodes every field at its 32-byte-layout offset")
        void fields() {
            assertThat(r.format()).isEqualTo(4);
            assertThat(r.extended()).isFalse();
            assertThat(r.layoutBits()).isEqualTo(2);
            assertThat(r.layout()).contains(DataLayout.FLAT_INLINE);
            assertThat(r.xattrIcount()).isEqualTo(3);
            assertThat(r.mode()).isEqualTo(0100644);
            assertThat(r.fileTypeBits()).isEqualTo(0100000);
            assertThat(r.nb()).isEqualTo(2);
            assertThat(r.nlink()).isEqualTo(2);
            assertThat(r.size()).isEqualTo(0xFFFFFFFFL);
            assertThat(r.mtime()).isEqualTo(1000);
            assertThat(r.mtimeNsec()).isZero();
            assertThat(r.iu()).isEqualTo(0x12345678L);
            assertThat(r.ino32()).isEqualTo(99);
            assertThat(r.uid()).isEqualTo(0xFFFE);
            assertThat(r.gid()).isEqualTo(5678);
        }

        @Test
        @DisplayName("is 32 bytes and its xattr area is 12 + 4 * (icount - 1)")
        void sizes() {
            assertThat(r.isize()).isEqualTo(32);
            assertThat(r.xattrIbodySize()).isEqualTo(20);
        }
    }

    @Nested
    @DisplayName("an extended inode")
    class Extended {
        private final InodeRecord r = InodeRecord.decode(extended(), 32);

        @Test
        @DisplayName("decodes every field at its 64-byte-layout offset")
        void fields() {
            assertThat(r.extended()).isTrue();
            assertThat(r.layout()).contains(DataLayout.CHUNK_BASED);
            assertThat(r.mode()).isEqualTo(040755);
            assertThat(r.nb()).isEqualTo(0x0102);
            assertThat(r.size()).isEqualTo(0x1_0000_0001L);
            assertThat(r.chunkFormat()).isEqualTo(0x21);
            assertThat(r.ino32()).isEqualTo(7);
            assertThat(r.uid()).isEqualTo(100000);
            assertThat(r.gid()).isEqualTo(200000);
            assertThat(r.mtime()).isEqualTo(1_700_000_000L);
            assertThat(r.mtimeNsec()).isEqualTo(999_999_999L);
            assertThat(r.nlink()).isEqualTo(70000);
            assertThat(r.isize()).isEqualTo(64);
            assertThat(r.xattrIbodySize()).isZero();
        }
    }

    @Nested
    @DisplayName("i_format")
    class Format {
        @ParameterizedTest(name = "icount {0} → {1} bytes")
        @CsvSource({"0,0", "1,12", "2,16", "5,28", "65535,262148"})
        @DisplayName("the xattr area size follows the spec formula")
        void xattrSize(int icount, int size) {
            ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort(2, (short) icount);
            assertThat(InodeRecord.decode(b, 0).xattrIbodySize()).isEqualTo(size);
        }

        @Test
        @DisplayName("bits 1..3 are the layout, bit 0 the version, bits 4+ are reported apart")
        void bits() {
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort(0, (short) 0x2743);        // 0b0010_0111_0100_0011
            InodeRecord r = InodeRecord.decode(b, 0);
            assertThat(r.extended()).isTrue();
            assertThat(r.layoutBits()).isEqualTo(1);
            assertThat(r.formatHighBits()).isEqualTo(0x274);
            b.putShort(0, (short) (6 << 1));
            assertThat(InodeRecord.decode(b, 0).layout()).isEmpty();
        }

        @Test
        @DisplayName("an extended inode cut short by the buffer reads zeros past the end and never throws")
        void truncated() {
            ByteBuffer full = extended();
            byte[] cut = Arrays.copyOf(full.array(), 32 + 40);
            InodeRecord r = InodeRecord.decode(Fixtures.le(cut), 32);
            assertThat(r.extended()).isTrue();
            assertThat(r.mtime()).isEqualTo(1_700_000_000L);
            assertThat(r.mtimeNsec()).isZero();
            assertThat(r.nlink()).isZero();
            Random rnd = new Random(3);
            for (int i = 0; i < 300; i++) {
                byte[] junk = new byte[rnd.nextInt(100)];
                rnd.nextBytes(junk);
                int base = rnd.nextInt(200) - 50;
                assertThatCode(() -> InodeRecord.decode(Fixtures.le(junk), base)).doesNotThrowAnyException();
            }
        }
    }

    @Nested
    @DisplayName("on fixture images, against dump.erofs --path")
    class VsDumpErofs {
        @BeforeEach
        void needsDump() {
            Fixtures.assumeTool("dump.erofs");
        }

        @ParameterizedTest(name = "{0} {1}")
        @CsvSource({
            "plain.erofs,/", "plain.erofs,/f0", "plain.erofs,/f1", "plain.erofs,/f4095", "plain.erofs,/f4097",
            "plain.erofs,/f9000", "plain.erofs,/owned", "plain.erofs,/hardlink-a", "plain.erofs,/symlink-fast",
            "plain.erofs,/symlink-long", "plain.erofs,/fifo", "plain.erofs,/chardev", "plain.erofs,/blockdev",
            "plain.erofs,/many", "plain.erofs,/empty", "plain.erofs,/dir1",
            "noinline.erofs,/f4097", "noinline.erofs,/dir1", "noinline.erofs,/symlink-fast",
            "extended.erofs,/", "extended.erofs,/f9000", "extended.erofs,/owned", "extended.erofs,/hardlink-a",
            "chunked4k.erofs,/f9000", "chunked8k.erofs,/f9000", "multidev.erofs,/f9000",
            "lz4.erofs,/text64k", "lz4-fullidx.erofs,/text64k", "ztailpacking.erofs,/noise.txt", "empty.erofs,/"})
        @DisplayName("size, links, layout, inode and xattr sizes, owner and permissions agree")
        void agrees(String imageName, String path) {
            var image = Fixtures.image(imageName);
            Fixtures.Run run = Fixtures.dumpErofs(image, "--path=" + path);
            assertThat(run.exit()).as("dump.erofs stderr: %s", run.stderr()).isZero();
            Map<String, String> f = Fixtures.fields(run.stdout());
            ByteBuffer buf = Fixtures.buffer(image);
            Superblock sb = Superblock.decode(buf);
            long nid = Long.parseLong(f.get("NID"));
            long pos = (sb.metaBlkaddr() << sb.blkszbits()) + (nid << InodeRecord.ISLOTBITS);
            InodeRecord r = InodeRecord.decode(buf, (int) pos);
            assertThat(r.size()).isEqualTo(Long.parseLong(f.get("Size")));
            assertThat(r.nlink()).isEqualTo(Long.parseLong(f.get("Links")));
            assertThat(r.layoutBits()).isEqualTo(Integer.parseInt(f.get("Layout")));
            assertThat(r.isize()).isEqualTo(Integer.parseInt(f.get("Inode size")));
            assertThat(r.xattrIbodySize()).isEqualTo(Integer.parseInt(f.get("Xattr size")));
            assertThat(r.uid()).isEqualTo(Long.parseLong(f.get("Uid")));
            assertThat(r.gid()).isEqualTo(Long.parseLong(f.get("Gid")));
            assertThat(r.mode() & 0777).isEqualTo(Integer.parseInt(f.get("Access").substring(0, 4), 8));
        }
    }
}
