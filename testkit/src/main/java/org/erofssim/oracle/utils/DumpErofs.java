package org.erofssim.oracle.utils;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.tools.ErofsUtils;

/**
 * {@code dump.erofs} (erofs-utils 1.5, dump/main.c) run and parsed: {@code -s} (superblock),
 * {@code -S} (statistics), {@code --nid=N} with {@code --ls} and {@code -e} (one inode, its
 * directory entries, its extents).
 *
 * <p>What 1.5 prints and what it does not: {@code -s} has magic, blocks (the primary's
 * {@code blocks} plus every device slot's {@code blocks}), meta and xattr start blocks, the 16-bit
 * root nid, inode count, build time ({@code ctime()} of {@code build_time}; seconds only), the
 * features it knows ({@code sb_csum mtime 0padding big_pcluster chunked_file device_table}) and
 * the UUID; nothing else of the superblock. An inode shows size, on-disk size, type, nid,
 * links, data layout, inode/extent/xattr sizes, uid, gid, {@code mode & 0777} (no setuid,
 * setgid or sticky) and mtime with nanoseconds; no xattr names or values, no rdev, no symlink
 * target. dump.erofs exits 0 even when it cannot read an inode; the parsers below throw then.
 *
 * <p>The parsers read every output generation ({@link Format}), checked on text captured from each
 * ({@code properties/src/test/resources/dump-erofs/}) and on live runs of each build present
 * ({@code DumpErofsGenerationsTest}): 1.5; 1.8 ({@code -s} adds {@code blocksize},
 * {@code lz4_max_distance} and {@code sb_size} lines and prints the later feature names; an inode block
 * starts {@code Path :} and has no {@code Extent size}); 1.9 (the features split into
 * {@code compatible features} and {@code incompatible features}, bit 0x01 printed {@code lz4_0padding},
 * and a {@code Required upstream Linux kernel version} line). {@code -S}, {@code --ls} and {@code -e} print
 * the same in all three.
 */
public final class DumpErofs {
    private DumpErofs() {}

