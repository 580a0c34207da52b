package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

@DisplayName("Dirent")
class DirentTest {

    @Nested
    @DisplayName("decoding bytes placed by hand")
    class Decode {
        @Test
        @DisplayName("reads the u64 nid, u16 name offset and u8 file type; the reserved byte is ignored")
        void fields() {
            ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(12, 0x8000_0000_0000_0024L).putShort(20, (short) 0xFFF4).put(22, (byte) 7).put(23, (byte) 0x99);
            Dirent d = Dirent.decode(b, 12);
            assertThat(d.nid()).isEqualTo(0x8000_0000_0000_0024L);
            assertThat(d.nameoff()).isEqualTo(0xFFF4);
            assertThat(d.fileType()).isEqualTo(Dirent.FT_SYMLINK).isEqualTo(7);
        }

        @Test
        @DisplayName("encode gives the same 12 bytes with a zero reserved byte")
        void encode() {
            byte[] raw = {36, 0, 0, 0, 0, 0, 0, 0, 24, 0, 2, 0};
            assertThat(Dirent.decode(Fixtures.le(raw), 0).encode()).isEqualTo(raw);
        }

        @Test
        @DisplayName("an entry cut by the end of the buffer reads zeros there and never throws")
        void cut() {
            byte[] raw = {36, 0, 0, 0, 0, 0, 0, 0, 24};
            assertThat(Dirent.decode(Fixtures.le(raw), 0)).isEqualTo(new Dirent(36, 24, 0));
            assertThatCode(() -> Dirent.decode(Fixtures.le(raw), -20)).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("file type codes follow the spec: 0 unknown … 7 symlink")
        void types() {
            assertThat(List.of(Dirent.FT_UNKNOWN, Dirent.FT_REG_FILE, Dirent.FT_DIR, Dirent.FT_CHRDEV,
                    Dirent.FT_BLKDEV, Dirent.FT_FIFO, Dirent.FT_SOCK, Dirent.FT_SYMLINK))
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        }
    }

    @Nested
    @DisplayName("a whole directory block of a fixture, against dump.erofs --ls")
    class VsDumpErofs {
        @BeforeEach
        void needsDump() {
            Fixtures.assumeTool("dump.erofs");
        }

        private static final Pattern LS = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)  (.*)$");

        @ParameterizedTest(name = "{0} {1}")
        @CsvSource({"plain.erofs,/", "plain.erofs,/dir1", "noinline.erofs,/", "extended.erofs,/dir1", "empty.erofs,/",
            "lz4.erofs,/"})
        @DisplayName("the entries of a one-block directory decode to dump.erofs' list")
        void entries(String imageName, String path) {
            var image = Fixtures.image(imageName);
            Fixtures.Run run = Fixtures.dumpErofs(image, "--ls", "--path=" + path);
            assertThat(run.exit()).as(run.stderr()).isZero();
            List<String> expected = new ArrayList<>();
            boolean table = false;
            for (String line : run.stdout().split("\\R")) {
                if (line.contains("NID TYPE  FILENAME")) {
                    table = true;
                    continue;
                }
                Matcher m = LS.matcher(line);
                if (table && m.matches()) {
                    expected.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
                }
            }
            long nid = Long.parseLong(Fixtures.fields(run.stdout()).get("NID"));

            ByteBuffer buf = Fixtures.buffer(image);
            Superblock sb = Superblock.decode(buf);
            int bs = 1 << sb.blkszbits();
            long iloc = sb.metaBlkaddr() * bs + nid * 32;
            InodeRecord dir = InodeRecord.decode(buf, (int) iloc);
            assertThat(dir.size()).as("one-block directory").isLessThanOrEqualTo(bs);
            long start = switch (dir.layout().orElseThrow()) {
                case FLAT_PLAIN -> dir.iu() * bs;
                case FLAT_INLINE -> iloc + dir.isize() + dir.xattrIbodySize();
                default -> throw new AssertionError("unexpected layout " + dir.layout());
            };
            int size = (int) dir.size();
            Dirent first = Dirent.decode(buf, (int) start);
            int n = first.nameoff() / Dirent.SIZE;
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Dirent d = Dirent.decode(buf, (int) start + i * Dirent.SIZE);
                int end = i + 1 < n ? Dirent.decode(buf, (int) start + (i + 1) * Dirent.SIZE).nameoff() : size;
                byte[] name = new byte[end - d.nameoff()];
                buf.get((int) start + d.nameoff(), name);
                int len = 0;
                while (len < name.length && name[len] != 0) {
                    len++;
                }
                actual.add(d.nid() + " " + d.fileType() + " " + new String(name, 0, len, StandardCharsets.ISO_8859_1));
            }
            assertThat(actual).isEqualTo(expected);
        }
    }
}
