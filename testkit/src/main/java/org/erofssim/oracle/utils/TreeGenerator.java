package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.erofssim.oracle.utils.TreeSpec.Entry;
import org.erofssim.oracle.utils.TreeSpec.Kind;
import org.erofssim.oracle.utils.TreeSpec.Meta;
import org.erofssim.oracle.utils.TreeSpec.Name;
import org.erofssim.oracle.utils.TreeSpec.Region;
import org.erofssim.oracle.utils.TreeSpec.Xattr;

/**
 * Random directory trees ({@link TreeSpec}) as jqwik {@link Arbitrary}s: directories chained
 * to earlier directories (depth), leaves and hard links dropped into them (fan-out), names
 * of every byte class Linux allows (long, odd ASCII, control bytes, UTF-8, malformed UTF-8),
 * file sizes around the 4 KiB block and chunk boundaries, sparse files, short and near-4095
 * byte symlinks, device nodes, FIFOs, sockets, xattrs in the user/trusted/security namespaces
 * (some shared by several inodes, so {@code mkfs -x} moves them to the shared area) and POSIX
 * ACLs. Everything is built from combinators, so failures shrink to small trees.
 */
public final class TreeGenerator {
    /** Longest path (bytes, without the materialize folder) a tree may hold, well under PATH_MAX. */
    public static final int MAX_PATH_BYTES = 3000;

    private TreeGenerator() {}

    /**
     * What to generate. {@code devices}, {@code owners} and {@code privilegedXattrs}
     * (trusted./security.) need root; {@code acls} a file system that stores POSIX ACLs.
     */
    public record Config(int maxDirs, int maxLeaves, int maxHardlinks, boolean devices, boolean owners,
                         boolean privilegedXattrs, boolean acls, boolean nonUtf8Names, int maxFileSize,
                         int maxNameBytes) {

        /**
         * Longest name erofs-utils 1.5 can pack: its {@code erofs_d_alloc} copies names into a
         * 255-byte buffer with {@code strncpy(.., EROFS_NAME_LEN - 1)}, so a 255-byte name is cut to
         * 254 and mkfs then fails to stat it (fixed upstream by a8a1034, v1.8.5).
         */
        public static final int EROFS_UTILS_15_MAX_NAME = 254;

        /** Everything on, small trees, names up to NAME_MAX (255 bytes). */
        public static Config full() {
            return new Config(6, 14, 3, true, true, true, true, true, 300_000, 255);
        }

        /** {@link #full()} less what this process cannot build here (each skip printed once). */
        public static Config forThisHost() {
            Config c = full();
            HostFeatures h = HostFeatures.get();
            return new Config(c.maxDirs, c.maxLeaves, c.maxHardlinks, h.root, h.root, h.root, h.acls,
                    c.nonUtf8Names, c.maxFileSize, c.maxNameBytes);
        }

        /** {@link #forThisHost()} with names erofs-utils 1.5 can pack (at most 254 bytes). */
        public static Config forErofsUtils15() {
            return forThisHost().withMaxNameBytes(EROFS_UTILS_15_MAX_NAME);
        }

        public Config withSize(int maxDirs, int maxLeaves, int maxHardlinks) {
            return new Config(maxDirs, maxLeaves, maxHardlinks, devices, owners, privilegedXattrs, acls,
                    nonUtf8Names, maxFileSize, maxNameBytes);
        }

        public Config withMaxFileSize(int bytes) {
            return new Config(maxDirs, maxLeaves, maxHardlinks, devices, owners, privilegedXattrs, acls,
                    nonUtf8Names, bytes, maxNameBytes);
        }

        public Config withNonUtf8Names(boolean on) {
            return new Config(maxDirs, maxLeaves, maxHardlinks, devices, owners, privilegedXattrs, acls, on,
                    maxFileSize, maxNameBytes);
        }

        public Config withMaxNameBytes(int bytes) {
            if (bytes < 16 || bytes > 255) {
                throw new IllegalArgumentException("name length limit out of 16..255: " + bytes);
            }
            return new Config(maxDirs, maxLeaves, maxHardlinks, devices, owners, privilegedXattrs, acls,
                    nonUtf8Names, maxFileSize, bytes);
        }
    }

