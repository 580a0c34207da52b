package org.erofssim.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.mount.SbInfo;
import org.erofssim.mount.SbLog;
import org.erofssim.ondisk.Dirent;

/**
 * {@code erofs_readdir} and {@code erofs_fill_dentries} (fs/erofs/dir.c, spec §7.3): lists a
 * directory from offset 0 to {@code i_size} the way repeated {@code getdents64} calls see it.
 *
 * <p>Directory blocks are read through the directory's own page cache
 * ({@code erofs_bread} on {@code dir->i_mapping}, i.e. {@link DataReader#readMappingFolio}).
 * A failing page logs {@code fail to readdir of logical block B of nid N} (6.15+:
 * {@code failed to readdir ...}) and ends the listing with the read's errno. Per block,
 * {@code de[0].nameoff} must lie in {@code [12, bs)}, else EUCLEAN and
 * {@code invalid de[0].nameoff X @ nid N}; each name runs to the next entry's
 * {@code nameoff}, the last one of a block to the first NUL within the block's valid bytes
 * ({@code min(bs, i_size - block start)}); a name that runs past those bytes or is longer than
 * 255 bytes ends the listing with EUCLEAN and {@code bogus dirent @ nid N}. Entries emitted
 * before an error are kept: {@code getdents64} returns them and reports the error on the next
 * call. The 6.17+ directory readahead ({@link Behavior#DIR_READAHEAD}) is not modelled.
 */
public final class Readdir {
    /** {@code EROFS_NAME_LEN}. */
    public static final int NAME_LEN = 255;
    private static final String FN = "erofs_readdir";

    private Readdir() {}

    /** One emitted entry: the raw name bytes, the nid and the on-disk file type. */
    public record Entry(byte[] name, long nid, int fileType) {
        public String nameString() {
            return new String(name, java.nio.charset.StandardCharsets.UTF_8);
        }

        public boolean isDotOrDotDot() {
            return Arrays.equals(name, new byte[] {'.'}) || Arrays.equals(name, new byte[] {'.', '.'});
        }
    }

    /**
     * A listing: the entries in on-disk order, the errno that ended it early (or null), and
     * whether the model stopped it at its entry limit (a corrupt size can repeat blocks).
     */
    public record Listing(List<Entry> entries, Errno errno, boolean truncated) {
        public Listing(List<Entry> entries, Errno errno) {
            this(entries, errno, false);
        }
    }

    /** Lists {@code dir} completely (or up to its first error). */
    public static Listing list(SbInfo sbi, DataReader reader, SbLog log, ErofsInode dir) {
        return list(sbi, reader, log, dir, Integer.MAX_VALUE);
    }

    /** As {@link #list(SbInfo, DataReader, SbLog, ErofsInode)}, stopping after {@code limit} entries. */
    public static Listing list(SbInfo sbi, DataReader reader, SbLog log, ErofsInode dir, int limit) {
        int bits = sbi.blocksizeBits();
        int bs = 1 << bits;
        long size = dir.size();
        List<Entry> out = new ArrayList<>();
        long cachedIndex = -1;
        byte[] page = null;
        long dbstart = 0;
        while (dbstart < size) {
            long index = dbstart / DataReader.PAGE;
            if (index != cachedIndex) {
                try {
                    page = reader.readMappingFolio(dir, index);
                } catch (KernelError e) {
                    String what = sbi.kernel().has(Behavior.LAYOUT_48BIT) ? "failed" : "fail";
                    log.err(FN, what + " to readdir of logical block " + (dbstart >>> bits) + " of nid " + dir.nid());
                    return new Listing(out, e.errno());
                }
                cachedIndex = index;
            }
            int at = (int) (dbstart % DataReader.PAGE);
            int nameoff0 = u16(page, at + Dirent.OFF_NAMEOFF);
            if (nameoff0 < Dirent.SIZE || nameoff0 >= bs) {
                log.err(FN, "invalid de[0].nameoff " + nameoff0 + " @ nid " + dir.nid());
                return new Listing(out, Errno.EUCLEAN);
            }
            int maxsize = (int) Math.min(size - dbstart, bs);
            for (int de = 0; de * Dirent.SIZE < nameoff0; de++) {
                int base = at + de * Dirent.SIZE;
                long nameoff = u16(page, base + Dirent.OFF_NAMEOFF);
                long namelen;
                if ((de + 1) * Dirent.SIZE >= nameoff0) {
                    long room = (maxsize - nameoff) & 0xFFFFFFFFL;
                    namelen = strnlen(page, at + nameoff, room);
                } else {
                    namelen = (u16(page, base + Dirent.SIZE + Dirent.OFF_NAMEOFF) - nameoff) & 0xFFFFFFFFL;
                }
                if (((nameoff + namelen) & 0xFFFFFFFFL) > maxsize || namelen > NAME_LEN) {
                    log.err(FN, "bogus dirent @ nid " + dir.nid());
                    return new Listing(out, Errno.EUCLEAN);
                }
                if (out.size() >= limit) {
                    return new Listing(out, null, true);
                }
                byte[] name = new byte[(int) namelen];
                copy(page, at + nameoff, name);
                out.add(new Entry(name, u64(page, base), u8(page, base + Dirent.OFF_FILE_TYPE)));
            }
            dbstart += maxsize;
        }
        return new Listing(out, null);
    }

    private static long strnlen(byte[] page, long from, long max) {
        long n = 0;
        while (n < max && from + n < page.length && page[(int) (from + n)] != 0) {
            n++;
        }
        return n;
    }

    private static void copy(byte[] page, long from, byte[] dst) {
        for (int i = 0; i < dst.length; i++) {
            long p = from + i;
            dst[i] = p < page.length ? page[(int) p] : 0;
        }
    }

    private static int u8(byte[] b, int i) {
        return i < b.length ? b[i] & 0xFF : 0;
    }

    private static int u16(byte[] b, int i) {
        return u8(b, i) | u8(b, i + 1) << 8;
    }

    private static long u64(byte[] b, int i) {
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | u8(b, i + k);
        }
        return v;
    }
}
