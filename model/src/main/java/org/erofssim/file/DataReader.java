package org.erofssim.file;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.read.BdevReadaheadRace;
import org.erofssim.read.FileContent;
import org.erofssim.read.FilemapRead;
import org.erofssim.read.PageCache;
import org.erofssim.read.PlainReader;
import org.erofssim.read.ReadPattern;
import org.erofssim.read.Readahead;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.Mode;
import org.erofssim.sb.NotModelled;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;
import org.erofssim.sb.UndefinedBytes;
import org.erofssim.zip.ZReader;

/**
 * The read path of a file, whatever its layout: the address-space operations the superblock
 * gives an inode ({@code erofs_fill_inode} picks {@code z_erofs_aops} for compressed layouts,
 * {@code erofs_aops} or {@code erofs_fileio_aops} for the others), so this class dispatches each
 * read to {@link PlainReader} (uncompressed inodes: data.c, fileio.c) or {@link ZReader}
 * (compressed inodes: zdata.c). It sits above both, which know nothing of each other but
 * the device reads {@link ZReader} submits through {@link PlainReader}.
 *
 * <p><b>Compressed inodes</b> (COMPRESSED_FULL/COMPACT) use {@code z_erofs_aops} in every
 * mode, through a page cache of folios of any order per inode ({@link PageCache}):
 * {@link #readFile} is a sequence of {@link #READ_CALL}-byte {@code read(2)} calls of one open
 * file ({@link FilemapRead}: {@code filemap_read}/{@code filemap_get_pages}), whose readahead
 * windows ({@link Readahead}: {@code page_cache_sync_ra}/{@code page_cache_async_ra}, large
 * folios from the second window on) go to {@link ZReader#readahead} and whose folios left not
 * uptodate go to {@link ZReader#readFolio}, which returns its error itself (no EIO rewrite in
 * bdev mode) and logs {@code read error -E @ N of nid M}; {@link #readMappingFolio} (directories,
 * slow symlinks) is {@code read_mapping_folio}. Data the model cannot decode makes
 * {@link #readFile} return a null hash with a {@code not modelled: ...} note, stale memory a
 * {@code kernel returns undefined bytes: ...} note.
 *
 * <p>Uncompressed inodes: see {@link PlainReader} (granularity, errors, device reads).
 */
public final class DataReader {
    /** The modelled folio size ({@code PAGE_SIZE}): {@link PlainReader#PAGE}. */
    public static final int PAGE = PlainReader.PAGE;
    /** {@link PlainReader#READ_LIMIT}: files longer than this are hashed only up to it. */
    public static final long READ_LIMIT = PlainReader.READ_LIMIT;
    /** {@link PlainReader#READ_CALL}: bytes one {@code read(2)} call asks for in {@link #readFile}. */
    public static final int READ_CALL = PlainReader.READ_CALL;
    /** {@link PlainReader#RA_PAGES}: pages of the readahead window that a read of a cold page starts. */
    public static final int RA_PAGES = PlainReader.RA_PAGES;

    private final SbInfo sbi;
    private final MetaBuf buf;
    private final SbLog log;
    /** The read path of uncompressed inodes, and the device reads of the compressed one. */
    private final PlainReader plain;
    /** Which side of the block-device readahead race compressed reads take ({@link BdevReadaheadRace}). */
    private final BdevReadaheadRace race;

    /** The page caches of compressed inodes, by nid (folios of any order, {@link PageCache}). */
    private final java.util.Map<Long, PageCache> zcaches = new java.util.HashMap<>();
    /** One open file per compressed inode for {@link #readPage} (page-by-page extraction). */
    private final java.util.Map<Long, FilemapRead> zpagers = new java.util.HashMap<>();
    /** The compressed read path, made on first use. */
    private ZReader zreader;

    /**
     * The full model's memory: every compressed inode's page cache kept until the walk ends
     * (true), or, by default (false), a compressed regular file's page cache dropped as soon as
     * {@link #readFile} has read it whole without an error, a note or stale bytes. Such a read's
     * result is final (the tree walk reuses it for every further link to the inode, and nothing
     * else reads a regular file's pages during a walk), so dropping it changes no outcome; memory
     * is then bounded by the file being read, not by the image (issue 12: 2.1 GB of RSS for a
     * 358 MB image). {@code StreamingVerifyProperties} checks both settings give the same outcome
     * bytes on clean and damaged images.
     */
    public static volatile boolean keepPageCaches = Boolean.getBoolean("erofssim.keepPageCaches");

