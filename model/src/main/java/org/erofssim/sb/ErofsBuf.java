package org.erofssim.sb;

import java.nio.ByteBuffer;
import org.erofssim.file.InodeBuf;

/**
 * A {@code struct erofs_buf} as {@code erofs_bread} reads it (fs/erofs/data.c): one page of some
 * page cache at a time. {@link MetaBuf} reads the metadata area of the primary device;
 * {@link InodeBuf} reads an inode's own data ({@code buf->mapping = inode->i_mapping}, as
 * {@code erofs_xattr_prefixes_init} does for the packed inode).
 */
public interface ErofsBuf {
    /**
     * {@code erofs_bread(buf, offset, true)}: the page holding byte {@code offset}, as a
     * little-endian buffer whose index 0 is the page start (use {@link MetaBuf#inPage(long)}).
     *
     * @throws org.erofssim.kernel.KernelError the read error
     */
    ByteBuffer page(long offset);

    /**
     * Whether {@link #page} of {@code b}, called right after {@link #page} of {@code a}, is that
     * same page without reading anything (the buffer keeps the page it holds): a caller may then
     * use the buffer it has instead of asking again. Stands for no kernel step. False when unsure.
     */
    default boolean samePage(long a, long b) {
        return false;
    }
}
