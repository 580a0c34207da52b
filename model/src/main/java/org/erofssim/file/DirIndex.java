package org.erofssim.file;

import java.util.Arrays;
import java.util.List;
import org.erofssim.ondisk.Dirent;
import org.erofssim.sb.ErofsInode;

/**
 * Session 14: where the names of a listed directory are in strictly increasing order, the
 * answer of every comparison {@code erofs_namei}'s binary search makes ({@link Namei}) for one of
 * them follows from the two entries' positions; the walk's lookups then skip the name
 * comparisons but read the same blocks in the same order ({@link Namei#lookup(org.erofssim.sb.SbInfo,
 * DataReader, org.erofssim.sb.SbLog, ErofsInode, byte[], boolean, DirIndex, int)}).
 *
 * <p><b>Why the positions answer:</b> the index is made from the pages the listing
 * ({@link Readdir}) read, one per block, and only where the listing read every block without
 * error, each block's {@code de[0].nameoff} is a multiple of 12 (so the listing and the lookup
 * count the same entries per block) and gives at least one entry, and the names as
 * {@code erofs_dirnamecmp} reads them (from an entry's masked {@code nameoff} to the next one's,
 * the block's last name to the block's end, cut at a NUL and at the page's end) strictly increase
 * in unsigned byte order over the whole directory. A sought name equal to entry {@code t}'s then
 * compares with entry {@code k}'s as {@code t} with {@code k}: {@code erofs_dirnamecmp} is that
 * byte order for a sought name without a NUL, and the prefix it skips is one both names share in
 * a sorted list (the binary search's own argument). A block read during a lookup whose bytes are
 * not those the listing read ends the answers by position for that lookup: the comparisons go on
 * from the bytes, with the matched prefixes the comparisons made so far give
 * ({@code DirIndexProperties} compares walks with and without the index on the fuzzer's cases).
 */
final class DirIndex {
    private final byte[][] pages;
    private final int[] at;
    /** Index of each block's first entry in the listing; one more element: the number of entries. */
    private final int[] first;
    /** Per entry (in listing order): where its name starts in its block's page, and its length. */
    private final int[] nameAt;
    private final int[] nameLen;
    private final int[] blockOf;

    private DirIndex(byte[][] pages, int[] at, int[] first, int[] nameAt, int[] nameLen, int[] blockOf) {
        this.pages = pages;
        this.at = at;
        this.first = first;
        this.nameAt = nameAt;
        this.nameLen = nameLen;
        this.blockOf = blockOf;
    }

    /**
     * The index of directory {@code dir} (blocks of {@code 1 << bits} bytes) from the pages its
     * complete, error-free listing of {@code entries} entries read, or null where its names are
     * not strictly increasing (or a block's entry count is not the listing's).
     */
    static DirIndex of(ErofsInode dir, int bits, List<byte[]> blockPages, int entries) {
        int bs = 1 << bits;
        long iblks = (dir.size() + bs - 1) >>> bits;
        if (iblks != blockPages.size() || entries <= 0) {
            return null;
        }
        int nb = (int) iblks;
        byte[][] pages = new byte[nb][];
        int[] at = new int[nb];
        int[] first = new int[nb + 1];
        int[] nameAt = new int[entries];
        int[] nameLen = new int[entries];
        int[] blockOf = new int[entries];
        int k = 0;
        for (int blk = 0; blk < nb; blk++) {
            byte[] page = blockPages.get(blk);
            int a = (int) (((long) blk << bits) % DataReader.PAGE);
            Namei.Block b = new Namei.Block(page, a, bs);
            int raw = a + Dirent.OFF_NAMEOFF + 1 < page.length
                    ? (page[a + Dirent.OFF_NAMEOFF] & 0xFF) | (page[a + Dirent.OFF_NAMEOFF + 1] & 0xFF) << 8 : -1;
            int nd = b.nameoff(0) / Dirent.SIZE;
            if (raw < 0 || raw % Dirent.SIZE != 0 || raw >= bs || nd == 0 || k + nd > entries) {
                return null;
            }
            pages[blk] = page;
            at[blk] = a;
            first[blk] = k;
            for (int j = 0; j < nd; j++, k++) {
                int from = b.nameoff(j);
                int end = j == nd - 1 ? bs : b.nameoff(j + 1);
                int stop = Math.min(end, b.readable()) - from;
                int len = 0;
                while (len < stop && page[a + from + len] != 0) {
                    len++;
                }
                nameAt[k] = a + from;
                nameLen[k] = len;
                blockOf[k] = blk;
                if (k > 0 && Arrays.compareUnsigned(pages[blockOf[k - 1]], nameAt[k - 1], nameAt[k - 1] + nameLen[k - 1],
                        page, nameAt[k], nameAt[k] + len) >= 0) {
                    return null;
                }
            }
        }
        if (k != entries) {
            return null;
        }
        first[nb] = k;
        return new DirIndex(pages, at, first, nameAt, nameLen, blockOf);
    }

    /** {@code t} where {@code name} is entry {@code t}'s name as a lookup compares it, else -1. */
    int position(int t, byte[] name) {
        if (t < 0 || t >= nameLen.length || nameLen[t] != name.length) {
            return -1;
        }
        int from = nameAt[t];
        return Arrays.equals(name, 0, name.length, pages[blockOf[t]], from, from + name.length) ? t : -1;
    }

    /** The listing's index of block {@code blk}'s first entry. */
    int first(int blk) {
        return first[blk];
    }

    /** Whether {@code b}, block {@code blk} as a lookup read it, holds the bytes the index was made from. */
    boolean holds(int blk, Namei.Block b) {
        if (blk < 0 || blk >= pages.length || b.at != at[blk]) {
            return false;
        }
        return b.page == pages[blk] || Arrays.equals(b.page, pages[blk]);
    }
}
