package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.erofssim.contract.TreeEntry;

/**
 * The tree of an image as erofs-utils sees it, in the model's {@link TreeEntry} shape:
 * {@code fsck.erofs --extract} for types, contents, modes, mtimes, sizes, symlink targets and
 * device numbers, and {@code dump.erofs --nid --ls} on every inode for what extraction loses:
 * the nid ({@code ino}), link counts, uid/gid and directory sizes ({@code dump.erofs -s -S} once,
 * then one batch of {@code --nid --ls} per directory level and one of {@code --nid} for the rest). Where the two tools tell
 * different stories about the same field, {@link Result#inconsistencies} says so (erofs-utils
 * disagreeing with itself).
 *
 * <p>Unknown to erofs-utils 1.5, so {@link TreeReader#UNKNOWN}/null here: {@code blocks} and
 * {@code xattrs} (dump prints only the xattr area size, extraction writes none).
 */
public final class UtilsTree {
    private UtilsTree() {}

    /** The tree, what dump.erofs -s said, and erofs-utils' self-contradictions (normally none). */
    public record Result(List<TreeEntry> entries, DumpErofs.SuperblockInfo superblock, DumpErofs.Stats stats,
                         Map<String, DumpErofs.InodeInfo> inodes, List<String> inconsistencies) {}

    /** Reads a built image (its devices included); extraction goes to {@code workDir/extract}. */
    public static Result read(Mkfs.Built built, Path workDir) throws IOException {
        return read(built.image(), built.devices(), workDir.resolve("extract"));
    }

