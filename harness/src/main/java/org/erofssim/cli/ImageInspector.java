package org.erofssim.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.contract.MountOutcome;
import org.erofssim.ondisk.DataLayout;
import org.erofssim.ondisk.DeviceSlot;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.InodeRecord;
import org.erofssim.ondisk.Superblock;
import org.erofssim.ondisk.SuperblockChecksum;
import org.erofssim.ondisk.SuperblockField;

/**
 * Decodes an image for {@code inspect}: every superblock field with its absolute byte offset,
 * the feature names, derived values, the root inode record, the device table slots, the first
 * field the kernel would refuse (in the order of spec §4.2), and the model's mount of the image
 * as a file-backed source (with the tree when the model walks it).
 *
 * <p>Nothing here decides on its own whether the kernel mounts the image: the superblock checks
 * only name the byte the kernel stops at; the model's outcome is the verdict.
 */
final class ImageInspector {
    private static final int PAGE_SIZE = 4096;
    private static final int PAGE_SHIFT = 12;
    /** The model's paths for the image and its extra devices. */
    static final String IMAGE_NODE = "/inspect/image";
    static final String DEVICE_NODE = "/inspect/device";

    /** One superblock field: absolute offset, width, the value as printed, and what it means. */
    record Field(String name, int offset, int width, Object value, String note) {}

    /** The first byte the kernel refuses; {@code offset} is -1 where no byte can be named. */
    record Problem(long offset, String field, String message) {
        String oneLine(String image) {
            return offset < 0 ? image + ": " + message : image + ": byte " + offset + " (" + field + "): " + message;
        }
    }

    /** One device table slot. */
    record Slot(int index, int deviceId, long offset, String tag, String tagHex, long blocksLo, long uniaddrLo,
                long blocksHi, int uniaddrHi, boolean beyondEnd) {}

    /** An extra device given with {@code --device}. */
    record GivenDevice(String path, long size) {}

    /** The root inode record as decoded (no checks: the model makes them). */
    record RootInode(long nid, long offset, InodeRecord inode, boolean beyondEnd) {}

    record Report(String image, long size, KernelProfile kernel, Superblock sb, List<Field> fields,
                  Map<String, Object> derived, RootInode root, boolean tableHonoured, long tableOffset,
                  List<Slot> slots, List<GivenDevice> given, List<Problem> problems, MountOutcome outcome) {
        /** The first problem, or null when the image mounts. */
        Problem problem() {
            return problems.isEmpty() ? null : problems.get(0);
        }
    }

    private ImageInspector() {}