    /** A reader on the default side of the readahead race ({@link BdevReadaheadRace#COMPLETED}). */
    public DataReader(SbInfo sbi, MetaBuf buf, SbLog log) {
        this(sbi, buf, log, BdevReadaheadRace.COMPLETED);
    }

    /** A reader whose compressed bdev-mode reads take side {@code race} of the readahead race. */
    public DataReader(SbInfo sbi, MetaBuf buf, SbLog log, BdevReadaheadRace race) {
        this.race = java.util.Objects.requireNonNull(race, "race");
        this.sbi = sbi;
        this.buf = buf;
        this.log = log;
        this.plain = new PlainReader(sbi, buf, log);
    }

    /**
     * Page {@code index} of {@code inode} as its {@code read_folio} leaves it:
     * {@link PlainReader#readFolio} for uncompressed inodes; for compressed ones the page of
     * the folio {@code read_mapping_folio} gets, or the error it returns.
     */
    public PlainReader.Folio readFolio(ErofsInode inode, long index) {
        if (inode.isCompressed()) {
            try {
                return new PlainReader.Folio(pageOf(zMappingFolio(inode, index), index), null, false);
            } catch (KernelError e) {
                return new PlainReader.Folio(new byte[PAGE], e.errno(), false);
            }
        }
        return plain.readFolio(inode, index);
    }

    /**
     * {@code read_mapping_folio} → {@code filemap_read_folio}: one {@code read_folio} call, no
     * readahead (how directories and slow symlinks read their pages).
     *
     * @throws KernelError fileio: the mapping-step errno, else EIO; bdev: EIO
     * @throws UndefinedBytes a compressed page the kernel fills partly with stale memory
     *                        (directories and symlinks cannot be modelled from it)
     */
    public byte[] readMappingFolio(ErofsInode inode, long index) {
        if (inode.isCompressed()) {
            PageCache.Folio f = zMappingFolio(inode, index);
            byte[] page = pageOf(f, index);
            checkDefined(inode, f, index);
            return page;
        }
        return plain.readMappingFolio(inode, index);
    }

