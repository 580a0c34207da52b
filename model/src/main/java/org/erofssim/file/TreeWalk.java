package org.erofssim.file;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.erofssim.contract.TreeEntry;
import org.erofssim.inode.Iget;
import org.erofssim.inode.Xattrs;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelLog;
import org.erofssim.ondisk.Dirent;
import org.erofssim.read.BdevReadaheadRace;
import org.erofssim.read.ReadPattern;
import org.erofssim.read.FileContent;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.NotModelled;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;
import org.erofssim.zip.ZReader;

/**
 * The harness's walk of a mounted tree (the contract's {@code tree}): every path reachable
 * from the root by {@code getdents64}, each with what {@code lstat}, {@code readlink}, a full
 * {@code read}, {@code llistxattr}/{@code lgetxattr} and (on request) {@code FS_IOC_FIEMAP}
 * give.
 *
 * <p><b>Order of kernel work (and so of log lines):</b> depth first from {@code /}; for each
 * path: the lookup ({@code erofs_iget} of the dirent's nid; inodes read before are reused as
 * from the inode cache), a symlink's target, then its xattrs, then its content (file data or
 * directory listing), then FIEMAP, as the harness's walkers make the system calls [obs-6.18.44:
 * fuzz seed 15 case 501, {@code xattr_isize 12} logged before a read error]; the children of a
 * directory follow in on-disk (byte) order.
 * The result is sorted by path with {@code /} first.
 *
 * <p><b>Per type:</b> regular files get {@code sha256}/{@code readOkBytes}/{@code readErrno}
 * of the data ({@link DataReader#readFile}, compressed ones through {@link ZReader}); data the
 * model cannot decode ({@link NotModelled}: LZMA/DEFLATE/ZSTD pclusters, fragments) leaves
 * {@code sha256} null with a {@code not modelled: ...} note, for files, symlink targets and
 * directory listings alike. Symlinks get {@code target} (fast: the inline copy
 * {@link Iget} made; slow: {@link DataReader#readLink}) or the {@code readErrno} of
 * {@code readlink}. Directories get the {@code readErrno} of their listing (their
 * {@code sha256} is null, {@code readOkBytes} 0); the entries listed before the error are still
 * walked. Device nodes get {@code rdev}. A name whose inode cannot be read gets only its path,
 * the nid and type of its dirent, and the errno of {@code lstat}; the log holds what
 * {@code erofs_iget} printed.
 *
 * <p><b>Lookups</b> search the name as the kernel does ({@link Namei}, a binary search): a name
 * readdir lists may not be found (ENOENT) or be found under another nid.
 *
 * <p><b>Simplifications:</b> a failed lookup is made once per path (a real walker may repeat it
 * per system call, logging again); a directory met again under another name is listed once
 * (the VFS allows one dentry per directory: an entry that is its own ancestor gets ELOOP, any
 * other repeat a note); a name holding a NUL byte is taken up to it, as a walker gets it from
 * getdents64 (a lookup of that part can find the entry: the kernel's name comparison stops at
 * an on-disk NUL); names that are then empty or hold {@code /} are left out with a note; a
 * path of 4096 bytes or more gets ENAMETOOLONG.
 */
public final class TreeWalk {
    /** Walks stop after this many paths (a corrupt image may describe huge trees): the contract's limit. */
    public static final int MAX_ENTRIES = TreeEntry.MAX_PATHS;
    private static final int PATH_MAX = 4096;