    /** What this process can build, probed once; the reasons for skipped features are printed. */
    static final class HostFeatures {
        final boolean root;
        final boolean acls;
        private static HostFeatures instance;

        private HostFeatures(boolean root, boolean acls) {
            this.root = root;
            this.acls = acls;
        }

        static synchronized HostFeatures get() {
            if (instance == null) {
                boolean root = Posix.isRoot();
                if (!root) {
                    System.out.println("NOTE: not root: trees without device nodes, foreign owners and "
                            + "trusted./security. xattrs");
                }
                boolean acls = probeAcls();
                instance = new HostFeatures(root, acls);
            }
            return instance;
        }

        /**
         * ACLs are written as their xattr values (what setfacl does; setfacl itself need not
         * be installed); the temp file system must take a named-user ACL.
         */
        private static boolean probeAcls() {
            try {
                Path dir = Files.createTempDirectory("erofs-sim-acl");
                try {
                    Path f = dir.resolve("f");
                    Files.createFile(f);
                    Posix.lsetxattr(Posix.bytes(f), ACL_ACCESS, acl(List.of(new int[] {ACL_USER, 7, 1234}), 6, 4, 4));
                    return true;
                } finally {
                    Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            } catch (IOException | RuntimeException e) {
                System.out.println("NOTE: POSIX ACLs skipped: the temp file system refuses them (" + e.getMessage()
                        + ")");
                return false;
            }
        }
    }

    // ---------------------------------------------------------------- trees

    /** Trees for this host ({@link Config#forThisHost()}), now and then a wide directory. */
    public static Arbitrary<TreeSpec> trees() {
        return trees(Config.forThisHost());
    }

    /** Trees for {@code c}: 5 in 6 small mixed trees, 1 in 6 one directory of many entries. */
    public static Arbitrary<TreeSpec> trees(Config c) {
        return Arbitraries.frequencyOf(Tuple.of(5, mixed(c)), Tuple.of(1, wide(c)));
    }

    /** Small trees of every entry kind the config allows. */
    public static Arbitrary<TreeSpec> mixed(Config c) {
        Arbitrary<List<DirGen>> dirs = Combinators.combine(Arbitraries.integers().between(0, 1000), names(c),
                meta(c, Kind.DIR)).as(DirGen::new).list().ofMaxSize(c.maxDirs());
        Arbitrary<List<LeafGen>> leaves = Combinators.combine(Arbitraries.integers().between(0, 1000), names(c),
                leafPayload(c)).as(LeafGen::new).list().ofMaxSize(c.maxLeaves());
        Arbitrary<List<LinkGen>> links = Combinators.combine(Arbitraries.integers().between(0, 1000), names(c),
                Arbitraries.integers().between(0, 1000)).as(LinkGen::new).list().ofMaxSize(c.maxHardlinks());
        return Combinators.combine(meta(c, Kind.DIR), dirs, leaves, links).as(TreeGenerator::assemble);
    }

    /** One directory (root or a subdirectory) holding 40–120 entries, several directory blocks. */
    public static Arbitrary<TreeSpec> wide(Config c) {
        Arbitrary<Integer> count = Arbitraries.integers().between(40, 120);
        Arbitrary<Integer> nameLen = Arbitraries.of(4, 12, 40, 120, c.maxNameBytes());
        Arbitrary<Boolean> inSubdir = Arbitraries.of(false, true);
        return Combinators.combine(count, nameLen, inSubdir, meta(c, Kind.DIR)).as((n, len, sub, rootMeta) -> {
            List<Entry> entries = new ArrayList<>();
            List<Name> parent = new ArrayList<>();
            if (sub) {
                parent.add(Name.of("w"));
                entries.add(Entry.dir(parent, Meta.plain(0755)));
            }
            for (int i = 0; i < n; i++) {
                String base = String.format("%05d", i);
                StringBuilder s = new StringBuilder(base);
                while (s.length() < len) {
                    s.append((char) ('a' + (i + s.length()) % 26));
                }
                List<Name> p = new ArrayList<>(parent);
                p.add(Name.of(s.toString()));
                entries.add(i % 7 == 3 ? Entry.symlink(p, Meta.plain(0777), base.getBytes(StandardCharsets.US_ASCII))
                        : Entry.file(p, Meta.plain(0644), i % 5, List.of(new Region(0, i % 5, 1 + i))));
            }
            return new TreeSpec(rootMeta, entries);
        });
    }

