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
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfiles;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.props.Expect;
import org.erofssim.props.Expect.Line;
import org.erofssim.props.RealImages;
import org.erofssim.props.SpecBytes;

/**
 * {@link MountModel#predict} against an oracle written in this file from the text of
 * {@code kernel-mount-path.md}: the decision table of §9 (with §2's option gates and §3's
 * get_tree), its multi-device rows with §4.3's device scan, the superblock checks of §4.2 in
 * their order (plus §4.1's block-size step and §7.1's root-inode errors), and §10's verified
 * examples verbatim.
 *
 * <p>The oracle never calls model code to compute an expectation. Images are a real
 * {@code mkfs.erofs} image edited with {@link ImageEditor}; the superblock checksum is recomputed
 * with the test's own CRC ({@link SpecBytes#kernelChecksum}), and the oracle reads the bytes it
 * needs with {@link SpecBytes}.
 */
@AddLifecycleHook(RealImages.RequireMkfs.class)
@Label("Mount decision table, superblock checks and device rows (spec §9, §4.2, §4.3, §10)")
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
     * EINVAL, §7.1 bit 4 = NLINK_1).
     */
    record Release(String name, boolean newLogFormat, boolean directio, long incompatMask, boolean volumeNameNul,
                   boolean stackingRefusal, boolean daxInScan, boolean extraBdevEinval, boolean subpageFileio,
                   boolean nlink1Bit, boolean metabox) {
        static Release of(String name) {
            switch (name) {
                case "6.12": return new Release(name, false, false, 0x7F, true, false, false, false, false, false, false);
                case "6.13": return new Release(name, true, true, 0x7F, true, false, false, false, true, false, false);
                case "6.18": return new Release(name, true, true, 0x1FF, false, true, true, true, true, true, true);
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

    static Scenario scenario(String profile, Map<ConfigFlag, Boolean> config, VirtualNamespace ns, String source,
                             String options, boolean readOnly) {
        KernelConfig kc = new KernelConfig(KernelProfiles.byName(profile).orElseThrow(), config);
        return new Scenario("prop", kc, ns, source, options, readOnly, List.of(), false, false, false);
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
    static final List<String> OPTIONS = List.of("", "acl,user_xattr", "directio", "dax", "foo");

    static final class SourceNamespace {
        static final VirtualNamespace NS;

        static {
            byte[] img = Base.IMAGE;
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
            NS = new VirtualNamespace(m);
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
                    break;
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
        if (k == Kind.BDEV_READONLY) {
            return Expect.failed(EACCES, Mode.BDEV, log, "4 read-only bdev without ro");
        }
        return mountedAfterFill(r, "loop0", Mode.BDEV, dax, log, rootNid, "3 bdev");
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
    @Label("§9 rows 1-15: source kind × fsid × BACKED_BY_FILE × ONDEMAND × profile × options")
    class SourceRows {
        @Property(tries = 4000, generation = GenerationMode.EXHAUSTIVE)
        @Label("every source kind, direct or through a symlink, gives the errno, mode and log lines of the table")
        void decisionTable(@ForAll("sources") Source source, @ForAll boolean fsid, @ForAll boolean backedByFile,
                           @ForAll boolean ondemand, @ForAll("profiles") String profile,
                           @ForAll("options") String options) {
            Release r = Release.of(profile);
            Map<ConfigFlag, Boolean> config = Map.of(ConfigFlag.EROFS_FS_BACKED_BY_FILE, backedByFile,
                    ConfigFlag.EROFS_FS_ONDEMAND, ondemand);
            String opts = (fsid ? "fsid=fs1" + (options.isEmpty() ? "" : ",") : "") + options;
            boolean readOnly = source.kind() != Kind.BDEV_READONLY;
            MountOutcome actual = MountModel.predict(
                    scenario(profile, config, SourceNamespace.NS, source.path(), opts, readOnly));
            Expect e = expectSourceRow(r, source, fsid, backedByFile, ondemand, options, Base.ROOT);
            String input = "source " + source + " '" + source.path() + "', options '" + opts + "', " + profile
                    + ", BACKED_BY_FILE=" + (backedByFile ? "y" : "n") + ", ONDEMAND=" + (ondemand ? "y" : "n");
            check(e, actual, input);

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
            for (int i = 0; i < ondisk && tagged; i++) {
                e.setSlotBytes(i, DeviceSlotField.TAG, ("tag" + (i + 1)).getBytes(StandardCharsets.US_ASCII));
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
                    return Expect.failed(EINVAL, mode, log, "fscache: empty tag");
                }
                continue; // a cookie named by the tag exists
            }
            Target t = c.given().get(i).resolved();
            String path = c.given().get(i).path(i);
            switch (mode) {
                case FSCACHE:
                    log.add(r.err(sid, "failed to get cookie for " + path));
                    return Expect.failed(EINVAL, mode, log, "fscache: device= names no cookie");
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
                given == 0 ? "fscache: tags as cookies" : what + ": devices opened");
    }

    @Group
    @Label("§9 multi-device rows: primary bdev/fileio/fscache × device= targets × on-disk count")
    class DeviceRows {
        @Property(tries = 1000, seed = "20261124", shrinking = ShrinkingMode.FULL)
        @Label("device= count and targets give the errno, mode and log lines of spec §4.3 and §9")
        void deviceRows(@ForAll("devCases") DevCase c) {
            Release r = Release.of(c.profile());
            Map<ConfigFlag, Boolean> config = Map.of(ConfigFlag.EROFS_FS_BACKED_BY_FILE, c.backedByFile(),
                    ConfigFlag.EROFS_FS_ONDEMAND, c.primary() == Primary.FSCACHE);
            VirtualNamespace ns = DeviceNamespaces.of(c.tableBit(), c.ondisk(), c.tagged());
            MountOutcome actual = MountModel.predict(scenario(c.profile(), config, ns, c.source(), c.options(), true));
            Expect e = expectDevices(r, c, Base.ROOT);
            check(e, actual, c + " options '" + c.options() + "'");

            Statistics.label("row").collect(e.row());
            Statistics.label("outcome").collect(e.outcomeLabel());
            for (Target t : c.given()) {
                Statistics.label("device= target").collect(c.primary() + " " + t);
            }
            Statistics.label("row").coverage(cov -> {
                for (String row : List.of("count mismatch", "no extra devices",
                        "extra_devices without DEVICE_TABLE: ignored", "flat mode (no device=)",
                        "fscache: empty tag", "fscache: tags as cookies", "fscache: device= names no cookie",
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
}