    static Report inspect(String imageArg, List<String> deviceArgs, KernelProfile profile) {
        Path image = regularFile(imageArg, "IMAGE");
        ImageBytes bytes = map(image, imageArg);
        long size = bytes.size();
        List<GivenDevice> given = new ArrayList<>();
        List<ImageBytes> deviceBytes = new ArrayList<>();
        for (String d : deviceArgs) {
            Path p = regularFile(d, "--device");
            ImageBytes b = map(p, d);
            deviceBytes.add(b);
            given.add(new GivenDevice(d, b.size()));
        }

        ByteBuffer page0 = bytes.readFully(0, PAGE_SIZE);
        Superblock sb = Superblock.decode(page0);
        List<Problem> problems = new ArrayList<>();
        check(sb, page0, size, profile, given.size(), problems);

        boolean has48 = profile.has(Behavior.LAYOUT_48BIT);
        boolean use8b = has48 && FeatureIncompat.BIT48.in(sb.featureIncompat()) && sb.rootNid8b() != 0;
        long rootNid = use8b ? sb.rootNid8b() : sb.rootNid();
        long primaryBlocks = use8b ? ((long) sb.blocksHi() << 32) | sb.blocksLo() : sb.blocksLo();
        boolean blkOk = sb.blkszbits() >= 9 && sb.blkszbits() <= PAGE_SHIFT;
        long bs = 1L << Math.max(0, Math.min(sb.blkszbits(), 30));

        boolean honoured = FeatureIncompat.DEVICE_TABLE.in(sb.featureIncompat());
        long tableOffset = (long) sb.devtSlotoff() * DeviceSlot.SIZE;
        List<Slot> slots = new ArrayList<>();
        long slotBlocks = 0;
        if (honoured) {
            for (int i = 0; i < sb.extraDevices(); i++) {
                long pos = DeviceSlot.position(sb.devtSlotoff(), i);
                DeviceSlot s = DeviceSlot.decode(bytes.readFully(pos, DeviceSlot.SIZE), 0);
                slots.add(new Slot(i, i + 1, pos, s.tagString(), hexTrimmed(s.tag()), s.blocksLo(), s.uniaddrLo(),
                        s.blocksHi(), s.uniaddrHi(), pos + DeviceSlot.SIZE > size));
                slotBlocks += s.blocksLo();
            }
        }

        RootInode root = null;
        // a root nid with bit 63 set lives in the metabox inode's data (erofs_iloc of a metabox nid), which
        // may be compressed: its record is not at a byte of the image, so none is decoded here (the model's
        // mount below reads it); nid * 32 would wrap to byte 0 of the meta area, a confident wrong record
        if (blkOk && rootNid >= 0) {
            long iloc = sb.metaBlkaddr() * bs + rootNid * InodeRecord.COMPACT_SIZE;
            if (iloc >= 0) {
                InodeRecord r = InodeRecord.decode(bytes.readFully(iloc, InodeRecord.EXTENDED_SIZE), 0);
                root = new RootInode(rootNid, iloc, r, iloc + r.isize() > size);
            }
        }

        Map<String, Object> derived = new LinkedHashMap<>();
        derived.put("blockSize", blkOk ? bs : null);
        derived.put("superblockSize", sb.sbSize());
        derived.put("rootNid", rootNid);
        derived.put("rootInodeOffset", root == null ? null : root.offset());
        derived.put("primaryBlocks", primaryBlocks);
        derived.put("totalBlocks", primaryBlocks + slotBlocks);
        derived.put("imageBlocks", blkOk ? (size + bs - 1) / bs : null);
        derived.put("inodeTableOffset", blkOk ? sb.metaBlkaddr() * bs : null);
        derived.put("sharedXattrOffset", blkOk ? sb.xattrBlkaddr() * bs : null);
        derived.put("extraDevices", honoured ? sb.extraDevices() : 0);
        int ondisk = honoured ? sb.extraDevices() : 0;
        derived.put("deviceIdMask", ondisk == 0 ? 0 : Integer.highestOneBit(ondisk) * 2 - 1);
        derived.put("flatMode", ondisk > 0 && given.isEmpty());

        MountOutcome outcome = mount(profile, bytes, deviceBytes);
        if (problems.isEmpty() && !(outcome instanceof MountOutcome.Mounted)) {
            problems.add(modelProblem(outcome, root, profile));
        }
        return new Report(imageArg, size, profile, sb, fields(sb, page0, profile), derived, root, honoured,
                tableOffset, slots, given, problems, outcome);
    }

    private static Path regularFile(String arg, String what) {
        Path p = Scenarios.path(arg, what);
        if (!Files.exists(p)) {
            throw CliException.badInput(arg + ": no such file");
        }
        if (Files.isDirectory(p)) {
            throw CliException.badInput(arg + ": is a directory, expected an image file");
        }
        if (!Files.isRegularFile(p)) {
            throw CliException.badInput(arg + ": not a regular file");
        }
        if (!Files.isReadable(p)) {
            throw CliException.badInput(arg + ": not readable");
        }
        return p;
    }

    private static ImageBytes map(Path p, String arg) {
        try {
            return ImageBytes.map(p);
        } catch (UncheckedIOException e) {
            IOException c = e.getCause();
            throw CliException.badInput(arg + ": cannot map: " + (c == null || c.getMessage() == null ? "I/O error" : c.getMessage()));
        }
    }

