package org.erofssim.mount;

import static org.erofssim.kernel.Errno.EACCES;
import static org.erofssim.kernel.Errno.EBADMSG;
import static org.erofssim.kernel.Errno.EINVAL;
import static org.erofssim.kernel.Errno.EIO;
import static org.erofssim.kernel.Errno.ENOENT;
import static org.erofssim.kernel.Errno.ENOTBLK;
import static org.erofssim.kernel.Errno.ENXIO;
import static org.erofssim.kernel.Errno.EOPNOTSUPP;
import static org.erofssim.kernel.Errno.EUCLEAN;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Group;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.DeviceInfo;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.Statfs;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.props.Expect.Line;
import org.erofssim.props.Expect;
import org.erofssim.props.SpecBytes;
import org.erofssim.sb.Mode;
import org.erofssim.testkit.RealImages;

/**
 * {@link MountModel#predict} against an oracle written in this file from the text of
 * {@code kernel-mount-path.md}, one group per concern:
 * <ul>
 *   <li>{@link SourceRows}: §9 rows 1–15 exhaustively (§2 option gates, §3 get_tree, and for
 *       mounted rows the table's sb type / sysfs name / f_fsid columns, §8.1 statfs, §8.3 options);</li>
 *   <li>{@link SecondMounts}: row 3's superblock reuse and §3.2's RO-state rule;</li>
 *   <li>{@link DeviceRows}: §9's multi-device rows with §4.3's device scan and §1.6's totals;</li>
 *   <li>{@link SuperblockChecks}: §4.2's checks in their order (plus §4.1's block-size step and
 *       §7.1's root-inode errors) and §1.2's 48-bit rules;</li>
 *   <li>{@link VerifiedExamples}: §10's observed examples verbatim;</li>
 *   <li>{@link FsOffset}: §4.7 step 6.</li>
 * </ul>
 *
 * <p>The oracle never calls model code to compute an expectation. Images are a real
 * {@code mkfs.erofs} image edited with {@link ImageEditor}; the superblock checksum is recomputed
 * with the test's own CRC ({@link SpecBytes#kernelChecksum}), and the oracle reads the bytes it
 * needs with {@link SpecBytes}.
 */
@AddLifecycleHook(RealImages.RequireMkfs.class)
@Label("Mount decision table, superblock checks and device rows (spec §9, §4.2, §4.3, §4.7, §10)")
class DecisionTableProperties {

    static final List<String> PROFILES = List.of("6.12", "6.13", "6.18");
    static final String DEPRECATED = "[deprecated] fscache-based on-demand read feature in use. Use at your own risk!";
    static final String NO_DAX = "DAX unsupported by block device. Turning off DAX.";
    /** Where the device-table images put their slots: devt_slotoff 256 → byte 32768 (zeros in the base image). */
    static final int SLOTOFF = 256;

    // ---------------------------------------------------------------------------------------
    // The oracle's knowledge of the releases, from the spec text
    // ---------------------------------------------------------------------------------------

    /**
     * A modelled release as the spec describes it. 6.12 = 6.12.0: the seed with the 6.12-rc fixes
     * (regular-file check, quiet lookup; §11.2), the old log format (§0.4; new one 6.13-rc1), no
     * {@code directio} (6.13-rc4, §2), the sub-page fileio crash (CVE-2024-56750, fixed 6.12.2,
     * §11.1). 6.13 = the main commit. 6.18 = 6.18.44 as observed (§1.3 mask 0x1FF, §4.2 no volume
     * name check and metabox rules, §3.3 stacking refusal, §4.2 DAX in the scan, §4.3 ENOTBLK →
     * EINVAL, §7.1 bit 4 = NLINK_1, §2 {@code fsoffset=} from 6.16).
     */
    record Release(String name, boolean newLogFormat, boolean directio, long incompatMask, boolean volumeNameNul,
                   boolean stackingRefusal, boolean daxInScan, boolean extraBdevEinval, boolean subpageFileio,
                   boolean nlink1Bit, boolean metabox, boolean fsoffsetOption) {
        static Release of(String name) {
            switch (name) {
                case "6.12": return new Release(name, false, false, 0x7F, true, false, false, false, false, false, false, false);
                case "6.13": return new Release(name, true, true, 0x7F, true, false, false, false, true, false, false, false);
                case "6.18": return new Release(name, true, true, 0x1FF, false, true, true, true, true, true, true, true);
                default: throw new IllegalArgumentException(name);
            }
        }

        /**
         * §0.4: {@code erofs_err}. 6.13+: {@code erofs (device X): msg}; 6.12:
         * {@code erofs: (device X): <function>: msg} (the function is not in the spec: any C name).
         */
        Line err(String sid, String msg) {
            if (newLogFormat) {
                return Line.exact("erofs (device " + sid + "): " + msg);
            }
            return Line.matching(Pattern.quote("erofs: (device " + sid + "): ") + "[A-Za-z0-9_]+: " + Pattern.quote(msg));
        }

        /** §0.4: {@code erofs_info}. 6.12: {@code erofs: (device X): msg}. */
        Line info(String sid, String msg) {
            return Line.exact((newLogFormat ? "erofs (device " : "erofs: (device ") + sid + "): " + msg);
        }
    }

    /** §0.4: mount-context messages ({@code errorfc}/{@code invalfc}) with mount(2). */
    static Line fc(String msg) {
        return Line.exact("erofs: " + msg);
    }

    /** §0.4: VFS {@code errorf}/{@code invalf} messages: no prefix. */
    static Line vfs(String msg) {
        return Line.exact(msg);
    }

    /**
     * §4.7 steps 4–10 / §4.1 steps 3–14 for an image that passes every check: the DAX line
     * (6.18: info from the device scan, before the fscache line; 6.13: {@code erofs:} line after
     * read_superblock), the fscache deprecation line (end of read_superblock) and the final line.
     */
    static Expect mountedAfterFill(Release r, String sid, Mode mode, boolean dax, List<Line> log, long rootNid,
                                   String row) {
        if (r.daxInScan()) {
            if (dax) {
                log.add(r.info(sid, NO_DAX));
            }
            if (mode == Mode.FSCACHE) {
                log.add(r.info(sid, DEPRECATED));
            }
        } else {
            if (mode == Mode.FSCACHE) {
                log.add(r.info(sid, DEPRECATED));
            }
            if (dax) {
                log.add(fc(NO_DAX));
            }
        }
        log.add(r.info(sid, "mounted with root inode @ nid " + rootNid + "."));
        return Expect.mounted(mode, log, row);
    }

    /**
     * §3.3 as observed, plus one kernel-source fact for ramfs: which backing filesystems give a
     * regular file whose mapping has {@code read_folio}. ext4 yes; tmpfs, overlayfs, procfs no;
     * a file inside an erofs (file-backed or bdev) yes (§3.3 nesting). ramfs is not in the spec:
     * its {@code ram_aops} use {@code simple_read_folio}.
     */
    static boolean hasReadFolio(BackingFs fs) {
        switch (fs) {
            case EXT4: case RAMFS: case EROFS: case EROFS_BDEV: return true;
            case TMPFS: case PROC: case OVERLAY: return false;
            default: throw new IllegalArgumentException(fs.name());
        }
    }

    /**
     * What a mounted outcome shows besides the log (§9's "sb type", "sysfs name" and "f_fsid"
     * columns, §8.1 statfs, §8.3 super options), for the images of this class: default CONFIG
     * (XATTR, POSIX_ACL, ZIP on), so the options always read {@code ro,user_xattr,acl,
     * cache_strategy=readaround}, then {@code ,directio} (fileio, when set), then {@code ,fsid=}.
     */
    record Facts(boolean anonDev, String dev, String sysfsName, int blockSize, String superOptions, Statfs statfs) {}

    static Facts expectFacts(Mode mode, String sid, String devt, byte[] img, boolean directio, String fsid,
                             long totalBlocks) {
        return expectFacts(mode, sid, devt, img, directio, fsid, totalBlocks, "", 0);
    }

    /**
     * With the option string's effect on §8.3's list: the xattr and acl flags, the cache
     * strategy, {@code dax=never} (a {@code dax}/{@code dax=always} that fill_super turned off is
     * not shown), {@code directio} in fileio mode, {@code fsid}, {@code fsoffset} when non-zero.
     */
    static Facts expectFacts(Mode mode, String sid, String devt, byte[] img, boolean directio, String fsid,
                             long totalBlocks, String options, long fsoffset) {
        List<String> o = List.of(options.split(","));
        boolean anon = mode != Mode.BDEV;
        String sysfs = fsid != null ? fsid : mode == Mode.FILEIO ? "erofs-*" : sid;
        String opts = "ro" + (o.contains("nouser_xattr") ? ",nouser_xattr" : ",user_xattr")
                + (o.contains("noacl") ? ",noacl" : ",acl")
                + ",cache_strategy=" + (o.contains("cache_strategy=disabled") ? "disabled" : "readaround")
                + (o.contains("dax=never") ? ",dax=never" : "")
                + (mode == Mode.FILEIO && directio ? ",directio" : "")
                + (fsid != null ? ",fsid=" + fsid : "")
                + (fsoffset != 0 ? ",fsoffset=" + Long.toUnsignedString(fsoffset) : "");
        int sb = SpecBytes.SB;
        int bs = 1 << SpecBytes.u8(img, sb + 12);
        long inos = SpecBytes.u64(img, sb + 16);
        long v = SpecBytes.u64(img, sb + 48) ^ SpecBytes.u64(img, sb + 56);
        boolean zeroUuid = SpecBytes.u64(img, sb + 48) == 0 && SpecBytes.u64(img, sb + 56) == 0;
        if (zeroUuid) {
            // new_encode_dev: (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12); 0 without a bdev
            String[] mm = devt.split(":");
            long major = Long.parseLong(mm[0]);
            long minor = Long.parseLong(mm[1]);
            v = anon ? 0 : (minor & 0xff) | (major << 8) | ((minor & ~0xffL) << 12);
        }
        Statfs st = new Statfs(0xE0F5E1E2L, bs, totalBlocks, 0, 0, -1L, -1L - inos, 255, (int) v, (int) (v >>> 32));
        return new Facts(anon, anon ? "0:*" : devt, sysfs, bs, opts, st);
    }

    static void checkFacts(Facts f, MountOutcome actual, Object input) {
        MountOutcome.Mounted m = (MountOutcome.Mounted) actual;
        Facts got = new Facts(m.superblock().anonDev(), m.superblock().dev(), m.superblock().sysfsName(),
                m.superblock().blockSize(), m.superOptions(), m.statfs());
        if (!got.equals(f)) {
            throw new AssertionError(input + ": mounted facts " + f + " expected, got " + got);
        }
    }

    static Scenario scenario(String profile, Map<ConfigFlag, Boolean> config, VirtualNamespace ns, String source,
                             String options, boolean readOnly) {
        KernelConfig kc = new KernelConfig(Releases.resolve(profile.equals("6.12") ? "6.12.0" : profile).profile(), config);
        return Scenario.builder().name("prop").kernel(kc).namespace(ns).source(source).options(options)
                .readOnly(readOnly).build();
    }