    private record DirGen(int parentPick, byte[] name, Meta meta) {}

    private record LeafGen(int dirPick, byte[] name, Payload payload) {}

    private record LinkGen(int dirPick, byte[] name, int targetPick) {}

    /** A leaf without its place: kind, attributes and kind-specific data. */
    private record Payload(Kind kind, Meta meta, long size, List<Region> regions, byte[] target, long major,
                           long minor) {}

    /**
     * Resolves picks into a valid tree: directory i hangs below root or an earlier directory,
     * leaves and links go into any directory; a name already taken in a directory (by bytes or
     * by its rendered string) drops the newcomer, as does a path over {@link #MAX_PATH_BYTES}.
     */
    static TreeSpec assemble(Meta rootMeta, List<DirGen> dirs, List<LeafGen> leaves, List<LinkGen> links) {
        List<Entry> entries = new ArrayList<>();
        List<List<Name>> dirPaths = new ArrayList<>();
        dirPaths.add(List.of());
        Map<List<Name>, Set<String>> taken = new HashMap<>();
        taken.put(List.of(), new HashSet<>());
        for (DirGen d : dirs) {
            List<Name> parent = dirPaths.get(d.parentPick() % dirPaths.size());
            List<Name> p = place(parent, d.name(), taken);
            if (p != null) {
                entries.add(Entry.dir(p, d.meta()));
                dirPaths.add(p);
                taken.put(p, new HashSet<>());
            }
        }
        List<List<Name>> linkable = new ArrayList<>();
        for (LeafGen l : leaves) {
            List<Name> p = place(dirPaths.get(l.dirPick() % dirPaths.size()), l.name(), taken);
            if (p == null) {
                continue;
            }
            Payload x = l.payload();
            switch (x.kind()) {
                case FILE:
                    entries.add(Entry.file(p, x.meta(), x.size(), x.regions()));
                    break;
                case SYMLINK:
                    entries.add(Entry.symlink(p, x.meta(), x.target()));
                    break;
                case CHR:
                case BLK:
                    entries.add(Entry.device(p, x.kind(), x.meta(), x.major(), x.minor()));
                    break;
                default:
                    entries.add(Entry.special(p, x.kind(), x.meta()));
                    break;
            }
            linkable.add(p);
        }
        if (!linkable.isEmpty()) {
            for (LinkGen k : links) {
                List<Name> p = place(dirPaths.get(k.dirPick() % dirPaths.size()), k.name(), taken);
                if (p != null) {
                    entries.add(Entry.hardlink(p, linkable.get(k.targetPick() % linkable.size())));
                }
            }
        }
        return new TreeSpec(rootMeta, entries);
    }

    private static List<Name> place(List<Name> parent, byte[] name, Map<List<Name>, Set<String>> taken) {
        int bytes = name.length + 1;
        for (Name n : parent) {
            bytes += n.bytes().length + 1;
        }
        if (bytes > MAX_PATH_BYTES || !taken.get(parent).add(Names.render(name))) {
            return null;
        }
        List<Name> p = new ArrayList<>(parent);
        p.add(new Name(name));
        return p;
    }

    // ---------------------------------------------------------------- names

    private static final String ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789_";
    private static final String ODD = " \t\n\\\"'*?-.~#$%&()[]{}<>|;:,=+@!^`" + "abcXYZ";
    private static final String UTF8 = "éüßñøΩжЯ中文日本語한국어😀🎉𝄞";

