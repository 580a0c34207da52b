package org.erofssim.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.erofssim.ondisk.ChunkIndex;
import org.erofssim.ondisk.Dirent;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.InodeRecord;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.ondisk.ZMapHeader;

/**
 * The on-disk records of an unedited base image that structured edits aim at: every inode
 * reachable from the root directory (its format, mode, size, {@code i_u}, xattr count), the
 * in-inode xattr header and first entry, the chunk indexes or block map of a chunk-based file,
 * the compressed-index map header and the first index bytes, and the dirents of every directory
 * block (nid, nameoff, file type). Found once per base by walking the tree from the superblock's
 * root nid the way the layout puts it (plain and inline directories only; a compressed or
 * metabox-held directory is not entered), so a campaign draws edits of real fields instead of
 * random bytes.
 *
 * <p>This is a map for the fuzzer, not a reader: it trusts the unedited fixture images and stops
 * at the first record that does not fit (offsets past the end, a nid seen before); it caps the
 * number of fields at {@link #MAX_FIELDS}.
 */
final class BaseRecords {
    /** One field of one record: what it is, where it lies, how wide (1, 2, 4 or 8 bytes). */
    record Field(Kind kind, int offset, int width) {}

    /** The kinds of field, each with values that matter to the kernel's checks. */
    enum Kind {
        INODE_FORMAT(0, 1, 2, 3, 4, 5, 6, 8, 9, 0x10, 0x11, 0xe, 0xf, 0xffff),
        INODE_XATTR_ICOUNT(0, 1, 2, 3, 255, 0xffff),
        INODE_MODE(0, 0x41ed, 0x81a4, 0xa1ff, 0x21b6, 0x61b0, 0x11a4, 0xc1ed, 0xf000),
        INODE_SIZE(0, 1, 4095, 4096, 4097, 0x7fffffff, 0xffffffffL),
        INODE_IU(0, 1, 0x20, 0x40, 0x60, 0x2c, 0xffff, 0xffffffffL),
        XATTR_SHARED_COUNT(0, 1, 255),
        XATTR_NAME_LEN(0, 1, 255),
        XATTR_NAME_INDEX(0, 1, 2, 6, 7, 0x80, 0x81, 0xff),
        XATTR_VALUE_SIZE(0, 1, 0xffff),
        CHUNK_DEVICE_ID(0, 1, 2, 0xffff),
        CHUNK_STARTBLK(0, 1, 0xfffffffeL, 0xffffffffL),
        ZMAP_ADVISE(0, 1, 2, 4, 6, 8, 0x10, 0x20, 0xffff),
        ZMAP_ALGORITHM(0, 1, 2, 3, 4, 0x10, 0x11, 0x22, 0x0f, 0xf0, 0xff),
        ZMAP_CLUSTERBITS(0, 1, 3, 12, 15, 20, 0x80, 0xff),
        ZINDEX_BYTE(0, 1, 2, 3, 0x80, 0xff),
        DIRENT_NID(0, 1, 2, 97, 0x7fffffffL, 1L << 63, -1L),
        DIRENT_NAMEOFF(0, 1, 11, 12, 13, 253, 4095, 4096, 0xffff),
        DIRENT_FILE_TYPE(0, 1, 2, 3, 7, 8, 0xff);

        final long[] values;

        Kind(long... values) {
            this.values = values;
        }
    }

    static final int MAX_FIELDS = 4096;
    private static final int MAX_INODES = 256;

    private final List<Field> fields;

    /** The fields' positions in {@link #fields} sorted by offset (then position), and their offsets in that order. */
    private final int[] byOffset;
    private final int[] offsets;

