package org.erofssim.oracle.utils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Tuple;

/**
 * One {@code mkfs.erofs} command line of the modern option space (mkfs/main.c of erofs-utils 1.9.4, and
 * the part 1.8.6 has): block sizes {@code -b512..4096}; every compressor with a level
 * ({@code -zlz4}, {@code -zlz4hc,level=N}, {@code -zlzma,level=N}, {@code -zdeflate,level=N},
 * {@code -zzstd,level=N}); {@code -C} pcluster sizes; the {@code -E} words of {@code parse_extended_opts}
 * and {@code z_erofs_mkfs_features} ({@code ztailpacking}, {@code fragments}, {@code all-fragments},
 * {@code dedupe}, {@code fragdedupe=inode|full}, {@code 48bit}, {@code dot-omitted},
 * {@code xattr-name-filter}, {@code noinline_data}, {@code force-inode-extended}); {@code --zD}
 * (compressed directories); {@code -m} (metabox); {@code --MZ} (metadata zone); {@code --chunksize} with
 * and without {@code --blobdev}; {@code --xattr-inode-digest} (per-inode digests, there is no
 * {@code -Einode-digests}); and the input: a folder, a tarball ({@code --tar=f}, {@code --tar=i}: the
 * image indexes the tar, which becomes its extra device, with 512-byte blocks) or erofs images (rebuild
 * mode: blob index, whose sources become extra devices and must be chunk-based uncompressed images, or
 * {@code --clean=data}, full data).
 *
 * <p>Options 1.8.6 lacks ({@code --zD}, {@code -m}, {@code --MZ}, {@code --xattr-inode-digest},
 * {@code -E48bit}, {@code -Edot-omitted}) are never drawn for it.
 */
