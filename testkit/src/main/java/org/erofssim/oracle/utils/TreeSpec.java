package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A directory tree as data: what {@link #materialize} builds on disk for {@code mkfs.erofs}.
 *
 * <p>{@code entries} are in creation order: a directory comes before what it holds, a hard
 * link after the entry it links to. Paths are lists of name components (bytes: anything but
 * NUL and '/', 1–255 bytes). File contents are described, not stored: a file of {@code size}
 * bytes is a hole except for its {@link Region}s, whose bytes are a function of
 * {@code (seed, absolute offset)} ({@link #contentByte}), so two files with the same seed at the
 * same offsets share bytes (chunk dedupe sees them).
 */
public record TreeSpec(Meta root, List<Entry> entries) {

    public TreeSpec {
        Objects.requireNonNull(root);
        entries = List.copyOf(entries);
    }

    /** Entry kinds; {@link #HARDLINK} is a second name of an earlier non-directory entry. */
    public enum Kind { DIR, FILE, SYMLINK, CHR, BLK, FIFO, SOCK, HARDLINK }

    /** A name component (bytes), compared by content. */
    public record Name(byte[] bytes) {
        public Name {
            bytes = bytes.clone();
        }

        public static Name of(String s) {
            return new Name(s.getBytes(StandardCharsets.UTF_8));
        }

        @Override public byte[] bytes() {
            return bytes.clone();
        }

        @Override public boolean equals(Object o) {
            return o instanceof Name n && Arrays.equals(bytes, n.bytes);
        }

        @Override public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override public String toString() {
            return Names.escape(bytes);
        }
    }

    /**
     * Attributes of an entry. {@code perm} holds the permission bits with setuid, setgid and
     * sticky ({@code 07777}); it is not applied to symlinks. {@code xattrs} are set with
     * {@code lsetxattr}, POSIX ACLs as {@code system.posix_acl_access}/{@code _default} values.
     */
    public record Meta(int perm, long uid, long gid, long mtime, int mtimeNsec, List<Xattr> xattrs) {
        public Meta {
            xattrs = List.copyOf(xattrs);
        }

        public static Meta plain(int perm) {
            return new Meta(perm, 0, 0, 0, 0, List.of());
        }

        @Override public String toString() {
            StringBuilder sb = new StringBuilder(String.format("%04o %d:%d t=%d", perm, uid, gid, mtime));
            if (mtimeNsec != 0) {
                sb.append('.').append(String.format("%09d", mtimeNsec));
            }
            for (Xattr x : xattrs) {
                sb.append(' ').append(x);
            }
            return sb.toString();
        }
    }

    /** An extended attribute: full name ({@code user.k}) and value bytes. */
    public record Xattr(String name, byte[] value) {
        public Xattr {
            value = value.clone();
        }

        @Override public byte[] value() {
            return value.clone();
        }

        @Override public boolean equals(Object o) {
            return o instanceof Xattr x && name.equals(x.name) && Arrays.equals(value, x.value);
        }

        @Override public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(value);
        }

        @Override public String toString() {
            String v = value.length <= 16 ? Names.escape(value) : Names.escape(Arrays.copyOf(value, 8)) + "…";
            return name + "=" + "\"" + v + "\"(" + value.length + ")";
        }
    }

    /** Written bytes of a file: {@code length} bytes at {@code offset}; see {@link #contentByte} for the seed. */
    public record Region(long offset, int length, long seed) {
        public long end() {
            return offset + length;
        }
    }

    /**
     * One path of the tree. Fields that do not apply to the kind are zero/null: {@code size}
     * and {@code regions} for FILE, {@code target} for SYMLINK, {@code major}/{@code minor} for
     * CHR and BLK, {@code linkTo} for HARDLINK (which has no {@code meta} of its own).
     */
    public record Entry(List<Name> path, Kind kind, Meta meta, long size, List<Region> regions, byte[] target,
                        long major, long minor, List<Name> linkTo) {
        public Entry {
            path = List.copyOf(path);
            regions = regions == null ? List.of() : List.copyOf(regions);
            target = target == null ? null : target.clone();
            linkTo = linkTo == null ? null : List.copyOf(linkTo);
            if (path.isEmpty()) {
                throw new IllegalArgumentException("an entry needs a name");
            }
            if (kind != Kind.HARDLINK) {
                Objects.requireNonNull(meta, "meta");
            }
        }

        public static Entry dir(List<Name> path, Meta meta) {
            return new Entry(path, Kind.DIR, meta, 0, null, null, 0, 0, null);
        }

        public static Entry file(List<Name> path, Meta meta, long size, List<Region> regions) {
            return new Entry(path, Kind.FILE, meta, size, regions, null, 0, 0, null);
        }

        public static Entry symlink(List<Name> path, Meta meta, byte[] target) {
            return new Entry(path, Kind.SYMLINK, meta, 0, null, target, 0, 0, null);
        }

        public static Entry device(List<Name> path, Kind kind, Meta meta, long major, long minor) {
            if (kind != Kind.CHR && kind != Kind.BLK) {
                throw new IllegalArgumentException("device kind: " + kind);
            }
            return new Entry(path, kind, meta, 0, null, null, major, minor, null);
        }

        public static Entry special(List<Name> path, Kind kind, Meta meta) {
            if (kind != Kind.FIFO && kind != Kind.SOCK) {
                throw new IllegalArgumentException("special kind: " + kind);
            }
            return new Entry(path, kind, meta, 0, null, null, 0, 0, null);
        }

        public static Entry hardlink(List<Name> path, List<Name> linkTo) {
            return new Entry(path, Kind.HARDLINK, null, 0, null, null, 0, 0, linkTo);
        }

        @Override public byte[] target() {
            return target == null ? null : target.clone();
        }

        public Name name() {
            return path.get(path.size() - 1);
        }

        public int depth() {
            return path.size();
        }

        /** The path as the contract prints it (see {@link Names#render}). */
        public String pathString() {
            return Names.path(path.stream().map(Name::bytes).toList());
        }

        @Override public String toString() {
            String p = "/" + String.join("/", path.stream().map(Name::toString).toList());
            switch (kind) {
                case DIR:
                    return "dir  " + p + " " + meta;
                case FILE:
                    return "file " + p + " " + meta + " size=" + size + " data=" + regions.stream()
                            .map(r -> r.offset() + "+" + r.length() + (r.seed() == 0 ? ":zero" : r.seed() < 0 ? ":text" + -r.seed() : ":s" + r.seed()))
                            .toList();
                case SYMLINK:
                    return "sym  " + p + " " + meta + " -> \"" + (target.length > 64
                            ? Names.escape(Arrays.copyOf(target, 32)) + "…(" + target.length + " bytes)"
                            : Names.escape(target)) + "\"";
                case CHR:
                case BLK:
                    return (kind == Kind.CHR ? "chr  " : "blk  ") + p + " " + meta + " " + major + ":" + minor;
                case FIFO:
                    return "fifo " + p + " " + meta;
                case SOCK:
                    return "sock " + p + " " + meta;
                default:
                    return "link " + p + " => /" + String.join("/", linkTo.stream().map(Name::toString).toList());
            }
        }
    }

    /**
     * Seeds at or below this give pseudo-random letters {@code a..d} (2 bits of entropy a byte):
     * LZ4 saves about half, entropy coders (DEFLATE, ZSTD, LZMA) about three quarters. No
     * generator of the erofs-utils properties uses such seeds.
     */
    public static final long LETTERS = -(1L << 40);

    /**
     * The byte at absolute offset {@code pos} of a region with {@code seed}: 0 writes zeros, a
     * negative seed compressible text (runs over a 16-letter alphabet), a seed at or below
     * {@link #LETTERS} random letters, a positive one pseudo-random bytes (incompressible: mkfs
     * keeps them uncompressed).
     */
    public static byte contentByte(long seed, long pos) {
        if (seed == 0) {
            return 0;
        }
        if (seed <= LETTERS) {
            return (byte) ('a' + ((mix(seed * 0x9E3779B97F4A7C15L + (pos >>> 5)) >>> ((pos & 31) * 2)) & 3));
        }
        if (seed < 0) {
            return (byte) ('a' + ((pos / 5 + (pos / 97) * 3 - seed) & 0x0F));
        }
        return (byte) (mix(seed * 0x9E3779B97F4A7C15L + (pos >>> 3)) >>> ((pos & 7) * 8));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The bytes of a region. */
    public static byte[] regionBytes(Region r) {
        byte[] b = new byte[r.length()];
        if (r.seed() != 0) {
            for (int i = 0; i < b.length; i++) {
                b[i] = contentByte(r.seed(), r.offset() + i);
            }
        }
        return b;
    }

    /** The whole contents of a FILE entry (holes as zeros). */
    public static byte[] contents(Entry file) {
        byte[] out = new byte[Math.toIntExact(file.size())];
        for (Region r : file.regions()) {
            byte[] b = regionBytes(r);
            int n = (int) Math.min(b.length, Math.max(0, file.size() - r.offset()));
            System.arraycopy(b, 0, out, (int) r.offset(), n);
        }
        return out;
    }

    /**
     * The tree as this spec says it is, in the model's {@link TreeEntry} shape, sorted by path:
     * types, modes, owners ({@link TreeReader#UNKNOWN} unless {@code owners}: materialize
     * chowns only as root), sizes (directories unknown), link counts (1 + hard links; 2 + subdirectories for
     * directories), mtimes, symlink targets, device numbers, content hashes, and xattrs without
     * the {@code system.} ones (the kernel rewrites an ACL value on chmod). A hard link's entry
     * repeats its target's.
     */
    public List<org.erofssim.contract.TreeEntry> expectedEntries(boolean owners) {
        Map<List<Name>, Integer> links = new java.util.HashMap<>();
        Map<List<Name>, Integer> subdirs = new java.util.HashMap<>();
        for (Entry e : entries) {
            if (e.kind() == Kind.HARDLINK) {
                links.merge(e.linkTo(), 1, Integer::sum);
            }
            if (e.kind() == Kind.DIR) {
                subdirs.merge(e.path().subList(0, e.depth() - 1), 1, Integer::sum);
            }
        }
        List<org.erofssim.contract.TreeEntry> out = new ArrayList<>();
        out.add(expected(List.of(), Kind.DIR, root, null, 2 + subdirs.getOrDefault(List.of(), 0), owners));
        for (Entry e : entries) {
            Entry x = e.kind() == Kind.HARDLINK ? entry(e.linkTo()) : e;
            List<Name> self = e.kind() == Kind.HARDLINK ? e.linkTo() : e.path();
            long nlink = x.kind() == Kind.DIR ? 2 + subdirs.getOrDefault(x.path(), 0) : 1 + links.getOrDefault(self, 0);
            out.add(expected(e.path(), x.kind(), x.meta(), x, nlink, owners));
        }
        out.sort(Comparator.comparing(org.erofssim.contract.TreeEntry::path));
        return out;
    }

    private static org.erofssim.contract.TreeEntry expected(List<Name> path, Kind kind, Meta m, Entry x, long nlink,
                                                         boolean owners) {
        String type;
        long size = 0;
        String target = null;
        String rdev = null;
        String sha = null;
        int perm = m.perm();
        switch (kind) {
            case DIR:
                type = "dir";
                size = TreeReader.UNKNOWN;
                break;
            case FILE: {
                type = "file";
                size = x.size();
                java.security.MessageDigest md = TreeReader.sha256();
                md.update(contents(x));
                sha = java.util.HexFormat.of().formatHex(md.digest());
                break;
            }
            case SYMLINK:
                type = "symlink";
                size = x.target().length;
                target = Names.render(x.target());
                perm = 0777;
                break;
            case CHR:
            case BLK:
                type = kind == Kind.CHR ? "chr" : "blk";
                rdev = x.major() + ":" + x.minor();
                break;
            case FIFO:
                type = "fifo";
                break;
            default:
                type = "sock";
                break;
        }
        Map<String, String> xattrs = new java.util.TreeMap<>();
        for (Xattr a : m.xattrs()) {
            if (!a.name().startsWith("system.")) {
                xattrs.put(a.name(), java.util.Base64.getEncoder().encodeToString(a.value()));
            }
        }
        return new org.erofssim.contract.TreeEntry(Names.path(path.stream().map(Name::bytes).toList()), TreeReader.UNKNOWN,
                type, TreeReader.mode(perm), owners ? m.uid() : TreeReader.UNKNOWN, owners ? m.gid() : TreeReader.UNKNOWN,
                size, TreeReader.UNKNOWN, nlink, m.mtime(), m.mtimeNsec(), target, rdev, xattrs, sha, null,
                "file".equals(type) ? size : 0, null, List.of());
    }

    /** This tree with {@code more} entries appended (checked with {@link #problems()}). */
    public TreeSpec plus(Entry... more) {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(List.of(more));
        TreeSpec t = new TreeSpec(root, all);
        List<String> p = t.problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", p));
        }
        return t;
    }

    /** How many entries of each kind (root not counted). */
    public Map<Kind, Integer> counts() {
        Map<Kind, Integer> m = new EnumMap<>(Kind.class);
        for (Entry e : entries) {
            m.merge(e.kind(), 1, Integer::sum);
        }
        return m;
    }

    /** The entry a path names, following nothing. */
    public Entry entry(List<Name> path) {
        for (Entry e : entries) {
            if (e.path().equals(path)) {
                return e;
            }
        }
        return null;
    }

    /** The deepest nesting (root's children have depth 1). */
    public int maxDepth() {
        return entries.stream().mapToInt(Entry::depth).max().orElse(0);
    }

    /** All xattrs of the tree (root included). */
    public List<Xattr> allXattrs() {
        List<Xattr> all = new ArrayList<>(root.xattrs());
        for (Entry e : entries) {
            if (e.meta() != null) {
                all.addAll(e.meta().xattrs());
            }
        }
        return all;
    }

    /**
     * Builds the tree under {@code dir} (created if missing; must be empty): entries in order,
     * then xattrs, owners, times and finally, deepest first, POSIX ACLs and permission bits (chmod
     * after chown, which would clear setuid/setgid; ACLs last, as they change permission bits and
     * would deny the steps before to a non-root caller). {@code dir} itself gets {@link #root}'s attributes.
     * Device nodes need root; so do owners other than the caller and trusted./security. xattrs.
     */
    public void materialize(Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] base = Posix.bytes(dir);
        if (!Posix.list(base).isEmpty()) {
            throw new IOException("not empty: " + dir);
        }
        for (Entry e : entries) {
            byte[] p = abs(base, e.path());
            switch (e.kind()) {
                case DIR:
                    Posix.mkdir(p, 0700);
                    break;
                case FILE: {
                    List<Posix.WriteRegion> w = new ArrayList<>();
                    for (Region r : e.regions()) {
                        w.add(new Posix.WriteRegion(r.offset(), regionBytes(r)));
                    }
                    Posix.createFile(p, e.size(), w);
                    break;
                }
                case SYMLINK:
                    Posix.symlink(e.target(), p);
                    break;
                case CHR:
                    Posix.mknod(p, Posix.S_IFCHR | 0600, e.major(), e.minor());
                    break;
                case BLK:
                    Posix.mknod(p, Posix.S_IFBLK | 0600, e.major(), e.minor());
                    break;
                case FIFO:
                    Posix.mknod(p, Posix.S_IFIFO | 0600, 0, 0);
                    break;
                case SOCK:
                    Posix.mknod(p, Posix.S_IFSOCK | 0600, 0, 0);
                    break;
                case HARDLINK:
                    Posix.link(abs(base, e.linkTo()), p);
                    break;
                default:
                    throw new IllegalStateException();
            }
        }
        List<Map.Entry<byte[], Entry>> owned = new ArrayList<>();
        for (Entry e : entries) {
            if (e.kind() != Kind.HARDLINK) {
                owned.add(Map.entry(abs(base, e.path()), e));
            }
        }
        // POSIX ACLs change permission bits at once: without root, an ACL set on a folder early
        // would deny the later steps inside it, so ACLs go with the chmods, deepest first
        for (Map.Entry<byte[], Entry> o : owned) {
            for (Xattr x : o.getValue().meta().xattrs()) {
                if (!isAcl(x)) {
                    Posix.lsetxattr(o.getKey(), x.name(), x.value());
                }
            }
        }
        for (Xattr x : root.xattrs()) {
            if (!isAcl(x)) {
                Posix.lsetxattr(base, x.name(), x.value());
            }
        }
        boolean root0 = Posix.isRoot();
        for (Map.Entry<byte[], Entry> o : owned) {
            Meta m = o.getValue().meta();
            if (root0) {
                Posix.lchown(o.getKey(), m.uid(), m.gid());
            }
            Posix.setMtime(o.getKey(), m.mtime(), m.mtimeNsec());
        }
        if (root0) {
            Posix.lchown(base, root.uid(), root.gid());
        }
        owned.sort(Comparator.comparingInt((Map.Entry<byte[], Entry> o) -> o.getValue().depth()).reversed());
        for (Map.Entry<byte[], Entry> o : owned) {
            for (Xattr x : o.getValue().meta().xattrs()) {
                if (isAcl(x)) {
                    Posix.lsetxattr(o.getKey(), x.name(), x.value());
                }
            }
            if (o.getValue().kind() != Kind.SYMLINK) {
                Posix.chmod(o.getKey(), o.getValue().meta().perm());
            }
        }
        Posix.setMtime(base, root.mtime(), root.mtimeNsec());
        for (Xattr x : root.xattrs()) {
            if (isAcl(x)) {
                Posix.lsetxattr(base, x.name(), x.value());
            }
        }
        Posix.chmod(base, root.perm());
    }

    private static boolean isAcl(Xattr x) {
        return x.name().startsWith("system.posix_acl_");
    }

    private static byte[] abs(byte[] base, List<Name> path) {
        byte[] p = base;
        for (Name n : path) {
            p = Posix.join(p, n.bytes());
        }
        return p;
    }

    /**
     * Checks the structural rules: parents exist and are directories, names are valid and
     * unique in their directory, hard links point to earlier non-directories. Returns the
     * problems found (empty when the spec can be materialized).
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        Set<List<Name>> dirs = new HashSet<>();
        Set<List<Name>> nondirs = new HashSet<>();
        dirs.add(List.of());
        for (Entry e : entries) {
            List<Name> parent = e.path().subList(0, e.path().size() - 1);
            byte[] n = e.name().bytes();
            if (!dirs.contains(parent)) {
                out.add(e + ": parent is not a directory");
            }
            if (n.length == 0 || n.length > 255 || (n.length == 1 && n[0] == '.')
                    || (n.length == 2 && n[0] == '.' && n[1] == '.')) {
                out.add(e + ": bad name length or dot name");
            }
            for (byte b : n) {
                if (b == 0 || b == '/') {
                    out.add(e + ": NUL or '/' in name");
                    break;
                }
            }
            if (dirs.contains(e.path()) || nondirs.contains(e.path())) {
                out.add(e + ": duplicate path");
            }
            if (e.kind() == Kind.HARDLINK && !nondirs.contains(e.linkTo())) {
                out.add(e + ": link target is not an earlier non-directory");
            }
            (e.kind() == Kind.DIR ? dirs : nondirs).add(e.path());
        }
        return out;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("TreeSpec {\n  root ").append(root).append('\n');
        for (Entry e : entries) {
            sb.append("  ").append(e).append('\n');
        }
        return sb.append('}').toString();
    }
}
