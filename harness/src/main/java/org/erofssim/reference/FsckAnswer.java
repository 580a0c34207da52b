package org.erofssim.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.report.Difference;

/**
 * What {@code fsck.erofs --extract} says about an image ({@link FsckReference}): whether it
 * accepts it (exit status 0: the superblock, every inode and every file's data decode), the
 * first error line when it does not, and the extracted tree when it does.
 *
 * <p>Compared with the model's outcome ({@link Comparison#FSCK_IMAGE}, {@link #differences}) on
 * these fields only:
 * <ul>
 *   <li>{@code accepted}: the model accepts the image when it mounts it and every path of its
 *       (read) tree reads back without an error. Both rejecting agrees whatever the reasons (the
 *       errno and log are the kernel's, fsck.erofs has neither).</li>
 *   <li>{@code tree[PATH].readErrno}: where fsck.erofs accepts the image, a path the model
 *       cannot read.</li>
 *   <li>{@code tree[PATH]} (present or absent), {@code .type}, {@code .size} of regular files,
 *       {@code .sha256} of regular files (unless the model
 *       leaves it null: bytes the kernel leaves undefined, said in a note), {@code .target} of symlinks, when both accept.</li>
 * </ul>
 * Not compared: modes, owners, times, xattrs, device numbers, directory sizes, inode numbers
 * and link counts (extraction keeps none of them reliably: erofs-utils 1.5 splits hard links
 * and writes no xattrs), and everything of the mount itself (errno, log, statfs, superblock
 * fields, super options).
 *
 * @param accepted whether {@code fsck.erofs --extract} exited 0
 * @param message  its first error line when it did not, else null
 * @param tree     the extracted tree in walk order ({@code /} first) when accepted, else empty
 */
public record FsckAnswer(boolean accepted, String message, List<Entry> tree) {
    /**
     * One extracted path, named as the model's tree names it ({@code /}, {@code /d/f}).
     *
     * @param type   {@code file}, {@code dir}, {@code symlink}, {@code chr}, {@code blk}, {@code fifo} or {@code sock}
     * @param size   a regular file's size, else 0 (not compared)
     * @param sha256 a regular file's content hash, else null
     * @param target a symlink's target, else null
     */
    public record Entry(String path, String type, long size, String sha256, String target) {}

    public FsckAnswer {
        tree = List.copyOf(tree);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code {"accepted": ..., "message": ..., "tree": [{path, type, size, sha256, target}]}}. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode().put("accepted", accepted);
        o.put("message", message);
        ArrayNode a = o.putArray("tree");
        for (Entry e : tree) {
            ObjectNode n = a.addObject().put("path", e.path()).put("type", e.type());
            if (e.type().equals("file")) {
                n.put("size", e.size()).put("sha256", e.sha256());
            }
            if (e.target() != null) {
                n.put("target", e.target());
            }
        }
        return o.toString();
    }

    /** The fields (see the class comment) where the model's outcome differs from this answer; empty when they agree. */
    public List<Difference> differences(MountOutcome model) {
        List<Difference> out = new ArrayList<>();
        boolean mounted = model instanceof MountOutcome.Mounted;
        List<TreeEntry> modelTree = mounted ? ((MountOutcome.Mounted) model).tree() : null;
        List<TreeEntry> unreadable = modelTree == null ? List.of()
                : modelTree.stream().filter(e -> e.readErrno() != null).toList();
        String fsckSide = accepted ? q("accepted") : q("rejected: " + message);
        if (!mounted) {
            if (accepted) {
                out.add(new Difference("accepted", q("not mounted: " + describe(model)), fsckSide));
            }
            return out;
        }
        if (!accepted) {
            if (modelTree != null && unreadable.isEmpty()) {
                out.add(new Difference("accepted", q("mounted, every path read back"), fsckSide));
            }
            return out;
        }
        for (TreeEntry e : unreadable) {
            out.add(new Difference("tree[" + e.path() + "].readErrno", q(e.readErrno()), "null"));
        }
        if (modelTree == null) {
            return out; // the reference refuses scenarios that do not read the tree
        }
        Map<String, TreeEntry> m = new LinkedHashMap<>();
        for (TreeEntry e : modelTree) {
            m.putIfAbsent(e.path(), e);
        }
        Map<String, Entry> f = new LinkedHashMap<>();
        for (Entry e : tree) {
            f.put(e.path(), e);
        }
        for (TreeEntry me : m.values()) {
            Entry fe = f.get(me.path());
            String at = "tree[" + me.path() + "]";
            if (fe == null) {
                out.add(new Difference(at, q(me.type()), Difference.ABSENT));
                continue;
            }
            if (!Objects.equals(me.type(), fe.type())) {
                out.add(new Difference(at + ".type", q(me.type()), q(fe.type())));
                continue;
            }
            if (fe.type().equals("file")) {
                if (me.size() != fe.size()) {
                    out.add(new Difference(at + ".size", Long.toString(me.size()), Long.toString(fe.size())));
                }
                // a null hash of a file read whole is the model saying the kernel's bytes are undefined (noted)
                if (me.readErrno() == null && me.sha256() != null && !Objects.equals(me.sha256(), fe.sha256())) {
                    out.add(new Difference(at + ".sha256", q(me.sha256()), q(fe.sha256())));
                }
            }
            if (fe.type().equals("symlink") && me.readErrno() == null && !Objects.equals(me.target(), fe.target())) {
                out.add(new Difference(at + ".target", q(me.target()), q(fe.target())));
            }
        }
        for (Entry fe : f.values()) {
            if (!m.containsKey(fe.path())) {
                out.add(new Difference("tree[" + fe.path() + "]", Difference.ABSENT, q(fe.type())));
            }
        }
        return out;
    }

    private static String describe(MountOutcome o) {
        if (o instanceof MountOutcome.Failed f) {
            return "failed " + f.errno();
        }
        if (o instanceof MountOutcome.Blocked) {
            return "blocked";
        }
        return "crashed";
    }

    /** A JSON string (null stays the JSON null). */
    private static String q(String s) {
        return s == null ? "null" : JSON.getNodeFactory().textNode(s).toString();
    }
}