    private final SbInfo sbi;
    private final MetaBuf buf;
    private final SbLog log;
    private final boolean extents;
    private final DataReader reader;
    /** The release's answers {@link Iget} asks per inode, asked once per walk. */
    private final Iget.Release release;
    /**
     * Whether {@link SbInfo#ino} maps nids ({@code erofs_nid_to_ino64} on a metabox image with
     * a release that has one): asked once per walk, not once per entry (session 14).
     */
    private final boolean metaboxIno;
    /** Inodes read so far, by nid; sized for a fixture image's walk (about 230 paths) without a rehash. */
    private final Map<Long, ErofsInode> icache = new HashMap<>(512);
    private final Set<Long> listedDirs = new HashSet<>();
    /**
     * What a clean read of a regular inode gave, by nid: a hard link to a file read before is
     * served from the page cache in the kernel (no I/O, no log line), so it is not decoded and
     * hashed again (issue 11: 201 links to one 1 GiB file). A read that failed or left notes is
     * made again, as the kernel would retry it.
     */
    private final Map<Long, FileContent> cleanReads = new HashMap<>(256);
    private final List<TreeEntry> out = new ArrayList<>();
    private boolean truncated;

    /** How regular files are read (the scenario's {@code readSize}, {@code mmap}). */
    private final ReadPattern pattern;

    /**
     * Which walk {@link #walk} makes: {@code FULL}, the full model, every file read in walk order
     * on one reader; {@code FAST}, the clean-data fast path ({@link CleanReads}: the files read in
     * parallel, each on a reader of its own; the full model again when one read is not clean);
     * {@code AUTO} (the default), the fast path on images of {@link #FAST_MIN_IMAGE_BYTES} or
     * more. Neither path is taken where it could change the outcome: the fast path needs the
     * default side of the readahead race, no FIEMAP probe and no coverage recorder on the thread.
     */
    public enum Strategy { FULL, FAST, AUTO }

    /** {@code -Derofssim.walk=full|fast|auto}; tests set it to compare the two paths. */
    public static volatile Strategy strategy = Strategy.valueOf(
            System.getProperty("erofssim.walk", "auto").toUpperCase(java.util.Locale.ROOT));

    /**
     * Images smaller than this are walked with the full model under {@code AUTO}: their reads cost
     * less than handing them to other threads, and a damaged one (most fuzz cases) would be
     * walked twice.
     */
    public static final long FAST_MIN_IMAGE_BYTES = 16L << 20;

    /** Tests: which path this thread's last walk took ({@code fast path}, {@code fast path given up}, {@code full model}). */
    static final ThreadLocal<String> LAST_PATH = new ThreadLocal<>();

    /**
     * Whether the fast path reads regular files with the clean-data direct read first
     * ({@link DataReader#readDirect}: {@link org.erofssim.zip.ZDirect} for compressed files,
     * {@link org.erofssim.read.PlainReader#readDirect} for the others; a file it gives up on is
     * read with its own page-cache model as before): {@code -Derofssim.direct=false} turns it off
     * (for measurements).
     */
    public static volatile boolean directDecoder = !"false".equals(System.getProperty("erofssim.direct"));

    /**
     * Tests: of this thread's last fast-path walk, how many files the direct read answered and
     * gave up on ({@link CleanReads#directCounts()}); null when it did not run.
     */
    static final ThreadLocal<long[]> LAST_DIRECT = new ThreadLocal<>();

    /**
     * Whether a directory's lookups use the index of its listing where its names are sorted
     * ({@link DirIndex}: the search's comparisons answered by positions, the same blocks read);
     * {@code -Derofssim.dirIndex=false} turns it off (for measurements and {@code DirIndexProperties}).
     */
    public static volatile boolean dirIndex = !"false".equals(System.getProperty("erofssim.dirIndex"));

    /** This walk's lookups, as {@link #indexCounts} counts them. */
    private final long[] lookups = new long[3];

    /** Tests: this thread's lookups so far by whether the index knew the name, did not, or there was none. */
    private static final ThreadLocal<long[]> INDEX_COUNTS = ThreadLocal.withInitial(() -> new long[3]);

    /** Tests: this thread's lookups so far: with the index knowing the name, the index not knowing it, without an index. */
    public static long[] indexCounts() {
        return INDEX_COUNTS.get().clone();
    }

