package org.erofssim.ondisk;

import java.nio.ByteBuffer;

/**
 * The 12-byte header of an inode's inline xattr area (the kernel's
 * {@code struct erofs_xattr_ibody_header} in {@code fs/erofs/erofs_fs.h}): u32 name bloom filter
 * @0 (reserved before the xattr filter feature), u8 count of shared xattr ids @4, 7 reserved
 * bytes. The shared ids (u32 each) and then {@link XattrEntry} records follow.
 */
public record XattrIbodyHeader(long nameFilter, int sharedCount) {
    public static final int SIZE = 12;
    public static final int OFF_NAME_FILTER = 0, OFF_SHARED_COUNT = 4, OFF_RESERVED = 5;

    /** Decodes the header at index {@code base}; bytes outside the buffer read as zero. */
    public static XattrIbodyHeader decode(ByteBuffer buf, int base) {
        return new XattrIbodyHeader(Le.u32(buf, (long) base + OFF_NAME_FILTER),
                Le.u8(buf, (long) base + OFF_SHARED_COUNT));
    }
}
