package org.erofssim.oracle;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.erofssim.contract.TreeEntry;

/**
 * Reads a mounted tree the way the contract's {@code tree} describes it: {@code lstat} of every
 * path, {@code readlink} of symlinks, {@code llistxattr}/{@code lgetxattr}, and for regular files
 * a full read hashed with SHA-256, stopping at the first error ({@code readErrno}, and
 * {@code readOkBytes} bytes hashed before it), in {@code read(2)} calls of the scenario's
 * {@code readSize} (default 128 KiB, the model's {@code DataReader.READ_CALL}), or with the
 * scenario's {@code mmap} through a read-only shared mapping whose pages are faulted in
 * order ({@link #mapFile}): a page whose read fails ends the file with {@code readErrno} EIO and
 * the bytes of the pages before it (the model's {@code FilemapRead.fault}). A directory that cannot be opened or listed and a
 * symlink whose {@code readlink} fails get {@code readErrno} (as the model's tree walk writes
 * them); directories, symlinks and device nodes have no hash (null). A directory listing that
 * fails part-way is walked with no children. Device nodes and FIFOs are never opened.
 */
final class TreeWalker {
    static final int MAX_ENTRIES = TreeEntry.MAX_PATHS;
    static final int MAX_DEPTH = TreeEntry.MAX_DEPTH;
    private static final int CHUNK = 128 * 1024;
    private static final int PAGE = 4096;

    private final String mountRoot;
    private final boolean extents;
    /** Bytes per {@code read(2)} call. */
    private final int readSize;
    /** Read through a mapping, page by page, instead of {@code read(2)}. */
    private final boolean mmap;
    private final List<TreeEntry> out = new ArrayList<>();
    private final Set<Long> dirsSeen = new HashSet<>();
    /**
     * A clean full read of a regular inode, by inode number: a hard link to a file read before
     * is not read again (issue 11: 201 links to one 1 GiB file made the walk read 201 GiB); the
     * same inode has one page cache, so the bytes cannot differ. A read that failed or left a
     * note (the contract's size limit) is made again, as the model does ({@code file.TreeWalk}).
     */
    private final Map<Long, Read> cleanReads = new HashMap<>();
    /** How many regular files were opened and read (for the test of the rule above). */
    private int fileReads;
    final List<String> notes = new ArrayList<>();

    private TreeWalker(String mountRoot, boolean extents, int readSize, boolean mmap) {
        this.mountRoot = mountRoot;
        this.extents = extents;
        this.readSize = readSize;
        this.mmap = mmap;
    }

    /**
     * The tree below {@code mountRoot}, sorted by path ({@code /} first); with {@code extents}
     * each regular file also gets its {@code FS_IOC_FIEMAP} extents (device id 0: FIEMAP does not
     * say which erofs device holds an extent).
     */
    static Walk walk(String mountRoot, boolean extents) {
        return walk(mountRoot, extents, CHUNK, false);
    }

    /** As {@link #walk(String, boolean)}, reading files in {@code readSize}-byte calls or, with {@code mmap}, page by page through a mapping. */
    static Walk walk(String mountRoot, boolean extents, int readSize, boolean mmap) {
        TreeWalker w = new TreeWalker(mountRoot, extents, readSize, mmap);
        w.visit(new byte[0], 0, null);
        w.out.sort(Comparator.comparing(TreeEntry::path));
        return new Walk(List.copyOf(w.out), List.copyOf(w.notes), w.fileReads);
    }

    /** The walked tree, the walk's notes, and how many regular files it opened and read. */
    record Walk(List<TreeEntry> tree, List<String> notes, int fileReads) {}

    private byte[] realPath(byte[] rel) {
        byte[] base = mountRoot.getBytes(StandardCharsets.UTF_8);
        byte[] p = Arrays.copyOf(base, base.length + rel.length);
        System.arraycopy(rel, 0, p, base.length, rel.length);
        return Syscalls.cPath(p);
    }