    static void check(Expect e, MountOutcome actual, Object input) {
        String why = e.mismatch(actual);
        if (why != null) {
            throw new AssertionError(input + ": " + why);
        }
    }

    /** The base image: mkfs.erofs's plain image grown to 36 KiB (zeros) so nids up to ~1000 exist. */
    static final class Base {
        static final byte[] IMAGE;
        static final long ROOT;
        static final long NID_FILE;
        static final long NID_LINK;
        static final long NID_DIR;

        static {
            IMAGE = ImageEditor.of(RealImages.plain()).ensureSize(36864).bytes();
            ROOT = SpecBytes.rootNid(IMAGE);
            NID_FILE = SpecBytes.nidOf(IMAGE, "a.txt");
            NID_LINK = SpecBytes.nidOf(IMAGE, "link");
            NID_DIR = SpecBytes.nidOf(IMAGE, "d");
            long stored = SpecBytes.u32(IMAGE, 1028);
            if (SpecBytes.kernelChecksum(IMAGE, 12) != stored) {
                throw new IllegalStateException("the test's CRC-32C disagrees with mkfs.erofs: "
                        + Long.toHexString(SpecBytes.kernelChecksum(IMAGE, 12)) + " vs " + Long.toHexString(stored));
            }
        }

        private Base() {}
    }

    // =======================================================================================
    // §9 rows 1–15
    // =======================================================================================

    /** What a source path is after following symlinks (§9 "Source"). */
    enum Kind { BDEV, BDEV_READONLY, FILE, DIRECTORY, CHARDEV, SOCKET, FIFO, MISSING, NONE, EMPTY }

    /** A mount source: its kind, the backing fs of a regular file, and whether it is reached through a symlink. */
    record Source(Kind kind, BackingFs fs, boolean viaSymlink) {
        String target() {
            switch (kind) {
                case BDEV: return "/dev/loop0";
                case BDEV_READONLY: return "/dev/loop1";
                case FILE: return "/img/" + fs.contractName() + ".erofs";
                case DIRECTORY: return "/srv/dir";
                case CHARDEV: return "/dev/null";
                case SOCKET: return "/run/sock";
                case FIFO: return "/run/fifo";
                case MISSING: return "/nope/missing.erofs";
                case NONE: return null;
                case EMPTY: return "";
                default: throw new AssertionError(kind);
            }
        }

        String linkPath() {
            return "/links/" + kind.name().toLowerCase() + (fs == null ? "" : "-" + fs.contractName());
        }

        /** The string given to mount(2). */
        String path() {
            return viaSymlink ? linkPath() : target();
        }

        @Override public String toString() {
            return (viaSymlink ? "symlink→" : "") + kind + (fs == null ? "" : "(" + fs.contractName() + ")");
        }
    }

    static List<Source> allSources() {
        List<Source> out = new ArrayList<>();
        for (boolean link : new boolean[] {false, true}) {
            for (Kind k : Kind.values()) {
                if (link && (k == Kind.NONE || k == Kind.EMPTY)) {
                    continue;
                }
                if (k == Kind.FILE) {
                    for (BackingFs fs : BackingFs.values()) {
                        out.add(new Source(k, fs, link));
                    }
                } else {
                    out.add(new Source(k, null, link));
                }
            }
        }
        return out;
    }

    /** The option strings of the table property (before an optional {@code fsid=fs1,}). */
    static final List<String> OPTIONS = List.of("", "acl,user_xattr", "directio", "dax", "foo",
            "nouser_xattr,noacl,cache_strategy=disabled,dax=never");

    static final class SourceNamespace {
        static final VirtualNamespace NS = build(Base.IMAGE);
        static final byte[] ZERO_UUID_IMAGE = zeroUuid();
        static final VirtualNamespace NS_ZERO_UUID = build(ZERO_UUID_IMAGE);

        static byte[] zeroUuid() {
            byte[] img = ImageEditor.of(Base.IMAGE).setBytes(SuperblockField.UUID, new byte[16]).bytes();
            SpecBytes.writeChecksum(img, 12, 0);
            return img;
        }

        static VirtualNamespace build(byte[] img) {
            Map<String, Node> m = new LinkedHashMap<>();
            m.put("/dev/loop0", new Node.BlockDevice(ImageBytes.of(img), new DevT(7, 0), false, 512, false));
            m.put("/dev/loop1", new Node.BlockDevice(ImageBytes.of(img), new DevT(7, 1), true, 512, false));
            for (BackingFs fs : BackingFs.values()) {
                m.put("/img/" + fs.contractName() + ".erofs", new Node.RegularFile(ImageBytes.of(img), fs));
            }
            m.put("/srv/dir", new Node.Directory());
            m.put("/dev/null", new Node.CharDevice(new DevT(1, 3)));
            m.put("/run/sock", new Node.Socket());
            m.put("/run/fifo", new Node.Fifo());
            for (Source s : allSources()) {
                if (s.viaSymlink()) {
                    m.put(s.linkPath(), new Node.Symlink(s.target()));
                }
            }
            m.put("fscache:erofs,fs1/fs1", new Node.FscacheBlob(ImageBytes.of(img)));
            return new VirtualNamespace(m);
        }

        private SourceNamespace() {}
    }

    /**
     * The oracle for rows 1–15: §2 (option order and gates), §3.1 (fscache first; quiet
     * {@code get_tree_bdev_flags} when BACKED_BY_FILE; ENOTBLK → {@code filp_open} and the
     * regular-file test), §3.2 (lookup errors, read-only device → EACCES), §3.3 (stacking
     * refusal, 6.18) and, for an intact image, the lines of a successful fill_super.
     */
    static Expect expectSourceRow(Release r, Source s, boolean fsid, boolean byFile, boolean ondemand,
                                  String options, long rootNid) {
        return expectSourceRow(r, s, fsid, byFile, ondemand, options, rootNid, s.kind() != Kind.BDEV_READONLY);
    }

    static Expect expectSourceRow(Release r, Source s, boolean fsid, boolean byFile, boolean ondemand,
                                  String options, long rootNid, boolean readOnly) {
        List<Line> log = new ArrayList<>();
        boolean fsidSet = false;
        boolean dax = false;
        List<String> opts = new ArrayList<>();
        if (fsid) {
            opts.add("fsid=fs1");
        }
        for (String o : options.split(",")) {
            if (!o.isEmpty()) {
                opts.add(o);
            }
        }
        for (String o : opts) {
            switch (o) {
                case "fsid=fs1":
                    if (ondemand) {
                        fsidSet = true;
                    } else {
                        log.add(fc("fsid option not supported")); // row 2
                    }
                    break;
                case "acl":
                case "user_xattr":
                case "noacl":
                case "nouser_xattr":
                case "cache_strategy=disabled":
                case "dax=never":
                    break; // XATTR, POSIX_ACL, ZIP, FS_DAX on: accepted silently
                case "directio":
                    if (!r.directio()) {
                        log.add(fc("Unknown parameter 'directio'"));
                        return Expect.failed(EINVAL, null, log, "option error");
                    }
                    if (!byFile) {
                        log.add(fc("directio option not supported"));
                    }
                    break;
                case "dax":
                    dax = true; // FS_DAX=y
                    break;
                default:
                    log.add(fc("Unknown parameter '" + o + "'"));
                    return Expect.failed(EINVAL, null, log, "option error");
            }
        }
        if (ondemand && fsidSet) {
            return mountedAfterFill(r, "erofs", Mode.FSCACHE, dax, log, rootNid, "1 fscache (source ignored)");
        }
        String src = s.path();
        if (src == null) {
            log.add(vfs("No source specified"));
            return Expect.failed(EINVAL, null, log, "14 no source");
        }
        Kind k = s.kind();
        Errno lookup;
        if (src.isEmpty()) {
            lookup = EINVAL;
        } else if (k == Kind.MISSING) {
            lookup = ENOENT;
        } else if (k == Kind.BDEV || k == Kind.BDEV_READONLY) {
            lookup = null;
        } else {
            lookup = ENOTBLK;
        }
        if (lookup != null) {
            if (!byFile) {
                log.add(vfs(src + ": Can't lookup blockdev"));
            }
            String row = nonBdevRow(k, s.fs(), byFile);
            if (lookup != ENOTBLK || !byFile) {
                return Expect.failed(lookup, null, log, row);
            }
            switch (k) {
                case SOCKET:
                    return Expect.failed(ENXIO, null, log, row);
                case FIFO:
                    return Expect.blocked(null, log, row);
                case FILE:
                    if (!hasReadFolio(s.fs())) {
                        return Expect.failed(ENOTBLK, null, log, row);
                    }
                    if (r.stackingRefusal() && s.fs() == BackingFs.EROFS) {
                        log.add(r.err("erofs", "file-backed mounts cannot be applied to stacked fses"));
                        return Expect.failed(ENOTBLK, Mode.FILEIO, log, "6 stacked fs refused");
                    }
                    return mountedAfterFill(r, "erofs", Mode.FILEIO, dax, log, rootNid, row);
                default:
                    return Expect.failed(ENOTBLK, null, log, row);
            }
        }
        if (k == Kind.BDEV_READONLY && !readOnly) {
            return Expect.failed(EACCES, Mode.BDEV, log, "4 read-only bdev without ro");
        }
        return mountedAfterFill(r, k == Kind.BDEV ? "loop0" : "loop1", Mode.BDEV, dax, log, rootNid, "3 bdev");
    }

    static String nonBdevRow(Kind k, BackingFs fs, boolean byFile) {
        switch (k) {
            case FILE:
                return !byFile ? "8 file, BACKED_BY_FILE=n" : hasReadFolio(fs) ? "6 fileio" : "7 file without read_folio";
            case DIRECTORY: return "9 directory";
            case CHARDEV: return "10 chardev";
            case SOCKET: return "11 socket";
            case FIFO: return "12 fifo";
            case MISSING: return "13 missing";
            case EMPTY: return "15 empty string";
            default: throw new AssertionError(k);
        }
    }

