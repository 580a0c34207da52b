package org.erofssim.kernel;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

import static org.erofssim.kernel.Behavior.*;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The modelled kernel releases, each a preset derived from the one before ("previous + these
 * commits - those"), the {@linkplain #DEFAULT default} and the resolution of a release string
 * as a scenario or {@code uname -r} writes it.
 *
 * <p>Adding a release: one preset method here (plus its new {@link Behavior} constants, their
 * model sites and their regression tests), listed in {@link #all()}.
 */
@API(status = MAINTAINED, since = "0.1.0")
public final class Releases {
    /**
     * The Kconfig defaults upstream (BACKED_BY_FILE=y since 6.12, ONDEMAND=n, ZIP/XATTR/ACL=y)
     * with FS_DAX=y as on x86-64 distribution kernels and on the observed 6.18.44 machine, and
     * ZIP_LZMA/ZIP_DEFLATE/ZIP_ZSTD=y (upstream defaults them to n; distribution kernels and the
     * observed machine enable them, and the live oracle refuses scenarios whose CONFIG differs
     * from the running kernel's).
     */
    private static final Map<ConfigFlag, Boolean> UPSTREAM_CONFIG;

    static {
        EnumMap<ConfigFlag, Boolean> m = new EnumMap<>(ConfigFlag.class);
        m.put(ConfigFlag.EROFS_FS_BACKED_BY_FILE, true);
        m.put(ConfigFlag.EROFS_FS_ONDEMAND, false);
        m.put(ConfigFlag.EROFS_FS_ZIP, true);
        m.put(ConfigFlag.EROFS_FS_ZIP_LZMA, true);
        m.put(ConfigFlag.EROFS_FS_ZIP_DEFLATE, true);
        m.put(ConfigFlag.EROFS_FS_ZIP_ZSTD, true);
        m.put(ConfigFlag.EROFS_FS_XATTR, true);
        m.put(ConfigFlag.EROFS_FS_POSIX_ACL, true);
        m.put(ConfigFlag.FS_DAX, true);
        UPSTREAM_CONFIG = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Debian's 6.1.192 (bookworm, {@code uname -r} 6.1.0-57-amd64): the world before file-backed
     * mounts, observed in a VM [obs-6.1.0-57]. The base every later preset derives from; the
     * DEFLATE (6.6) and ZSTD (6.10) Kconfig symbols do not exist yet (n), and Debian's bookworm
     * config leaves EROFS_FS_ZIP_LZMA off [obs: {@code algorithm 1 isn't enabled on this kernel}].
     */
    private static final KernelProfile LINUX_6_1 = new KernelProfile.Builder("6.1.192",
            "Debian 6.1.192 (uname 6.1.0-57-amd64), observed in a VM: no file-backed mounts", UPSTREAM_CONFIG)
            .config(ConfigFlag.EROFS_FS_ZIP_LZMA, false)
            .config(ConfigFlag.EROFS_FS_ZIP_DEFLATE, false)
            .config(ConfigFlag.EROFS_FS_ZIP_ZSTD, false)
            .build();

    /**
     * The changes the 6.1 stable line took that the model has switches for, with the first 6.1.y
     * release that has each (0bc8061ffc73: s15-zmap, docs/zmap-6.12.md). 6.12.0 derives from the 6.1 line without them (it got each later, as
     * a 6.12 backport or in mainline).
     */
    private static final List<StableBackport> STABLE_6_1 = List.of(
            new StableBackport("6.1", 127, ZMAP_NONHEAD_DELTA1_GRACEFUL,
                    "0bc8061ffc73 erofs: handle NONHEAD !delta[1] lclusters gracefully (CVE-2024-53234; in the 6.1.y"
                            + " stable revlist at 6.1.127; not observable on 6.1 with the zmap images)"),
            new StableBackport("6.1", 175, DIRENT_NAMEOFF_CHECKS,
                    "d18a3b5d337f erofs: fix the out-of-bounds nameoff handling for trailing dirents (CVE-2026-46078's"
                            + " affected ranges; observed on 6.1.0-57, session 15)"),
            new StableBackport("6.1", 191, ZMAP_INLINE_TAIL_SHIFTED,
                    "862427ebb81d erofs: fix interlaced ztailpacking pclusters (CVE-2026-90161; Debian's changelog of"
                            + " 6.1.192 under ChangeLog-6.1.191; observed on 6.1.0-57, session 16)"));

    private static final KernelProfile LINUX_6_1_192 = withBackports(LINUX_6_1, STABLE_6_1, 192).build();

    private static final KernelProfile LINUX_6_12_0 = LINUX_6_1.toBuilder()
            .release("6.12.0")
            .description("Linux 6.12.0 (fb176750266a + 6.12-rc fixes), from source")
            .config(ConfigFlag.EROFS_FS_ZIP_LZMA, true)
            .config(ConfigFlag.EROFS_FS_ZIP_DEFLATE, true)
            .config(ConfigFlag.EROFS_FS_ZIP_ZSTD, true)
            .with(FLATTENED_BLOCK_DEVICE, LONG_XATTR_PREFIXES, DEFLATE_ALGORITHM, ZSTD_ALGORITHM,
                    INCOMPAT_CHECK_IN_READ_SUPERBLOCK, XATTR_INIT_FUNCTION_RENAMED, INLINE_ACROSS_BLOCKS_MESSAGE,
                    DAX_NOT_EXPERIMENTAL, BDEV_LOOKUP_BEFORE_OPEN,
                    STATFS_FSID_FROM_UUID, FILE_BACKED_MOUNTS, FILEIO_REGULAR_FILE_CHECK, QUIET_BDEV_LOOKUP,
                    FEATURE_NOTICES_DROPPED, ZDATA_FOLIO_MESSAGES, LOOKBACK_DISTANCE_MESSAGE, METABUF_BYTE_OFFSETS,
                    SUBPAGE_COMPRESSED_BLOCKS, IOMAP_LARGE_FOLIOS, COMPRESSED_LARGE_FOLIOS, READ_FOLIO_DECODE_ERROR,
                    PRINTK_RECORD_MAX_1024, PCLUSTER_SIZE_LIMITS, READMORE_ERRORS_SILENT)
            .build();

    /**
     * The changes the 6.12 stable line took after 6.12.0, each with the first 6.12.y release that
     * has it, oldest first. Sources: the upstream stable ChangeLog sections Debian's changelog of
     * linux 6.12.118-1 lists each change under (6.12.7 and later), CVE-2024-56750's affected range
     * (6.12.2), and the fs/erofs sources of 6.12.107 (upstream tarball) and 6.12.118 (Debian), whose
     * super.c, fileio.c and dir.c are the same file: every change below but the last two is in
     * 6.12.107 (they are in 6.12.118's zdata.c and zmap.c, not in 6.12.107's). The zmap.c entries:
     * docs/zmap-6.12.md (6.12.90's, 6.12.107's and 6.12.118's sources, the stable revlists).
     */
    private static final List<StableBackport> STABLE_6_12 = List.of(
            new StableBackport("6.12", 2, FILEIO_SUBPAGE_BLOCKSIZE,
                    "bae085416093 erofs: fix blksize < PAGE_SIZE for file-backed mounts (CVE-2024-56750: affected < 6.12.2)"),
            new StableBackport("6.12", 2, ZMAP_NONHEAD_DELTA1_GRACEFUL,
                    "0bc8061ffc73 erofs: handle NONHEAD !delta[1] lclusters gracefully (CVE-2024-53234; next to"
                            + " bae085416093's backport in the 6.12.y stable revlist)"),
            new StableBackport("6.12", 7, DIRECTIO_OPTION,
                    "6422cde1b0d5 erofs: use buffered I/O for file-backed mounts by default (ChangeLog-6.12.7)"),
            new StableBackport("6.12", 34, EXTRA_BDEV_ENOTBLK_TO_EINVAL,
                    "9748f2f54f66 erofs: avoid using multiple devices with different type (ChangeLog-6.12.34)"),
            new StableBackport("6.12", 41, ZMAP_COMPRESSEDLEN_REFINED,
                    "8f9530aeeb4f erofs: refine z_erofs_get_extent_compressedlen() (ChangeLog-6.12.41)"),
            new StableBackport("6.12", 41, ZMAP_TAIL_INLINE_SIMPLIFIED,
                    "b7710262d743 erofs: simplify tail inline pcluster handling, with 540787d38b10 erofs: clean up"
                            + " header parsing for ztailpacking and fragments (ChangeLog-6.12.41)"),
            new StableBackport("6.12", 41, ZMAP_FRAGMENT_NOT_ENCODED,
                    "b44686c8391b erofs: fix large fragment handling (ChangeLog-6.12.41)"),
            new StableBackport("6.12", 66, FILEIO_STACKING_REFUSAL,
                    "072a7c7cdbea erofs: don't bother with s_stack_depth increasing for now, and its fix for EROFS"
                            + " partitions (ChangeLog-6.12.66)"),
            new StableBackport("6.12", 80, FILEIO_SHORT_READ_EIO,
                    "eade54040384 erofs: set fileio bio failed in short read case (ChangeLog-6.12.80)"),
            new StableBackport("6.12", 86, DIRENT_NAMEOFF_CHECKS,
                    "d18a3b5d337f erofs: fix the out-of-bounds nameoff handling for trailing dirents (ChangeLog-6.12.86)"),
            new StableBackport("6.12", 91, ZMAP_CLUSTERBITS_4BIT,
                    "efb2aef569b3 erofs: add encoded extent on-disk definition (ChangeLog-6.12.91; 6.12.90's zmap.c"
                            + " still masks h_clusterbits with 7)"),
            new StableBackport("6.12", 91, ZMAP_COMPACT_CLUSTEROFS_CHECK,
                    "e13d315ae077 erofs: avoid infinite loops due to corrupted subpage compact indexes (CVE-2025-68251;"
                            + " ChangeLog-6.12.91; 6.12.90's zmap.c checks full indexes only)"),
            new StableBackport("6.12", 110, UNALIGNED_ENCODED_DATA,
                    "erofs: support unaligned encoded data (ChangeLog-6.12.110; in 6.12.118's zdata.c, not 6.12.107's)"),
            new StableBackport("6.12", 114, ZMAP_INLINE_TAIL_SHIFTED,
                    "862427ebb81d erofs: fix interlaced ztailpacking pclusters (CVE-2026-90161; ChangeLog-6.12.114; the"
                            + " only difference of 6.12.107's and 6.12.118's zmap.c)"));

    /**
     * Stable releases whose state between two backports the model does not have: the release
     * range, and what it differs in (a resolution into the range says so in its note).
     */
    private static final List<StableGap> STABLE_6_12_GAPS = List.of(
            new StableGap("6.12", 24, 79, "6.12.24 (erofs: set error to bio if file-backed IO fails) fails a failed"
                    + " compressed file-backed read with EIO and 6.12.75 (bc804a8d7e86) zero-fills an empty one; modelled"
                    + " as 6.12.0 there (no error, pages left as they were) until 6.12.80"),
            new StableGap("6.12", 63, 65, "6.12.63-6.12.65 (d53cd891f0e4) refuse a file-backed mount only past"
                    + " stacking depth 2 ('maximum fs stacking depth exceeded'); modelled as no limit"));

    private static final KernelProfile LINUX_6_12_118 = withBackports(LINUX_6_12_0, STABLE_6_12, 118)
            .release("6.12.118")
            .description("Debian 6.12.118 (uname 6.12.118+deb13-amd64), observed in a VM: 6.12.0 + stable backports")
            .build();

    private static final KernelProfile LINUX_6_13_0_RC4 = LINUX_6_12_0.toBuilder()
            .release("6.13.0-rc4")
            .description("torvalds/linux 6422cde1b0d5 (v6.13-rc4), from source")
            .with(FILEIO_SUBPAGE_BLOCKSIZE, DEVICE_LOG_PREFIX, DIRECTIO_OPTION, ZMAP_NONHEAD_DELTA1_GRACEFUL)
            .build();

    private static final KernelProfile LINUX_6_18_44 = LINUX_6_13_0_RC4.toBuilder()
            .release("6.18.44")
            .description("Linux 6.18.44 as observed on this project's machines (6.18.44-fc-v782)")
            .with(VOLUME_NAME_16_BYTES, LAYOUT_48BIT, READDIR_FAILED_MESSAGE, MAP_BLOCKS_FLATMODE_MERGED,
                    FSOFFSET_OPTION, EXTRA_BDEV_ENOTBLK_TO_EINVAL,
                    METABOX, READ_INODE_MESSAGE, IOMAP_INLINE_ADDR, XATTR_PREFIX_PLACEMENT,
                    DAX_CHECK_IN_DEVICE_SCAN, ZMAP_REWORK, ZMAP_COMPRESSEDLEN_REFINED,
                    ZMAP_TAIL_INLINE_SIMPLIFIED, ZMAP_CLUSTERBITS_4BIT, ZMAP_COMPACT_CLUSTEROFS_CHECK,
                    ZMAP_FRAGMENT_NOT_ENCODED, FILEIO_STACKING_REFUSAL, FILEIO_SHORT_READ_EIO, DIRENT_NAMEOFF_CHECKS, FILL_DENTRIES_FOLDED,
                    ZSTD_1_5_7_ERROR_STRINGS, READAHEAD_HONOURS_NEW_ORDER, FILEMAP_READ_STOPS_AT_FAILED_FOLIO,
                    READMORE_ENCODED_ONLY, UNALIGNED_ENCODED_DATA, INODE_BLOCK_ADDR_64BIT)
            .build();

    private static final KernelProfile LINUX_7_2_13 = LINUX_6_18_44.toBuilder()
            .release("7.2.13")
            .description("Debian 7.2.13 (uname 7.2.13+deb14-amd64), observed in a VM")
            .with(FSCACHE_REMOVED, FILEIO_SID_DEVNUM, CACHE_STRATEGY_SHOWN_IF_COMPRESSED, DEFLATE_NOT_EXPERIMENTAL,
                    DECOMPRESS_ERROR_FORMAT, FILEIO_METADATA_BYTE_OFFSET, PLAIN_COMPRESSED_SEPARATED,
                    ISHARE_XATTR_PREFIX_ID, FAST_SYMLINK_LENGTH_CHECK, ZMAP_HEAD_FORMAT_CHECK, INODE_BLOCKS_HI,
                    LZ4_ERROR_STRINGS, ZMAP_INLINE_TAIL_SHIFTED) // 862427ebb81d: 7.3-rc1, in 7.2.6 (stable-rc revlist)
            .build();

    private static final KernelProfile LINUX_7_3_0_RC7 = LINUX_7_2_13.toBuilder()
            .release("7.3.0-rc7")
            .description("Debian 7.3~rc7 (experimental, uname 7.3-amd64), observed in a VM")
            .with(SOURCE_PARAMETER, FILEIO_METADATA_SHORT_READ_EIO, FILEIO_METADATA_MANAGED_CACHE)
            // 7.2.13's byte-exact file-backed metadata read is replaced by the managed cache's
            // sector-granular one [obs: fsoffset=100 and 512; unsure which commits]
            .without(FILEIO_METADATA_BYTE_OFFSET)
            .build();

    /**
     * The profile of a scenario without {@code "kernel"} and of the tools' {@code --kernel}
     * default: Linux 6.18.44, the release the project's recordings were made on. It is this
     * constant, not "the newest preset": adding a release does not change it.
     */
    public static final KernelProfile DEFAULT = LINUX_6_18_44;

    private static final List<KernelProfile> ALL = List.of(LINUX_6_1_192, LINUX_6_12_0, LINUX_6_12_118,
            LINUX_6_13_0_RC4, LINUX_6_18_44, LINUX_7_2_13, LINUX_7_3_0_RC7);

    /**
     * Debian bookworm names its 6.1 kernels {@code 6.1.0-<ABI>-<flavour>}: the {@code 0} is no
     * patch level. ABI 57 is the observed 6.1.192; any other ABI resolves to the 6.1 preset with
     * a note.
     */
    private static final Pattern DEBIAN_6_1_ABI = Pattern.compile("6\\.1\\.0-(\\d+)(-.*)?");

    /** {@code uname -r}: major.minor[.patch][-rcN][build suffix]. */
    private static final Pattern RELEASE = Pattern.compile("(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,6}))?(?:-rc(\\d{1,3}))?(.*)");

    private Releases() {}

    /**
     * Debian's 6.1.192 ({@code 6.1.0-57-amd64}): no file-backed mounts (every non-block source
     * fails with ENOTBLK and {@code <src>: Can't open blockdev}), the old log format,
     * {@code f_fsid} from the device number; with the 6.1 line's backport of the dirent nameoff
     * checks (6.1.175, {@link #stableBackports}). The oldest preset; the others derive from the 6.1
     * line without that backport.
     */
    public static KernelProfile linux_6_1_192() {
        return LINUX_6_1_192;
    }

    /**
     * Debian's 6.12.118 ({@code 6.12.118+deb13-amd64}): 6.12.0 plus the stable backports of
     * bae085416093 (6.12.2), 6422cde1b0d5 (6.12.7), the extra-device EINVAL (6.12.34), the
     * stacking refusal (6.12.66), EIO on short file-backed reads (6.12.80) and the dirent nameoff
     * checks (6.12.86) and unaligned encoded data (6.12.110) ({@link #stableBackports}); still the old log format (90655ee279b2 is not
     * backported). A 6.12.y between 6.12.0 and 6.12.118 resolves to 6.12.0 plus the backports up
     * to y.
     */
    public static KernelProfile linux_6_12_118() {
        return LINUX_6_12_118;
    }

    /**
     * Debian's 7.2.13 ({@code 7.2.13+deb14-amd64}): 6.18.44 plus the fscache removal, the
     * {@code MAJ:MIN} name of file-backed superblocks and {@code cache_strategy=} shown only
     * for compressed images.
     */
    public static KernelProfile linux_7_2_13() {
        return LINUX_7_2_13;
    }

    /**
     * Debian's 7.3~rc7 ({@code 7.3-amd64}, experimental): 7.2.13 plus EROFS's own
     * {@code source} parameter.
     */
    public static KernelProfile linux_7_3_0_rc7() {
        return LINUX_7_3_0_RC7;
    }

    /**
     * Linux 6.12.0 as first released: file-backed mounts (fb176750266a) with the 6.12-rc fixes
     * (regular-file check, quiet bdev lookup), but still the old log format, always-direct
     * file-backed reads and the sub-page block size crash (CVE-2024-56750, fixed in 6.12.2).
     */
    public static KernelProfile linux_6_12_0() {
        return LINUX_6_12_0;
    }

    /**
     * The spec's source commit 6422cde1b0d5 ("erofs: use buffered I/O for file-backed mounts by
     * default", in v6.13-rc4): 6.12.0 plus bae085416093, 90655ee279b2 and 6422cde1b0d5.
     */
    public static KernelProfile linux_6_13_0_rc4() {
        return LINUX_6_13_0_RC4;
    }

    /**
     * Linux 6.18.44 as observed on the project's machine ({@code 6.18.44-fc-v782}): 6.13-rc4 plus
     * the 6.15–6.18 changes and the stable backports of the stacking refusal, EIO on short
     * file-backed reads and the dirent nameoff checks.
     */
    public static KernelProfile linux_6_18_44() {
        return LINUX_6_18_44;
    }

    /** Profiles by release, oldest first (a final release after its release candidates). */
    public static final Comparator<KernelProfile> OLDEST_FIRST = (a, b) -> compare(key(a.release()), key(b.release()));

    /** Every preset, oldest first. */
    public static List<KernelProfile> all() {
        return ALL;
    }

    /**
     * A change a stable line took after its first release: the first release of the line that
     * has it ({@code line.patch}), the {@link Behavior} and the upstream commit with where the
     * release was read from.
     */
    @API(status = MAINTAINED, since = "0.1.0")
    public record StableBackport(String line, int patch, Behavior behavior, String commit) {
        /** The first release that has it, e.g. {@code 6.12.7}. */
        public String release() {
            return line + "." + patch;
        }
    }

    /** Stable releases {@code line.from}..{@code line.to} whose state the model lacks, and how. */
    private record StableGap(String line, int from, int to, String note) {}

    /** The stable backports the model knows, per line, oldest first (empty for a line without any). */
    public static List<StableBackport> stableBackports(String line) {
        return switch (line) {
            case "6.1" -> STABLE_6_1;
            case "6.12" -> STABLE_6_12;
            default -> List.of();
        };
    }

    private static KernelProfile.Builder withBackports(KernelProfile base, List<StableBackport> backports, long patch) {
        KernelProfile.Builder b = base.toBuilder();
        for (StableBackport bp : backports) {
            if (bp.patch() <= patch) {
                b.with(bp.behavior());
            }
        }
        return b;
    }

    /**
     * What a kernel string resolved to.
     *
     * @param requested the string as given
     * @param profile   the preset it resolved to
     * @param note      one line for the user when the preset is not exactly what was asked for
     *                  (another build of the same release, or an older release of the same
     *                  stable line), else {@code null}
     */
    @API(status = MAINTAINED, since = "0.1.0")
    public record Resolution(String requested, KernelProfile profile, String note) {
        public Optional<String> noteIfAny() {
            return Optional.ofNullable(note);
        }
    }

    /** A kernel string names no modelled release; the message is one line naming the string. */
    @API(status = MAINTAINED, since = "0.1.0")
    public static final class UnknownRelease extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownRelease(String message) {
            super(message);
        }
    }

    /**
     * Resolves a release string as {@code uname -r} prints it ({@code 6.12.118+deb12-amd64},
     * {@code 6.18.44-fc-v782}, {@code 7.3.4-amd64}) or a short name of a stable line
     * ({@code 6.18}):
     *
     * <ul>
     * <li>a short name: the newest preset of that line, without a note;</li>
     * <li>a modelled release, whatever its build suffix: that preset (with a note naming the
     *     build when there is one);</li>
     * <li>else the newest preset of the same line that is not newer, plus the line's {@linkplain
     *     #stableBackports stable backports} up to the release (a profile named after the release),
     *     with a note;</li>
     * <li>else (unknown line, older than every preset of its line, not a release): {@link
     *     UnknownRelease}.</li>
     * </ul>
     */
    public static Resolution resolve(String kernel) {
        Resolution known = kernel == null ? null : RESOLVED.get(kernel);
        if (known != null) {
            return known;
        }
        Resolution r = resolveUncached(kernel);
        if (RESOLVED.size() < 256) { // a batch names a few releases; a fuzzer's strings are not kept
            RESOLVED.put(kernel, r);
        }
        return r;
    }

    /** Releases already resolved ({@link Resolution} is immutable): a predict batch resolves the same string thousands of times. */
    private static final java.util.Map<String, Resolution> RESOLVED = new java.util.concurrent.ConcurrentHashMap<>();

    private static Resolution resolveUncached(String kernel) {
        Matcher abi = kernel == null ? null : DEBIAN_6_1_ABI.matcher(kernel);
        if (abi != null && abi.matches()) {
            return new Resolution(kernel, LINUX_6_1_192, abi.group(1).equals("57")
                    ? "kernel " + kernel + ": the 6.1.192 preset (Debian's ABI 57 of 6.1)"
                    : "kernel " + kernel + ": Debian 6.1 ABI " + abi.group(1) + " is not modelled; using 6.1.192 (ABI 57)");
        }
        Matcher m = kernel == null ? null : RELEASE.matcher(kernel);
        if (m == null || !m.matches()) {
            throw new UnknownRelease("'" + kernel + "' is not a kernel release (expected e.g. 6.18.44-fc-v782 or 6.18)");
        }
        String line = m.group(1) + "." + m.group(2);
        List<KernelProfile> sameLine = ALL.stream().filter(p -> line(p.release()).equals(line)).toList();
        if (sameLine.isEmpty()) {
            throw new UnknownRelease("'" + kernel + "': no modelled release of the " + line + " line (modelled: "
                    + ALL.stream().map(KernelProfile::release).collect(Collectors.joining(", ")) + ")");
        }
        String build = m.group(5);
        if (m.group(3) == null && m.group(4) == null && build.isEmpty()) {
            return new Resolution(kernel, sameLine.get(sameLine.size() - 1), null);
        }
        long[] want = key(m);
        Optional<KernelProfile> best = sameLine.stream()
                .filter(p -> compare(key(p.release()), want) <= 0)
                .max(Comparator.comparing(p -> key(p.release()), Releases::compare));
        if (best.isEmpty()) {
            throw new UnknownRelease("'" + kernel + "' is older than every modelled " + line + " release (oldest: "
                    + sameLine.get(0).release() + ")");
        }
        KernelProfile p = best.get();
        Resolution stable = stableRelease(kernel, line, p, want, build);
        if (stable != null) {
            return stable;
        }
        if (compare(key(p.release()), want) == 0) {
            return new Resolution(kernel, p, build.isEmpty() ? null
                    : "kernel " + kernel + ": the " + p.release() + " preset (same release, build " + build + ")");
        }
        return new Resolution(kernel, p, "kernel " + kernel + ": not modelled; using " + p.release()
                + ", the newest modelled " + line + " release not newer than it");
    }

    /**
     * A release of a stable line between two presets that took backports the older preset lacks:
     * that preset plus the backports up to the release ({@link #STABLE_6_12}), named after the
     * release, with a note naming them (and a {@link StableGap} it falls in); null when no backport
     * lies between the preset and the release (the preset then stands for it as before).
     */
    private static Resolution stableRelease(String kernel, String line, KernelProfile preset, long[] want, String build) {
        long[] have = key(preset.release());
        if (want[3] != Long.MAX_VALUE || have[3] != Long.MAX_VALUE) {
            return null; // release candidates take no stable backports
        }
        List<StableBackport> added = stableBackports(line).stream()
                .filter(bp -> bp.patch() > have[2] && bp.patch() <= want[2]).toList();
        if (added.isEmpty()) {
            return null;
        }
        String release = line + "." + want[2];
        KernelProfile p = withBackports(preset, added, want[2]).release(release)
                .description("Linux " + release + ": " + preset.release() + " + the stable backports up to " + release)
                .build();
        StringBuilder note = new StringBuilder("kernel ").append(kernel).append(": ").append(preset.release())
                .append(" + the stable backports up to ").append(release).append(" (")
                .append(added.stream().map(bp -> bp.behavior() + " " + bp.release()).collect(Collectors.joining(", ")))
                .append(")");
        if (!build.isEmpty()) {
            note.append(", build ").append(build);
        }
        for (StableGap g : STABLE_6_12_GAPS) {
            if (g.line().equals(line) && want[2] >= g.from() && want[2] <= g.to()) {
                note.append("; ").append(g.note());
            }
        }
        return new Resolution(kernel, p, note.toString());
    }

    /**
     * The preset a running kernel's {@code uname -r} resolves to ({@link #resolve}), or empty
     * when it names no modelled line: the live oracle then reports the kernel instead of
     * comparing.
     */
    public static Optional<KernelProfile> forRelease(String unameR) {
        try {
            return Optional.of(resolve(unameR).profile());
        } catch (UnknownRelease e) {
            return Optional.empty();
        }
    }

    private static String line(String release) {
        Matcher m = RELEASE.matcher(release);
        if (!m.matches()) {
            throw new IllegalStateException("preset release " + release);
        }
        return m.group(1) + "." + m.group(2);
    }

    private static long[] key(String release) {
        Matcher m = RELEASE.matcher(release);
        if (!m.matches()) {
            throw new IllegalStateException("preset release " + release);
        }
        return key(m);
    }

    /** major, minor, patch, rc (a final release sorts after its release candidates). */
    private static long[] key(Matcher m) {
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                m.group(3) == null ? 0 : Long.parseLong(m.group(3)),
                m.group(4) == null ? Long.MAX_VALUE : Long.parseLong(m.group(4))};
    }

    private static int compare(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