    /**
     * The superblock checks of {@code erofs_read_superblock} in the kernel's order (spec §4.2,
     * 6.18 additions per profile), each naming the byte it looks at; then the device count.
     * Only the first problem is the kernel's; later ones are kept for the report.
     */
    private static void check(Superblock sb, ByteBuffer page0, long size, KernelProfile profile, int givenDevices,
                              List<Problem> out) {
        if (sb.magic() != Superblock.MAGIC) {
            String why = size < SuperblockField.MAGIC.absoluteOffset() + 4
                    ? "the image is only " + size + " bytes long (reads as zeros past the end)"
                    : String.format("0x%08x", sb.magic());
            out.add(at(SuperblockField.MAGIC, why + ", expected 0xe0f5e1e2: cannot find valid erofs superblock"));
            return;
        }
        if (sb.blkszbits() < 9 || sb.blkszbits() > PAGE_SHIFT) {
            out.add(at(SuperblockField.BLKSZBITS, "blkszbits " + sb.blkszbits() + " isn't supported (9.." + PAGE_SHIFT + ")"));
            return;
        }
        if (sb.dirblkbits() != 0) {
            out.add(at(SuperblockField.DIRBLKBITS, "dirblkbits " + sb.dirblkbits() + " isn't supported (must be 0)"));
            return;
        }
        if (FeatureCompat.SB_CHKSUM.in(sb.featureCompat())) {
            long crc = SuperblockChecksum.compute(page0, sb.blkszbits());
            if (crc != sb.checksum()) {
                int end = Superblock.OFFSET + SuperblockChecksum.coveredLength(sb.blkszbits());
                out.add(at(SuperblockField.CHECKSUM, String.format(
                        "invalid checksum 0x%08x, 0x%08x expected (crc32c of bytes 1024..%d)", crc, sb.checksum(), end - 1)));
                return;
            }
        }
        long unknown = sb.featureIncompat() & ~(long) profile.supportedIncompat();
        if (unknown != 0) {
            out.add(at(SuperblockField.FEATURE_INCOMPAT, "unidentified incompatible feature " + Long.toHexString(unknown)
                    + " for kernel " + profile.name()));
            return;
        }
        if (sb.sbSize() > PAGE_SIZE - Superblock.OFFSET) {
            out.add(at(SuperblockField.SB_EXTSLOTS, "invalid sb_extslots " + sb.sbSize() + " (more than a fs block)"));
            return;
        }
        if (profile.has(Behavior.METABOX) && FeatureIncompat.METABOX.in(sb.featureIncompat())) {
            if (sb.sbSize() <= Superblock.BASE_SIZE) {
                out.add(at(SuperblockField.SB_EXTSLOTS, "metabox is set but sb_extslots is 0 (no room for metabox_nid): EUCLEAN"));
                return;
            }
            if (sb.metaboxNid() < 0) {
                out.add(at(SuperblockField.METABOX_NID, "metabox_nid has bit 63 set: EUCLEAN"));
                return;
            }
        }
        if (!profile.has(Behavior.VOLUME_NAME_16_BYTES) && !hasNul(sb.volumeName())) {
            out.add(at(SuperblockField.VOLUME_NAME, "bad volume name without NIL terminator"));
            return;
        }
        int ondisk = FeatureIncompat.DEVICE_TABLE.in(sb.featureIncompat()) ? sb.extraDevices() : 0;
        if (givenDevices > 0 && givenDevices != ondisk) {
            out.add(at(SuperblockField.EXTRA_DEVICES, "extra devices don't match (ondisk " + ondisk + ", given "
                    + givenDevices + ")" + (ondisk == 0 && sb.extraDevices() != 0 ? "; device_table is not set" : "")));
        }
    }

    private static Problem at(SuperblockField f, String message) {
        return new Problem(f.absoluteOffset(), name(f), message);
    }

