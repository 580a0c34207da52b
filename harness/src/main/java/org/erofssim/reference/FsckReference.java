package org.erofssim.reference;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.tools.ErofsUtils;
import org.erofssim.tools.HostTools;

/**
 * erofs-utils as a reference: {@code fsck.erofs --extract} run on the scenario's image, its
 * answer ({@link FsckAnswer}: accepted or not, and the extracted tree) compared with the model's
 * outcome on the fields fsck.erofs can speak for ({@link Comparison#FSCK_IMAGE}), the model on the
 * scenario's own profile. Needs no root, but an image holding device nodes extracts only as root
 * (otherwise that scenario is unchecked, with the reason).
 *
 * <p>Which fsck.erofs: that of the erofs-utils build in {@code dir} (its {@code bin/fsck.erofs};
 * {@code --utils-dir DIR} at the command line, else {@code EROFSSIM_EROFS_UTILS} as {@code .ci/run}
 * sets it for the pinned 1.9.4 build), else the one on {@code PATH} (1.5 on bookworm). Its
 * identity is {@code erofs-utils <version>}, the version {@code fsck.erofs -V} prints.
 *
 * <p><b>Refused</b> (before anything runs), because the outcome there turns on what only the
 * kernel sees: no source, or a source that is not a regular file or block device holding an
 * image (the kernel's mount path decides those); a file on a filesystem other than ext4, ramfs
 * or erofs (no {@code read_folio}: the kernel refuses the file); a block device with DAX,
 * {@code nodev} or a logical block size other than 512; earlier mounts; a scenario that sets a
 * CONFIG symbol otherwise than its profile; any mount option but {@code device=PATH} (given to
 * fsck.erofs as {@code --device=}, in order) and those that change neither whether the kernel
 * accepts the image nor the tree's paths, types, sizes and contents ({@link #NEUTRAL_OPTIONS},
 * and {@code directio} on a file); and a scenario that does not read its tree ({@code "read":
 * false}: the model's outcome then does not say whether every file reads back, which is what
 * fsck.erofs checks).
 *
 * <p><b>Refused after running</b>, because fsck.erofs says it is too old for the image rather
 * than that the image is bad: {@code unidentified incompatible feature}, {@code unknown
 * compression format}, {@code ... is not supported yet} (1.5 on an xattr_isize of 12), and a decompression that fails with {@code Operation not supported} (an
 * algorithm this build has no decompressor for). Those are erofs-utils 1.5's answers on DEFLATE,
 * ZSTD, LZMA (bookworm builds 1.5 without liblzma), 48-bit and long-xattr-prefix images, which
 * the kernel reads; the reason names the line.
 */
public final class FsckReference implements Reference {
    /** Options that change neither acceptance nor the compared fields (they steer caching, xattr and ACL handlers). */
    static final Set<String> NEUTRAL_OPTIONS = Set.of("acl", "noacl", "user_xattr", "nouser_xattr",
            "cache_strategy=disabled", "cache_strategy=readahead", "cache_strategy=readaround");

    /** fsck.erofs's lines that say it cannot decode the image, not that the image is bad. */
    private static final List<String> TOO_OLD = List.of("unidentified incompatible feature", "unknown compression format",
            "Operation not supported", "is not supported yet");

    private static final long TIMEOUT_SECONDS = 120;

    private final String tool;
    private final String unavailable;
    private final Identity id;

    private FsckReference(String tool, String version, String unavailable) {
        this.tool = tool;
        this.unavailable = unavailable;
        this.id = new Identity(Identity.Kind.UTILS, version);
    }

    /**
     * The fsck.erofs of the build in {@code dir} when given, else of {@code EROFSSIM_EROFS_UTILS}
     * when set, else the one on {@code PATH}; when none runs, a reference whose
     * {@link #unavailable()} says why.
     */
    public static FsckReference find(Path dir) {
        Path build = dir;
        if (build == null) {
            String env = System.getenv("EROFSSIM_EROFS_UTILS");
            build = env == null || env.isBlank() ? null : Path.of(env);
        }
        return build != null ? inBuild(build) : onPath();
    }

    /** The fsck.erofs on {@code PATH} (the system's erofs-utils), whatever {@code EROFSSIM_EROFS_UTILS} says. */
    public static FsckReference onPath() {
        return at(null);
    }

    /** The fsck.erofs of the erofs-utils build in {@code dir} (its {@code bin/}). */
    public static FsckReference inBuild(Path dir) {
        return at(java.util.Objects.requireNonNull(dir, "dir"));
    }

