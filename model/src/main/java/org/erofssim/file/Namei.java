package org.erofssim.file;

import java.util.Arrays;

import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.Dirent;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code erofs_namei} (fs/erofs/namei.c): the name lookup behind {@code erofs_lookup}, by
 * binary search and not by a scan, so that a directory whose names are out of order (or whose
 * {@code nameoff}s are damaged) can list a name through {@code readdir} that {@code lstat} then
 * does not find (ENOENT), or finds under another entry's nid.
 *
 * <p>The search, as the kernel makes it: a directory of size 0 has no names (ENOENT). First
 * over the directory's blocks ({@code erofs_find_target_block}): for the middle block, read
 * through the directory's page cache ({@link DataReader#readMappingFolio}; a read error is the
 * lookup's error), {@code ndirents = (de[0].nameoff & (bs - 1)) / 12}; none → EUCLEAN and
 * {@code corrupted dir block B @ nid N}; its first name (up to the second entry's masked
 * {@code nameoff}, or the block end) compared with the name sought: equal → that entry; the name
 * is greater → the block is the candidate and the search goes right; smaller → left. Then
 * inside the candidate block ({@code erofs_find_target_dirent}) over entries 1 to ndirents-1 the
 * same way, each name ending at the next entry's masked {@code nameoff} (the last at the block
 * end). No candidate, or no match in it: ENOENT. Comparisons ({@code erofs_dirnamecmp}) skip the
 * prefix already known to match on both sides ({@code min(startprfx, endprfx)}), stop at a NUL
 * or at the end of the on-disk name, and compare bytes unsigned; a sought name longer than the
 * on-disk one is greater.
 */
public final class Namei {
    private static final String FN = "erofs_find_target_block";

    private Namei() {}

    /** What a lookup found: the entry's nid and on-disk file type. */
    public record Found(long nid, int fileType) {}

    /**
     * Looks {@code name} up in directory {@code dir}.
     *
     * @throws KernelError ENOENT when the search does not find it, EUCLEAN for a block without
     *                     entries, or the error of a directory block read
     */
    public static Found lookup(SbInfo sbi, DataReader reader, SbLog log, ErofsInode dir, byte[] name) {
        return lookup(sbi, reader, log, dir, name, noNul(name));
    }

    /**
     * As {@link #lookup(SbInfo, DataReader, SbLog, ErofsInode, byte[])} where the caller knows
     * whether {@code name} holds a NUL byte ({@code noNul}: it holds none; a walker's names, cut
     * at their first NUL, never do).
     */
    static Found lookup(SbInfo sbi, DataReader reader, SbLog log, ErofsInode dir, byte[] name, boolean noNul) {
        return lookup(sbi, reader, log, dir, name, noNul, null, -1);
    }