    /** The fast path's reads (null: the full model reads in walk order). */
    private CleanReads fast;
    /** Fast path: the index in {@link #out} and the nid of each regular file read. */
    private final List<long[]> pendingReads = new ArrayList<>();

    private TreeWalk(SbInfo sbi, MetaBuf buf, KernelLog log, boolean extents, BdevReadaheadRace race,
                     ReadPattern pattern) {
        this.pattern = pattern;
        this.sbi = sbi;
        this.buf = buf;
        this.log = new SbLog(log, sbi.kernel(), sbi.sId());
        this.extents = extents;
        this.reader = new DataReader(sbi, buf, this.log, race);
        this.release = Iget.Release.of(sbi);
        this.metaboxIno = sbi.metaboxInodeNumbers();
    }

    /** {@link SbInfo#ino} of {@code nid}. */
    private long ino(long nid) {
        return metaboxIno ? SbInfo.metaboxIno(nid) : nid;
    }

    /**
     * Walks the tree below {@code root} (the root inode fill_super read).
     *
     * @param extents also run the FIEMAP probe on regular files
     * @return the entries sorted by path, {@code /} first
     */
    public static List<TreeEntry> walk(SbInfo sbi, MetaBuf buf, ErofsInode root, KernelLog log, boolean extents) {
        return walk(sbi, buf, root, log, extents, BdevReadaheadRace.COMPLETED);
    }

    /** As {@link #walk(SbInfo, MetaBuf, ErofsInode, KernelLog, boolean)}, on side {@code race} of the bdev race. */
    public static List<TreeEntry> walk(SbInfo sbi, MetaBuf buf, ErofsInode root, KernelLog log, boolean extents,
                                       BdevReadaheadRace race) {
        return walk(sbi, buf, root, log, extents, race, ReadPattern.DEFAULT);
    }

    /** As {@link #walk(SbInfo, MetaBuf, ErofsInode, KernelLog, boolean, BdevReadaheadRace)}, reading files with {@code pattern}. */
    public static List<TreeEntry> walk(SbInfo sbi, MetaBuf buf, ErofsInode root, KernelLog log, boolean extents,
                                       BdevReadaheadRace race, ReadPattern pattern) {
        return walk(sbi, buf, root, log, extents, race, pattern, true);
    }

    /**
     * As {@link #walk(SbInfo, MetaBuf, ErofsInode, KernelLog, boolean, BdevReadaheadRace, ReadPattern)};
     * {@code metadataProbed}: the caller reports the metadata pages the walk read (the
     * {@code probeCache} probe), which the direct read's map walk would not read in the
     * kernel's pattern, so it is used only when this is false (and for {@code read(2)} patterns,
     * not {@code mmap}).
     */
    public static List<TreeEntry> walk(SbInfo sbi, MetaBuf buf, ErofsInode root, KernelLog log, boolean extents,
                                       BdevReadaheadRace race, ReadPattern pattern, boolean metadataProbed) {
        LAST_DIRECT.remove();
        if (fastPathApplies(sbi, extents, race)) {
            KernelLog.Mark mark = log.mark();
            TreeWalk w = new TreeWalk(sbi, buf, log, extents, race, pattern);
            // not for mmap reads: CleanReadsProperties checks read(2) patterns only
            w.fast = new CleanReads(sbi, buf, race, pattern, directDecoder && !metadataProbed && !pattern.mmap());
            List<TreeEntry> tree = w.walkFast(root);
            LAST_DIRECT.set(w.fast.directCounts());
            if (tree != null) {
                LAST_PATH.set(w.fast.pooled > 0 ? "fast path, files on the pool" : "fast path, all files inline");
                return tree;
            }
            log.rollback(mark); // a read was not clean: the full model decides every byte
            LAST_PATH.set("fast path given up");
        } else {
            LAST_PATH.set("full model");
        }
        TreeWalk w = new TreeWalk(sbi, buf, log, extents, race, pattern);
        return w.finish(root);
    }

