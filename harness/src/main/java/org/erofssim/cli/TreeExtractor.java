package org.erofssim.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.file.DataReader;
import org.erofssim.sb.ErofsInode;
import org.erofssim.inode.Iget;
import org.erofssim.sb.NotModelled;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.sb.SbLog;
import org.erofssim.contract.TreeEntry;
import org.erofssim.oracle.SyscallException;
import org.erofssim.oracle.Syscalls;

/**
 * {@code inspect IMAGE --extract DIR}: writes the model's tree of the image to {@code DIR} the
 * way {@code fsck.erofs --extract} (erofs-utils) does: directories, regular files with the
 * bytes the model reads (compressed ones decompressed), symlinks, FIFOs and sockets ({@code mknod},
 * which needs no root for them) and, as root, device nodes; then, deepest paths first, each path's mtime (to the
 * nanosecond; symlinks to the microsecond), permission bits including set-id and sticky bits
 * (not for symlinks) and, as root, its owner ({@code lchown}). Unlike fsck.erofs 1.5 it also
 * sets the {@code user.*} xattrs on files and directories, long-prefix names included (one it
 * cannot set, such as a name over 255 bytes or one whose value the model could not read, is a note).
 *
 * <p>Not created when not root (a note each; no failure, since only privilege is missing, not
 * anything of the image): device nodes, and owners. Not extracted, each with a note, making the
 * exit 1: the rest of a file after a
 * read error (the bytes before it are written); a file, target or listing the model cannot
 * decode ({@code not modelled}). Paths the walk could not look up are left out. Hard links
 * become separate copies, as with fsck.erofs 1.5.
 */
final class TreeExtractor {
    private TreeExtractor() {}

    /** What was written, and what was not. */
    record Result(int written, int incomplete, int unprivileged, List<String> notes) {}

    /**
     * Prints the summary line and the notes after the report; exit 0 when every path was
     * written completely, else 1 (a failed check, as fsck.erofs fails).
     */
    static int print(java.io.PrintWriter out, Result r, Path dir) {
        out.println();
        out.println("extracted " + r.written() + " paths to " + dir + (r.incomplete() == 0 ? ""
                : "; " + r.incomplete() + " missing or incomplete")
                + (r.unprivileged() == 0 ? "" : "; " + r.unprivileged() + " device nodes not created (they need root)"));
        for (String n : r.notes()) {
            out.println("  note: " + n);
        }
        out.flush();
        return r.incomplete() == 0 ? ExitCode.OK : ExitCode.FAILED_CHECK;
    }

