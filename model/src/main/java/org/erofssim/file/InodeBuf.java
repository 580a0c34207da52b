package org.erofssim.file;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.erofssim.sb.ErofsBuf;
import org.erofssim.sb.ErofsInode;

/**
 * An {@link ErofsBuf} over one inode's page cache ({@code buf.mapping = inode->i_mapping}):
 * {@code erofs_bread} then reads a page with {@code read_mapping_folio}, that is
 * {@link DataReader#readMappingFolio} (its errors, its zero-filled pages past the end of the file),
 * keeping the page it holds until another one is asked for.
 */
public final class InodeBuf implements ErofsBuf {
    private final DataReader reader;
    private final ErofsInode inode;
    private long heldIndex = -1;
    private ByteBuffer held;

    public InodeBuf(DataReader reader, ErofsInode inode) {
        this.reader = reader;
        this.inode = inode;
    }

    @Override public ByteBuffer page(long offset) {
        long index = offset >>> 12;
        if (index != heldIndex) {
            held = ByteBuffer.wrap(reader.readMappingFolio(inode, index)).order(ByteOrder.LITTLE_ENDIAN);
            heldIndex = index;
        }
        return held;
    }

    @Override public boolean samePage(long a, long b) {
        return a >>> 12 == b >>> 12;
    }
}