    private static boolean fastPathApplies(SbInfo sbi, boolean extents, BdevReadaheadRace race) {
        Strategy st = strategy;
        if (st == Strategy.FULL || extents || race != BdevReadaheadRace.COMPLETED
                || org.erofssim.kernel.Coverage.recording()) {
            return false;
        }
        long size = sbi.primary() == null || sbi.primary().bytes() == null ? 0 : sbi.primary().bytes().size();
        return st == Strategy.FAST || size >= FAST_MIN_IMAGE_BYTES;
    }

    /** The fast path's walk: null when a read was not clean (the caller walks again with the full model). */
    private List<TreeEntry> walkFast(ErofsInode root) {
        try {
            icache.put(root.nid(), root);
            walkFrom(root);
        } catch (RuntimeException | StackOverflowError e) {
            fast.abandon();
            return null;
        }
        if (fast.failed()) {
            fast.abandon();
            return null;
        }
        Map<Long, FileContent> reads = fast.finish();
        if (reads == null) {
            return null;
        }
        for (long[] p : pendingReads) {
            out.set((int) p[0], withRead(out.get((int) p[0]), reads.get(p[1])));
        }
        buf.touchedToo(fast.touchedPages());
        return sorted();
    }

    private List<TreeEntry> finish(ErofsInode root) {
        icache.put(root.nid(), root);
        walkFrom(root);
        long[] c = INDEX_COUNTS.get();
        for (int i = 0; i < c.length; i++) {
            c[i] += lookups[i];
        }
        return sorted();
    }

    /** The entries sorted by path, the first with a note when the walk stopped at {@link #MAX_ENTRIES}. */
    private List<TreeEntry> sorted() {
        if (truncated && !out.isEmpty()) {
            out.set(0, withNote(out.get(0), "the model stopped the walk after " + MAX_ENTRIES + " paths"));
        }
        // every path starts with "/", so plain string order puts "/" (a prefix of all others)
        // first: comparePaths' order without its two tests per comparison (issue 12)
        out.sort(BY_PATH);
        return List.copyOf(out);
    }

    private static final Comparator<TreeEntry> BY_PATH = (a, b) -> a.path().compareTo(b.path());

    /** {@code /} first, then plain string order. */
    static int comparePaths(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        if (a.equals("/")) {
            return -1;
        }
        if (b.equals("/")) {
            return 1;
        }
        return a.compareTo(b);
    }

    /**
     * A directory whose children are being walked: the walk keeps these on an explicit stack
     * (not the Java stack), so a valid image 1,500 levels deep cannot overflow it.
     */
    private static final class Frame {
        final String path;
        final int rawLength;
        final int depth;
        final ErofsInode inode;
        final List<Readdir.Entry> children;
        /** Index in {@link #out} of this directory's own entry (for notes). */
        final int me;
        /** What a child's path starts with: this path and a {@code /} (the root's: just {@code /}). */
        final String prefix;
        /** The listing's {@link DirIndex}, or null: every lookup compares names. */
        final DirIndex index;
        int next;

        Frame(String path, int rawLength, int depth, ErofsInode inode, List<Readdir.Entry> children, int me,
              DirIndex index) {
            this.index = index;
            this.path = path;
            this.prefix = path.equals("/") ? "/" : path.concat("/");
            this.rawLength = rawLength;
            this.depth = depth;
            this.inode = inode;
            this.children = children;
            this.me = me;
        }
    }

    /**
     * The nids of the directories on the walk's stack: the directory whose children are walked
     * and its ancestors, which it may not contain (every ancestor of a frame is a frame below it
     * on the stack, and a nid is on it at most once: a second one is refused as a loop). One set
     * kept in step with the stack instead of a copy per directory (session 13).
     */
    private final Set<Long> lineage = new HashSet<>();