    /**
     * As {@link #lookup(SbInfo, DataReader, SbLog, ErofsInode, byte[], boolean)} for the name of
     * entry {@code t} of {@code index} (the listing's index; {@code t} -1 or {@code index} null:
     * none): the same blocks are read in the same order, and a comparison with a name of a block
     * that holds the bytes the index was made from is answered by the two positions
     * ({@link DirIndex}); the first block that does not hold them ends that for this lookup.
     */
    static Found lookup(SbInfo sbi, DataReader reader, SbLog log, ErofsInode dir, byte[] name, boolean noNul,
                        DirIndex index, int t) {
        if (dir.size() == 0) {
            throw new KernelError(Errno.ENOENT);
        }
        int bits = sbi.blocksizeBits();
        int bs = 1 << bits;
        long iblks = (dir.size() + bs - 1) >>> bits;
        int head = 0;
        int back = (int) (iblks - 1);
        int startprfx = 0;
        int endprfx = 0;
        Block candidate = null;
        int candidateBlock = -1;
        boolean byPosition = index != null && t >= 0;
        Block below = null; // byPosition: the last block whose first name is smaller, and greater
        Block above = null;
        while (head <= back) {
            int mid = head + (back - head) / 2;
            Block b = block(reader, dir, (long) mid << bits, bs);
            int ndirents = b.nameoff(0) / Dirent.SIZE;
            if (ndirents == 0) {
                Coverage.hit("erofs_find_target_block:corrupted-dir-block");
                log.err(FN, "corrupted dir block " + mid + " @ nid " + Long.toUnsignedString(dir.nid()));
                throw new KernelError(Errno.EUCLEAN);
            }
            b.ndirents = ndirents;
            int diff;
            long r = 0;
            if (byPosition && index.holds(mid, b)) {
                diff = Integer.compare(t, index.first(mid));
            } else {
                if (byPosition) { // from here the bytes answer, with the prefixes the comparisons so far matched
                    byPosition = false;
                    startprfx = below == null ? 0 : matched(compareFirst(name, noNul, below, bs, 0));
                    endprfx = above == null ? 0 : matched(compareFirst(name, noNul, above, bs, 0));
                }
                r = compareFirst(name, noNul, b, bs, Math.min(startprfx, endprfx));
                diff = diff(r);
            }
            if (diff == 0) {
                return b.entry(0);
            } else if (diff > 0) {
                head = mid + 1;
                startprfx = matched(r);
                candidate = b;
                candidateBlock = mid;
                below = b;
            } else {
                back = mid - 1;
                endprfx = matched(r);
                above = b;
            }
        }
        if (candidate == null) {
            throw new KernelError(Errno.ENOENT);
        }
        if (byPosition) { // the candidate's entries are sorted too: the search inside it ends at entry t
            int j = t - index.first(candidateBlock);
            if (j >= 1 && j < candidate.ndirents) {
                return candidate.entry(j);
            }
        }
        return targetDirent(name, noNul, candidate, bs);
    }

    /** The comparison of {@code name} with block {@code b}'s first name (it ends at the second entry's {@code nameoff}). */
    private static long compareFirst(byte[] name, boolean noNul, Block b, int bs, int matched) {
        int end = b.ndirents == 1 ? bs : b.nameoff(1);
        return compare(name, noNul, b, b.nameoff(0), end, matched);
    }

    /** {@code erofs_find_target_dirent}: entries 1 .. ndirents-1 of the candidate block. */
    private static Found targetDirent(byte[] name, boolean noNul, Block b, int bs) {
        int head = 1;
        int back = b.ndirents - 1;
        int startprfx = 0;
        int endprfx = 0;
        while (head <= back) {
            int mid = head + (back - head) / 2;
            int end = mid >= b.ndirents - 1 ? bs : b.nameoff(mid + 1);
            long r = compare(name, noNul, b, b.nameoff(mid), end, Math.min(startprfx, endprfx));
            int ret = diff(r);
            if (ret == 0) {
                return b.entry(mid);
            } else if (ret > 0) {
                head = mid + 1;
                startprfx = matched(r);
            } else {
                back = mid - 1;
                endprfx = matched(r);
            }
        }
        throw new KernelError(Errno.ENOENT);
    }

    /**
     * {@code erofs_dirnamecmp}: the sought name (NUL-terminated as a dentry name is) against the
     * on-disk name at {@code [from, end)} of the block, from byte {@code matched} on.
     *
     * @return the comparison's sign ({@link #diff}) and how far the two agreed ({@link #matched})
     *         in one value (no array per comparison: issue 12)
     */
    static long compare(byte[] sought, Block b, int from, int end, int matched) {
        int i = matched;
        // the block's bytes that exist: past them (the block's or the page's end) Block.u8 reads a
        // zero, which ends the on-disk name as a NUL does
        int stop = Math.min(end, b.readable()) - from;
        byte[] page = b.page;
        int base = b.at + from;
        while (i < stop && from + i >= 0 && page[base + i] != 0) {
            int q = i < sought.length ? sought[i] & 0xFF : 0;
            int d = page[base + i] & 0xFF;
            if (q != d) {
                return pack(q > d ? 1 : -1, i);
            }
            i++;
        }
        return pack(i >= sought.length ? 0 : 1, i);
    }

    /** Whether {@code name} holds no NUL byte (a walker's names never do: it cuts them at one). */
    static boolean noNul(byte[] name) {
        for (byte c : name) {
            if (c == 0) {
                return false;
            }
        }
        return true;
    }