    @Group
    @Label("§9 rows 1-15: source kind × fsid × BACKED_BY_FILE × ONDEMAND × profile × options × uuid")
    class SourceRows {
        @Property(tries = 9000, generation = GenerationMode.EXHAUSTIVE)
        @Label("every source kind, direct or through a symlink, gives the errno, mode, log lines, sb type, sysfs name, f_fsid, statfs and options of the table")
        void decisionTable(@ForAll("sources") Source source, @ForAll boolean fsid, @ForAll boolean backedByFile,
                           @ForAll boolean ondemand, @ForAll("profiles") String profile,
                           @ForAll("options") String options, @ForAll boolean zeroUuid) {
            Release r = Release.of(profile);
            byte[] img = zeroUuid ? SourceNamespace.ZERO_UUID_IMAGE : Base.IMAGE;
            Map<ConfigFlag, Boolean> config = Map.of(ConfigFlag.EROFS_FS_BACKED_BY_FILE, backedByFile,
                    ConfigFlag.EROFS_FS_ONDEMAND, ondemand);
            String opts = (fsid ? "fsid=fs1" + (options.isEmpty() ? "" : ",") : "") + options;
            boolean readOnly = source.kind() != Kind.BDEV_READONLY;
            MountOutcome actual = MountModel.predict(scenario(profile, config,
                    zeroUuid ? SourceNamespace.NS_ZERO_UUID : SourceNamespace.NS, source.path(), opts, readOnly));
            Expect e = expectSourceRow(r, source, fsid, backedByFile, ondemand, options, Base.ROOT);
            String input = "source " + source + " '" + source.path() + "', options '" + opts + "', " + profile
                    + ", BACKED_BY_FILE=" + (backedByFile ? "y" : "n") + ", ONDEMAND=" + (ondemand ? "y" : "n")
                    + (zeroUuid ? ", zero uuid" : "");
            check(e, actual, input);
            if (e.kind() == Expect.Kind.MOUNTED) {
                boolean directio = options.equals("directio") && r.directio() && backedByFile;
                String fsidShown = e.mode() == Mode.FSCACHE ? "fs1" : null;
                String sid = e.mode() == Mode.BDEV ? "loop0" : "erofs";
                checkFacts(expectFacts(e.mode(), sid, "7:0", img, directio, fsidShown, SpecBytes.u32(img, 1024 + 36),
                        options, 0), actual, input);
                Statistics.label("f_fsid").collect(e.mode().contractName() + (zeroUuid ? ", zero uuid" : ", uuid"));
            } else {
                Statistics.label("f_fsid").collect("(not mounted)");
            }
            Statistics.label("row").collect(e.row());
            Statistics.label("outcome").collect(e.outcomeLabel());
            Statistics.label("fsid").collect(!fsid ? "unset" : ondemand ? "row 1: fscache" : "row 2: ignored, logged");
            Statistics.label("row").coverage(c -> {
                for (String row : List.of("1 fscache (source ignored)", "3 bdev", "4 read-only bdev without ro",
                        "6 fileio", "6 stacked fs refused", "7 file without read_folio", "8 file, BACKED_BY_FILE=n",
                        "9 directory", "10 chardev", "11 socket", "12 fifo", "13 missing", "14 no source",
                        "15 empty string", "option error")) {
                    c.check(row).count(n -> n > 0);
                }
            });
            Statistics.label("outcome").coverage(c -> {
                for (String o : List.of("mounted", "EINVAL", "ENOENT", "ENOTBLK", "ENXIO", "EACCES", "blocked")) {
                    c.check(o).count(n -> n > 0);
                }
            });
            Statistics.label("f_fsid").coverage(c -> {
                for (Mode m : Mode.values()) {
                    c.check(m.contractName() + ", uuid").count(n -> n > 0);
                    c.check(m.contractName() + ", zero uuid").count(n -> n > 0);
                }
            });
            Statistics.label("fsid").coverage(c -> {
                c.check("row 1: fscache").count(n -> n > 0);
                c.check("row 2: ignored, logged").count(n -> n > 0);
            });
        }

        @Provide
        Arbitrary<Source> sources() {
            return Arbitraries.of(allSources());
        }

        @Provide
        Arbitrary<String> profiles() {
            return Arbitraries.of(PROFILES);
        }

        @Provide
        Arbitrary<String> options() {
            return Arbitraries.of(OPTIONS);
        }
    }

    // =======================================================================================
    // §9 multi-device rows with §4.3's device scan
    // =======================================================================================

    enum Primary { BDEV, FILEIO, FSCACHE }

    /** A {@code device=} target; slot {@code i} gets its own node of each kind. */
    enum Target {
        BDEV, BDEV_LINK, FILE_EXT4, FILE_TMPFS, FILE_LINK, DIRECTORY, CHARDEV, SOCKET, FIFO, MISSING;

        String path(int i) {
            switch (this) {
                case BDEV: return "/dev/loop" + (2 + i);
                case BDEV_LINK: return "/extra/" + i + "/to-bdev";
                case FILE_EXT4: return "/extra/" + i + "/file.ext4";
                case FILE_TMPFS: return "/extra/" + i + "/file.tmpfs";
                case FILE_LINK: return "/extra/" + i + "/to-file";
                case DIRECTORY: return "/extra/" + i + "/dir";
                case CHARDEV: return "/extra/" + i + "/chr";
                case SOCKET: return "/extra/" + i + "/sock";
                case FIFO: return "/extra/" + i + "/fifo";
                case MISSING: return "/extra/" + i + "/missing";
                default: throw new AssertionError(this);
            }
        }

        /** The kind after following a symlink. */
        Target resolved() {
            return this == BDEV_LINK ? BDEV : this == FILE_LINK ? FILE_EXT4 : this;
        }
    }

    /**
     * One multi-device mount: the primary's mode, BACKED_BY_FILE, whether DEVICE_TABLE is set,
     * the on-disk {@code extra_devices}, whether slots carry tags ({@code tag1}..), and the
     * {@code device=} targets in order.
     */
    record DevCase(String profile, Primary primary, boolean backedByFile, boolean tableBit, int ondisk,
                   boolean tagged, List<Target> given) {
        String options() {
            List<String> o = new ArrayList<>();
            if (primary == Primary.FSCACHE) {
                o.add("fsid=fs1");
            }
            for (int i = 0; i < given.size(); i++) {
                o.add("device=" + given.get(i).path(i));
            }
            return String.join(",", o);
        }

        String source() {
            return primary == Primary.BDEV ? "/dev/loop0" : primary == Primary.FILEIO ? "/img/primary.erofs" : null;
        }
    }

    static long slotBlocks(int i) {
        return 7L * (i + 1);
    }

    static long slotMapped(int i) {
        return 100L * (i + 1);
    }

    static final class DeviceNamespaces {
        private static final Map<String, VirtualNamespace> CACHE = new HashMap<>();

        /** The base image with the device table edits of a case, checksum recomputed. */
        static byte[] image(boolean tableBit, int ondisk, boolean tagged) {
            ImageEditor e = ImageEditor.of(Base.IMAGE);
            if (tableBit) {
                e.set(SuperblockField.FEATURE_INCOMPAT, e.get(SuperblockField.FEATURE_INCOMPAT) | 0x8);
            }
            e.set(SuperblockField.EXTRA_DEVICES, ondisk);
            e.set(SuperblockField.DEVT_SLOTOFF, SLOTOFF);
            for (int i = 0; i < ondisk; i++) {
                if (tagged) {
                    e.setSlotBytes(i, DeviceSlotField.TAG, ("tag" + (i + 1)).getBytes(StandardCharsets.US_ASCII));
                }
                e.setSlot(i, DeviceSlotField.BLOCKS_LO, slotBlocks(i));
                e.setSlot(i, DeviceSlotField.UNIADDR_LO, slotMapped(i));
                // 6.15+ high words: spec §1.5/§4.3, the 6.17/6.18 mount code reads only the _lo fields
                e.setSlot(i, DeviceSlotField.BLOCKS_HI, 1);
                e.setSlot(i, DeviceSlotField.UNIADDR_HI, 1);
            }
            byte[] img = e.bytes();
            SpecBytes.writeChecksum(img, 12, 0);
            return img;
        }

        static synchronized VirtualNamespace of(boolean tableBit, int ondisk, boolean tagged) {
            return CACHE.computeIfAbsent(tableBit + "/" + ondisk + "/" + tagged, k -> {
                byte[] img = image(tableBit, ondisk, tagged);
                byte[] blob = new byte[8192];
                Map<String, Node> m = new LinkedHashMap<>();
                m.put("/dev/loop0", new Node.BlockDevice(ImageBytes.of(img), new DevT(7, 0), false, 512, false));
                m.put("/img/primary.erofs", new Node.RegularFile(ImageBytes.of(img), BackingFs.EXT4));
                m.put("fscache:erofs,fs1/fs1", new Node.FscacheBlob(ImageBytes.of(img)));
                for (int i = 0; i < 4; i++) {
                    m.put("fscache:erofs,fs1/tag" + (i + 1), new Node.FscacheBlob(ImageBytes.of(blob)));
                    m.put(Target.BDEV.path(i), new Node.BlockDevice(ImageBytes.of(blob), new DevT(7, 2 + i), false, 512, false));
                    m.put(Target.BDEV_LINK.path(i), new Node.Symlink(Target.BDEV.path(i)));
                    m.put(Target.FILE_EXT4.path(i), new Node.RegularFile(ImageBytes.of(blob), BackingFs.EXT4));
                    m.put(Target.FILE_TMPFS.path(i), new Node.RegularFile(ImageBytes.of(blob), BackingFs.TMPFS));
                    m.put(Target.FILE_LINK.path(i), new Node.Symlink(Target.FILE_EXT4.path(i)));
                    m.put(Target.DIRECTORY.path(i), new Node.Directory());
                    m.put(Target.CHARDEV.path(i), new Node.CharDevice(new DevT(1, 5)));
                    m.put(Target.SOCKET.path(i), new Node.Socket());
                    m.put(Target.FIFO.path(i), new Node.Fifo());
                }
                return new VirtualNamespace(m);
            });
        }

        private DeviceNamespaces() {}
    }