    /** Depth first from the root, children in on-disk order, until the tree or {@link #MAX_ENTRIES} ends. */
    private void walkFrom(ErofsInode root) {
        java.util.ArrayDeque<Frame> stack = new java.util.ArrayDeque<>();
        Frame first = visit("/", 1, 0, root);
        if (first != null) {
            stack.push(first);
            lineage.add(first.inode.nid());
        }
        while (!stack.isEmpty() && !truncated && (fast == null || !fast.failed())) {
            Frame dir = stack.peek();
            if (dir.next >= dir.children.size()) {
                lineage.remove(stack.pop().inode.nid());
                continue;
            }
            Readdir.Entry listed = dir.children.get(dir.next++);
            // a walker gets names as C strings: a name holding a NUL byte is its part before it
            byte[] cname = upToNul(listed.name());
            Readdir.Entry child = cname == listed.name() ? listed : new Readdir.Entry(cname, listed.nid(), listed.fileType());
            if (child.isDotOrDotDot()) {
                continue;
            }
            String name = child.nameString();
            if (name.isEmpty() || name.indexOf('/') >= 0) {
                out.set(dir.me, withNote(out.get(dir.me), "dirent name '" + listed.nameString().replace("\0", "\\0")
                        + "' (nid " + child.nid() + ") cannot be looked up and is left out"));
                continue;
            }
            // one concat per child, the directory's part made once (session 14)
            String childPath = dir.prefix.concat(name);
            int childLength = (dir.prefix.length() == 1 ? 1 : dir.rawLength + 1) + child.name().length;
            Frame below = lookup(dir, childPath, childLength, child, dir.next - 1);
            if (below != null) {
                stack.push(below);
                lineage.add(below.inode.nid());
            }
        }
    }