    /** {@link #compare}, through {@link #compareNoNul} where {@code noNul} says the sought name has no NUL. */
    private static long compare(byte[] sought, boolean noNul, Block b, int from, int end, int matched) {
        return noNul ? compareNoNul(sought, b, from, end, matched) : compare(sought, b, from, end, matched);
    }

    /**
     * {@link #compare} for a sought name without a NUL byte, the same result: the bytes both
     * names have are compared with {@link Arrays#mismatch} (a JDK loop the JIT vectorises, where
     * the model's own methods stay on C1 in a fuzz campaign: session 13), then {@link #compare}
     * goes on from there. Where the first differing byte is the on-disk name's NUL, the sought
     * byte (not NUL) is the greater, which is what {@link #compare} answers at a NUL before the
     * sought name's end; so an on-disk NUL needs no test of its own until the sought name ends.
     */
    static long compareNoNul(byte[] sought, Block b, int from, int end, int matched) {
        int n = Math.min(Math.min(end, b.readable()) - from, sought.length);
        if (from < 0 || matched >= n) {
            return compare(sought, b, from, end, matched);
        }
        int base = b.at + from;
        int m = Arrays.mismatch(sought, matched, n, b.page, base + matched, base + n);
        if (m < 0) {
            return compare(sought, b, from, end, n); // equal up to n: the rest as compare goes on
        }
        int i = matched + m;
        return pack((sought[i] & 0xFF) > (b.page[base + i] & 0xFF) ? 1 : -1, i);
    }

    private static long pack(int diff, int matched) {
        return (long) matched << 2 | (diff + 1);
    }

    /** The sign of a {@link #compare} result: -1, 0 or 1. */
    static int diff(long r) {
        return (int) (r & 3) - 1;
    }

    /** How many bytes a {@link #compare} found equal. */
    static int matched(long r) {
        return (int) (r >>> 2);
    }

    private static Block block(DataReader reader, ErofsInode dir, long pos, int bs) {
        byte[] page = reader.readMappingFolioShared(dir, pos / DataReader.PAGE);
        return new Block(page, (int) (pos % DataReader.PAGE), bs);
    }

    /** One directory block inside its page. */
    static final class Block {
        final byte[] page;
        final int at;
        private final int bs;
        /** {@link #readable()}, computed once per block (session 14: asked per comparison). */
        private final int readable;
        int ndirents;

        Block(byte[] page, int at, int bs) {
            this.page = page;
            this.at = at;
            this.bs = bs;
            this.readable = Math.min(bs, page.length - at);
        }

        /** Offsets {@code [0, readable())} of the block are bytes of its page; {@link #u8} reads the others as 0. */
        int readable() {
            return readable;
        }

        int u8(int off) {
            int i = at + off;
            return off >= 0 && off < bs && i < page.length ? page[i] & 0xFF : 0;
        }

        /** Entry {@code k}'s {@code nameoff}, masked to the block ({@code nameoff_from_disk}). */
        int nameoff(int k) {
            int base = k * Dirent.SIZE + Dirent.OFF_NAMEOFF;
            if (base >= 0 && base + 1 < readable) { // both bytes exist: u8's reads
                int i = at + base;
                return ((page[i] & 0xFF) | (page[i + 1] & 0xFF) << 8) & (bs - 1);
            }
            return (u8(base) | u8(base + 1) << 8) & (bs - 1);
        }

        Found entry(int k) {
            int base = k * Dirent.SIZE;
            if (base >= 0 && base + Dirent.SIZE <= readable) { // the whole dirent exists: u8's reads
                int i = at + base;
                long v = 0;
                for (int j = 7; j >= 0; j--) {
                    v = v << 8 | (page[i + j] & 0xFF);
                }
                return new Found(v, page[i + Dirent.OFF_FILE_TYPE] & 0xFF);
            }
            long nid = 0;
            for (int j = 7; j >= 0; j--) {
                nid = nid << 8 | u8(base + j);
            }
            return new Found(nid, u8(base + Dirent.OFF_FILE_TYPE));
        }
    }
}
