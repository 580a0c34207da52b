package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("XattrEntry")
class XattrEntryTest {

    @Nested
    @DisplayName("decoding bytes placed by hand")
    class Decode {
        @Test
        @DisplayName("reads u8 name length @0, u8 name index @1, u16 value size @2")
        void fields() {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            b.put(2, (byte) 255).put(3, (byte) 6).putShort(4, (short) 0xFFFF);
            XattrEntry e = XattrEntry.decode(b, 2);
            assertThat(e.nameLen()).isEqualTo(255);
            assertThat(e.nameIndex()).isEqualTo(6);
            assertThat(e.valueSize()).isEqualTo(0xFFFF);
        }

        @ParameterizedTest(name = "name {0} + value {1} → {2} bytes")
        @CsvSource({"0,0,4", "1,0,8", "7,3,16", "4,200,208", "6,10,20"})
        @DisplayName("an entry takes head + name + value rounded up to 4 bytes")
        void entrySize(int name, int value, int size) {
            assertThat(new XattrEntry(name, 1, value).entrySize()).isEqualTo(size);
        }

        @Test
        @DisplayName("never throws outside the buffer")
        void robust() {
            assertThatCode(() -> XattrEntry.decode(ByteBuffer.allocate(0), -1)).doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("on plain.erofs, whose xattrs the fixture script set")
    class OnFixture {
        @BeforeEach
        void needsDump() {
            Fixtures.assumeTool("dump.erofs");
        }

        private final ByteBuffer buf = Fixtures.buffer(Fixtures.image("plain.erofs"));

        @Test
        @DisplayName("/f1 carries user.private=one inline after one shared id")
        void inline() {
            long pos = XattrFixture.inodePosition("plain.erofs", "/f1");
            InodeRecord ino = InodeRecord.decode(buf, (int) pos);
            int at = (int) pos + ino.isize() + XattrIbodyHeader.SIZE + 4;
            XattrEntry e = XattrEntry.decode(buf, at);
            assertThat(e.nameIndex()).isEqualTo(XattrEntry.INDEX_USER);
            assertThat(text(at + XattrEntry.SIZE, e.nameLen())).isEqualTo("private");
            assertThat(text(at + XattrEntry.SIZE + e.nameLen(), e.valueSize())).isEqualTo("one");
            assertThat(ino.xattrIbodySize()).isEqualTo(XattrIbodyHeader.SIZE + 4 + e.entrySize());
        }

        @Test
        @DisplayName("/f4096 carries user.long with its 200-byte value")
        void longValue() {
            long pos = XattrFixture.inodePosition("plain.erofs", "/f4096");
            InodeRecord ino = InodeRecord.decode(buf, (int) pos);
            int at = (int) pos + ino.isize() + XattrIbodyHeader.SIZE;
            XattrEntry e = XattrEntry.decode(buf, at);
            assertThat(text(at + XattrEntry.SIZE, e.nameLen())).isEqualTo("long");
            assertThat(e.valueSize()).isEqualTo(200);
            assertThat(text(at + XattrEntry.SIZE + e.nameLen(), 23)).isEqualTo("erofs-sim fixture data ");
        }

        @Test
        @DisplayName("the shared id of /f1 points at user.shared=same-value in the shared area")
        void sharedId() {
            long pos = XattrFixture.inodePosition("plain.erofs", "/f1");
            InodeRecord ino = InodeRecord.decode(buf, (int) pos);
            long id = Integer.toUnsignedLong(buf.getInt((int) pos + ino.isize() + XattrIbodyHeader.SIZE));
            Superblock sb = Superblock.decode(buf);
            int at = (int) ((sb.xattrBlkaddr() << sb.blkszbits()) + id * 4);
            XattrEntry e = XattrEntry.decode(buf, at);
            assertThat(e.nameIndex()).isEqualTo(XattrEntry.INDEX_USER);
            assertThat(text(at + XattrEntry.SIZE, e.nameLen())).isEqualTo("shared");
            assertThat(text(at + XattrEntry.SIZE + e.nameLen(), e.valueSize())).isEqualTo("same-value");
        }

        private String text(int at, int len) {
            byte[] b = new byte[len];
            buf.get(at, b);
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }
}