    /**
     * Records one path and, for a directory with entries to walk, returns its frame.
     *
     * @param rawLength the path's length in bytes as the kernel sees it (raw name bytes, not the
     *                  rendered UTF-8 of {@code path}, where a malformed byte becomes 3 bytes)
     * @param depth     levels below {@code /}
     */
    private Frame visit(String path, int rawLength, int depth, ErofsInode inode) {
        if (out.size() >= MAX_ENTRIES) {
            truncated = true;
            return null;
        }
        // most entries have no note: the list is made for the first one (session 14)
        List<String> notes = List.of();
        String sha = null;
        String readErrno = null;
        long okBytes = 0;
        String target = null;
        List<Readdir.Entry> children = List.of();
        DirIndex index = null;
        if (inode.isSymlink()) {
            if (inode.fastSymlink() != null) {
                target = new String(inode.fastSymlink(), StandardCharsets.UTF_8);
            } else {
                try {
                    target = new String(reader.readLink(inode), StandardCharsets.UTF_8);
                } catch (KernelError e) {
                    readErrno = e.errno().name();
                } catch (NotModelled e) {
                    notes = note(notes, "not modelled: " + e.getMessage() + "; target unknown");
                }
            }
        }
        // the walkers (live TreeWalker, the VM guest runner) call llistxattr before they read a
        // file or list a directory, after readlink: the kernel's log lines come in that order
        Xattrs.Listed x = Xattrs.list(sbi, buf, log, inode);
        for (String n : x.notes()) {
            notes = note(notes, n);
        }
        Map<String, String> xattrs = x.values();
        if (x.errno() == Errno.EOPNOTSUPP && xattrs == null) {
            // a walker reads llistxattr's EOPNOTSUPP as "no xattrs here" (as on filesystems without
            // them) [obs-6.18.44: found/fuzz-xattr-isize-12, "xattr_isize 12 ... not supported yet"]
            xattrs = Map.of();
        }
        if (x.errno() != null) {
            notes = note(notes, "listxattr: " + x.errno().name());
        }
        if (inode.isReg() && fast != null) {
            fast.submit(inode); // clean, or the walk is made again: no errno, no note; the hash comes later
            pendingReads.add(new long[] {out.size(), inode.nid()});
        } else if (inode.isReg()) {
            FileContent c = cleanReads.get(inode.nid());
            if (c == null) {
                c = reader.readFile(inode, pattern);
                if (c.errno() == null && c.notes().isEmpty() && c.sha256() != null) {
                    cleanReads.put(inode.nid(), c);
                }
            }
            sha = c.sha256();
            okBytes = c.okBytes();
            readErrno = c.errno() == null ? null : c.errno().name();
            for (String n : c.notes()) {
                notes = note(notes, n);
            }
        } else if (inode.isDir()) {
            if (!listedDirs.add(inode.nid())) {
                notes = note(notes, "directory nid " + inode.nid() + " was listed under another path already");
            } else {
                try {
                    List<byte[]> blockPages = dirIndex ? new ArrayList<>() : null;
                    Readdir.Listing l = Readdir.list(sbi, reader, log, inode, MAX_ENTRIES, blockPages);
                    children = l.entries();
                    if (blockPages != null && l.errno() == null && !l.truncated()) {
                        index = DirIndex.of(inode, sbi.blocksizeBits(), blockPages, children.size());
                    }
                    readErrno = l.errno() == null ? null : l.errno().name();
                    if (l.truncated()) {
                        notes = note(notes, "the model stopped listing after " + MAX_ENTRIES + " entries");
                    }
                } catch (NotModelled e) {
                    notes = note(notes, "not modelled: " + e.getMessage() + "; entries unknown");
                }
                if (depth >= TreeEntry.MAX_DEPTH && !children.isEmpty()) {
                    notes = note(notes, "deeper than " + TreeEntry.MAX_DEPTH + " levels; not walked (the contract's walk limit)");
                    children = List.of();
                }
            }
        }
        List<TreeEntry.Extent> ext = null;
        if (extents && inode.isReg()) {
            try {
                Fiemap.Result f = Fiemap.fiemap(sbi, buf, log, inode, reader);
                ext = f.extents();
                if (f.errno() != null) {
                    notes = note(notes, "FIEMAP: " + f.errno().name());
                }
            } catch (NotModelled e) {
                notes = note(notes, "not modelled: " + e.getMessage() + "; extents unknown");
            }
        }
        String rdev = null;
        int type = inode.mode() & ErofsInode.S_IFMT;
        if (type == ErofsInode.S_IFCHR || type == ErofsInode.S_IFBLK) {
            rdev = inode.rdevMajor() + ":" + inode.rdevMinor();
        }
        out.add(new TreeEntry(path, ino(inode.nid()), inode.typeName(), octal4(inode.mode() & 07777),
                inode.uid(), inode.gid(), inode.size(), inode.blocks(), inode.nlink(), inode.mtime(),
                inode.mtimeNsec(), target, rdev, xattrs, sha, readErrno, okBytes, ext,
                notes.isEmpty() ? List.of() : List.copyOf(notes)));
        if (children.isEmpty()) {
            return null;
        }
        return new Frame(path, rawLength, depth, inode, children, out.size() - 1, index);
    }

    /**
     * {@code lstat} of a path: {@code erofs_lookup} → {@link Namei} (the name searched for in
     * the parent, which may find another nid than the listed entry's, or nothing) →
     * {@code erofs_iget}, then the visit.
     */
    private Frame lookup(Frame parent, String path, int rawLength, Readdir.Entry dirent, int listed) {
        if (rawLength >= PATH_MAX) {
            out.add(failed(path, dirent, Errno.ENAMETOOLONG, "path of " + PATH_MAX + " bytes or more"));
            return null;
        }
        long nid;
        try {
            // a name cut at its NUL holds none; where the listing's index knows the name, its
            // position answers the search's comparisons (the same blocks are read)
            int t = parent.index == null ? -1 : parent.index.position(listed, dirent.name());
            lookups[parent.index == null ? 2 : t < 0 ? 1 : 0]++;
            nid = Namei.lookup(sbi, reader, log, parent.inode, dirent.name(), true, parent.index, t).nid();
        } catch (KernelError e) {
            out.add(failed(path, dirent, e.errno(), "lookup of the listed name: " + e.errno().name()));
            return null;
        }
        ErofsInode inode = icache.get(nid);
        if (inode == null) {
            try {
                inode = Iget.iget(sbi, buf, log, nid, release);
            } catch (KernelError e) {
                out.add(failed(path, dirent, e.errno(), null));
                return null;
            }
            icache.put(nid, inode);
        }
        if (inode.isDir() && lineage.contains(inode.nid())) { // parent and its ancestors
            out.add(failed(path, dirent, Errno.ELOOP, "directory nid " + inode.nid()
                    + " is an ancestor of this path (d_splice_alias refuses the loop)"));
            return null;
        }
        return visit(path, rawLength, parent.depth + 1, inode);
    }

