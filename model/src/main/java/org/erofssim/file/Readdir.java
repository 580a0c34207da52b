package org.erofssim.file;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.Dirent;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

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
 * 255 bytes ends the listing with EUCLEAN and {@code bogus dirent @ nid N}. With
 * {@link Behavior#DIRENT_NAMEOFF_CHECKS} (6.18.44) {@code de[0].nameoff} must also be a multiple
 * of 12, an empty name is bogus, and so is a trailing name starting at or past the valid bytes.
 *
 * <p><b>getdents64 calls.</b> The listing is what successive {@code getdents64} calls with a
 * {@link #GETDENTS_BUFFER}-byte buffer (the harness walker's) return: a call ends when the next
 * record ({@code linux_dirent64}: 19 bytes + name + NUL, 8-byte aligned) does not fit, and the
 * next call resumes at that entry. A call that meets an error after emitting entries returns
 * the entries and drops the error ({@code getdents64} reports the bytes filled); the next call
 * resumes at the failing position and meets the error again, so its log line (and the failing
 * page read with its own lines) comes twice, then the error is returned. The 6.17+ directory
 * readahead (6.17, sysfs {@code dir_ra_bytes}) is not modelled.
 */
public final class Readdir {
    /** {@code EROFS_NAME_LEN}. */
    public static final int NAME_LEN = 255;
    /** The buffer of each {@code getdents64} call of the harness's tree walker. */
    public static final int GETDENTS_BUFFER = 65536;
    private static final String FN = "erofs_readdir";

    private Readdir() {}

    /** One emitted entry: the raw name bytes, the nid and the on-disk file type. */
    public record Entry(byte[] name, long nid, int fileType) {
        public String nameString() {
            return new String(name, java.nio.charset.StandardCharsets.UTF_8);
        }

        public boolean isDotOrDotDot() {
            return name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
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
        return list(sbi, reader, log, dir, limit, null);
    }

    /**
     * As {@link #list(SbInfo, DataReader, SbLog, ErofsInode, int)}, adding to {@code blockPages}
     * (when not null) the page each directory block was listed from, one per block in order
     * (for {@link DirIndex}).
     */
    static Listing list(SbInfo sbi, DataReader reader, SbLog log, ErofsInode dir, int limit, List<byte[]> blockPages) {
        int bits = sbi.blocksizeBits();
        int bs = 1 << bits;
        long size = dir.size();
        List<Entry> out = new ArrayList<>();
        long cachedIndex = -1;
        byte[] page = null;
        long dbstart = 0;
        int callBytes = 0;
        int emittedInCall = 0;
        while (dbstart < size) {
            long index = dbstart / DataReader.PAGE;
            if (index != cachedIndex) {
                try {
                    page = reader.readMappingFolioShared(dir, index);
                } catch (KernelError e) {
                    Coverage.hit("erofs_readdir:read-error");
                    String what = sbi.kernel().has(Behavior.READDIR_FAILED_MESSAGE) ? "failed" : "fail";
                    String line = what + " to readdir of logical block " + (dbstart >>> bits) + " of nid " + dir.nid();
                    log.err(FN, line);
                    if (emittedInCall > 0) { // the next getdents64 call reads the block again
                        try {
                            reader.readMappingFolioShared(dir, index);
                        } catch (KernelError again) {
                            log.err(FN, line);
                            return new Listing(out, again.errno());
                        }
                    }
                    return new Listing(out, e.errno());
                }
                cachedIndex = index;
            }
            int at = (int) (dbstart % DataReader.PAGE);
            if (blockPages != null) {
                blockPages.add(page);
            }
            int nameoff0 = u16(page, at + Dirent.OFF_NAMEOFF);
            boolean strict = sbi.kernel().has(Behavior.DIRENT_NAMEOFF_CHECKS);
            if (nameoff0 < Dirent.SIZE || nameoff0 >= bs || (strict && nameoff0 % Dirent.SIZE != 0)) {
                Coverage.hit("erofs_readdir:invalid-nameoff");
                fail(log, emittedInCall, "invalid de[0].nameoff " + nameoff0 + " @ nid " + dir.nid());
                return new Listing(out, Errno.EUCLEAN);
            }
            int maxsize = (int) Math.min(size - dbstart, bs);
            for (int de = 0; de * Dirent.SIZE < nameoff0; de++) {
                int base = at + de * Dirent.SIZE;
                long nameoff = u16(page, base + Dirent.OFF_NAMEOFF);
                long namelen;
                boolean bogus;
                if ((de + 1) * Dirent.SIZE >= nameoff0) {
                    if (strict && maxsize <= nameoff) {
                        namelen = 0;
                        bogus = true;
                    } else {
                        long room = (maxsize - nameoff) & 0xFFFFFFFFL;
                        namelen = strnlen(page, at + nameoff, room);
                        bogus = false;
                    }
                } else {
                    namelen = (u16(page, base + Dirent.SIZE + Dirent.OFF_NAMEOFF) - nameoff) & 0xFFFFFFFFL;
                    bogus = false;
                }
                bogus |= ((nameoff + namelen) & 0xFFFFFFFFL) > maxsize || namelen > NAME_LEN
                        || (strict && namelen == 0);
                if (bogus) {
                    Coverage.hit("erofs_readdir:bogus-dirent");
                    // before the fold the dirent loop is erofs_fill_dentries [obs-6.12.118]
                    fail(log, emittedInCall, "bogus dirent @ nid " + dir.nid(),
                            sbi.kernel().has(Behavior.FILL_DENTRIES_FOLDED) ? FN : "erofs_fill_dentries");
                    return new Listing(out, Errno.EUCLEAN);
                }
                if (out.size() >= limit) {
                    return new Listing(out, null, true);
                }
                int rec = recordLength((int) namelen);
                if (callBytes + rec > GETDENTS_BUFFER) { // dir_emit refuses: this call ends, the next starts here
                    callBytes = 0;
                    emittedInCall = 0;
                }
                callBytes += rec;
                emittedInCall++;
                byte[] name = new byte[(int) namelen];
                copy(page, at + nameoff, name);
                out.add(new Entry(name, u64(page, base), u8(page, base + Dirent.OFF_FILE_TYPE)));
            }
            dbstart += maxsize;
        }
        return new Listing(out, null);
    }

    /** Logs a listing error once, or twice when the failing getdents64 call had emitted entries. */
    private static void fail(SbLog log, int emittedInCall, String line) {
        fail(log, emittedInCall, line, FN);
    }

    private static void fail(SbLog log, int emittedInCall, String line, String function) {
        log.err(function, line);
        if (emittedInCall > 0) {
            log.err(function, line);
        }
    }

    /** The size of one {@code linux_dirent64} record: 19 header bytes, the name, its NUL, 8-aligned. */
    static int recordLength(int namelen) {
        return (19 + namelen + 1 + 7) & ~7;
    }

    private static long strnlen(byte[] page, long from, long max) {
        long n = 0;
        while (n < max && from + n < page.length && page[(int) (from + n)] != 0) {
            n++;
        }
        return n;
    }

    /** {@code dst.length} bytes of {@code page} from {@code from} (not negative), zeros past its end. */
    private static void copy(byte[] page, long from, byte[] dst) {
        if (from < page.length) { // one arraycopy, not a loop of the model's own (session 13)
            System.arraycopy(page, (int) from, dst, 0, (int) Math.min(dst.length, page.length - from));
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
        if (i >= 0 && i + 8 <= b.length) { // all eight bytes exist: u8's reads without its test each
            for (int k = 7; k >= 0; k--) {
                v = v << 8 | (b[i + k] & 0xFF);
            }
            return v;
        }
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | u8(b, i + k);
        }
        return v;
    }
}
