package org.erofssim.sb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ReadMetadata reads one length-prefixed record as erofs_read_metadata does")
class ReadMetadataTest {
    /** An ErofsBuf over bytes (zero past their end) that records the pages asked for and fails at failPage. */
    static final class Bytes implements ErofsBuf {
        final byte[] data;
        final long failPage;
        final List<Long> pages = new ArrayList<>();

        Bytes(byte[] data, long failPage) {
            this.data = data;
            this.failPage = failPage;
        }

        @Override public ByteBuffer page(long offset) {
            long index = offset >>> 12;
            pages.add(index);
            if (index == failPage) {
                throw new KernelError(Errno.EIO, "injected");
            }
            byte[] p = new byte[4096];
            long from = index << 12;
            if (from < data.length) {
                System.arraycopy(data, (int) from, p, 0, (int) Math.min(4096, data.length - from));
            }
            return ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Test
    @DisplayName("the offset is rounded up to 4, a u16 length follows, then that many bytes")
    void alignedLengthAndBody() {
        byte[] img = new byte[64];
        img[8] = 3; // length 3 at offset 8
        img[10] = 'a';
        img[11] = 'b';
        img[12] = 'c';
        ReadMetadata.Record r = ReadMetadata.read(new Bytes(img, -1), 5, 4096);
        assertThat(r.data()).containsExactly('a', 'b', 'c');
        assertThat(r.next()).isEqualTo(13); // 8 + 2 + 3, not aligned yet
        assertThat(ReadMetadata.read(new Bytes(img, -1), 8, 4096).data()).containsExactly('a', 'b', 'c');
    }

    @Test
    @DisplayName("a stored length of 0 means 65536 bytes, read across 17 pages")
    void zeroLengthIs64k() {
        byte[] img = new byte[80000];
        Arrays.fill(img, 4, 4 + 65538, (byte) 7);
        img[4] = 0;
        img[5] = 0;
        Bytes b = new Bytes(img, -1);
        ReadMetadata.Record r = ReadMetadata.read(b, 4, 4096);
        assertThat(r.data()).hasSize(65536).containsOnly(7);
        assertThat(r.next()).isEqualTo(4 + 2 + 65536);
        assertThat(b.pages).contains(0L, 16L);
    }

    @Test
    @DisplayName("a record across a block boundary is read in slices that each stay in one block (512-byte blocks)")
    void acrossBlocks() {
        byte[] img = new byte[8192];
        img[508] = 8; // length 8 at 508: bytes 510..517 cross the 512 boundary
        for (int i = 0; i < 8; i++) {
            img[510 + i] = (byte) (i + 1);
        }
        assertThat(ReadMetadata.read(new Bytes(img, -1), 508, 512).data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        img[4094] = 0; // across a page: length at 4092, bytes 4094..4101
        img[4092] = 8;
        for (int i = 0; i < 8; i++) {
            img[4094 + i] = (byte) (10 + i);
        }
        assertThat(ReadMetadata.read(new Bytes(img, -1), 4092, 4096).data()).containsExactly(10, 11, 12, 13, 14, 15, 16, 17);
    }

    @Test
    @DisplayName("a read error of the buffer is the record's error")
    void readErrorsPropagate() {
        byte[] img = new byte[8192];
        img[4092] = 20; // the record runs into page 1, which fails
        assertThatThrownBy(() -> ReadMetadata.read(new Bytes(img, 1), 4092, 4096))
                .isInstanceOfSatisfying(KernelError.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
    }
}