    /**
     * The oracle for the multi-device rows: §9's extra table and §4.3 steps 1–5 (count check,
     * flat mode, fscache tags and cookies, per-mode opening of each {@code device=}), with §1.2's
     * rule that {@code extra_devices} counts only with DEVICE_TABLE.
     */
    static Expect expectDevices(Release r, DevCase c, long rootNid) {
        List<Line> log = new ArrayList<>();
        Mode mode = c.primary() == Primary.BDEV ? Mode.BDEV : c.primary() == Primary.FILEIO ? Mode.FILEIO : Mode.FSCACHE;
        String sid = c.primary() == Primary.BDEV ? "loop0" : "erofs";
        int ondisk = c.tableBit() ? c.ondisk() : 0;
        int given = c.given().size();
        if (given > 0 && given != ondisk) {
            log.add(r.err(sid, "extra devices don't match (ondisk " + ondisk + ", given " + given + ")"));
            if (mode == Mode.FSCACHE) {
                log.add(r.info(sid, DEPRECATED)); // after the device scan whatever it returned
            }
            return Expect.failed(EINVAL, mode, log, "count mismatch");
        }
        if (ondisk == 0) {
            return mountedAfterFill(r, sid, mode, false, log, rootNid,
                    c.ondisk() > 0 ? "extra_devices without DEVICE_TABLE: ignored" : "no extra devices");
        }
        if (given == 0 && mode != Mode.FSCACHE) {
            return mountedAfterFill(r, sid, mode, false, log, rootNid, "flat mode (no device=)");
        }
        String what = mode.contractName();
        for (int i = 0; i < ondisk; i++) {
            if (given == 0) {
                if (!c.tagged()) {
                    log.add(r.err(sid, "empty device tag @ pos " + (SLOTOFF * 128 + 128 * i)));
                    // the deprecation line follows the device scan whatever it returned
                    // [obs-6.12.107-erofssim-ondemand: fixtures/fscache multi-device-empty-tag]
                    log.add(r.info(sid, DEPRECATED));
                    return Expect.failed(EINVAL, mode, log, "fscache: empty tag");
                }
                continue; // a cookie named by the tag exists
            }
            Target t = c.given().get(i).resolved();
            switch (mode) {
                case FSCACHE:
                    // erofs_fscache_register_cookie acquires a cookie whatever the daemon serves:
                    // one without a blob fails only when it is read [obs-6.12.107-erofssim-ondemand:
                    // fixtures/fscache missing-device-blob mounts, its data reads ENOBUFS]
                    break;
                case FILEIO:
                    switch (t) {
                        case MISSING: return Expect.failed(ENOENT, mode, log, "fileio: device=missing");
                        case SOCKET: return Expect.failed(ENXIO, mode, log, "fileio: device=socket");
                        case FIFO: return Expect.blocked(mode, log, "fileio: device=fifo blocks");
                        case FILE_EXT4: case FILE_TMPFS: break;
                        default: return Expect.failed(EINVAL, mode, log, "fileio: device=non-regular");
                    }
                    break;
                default: // BDEV
                    if (t == Target.MISSING) {
                        return Expect.failed(ENOENT, mode, log, "bdev: device=missing");
                    }
                    if (t != Target.BDEV) {
                        return r.extraBdevEinval()
                                ? Expect.failed(EINVAL, mode, log, "bdev: device=non-bdev EINVAL (6.16+)")
                                : Expect.failed(ENOTBLK, mode, log, "bdev: device=non-bdev ENOTBLK (6.13 UAF)");
                    }
            }
        }
        return mountedAfterFill(r, sid, mode, false, log, rootNid,
                given == 0 ? "fscache: tags as cookies" : mode == Mode.FSCACHE ? "fscache: device= cookies without blobs"
                        : what + ": devices opened");
    }

    /**
     * §1.6/§8.1: {@code f_blocks} = primary blocks + every slot's {@code blocks} (low word), flat
     * mode included; §4.3 step 5: each device's id, tag, low-word {@code blocks} and
     * {@code mapped_blkaddr}, and what it was opened by (the {@code device=} string, the tag in
     * fscache mode, nothing in flat mode; the contract's kinds file/bdev/blob/flat).
     */
    static void checkMountedDevices(DevCase c, MountOutcome.Mounted m) {
        int ondisk = c.tableBit() ? c.ondisk() : 0;
        long total = SpecBytes.u32(Base.IMAGE, 1024 + 36);
        List<DeviceInfo> want = new ArrayList<>();
        boolean flat = c.given().isEmpty() && c.primary() != Primary.FSCACHE;
        for (int i = 0; i < ondisk; i++) {
            total += slotBlocks(i);
            String kind = flat ? "flat" : c.primary() == Primary.FSCACHE ? "blob" : c.primary() == Primary.FILEIO ? "file" : "bdev";
            String path = flat ? null : c.given().isEmpty() ? "tag" + (i + 1) : c.given().get(i).path(i);
            want.add(new DeviceInfo(i + 1, c.tagged() ? "tag" + (i + 1) : "", kind, slotBlocks(i), slotMapped(i), path));
        }
        if (m.statfs().blocks() != total || !m.devices().equals(want)) {
            throw new AssertionError(c + ": f_blocks " + total + " and devices " + want + " expected, got "
                    + m.statfs().blocks() + " and " + m.devices());
        }
        Statistics.label("mounted device kinds").collect(want.isEmpty() ? "none" : want.get(0).kind());
    }

    @Group
    @Label("§9 multi-device rows: primary bdev/fileio/fscache × device= targets × on-disk count")
    class DeviceRows {
        @Property(tries = 1000, seed = "20261124", shrinking = ShrinkingMode.FULL)
        @Label("device= count and targets give the errno, mode and log lines of spec §4.3 and §9; mounted: each device and f_blocks")
        void deviceRows(@ForAll("devCases") DevCase c) {
            Release r = Release.of(c.profile());
            Map<ConfigFlag, Boolean> config = Map.of(ConfigFlag.EROFS_FS_BACKED_BY_FILE, c.backedByFile(),
                    ConfigFlag.EROFS_FS_ONDEMAND, c.primary() == Primary.FSCACHE);
            VirtualNamespace ns = DeviceNamespaces.of(c.tableBit(), c.ondisk(), c.tagged());
            MountOutcome actual = MountModel.predict(scenario(c.profile(), config, ns, c.source(), c.options(), true));
            Expect e = expectDevices(r, c, Base.ROOT);
            check(e, actual, c + " options '" + c.options() + "'");
            if (e.kind() == Expect.Kind.MOUNTED) {
                checkMountedDevices(c, (MountOutcome.Mounted) actual);
            }

            Statistics.label("row").collect(e.row());
            Statistics.label("outcome").collect(e.outcomeLabel());
            if (e.kind() != Expect.Kind.MOUNTED) {
                Statistics.label("mounted device kinds").collect("(not mounted)");
            }
            Statistics.label("mounted device kinds").coverage(cov -> {
                for (String k : List.of("none", "flat", "file", "bdev", "blob")) {
                    cov.check(k).count(n -> n > 0);
                }
            });
            // every label collects on every try: jqwik checks coverage of a label even when the
            // property failed early, and a label without entries would hide the real failure
            if (c.given().isEmpty()) {
                Statistics.label("device= target").collect("(none)");
            }
            for (Target t : c.given()) {
                Statistics.label("device= target").collect(c.primary() + " " + t);
            }
            Statistics.label("row").coverage(cov -> {
                for (String row : List.of("count mismatch", "no extra devices",
                        "extra_devices without DEVICE_TABLE: ignored", "flat mode (no device=)",
                        "fscache: empty tag", "fscache: tags as cookies", "fscache: device= cookies without blobs",
                        "fileio: devices opened", "fileio: device=missing", "fileio: device=socket",
                        "fileio: device=fifo blocks", "fileio: device=non-regular", "bdev: devices opened",
                        "bdev: device=missing", "bdev: device=non-bdev EINVAL (6.16+)",
                        "bdev: device=non-bdev ENOTBLK (6.13 UAF)")) {
                    cov.check(row).count(n -> n > 0);
                }
            });
            Statistics.label("device= target").coverage(cov -> {
                for (Primary p : List.of(Primary.BDEV, Primary.FILEIO)) {
                    for (Target t : Target.values()) {
                        cov.check(p + " " + t).count(n -> n > 0);
                    }
                }
            });
        }