    private BaseRecords(List<Field> fields) {
        this.fields = List.copyOf(fields);
        // by offset, then position: a sort of (offset, position) packed in longs (a boxed stream
        // with comparators was most of a campaign's first draw on its main thread, JFR session 14)
        long[] keys = new long[fields.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ((long) fields.get(i).offset() << 32) + i;
        }
        java.util.Arrays.sort(keys);
        this.byOffset = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            byOffset[i] = (int) (keys[i] & 0xffffffffL);
        }
        this.offsets = new int[byOffset.length];
        for (int i = 0; i < byOffset.length; i++) {
            offsets[i] = fields.get(byOffset[i]).offset();
        }
    }

    /**
     * The fields whose offset lies within {@code reach} bytes of {@code at}, in {@link #fields}'
     * order: the fields of a filter over the whole list, found by a binary search of the sorted
     * offsets instead (JFR, session 12: the scan of up to {@value #MAX_FIELDS} fields per stacked
     * mutation was a tenth of a guided campaign's main thread).
     */
    List<Field> near(int at, int reach) {
        long lo = (long) at - reach;
        int from = 0;
        int to = offsets.length;
        while (from < to) {
            int mid = (from + to) >>> 1;
            if (offsets[mid] < lo) {
                from = mid + 1;
            } else {
                to = mid;
            }
        }
        int end = from;
        while (end < offsets.length && offsets[end] <= (long) at + reach) {
            end++;
        }
        int[] positions = java.util.Arrays.copyOfRange(byOffset, from, end);
        java.util.Arrays.sort(positions);
        List<Field> out = new ArrayList<>(positions.length);
        for (int i : positions) {
            out.add(fields.get(i));
        }
        return out;
    }

    /** The fields of {@code image}'s records (empty when its superblock does not lead to a root directory). */
    static BaseRecords of(byte[] image) {
        List<Field> out = new ArrayList<>();
        try {
            walk(image, out);
        } catch (RuntimeException stop) {
            // an image the walk does not understand past some point: the fields found so far
        }
        return new BaseRecords(out);
    }

    /** The fields found. */
    List<Field> fields() {
        return fields;
    }

    private static void walk(byte[] image, List<Field> out) {
        ImageEditor e = ImageEditor.of(image);
        int blkszbits = (int) e.get(SuperblockField.BLKSZBITS);
        if (blkszbits < 9 || blkszbits > 16) {
            return;
        }
        int blksz = 1 << blkszbits;
        long meta = e.get(SuperblockField.META_BLKADDR) << blkszbits;
        long rootNid = e.get(SuperblockField.ROOT_NID);
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        Deque<Long> todo = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        todo.add(rootNid);
        while (!todo.isEmpty() && seen.size() < MAX_INODES && out.size() < MAX_FIELDS) {
            long nid = todo.poll();
            if (nid < 0 || !seen.add(nid)) {
                continue;
            }
            long at = meta + nid * InodeRecord.COMPACT_SIZE;
            if (at < 0 || at + InodeRecord.EXTENDED_SIZE > image.length) {
                continue;
            }
            int ino = (int) at;
            InodeRecord r = InodeRecord.decode(b, ino);
            out.add(new Field(Kind.INODE_FORMAT, ino + InodeRecord.OFF_FORMAT, 2));
            out.add(new Field(Kind.INODE_XATTR_ICOUNT, ino + InodeRecord.OFF_XATTR_ICOUNT, 2));
            out.add(new Field(Kind.INODE_MODE, ino + InodeRecord.OFF_MODE, 2));
            out.add(new Field(Kind.INODE_SIZE, ino + InodeRecord.OFF_SIZE, 4));
            out.add(new Field(Kind.INODE_IU, ino + InodeRecord.OFF_IU, 4));
            int xattrs = ino + r.isize();
            int after = xattrs + r.xattrIbodySize();
            if (r.xattrIcount() > 0 && after <= image.length) {
                // the ibody header: name filter (4), shared count (1), reserved; shared ids; entries
                out.add(new Field(Kind.XATTR_SHARED_COUNT, xattrs + 4, 1));
                int entry = xattrs + 12 + 4 * (image[xattrs + 4] & 0xff);
                if (entry + 4 <= after) {
                    out.add(new Field(Kind.XATTR_NAME_LEN, entry, 1));
                    out.add(new Field(Kind.XATTR_NAME_INDEX, entry + 1, 1));
                    out.add(new Field(Kind.XATTR_VALUE_SIZE, entry + 2, 2));
                }
            }
            int layout = r.layoutBits();
            int aligned = (after + 7) & ~7;
            if (layout == 4 && aligned + 16 <= image.length) { // chunk-based
                boolean indexes = (r.chunkFormat() & ChunkIndex.FORMAT_INDEXES) != 0;
                int start = indexes ? aligned : after;
                for (int k = 0; k < 2; k++) {
                    if (indexes) {
                        int x = start + k * ChunkIndex.SIZE;
                        out.add(new Field(Kind.CHUNK_DEVICE_ID, x + ChunkIndex.OFF_DEVICE_ID, 2));
                        out.add(new Field(Kind.CHUNK_STARTBLK, x + ChunkIndex.OFF_STARTBLK_LO, 4));
                    } else {
                        out.add(new Field(Kind.CHUNK_STARTBLK, start + k * ChunkIndex.BLOCK_MAP_ENTRY_SIZE, 4));
                    }
                }
            } else if ((layout == 1 || layout == 3) && aligned + ZMapHeader.SIZE + 16 <= image.length) { // compressed
                out.add(new Field(Kind.ZMAP_ADVISE, aligned + ZMapHeader.OFF_ADVISE, 2));
                out.add(new Field(Kind.ZMAP_ALGORITHM, aligned + ZMapHeader.OFF_ALGORITHMTYPE, 1));
                out.add(new Field(Kind.ZMAP_CLUSTERBITS, aligned + ZMapHeader.OFF_CLUSTERBITS, 1));
                for (int k = 0; k < 16; k++) {
                    out.add(new Field(Kind.ZINDEX_BYTE, aligned + ZMapHeader.SIZE + k, 1));
                }
            }
            if ((r.mode() & 0xF000) == 0x4000 && (layout == 0 || layout == 2)) {
                long size = r.size();
                long blocks = layout == 0 ? (size + blksz - 1) / blksz : size / blksz;
                for (long k = 0; k < blocks && k < 4; k++) {
                    dirents(image, b, (r.iu() + k) << blkszbits, (int) Math.min(blksz, size - k * blksz), out, todo);
                }
                if (layout == 2 && size % blksz != 0) {
                    dirents(image, b, after, (int) (size % blksz), out, todo);
                }
            }
        }
    }

    /** The dirents of one directory block at {@code at} of {@code len} bytes; their nids are walked next. */
    private static void dirents(byte[] image, ByteBuffer b, long at, int len, List<Field> out, Deque<Long> todo) {
        if (at < 0 || at + Dirent.SIZE > image.length || len < Dirent.SIZE) {
            return;
        }
        int base = (int) at;
        int count = (b.getShort(base + Dirent.OFF_NAMEOFF) & 0xffff) / Dirent.SIZE;
        for (int i = 0; i < count && i < 64 && base + (i + 1) * Dirent.SIZE <= Math.min(image.length, at + len); i++) {
            int d = base + i * Dirent.SIZE;
            out.add(new Field(Kind.DIRENT_NID, d + Dirent.OFF_NID, 8));
            out.add(new Field(Kind.DIRENT_NAMEOFF, d + Dirent.OFF_NAMEOFF, 2));
            out.add(new Field(Kind.DIRENT_FILE_TYPE, d + Dirent.OFF_FILE_TYPE, 1));
            todo.add(b.getLong(d + Dirent.OFF_NID));
        }
    }
}