    public static Result read(Path image, List<Path> devices, Path extractInto) throws IOException {
        DumpErofs.Summary summary = DumpErofs.summary(image, devices);
        DumpErofs.SuperblockInfo sb = summary.superblock();
        FsckErofs.extract(image, devices, extractInto);
        List<TreeReader.Node> nodes = TreeReader.read(extractInto);
        Map<String, TreeReader.Node> byPath = new HashMap<>();
        Map<String, List<byte[]>> children = new HashMap<>();
        for (TreeReader.Node n : nodes) {
            byPath.put(n.entry().path(), n);
            if (!n.components().isEmpty()) {
                String parent = Names.path(n.components().subList(0, n.components().size() - 1));
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(n.components().get(n.components().size() - 1));
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, DumpErofs.InodeInfo> info = new HashMap<>();
        Map<String, Long> nonDirNids = new HashMap<>();
        // breadth first, one dump.erofs batch per directory level, one for all other inodes
        List<Object[]> level = new ArrayList<>();
        level.add(new Object[] {List.<byte[]>of(), sb.rootNid(), sb.rootNid()});
        while (!level.isEmpty()) {
            Map<Long, List<byte[]>> expectedNames = new HashMap<>();
            List<Long> nids = new ArrayList<>();
            for (Object[] q : level) {
                @SuppressWarnings("unchecked")
                List<byte[]> comps = (List<byte[]>) q[0];
                List<byte[]> expected = new ArrayList<>(children.getOrDefault(Names.path(comps), List.of()));
                expected.add(new byte[] {'.'});
                expected.add(new byte[] {'.', '.'});
                expectedNames.put((Long) q[1], expected);
                nids.add((Long) q[1]);
            }
            Map<Long, DumpErofs.InodeInfo> dirs = DumpErofs.inodes(image, devices, nids, true, expectedNames);
            List<Object[]> next = new ArrayList<>();
            for (Object[] q : level) {
                @SuppressWarnings("unchecked")
                List<byte[]> comps = (List<byte[]>) q[0];
                long nid = (Long) q[1];
                long parentNid = (Long) q[2];
                String path = Names.path(comps);
                DumpErofs.InodeInfo dir = dirs.get(nid);
                info.put(path, dir);
                Set<String> listed = new TreeSet<>();
                for (DumpErofs.Dirent d : dir.dirents()) {
                    byte[] n = d.name();
                    if (Arrays.equals(n, new byte[] {'.'})) {
                        check(problems, path, "'.' nid", nid, d.nid());
                        continue;
                    }
                    if (Arrays.equals(n, new byte[] {'.', '.'})) {
                        check(problems, path, "'..' nid", parentNid, d.nid());
                        continue;
                    }
                    List<byte[]> c = new ArrayList<>(comps);
                    c.add(n);
                    String childPath = Names.path(c);
                    listed.add(childPath);
                    TreeReader.Node x = byPath.get(childPath);
                    if (x == null) {
                        problems.add(childPath + ": listed by dump.erofs --ls (nid " + d.nid()
                                + ") but not extracted by fsck.erofs");
                        continue;
                    }
                    check(problems, childPath, "dirent file type vs extracted type", ftype(x.entry().type()), d.fileType());
                    if ("dir".equals(x.entry().type())) {
                        next.add(new Object[] {c, d.nid(), nid});
                    } else {
                        nonDirNids.put(childPath, d.nid());
                    }
                }
                for (byte[] n : children.getOrDefault(path, List.of())) {
                    List<byte[]> c = new ArrayList<>(comps);
                    c.add(n);
                    if (!listed.contains(Names.path(c))) {
                        problems.add(Names.path(c) + ": extracted by fsck.erofs but not listed by dump.erofs --ls");
                    }
                }
            }
            level = next;
        }
        Map<Long, DumpErofs.InodeInfo> others = DumpErofs.inodes(image, devices,
                new java.util.TreeSet<>(nonDirNids.values()), false, Map.of());
        nonDirNids.forEach((path, nid) -> info.put(path, others.get(nid)));
        List<TreeEntry> out = new ArrayList<>();
        for (TreeReader.Node n : nodes) {
            TreeEntry x = n.entry();
            DumpErofs.InodeInfo i = info.get(x.path());
            if (i == null) {
                out.add(withoutXattrs(x, TreeReader.UNKNOWN, TreeReader.UNKNOWN, TreeReader.UNKNOWN, TreeReader.UNKNOWN,
                        x.size()));
                continue;
            }
            check(problems, x.path(), "type (dump)", x.type(), typeOf(i.type()));
            check(problems, x.path(), "mode & 0777 (dump)", Integer.parseInt(x.mode(), 8) & 0777, i.access());
            check(problems, x.path(), "mtime (dump)", x.mtime(), i.mtime());
            check(problems, x.path(), "mtime nsec (dump)", x.mtimeNsec(), (long) i.mtimeNsec());
            if (!"dir".equals(x.type())) {
                check(problems, x.path(), "size (dump)", x.size(), i.size());
            }
            out.add(withoutXattrs(x, i.nid(), i.uid(), i.gid(), i.links(), "dir".equals(x.type()) ? i.size() : x.size()));
        }
        out.sort(Comparator.comparing(TreeEntry::path));
        return new Result(out, sb, summary.stats(), info, problems);
    }

    private static TreeEntry withoutXattrs(TreeEntry x, long ino, long uid, long gid, long nlink, long size) {
        return new TreeEntry(x.path(), ino, x.type(), x.mode(), uid, gid, size, TreeReader.UNKNOWN, nlink, x.mtime(),
                x.mtimeNsec(), x.target(), x.rdev(), null, x.sha256(), x.readErrno(), x.readOkBytes(), null, List.of());
    }

    private static void check(List<String> problems, String path, String what, Object a, Object b) {
        if (!a.equals(b)) {
            problems.add(path + ": " + what + ": " + a + " vs " + b);
        }
    }

    /** {@code EROFS_FT_*} of a contract type name. */
    static int ftype(String type) {
        switch (type) {
            case "file":
                return 1;
            case "dir":
                return 2;
            case "chr":
                return 3;
            case "blk":
                return 4;
            case "fifo":
                return 5;
            case "sock":
                return 6;
            case "symlink":
                return 7;
            default:
                return 0;
        }
    }

    /** The contract's type name of dump.erofs's type word. */
    static String typeOf(String dumpWord) {
        switch (dumpWord) {
            case "regular file":
                return "file";
            case "directory":
                return "dir";
            case "char dev":
                return "chr";
            case "block dev":
                return "blk";
            case "FIFO file":
                return "fifo";
            case "SOCK file":
                return "sock";
            case "symlink file":
                return "symlink";
            default:
                return "unknown";
        }
    }
}