        @Provide
        Arbitrary<DevCase> devCases() {
            Arbitrary<String> profiles = Arbitraries.of(PROFILES);
            Arbitrary<Primary> primaries = Arbitraries.of(Primary.class);
            Arbitrary<Boolean> byFile = Arbitraries.of(true, false);
            Arbitrary<Boolean> tableBit = Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(5, true), net.jqwik.api.Tuple.of(1, false));
            Arbitrary<Integer> ondisk = Arbitraries.integers().between(0, 3);
            Arbitrary<Boolean> tagged = Arbitraries.of(true, false);
            return Combinators.combine(profiles, primaries, byFile, tableBit, ondisk, tagged)
                    .flatAs((p, prim, bf, tb, od, tag) -> {
                        // fileio needs BACKED_BY_FILE (else the source is refused before any device)
                        boolean backed = prim == Primary.FILEIO || bf;
                        // the count matches most of the time, so that targets are reached
                        Arbitrary<List<Target>> given = Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(6, Arbitraries.of(Target.class).list().ofSize(tb ? od : 0)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.of(Target.class).list().ofMaxSize(3)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of())));
                        return given.map(g -> new DevCase(p, prim, backed, tb, od, tag, g));
                    });
        }
    }

    // =======================================================================================
    // §4.2 checks in order, §4.1 step 4 (block size), §7.1 root inode errors
    // =======================================================================================

    /** Edits of the superblock page, named after the §4.2 check they aim at (some are not faults on every profile). */
    enum Check {
        READ_EIO, MAGIC, BLKSZBITS, DIRBLKBITS, CHECKSUM, CHECKSUM_FEATURE_OFF, INCOMPAT_UNKNOWN, INCOMPAT_48BIT,
        INCOMPAT_METABOX, EXTSLOTS, VOLUME_NAME_16, U1
    }

    /** Where root_nid points: the root, {@code d/}, {@code a.txt}, {@code link}, zeros, planted garbage. */
    enum Root { ROOT, DIR_D, FILE_A, SYMLINK, ZEROS_NID0, GARBAGE_999, LAYOUT_998, BIT4_997 }

    /**
     * One image and mount: profile, bdev (with a logical block size) or fileio, ZIP, a valid
     * {@code blkszbits} (9..12) unless BLKSZBITS overrides it, the edits with their values, the
     * root, and the data layout planted for {@link Root#LAYOUT_998}.
     */
    record SbCase(String profile, boolean bdev, int logicalBlockSize, boolean zip, int blkszbits,
                  Map<Check, Long> edits, Root root, int layout) {
        @Override public String toString() {
            return profile + (bdev ? " bdev(lbs " + logicalBlockSize + ")" : " fileio") + " ZIP=" + (zip ? "y" : "n")
                    + " blkszbits " + blkszbits + " edits " + edits + " root " + root
                    + (root == Root.LAYOUT_998 ? "(layout " + layout + ")" : "");
        }
    }

    static long nidOf(Root root) {
        switch (root) {
            case ROOT: return Base.ROOT;
            case DIR_D: return Base.NID_DIR;
            case FILE_A: return Base.NID_FILE;
            case SYMLINK: return Base.NID_LINK;
            case ZEROS_NID0: return 0;
            case GARBAGE_999: return 999;
            case LAYOUT_998: return 998;
            case BIT4_997: return 997;
            default: throw new AssertionError(root);
        }
    }

    /** The case's image: edits through {@link ImageEditor}, inodes planted, checksum by the test's CRC (+ delta). */
    static byte[] sbImage(SbCase c) {
        Map<Check, Long> x = c.edits();
        ImageEditor e = ImageEditor.of(Base.IMAGE);
        int bits = x.containsKey(Check.BLKSZBITS) ? x.get(Check.BLKSZBITS).intValue() : c.blkszbits();
        e.set(SuperblockField.BLKSZBITS, bits);
        if (x.containsKey(Check.MAGIC)) {
            e.set(SuperblockField.MAGIC, x.get(Check.MAGIC));
        }
        if (x.containsKey(Check.DIRBLKBITS)) {
            e.set(SuperblockField.DIRBLKBITS, x.get(Check.DIRBLKBITS));
        }
        if (x.containsKey(Check.CHECKSUM_FEATURE_OFF)) {
            e.set(SuperblockField.FEATURE_COMPAT, e.get(SuperblockField.FEATURE_COMPAT) & ~1L);
        }
        long incompat = e.get(SuperblockField.FEATURE_INCOMPAT);
        if (x.containsKey(Check.INCOMPAT_UNKNOWN)) {
            incompat |= x.get(Check.INCOMPAT_UNKNOWN);
        }
        if (x.containsKey(Check.INCOMPAT_48BIT)) {
            incompat |= 0x80;
        }
        if (x.containsKey(Check.INCOMPAT_METABOX)) {
            incompat |= 0x100;
        }
        e.set(SuperblockField.FEATURE_INCOMPAT, incompat);
        if (x.containsKey(Check.EXTSLOTS)) {
            e.set(SuperblockField.SB_EXTSLOTS, x.get(Check.EXTSLOTS));
        }
        if (x.containsKey(Check.VOLUME_NAME_16)) {
            long seed = x.get(Check.VOLUME_NAME_16);
            byte[] name = new byte[16];
            for (int i = 0; i < 16; i++) {
                name[i] = (byte) ('A' + ((seed >>> (4 * (i % 16))) & 0xF) + i);
            }
            e.setBytes(SuperblockField.VOLUME_NAME, name);
        }
        if (x.containsKey(Check.U1)) {
            e.set(SuperblockField.U1, x.get(Check.U1));
        }
        e.set(SuperblockField.ROOT_NID, nidOf(c.root()));
        byte[] img = e.bytes();
        switch (c.root()) {
            case GARBAGE_999: SpecBytes.put(img, 999 * 32, 2, 10051); break;
            case LAYOUT_998: SpecBytes.put(img, 998 * 32, 2, (long) c.layout() << 1); break;
            case BIT4_997: SpecBytes.put(img, 997 * 32, 2, 0x10); break;
            default: break;
        }
        int csBits = bits >= 9 && bits <= 12 ? bits : 12;
        SpecBytes.writeChecksum(img, csBits, x.getOrDefault(Check.CHECKSUM, 0L));
        return img;
    }

    /**
     * The oracle for one image, reading only the image bytes: §4.2's checks #1–#10 in order
     * (with 6.18's metabox rule after #7 and its info lines after the device scan), §4.1 step 4
     * (bdev: {@code sb_set_blocksize} fails below the logical block size; fileio on 6.12.0: the
     * CVE-2024-56750 crash of §11.1), then §7.1's inode errors and §4.1 step 8 for the root.
     */
    static Expect expectChecks(Release r, boolean bdev, int lbs, boolean zip, boolean readError, byte[] img) {
        return expectChecks(r, bdev ? Mode.BDEV : Mode.FILEIO, lbs, zip, readError, img, (iloc, bs) -> slice(img, iloc),
                0, new ArrayList<>());
    }

    /** 32 bytes of {@code img} at {@code at}, zeros past its end. */
    static byte[] slice(byte[] img, long at) {
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            out[i] = (byte) SpecBytes.u8(img, at + i);
        }
        return out;
    }

    /** Where an inode's first 32 bytes are read from, given its {@code iloc} and the block size. */
    interface InodeReader {
        byte[] at(long iloc, int bs);
    }

    /**
     * As above for any mode, with {@code img} the first metadata page as read (superblock and
     * checksum), {@code inodes} where inode bytes come from (see {@link #inodesWithOffset}) and, on
     * 6.18, §4.7 step 6's fsoffset checks between the block size step and the root inode; fscache
     * refuses a block size other than PAGE_SIZE (§4.1 step 4).
     */
    static Expect expectChecks(Release r, Mode mode, int lbs, boolean zip, boolean readError, byte[] img,
                               InodeReader inodes, long fsoffset, List<Line> log) {
        boolean bdev = mode == Mode.BDEV;
        String sid = bdev ? "loop0" : "erofs";
        int sb = SpecBytes.SB;
        if (readError) {
            log.add(r.err(sid, "cannot read erofs superblock"));
            return Expect.failed(EIO, mode, log, "#1 read error");
        }
        if (SpecBytes.u32(img, sb) != SpecBytes.MAGIC) {
            log.add(r.err(sid, "cannot find valid erofs superblock"));
            return Expect.failed(EINVAL, mode, log, "#2 magic");
        }
        int bits = SpecBytes.u8(img, sb + 12);
        if (bits < 9 || bits > 12) {
            log.add(r.err(sid, "blkszbits " + bits + " isn't supported"));
            return Expect.failed(EINVAL, mode, log, "#3 blkszbits");
        }
        int dirblkbits = SpecBytes.u8(img, sb + 90);
        if (dirblkbits != 0) {
            log.add(r.err(sid, "dirblkbits " + dirblkbits + " isn't supported"));
            return Expect.failed(EINVAL, mode, log, "#4 dirblkbits");
        }
        if ((SpecBytes.u32(img, sb + 8) & 1) != 0) {
            long computed = SpecBytes.kernelChecksum(img, bits);
            long stored = SpecBytes.u32(img, sb + 4);
            if (computed != stored) {
                log.add(r.err(sid, String.format("invalid checksum 0x%08x, 0x%08x expected", computed, stored)));
                return Expect.failed(EBADMSG, mode, log, "#5 checksum");
            }
        }
        long incompat = SpecBytes.u32(img, sb + 80);
        long unknown = incompat & ~r.incompatMask() & 0xFFFFFFFFL;
        if (unknown != 0) {
            log.add(r.err(sid, "unidentified incompatible feature " + Long.toHexString(unknown)
                    + ", please upgrade kernel"));
            return Expect.failed(EINVAL, mode, log, "#6 incompatible feature");
        }
        int sbSize = 128 + 16 * SpecBytes.u8(img, sb + 13);
        if (sbSize > 4096 - 1024) {
            log.add(r.err(sid, "invalid sb_extslots " + sbSize + " (more than a fs block)"));
            return Expect.failed(EINVAL, mode, log, "#7 sb_extslots");
        }
        if (r.metabox() && (incompat & 0x100) != 0 && sbSize <= 128) {
            return Expect.failed(EUCLEAN, mode, log, "#7b metabox without extslot (6.18, silent)");
        }
        if (r.volumeNameNul()) {
            boolean nul = false;
            for (int i = 0; i < 16; i++) {
                nul |= SpecBytes.u8(img, sb + 64 + i) == 0;
            }
            if (!nul) {
                log.add(r.err(sid, "bad volume name without NIL terminator"));
                return Expect.failed(EUCLEAN, mode, log, "#9 volume name without NUL (6.12/6.13)");
            }
        }
        if (!zip && SpecBytes.u16(img, sb + 84) != 0) {
            log.add(r.err(sid, "compression disabled, unable to mount compressed EROFS"));
            return Expect.failed(EOPNOTSUPP, mode, log, "#10 ZIP=n and u1 != 0");
        }
        // #11: no device table in these images
        if ((r.incompatMask() & 0x80) != 0 && (incompat & 0x80) != 0) {
            log.add(r.info(sid, "EXPERIMENTAL 48-bit layout support in use. Use at your own risk!"));
        }
        if (mode == Mode.FSCACHE) {
            log.add(r.info(sid, DEPRECATED)); // §4.2 #12, the end of read_superblock
        }
        if (bits != 12) {
            if (mode == Mode.FSCACHE) {
                log.add(fc("unsupported blksize for fscache mode"));
                return Expect.failed(EINVAL, mode, log, "§4.1 fscache blksize");
            }
            if (bdev && (1 << bits) < lbs) {
                log.add(fc("failed to set erofs blksize"));
                return Expect.failed(EINVAL, mode, log, "§4.1 bdev blksize below sector size");
            }
            if (!bdev && !r.subpageFileio()) {
                return Expect.crashed(mode, log, "§11.1 6.12.0 fileio sub-page crash");
            }
        }
        if (fsoffset != 0) {
            long bs = 1L << bits;
            if ((fsoffset & (bs - 1)) != 0) {
                log.add(fc("fsoffset " + Long.toUnsignedString(fsoffset) + " is not aligned to block size " + bs));
                return Expect.failed(EINVAL, mode, log, "§4.7 fsoffset not aligned");
            }
            if (mode == Mode.FSCACHE) {
                log.add(fc("cannot use fsoffset in fscache mode"));
                return Expect.failed(EINVAL, mode, log, "§4.7 fsoffset in fscache mode");
            }
        }
        return rootAndMount(r, sid, mode, img, inodes, SpecBytes.rootNid(img), bits, log);
    }

    /**
     * §7.1's inode checks for the root (i_format bits, data layout, file type) and §4.1 step 8
     * (a directory), then the final line; inodes past the end of the image read as zeros (§6.1).
     */
    static Expect rootAndMount(Release r, String sid, Mode mode, byte[] img, InodeReader inodes, long nid, int bits,
                               List<Line> log) {
        long iloc = SpecBytes.u32(img, SpecBytes.SB + 40) * (1L << bits) + nid * 32;
        byte[] inode = inodes.at(iloc, 1 << bits);
        int ifmt = SpecBytes.u16(inode, 0);
        int imode = SpecBytes.u16(inode, 4);
        if ((ifmt & ~(r.nlink1Bit() ? 0x1F : 0x0F)) != 0) {
            log.add(r.err(sid, "unsupported i_format " + ifmt + " of nid " + nid));
            return Expect.failed(EOPNOTSUPP, mode, log, "root: unsupported i_format");
        }
        int layout = (ifmt >> 1) & 7;
        if (layout >= 5) {
            log.add(r.err(sid, "unsupported datalayout " + layout + " of nid " + nid));
            return Expect.failed(EOPNOTSUPP, mode, log, "root: unsupported datalayout");
        }
        int type = imode & 0170000;
        if (type != 0100000 && type != 0040000 && type != 0120000 && type != 0020000 && type != 0060000
                && type != 0010000 && type != 0140000) {
            log.add(r.err(sid, "bogus i_mode (" + Integer.toOctalString(imode) + ") @ nid " + nid));
            return Expect.failed(EUCLEAN, mode, log, "root: bogus i_mode");
        }
        if (type != 0040000) {
            log.add(r.err(sid, "rootino(nid " + nid + ") is not a directory(i_mode " + Integer.toOctalString(imode) + ")"));
            return Expect.failed(EINVAL, mode, log, "root: not a directory");
        }
        log.add(r.info(sid, "mounted with root inode @ nid " + nid + "."));
        return Expect.mounted(mode, log, "mounted");
    }

    /**
     * §1.2's 48-bit rules on 6.18 (not on 6.12/6.13, where 0x80 is refused): with 48BIT and
     * {@code rootnid_8b != 0} the root is {@code rootnid_8b} and the primary's blocks are
     * {@code (blocks_hi << 32) | blocks_lo}, {@code blocks_hi} being the 16 bits at offset 14;
     * otherwise the root is those 16 bits and the blocks {@code blocks_lo}.
     */
    static Expect expect48(Release r, byte[] img, boolean bit48, long rootNid8b, int field14, long blocksLo,
                           long[] blocksOut) {
        List<Line> log = new ArrayList<>();
        if (bit48 && (r.incompatMask() & 0x80) == 0) {
            log.add(r.err("erofs", "unidentified incompatible feature 80, please upgrade kernel"));
            return Expect.failed(EINVAL, Mode.FILEIO, log, "0x80 refused (6.12/6.13)");
        }
        boolean use8b = bit48 && rootNid8b != 0;
        long root = use8b ? rootNid8b : field14;
        blocksOut[0] = use8b ? ((long) field14 << 32) | blocksLo : blocksLo;
        if (bit48) {
            log.add(r.info("erofs", "EXPERIMENTAL 48-bit layout support in use. Use at your own risk!"));
        }
        Expect e = rootAndMount(r, "erofs", Mode.FILEIO, img, (iloc, bs) -> slice(img, iloc), root, 12, log);
        return new Expect(e.kind(), e.errno(), e.mode(), e.log(),
                (use8b ? "root from rootnid_8b → " : bit48 ? "48BIT, rootnid_8b 0: 16-bit root → " : "no 48BIT: 16-bit root → ")
                        + e.row());
    }

    /** Order of the rows above, for "was check X reached" statistics. */
    static int rank(String row) {
        if (row.startsWith("#7b")) {
            return 8;
        }
        if (row.startsWith("#")) {
            return Integer.parseInt(row.substring(1, row.indexOf(' ')));
        }
        return 20;
    }

    static MountOutcome mountImage(String profile, boolean bdev, int lbs, boolean zip, Faults faults, byte[] img,
                                   String options) {
        ImageBytes bytes = ImageBytes.of(img).withFaults(faults);
        Map<String, Node> m = new HashMap<>();
        m.put("/dev/loop0", new Node.BlockDevice(bytes, new DevT(7, 0), false, lbs, false));
        m.put("/img/test.erofs", new Node.RegularFile(bytes, BackingFs.EXT4));
        Map<ConfigFlag, Boolean> config = new EnumMap<>(ConfigFlag.class);
        config.put(ConfigFlag.EROFS_FS_ZIP, zip);
        return MountModel.predict(scenario(profile, config, new VirtualNamespace(m),
                bdev ? "/dev/loop0" : "/img/test.erofs", options, true));
    }

    @Group
    @Label("§4.2 erofs_read_superblock checks in order, then block size and root inode")
    class SuperblockChecks {
        @Property(tries = 1500, seed = "4242")
        @Label("with up to three faults on a real image, the first one in the spec's order decides errno and message")
        void firstFailingCheckDecides(@ForAll("sbCases") SbCase c) {
            Release r = Release.of(c.profile());
            byte[] img = sbImage(c);
            boolean eio = c.edits().containsKey(Check.READ_EIO);
            Faults faults = eio ? new Faults(Map.of(0L, Faults.Kind.EIO)) : Faults.NONE;
            MountOutcome actual = mountImage(c.profile(), c.bdev(), c.logicalBlockSize(), c.zip(), faults, img, null);
            Expect e = expectChecks(r, c.bdev(), c.logicalBlockSize(), c.zip(), eio, img);
            check(e, actual, c);

            Statistics.label("decided by").collect(e.row());
            Statistics.label("edits per image").collect(c.edits().size());
            int reached = rank(e.row());
            // every label collects on every try (see DeviceRows)
            Statistics.label("per profile").collect("(any)");
            if (c.edits().containsKey(Check.INCOMPAT_48BIT) && reached >= 6) {
                Statistics.label("per profile").collect(c.profile() + " 0x80 48BIT → " + e.row());
            }
            if (c.edits().containsKey(Check.INCOMPAT_METABOX) && reached >= 6) {
                Statistics.label("per profile").collect(c.profile() + " 0x100 METABOX → " + e.row());
            }
            if (c.edits().containsKey(Check.INCOMPAT_UNKNOWN) && reached >= 6) {
                Statistics.label("per profile").collect(c.profile() + " unknown incompat → " + e.row());
            }
            if (c.edits().containsKey(Check.VOLUME_NAME_16) && reached >= 9) {
                Statistics.label("per profile").collect(c.profile() + " 16-byte volume name → " + e.row());
            }
            Statistics.label("decided by").coverage(cov -> {
                for (String row : List.of("#1 read error", "#2 magic", "#3 blkszbits", "#4 dirblkbits", "#5 checksum",
                        "#6 incompatible feature", "#7 sb_extslots", "#7b metabox without extslot (6.18, silent)",
                        "#9 volume name without NUL (6.12/6.13)", "#10 ZIP=n and u1 != 0",
                        "§4.1 bdev blksize below sector size", "§11.1 6.12.0 fileio sub-page crash",
                        "root: unsupported i_format", "root: unsupported datalayout", "root: bogus i_mode",
                        "root: not a directory", "mounted")) {
                    cov.check(row).count(n -> n > 0);
                }
            });
            Statistics.label("per profile").coverage(cov -> {
                for (String p : List.of("6.12", "6.13")) {
                    cov.check(p + " 0x80 48BIT → #6 incompatible feature").count(n -> n > 0);
                    cov.check(p + " 0x100 METABOX → #6 incompatible feature").count(n -> n > 0);
                    cov.check(p + " 16-byte volume name → #9 volume name without NUL (6.12/6.13)").count(n -> n > 0);
                }
                cov.check("6.18 0x100 METABOX → #7b metabox without extslot (6.18, silent)").count(n -> n > 0);
                cov.check("6.18 0x80 48BIT → mounted").count(n -> n > 0);
                cov.check("6.18 16-byte volume name → mounted").count(n -> n > 0);
                for (String p : PROFILES) {
                    cov.check(p + " unknown incompat → #6 incompatible feature").count(n -> n > 0);
                }
            });
        }

        @Property(tries = 600, seed = "4848", edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
        @Label("48-bit layout: root from rootnid_8b and blocks from blocks_hi:blocks_lo only with 48BIT and a non-zero rootnid_8b")
        void fortyEightBit(@ForAll("profiles") String profile, @ForAll boolean bit48, @ForAll("nids8b") long rootNid8b,
                           @ForAll("field14") int field14, @ForAll("u32") long blocksLo) {
            Release r = Release.of(profile);
            ImageEditor ed = ImageEditor.of(Base.IMAGE).set(SuperblockField.FEATURE_INCOMPAT, bit48 ? 0x80 : 0)
                    .set(SuperblockField.ROOTNID_8B, rootNid8b).set(SuperblockField.ROOT_NID, field14)
                    .set(SuperblockField.BLOCKS_LO, blocksLo);
            byte[] img = ed.bytes();
            SpecBytes.writeChecksum(img, 12, 0);
            MountOutcome actual = mountImage(profile, false, 512, true, Faults.NONE, img, null);
            long[] blocks = new long[1];
            Expect e = expect48(r, img, bit48, rootNid8b, field14, blocksLo, blocks);
            String input = profile + " 48BIT=" + bit48 + " rootnid_8b=" + rootNid8b + " @14=" + field14
                    + " blocks_lo=" + blocksLo;
            check(e, actual, input);
            if (actual instanceof MountOutcome.Mounted m && m.statfs().blocks() != blocks[0]) {
                throw new AssertionError(input + ": f_blocks " + blocks[0] + " expected, got " + m.statfs().blocks());
            }
            Statistics.label("case").collect(profile + ": " + e.row());
            Statistics.label("case").coverage(cov -> {
                cov.check("6.18: root from rootnid_8b → mounted").count(n -> n > 0);
                cov.check("6.18: root from rootnid_8b → root: not a directory").count(n -> n > 0);
                cov.check("6.18: root from rootnid_8b → root: bogus i_mode").count(n -> n > 0);
                cov.check("6.18: 48BIT, rootnid_8b 0: 16-bit root → mounted").count(n -> n > 0);
                for (String p : PROFILES) {
                    cov.check(p + ": no 48BIT: 16-bit root → mounted").count(n -> n > 0);
                }
                cov.check("6.13: 0x80 refused (6.12/6.13)").count(n -> n > 0);
                cov.check("6.12: 0x80 refused (6.12/6.13)").count(n -> n > 0);
            });
        }

        @Provide
        Arbitrary<String> profiles() {
            return Arbitraries.of(PROFILES);
        }

        /** 0, the root, d/, a.txt, or a nid past the image (zeros). */
        @Provide
        Arbitrary<Long> nids8b() {
            return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, Arbitraries.just(0L)),
                    net.jqwik.api.Tuple.of(3, Arbitraries.of(Base.ROOT, Base.NID_DIR, Base.NID_FILE)),
                    net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(36864 / 32, 1L << 40)));
        }

        /** The root or d/ (a 16-bit root that mounts), or a value whose inode lies past the image. */
        @Provide
        Arbitrary<Integer> field14() {
            return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, Arbitraries.of((int) Base.ROOT, (int) Base.NID_DIR)),
                    net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(36864 / 32, 0xFFFF)));
        }

        @Provide
        Arbitrary<Long> u32() {
            return Arbitraries.longs().between(0, 0xFFFFFFFFL);
        }

        @Provide
        Arbitrary<SbCase> sbCases() {
            Arbitrary<Map<Check, Long>> edits = Arbitraries.of(Check.class).list().uniqueElements().ofMaxSize(3)
                    .flatMap(ks -> {
                        if (ks.isEmpty()) {
                            return Arbitraries.just(new EnumMap<Check, Long>(Check.class));
                        }
                        List<Arbitrary<Map.Entry<Check, Long>>> parts = new ArrayList<>();
                        for (Check k : ks) {
                            parts.add(param(k).map(v -> Map.entry(k, v)));
                        }
                        return Combinators.combine(parts).as(entries -> {
                            Map<Check, Long> m = new EnumMap<>(Check.class);
                            entries.forEach(en -> m.put(en.getKey(), en.getValue()));
                            return m;
                        });
                    });
            Arbitrary<Root> roots = Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(8, Root.ROOT), net.jqwik.api.Tuple.of(1, Root.DIR_D),
                    net.jqwik.api.Tuple.of(1, Root.FILE_A), net.jqwik.api.Tuple.of(1, Root.SYMLINK),
                    net.jqwik.api.Tuple.of(1, Root.ZEROS_NID0), net.jqwik.api.Tuple.of(1, Root.GARBAGE_999),
                    net.jqwik.api.Tuple.of(1, Root.LAYOUT_998), net.jqwik.api.Tuple.of(1, Root.BIT4_997));
            Arbitrary<Integer> blkszbits = Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(9, 12), net.jqwik.api.Tuple.of(1, 9), net.jqwik.api.Tuple.of(1, 10),
                    net.jqwik.api.Tuple.of(1, 11));
            return Combinators.combine(Arbitraries.of(PROFILES), Arbitraries.of(true, false), Arbitraries.of(512, 4096),
                    Arbitraries.of(true, false), blkszbits, edits, roots, Arbitraries.integers().between(5, 7))
                    .as((p, bdev, lbs, zip, bits, ed, root, layout) -> {
                        Map<Check, Long> m = new EnumMap<>(Check.class);
                        m.putAll(ed);
                        // metabox with 1..184 extslots would read metabox_nid from the root inode's bytes
                        if (m.containsKey(Check.INCOMPAT_METABOX) && m.getOrDefault(Check.EXTSLOTS, 255L) <= 184) {
                            m.remove(Check.EXTSLOTS);
                        }
                        // with ZIP=y a non-zero u1 is parsed as compression configs, outside this spec
                        if (zip) {
                            m.remove(Check.U1);
                        }
                        return new SbCase(p, bdev, lbs, zip, bits, m, root, layout);
                    });
        }

        Arbitrary<Long> param(Check k) {
            switch (k) {
                case MAGIC:
                    return Arbitraries.longs().between(0, 0xFFFFFFFFL).filter(v -> v != SpecBytes.MAGIC);
                case BLKSZBITS:
                    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.of(8L, 13L)),
                            net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 8)),
                            net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(13, 255)));
                case DIRBLKBITS:
                    return Arbitraries.longs().between(1, 255);
                case CHECKSUM:
                    return Arbitraries.longs().between(1, 0xFFFFFFFFL);
                case INCOMPAT_UNKNOWN:
                    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, Arbitraries.of(0x200L, 0x400L, 0x80000000L)),
                            net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0x200, 0xFFFFFFFFL)
                                    .map(v -> v & ~0x1FFL).filter(v -> v != 0)));
                case EXTSLOTS:
                    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(185, 255)),
                            net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 184)));
                case VOLUME_NAME_16:
                    return Arbitraries.longs();
                case U1:
                    return Arbitraries.longs().between(1, 0xFFFF);
                default:
                    return Arbitraries.just(0L);
            }
        }
    }

    // =======================================================================================
    // §10 verified examples, verbatim
    // =======================================================================================

    /** One row of §10's "Verified examples" table (6.18.44, fileio unless it says loop). */
    record Verified(String name, UnaryOperator<byte[]> image, boolean bdev, int lbs, String options, Errno errno,
                    List<String> log, long bsize) {
        @Override public String toString() {
            return name;
        }
    }

    static UnaryOperator<byte[]> edit(UnaryOperator<ImageEditor> f, boolean fixChecksum) {
        return img -> {
            byte[] out = f.apply(ImageEditor.of(img)).bytes();
            if (fixChecksum) {
                int bits = SpecBytes.u8(out, 1024 + 12);
                SpecBytes.writeChecksum(out, bits >= 9 && bits <= 12 ? bits : 12, 0);
            }
            return out;
        };
    }

    static List<Verified> verifiedExamples() {
        String p = "erofs (device erofs): ";
        String mounted = p + "mounted with root inode @ nid 36.";
        List<Verified> v = new ArrayList<>();
        v.add(new Verified("file-backed mount", img -> img, false, 512, null, null, List.of(mounted), 4096));
        v.add(new Verified("loop-backed mount", img -> img, true, 512, null, null,
                List.of("erofs (device loop0): mounted with root inode @ nid 36."), 4096));
        v.add(new Verified("magic patched", edit(e -> e.set(SuperblockField.MAGIC, 0x12345678), true), false, 512,
                null, EINVAL, List.of(p + "cannot find valid erofs superblock"), 0));
        for (int b : new int[] {8, 13}) {
            v.add(new Verified("blkszbits " + b, edit(e -> e.set(SuperblockField.BLKSZBITS, b), true), false, 512,
                    null, EINVAL, List.of(p + "blkszbits " + b + " isn't supported"), 0));
        }
        for (int b : new int[] {9, 10, 11}) {
            v.add(new Verified("blkszbits " + b + " on a 4 KiB-built image (fileio)",
                    edit(e -> e.set(SuperblockField.BLKSZBITS, b), true), false, 512, null, null, List.of(mounted), 1L << b));
        }
        v.add(new Verified("dirblkbits 1", edit(e -> e.set(SuperblockField.DIRBLKBITS, 1), true), false, 512, null,
                EINVAL, List.of(p + "dirblkbits 1 isn't supported"), 0));
        v.add(new Verified("incompat 0x80000000", edit(e -> e.set(SuperblockField.FEATURE_INCOMPAT, 0x80000000L), true),
                false, 512, null, EINVAL,
                List.of(p + "unidentified incompatible feature 80000000, please upgrade kernel"), 0));
        v.add(new Verified("incompat 0x200", edit(e -> e.set(SuperblockField.FEATURE_INCOMPAT, 0x200), true), false, 512,
                null, EINVAL, List.of(p + "unidentified incompatible feature 200, please upgrade kernel"), 0));
        v.add(new Verified("incompat 0x80 (48-bit, rootnid_8b 0)",
                edit(e -> e.set(SuperblockField.FEATURE_INCOMPAT, 0x80), true), false, 512, null, null,
                List.of(p + "EXPERIMENTAL 48-bit layout support in use. Use at your own risk!", mounted), 4096));
        v.add(new Verified("incompat 0x100, extslots 0", edit(e -> e.set(SuperblockField.FEATURE_INCOMPAT, 0x100), true),
                false, 512, null, EUCLEAN, List.of(), 0));
        v.add(new Verified("sb_extslots 255", edit(e -> e.set(SuperblockField.SB_EXTSLOTS, 255), true), false, 512,
                null, EINVAL, List.of(p + "invalid sb_extslots 4208 (more than a fs block)"), 0));
        v.add(new Verified("unknown compat bits", edit(e -> e.set(SuperblockField.FEATURE_COMPAT,
                e.get(SuperblockField.FEATURE_COMPAT) | 0xFFFFFF00L), true), false, 512, null, null, List.of(mounted), 4096));
        v.add(new Verified("16-byte volume name", edit(e -> e.setBytes(SuperblockField.VOLUME_NAME,
                "ABCDEFGHIJKLMNOP".getBytes(StandardCharsets.US_ASCII)), true), false, 512, null, null, List.of(mounted), 4096));
        v.add(new Verified("root nid → regular file", edit(e -> e.set(SuperblockField.ROOT_NID, 40), true), false, 512,
                null, EINVAL, List.of(p + "rootino(nid 40) is not a directory(i_mode 100644)"), 0));
        v.add(new Verified("root nid 0 (zeros)", edit(e -> e.set(SuperblockField.ROOT_NID, 0), true), false, 512, null,
                EUCLEAN, List.of(p + "bogus i_mode (0) @ nid 0"), 0));
        v.add(new Verified("root nid 999 (garbage)", edit(e -> e.set(SuperblockField.ROOT_NID, 999)
                .write(999 * 32, new byte[] {(byte) (10051 & 0xFF), (byte) (10051 >> 8)}), true), false, 512, null,
                EOPNOTSUPP, List.of(p + "unsupported i_format 10051 of nid 999"), 0));
        long stored = SpecBytes.u32(Base.IMAGE, 1028);
        v.add(new Verified("bad checksum", edit(e -> e.set(SuperblockField.CHECKSUM, stored + 1), false), false, 512,
                null, EBADMSG, List.of(String.format(p + "invalid checksum 0x%08x, 0x%08x expected", stored, stored + 1)), 0));
        v.add(new Verified("empty file", img -> new byte[0], false, 512, null, EINVAL,
                List.of(p + "cannot find valid erofs superblock"), 0));
        v.add(new Verified("512-byte file", img -> java.util.Arrays.copyOf(img, 512), false, 512, null, EINVAL,
                List.of(p + "cannot find valid erofs superblock"), 0));
        byte[] truncated = java.util.Arrays.copyOf(Base.IMAGE, 2048);
        v.add(new Verified("image truncated to 2048 bytes", img -> java.util.Arrays.copyOf(img, 2048), false, 512, null,
                EBADMSG, List.of(String.format(p + "invalid checksum 0x%08x, 0x%08x expected",
                SpecBytes.kernelChecksum(truncated, 12), stored)), 0));
        v.add(new Verified("loop with 4096-byte sectors, blkszbits 9",
                edit(e -> e.set(SuperblockField.BLKSZBITS, 9), true), true, 4096, null, EINVAL,
                List.of("erofs: failed to set erofs blksize"), 0));
        v.add(new Verified("-o dax (fileio)", img -> img, false, 512, "dax", null,
                List.of(p + "DAX unsupported by block device. Turning off DAX.", mounted), 4096));
        return v;
    }

    @Group
    @Label("§10 verified examples (6.18.44), errno and dmesg verbatim")
    class VerifiedExamples {
        @Property(tries = 100, generation = GenerationMode.EXHAUSTIVE)
        @Label("each observed example gives the observed errno and lines")
        void observed(@ForAll("examples") Verified v) {
            if (Base.NID_FILE != 40 || Base.ROOT != 36) {
                throw new IllegalStateException("mkfs.erofs laid the image out unlike spec §10's (root "
                        + Base.ROOT + ", a.txt " + Base.NID_FILE + ")");
            }
            byte[] img = v.image().apply(Base.IMAGE);
            MountOutcome o = mountImage("6.18", v.bdev(), v.lbs(), true, Faults.NONE, img, v.options());
            Mode mode = v.bdev() ? Mode.BDEV : Mode.FILEIO;
            List<Line> lines = new ArrayList<>();
            v.log().forEach(l -> lines.add(Line.exact(l)));
            Expect e = v.errno() == null ? Expect.mounted(mode, lines, v.name()) : Expect.failed(v.errno(), mode, lines, v.name());
            check(e, o, v);
            if (o instanceof MountOutcome.Mounted m && m.statfs().bsize() != v.bsize()) {
                throw new AssertionError(v + ": statfs bsize " + v.bsize() + " expected, got " + m.statfs().bsize());
            }
            Statistics.label("example").collect(v.name());
            Statistics.label("errno").collect(v.errno() == null ? "0" : String.valueOf(v.errno().number()));
            Statistics.label("example").coverage(cov -> verifiedExamples().forEach(x -> cov.check(x.name()).count(n -> n == 1)));
        }

        @Provide
        Arbitrary<Verified> examples() {
            return Arbitraries.of(verifiedExamples());
        }
    }

    // =======================================================================================
    // §4.7 step 6: fsoffset (6.16+)
    // =======================================================================================

    /**
     * §4.7 step 6 / §6.1: a metadata read of byte {@code off} gets page {@code (fsoffset + off) >> 12}
     * of the device, and the bytes it uses start at the in-page offset of {@code off} alone. One read
     * is one page: the superblock read ({@code off} 0) gives the whole first page the checks and the
     * checksum look at; an inode is read at its block start. The device is {@code placement} zero
     * bytes, then the image.
     */
    static byte[] devicePage(byte[] image, int placement, long pageIndex) {
        byte[] page = new byte[4096];
        for (int i = 0; i < 4096; i++) {
            long at = pageIndex * 4096 + i - placement;
            page[i] = at >= 0 && at < image.length ? image[(int) at] : 0;
        }
        return page;
    }

    static InodeReader inodesWithOffset(byte[] image, int placement, long fsoffset) {
        return (iloc, bs) -> {
            long blockStart = iloc & -(long) bs;
            byte[] page = devicePage(image, placement, (fsoffset + blockStart) >>> 12);
            return slice(page, (blockStart & 4095) + (iloc - blockStart));
        };
    }

    /** One fsoffset mount: profile, mode, the option's text and value, where the image sits, its block size. */
    record OffCase(String profile, Mode mode, String text, long value, int placement, int blkszbits) {}

    static Expect expectFsoffset(Release r, OffCase c, byte[] image) {
        List<Line> log = new ArrayList<>();
        if (!r.fsoffsetOption()) {
            log.add(fc("Unknown parameter 'fsoffset'"));
            return Expect.failed(EINVAL, null, log, "fsoffset unknown before 6.16");
        }
        byte[] sbPage = devicePage(image, c.placement(), c.value() >>> 12);
        return expectChecks(r, c.mode(), 512, true, false, sbPage,
                inodesWithOffset(image, c.placement(), c.value()), c.value(), log);
    }

    @Group
    @Label("§4.7 step 6: fsoffset= per mode, alignment and placement")
    class FsOffset {
        @Property(tries = 1500, seed = "1616", edgeCases = net.jqwik.api.EdgeCasesMode.NONE)
        @Label("fsoffset moves the metadata page, is refused when not block-aligned and, aligned, in fscache mode")
        void fsoffset(@ForAll("offCases") OffCase c) {
            Expect e = mountWithOffset(c);
            Statistics.label("case").collect(c.mode().contractName() + ": " + e.row());
            Statistics.label("case").coverage(cov -> {
                for (String mode : List.of("bdev", "fileio")) {
                    cov.check(mode + ": mounted").count(n -> n > 0);
                    cov.check(mode + ": §4.7 fsoffset not aligned").count(n -> n > 0);
                    cov.check(mode + ": #2 magic").count(n -> n > 0);
                    cov.check(mode + ": fsoffset unknown before 6.16").count(n -> n > 0);
                }
                cov.check("fscache: mounted").count(n -> n > 0);
                cov.check("fscache: §4.7 fsoffset in fscache mode").count(n -> n > 0);
                cov.check("fscache: §4.1 fscache blksize").count(n -> n > 0);
            });
        }

        /**
         * The slice the property above leaves out: fscache mode with an fsoffset that is not a
         * multiple of the (4 KiB) block size and a superblock found. Spec §4.7 step 6 checks the
         * alignment first (so does the kernel: {@code fsoffset & (s_blocksize - 1)} before
         * {@code erofs_is_fscache_mode}).
         */
        @Property(generation = GenerationMode.EXHAUSTIVE)
        @Label("fscache with a misaligned fsoffset: the alignment message comes first")
        void fsoffsetFscacheMisaligned(@ForAll("fscacheMisaligned") OffCase c) {
            Expect e = mountWithOffset(c);
            Statistics.label("case").collect(c.profile() + " " + c.mode().contractName() + ": " + e.row());
            Statistics.label("case").coverage(cov -> cov.check("6.18 fscache: §4.7 fsoffset not aligned").count(n -> n > 0));
        }

        Expect mountWithOffset(OffCase c) {
            Release r = Release.of(c.profile());
            byte[] image = ImageEditor.of(Base.IMAGE).set(SuperblockField.BLKSZBITS, c.blkszbits()).bytes();
            SpecBytes.writeChecksum(image, c.blkszbits(), 0);
            byte[] dev = new byte[c.placement() + image.length];
            System.arraycopy(image, 0, dev, c.placement(), image.length);
            Map<String, Node> m = new HashMap<>();
            m.put("/dev/loop0", new Node.BlockDevice(ImageBytes.of(dev), new DevT(7, 0), false, 512, false));
            m.put("/img/test.erofs", new Node.RegularFile(ImageBytes.of(dev), BackingFs.EXT4));
            m.put("fscache:erofs,fs1/fs1", new Node.FscacheBlob(ImageBytes.of(dev)));
            boolean fscache = c.mode() == Mode.FSCACHE;
            String source = c.mode() == Mode.BDEV ? "/dev/loop0" : "/img/test.erofs";
            String options = (fscache ? "fsid=fs1," : "") + "fsoffset=" + c.text();
            MountOutcome actual = MountModel.predict(scenario(c.profile(), Map.of(ConfigFlag.EROFS_FS_ONDEMAND, fscache),
                    new VirtualNamespace(m), source, options, true));
            Expect e = expectFsoffset(r, c, image);
            check(e, actual, c + " options '" + options + "'");
            if (e.kind() == Expect.Kind.MOUNTED) {
                String sid = c.mode() == Mode.BDEV ? "loop0" : "erofs";
                checkFacts(expectFacts(c.mode(), sid, "7:0", image, false, fscache ? "fs1" : null,
                        SpecBytes.u32(image, 1024 + 36), "", c.value()), actual, c);
            }
            return e;
        }

        static final List<Tuple2<String, Long>> OFFSETS = List.of(Tuple.of("100", 100L), Tuple.of("512", 512L),
                Tuple.of("3584", 3584L), Tuple.of("4095", 4095L), Tuple.of("4096", 4096L), Tuple.of("0x1000", 4096L),
                Tuple.of("4608", 4608L), Tuple.of("8192", 8192L), Tuple.of("0", 0L));

        static boolean fscacheMisaligned(OffCase c) {
            return c.mode() == Mode.FSCACHE && c.blkszbits() == 12 && c.value() % 4096 != 0;
        }

        /** All combinations (exhaustive) but the disabled slice below. */
        @Provide
        Arbitrary<OffCase> offCases() {
            return Combinators.combine(Arbitraries.of(PROFILES), Arbitraries.of(Mode.class), Arbitraries.of(OFFSETS),
                    Arbitraries.of(0, 4096, 8192), Arbitraries.of(12, 9))
                    .as((p, mode, off, placement, bits) -> new OffCase(p, mode, off.get1(), off.get2(), placement, bits))
                    .filter(c -> !fscacheMisaligned(c));
        }

        @Provide
        Arbitrary<OffCase> fscacheMisaligned() {
            return Combinators.combine(Arbitraries.of(PROFILES), Arbitraries.of(OFFSETS), Arbitraries.of(0, 4096, 8192))
                    .as((p, off, placement) -> new OffCase(p, Mode.FSCACHE, off.get1(), off.get2(), placement, 12))
                    .filter(DecisionTableProperties.FsOffset::fscacheMisaligned);
        }
    }

    // =======================================================================================
    // §9 row 3 / §3.2: a second mount of a mounted block device reuses its superblock
    // =======================================================================================

    /** Two mounts in a row: the first (read-only) and the second with its own options and flags. */
    record TwoMounts(String profile, Source first, String firstOptions, Source second, String secondOptions,
                     boolean secondReadOnly) {}

    /** The bdev a source reaches, or null. */
    static String bdevName(Source s) {
        return s.kind() == Kind.BDEV ? "loop0" : s.kind() == Kind.BDEV_READONLY ? "loop1" : null;
    }

    @Group
    @Label("§9 row 3 and §3.2: second mounts (superblock reuse, RO state, fresh fileio superblocks)")
    class SecondMounts {
        @Property(tries = 1500, generation = GenerationMode.EXHAUSTIVE)
        @Label("a mounted bdev is reused silently with the first mount's options, or EBUSY without ro; files get new superblocks")
        void secondMount(@ForAll("pairs") TwoMounts t) {
            Release r = Release.of(t.profile());
            Map<ConfigFlag, Boolean> config = Map.of();
            Scenario sc = Scenario.builder().name("two")
                    .kernel(new KernelConfig(Releases.resolve(t.profile().equals("6.12") ? "6.12.0" : t.profile()).profile(), config))
                    .namespace(SourceNamespace.NS).source(t.second().path()).options(t.secondOptions())
                    .readOnly(t.secondReadOnly())
                    .before(List.of(new Scenario.Mount(t.first().path(), t.firstOptions(), true))).build();
            MountOutcome actual = MountModel.predict(sc);

            Expect first = expectSourceRow(r, t.first(), false, true, false, t.firstOptions(), Base.ROOT, true);
            String live = first.kind() == Expect.Kind.MOUNTED ? bdevName(t.first()) : null;
            String target = bdevName(t.second());
            Expect e;
            Facts facts = null;
            List<Line> log = new ArrayList<>();
            boolean optionError = t.secondOptions().equals("foo") || (t.secondOptions().equals("directio") && !r.directio());
            if (!optionError && target != null && target.equals(live)) {
                if (!t.secondReadOnly()) {
                    log.add(vfs(target + ": Can't mount, would change RO state"));
                    e = Expect.failed(Errno.EBUSY, Mode.BDEV, log, "3 reuse: RO state differs → EBUSY");
                } else {
                    e = Expect.mounted(Mode.BDEV, log, "3 reuse: silent, first mount's options");
                    facts = expectFacts(Mode.BDEV, target, target.equals("loop0") ? "7:0" : "7:1", Base.IMAGE, false,
                            null, SpecBytes.u32(Base.IMAGE, 1024 + 36), t.firstOptions(), 0);
                }
            } else {
                e = expectSourceRow(r, t.second(), false, true, false, t.secondOptions(), Base.ROOT, t.secondReadOnly());
                if (e.kind() == Expect.Kind.MOUNTED) {
                    String sid = e.mode() == Mode.BDEV ? target : "erofs";
                    boolean directio = t.secondOptions().equals("directio");
                    facts = expectFacts(e.mode(), sid, "loop0".equals(target) ? "7:0" : "7:1", Base.IMAGE, directio, null,
                            SpecBytes.u32(Base.IMAGE, 1024 + 36), t.secondOptions(), 0);
                }
                e = new Expect(e.kind(), e.errno(), e.mode(), e.log(), (live != null && live.equals(target)
                        ? "option error before reuse" : "fresh: " + e.row()));
            }
            check(e, actual, t);
            if (facts != null) {
                checkFacts(facts, actual, t);
            }
            Statistics.label("second mount").collect(e.row());
            Statistics.label("second mount").coverage(cov -> {
                cov.check("3 reuse: silent, first mount's options").count(n -> n > 0);
                cov.check("3 reuse: RO state differs → EBUSY").count(n -> n > 0);
                cov.check("fresh: 6 fileio").count(n -> n > 0);
                cov.check("fresh: 3 bdev").count(n -> n > 0);
                cov.check("fresh: 4 read-only bdev without ro").count(n -> n > 0);
                cov.check("option error before reuse").count(n -> n > 0);
            });
        }

        @Provide
        Arbitrary<TwoMounts> pairs() {
            List<Source> firsts = List.of(new Source(Kind.BDEV, null, false), new Source(Kind.BDEV_READONLY, null, false),
                    new Source(Kind.FILE, BackingFs.EXT4, false));
            List<Source> seconds = List.of(new Source(Kind.BDEV, null, false), new Source(Kind.BDEV, null, true),
                    new Source(Kind.BDEV_READONLY, null, false), new Source(Kind.FILE, BackingFs.EXT4, false));
            return Combinators.combine(Arbitraries.of(PROFILES), Arbitraries.of(firsts), Arbitraries.of("", "foo", "noacl"),
                    Arbitraries.of(seconds), Arbitraries.of("", "noacl,nouser_xattr", "directio", "foo"), Arbitraries.of(true, false))
                    .as(TwoMounts::new);
        }
    }
}