    private static FsckReference at(Path build) {
        HostTools.declared(ErofsUtils.FSCK);
        String tool;
        if (build != null) {
            Path p = build.resolve("bin").resolve(ErofsUtils.FSCK);
            if (!Files.isExecutable(p)) {
                return new FsckReference(null, null, "no fsck.erofs in the erofs-utils build " + build
                        + " (build it with .ci/build-erofs-utils)");
            }
            tool = p.toString();
        } else {
            Optional<Path> p = ErofsUtils.find(ErofsUtils.FSCK);
            if (p.isEmpty()) {
                return new FsckReference(null, null, HostTools.missingLine(HostTools.declared(ErofsUtils.FSCK)));
            }
            tool = ErofsUtils.FSCK;
        }
        ErofsUtils.Run v;
        try {
            v = ErofsUtils.run(tool, List.of("-V"), 30);
        } catch (RuntimeException e) {
            return new FsckReference(null, null, tool + " -V: " + e.getMessage());
        }
        String version = version(v.stdout() + "\n" + v.stderr());
        if (v.exitCode() != 0 || version == null) {
            return new FsckReference(null, null, tool + " -V printed no version (exit " + v.exitCode() + ")");
        }
        return new FsckReference(tool, version, null);
    }

    /** The version in {@code fsck.erofs 1.5} or {@code fsck.erofs (erofs-utils) 1.9.4}, or null. */
    static String version(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("fsck\\.erofs(?: \\(erofs-utils\\))? v?([0-9][0-9A-Za-z.+~-]*)")
                .matcher(text);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public Identity identity() {
        return id;
    }

    @Override
    public Comparison comparison() {
        return Comparison.FSCK_IMAGE;
    }

    /** The scenario's own profile: fsck.erofs is no kernel release. */
    @Override
    public Optional<KernelProfile> profile(Scenario s) {
        return Optional.of(s.kernel().profile());
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(unavailable);
    }

    @Override
    public Optional<String> refuses(Case c) {
        return Optional.ofNullable(refusal(c.scenario()));
    }

    /** Why fsck.erofs cannot speak for this scenario's outcome (see the class comment), or null. */
    static String refusal(Scenario s) {
        if (!s.before().isEmpty()) {
            return "earlier mounts: how mount(2) treats a mounted source is the kernel's";
        }
        if (!s.read()) {
            return "the scenario does not read its tree (\"read\": false), so the model's outcome does not say"
                    + " whether every file reads back, which is what fsck.erofs checks";
        }
        KernelProfile p = s.kernel().profile();
        for (var e : new TreeMap<>(s.kernel().config()).entrySet()) {
            if (!e.getValue().equals(p.defaultConfig().get(e.getKey()))) {
                return "the scenario sets CONFIG_" + e.getKey().symbol() + "=" + (e.getValue() ? "y" : "n")
                        + ": a kernel build option fsck.erofs does not have";
            }
        }
        String why = imageRefusal(s, s.source(), "source");
        if (why != null) {
            return why;
        }
        if (s.options() != null && !s.options().isEmpty()) {
            for (String part : s.options().split(",", -1)) {
                if (part.startsWith("device=")) {
                    why = imageRefusal(s, part.substring("device=".length()), "device=");
                    if (why != null) {
                        return why;
                    }
                } else if (!NEUTRAL_OPTIONS.contains(part)
                        && !(part.equals("directio") && node(s, s.source()) instanceof Node.RegularFile)) {
                    return "mount option '" + part + "' is interpreted by the kernel only";
                }
            }
        }
        return null;
    }

    private static String imageRefusal(Scenario s, String path, String what) {
        if (path == null || path.isEmpty()) {
            return "no " + what + ": whether mount(2) takes none is the kernel's";
        }
        if (path.startsWith(VirtualNamespace.FSCACHE_PREFIX)) {
            return what + " " + path + " is an fscache blob: fsck.erofs reads files only";
        }
        Node n = node(s, path);
        if (n instanceof Node.RegularFile f) {
            if (f.bytes() == null) {
                return what + " " + path + " holds no image";
            }
            if (!Set.of(BackingFs.EXT4, BackingFs.RAMFS, BackingFs.EROFS, BackingFs.EROFS_BDEV).contains(f.fs())) {
                return what + " " + path + " is a file on " + f.fs().contractName() + ": whether the kernel reads"
                        + " such a file is its own";
            }
            return null;
        }
        if (n instanceof Node.BlockDevice b) {
            if (b.bytes() == null) {
                return what + " " + path + " is a block device without an image";
            }
            if (b.dax() || b.nodev() || b.logicalBlockSize() != 512) {
                return what + " " + path + " is a block device with dax, nodev or a logical block size other than"
                        + " 512: the kernel's own checks";
            }
            return null;
        }
        return what + " " + path + " is " + (n == null ? "missing" : "a " + n.kind())
                + ": whether mount(2) takes it is the kernel's mount path, which fsck.erofs does not see";
    }

    private static Node node(Scenario s, String path) {
        try {
            return s.namespace().resolve(path, true).node();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Observation observe(Case c) {
        if (unavailable != null) {
            return new Observation.Unchecked(Observation.Why.UNAVAILABLE, "erofs-utils unavailable: " + unavailable, null);
        }
        String why = refusal(c.scenario());
        if (why != null) {
            return new Observation.Unchecked(Observation.Why.REFUSED, "refused by fsck.erofs " + id.release() + ": " + why,
                    null);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("erofs-sim-fsck-");
            FsckAnswer a = run(c.scenario(), dir);
            if (!a.accepted() && a.message().contains("Operation not permitted")) {
                return new Observation.Unchecked(Observation.Why.UNAVAILABLE, "fsck.erofs " + id.release()
                        + " could not extract here (device nodes need root): " + a.message(), null);
            }
            if (!a.accepted() && TOO_OLD.stream().anyMatch(a.message()::contains)) {
                return new Observation.Unchecked(Observation.Why.REFUSED, "fsck.erofs " + id.release()
                        + " cannot decode this image (too old or built without the algorithm), which says nothing"
                        + " about the image: " + a.message(), null);
            }
            return new Observation.Checked(a);
        } catch (IOException e) {
            return new Observation.Unchecked(Observation.Why.UNAVAILABLE, "fsck.erofs: " + e.getMessage(), null);
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    /** Writes the images into {@code dir}, runs {@code fsck.erofs --extract} and reads the tree back. */
    private FsckAnswer run(Scenario s, Path dir) throws IOException {
        List<String> args = new ArrayList<>();
        if (s.options() != null) {
            int i = 0;
            for (String part : s.options().split(",", -1)) {
                if (part.startsWith("device=")) {
                    Path d = dir.resolve("device" + i++);
                    write(node(s, part.substring("device=".length())), d);
                    args.add("--device=" + d);
                }
            }
        }
        Path image = dir.resolve("image");
        write(node(s, s.source()), image);
        Path root = dir.resolve("root");
        args.add("--extract=" + root);
        args.add("--no-preserve");
        args.add(image.toString());
        ErofsUtils.Run r = ErofsUtils.run(tool, args, TIMEOUT_SECONDS);
        if (r.exitCode() != 0) {
            return new FsckAnswer(false, firstError(r.stderr() + "\n" + r.stdout(), r.exitCode()), List.of());
        }
        return new FsckAnswer(true, null, walk(root));
    }

    /** The first {@code <E>} line, without the {@code <E> erofs: } prefix, else the exit status. */
    static String firstError(String text, int exit) {
        for (String line : text.split("\n")) {
            if (line.startsWith("<E>")) {
                return line.replaceFirst("^<E>\\s*(erofs:\\s*)?", "").strip();
            }
        }
        String first = text.strip().lines().findFirst().orElse("");
        return "exit " + exit + (first.isEmpty() ? "" : ": " + first);
    }

    private static void write(Node n, Path to) throws IOException {
        ImageBytes b = n instanceof Node.RegularFile f ? f.bytes() : ((Node.BlockDevice) n).bytes();
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(to)) {
            for (long pos = 0; pos < b.size(); ) {
                int len = b.read(pos, buf, 0, (int) Math.min(buf.length, b.size() - pos));
                if (len <= 0) {
                    break;
                }
                out.write(buf, 0, len);
                pos += len;
            }
        }
    }

    /** The extracted tree, {@code /} first, then each folder's names in sorted order. */
    static List<FsckAnswer.Entry> walk(Path root) throws IOException {
        List<FsckAnswer.Entry> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                out.add(entry(root, d));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                out.add(entry(root, f));
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static FsckAnswer.Entry entry(Path root, Path p) throws IOException {
        String rel = root.relativize(p).toString();
        String path = "/" + rel;
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        String type = switch (mode & 0170000) {
            case 0100000 -> "file";
            case 0040000 -> "dir";
            case 0120000 -> "symlink";
            case 0020000 -> "chr";
            case 0060000 -> "blk";
            case 0010000 -> "fifo";
            case 0140000 -> "sock";
            default -> "unknown";
        };
        if (type.equals("file")) {
            return new FsckAnswer.Entry(path, type, Files.size(p), sha256(p), null);
        }
        if (type.equals("symlink")) {
            return new FsckAnswer.Entry(path, type, 0, null, Files.readSymbolicLink(p).toString());
        }
        return new FsckAnswer.Entry(path, type, 0, null, null);
    }

    private static String sha256(Path p) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes the private folder, never following a symlink out of it. */
    private static void delete(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                    // --no-preserve may leave a folder without write or search permission for us
                    d.toFile().setWritable(true, true);
                    d.toFile().setExecutable(true, true);
                    d.toFile().setReadable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("erofs-sim: could not remove " + dir + ": " + e.getMessage());
        }
    }
}
