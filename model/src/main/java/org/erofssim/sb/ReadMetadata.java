package org.erofssim.sb;

import java.nio.ByteBuffer;

/**
 * {@code erofs_read_metadata} (fs/erofs/super.c): one record of variable-sized metadata (the
 * compression configurations after the superblock, the long xattr name prefixes). The offset is
 * first rounded up to 4; a little-endian u16 there is the record's length, 0 meaning 65536; the
 * record follows, read block by block through the buffer (each slice stays inside one erofs
 * block). Read errors of the buffer propagate.
 */
public final class ReadMetadata {
    /** Records start at multiples of this. */
    public static final int ALIGN = 4;
    /** What a stored length of 0 stands for ({@code U16_MAX + 1}). */
    public static final int ZERO_LENGTH = 65536;

    private ReadMetadata() {}

    /** One record: its bytes, and the offset just after it (not yet aligned). */
    public record Record(byte[] data, long next) {}

    /**
     * @param offset    where to look, before the alignment
     * @param blockSize the erofs block size ({@code sb->s_blocksize}), at most a page
     */
    public static Record read(ErofsBuf buf, long offset, int blockSize) {
        long pos = (offset + ALIGN - 1) & -ALIGN;
        ByteBuffer head = buf.page(pos);
        int len = head.getShort(MetaBuf.inPage(pos)) & 0xFFFF; // 4-aligned: both bytes on this page
        if (len == 0) {
            len = ZERO_LENGTH;
        }
        pos += 2;
        byte[] out = new byte[len];
        for (int i = 0; i < len;) {
            int cnt = (int) Math.min(blockSize - (pos & (blockSize - 1)), len - i);
            buf.page(pos).get(MetaBuf.inPage(pos), out, i, cnt);
            pos += cnt;
            i += cnt;
        }
        return new Record(out, pos);
    }
}