    /**
     * {@link #readMappingFolio} as a little-endian view that the caller only reads: the page
     * cache's bytes themselves, not a copy (a compressed inode's folio; an uncompressed inode's
     * reused page, {@link PlainReader#readMappingFolioShared}). For fragment reads ({@link #z()}'s
     * packed inode): a copy of every 4 KiB block of the packed inode was 15% of the fragment path's
     * samples (JFR, session 14; a 1 GiB fragment read in seed 12's 100,000-case campaign).
     */
    private java.nio.ByteBuffer readMappingView(ErofsInode inode, long index) {
        if (!inode.isCompressed()) {
            return java.nio.ByteBuffer.wrap(plain.readMappingFolioShared(inode, index)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        }
        PageCache.Folio f = zMappingFolio(inode, index);
        java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(f.bytes(), (int) (index - f.index) * PAGE, PAGE).slice();
        checkDefined(inode, f, index);
        return view.order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * {@link #readMappingFolio} for a caller that only reads the page (lookups, listings): an
     * uncompressed inode's reused page is not copied ({@link PlainReader#readMappingFolioShared}).
     */
    byte[] readMappingFolioShared(ErofsInode inode, long index) {
        return inode.isCompressed() ? readMappingFolio(inode, index) : plain.readMappingFolioShared(inode, index);
    }

    /**
     * {@code read_mapping_folio} on a compressed inode ({@code do_read_cache_folio}): the folio
     * holding the page from the page cache, read by {@code z_erofs_read_folio} when it is absent
     * (an order-0 folio is added) or not uptodate; its error as it is, EIO for a folio left not
     * uptodate without one.
     */
    private PageCache.Folio zMappingFolio(ErofsInode inode, long index) {
        PageCache cache = zcache(inode);
        PageCache.Folio f = cache.at(index);
        if (f != null) {
            z().settle(cache, f);
        }
        if (f == null) {
            f = cache.add(index, 0);
        }
        if (!f.uptodate) {
            f.locked = true;
            Errno e = z().readFolio(inode, cache, f);
            f.locked = false;
            if (e != null) {
                throw new KernelError(e, "page " + index + " of nid " + inode.nid() + ": read_folio");
            }
            if (!f.uptodate) {
                throw new KernelError(Errno.EIO, "page " + index + " of nid " + inode.nid() + " not uptodate");
            }
        }
        return f;
    }

    /** Page {@code index} of {@code f} (a compressed inode's, read): its bytes, copied. */
    private static byte[] pageOf(PageCache.Folio f, long index) {
        int at = (int) (index - f.index) * PAGE;
        return java.util.Arrays.copyOfRange(f.bytes(), at, at + PAGE);
    }

    /** Stale bytes in page {@code index} of {@code f} make the page undefined ({@link UndefinedBytes}). */
    private static void checkDefined(ErofsInode inode, PageCache.Folio f, long index) {
        int at = (int) (index - f.index) * PAGE;
        if (f.stale != null && !f.stale.get(at, at + PAGE).isEmpty()) {
            throw new UndefinedBytes(f.stale.get(at, at + PAGE).cardinality() + " bytes of page " + index
                    + " of nid " + inode.nid() + " are the page's old contents (" + UndefinedBytes.CAUSE + ")");
        }
    }

    /** Tests: how many compressed inodes' page caches this reader holds. */
    int pageCachesHeld() {
        return zcaches.size();
    }

    /** The nid whose page cache {@link #lastZcache} is (when that is not null). */
    private long lastZnid = -1;
    private PageCache lastZcache;

    /**
     * The page cache of a compressed inode. The last one asked for is kept at hand: a read of a
     * fragment asks for the packed inode's cache twice a page ({@code readMappingFolio}), a boxed
     * map lookup each time (issue 15: a 1 GiB fragment read of a fuzz case).
     */
    PageCache zcache(ErofsInode inode) {
        long nid = inode.nid();
        if (nid != lastZnid || lastZcache == null) {
            lastZcache = zcaches.computeIfAbsent(nid, n -> new PageCache());
            lastZnid = nid;
        }
        return lastZcache;
    }

    /**
     * A new open file of a compressed inode: {@code file_ra_state} from the superblock's BDI
     * ({@link #RA_PAGES} pages in every mode: the private BDI of a file-backed mount, and the
     * loop devices the live oracle sets to 128 KiB), reading through {@link ZReader}.
     */
    FilemapRead zopen(ErofsInode inode) {
        PageCache cache = zcache(inode);
        Readahead.FileRa ra = new Readahead.FileRa(RA_PAGES, sbi.mode() == Mode.BDEV ? PlainReader.BDEV_IO_PAGES : RA_PAGES,
                sbi.kernel().has(org.erofssim.kernel.Behavior.COMPRESSED_LARGE_FOLIOS),
                !sbi.kernel().has(org.erofssim.kernel.Behavior.READAHEAD_HONOURS_NEW_ORDER));
        FilemapRead file = new FilemapRead(cache, ra, Math.max(0, inode.size()), rac -> z().readahead(inode, cache, rac),
                folio -> z().readFolio(inode, cache, folio), folio -> z().settle(cache, folio));
        file.updatesBatchEnd = !sbi.kernel().has(org.erofssim.kernel.Behavior.FILEMAP_READ_STOPS_AT_FAILED_FOLIO);
        return file;
    }

    /**
     * A page as {@code filemap_read} gets it ({@link PlainReader#readPage} for uncompressed
     * inodes; for compressed ones, a {@code read(2)} of the page through one open file per inode).
     */
    public byte[] readPage(ErofsInode inode, long index) {
        if (inode.isCompressed()) {
            FilemapRead r = zpagers.computeIfAbsent(inode.nid(), n -> zopen(inode));
            FilemapRead.Call c = r.read(index * PAGE, PAGE);
            if (c.error() != null) {
                throw new KernelError(c.error(), "page " + index + " of nid " + inode.nid());
            }
            return java.util.Arrays.copyOf(c.bytes(), PAGE);
        }
        return plain.readPage(inode, index);
    }

    /**
     * {@code read(2)} of a regular file from 0 to {@code i_size} in a loop of
     * {@link #READ_CALL}-byte calls: {@link PlainReader#readFile} for uncompressed inodes,
     * {@link #zReadFile} for compressed ones.
     */
    public FileContent readFile(ErofsInode inode) {
        return readFile(inode, ReadPattern.DEFAULT);
    }

    /**
     * {@link #readFile(ErofsInode)} read with {@code pattern}: {@code read(2)} calls of its size,
     * or one {@code filemap_fault} per page of a mapping ({@link FilemapRead#fault}).
     */
    public FileContent readFile(ErofsInode inode, ReadPattern pattern) {
        if (inode.isCompressed()) {
            return zReadFile(inode, pattern);
        }
        return plain.readFile(inode, pattern);
    }

    /**
     * {@link #readFile} of a compressed inode: a new open file ({@link #zopen}) read with
     * {@link #READ_CALL}-byte {@code read(2)} calls through {@link FilemapRead} until one
     * returns nothing (the end) or an error, as the live oracle's walk does. Bytes that are the
     * page cache's old contents make the hash unknown ({@link UndefinedBytes#NOTE_PREFIX}).
     */
    private FileContent zReadFile(ErofsInode inode, ReadPattern pattern) {
        MessageDigest md = FileContent.newDigest();
        long size = Math.max(0, inode.size());
        List<String> notes = new ArrayList<>();
        long limit = size;
        if (size > READ_LIMIT) {
            limit = READ_LIMIT;
            notes.add(PlainReader.cutNote(size));
        }
        FilemapRead file = zopen(inode);
        file.hashInto = md; // a read(2) call hashes the bytes it returns, not copied out
        // a folio whose bytes the loop has hashed is not read again in this read, and the page
        // cache goes when the read ends clean: its bytes go as soon as they are hashed
        // (PageCache.Folio#release), so memory is bounded by the readahead window, not the file
        boolean release = !keepPageCaches && !zpagers.containsKey(inode.nid());
        long pos = 0;
        Errno err = null;
        long staleCount = 0;
        long staleFirst = -1;
        long staleLast = -1;
        try {
            while (pos < limit) {
                if (pattern.mmap()) {
                    // filemap_fault of the page at pos, then its bytes as the mapping shows them
                    long index = pos / PAGE;
                    if (file.touch(index) != null) {
                        err = Errno.EIO; // a SIGBUS carries no errno: the walk records EIO whatever read_folio returned
                        break;
                    }
                    PageCache.Folio f = zcache(inode).at(index);
                    int at = (int) ((index - f.index) * PAGE);
                    int n = (int) Math.min(PAGE, limit - pos);
                    md.update(f.bytes(), at, n);
                    if (f.stale != null) {
                        java.util.BitSet in = f.stale.get(at, at + n);
                        if (!in.isEmpty()) {
                            staleCount += in.cardinality();
                            if (staleFirst < 0) {
                                staleFirst = pos + in.nextSetBit(0);
                            }
                            staleLast = pos + in.length() - 1;
                        }
                    }
                    pos += n;
                    if (release && at + n == f.size()) {
                        f.release();
                    }
                    continue;
                }
                int before = file.copied.size();
                int call = pattern.size();
                FilemapRead.Call c = file.read(pos, limit < size ? (int) Math.min(call, limit - pos) : call);
                if (c.error() != null) {
                    err = c.error();
                    break;
                }
                if (c.count() == 0) {
                    break;
                }
                for (int k = before; k < file.copied.size(); k++) {
                    long[] r = file.copied.get(k); // file position, bytes, offset in the folio
                    java.util.BitSet st = file.copiedFolios.get(k).stale;
                    if (st == null) {
                        continue;
                    }
                    java.util.BitSet in = st.get((int) r[2], (int) (r[2] + r[1]));
                    if (!in.isEmpty()) {
                        staleCount += in.cardinality();
                        if (staleFirst < 0) {
                            staleFirst = r[0] + in.nextSetBit(0);
                        }
                        staleLast = r[0] + in.length() - 1;
                    }
                }
                pos += c.count();
                if (release) {
                    for (int k = before; k < file.copied.size(); k++) {
                        long[] r = file.copied.get(k);
                        PageCache.Folio folio = file.copiedFolios.get(k);
                        if (r[2] + r[1] == folio.size()) {
                            folio.release(); // its last byte copied: the bytes may go
                        }
                    }
                }
                file.copied.clear(); // accounted for: the folios may go (memory bounded by the call)
                file.copiedFolios.clear();
            }
        } catch (NotModelled e) {
            notes.add("not modelled: " + e.getMessage() + " (at byte " + pos + "); contents unknown");
            return new FileContent(null, 0, null, List.copyOf(notes));
        } finally {
            z().settle(zcache(inode));
        }
        if (staleCount == 0 && err == null && (notes.isEmpty() || notes.equals(List.of(PlainReader.cutNote(size))))
                && !keepPageCaches && !zpagers.containsKey(inode.nid())) {
            PageCache done = zcaches.remove(inode.nid());
            lastZcache = null;
            if (done != null) {
                z().forget(done);
            }
        }
        if (staleCount > 0) {
            notes.add(UndefinedBytes.NOTE_PREFIX + staleCount + " of the bytes read, between offsets " + staleFirst
                    + " and " + staleLast + ", are the page cache's old contents (" + UndefinedBytes.CAUSE
                    + "); hash unknown");
            return new FileContent(null, pos, err, List.copyOf(notes));
        }
        return new FileContent(FileContent.hex(md.digest()), pos, err, List.copyOf(notes));
    }

    /** The clean-data direct decoder of compressed files, made on first use. */
    private org.erofssim.zip.ZDirect zdirect;
    /**
     * {@link #readDirect}'s answers: compressed files answered, given up; uncompressed files
     * answered, given up (tests and statistics).
     */
    final long[] directCounts = new long[4];

    /**
     * The clean-data direct read of regular file {@code inode} (issue 12):
     * {@link org.erofssim.zip.ZDirect#read} for compressed inodes, {@link PlainReader#readDirect}
     * for the others; null where it cannot prove the full model ({@link #readFile}) gives the
     * same, which then decides. It reads no page cache of this reader and leaves none.
     */
    public FileContent readDirect(ErofsInode inode) {
        FileContent c;
        int k;
        if (inode.isCompressed()) {
            if (zdirect == null) {
                zdirect = new org.erofssim.zip.ZDirect(sbi, buf, log);
            }
            c = zdirect.read(inode);
            k = 0;
        } else {
            c = plain.readDirect(inode);
            k = 2;
        }
        directCounts[k + (c == null ? 1 : 0)]++;
        return c;
    }

    /**
     * {@code page_get_link} of a slow symlink: page 0 through {@code read_mapping_page}, cut at
     * {@code min(i_size, PAGE_SIZE - 1)} ({@code nd_terminate_link}) and at the first NUL.
     *
     * @throws KernelError as {@link #readMappingFolio}
     */
    public byte[] readLink(ErofsInode inode) {
        byte[] page = readMappingFolio(inode, 0);
        int max = (int) Math.min(Math.max(0, inode.size()), PAGE - 1);
        int len = 0;
        while (len < max && page[len] != 0) {
            len++;
        }
        return java.util.Arrays.copyOf(page, len);
    }

    /**
     * {@link InodeBuf} over the packed inode for {@link ZReader}'s fragment reads (which only read
     * the pages): the same {@code erofs_bread} on its page cache, holding a page until another is
     * asked for, through {@link #readMappingView} instead of a copy of each page.
     */
    private final class PackedBuf implements org.erofssim.sb.ErofsBuf {
        private final ErofsInode inode;
        private long heldIndex = -1;
        private java.nio.ByteBuffer held;

        PackedBuf(ErofsInode inode) {
            this.inode = inode;
        }

        @Override public java.nio.ByteBuffer page(long offset) {
            long index = offset >>> 12;
            if (index != heldIndex) {
                held = readMappingView(inode, index);
                heldIndex = index;
            }
            return held;
        }

        @Override public boolean samePage(long a, long b) {
            return a >>> 12 == b >>> 12;
        }
    }

    /** The compressed read path of this superblock ({@code z_erofs_aops}). */
    ZReader z() {
        if (zreader == null) {
            zreader = new ZReader(sbi, buf, log, plain, race::inFlight);
            zreader.packedInode(() -> sbi.packedInode() == null ? null : new PackedBuf(sbi.packedInode()));
        }
        return zreader;
    }
}