    /** A failure the superblock checks do not explain: the model's errno and log; the root inode's byte when the log names its nid. */
    private static Problem modelProblem(MountOutcome o, RootInode root, KernelProfile profile) {
        String what;
        if (o instanceof MountOutcome.Failed) {
            MountOutcome.Failed f = (MountOutcome.Failed) o;
            what = "the " + profile.name() + " model refuses the mount with " + f.errno().name();
        } else if (o instanceof MountOutcome.Crashed) {
            what = "the modelled " + profile.name() + " kernel crashes: " + ((MountOutcome.Crashed) o).what();
        } else {
            what = "the " + profile.name() + " model's mount does not return: " + ((MountOutcome.Blocked) o).reason();
        }
        String log = o.log().isEmpty() ? "no log line" : "log: " + String.join(" | ", o.log());
        java.util.regex.Pattern rootNid = root == null ? null
                : java.util.regex.Pattern.compile("\\bnid:? " + root.nid() + "(?!\\d)");
        if (rootNid != null && o.log().stream().anyMatch(l -> rootNid.matcher(l).find())) {
            return new Problem(root.offset(), "root inode, nid " + root.nid(), what + " (" + log + ")");
        }
        return new Problem(-1, null, what + " (" + log + ")");
    }

    /** The model's file-backed mount of the image (and the given devices), reading the tree. */
    private static MountOutcome mount(KernelProfile profile, ImageBytes image, List<ImageBytes> devices) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        nodes.put(IMAGE_NODE, new Node.RegularFile(image, BackingFs.EXT4));
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            String path = DEVICE_NODE + (i + 1);
            nodes.put(path, new Node.RegularFile(devices.get(i), BackingFs.EXT4));
            opts.add("device=" + path);
        }
        Scenario s = Scenario.builder().name("inspect").kernel(KernelConfig.of(profile))
                .namespace(new VirtualNamespace(nodes)).source(IMAGE_NODE).options(String.join(",", opts))
                .read(true).build();
        return Scenarios.predict(s, "the inspected image");
    }

    /**
     * Every superblock field in offset order, with the profile's reading of it; {@code metabox_nid}
     * only when {@code sb_extslots} makes room for it (else those bytes are not the superblock's).
     */
    private static List<Field> fields(Superblock sb, ByteBuffer page0, KernelProfile profile) {
        List<Field> out = new ArrayList<>();
        boolean has48 = profile.has(Behavior.LAYOUT_48BIT);
        boolean bit48 = FeatureIncompat.BIT48.in(sb.featureIncompat());
        for (SuperblockField f : SuperblockField.values()) {
            Object value;
            String note = "";
            long v = sb.get(f);
            switch (f) {
                case MAGIC:
                    value = hex32(v);
                    note = v == Superblock.MAGIC ? "EROFS_SUPER_MAGIC_V1" : "not the erofs magic 0xe0f5e1e2";
                    break;
                case CHECKSUM:
                    value = hex32(v);
                    if (!FeatureCompat.SB_CHKSUM.in(sb.featureCompat())) {
                        note = "not checked (sb_csum not set)";
                    } else if (sb.blkszbits() < 9 || sb.blkszbits() > PAGE_SHIFT) {
                        note = "not checked (blkszbits refused first)";
                    } else {
                        long crc = SuperblockChecksum.compute(page0, sb.blkszbits());
                        note = "computed " + hex32(crc) + (crc == v ? ": ok" : ": MISMATCH");
                    }
                    break;
                case FEATURE_COMPAT:
                    value = hex32(v);
                    note = compatNames(v);
                    break;
                case FEATURE_INCOMPAT:
                    value = hex32(v);
                    note = incompatNames(v, profile);
                    break;
                case BLKSZBITS:
                    value = v;
                    note = v >= 9 && v <= PAGE_SHIFT ? "block size " + (1 << v) : "unsupported (9.." + PAGE_SHIFT + ")";
                    break;
                case SB_EXTSLOTS:
                    value = v;
                    note = "superblock size " + sb.sbSize() + (sb.sbSize() > PAGE_SIZE - Superblock.OFFSET ? " (too big)" : "");
                    break;
                case ROOT_NID:
                    value = v;
                    note = has48 && bit48 && sb.rootNid8b() != 0 ? "read as blocks_hi (48-bit layout, rootnid_8b set)" : "root directory nid";
                    break;
                case INOS:
                    value = unsigned(v);
                    note = "inode count";
                    break;
                case EPOCH:
                    value = unsigned(v);
                    note = has48 ? "epoch (base seconds of compact inode times)" : "build_time (time of every compact inode)";
                    break;
                case FIXED_NSEC:
                    value = v;
                    note = has48 ? "fixed_nsec" : "build_time_nsec";
                    break;
                case BLOCKS_LO:
                    value = v;
                    note = "primary device blocks" + (has48 && bit48 && sb.rootNid8b() != 0 ? " (low 32 bits)" : "");
                    break;
                case META_BLKADDR:
                    value = v;
                    note = "inode table (nid 0) block";
                    break;
                case XATTR_BLKADDR:
                    value = v;
                    note = "shared xattr block";
                    break;
                case UUID:
                    value = sb.uuidString();
                    note = isZero(sb.uuid()) ? "all zero (f_fsid from the device number, or 0)" : "";
                    break;
                case VOLUME_NAME:
                    value = printable(sb.volumeName());
                    note = "hex " + HexFormat.of().formatHex(sb.volumeName())
                            + (hasNul(sb.volumeName()) ? "" : !profile.has(Behavior.VOLUME_NAME_16_BYTES)
                            ? " (no NUL: refused by this kernel)" : " (16 bytes, no NUL)");
                    break;
                case U1:
                    value = String.format("0x%04x", v);
                    note = FeatureIncompat.COMPR_CFGS.in(sb.featureIncompat())
                            ? "available_compr_algs " + algorithms((int) v) : "lz4_max_distance " + v;
                    break;
                case EXTRA_DEVICES:
                    value = v;
                    note = FeatureIncompat.DEVICE_TABLE.in(sb.featureIncompat()) ? "device table slots"
                            : v == 0 ? "" : "ignored: device_table not set";
                    break;
                case DEVT_SLOTOFF:
                    value = v;
                    note = FeatureIncompat.DEVICE_TABLE.in(sb.featureIncompat())
                            ? "device table at byte " + v * DeviceSlot.SIZE : "unused (device_table not set)";
                    break;
                case DIRBLKBITS:
                    value = v;
                    note = v == 0 ? "" : "must be 0";
                    break;
                case XATTR_PREFIX_COUNT:
                    value = v;
                    note = "long xattr name prefixes";
                    break;
                case XATTR_PREFIX_START:
                    value = v;
                    break;
                case PACKED_NID:
                    value = unsigned(v);
                    note = FeatureIncompat.FRAGMENTS.in(sb.featureIncompat()) ? "packed (fragments) inode" : "unused (fragments not set)";
                    break;
                case XATTR_FILTER_RESERVED:
                    value = v;
                    break;
                case BUILD_TIME:
                    value = v;
                    note = has48 ? "mkfs time, seconds after epoch" : "reserved in this kernel";
                    break;
                case ROOTNID_8B:
                    value = unsigned(v);
                    note = !has48 ? "reserved in this kernel" : bit48 ? (v != 0 ? "root nid (48-bit layout)" : "0: root_nid used")
                            : "unused (48bit not set)";
                    break;
                case METABOX_NID:
                    if (sb.sbExtslots() == 0) {
                        // not part of the superblock: its bytes are whatever follows it (issue 13: no junk value)
                        continue;
                    }
                    value = unsigned(v);
                    note = profile.has(Behavior.METABOX) && FeatureIncompat.METABOX.in(sb.featureIncompat())
                            ? "metabox inode nid" : "unused (metabox not set or not in this kernel)";
                    break;
                default:
                    value = v;
            }
            out.add(new Field(name(f), f.absoluteOffset(), f.width(), value, note));
        }
        return out;
    }

    /** The kernel's lower-case name of a field ({@code feature_incompat}, {@code rootnid_8b}). */
    static String name(SuperblockField f) {
        return f.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Compat bit 0x20, {@code EROFS_FEATURE_COMPAT_ISHARE_XATTRS} of erofs-utils 1.9 ({@code include/erofs_fs.h}
     * of 1.9.4): {@code mkfs.erofs --xattr-inode-digest} sets it with the digest xattrs' long prefix, for the
     * inode page-cache sharing that no modelled kernel has. A compat bit: the kernel ignores it, the mount and
     * the digest xattrs read as without it; dump.erofs 1.9 prints {@code ishare_xattrs}.
     */
    static final long ISHARE_XATTRS = 0x20;

    static String compatNames(long bits) {
        List<String> names = new ArrayList<>();
        for (FeatureCompat f : FeatureCompat.decode((int) bits)) {
            names.add(f.dumpName());
        }
        long unknown = bits & ~(long) FeatureCompat.knownMask();
        if ((unknown & ISHARE_XATTRS) != 0) {
            names.add("ishare_xattrs (erofs-utils 1.9 --xattr-inode-digest; not a kernel feature here, ignored)");
            unknown &= ~ISHARE_XATTRS;
        }
        if (unknown != 0) {
            names.add("unknown " + hex32(unknown) + " (ignored)");
        }
        return names.isEmpty() ? "none" : String.join(" ", names);
    }

    static String incompatNames(long bits, KernelProfile profile) {
        List<String> names = new ArrayList<>();
        for (FeatureIncompat f : FeatureIncompat.decode((int) bits)) {
            names.add(String.join(" ", f.laterDumpNames())); // as current dump.erofs prints them
        }
        long unsupported = bits & ~(long) profile.supportedIncompat();
        if (unsupported != 0) {
            names.add("unsupported by " + profile.name() + ": " + hex32(unsupported));
        }
        return names.isEmpty() ? "none" : String.join(" ", names);
    }

    /** Bit names of {@code available_compr_algs}: Z_EROFS_COMPRESSION_LZ4 = 0, LZMA 1, DEFLATE 2, ZSTD 3. */
    static String algorithms(int bits) {
        String[] names = {"lz4", "lzma", "deflate", "zstd"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(i < names.length ? names[i] : "bit" + i);
            }
        }
        return out.isEmpty() ? "none" : String.join(",", out);
    }

    static String hex32(long v) {
        return String.format("0x%08x", v & 0xFFFFFFFFL);
    }

    static Object unsigned(long v) {
        return v >= 0 ? (Object) v : new java.math.BigInteger(Long.toUnsignedString(v));
    }

    static boolean hasNul(byte[] b) {
        for (byte x : b) {
            if (x == 0) {
                return true;
            }
        }
        return false;
    }

    static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** Bytes up to the first NUL, non-printable ones as {@code \xNN}. */
    static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            if (x == 0) {
                break;
            }
            int c = x & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }

    /** Hex of the bytes up to the last non-zero one (empty for all zero). */
    private static String hexTrimmed(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return HexFormat.of().formatHex(b, 0, n);
    }

    /** The layout name of an inode, or {@code invalid(N)}. */
    static String layoutName(InodeRecord r) {
        return r.layout().map(DataLayout::name).orElse("invalid(" + r.layoutBits() + ")");
    }

    /** {@code ls}-style type of a mode's {@code S_IFMT} bits. */
    static String fileType(int mode) {
        switch (mode & 0xF000) {
            case 0x8000: return "file";
            case 0x4000: return "dir";
            case 0xA000: return "symlink";
            case 0x2000: return "chr";
            case 0x6000: return "blk";
            case 0x1000: return "fifo";
            case 0xC000: return "sock";
            default: return "bogus";
        }
    }
}