    /** Directory entry names (1–{@code maxNameBytes} bytes, no NUL or '/', never "." or ".."). */
    public static Arbitrary<byte[]> names(Config c) {
        int max = c.maxNameBytes();
        List<Tuple.Tuple2<Integer, Arbitrary<byte[]>>> kinds = new ArrayList<>();
        kinds.add(Tuple.of(30, Arbitraries.strings().withChars(ALNUM).ofMinLength(1).ofMaxLength(12).map(TreeGenerator::utf8)));
        kinds.add(Tuple.of(6, Arbitraries.strings().withChars(ALNUM).ofMinLength(200).ofMaxLength(max).map(TreeGenerator::utf8)));
        kinds.add(Tuple.of(8, Arbitraries.strings().withChars(ODD).ofMinLength(1).ofMaxLength(24).map(TreeGenerator::utf8)));
        kinds.add(Tuple.of(6, Arbitraries.strings().withChars(UTF8 + "ab").ofMinLength(1).ofMaxLength(40)
                .map(s -> truncateUtf8(s, max))));
        kinds.add(Tuple.of(3, Arbitraries.strings().withChars("😀𝄞中").ofMinLength(60).ofMaxLength(90)
                .map(s -> truncateUtf8(s, max))));
        kinds.add(Tuple.of(4, Arbitraries.bytes().between((byte) 1, (byte) 0x7f).array(byte[].class)
                .ofMinSize(1).ofMaxSize(16)));
        if (c.nonUtf8Names()) {
            kinds.add(Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(24)));
            kinds.add(Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofSize(max)));
        }
        return Arbitraries.frequencyOf(kinds).map(b -> validName(b, max));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] truncateUtf8(String s, int max) {
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > max) {
                break;
            }
            sb.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return utf8(sb.toString());
    }

    /** Replaces NUL and '/' bytes, turns "." and ".." into other names, keeps 1..max bytes. */
    static byte[] validName(byte[] raw, int max) {
        byte[] b = raw.length > max ? java.util.Arrays.copyOf(raw, max) : raw.clone();
        if (b.length == 0) {
            return new byte[] {'e'};
        }
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0 || b[i] == '/') {
                b[i] = (byte) (b[i] == 0 ? 0x01 : 0x5f);
            }
        }
        if ((b.length == 1 && b[0] == '.') || (b.length == 2 && b[0] == '.' && b[1] == '.')) {
            byte[] d = java.util.Arrays.copyOf(b, b.length + 1);
            d[b.length] = '_';
            return d;
        }
        return b;
    }

    // ---------------------------------------------------------------- attributes

    static final String ACL_ACCESS = "system.posix_acl_access";
    static final String ACL_DEFAULT = "system.posix_acl_default";
    static final int ACL_USER_OBJ = 0x01;
    static final int ACL_USER = 0x02;
    static final int ACL_GROUP_OBJ = 0x04;
    static final int ACL_GROUP = 0x08;
    static final int ACL_MASK = 0x10;
    static final int ACL_OTHER = 0x20;

    /**
     * A POSIX ACL xattr value ({@code posix_acl_xattr_header} version 2, entries of tag u16,
     * perm u16, id u32, sorted by tag then id): owner/group/other permissions plus named
     * entries {@code {tag, perm, id}}; a mask is added when there are named entries.
     */
    static byte[] acl(List<int[]> named, int userObj, int groupObj, int other) {
        List<int[]> e = new ArrayList<>();
        e.add(new int[] {ACL_USER_OBJ, userObj, -1});
        named.stream().filter(n -> n[0] == ACL_USER).sorted((a, b) -> Integer.compareUnsigned(a[2], b[2])).forEach(e::add);
        e.add(new int[] {ACL_GROUP_OBJ, groupObj, -1});
        named.stream().filter(n -> n[0] == ACL_GROUP).sorted((a, b) -> Integer.compareUnsigned(a[2], b[2])).forEach(e::add);
        if (!named.isEmpty()) {
            e.add(new int[] {ACL_MASK, 7, -1});
        }
        e.add(new int[] {ACL_OTHER, other, -1});
        ByteBuffer bb = ByteBuffer.allocate(4 + 8 * e.size()).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(2);
        for (int[] x : e) {
            bb.putShort((short) x[0]).putShort((short) x[1]).putInt(x[2]);
        }
        return bb.array();
    }

    /** Attributes for an entry of {@code kind} (xattr namespaces the kernel allows on it). */
    public static Arbitrary<Meta> meta(Config c, Kind kind) {
        Arbitrary<Integer> perm = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(kind == Kind.DIR ? 0755 : 0644)),
                Tuple.of(2, Arbitraries.of(0600, 0700, 0777, 0000, 0444, 0555)),
                Tuple.of(2, Arbitraries.of(04755, 02755, 01777, 06711, 03770, 07777)),
                Tuple.of(2, Arbitraries.integers().between(0, 07777)));
        Arbitrary<Long> id = c.owners()
                ? Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0L)), Tuple.of(2, Arbitraries.of(1L, 1000L, 65534L, 65535L)),
                        Tuple.of(2, Arbitraries.longs().between(0, 65535)), Tuple.of(1, Arbitraries.of(65536L, 100_000L, 4_294_967_294L)))
                : Arbitraries.just(-1L);
        Arbitrary<Long> mtime = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(0L, 1_700_000_000L)),
                Tuple.of(3, Arbitraries.longs().between(0, 4_000_000_000L)),
                Tuple.of(1, Arbitraries.of(-1L, -86_400L, 1L << 33)));
        Arbitrary<Integer> nsec = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.integers().between(0, 999_999_999)));
        // without root, the owner must keep read (and search) access or mkfs/fsck cannot read the tree
        Arbitrary<Integer> usable = c.owners() ? perm : perm.map(p -> p | (kind == Kind.DIR ? 0700 : 0600));
        return Combinators.combine(usable, id, id, mtime, nsec, xattrs(c, kind)).as(Meta::new);
    }

    /** Xattrs for one entry: 0–4, a third from a small shared pool, values 0 B to ~1.5 KiB. */
    public static Arbitrary<List<Xattr>> xattrs(Config c, Kind kind) {
        boolean userOk = kind == Kind.DIR || kind == Kind.FILE;
        List<String> prefixes = new ArrayList<>();
        if (userOk) {
            prefixes.add("user.");
        }
        if (c.privilegedXattrs()) {
            prefixes.add("trusted.");
            prefixes.add("security.t_");
        }
        List<Arbitrary<Xattr>> sources = new ArrayList<>();
        if (!prefixes.isEmpty()) {
            Arbitrary<String> name = Combinators.combine(Arbitraries.of(prefixes),
                    Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.strings().withChars(ALNUM + ".-").ofMinLength(1).ofMaxLength(16)),
                            Tuple.of(1, Arbitraries.strings().withChars(ALNUM).ofMinLength(100).ofMaxLength(230))))
                    .as((p, s) -> p + s);
            Arbitrary<byte[]> value = Arbitraries.frequencyOf(
                    Tuple.of(2, Arbitraries.of(0, 1, 3, 4, 5).map(n -> new byte[n])),
                    Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
                    Tuple.of(1, Arbitraries.integers().between(100, 1500).map(TreeGenerator::patternBytes)));
            sources.add(Combinators.combine(name, value).as(Xattr::new));
            List<Xattr> pool = new ArrayList<>();
            for (String p : prefixes) {
                pool.add(new Xattr(p + "shared", "same value".getBytes(StandardCharsets.US_ASCII)));
                pool.add(new Xattr(p + "big", patternBytes(700)));
                pool.add(new Xattr(p + "empty", new byte[0]));
            }
            sources.add(Arbitraries.of(pool));
        }
        Arbitrary<List<Xattr>> plain = sources.isEmpty() ? Arbitraries.just(List.of())
                : Arbitraries.oneOf(sources).list().ofMaxSize(4);
        Arbitrary<List<Xattr>> lists = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<Xattr>of())),
                Tuple.of(2, plain));
        if (c.acls() && userOk) {
            Arbitrary<int[]> named = Combinators.combine(Arbitraries.of(ACL_USER, ACL_GROUP),
                    Arbitraries.integers().between(0, 7), Arbitraries.of(0, 1000, 1234, 65534, 70000))
                    .as((t, p, i) -> new int[] {t, p, i});
            Arbitrary<byte[]> acl = Combinators.combine(named.list().ofMaxSize(3).uniqueElements(n -> n[0] * 1_000_000L + n[2]),
                    Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 7))
                    .as(TreeGenerator::acl);
            Arbitrary<List<Xattr>> withAcl = Combinators.combine(lists, acl, acl, Arbitraries.of(false, true))
                    .as((xs, access, dflt, both) -> {
                        List<Xattr> out = new ArrayList<>(xs);
                        out.add(new Xattr(ACL_ACCESS, access));
                        if (both && kind == Kind.DIR) {
                            out.add(new Xattr(ACL_DEFAULT, dflt));
                        }
                        return out;
                    });
            lists = Arbitraries.frequencyOf(Tuple.of(6, lists), Tuple.of(1, withAcl));
        }
        return lists.map(TreeGenerator::fitXattrs);
    }

    /** One value per name (the last wins) and at most ~3 KiB in all, what ext4 keeps per inode. */
    static List<Xattr> fitXattrs(List<Xattr> xs) {
        Map<String, Xattr> byName = new LinkedHashMap<>();
        for (Xattr x : xs) {
            byName.put(x.name(), x);
        }
        List<Xattr> out = new ArrayList<>();
        int total = 0;
        for (Xattr x : byName.values()) {
            int cost = x.name().length() + x.value().length + 24;
            if (total + cost > 3000) {
                continue;
            }
            total += cost;
            out.add(x);
        }
        return out;
    }

    private static byte[] patternBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    // ---------------------------------------------------------------- leaves

    private static Arbitrary<Payload> leafPayload(Config c) {
        List<Tuple.Tuple2<Integer, Arbitrary<Payload>>> kinds = new ArrayList<>();
        kinds.add(Tuple.of(50, Combinators.combine(meta(c, Kind.FILE), fileData(c))
                .as((m, d) -> new Payload(Kind.FILE, m, d.size, d.regions, null, 0, 0))));
        kinds.add(Tuple.of(15, Combinators.combine(meta(c, Kind.SYMLINK), symlinkTargets(c))
                .as((m, t) -> new Payload(Kind.SYMLINK, m, 0, List.of(), t, 0, 0))));
        kinds.add(Tuple.of(5, meta(c, Kind.FIFO).map(m -> new Payload(Kind.FIFO, m, 0, List.of(), null, 0, 0))));
        kinds.add(Tuple.of(6, meta(c, Kind.SOCK).map(m -> new Payload(Kind.SOCK, m, 0, List.of(), null, 0, 0))));
        if (c.devices()) {
            Arbitrary<Long> major = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(0L, 1L, 7L, 8L, 259L, 4095L)),
                    Tuple.of(1, Arbitraries.longs().between(0, 4095)));
            Arbitrary<Long> minor = Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.of(0L, 1L, 3L, 255L, 256L, 65535L, 70000L, 1_048_575L)),
                    Tuple.of(1, Arbitraries.longs().between(0, 1_048_575)));
            for (Kind k : List.of(Kind.CHR, Kind.BLK)) {
                kinds.add(Tuple.of(4, Combinators.combine(meta(c, k), major, minor)
                        .as((m, ma, mi) -> new Payload(k, m, 0, List.of(), null, ma, mi))));
            }
        }
        return Arbitraries.frequencyOf(kinds);
    }

    /** File contents: a size and the regions written into it. */
    public record FileData(long size, List<Region> regions) {}

    /**
     * Sizes around 0, 1 and block/chunk boundaries (± 1) and random ones; dense, zero, sparse or
     * all-hole; contents random, compressible text or zeros ({@link TreeSpec#contentByte}).
     */
    public static Arbitrary<FileData> fileData(Config c) {
        int max = c.maxFileSize();
        Arbitrary<Long> boundary = Combinators.combine(Arbitraries.of(4096L, 8192L, 16384L, 32768L, 65536L, 131072L, 262144L),
                Arbitraries.of(-1L, 0L, 1L)).as((b, d) -> b + d).filter(s -> s <= max);
        Arbitrary<Long> size = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(0L, 1L)),
                Tuple.of(6, boundary),
                Tuple.of(5, Arbitraries.longs().between(0, Math.min(12_000, max))),
                Tuple.of(1, Arbitraries.longs().between(0, max)));
        Arbitrary<Long> seed = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(1L, 2L)),
                Tuple.of(2, Arbitraries.longs().between(3, Long.MAX_VALUE)),
                Tuple.of(4, Arbitraries.longs().between(-16, -1)));
        Arbitrary<String> layout = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("dense")),
                Tuple.of(1, Arbitraries.just("zeros")), Tuple.of(1, Arbitraries.just("hole")),
                Tuple.of(3, Arbitraries.just("sparse")));
        Arbitrary<List<Tuple.Tuple3<Double, Double, Long>>> pieces = Combinators.combine(
                Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1), seed)
                .as(Tuple::of).list().ofMinSize(1).ofMaxSize(3);
        return Combinators.combine(size, layout, seed, pieces).as((s, l, sd, ps) -> {
            switch (l) {
                case "dense":
                    return new FileData(s, s == 0 ? List.of() : List.of(new Region(0, (int) (long) s, sd)));
                case "zeros":
                    return new FileData(s, s == 0 ? List.of() : List.of(new Region(0, (int) (long) s, 0)));
                case "hole":
                    return new FileData(s, List.of());
                default:
                    return new FileData(s, sparse(s, ps));
            }
        });
    }

    private static List<Region> sparse(long size, List<Tuple.Tuple3<Double, Double, Long>> pieces) {
        List<Region> out = new ArrayList<>();
        long last = 0;
        for (Tuple.Tuple3<Double, Double, Long> p : pieces) {
            long start = last + (long) ((size - last) * p.get1());
            long len = (long) ((size - start) * p.get2() * 0.5);
            if (len <= 0) {
                continue;
            }
            out.add(new Region(start, (int) len, p.get3()));
            last = start + len;
        }
        return out;
    }

    /** Symlink targets: short, path-like, odd bytes, and long ones up to 4095 bytes (PATH_MAX - 1). */
    public static Arbitrary<byte[]> symlinkTargets(Config c) {
        Arbitrary<byte[]> shortT = names(c);
        Arbitrary<byte[]> pathLike = names(c).list().ofMinSize(1).ofMaxSize(4).map(parts -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    out.write('/');
                }
                out.write(parts.get(i), 0, parts.get(i).length);
            }
            byte[] b = out.toByteArray();
            return b.length > 4095 ? java.util.Arrays.copyOf(b, 4095) : b;
        });
        Arbitrary<byte[]> longT = Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(4095, 4094, 4064, 4063, 4032, 4000)),
                        Tuple.of(1, Arbitraries.of(2048, 2017)), Tuple.of(1, Arbitraries.integers().between(100, 4095))),
                Arbitraries.integers().between(0, 255)).as((n, salt) -> {
                    byte[] b = new byte[n];
                    for (int i = 0; i < n; i++) {
                        b[i] = (byte) ('a' + (i * 7 + salt) % 26);
                        if (i % 50 == 49) {
                            b[i] = '/';
                        }
                    }
                    return b;
                });
        return Arbitraries.frequencyOf(Tuple.of(4, shortT), Tuple.of(2, pathLike),
                Tuple.of(2, Arbitraries.of("../x", "/", "/dev/null", ".", "..", "a/../b/./c//d")
                        .map(TreeGenerator::utf8)),
                Tuple.of(4, longT));
    }
}