public record ModernMkfsOptions(String version, Input input, int blockSize, String compressor, int level,
                                int pcluster, Set<String> extended, boolean compressDirs, int metabox,
                                boolean metadataZone, int chunkBytes, boolean blobdev, boolean inodeDigest,
                                boolean fixedTime) {

    /** A UUID for reproducible images. */
    public static final String UUID = MkfsOptions.DEFAULT_UUID;

    /** Where the tree comes from. */
    public enum Input {
        /** A folder. */
        DIR,
        /** A tarball, {@code --tar=f}: data copied into the image. */
        TAR_FULL,
        /** A tarball, {@code --tar=i}: the image indexes the tar, its extra device. */
        TAR_INDEX,
        /** An erofs image made from the folder first (chunk-based, uncompressed), rebuilt as a blob index. */
        REBUILD_BLOBS,
        /** An erofs image made from the folder first (uncompressed), rebuilt with {@code --clean=data}. */
        REBUILD_DATA;

        public boolean tar() {
            return this == TAR_FULL || this == TAR_INDEX;
        }

        public boolean rebuild() {
            return this == REBUILD_BLOBS || this == REBUILD_DATA;
        }
    }

    public ModernMkfsOptions {
        extended = Set.copyOf(new LinkedHashSet<>(extended));
    }

    public boolean compressed() {
        return compressor != null;
    }

    /** The block size the image gets: {@code --tar=i} without a map file forces 512 bytes. */
    public int effectiveBlockSize() {
        return input == Input.TAR_INDEX ? 512 : blockSize;
    }

    /**
     * The options of the final mkfs run (without image and source), in a stable order; {@code blob} is the
     * {@code --blobdev} file where {@link #blobdev} is set.
     */
    public List<String> args(Path blob) {
        List<String> a = new ArrayList<>();
        a.add("--quiet");
        if (fixedTime) {
            a.add("-T0");
        }
        a.add("-U" + UUID);
        if (!input.rebuild()) {
            a.add("-b" + blockSize);
        }
        if (compressor != null) {
            a.add("-z" + compressor + (level >= 0 ? ",level=" + level : ""));
        }
        if (pcluster > 0) {
            a.add("-C" + pcluster);
        }
        if (!extended.isEmpty()) {
            a.add("-E" + String.join(",", extended.stream().sorted().toList()));
        }
        if (compressDirs) {
            a.add("--zD");
        }
        if (metabox > 0) {
            a.add("-m" + metabox);
        }
        if (metadataZone) {
            a.add("--MZ");
        }
        if (chunkBytes > 0) {
            a.add("--chunksize=" + chunkBytes);
        }
        if (blobdev) {
            a.add("--blobdev=" + blob);
        }
        if (inodeDigest) {
            a.add("--xattr-inode-digest");
        }
        switch (input) {
            case TAR_FULL -> a.add("--tar=f");
            case TAR_INDEX -> a.add("--tar=i");
            case REBUILD_DATA -> a.add("--clean=data");
            default -> { }
        }
        return a;
    }

    /** The options of the first run that makes the rebuild source image (uncompressed; chunks for a blob index). */
    public List<String> sourceImageArgs() {
        List<String> a = new ArrayList<>(List.of("--quiet", "-T0", "-U" + UUID, "-b" + blockSize));
        if (input == Input.REBUILD_BLOBS) {
            a.add("--chunksize=" + Math.max(blockSize, 4096));
        }
        return a;
    }

    /** Labels for statistics: one per option reached. */
    public List<String> labels() {
        List<String> l = new ArrayList<>();
        l.add("mkfs " + version);
        l.add("input " + input.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        l.add("-b" + effectiveBlockSize());
        l.add(compressor == null ? "uncompressed" : "-z" + compressor + (level >= 0 ? " with level" : ""));
        if (compressor != null && compressor.startsWith("lz4") && effectiveBlockSize() < 4096) {
            l.add("lz4/lz4hc with sub-page blocks");
        }
        if (pcluster > 0) {
            l.add("-C");
        }
        for (String e : extended) {
            l.add("-E" + (e.startsWith("fragdedupe") ? e : e.replaceAll("=.*", "")));
        }
        if (compressDirs) {
            l.add("--zD");
        }
        if (metabox > 0) {
            l.add("-m");
        }
        if (metadataZone) {
            l.add("--MZ");
        }
        if (chunkBytes > 0) {
            l.add("--chunksize");
        }
        if (blobdev) {
            l.add("--blobdev");
        }
        if (inodeDigest) {
            l.add("--xattr-inode-digest");
        }
        return l;
    }

    /** Every label a run of {@link #arbitrary} with 1.9.4 is expected to reach. */
    public static final List<String> REQUIRED_LABELS = List.of("input dir", "input tar full", "input tar index",
            "input rebuild blobs", "input rebuild data", "-b512", "-b1024", "-b2048", "-b4096", "uncompressed",
            "-zlz4", "-zlz4hc with level", "lz4/lz4hc with sub-page blocks", "-zlzma with level", "-zdeflate with level", "-zzstd with level", "-C",
            "-Eztailpacking", "-Efragments", "-Eall-fragments", "-Ededupe", "-Efragdedupe=inode",
            "-Efragdedupe=full", "-E48bit", "-Edot-omitted", "-Exattr-name-filter", "--zD", "-m", "--chunksize",
            "--xattr-inode-digest");

    /** The command line a person can paste ({@code IMAGE SOURCE} at the end). */
    @Override public String toString() {
        String src = switch (input) {
            case DIR -> "DIR";
            case TAR_FULL, TAR_INDEX -> "TREE.tar";
            case REBUILD_BLOBS, REBUILD_DATA -> "SOURCE.erofs  (SOURCE.erofs: mkfs.erofs "
                    + String.join(" ", sourceImageArgs()) + " SOURCE.erofs DIR)";
        };
        return "mkfs.erofs(" + version + ") " + String.join(" ", args(Path.of("BLOB"))) + " IMAGE " + src;
    }

    // ---------------------------------------------------------------- arbitraries

    /** The modern option space; {@code versions} are the builds to draw from (the first is the main one). */
    public static Arbitrary<ModernMkfsOptions> arbitrary(List<String> versions) {
        Arbitrary<String> version = versions.size() == 1 ? Arbitraries.just(versions.get(0))
                : Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(versions.get(0))),
                        Tuple.of(1, Arbitraries.of(versions.subList(1, versions.size()))));
        Arbitrary<Input> input = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just(Input.DIR)),
                Tuple.of(2, Arbitraries.just(Input.TAR_FULL)), Tuple.of(1, Arbitraries.just(Input.TAR_INDEX)),
                Tuple.of(1, Arbitraries.just(Input.REBUILD_BLOBS)), Tuple.of(1, Arbitraries.just(Input.REBUILD_DATA)));
        Arbitrary<Integer> block = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of(512, 1024, 2048)),
                Tuple.of(2, Arbitraries.just(4096)));
        Arbitrary<String> comp = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just("none")),
                Tuple.of(5, Arbitraries.of("lz4", "lz4hc", "lzma", "deflate", "zstd")));
        Arbitrary<Integer> levelPick = Arbitraries.integers().between(0, 1000);
        Arbitrary<Integer> pclusterBlocks = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.of(1, 2, 4, 16, 64)));
        Arbitrary<Set<String>> ext = Arbitraries.of("ztailpacking", "fragments", "all-fragments", "dedupe",
                "fragdedupe=inode", "fragdedupe=full", "48bit", "dot-omitted", "xattr-name-filter", "noinline_data",
                "force-inode-extended").set().ofMaxSize(5);
        Arbitrary<Boolean> rare = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true)));
        Arbitrary<Integer> chunkBlocks = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.of(1, 8, 64, 2048)));
        return Builders.withBuilder(Draft::new)
                .use(version).inSetter((d, v) -> d.version = v)
                .use(input).inSetter((d, v) -> d.input = v)
                .use(block).inSetter((d, v) -> d.block = v)
                .use(comp).inSetter((d, v) -> d.comp = v)
                .use(levelPick).inSetter((d, v) -> d.levelPick = v)
                .use(pclusterBlocks).inSetter((d, v) -> d.pclusterBlocks = v)
                .use(ext).inSetter((d, v) -> d.ext = v)
                .use(rare).inSetter((d, v) -> d.zD = v)
                .use(rare).inSetter((d, v) -> d.metabox = v)
                .use(rare).inSetter((d, v) -> d.mz = v)
                .use(chunkBlocks).inSetter((d, v) -> d.chunkBlocks = v)
                .use(rare).inSetter((d, v) -> d.blob = v)
                .use(rare).inSetter((d, v) -> d.digest = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.fixedTime = v)
                .build(Draft::toOptions);
    }

    /** Mutable draft; {@link #toOptions} keeps to what the drawn release knows and the input allows. */
    private static final class Draft {
        String version;
        Input input;
        int block;
        String comp;
        int levelPick;
        int pclusterBlocks;
        Set<String> ext;
        boolean zD;
        boolean metabox;
        boolean mz;
        int chunkBlocks;
        boolean blob;
        boolean digest;
        boolean fixedTime;

        ModernMkfsOptions toOptions() {
            boolean v19 = version.startsWith("1.9");
            String c = "none".equals(comp) ? null : comp;
            int level = -1;
            if (c != null && levelPick % 3 != 0) { // a level two times in three
                level = switch (c) {
                    case "lz4hc" -> levelPick % 13;
                    case "lzma" -> levelPick % 2 == 0 ? levelPick % 10 : 100 + levelPick % 10;
                    case "deflate" -> levelPick % 10;
                    case "zstd" -> levelPick % 23;
                    default -> -1;
                };
            }
            Set<String> e = new LinkedHashSet<>(ext);
            if (e.contains("fragdedupe=inode") && e.contains("fragdedupe=full")) {
                e.remove("fragdedupe=full");
            }
            if (!v19) {
                e.remove("48bit");
                e.remove("dot-omitted");
            }
            boolean chunked = chunkBlocks > 0;
            int pcluster = c != null ? pclusterBlocks * block : 0;
            // the metabox's pcluster may not exceed the image's (-C, else one block): "pcluster size (N blocks)
            // for metabox inode exceeds maximum"
            return new ModernMkfsOptions(version, input, block, c, level, pcluster, e,
                    v19 && zD, v19 && metabox ? Math.max(block, pcluster) : 0, v19 && mz, chunked ? chunkBlocks * Math.max(block, 4096) : 0,
                    chunked && blob && input == Input.DIR, v19 && digest, fixedTime);
        }
    }
}