    /** A dump.erofs answer that is not what 1.5 prints for a readable image. */
    public static final class DumpFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DumpFailed(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- -s

    /** The generation of dump.erofs output a text comes from. */
    public enum Format {
        /** erofs-utils 1.5: one {@code features} line, no {@code blocksize}. */
        V1_5,
        /** erofs-utils 1.8: one {@code features} line with the later names, a {@code blocksize} line. */
        V1_8,
        /** erofs-utils 1.9: {@code compatible features} and {@code incompatible features} lines. */
        V1_9
    }

    /**
     * {@code dump.erofs -s}. {@code created} is the build time in seconds (parsed in UTC). {@code features}
     * are the words as printed, compatible ones first ({@code 0padding} in 1.5 and 1.8 is
     * {@code lz4_0padding} in 1.9); {@code blockSize} is -1 where the output has no {@code blocksize} line
     * (1.5); {@code format} says which generation printed it.
     */
    public record SuperblockInfo(long magic, long blocks, long metaBlkaddr, long xattrBlkaddr, long rootNid,
                                 long inos, long created, List<String> features, String uuid, long blockSize,
                                 Format format) {
        /** A 1.5 answer (no block size). */
        public SuperblockInfo(long magic, long blocks, long metaBlkaddr, long xattrBlkaddr, long rootNid, long inos,
                              long created, List<String> features, String uuid) {
            this(magic, blocks, metaBlkaddr, xattrBlkaddr, rootNid, inos, created, features, uuid, -1, Format.V1_5);
        }
    }

    public static SuperblockInfo superblock(Path image, Collection<Path> devices) {
        UtilsProcess.Result r = UtilsProcess.run(ErofsUtils.DUMP, args(devices, "-s", image.toString()));
        if (!r.ok()) {
            throw new DumpFailed(r.command() + " exited " + r.exitCode() + ": " + r.err().strip());
        }
        return parseSuperblock(r.out());
    }

    /** {@code dump.erofs -s -S}: the superblock and the statistics from one run. */
    public record Summary(SuperblockInfo superblock, Stats stats) {}

    public static Summary summary(Path image, Collection<Path> devices) {
        UtilsProcess.Result r = UtilsProcess.run(ErofsUtils.DUMP, args(devices, "-s", "-S", image.toString()));
        if (!r.ok() || r.err().contains("<E>")) {
            throw new DumpFailed(r.command() + " exited " + r.exitCode() + ": " + r.err().strip());
        }
        return new Summary(parseSuperblock(r.out()), parseStats(r.out()));
    }

    /** ctime(3) in the C locale: {@code "Thu Jan  1 00:00:00 1970"}. */
    static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    public static SuperblockInfo parseSuperblock(String text) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("Filesystem ") && colon > 0) {
                f.put(line.substring("Filesystem ".length(), colon), line.substring(colon + 1).strip());
            }
        }
        String magic = need(f, "magic number", text);
        if (!magic.startsWith("0x")) {
            throw new DumpFailed("magic not hex: " + magic);
        }
        String created = need(f, "created", text);
        long createdSec;
        try {
            createdSec = LocalDateTime.parse(created, CTIME).toEpochSecond(ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            throw new DumpFailed("unparsable build time '" + created + "'");
        }
        Format format;
        List<String> features = new ArrayList<>();
        if (f.containsKey("compatible features") || f.containsKey("incompatible features")) {
            format = Format.V1_9;
            words(need(f, "compatible features", text), features);
            words(need(f, "incompatible features", text), features);
        } else {
            format = f.containsKey("blocksize") ? Format.V1_8 : Format.V1_5;
            words(need(f, "features", text), features);
        }
        return new SuperblockInfo(Long.parseLong(magic.substring(2), 16), num(need(f, "blocks", text)),
                num(need(f, "inode metadata start block", text)), num(need(f, "shared xattr metadata start block", text)),
                num(need(f, "root nid", text)), num(need(f, "inode count", text)), createdSec,
                List.copyOf(features), need(f, "UUID", text),
                f.containsKey("blocksize") ? num(f.get("blocksize")) : -1, format);
    }

    private static void words(String line, List<String> into) {
        for (String w : line.strip().split("\\s+")) {
            if (!w.isEmpty()) {
                into.add(w);
            }
        }
    }

    private static String need(Map<String, String> f, String key, String text) {
        String v = f.get(key);
        if (v == null) {
            throw new DumpFailed("no 'Filesystem " + key + "' line in: " + text.strip());
        }
        return v;
    }

    private static long num(String s) {
        try {
            return Long.parseUnsignedLong(s.strip());
        } catch (NumberFormatException e) {
            throw new DumpFailed("not a number: '" + s + "'");
        }
    }

    // ---------------------------------------------------------------- -S

    /**
     * {@code dump.erofs -S}: entry counts per type (one per directory entry reached from the root,
     * the root included, so a file with two names counts twice) and byte totals.
     */
    public record Stats(long files, long unknown, long regular, long directories, long charDevs, long blockDevs,
                        long fifos, long sockets, long symlinks, long compressedFiles, long uncompressedFiles,
                        long originalBytes, long storedBytes) {}

    public static Stats stats(Path image, Collection<Path> devices) {
        UtilsProcess.Result r = UtilsProcess.run(ErofsUtils.DUMP, args(devices, "-S", image.toString()));
        if (!r.ok()) {
            throw new DumpFailed(r.command() + " exited " + r.exitCode() + ": " + r.err().strip());
        }
        return parseStats(r.out());
    }

    public static Stats parseStats(String text) {
        Map<String, Long> v = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^Filesystem ([a-zA-Z ]+?):\\s+(\\d+)").matcher(text);
        while (m.find()) {
            v.put(m.group(1).strip(), Long.parseLong(m.group(2)));
        }
        return new Stats(stat(v, "total file count", text), stat(v, "unknown type count", text),
                stat(v, "regular file count", text), stat(v, "directory count", text), stat(v, "char dev count", text),
                stat(v, "block dev count", text), stat(v, "FIFO file count", text), stat(v, "SOCK file count", text),
                stat(v, "symlink file count", text), stat(v, "compressed files", text),
                stat(v, "uncompressed files", text), stat(v, "total original file size", text),
                stat(v, "total file size", text));
    }

    private static long stat(Map<String, Long> v, String key, String text) {
        Long n = v.get(key);
        if (n == null) {
            throw new DumpFailed("no 'Filesystem " + key + "' in -S output: " + text.strip());
        }
        return n;
    }

    // ---------------------------------------------------------------- --nid

    /** One line of {@code --ls}: nid, the dirent's file type (EROFS_FT_*), name bytes. */
    public record Dirent(long nid, int fileType, byte[] name) {
        @Override public String toString() {
            return nid + " " + fileType + " " + Names.escape(name);
        }

        @Override public boolean equals(Object o) {
            return o instanceof Dirent d && d.nid == nid && d.fileType == fileType && Arrays.equals(d.name, name);
        }

        @Override public int hashCode() {
            return Long.hashCode(nid) * 31 + Arrays.hashCode(name);
        }
    }

    /** One line of {@code -e}: logical and physical byte ranges; device 0 is the primary. */
    public record Extent(long logical, long logicalEnd, long length, long physical, long physicalEnd, long physicalLength,
                         int device) {}

    /**
     * One inode as {@code --nid} shows it. {@code type} is dump's word ({@code regular file},
     * {@code directory}, {@code symlink file}, {@code char dev}, {@code block dev}, {@code FIFO file},
     * {@code SOCK file}); {@code access} is {@code mode & 0777}. {@code dirents} and {@code extents}
     * are empty unless asked for. {@code extentSize} is -1 where the output has none (1.8 and 1.9
     * dropped the {@code Extent size} field).
     */
    public record InodeInfo(long size, long onDiskSize, String type, long nid, long links, int layout,
                            int inodeSize, long extentSize, long xattrSize, long uid, long gid, int access,
                            long mtime, int mtimeNsec, List<Dirent> dirents, List<Extent> extents) {}

    /**
     * {@code dump.erofs --nid=N [--ls] [-e]}. {@code expectedNames} helps split the listing where a
     * name holds a newline (1.5 prints names raw, one per line): a line is cut after the longest
     * expected name it starts with; may be empty.
     */
    public static InodeInfo inode(Path image, Collection<Path> devices, long nid, boolean ls, boolean extents,
                                  Collection<byte[]> expectedNames) {
        List<String> a = new ArrayList<>();
        a.add("--nid=" + nid);
        if (ls) {
            a.add("--ls");
        }
        if (extents) {
            a.add("-e");
        }
        a.add(image.toString());
        UtilsProcess.Result r = UtilsProcess.run(ErofsUtils.DUMP, args(devices, a.toArray(new String[0])));
        if (!r.ok() || r.err().contains("<E>")) {
            throw new DumpFailed(r.command() + " exited " + r.exitCode() + ": " + r.err().strip());
        }
        return parseInode(r.outLatin1(), expectedNames);
    }

    /** {@code dump.erofs --path=P [--ls]}: the inode a path names (P must be valid UTF-8 here). */
    public static InodeInfo inodeAt(Path image, Collection<Path> devices, String path, boolean ls) {
        List<String> a = new ArrayList<>();
        a.add("--path=" + path);
        if (ls) {
            a.add("--ls");
        }
        a.add(image.toString());
        UtilsProcess.Result r = UtilsProcess.run(ErofsUtils.DUMP, args(devices, a.toArray(new String[0])));
        if (!r.ok() || r.err().contains("<E>")) {
            throw new DumpFailed(r.command() + " exited " + r.exitCode() + ": " + r.err().strip());
        }
        return parseInode(r.outLatin1(), List.of());
    }

    /**
     * {@link #inode} for many nids in one go: one {@code /bin/sh} loop runs dump.erofs per nid
     * (a JVM process start costs ~10 ms here, a dump.erofs run ~1 ms). {@code expectedNames} per
     * nid as in {@link #inode}.
     */
    public static Map<Long, InodeInfo> inodes(Path image, Collection<Path> devices, Collection<Long> nids, boolean ls,
                                              Map<Long, ? extends Collection<byte[]>> expectedNames) {
        Map<Long, InodeInfo> out = new LinkedHashMap<>();
        if (nids.isEmpty()) {
            return out;
        }
        String dump = ErofsUtils.find(ErofsUtils.DUMP).orElseThrow(() -> new IllegalStateException("dump.erofs not found"))
                .toString();
        StringBuilder cmd = new StringBuilder(shellQuote(dump));
        for (Path d : devices) {
            cmd.append(' ').append(shellQuote("--device=" + d));
        }
        StringBuilder script = new StringBuilder("img=\"$1\"; shift; for n in \"$@\"; do printf '\\000NID %s\\000\\n' \"$n\"; ")
                .append(cmd).append(" --nid=\"$n\"").append(ls ? " --ls" : "").append(" \"$img\" 2>&1; done");
        List<String> args = new ArrayList<>(List.of("-c", script.toString(), "sh", image.toString()));
        for (Long n : nids) {
            args.add(Long.toString(n));
        }
        UtilsProcess.Result r = UtilsProcess.runProgram("/bin/sh", args, Map.of());
        if (!r.ok()) {
            throw new DumpFailed("dump.erofs batch exited " + r.exitCode() + ": " + r.err().strip());
        }
        String all = r.outLatin1();
        String[] parts = all.split("\u0000NID ", -1);
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int end = p.indexOf('\u0000');
            long nid = Long.parseLong(p.substring(0, end));
            String body = p.substring(end + 2);
            if (body.contains("<E>")) {
                throw new DumpFailed("dump.erofs --nid=" + nid + ": " + body.strip());
            }
            out.put(nid, parseInode(body, expectedNames.containsKey(nid) ? expectedNames.get(nid) : List.of()));
        }
        if (out.size() != new java.util.HashSet<>(nids).size()) {
            throw new DumpFailed("dump.erofs batch answered for " + out.keySet() + ", asked " + nids);
        }
        return out;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static final Pattern INODE = Pattern.compile(
            "\nSize: (\\d+)  On-disk size: (\\d+)  ([A-Za-z ]+)\n"
                    + "NID: (\\d+)   Links: (\\d+)   Layout: (-?\\d+)   Compression ratio: [^\n]*\n"
                    + "Inode size: (\\d+)   (?:Extent size: (\\d+)   )?Xattr size: (\\d+)\n"
                    + "Uid: (\\d+)   Gid: (\\d+)  Access: ([0-7]{4})/[-rwx]{9}\n"
                    + "Timestamp: (-?\\d+)-(\\d\\d)-(\\d\\d) (\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{9})\n");
    private static final String DIRENT_HEAD = "\n       NID TYPE  FILENAME\n";
    private static final Pattern DIRENT = Pattern.compile("\\G *(\\d+) {4}(\\d+)  ");
    private static final Pattern EXTENT = Pattern.compile(
            "(?m)^ *(\\d+): +(\\d+)\\.\\. *(\\d+) \\| *(\\d+) : +(\\d+)\\.\\. *(\\d+) \\| *(\\d+)(?:  # device (\\d+))?$");

    /** Parses {@code --nid} output given as ISO-8859-1 text (one char per byte). */
    public static InodeInfo parseInode(String latin1, Collection<byte[]> expectedNames) {
        Matcher m = INODE.matcher(latin1);
        // the "File : <path>" line before may hold anything; take the last block that matches
        java.util.regex.MatchResult last = null;
        while (m.find()) {
            last = m.toMatchResult();
        }
        if (last == null) {
            throw new DumpFailed("no inode block in: " + latin1.strip());
        }
        int end = last.end();
        long mtime = LocalDateTime.of(Integer.parseInt(last.group(13)), Integer.parseInt(last.group(14)),
                Integer.parseInt(last.group(15)), Integer.parseInt(last.group(16)), Integer.parseInt(last.group(17)),
                Integer.parseInt(last.group(18))).toEpochSecond(ZoneOffset.UTC);
        List<Dirent> dirents = new ArrayList<>();
        String rest = latin1.substring(end);
        int extentsFrom = 0;
        if (rest.startsWith(DIRENT_HEAD)) {
            int pos = DIRENT_HEAD.length();
            Matcher d = DIRENT.matcher(rest);
            while (pos < rest.length() && d.find(pos) && d.start() == pos) {
                int nameStart = d.end();
                int nameEnd = nameEnd(rest, nameStart, expectedNames);
                dirents.add(new Dirent(Long.parseLong(d.group(1)), Integer.parseInt(d.group(2)),
                        rest.substring(nameStart, nameEnd).getBytes(StandardCharsets.ISO_8859_1)));
                pos = nameEnd + 1;
            }
            extentsFrom = pos;
        }
        List<Extent> extents = new ArrayList<>();
        Matcher e = EXTENT.matcher(rest);
        e.region(Math.min(extentsFrom, rest.length()), rest.length());
        while (e.find()) {
            extents.add(new Extent(Long.parseLong(e.group(2)), Long.parseLong(e.group(3)), Long.parseLong(e.group(4)),
                    Long.parseLong(e.group(5)), Long.parseLong(e.group(6)), Long.parseLong(e.group(7)),
                    e.group(8) == null ? 0 : Integer.parseInt(e.group(8))));
        }
        return new InodeInfo(Long.parseLong(last.group(1)), Long.parseLong(last.group(2)), last.group(3),
                Long.parseLong(last.group(4)), Long.parseLong(last.group(5)), Integer.parseInt(last.group(6)),
                Integer.parseInt(last.group(7)), last.group(8) == null ? -1 : Long.parseLong(last.group(8)),
                Long.parseLong(last.group(9)),
                Long.parseLong(last.group(10)), Long.parseLong(last.group(11)), Integer.parseInt(last.group(12), 8),
                mtime, Integer.parseInt(last.group(19)), dirents, extents);
    }

    /** Where the name starting at {@code from} ends: after the longest expected name there, else at the newline. */
    private static int nameEnd(String body, int from, Collection<byte[]> expected) {
        int best = -1;
        for (byte[] n : expected) {
            String s = new String(n, StandardCharsets.ISO_8859_1);
            int e = from + s.length();
            if (e < body.length() && body.charAt(e) == '\n' && body.startsWith(s, from) && e > best) {
                best = e;
            }
        }
        if (best >= 0) {
            return best;
        }
        int nl = body.indexOf('\n', from);
        return nl < 0 ? body.length() : nl;
    }

    private static List<String> args(Collection<Path> devices, String... rest) {
        List<String> a = new ArrayList<>();
        for (Path d : devices) {
            a.add("--device=" + d);
        }
        a.addAll(List.of(rest));
        return a;
    }
}