    /** Refuses a target that exists and is not an empty directory (one line, exit 2). */
    static void refuseNonEmpty(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw CliException.badInput("--extract: " + dir + " exists and is not a directory");
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            if (s.iterator().hasNext()) {
                throw CliException.badInput("--extract: " + dir + " is not empty; give a new or empty directory");
            }
        } catch (IOException e) {
            throw CliException.badInput("--extract: cannot read " + dir + ": " + e.getMessage());
        }
    }

    /** Mounts the image as {@code inspect} does (file-backed, on ext4) and extracts its tree into {@code dir}. */
    static Result extract(Path image, List<Path> devices, KernelProfile profile, Path dir) {
        refuseNonEmpty(dir);
        Map<String, Node> nodes = new LinkedHashMap<>();
        nodes.put(ImageInspector.IMAGE_NODE, new Node.RegularFile(ImageBytes.map(image), BackingFs.EXT4));
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            String path = ImageInspector.DEVICE_NODE + (i + 1);
            nodes.put(path, new Node.RegularFile(ImageBytes.map(devices.get(i)), BackingFs.EXT4));
            opts.add("device=" + path);
        }
        Scenario s = Scenario.builder().name("extract").kernel(KernelConfig.of(profile))
                .namespace(new VirtualNamespace(nodes)).source(ImageInspector.IMAGE_NODE)
                .options(String.join(",", opts)).read(true).build();
        MountModel.LiveMount live = MountModel.mountLive(s);
        if (!(live.outcome() instanceof MountOutcome.Mounted)) {
            throw CliException.badInput("--extract: the model does not mount " + image);
        }
        List<TreeEntry> tree = ((MountOutcome.Mounted) live.outcome()).tree();
        SbLog log = new SbLog(live.log(), live.sbi().kernel(), live.sbi().sId());
        DataReader reader = new DataReader(live.sbi(), live.buf(), log);
        boolean root = Syscalls.geteuid() == 0;
        List<String> notes = new ArrayList<>();
        List<TreeEntry> done = new ArrayList<>();
        int incomplete = 0;
        int unprivileged = 0;
        try {
            Files.createDirectories(dir);
            for (TreeEntry e : tree) {
                Path p = e.path().equals("/") ? dir : dir.resolve(e.path().substring(1));
                if (e.mode() == null) {
                    notes.add(e.path() + ": not extracted (lookup failed: " + e.readErrno() + ")");
                    incomplete++;
                    continue;
                }
                String problem = create(e, p, reader, live, log, root);
                if (problem != null && problem.startsWith(NEEDS_ROOT)) {
                    notes.add(e.path() + ": " + problem);
                    unprivileged++;
                    continue;
                }
                if (problem != null) {
                    notes.add(e.path() + ": " + problem);
                    incomplete++;
                    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                }
                done.add(e);
            }
            for (int i = done.size() - 1; i >= 0; i--) {
                TreeEntry e = done.get(i);
                Path p = e.path().equals("/") ? dir : dir.resolve(e.path().substring(1));
                String problem = attributes(e, p, root);
                if (problem != null) {
                    notes.add(e.path() + ": " + problem);
                }
            }
        } catch (IOException ex) {
            throw CliException.badInput("--extract: writing " + dir + " failed: " + ex.getMessage());
        }
        return new Result(done.size(), incomplete, unprivileged, List.copyOf(notes));
    }

    /** The start of {@link #create}'s answer for a device node it may not make (not root, or EPERM). */
    static final String NEEDS_ROOT = "not created (needs root): ";

    /** Creates one path; returns why it is missing or incomplete, or null. */
    private static String create(TreeEntry e, Path p, DataReader reader, MountModel.LiveMount live, SbLog log,
                                 boolean root) throws IOException {
        switch (e.type()) {
            case "dir":
                Files.createDirectories(p);
                return e.readErrno() != null ? "directory listed only up to " + e.readErrno() : null;
            case "file":
                return writeFile(e, p, reader, live, log);
            case "symlink":
                if (e.target() == null) {
                    return "symlink target unknown (" + (e.readErrno() != null ? e.readErrno() : "not modelled") + ")";
                }
                Files.createSymbolicLink(p, Path.of(e.target()));
                return null;
            default:
                boolean device = e.type().equals("chr") || e.type().equals("blk");
                if (device && !root) {
                    return NEEDS_ROOT + e.type() + " " + e.rdev();
                }
                int type = switch (e.type()) {
                    case "chr" -> Syscalls.S_IFCHR;
                    case "blk" -> Syscalls.S_IFBLK;
                    case "fifo" -> Syscalls.S_IFIFO;
                    default -> Syscalls.S_IFSOCK;
                };
                int major = 0;
                int minor = 0;
                if (e.rdev() != null) {
                    String[] mm = e.rdev().split(":");
                    major = Integer.parseInt(mm[0]);
                    minor = Integer.parseInt(mm[1]);
                }
                try {
                    Syscalls.mknod(p.toString(), type | 0600, major, minor);
                } catch (SyscallException ex) {
                    if (device && ex.errno() == 1) { // EPERM: no CAP_MKNOD here (a container, a user namespace)
                        return NEEDS_ROOT + e.type() + " " + e.rdev() + " (mknod: EPERM)";
                    }
                    return "mknod failed: " + SyscallException.name(ex.errno());
                }
                return null;
        }
    }

    /** A regular file's bytes as the model reads them, page by page, up to its size or first error. */
    private static String writeFile(TreeEntry e, Path p, DataReader reader, MountModel.LiveMount live, SbLog log)
            throws IOException {
        ErofsInode inode;
        long nid = nid(live, e.ino());
        try {
            inode = Iget.iget(live.sbi(), live.buf(), log, nid);
        } catch (KernelError ex) {
            Files.createFile(p);
            return "empty: the inode cannot be read (" + ex.errno() + ")";
        }
        long size = Math.max(0, Math.min(inode.size(), DataReader.READ_LIMIT));
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long index = 0; index * DataReader.PAGE < size; index++) {
                byte[] page;
                try {
                    page = reader.readPage(inode, index);
                } catch (KernelError ex) {
                    return "read stopped after " + index * DataReader.PAGE + " of " + inode.size() + " bytes: " + ex.errno();
                } catch (NotModelled ex) {
                    return "contents not modelled (" + ex.getMessage() + "); " + index * DataReader.PAGE + " bytes written";
                }
                out.write(page, 0, (int) Math.min(DataReader.PAGE, size - index * DataReader.PAGE));
            }
        }
        return size < inode.size() ? "cut at " + size + " of " + inode.size() + " bytes" : null;
    }

    /**
     * The nid of a tree entry's inode number: the number itself, except on a metabox image
     * (6.17+), where {@code erofs_nid_to_ino64} moved the nid's bit 63 to bit 31 and bits 31-62
     * up one ({@link org.erofssim.sb.SbInfo#ino}); undone here and checked against it. Reading
     * the inode number as a nid there asked for a nid outside the metabox (EUCLEAN).
     */
    static long nid(MountModel.LiveMount live, long ino) {
        long nid = ((ino >>> 1) & 0x7FFFFFFF80000000L) | (ino & 0x7FFFFFFFL) | (((ino >>> 31) & 1L) << 63);
        return live.sbi().ino(nid) == ino ? nid : ino;
    }

    /** {@code utimensat(2)} through JNA (the harness's binding has no such call). */
    private static final class Utimens {
        static final int AT_FDCWD = -100;
        static final int AT_SYMLINK_NOFOLLOW = 0x100;
        static final Lib C = com.sun.jna.Native.load("c", Lib.class);

        interface Lib extends com.sun.jna.Library {
            int utimensat(int dirfd, String path, long[] times, int flags);
        }
    }

    /** mtime, permission bits, owner (root only) and user xattrs; returns what failed, or null. */
    private static String attributes(TreeEntry e, Path p, boolean root) {
        List<String> failed = new ArrayList<>();
        boolean link = "symlink".equals(e.type());
        if (e.xattrs() != null && !link && !e.xattrs().isEmpty()) {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
            for (Map.Entry<String, String> x : e.xattrs().entrySet()) {
                if (!x.getKey().startsWith("user.")) {
                    continue;
                }
                if (x.getValue() == null) {
                    failed.add("user xattr " + x.getKey() + " (its value could not be read)");
                    continue;
                }
                try {
                    if (v == null) {
                        throw new UnsupportedOperationException("no user xattrs here");
                    }
                    v.write(x.getKey().substring(5), ByteBuffer.wrap(Base64.getDecoder().decode(x.getValue())));
                } catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
                    failed.add("user xattr " + x.getKey() + " (" + ex.getMessage() + ")");
                }
            }
        }
        if (root) {
            try {
                Files.setAttribute(p, "unix:uid", (int) e.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", (int) e.gid(), LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException ex) {
                failed.add("owner");
            }
        }
        if (!link) {
            try {
                Files.setAttribute(p, "unix:mode", Integer.parseInt(e.mode(), 8));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
                failed.add("mode");
            }
        }
        // utimensat(AT_FDCWD, path, {mtime, mtime}, AT_SYMLINK_NOFOLLOW) as fsck.erofs does: Java's
        // own setTimes opens the file, which blocks on a FIFO and loses nanoseconds on symlinks
        long[] times = {e.mtime(), e.mtimeNsec(), e.mtime(), e.mtimeNsec()};
        if (Utimens.C.utimensat(Utimens.AT_FDCWD, p.toString(), times, Utimens.AT_SYMLINK_NOFOLLOW) != 0) {
            failed.add("mtime");
        }
        return failed.isEmpty() ? null : "could not set " + String.join(", ", failed);
    }
}