    private void visit(byte[] rel, int depth, Syscalls.DirEntry dirent) {
        if (out.size() >= MAX_ENTRIES) {
            if (out.size() == MAX_ENTRIES) {
                notes.add("tree walk stopped after " + MAX_ENTRIES + " entries");
            }
            return;
        }
        String path = rel.length == 0 ? "/" : new String(rel, StandardCharsets.UTF_8);
        byte[] cpath = realPath(rel);
        Syscalls.Stat st;
        List<String> entryNotes = new ArrayList<>();
        try {
            st = Syscalls.lstat(cpath);
        } catch (SyscallException e) {
            if (dirent == null) {
                notes.add(path + ": lstat " + SyscallException.name(e.errno()));
            } else {
                // the model's convention: the name as readdir gave it (d_ino, d_type) and lstat's errno
                out.add(new TreeEntry(path, dirent.ino(), direntType(dirent.type()), null, 0, 0, 0, 0, 0, 0, 0, null,
                        null, null, null, SyscallException.name(e.errno()), 0, null,
                        List.of("lstat " + SyscallException.name(e.errno()))));
            }
            return;
        }
        String type = typeName(st.type());
        String target = null;
        String linkErrno = null;
        if (st.type() == Syscalls.S_IFLNK) {
            try {
                target = new String(Syscalls.readlink(cpath), StandardCharsets.UTF_8);
            } catch (SyscallException e) {
                linkErrno = SyscallException.name(e.errno()); // the model's convention: readErrno of readlink
            }
        }
        String rdev = st.type() == Syscalls.S_IFCHR || st.type() == Syscalls.S_IFBLK
                ? st.rdevMajor() + ":" + st.rdevMinor() : null;
        Map<String, String> xattrs = xattrs(cpath, entryNotes);
        String sha = null;
        String readErrno = linkErrno;
        long okBytes = 0;
        List<Syscalls.DirEntry> children = new ArrayList<>();
        List<TreeEntry.Extent> ext = null;
        if (st.type() == Syscalls.S_IFREG) {
            Read r = cleanReads.get(st.ino());
            if (r == null) {
                int notesBefore = entryNotes.size();
                r = mmap ? mapFile(cpath, entryNotes) : readFile(cpath, readSize, entryNotes);
                fileReads++;
                if (r.errno == null && entryNotes.size() == notesBefore) {
                    cleanReads.put(st.ino(), r);
                }
            }
            sha = r.sha256;
            readErrno = r.errno;
            okBytes = r.okBytes;
            if (extents) {
                ext = extents(cpath, entryNotes);
            }
        } else if (st.type() == Syscalls.S_IFDIR) {
            int fd = -1;
            try {
                fd = Syscalls.open(cpath, Syscalls.O_RDONLY | Syscalls.O_DIRECTORY | Syscalls.O_CLOEXEC);
                Syscalls.DirRead listing = Syscalls.readDir(fd);
                children = new ArrayList<>(listing.entries());
                if (listing.errno() != null) {
                    readErrno = SyscallException.name(listing.errno());
                }
            } catch (SyscallException e) {
                readErrno = SyscallException.name(e.errno());
            } finally {
                Syscalls.close(fd);
            }
        }
        out.add(new TreeEntry(path, st.ino(), type, String.format("%04o", st.mode() & 07777), st.uid(), st.gid(),
                st.size(), st.blocks(), st.nlink(), st.mtime(), st.mtimeNsec(), target, rdev, xattrs, sha, readErrno,
                okBytes, ext, List.copyOf(entryNotes)));
        if (st.type() == Syscalls.S_IFDIR) {
            if (!dirsSeen.add(st.ino())) {
                notes.add(path + ": directory ino " + st.ino() + " seen before; not walked again");
                return;
            }
            if (depth >= MAX_DEPTH) {
                notes.add(path + ": deeper than " + MAX_DEPTH + " levels; not walked");
                return;
            }
            children.sort((a, b) -> compareBytes(a.name(), b.name()));
            for (Syscalls.DirEntry entry : children) {
                byte[] name = entry.name();
                if (name.length == 0 || indexOf(name, (byte) '/') >= 0) {
                    // a dirent name starting with NUL (empty here) or holding '/' names no child
                    notes.add(path + ": dirent name '" + new String(name, StandardCharsets.UTF_8) + "' (ino "
                            + entry.ino() + ") cannot be looked up and is left out");
                    continue;
                }
                byte[] child = Arrays.copyOf(rel, rel.length + 1 + name.length);
                child[rel.length] = '/';
                System.arraycopy(name, 0, child, rel.length + 1, name.length);
                visit(child, depth + 1, entry);
            }
        }
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int compareBytes(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** The contract's type for a {@code d_type} ({@code DT_*} of getdents64), null for DT_UNKNOWN and others. */
    static String direntType(int dType) {
        switch (dType) {
            case 1: return "fifo";
            case 2: return "chr";
            case 4: return "dir";
            case 6: return "blk";
            case 8: return "file";
            case 10: return "symlink";
            case 12: return "sock";
            default: return null;
        }
    }

    static String typeName(int type) {
        switch (type) {
            case Syscalls.S_IFREG: return "file";
            case Syscalls.S_IFDIR: return "dir";
            case Syscalls.S_IFLNK: return "symlink";
            case Syscalls.S_IFCHR: return "chr";
            case Syscalls.S_IFBLK: return "blk";
            case Syscalls.S_IFIFO: return "fifo";
            case Syscalls.S_IFSOCK: return "sock";
            default: return "unknown";
        }
    }

    private static Map<String, String> xattrs(byte[] cpath, List<String> entryNotes) {
        Map<String, String> x = new TreeMap<>();
        List<byte[]> names;
        try {
            names = Syscalls.listxattr(cpath);
        } catch (SyscallException e) {
            if (e.errno() == 95) { // EOPNOTSUPP: none
                return x;
            }
            entryNotes.add("llistxattr " + SyscallException.name(e.errno()));
            return null;
        }
        for (byte[] n : names) {
            String name = new String(n, StandardCharsets.UTF_8);
            try {
                x.put(name, Base64.getEncoder().encodeToString(Syscalls.getxattr(cpath, n)));
            } catch (SyscallException e) {
                entryNotes.add("lgetxattr " + name + " " + SyscallException.name(e.errno()));
            }
        }
        return x;
    }

    private static List<TreeEntry.Extent> extents(byte[] cpath, List<String> entryNotes) {
        int fd = -1;
        try {
            fd = Syscalls.open(cpath, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC | Syscalls.O_NOFOLLOW);
            List<TreeEntry.Extent> out = new ArrayList<>();
            for (Syscalls.FiemapExtent e : Syscalls.fiemap(fd)) {
                out.add(new TreeEntry.Extent(e.logical(), e.physical(), e.length(), Syscalls.fiemapFlags(e.flags()), 0));
            }
            return out;
        } catch (SyscallException e) {
            entryNotes.add("FS_IOC_FIEMAP " + SyscallException.name(e.errno()));
            return null;
        } finally {
            Syscalls.close(fd);
        }
    }

    private record Read(String sha256, String errno, long okBytes) {}

    /** Reads and hashes a file up to {@link TreeEntry#MAX_FILE_BYTES}, the contract's limit (noted when reached). */
    private static Read readFile(byte[] cpath, int chunk, List<String> entryNotes) {
        MessageDigest md = sha256();
        long ok = 0;
        int fd;
        try {
            fd = Syscalls.open(cpath, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC | Syscalls.O_NOFOLLOW);
        } catch (SyscallException e) {
            return new Read(HexFormat.of().formatHex(md.digest()), SyscallException.name(e.errno()), 0);
        }
        try (Memory buf = new Memory(chunk)) {
            while (true) {
                if (ok >= TreeEntry.MAX_FILE_BYTES) {
                    entryNotes.add("read only the first " + TreeEntry.MAX_FILE_BYTES + " bytes (the contract's walk limit)");
                    return new Read(HexFormat.of().formatHex(md.digest()), null, ok);
                }
                int n;
                try {
                    n = Syscalls.read(fd, buf, (int) Math.min(chunk, TreeEntry.MAX_FILE_BYTES - ok));
                } catch (SyscallException e) {
                    if (e.errno() == Syscalls.EINTR) {
                        continue;
                    }
                    return new Read(HexFormat.of().formatHex(md.digest()), SyscallException.name(e.errno()), ok);
                }
                if (n == 0) {
                    return new Read(HexFormat.of().formatHex(md.digest()), null, ok);
                }
                md.update(buf.getByteArray(0, n));
                ok += n;
            }
        } finally {
            Syscalls.close(fd);
        }
    }

    /**
     * Reads a file through a read-only shared mapping of its first {@link TreeEntry#MAX_FILE_BYTES}
     * bytes ({@link Syscalls#mmapRead}), page by page in order: each page is copied out of the
     * mapping by {@code write(2)} into a pipe and read back, so the kernel, not this process,
     * touches it. The page fault goes through {@code filemap_fault} as a user touch would (same
     * read-around and readahead); a failed read makes it {@code EFAULT} where a user touch gets
     * {@code SIGBUS} (which a JVM cannot catch reliably), and the file ends there with
     * {@code readErrno} EIO, as the model's {@code FilemapRead.fault}.
     */
    private static Read mapFile(byte[] cpath, List<String> entryNotes) {
        MessageDigest md = sha256();
        int fd;
        try {
            fd = Syscalls.open(cpath, Syscalls.O_RDONLY | Syscalls.O_CLOEXEC | Syscalls.O_NOFOLLOW);
        } catch (SyscallException e) {
            return new Read(HexFormat.of().formatHex(md.digest()), SyscallException.name(e.errno()), 0);
        }
        long ok = 0;
        int[] pipe = null;
        com.sun.jna.Pointer map = null;
        long limit = 0;
        try (Memory page = new Memory(PAGE)) {
            long size = Syscalls.lstat(cpath).size();
            limit = Math.min(size, TreeEntry.MAX_FILE_BYTES);
            if (size > limit) {
                entryNotes.add("read only the first " + TreeEntry.MAX_FILE_BYTES + " bytes (the contract's walk limit)");
            }
            if (limit == 0) {
                return new Read(HexFormat.of().formatHex(md.digest()), null, 0);
            }
            map = Syscalls.mmapRead(fd, limit);
            pipe = Syscalls.pipe();
            while (ok < limit) {
                int n = (int) Math.min(PAGE, limit - ok);
                try {
                    int w = Syscalls.write(pipe[1], map.share(ok), n);
                    if (w != n) {
                        return new Read(HexFormat.of().formatHex(md.digest()), "EIO", ok);
                    }
                } catch (SyscallException e) {
                    if (e.errno() == Syscalls.EINTR) {
                        continue;
                    }
                    return new Read(HexFormat.of().formatHex(md.digest()), "EIO", ok);
                }
                // a pipe write of at most PIPE_BUF (4096) bytes is atomic: one read gets all of it
                if (Syscalls.read(pipe[0], page, n) != n) {
                    throw new IllegalStateException("short read from the walker's own pipe");
                }
                md.update(page.getByteArray(0, n));
                ok += n;
            }
            return new Read(HexFormat.of().formatHex(md.digest()), null, ok);
        } catch (SyscallException e) {
            entryNotes.add("mmap: " + e.getMessage());
            return new Read(HexFormat.of().formatHex(md.digest()), SyscallException.name(e.errno()), ok);
        } finally {
            if (map != null) {
                Syscalls.munmap(map, limit);
            }
            if (pipe != null) {
                Syscalls.close(pipe[0]);
                Syscalls.close(pipe[1]);
            }
            Syscalls.close(fd);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
