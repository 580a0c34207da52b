package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("XattrIbodyHeader")
class XattrIbodyHeaderTest {

    @Nested
    @DisplayName("decoding bytes placed by hand")
    class Decode {
        @Test
        @DisplayName("reads the u32 name filter @0 and the u8 shared count @4, ignoring 7 reserved bytes")
        void fields() {
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(4, 0xF0000001).put(8, (byte) 200);
            for (int i = 9; i < 16; i++) {
                b.put(i, (byte) 0xEE);
            }
            XattrIbodyHeader h = XattrIbodyHeader.decode(b, 4);
            assertThat(h.nameFilter()).isEqualTo(0xF0000001L);
            assertThat(h.sharedCount()).isEqualTo(200);
            assertThat(XattrIbodyHeader.SIZE).isEqualTo(12);
        }

        @Test
        @DisplayName("never throws outside the buffer")
        void robust() {
            assertThatCode(() -> XattrIbodyHeader.decode(ByteBuffer.allocate(2), 1)).doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("on plain.erofs, whose xattrs the fixture script set")
    class OnFixture {
        @org.junit.jupiter.api.BeforeEach
        void needsDump() {
            Fixtures.assumeTool("dump.erofs");
        }

        // make-images.sh: user.shared=same-value is on 4 inodes (shared); /f1 and /dir1 also carry a private one.
        @ParameterizedTest(name = "{0} has {1} shared xattr(s)")
        @CsvSource({"/f1,1", "/f0,1", "/f4097,1", "/dir1/hello.txt,1", "/f4096,0", "/dir1,0"})
        @DisplayName("the shared count matches the recipe")
        void shared(String path, int count) {
            long pos = XattrFixture.inodePosition("plain.erofs", path);
            ByteBuffer buf = Fixtures.buffer(Fixtures.image("plain.erofs"));
            InodeRecord ino = InodeRecord.decode(buf, (int) pos);
            XattrIbodyHeader h = XattrIbodyHeader.decode(buf, (int) pos + ino.isize());
            assertThat(h.sharedCount()).isEqualTo(count);
            assertThat(h.nameFilter()).as("erofs-utils 1.5 writes no bloom filter").isZero();
        }
    }
}
