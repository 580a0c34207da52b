package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.contract.TreeEntry;

/**
 * Reads a folder on the host (an extracted image, or a materialized {@link TreeSpec}) into the
 * shape of the model's tree: one {@link TreeEntry} per path, sorted by path, root {@code "/"}
 * included. Names are read as bytes and rendered with {@link Names#render}.
 *
 * <p>Fields the host cannot tell about an EROFS image are {@link #UNKNOWN}: {@code ino} (the
 * host's inode number means nothing for the image), {@code blocks}, and a directory's
 * {@code size}. {@code xattrs} holds every xattr {@code llistxattr} shows (values base64);
 * {@code sha256} (lower-case hex) and {@code readOkBytes} are set for regular files only.
 */
public final class TreeReader {
    /** A number field whose value this source does not know. */
    public static final long UNKNOWN = -1;
    /** An mtime this source does not know. */
    public static final long UNKNOWN_TIME = Long.MIN_VALUE;

    private TreeReader() {}

    /** One path read: its name components (bytes) and the entry. */
    public record Node(List<byte[]> components, TreeEntry entry) {}

    /** Reads {@code root} and everything below it. */
    public static List<Node> read(Path root) throws IOException {
        List<Node> out = new ArrayList<>();
        walk(Posix.bytes(root), new ArrayList<>(), out);
        out.sort(Comparator.comparing(n -> n.entry().path()));
        return out;
    }

    /** Just the entries of {@link #read}. */
    public static List<TreeEntry> entries(Path root) throws IOException {
        return read(root).stream().map(Node::entry).toList();
    }

    private static void walk(byte[] abs, List<byte[]> components, List<Node> out) throws IOException {
        Posix.Stat st = Posix.lstat(abs);
        out.add(new Node(List.copyOf(components), entry(abs, components, st)));
        if (st.type() == Posix.S_IFDIR) {
            for (byte[] name : Posix.list(abs)) {
                List<byte[]> c = new ArrayList<>(components);
                c.add(name);
                walk(Posix.join(abs, name), c, out);
            }
        }
    }

    private static TreeEntry entry(byte[] abs, List<byte[]> components, Posix.Stat st) throws IOException {
        String type = typeName(st.mode());
        String target = null;
        String rdev = null;
        String sha = null;
        long okBytes = 0;
        long size = st.size();
        switch (type) {
            case "symlink":
                target = Names.render(Posix.readlink(abs));
                break;
            case "chr":
            case "blk":
                rdev = st.rdevMajor() + ":" + st.rdevMinor();
                break;
            case "file": {
                MessageDigest md = sha256();
                long[] n = {0};
                Posix.readFile(abs, (buf, len) -> {
                    md.update(buf, 0, len);
                    n[0] += len;
                });
                sha = HexFormat.of().formatHex(md.digest());
                okBytes = n[0];
                break;
            }
            case "dir":
                size = UNKNOWN;
                break;
            default:
                break;
        }
        Map<String, String> xattrs = new TreeMap<>();
        for (String name : Posix.llistxattr(abs)) {
            byte[] v = Posix.lgetxattr(abs, name);
            if (v != null) {
                xattrs.put(name, Base64.getEncoder().encodeToString(v));
            }
        }
        return new TreeEntry(Names.path(components), UNKNOWN, type, mode(st.mode()), st.uid(), st.gid(), size,
                UNKNOWN, st.nlink(), st.mtimeSec(), st.mtimeNsec(), target, rdev, xattrs, sha, null, okBytes, null,
                List.of());
    }

    /** The contract's mode string: permission bits with setuid/setgid/sticky, 4 octal digits. */
    public static String mode(int mode) {
        return String.format("%04o", mode & 07777);
    }

    /** The contract's type name of a {@code st_mode}. */
    public static String typeName(int mode) {
        switch (mode & Posix.S_IFMT) {
            case Posix.S_IFREG:
                return "file";
            case Posix.S_IFDIR:
                return "dir";
            case Posix.S_IFLNK:
                return "symlink";
            case Posix.S_IFCHR:
                return "chr";
            case Posix.S_IFBLK:
                return "blk";
            case Posix.S_IFIFO:
                return "fifo";
            case Posix.S_IFSOCK:
                return "sock";
            default:
                return "unknown";
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
