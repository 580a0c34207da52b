package org.erofssim.ondisk;

import java.nio.ByteBuffer;

/**
 * The 4-byte head of one xattr entry (the kernel's {@code struct erofs_xattr_entry} in
 * {@code fs/erofs/erofs_fs.h}): u8 name length @0, u8 name index (prefix) @1, u16 value size @2;
 * the name and then the value follow, the whole entry padded to 4 bytes.
 *
 * <p>A name index with bit 7 set ({@link #LONG_PREFIX}, {@code EROFS_XATTR_LONG_PREFIX}) does not
 * name a predefined prefix: its low 7 bits ({@link #LONG_PREFIX_MASK}) are the number of a long
 * name prefix in the superblock's table ({@link XattrLongPrefix}), and the stored name is only
 * what follows that prefix.
 */
public record XattrEntry(int nameLen, int nameIndex, int valueSize) {
    public static final int SIZE = 4;
    public static final int OFF_NAME_LEN = 0, OFF_NAME_INDEX = 1, OFF_VALUE_SIZE = 2;
    /** Name index of the {@code user.} prefix. */
    public static final int INDEX_USER = 1;
    /** {@code EROFS_XATTR_LONG_PREFIX}: the name index refers to a long name prefix. */
    public static final int LONG_PREFIX = 0x80;
    /** {@code EROFS_XATTR_LONG_PREFIX_MASK}: the long prefix's number within the table. */
    public static final int LONG_PREFIX_MASK = 0x7F;

    /** Decodes the entry head at index {@code base}; bytes outside the buffer read as zero. */
    public static XattrEntry decode(ByteBuffer buf, int base) {
        return new XattrEntry(Le.u8(buf, (long) base + OFF_NAME_LEN), Le.u8(buf, (long) base + OFF_NAME_INDEX),
                Le.u16(buf, (long) base + OFF_VALUE_SIZE));
    }

    /** Whether the name index refers to a long name prefix (bit 7 set). */
    public boolean longPrefix() {
        return (nameIndex & LONG_PREFIX) != 0;
    }

    /** The long prefix's number (the index's low 7 bits); meaningful when {@link #longPrefix()}. */
    public int longPrefixNumber() {
        return nameIndex & LONG_PREFIX_MASK;
    }

    /** Bytes the whole entry takes: head, name and value, rounded up to 4. */
    public int entrySize() {
        return (SIZE + nameLen + valueSize + 3) & ~3;
    }
}