    /** {@code notes} with {@code note} added: a new list for the first note, then that list. */
    private static List<String> note(List<String> notes, String note) {
        List<String> l = notes.isEmpty() ? new ArrayList<>() : notes;
        l.add(note);
        return l;
    }

    private TreeEntry failed(String path, Readdir.Entry dirent, Errno errno, String note) {
        return new TreeEntry(path, ino(dirent.nid()), direntType(dirent.fileType()), null, 0, 0, 0, 0, 0, 0, 0,
                null, null, null, null, errno.name(), 0, null, note == null ? List.of() : List.of(note));
    }

    /** The bytes before the first NUL (all of them if there is none). */
    static byte[] upToNul(byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (name[i] == 0) {
                return java.util.Arrays.copyOf(name, i);
            }
        }
        return name;
    }

    /** The contract's type name for a dirent file type, null for unknown ones. */
    static String direntType(int fileType) {
        switch (fileType) {
            case Dirent.FT_REG_FILE: return "file";
            case Dirent.FT_DIR: return "dir";
            case Dirent.FT_CHRDEV: return "chr";
            case Dirent.FT_BLKDEV: return "blk";
            case Dirent.FT_FIFO: return "fifo";
            case Dirent.FT_SOCK: return "sock";
            case Dirent.FT_SYMLINK: return "symlink";
            default: return null;
        }
    }

    /** {@code e} with the hash and byte count of a clean read. */
    private static TreeEntry withRead(TreeEntry e, FileContent c) {
        return new TreeEntry(e.path(), e.ino(), e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.blocks(),
                e.nlink(), e.mtime(), e.mtimeNsec(), e.target(), e.rdev(), e.xattrs(), c.sha256(), null,
                c.okBytes(), e.extents(), e.notes());
    }

    private static TreeEntry withNote(TreeEntry e, String note) {
        List<String> notes = new ArrayList<>(e.notes() == null ? List.of() : e.notes());
        notes.add(note);
        return new TreeEntry(e.path(), e.ino(), e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.blocks(),
                e.nlink(), e.mtime(), e.mtimeNsec(), e.target(), e.rdev(), e.xattrs(), e.sha256(), e.readErrno(),
                e.readOkBytes(), e.extents(), List.copyOf(notes));
    }

    /** {@code %04o} of a permission value (at most four octal digits) without a Formatter: once per entry of a walk. */
    static String octal4(int perm) {
        if (perm >= 0 && perm < OCTAL4.length) {
            String o = OCTAL4[perm];
            if (o == null) {
                o = octal4Of(perm);
                OCTAL4[perm] = o; // a benign race: every thread stores an equal string
            }
            return o;
        }
        return octal4Of(perm);
    }

    /** {@link #octal4} of each value up to 07777, made on first use (issue 12: a string built per entry of every walk). */
    private static final String[] OCTAL4 = new String[010000];

    private static String octal4Of(int perm) {
        String o = Integer.toOctalString(perm);
        return o.length() >= 4 ? o : "0000".substring(o.length()) + o;
    }
}
