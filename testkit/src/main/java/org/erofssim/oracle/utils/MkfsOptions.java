package org.erofssim.oracle.utils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Tuple;

/**
 * One {@code mkfs.erofs} command line of the erofs-utils 1.5 option space (mkfs/main.c of
 * v1.5): compression {@code -z lz4|lz4hc[,level]}, {@code -C} physical cluster size,
 * {@code -E} extended flags, {@code --chunksize}, {@code --blobdev}, {@code -x}, ownership
 * overrides, {@code --max-extent-bytes}, a fixed UUID ({@code -U}) and fixed times.
 *
 * <p>Times: {@link Timestamps#fixed} is {@code -T<t>} (every inode's mtime becomes {@code t},
 * the superblock build time {@code t}); {@link Timestamps#clamp} passes
 * {@code SOURCE_DATE_EPOCH=<t>} instead, which 1.5 turns into "keep mtimes up to {@code t},
 * clamp later ones, and force extended inodes" — both reproducible. The runner always removes
 * any {@code SOURCE_DATE_EPOCH} of its own environment.
 *
 * <p>1.5 ignores {@code -E} words it does not know (there is no {@code fragments} or
 * {@code dedupe} in 1.5; {@code -Efragments} is accepted and does nothing).
 */
public record MkfsOptions(Compression compression, int level, int pclusterBytes, Set<Extended> extended,
                          int chunkBytes, boolean blobdev, Integer xattrTolerance, Timestamps time, String uuid,
                          Owner owner, long maxExtentBytes) {

    /** A UUID for reproducible images. */
    public static final String DEFAULT_UUID = "ef7f8e04-e3c3-4cf7-98cf-1650cb0265f2";
    /** The all-zero UUID (the kernel's statfs then falls back to the device number). */
    public static final String ZERO_UUID = "00000000-0000-0000-0000-000000000000";

    public MkfsOptions {
        extended = extended.isEmpty() ? EnumSet.noneOf(Extended.class) : EnumSet.copyOf(extended);
        if (blobdev && chunkBytes == 0) {
            throw new IllegalArgumentException("--blobdev needs --chunksize (mkfs 1.5 refuses it)");
        }
    }

    /** {@code -z} algorithms of erofs-utils 1.5 as Debian builds it. */
    public enum Compression {
        NONE(null), LZ4("lz4"), LZ4HC("lz4hc");

        private final String arg;

        Compression(String arg) {
            this.arg = arg;
        }

        public String arg() {
            return arg;
        }
    }

    /** The {@code -E} words of 1.5's {@code parse_extended_opts}. */
    public enum Extended {
        LEGACY_COMPRESS("legacy-compress"),
        FORCE_INODE_COMPACT("force-inode-compact"),
        FORCE_INODE_EXTENDED("force-inode-extended"),
        NOSBCRC("nosbcrc"),
        NOINLINE_DATA("noinline_data"),
        FORCE_INODE_BLOCKMAP("force-inode-blockmap"),
        FORCE_CHUNK_INDEXES("force-chunk-indexes"),
        ZTAILPACKING("ztailpacking");

        private final String word;

        Extended(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** {@code -T} (fixed) or {@code SOURCE_DATE_EPOCH} (clamp), with the time in seconds. */
    public record Timestamps(boolean fixed, long epoch) {
        public static Timestamps fixed(long t) {
            return new Timestamps(true, t);
        }

        public static Timestamps clamp(long t) {
            return new Timestamps(false, t);
        }
    }

    /** Ownership overrides: {@code --all-root}, {@code --force-uid}, {@code --force-gid} (-1: none). */
    public record Owner(boolean allRoot, long forceUid, long forceGid) {
        public static final Owner KEEP = new Owner(false, -1, -1);
    }

    /** Plain uncompressed defaults with {@code -T0 -U<DEFAULT_UUID>}. */
    public static MkfsOptions defaults() {
        return new MkfsOptions(Compression.NONE, -1, 0, Set.of(), 0, false, null, Timestamps.fixed(0),
                DEFAULT_UUID, Owner.KEEP, 0);
    }

    public boolean compressed() {
        return compression != Compression.NONE;
    }

    public boolean chunked() {
        return chunkBytes != 0;
    }

    /** Whether xattrs are written at all ({@code -x} below 0 disables them). */
    public boolean xattrsKept() {
        return xattrTolerance == null || xattrTolerance >= 0;
    }

    public MkfsOptions withChunks(int bytes, boolean blob) {
        return new MkfsOptions(compression, level, pclusterBytes, extended, bytes, blob, xattrTolerance, time, uuid,
                owner, maxExtentBytes);
    }

    public MkfsOptions withExtended(Extended... words) {
        EnumSet<Extended> e = EnumSet.noneOf(Extended.class);
        e.addAll(extended);
        e.addAll(List.of(words));
        return new MkfsOptions(compression, level, pclusterBytes, e, chunkBytes, blobdev, xattrTolerance, time, uuid,
                owner, maxExtentBytes);
    }

    public MkfsOptions withTime(Timestamps t) {
        return new MkfsOptions(compression, level, pclusterBytes, extended, chunkBytes, blobdev, xattrTolerance, t,
                uuid, owner, maxExtentBytes);
    }

    public MkfsOptions withXattrTolerance(Integer x) {
        return new MkfsOptions(compression, level, pclusterBytes, extended, chunkBytes, blobdev, x, time, uuid, owner,
                maxExtentBytes);
    }

    public MkfsOptions withCompression(Compression c, int lvl, int pcluster) {
        return new MkfsOptions(c, lvl, pcluster, extended, chunkBytes, blobdev, xattrTolerance, time, uuid, owner,
                maxExtentBytes);
    }

    /**
     * Whether erofs-utils 1.5 writes wrong data with these options: with {@code -z},
     * {@code -E ztailpacking} and {@code -E noinline_data}, a file whose compression does not save
     * a block falls back to uncompressed data, but {@code compressed_idata} stays set from the
     * ztailpacking attempt, so {@code erofs_write_tail_end} writes the tail right-aligned in its
     * block (0padding style) while the inode says FLAT_PLAIN from offset 0: the kernel, fsck.erofs
     * and the model all read zeros. The arbitraries never produce this combination.
     */
    public boolean losesUncompressedTails() {
        return compressed() && extended.contains(Extended.ZTAILPACKING) && extended.contains(Extended.NOINLINE_DATA);
    }

    /** The options (without image and source), in a stable order. */
    public List<String> args(Path blob) {
        List<String> a = new ArrayList<>();
        a.add("--quiet");
        if (time.fixed()) {
            a.add("-T" + time.epoch());
        }
        a.add("-U" + uuid);
        if (compression != Compression.NONE) {
            a.add("-z" + compression.arg() + (level >= 0 ? "," + level : ""));
        }
        if (pclusterBytes > 0) {
            a.add("-C" + pclusterBytes);
        }
        if (!extended.isEmpty()) {
            a.add("-E" + String.join(",", extended.stream().map(Extended::word).toList()));
        }
        if (chunkBytes > 0) {
            a.add("--chunksize=" + chunkBytes);
        }
        if (blobdev) {
            a.add("--blobdev=" + blob);
        }
        if (xattrTolerance != null) {
            a.add("-x" + xattrTolerance);
        }
        if (owner.allRoot()) {
            a.add("--all-root");
        }
        if (owner.forceUid() >= 0) {
            a.add("--force-uid=" + owner.forceUid());
        }
        if (owner.forceGid() >= 0) {
            a.add("--force-gid=" + owner.forceGid());
        }
        if (maxExtentBytes > 0) {
            a.add("--max-extent-bytes=" + maxExtentBytes);
        }
        return a;
    }

    /** Environment additions ({@code SOURCE_DATE_EPOCH} in clamp mode). */
    public Map<String, String> env() {
        Map<String, String> m = new LinkedHashMap<>();
        if (!time.fixed()) {
            m.put("SOURCE_DATE_EPOCH", Long.toString(time.epoch()));
        }
        return m;
    }

    /** The command line a person can paste ({@code IMAGE DIR} at the end). */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        env().forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
        sb.append("mkfs.erofs ").append(String.join(" ", args(Path.of("BLOB")))).append(" IMAGE DIR");
        return sb.toString();
    }

    // ---------------------------------------------------------------- arbitraries

    /** The whole 1.5 option space: compression included. */
    public static Arbitrary<MkfsOptions> arbitrary() {
        return options(true);
    }

    /** Uncompressed images only (plain, inline and chunk-based layouts). */
    public static Arbitrary<MkfsOptions> uncompressed() {
        return options(false);
    }

    private static Arbitrary<MkfsOptions> options(boolean compression) {
        Arbitrary<Compression> comp = compression
                ? Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(Compression.NONE)),
                        Tuple.of(2, Arbitraries.just(Compression.LZ4)), Tuple.of(2, Arbitraries.just(Compression.LZ4HC)))
                : Arbitraries.just(Compression.NONE);
        Arbitrary<Integer> level = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(-1)),
                Tuple.of(1, Arbitraries.integers().between(0, 12)));
        Arbitrary<Integer> pcluster = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.of(4096, 8192, 16384, 65536, 262144)));
        Arbitrary<Set<Extended>> ext = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Set.<Extended>of())),
                Tuple.of(3, Arbitraries.of(Extended.class).set().ofMinSize(1).ofMaxSize(4)));
        Arbitrary<Integer> chunk = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(2, Arbitraries.of(4096, 8192, 16384, 65536, 1 << 20)));
        Arbitrary<Boolean> blob = Arbitraries.of(false, true);
        Arbitrary<Integer> xt = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just((Integer) null)),
                Tuple.of(1, Arbitraries.just(-1)), Tuple.of(2, Arbitraries.of(0, 1, 2, 4)));
        Arbitrary<Timestamps> time = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(Timestamps.fixed(0))),
                Tuple.of(1, Arbitraries.of(1_700_000_000L, 4_102_444_800L).map(Timestamps::fixed)),
                Tuple.of(2, Arbitraries.of(2_000_000_000L, 4_000_000_000L).map(Timestamps::clamp)));
        Arbitrary<String> uuid = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(DEFAULT_UUID)),
                Tuple.of(1, Arbitraries.just(ZERO_UUID)));
        Arbitrary<Owner> owner = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.just(Owner.KEEP)),
                Tuple.of(1, Arbitraries.just(new Owner(true, -1, -1))),
                Tuple.of(2, Arbitraries.of(new Owner(false, 1000, -1), new Owner(false, -1, 70000),
                        new Owner(false, 65536, 5))));
        Arbitrary<Long> maxExtent = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.of(16384L, 65536L)));
        return Builders.withBuilder(Draft::new)
                .use(comp).inSetter((d, v) -> d.compression = v)
                .use(level).inSetter((d, v) -> d.level = v)
                .use(pcluster).inSetter((d, v) -> d.pcluster = v)
                .use(ext).inSetter((d, v) -> d.extended = v)
                .use(chunk).inSetter((d, v) -> d.chunk = v)
                .use(blob).inSetter((d, v) -> d.blob = v)
                .use(xt).inSetter((d, v) -> d.xattrTolerance = v)
                .use(time).inSetter((d, v) -> d.time = v)
                .use(uuid).inSetter((d, v) -> d.uuid = v)
                .use(owner).inSetter((d, v) -> d.owner = v)
                .use(maxExtent).inSetter((d, v) -> d.maxExtent = v)
                .build(Draft::toOptions);
    }

    /**
     * Mutable draft for the builder; {@link #toOptions} drops what 1.5 would refuse outright, and
     * {@code noinline_data} where it meets {@code -z} and {@code ztailpacking}: 1.5 then loses the
     * tail of a file whose compression does not pay off (see {@link #losesUncompressedTails()}).
     */
    private static final class Draft {
        Compression compression;
        int level;
        int pcluster;
        Set<Extended> extended;
        int chunk;
        boolean blob;
        Integer xattrTolerance;
        Timestamps time;
        String uuid;
        Owner owner;
        long maxExtent;

        MkfsOptions toOptions() {
            boolean comp = compression != Compression.NONE;
            EnumSet<Extended> e = extended.isEmpty() ? EnumSet.noneOf(Extended.class) : EnumSet.copyOf(extended);
            boolean b = blob && chunk > 0 && !e.contains(Extended.FORCE_INODE_BLOCKMAP);
            if (comp && e.contains(Extended.ZTAILPACKING)) {
                e.remove(Extended.NOINLINE_DATA);
            }
            return new MkfsOptions(compression, compression == Compression.LZ4HC ? level : -1, comp ? pcluster : 0,
                    e, chunk, b, xattrTolerance, time, uuid, owner, comp ? maxExtent : 0);
        }
    }
}
