package org.erofssim.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.OverlayBytes;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.ondisk.FieldEdit;
import org.erofssim.ondisk.Superblock;
import org.erofssim.ondisk.SuperblockChecksum;
import org.erofssim.ondisk.SuperblockField;

/**
 * One try of a device-slot-table fuzz campaign: a base image, the edits made to its slot table,
 * how the primary is given (an image file, file-backed, or a loop device), the {@code device=}
 * options, and whether the tree is read after a successful mount.
 *
 * @param base        the image the edits start from
 * @param source      file-backed or loop-backed primary
 * @param fixChecksum recompute the superblock checksum after the edits (else a CRC mismatch is likely)
 * @param edits       the edits, applied in order
 * @param devices     the {@code device=} options, in order
 * @param read        walk the tree (hashes, errors) when the mount succeeds
 * @param bytes       byte edits anywhere in the image (superblock, inodes, dirents, xattrs,
 *                    indexes, data), applied after the slot edits and before the checksum is fixed
 * @param options     further mount options after the {@code device=} ones, each a whole
 *                    comma-separated item ({@code acl}, {@code dax=never}, {@code fsoffset=4096}...)
 * @param config      CONFIG overrides of the mount's kernel (the scenario's {@code "config"})
 * @param context     the mount context beyond source, devices and options: the mount API, the
 *                    primary's backing filesystem, block size, DAX and faults, a mount before this
 *                    one, fscache mode ({@link Context#NONE}: a plain mount(2) of an ext4 file or a loop device)
 */
public record FuzzCase(BaseImage base, Source source, boolean fixChecksum, List<SlotEdit> edits,
                       List<DeviceArg> devices, boolean read, List<ByteEdit> bytes, List<String> options,
                       Map<ConfigFlag, Boolean> config, Context context) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<ConfigFlag, Boolean> NO_CONFIG =
            java.util.Collections.unmodifiableMap(new EnumMap<>(ConfigFlag.class));
    /** The node path of the fscache blob of fscache mode ({@code fsid=fs1}). */
    static final String FSCACHE_BLOB = "fscache:erofs,fs1/fs1";
    /** The node path of the loop device of an earlier mount that claims the source ({@link Before#SOURCE_CLAIMED}). */
    static final String CLAIMING_LOOP = "/dev/loop20";

    public FuzzCase {
        edits = List.copyOf(edits);
        devices = List.copyOf(devices);
        bytes = List.copyOf(bytes);
        options = List.copyOf(options);
        if (config.isEmpty()) { // most cases: one shared empty map instead of an EnumMap each
            config = NO_CONFIG;
        } else {
            EnumMap<ConfigFlag, Boolean> c = new EnumMap<>(ConfigFlag.class);
            c.putAll(config);
            config = java.util.Collections.unmodifiableMap(c);
        }
        java.util.Objects.requireNonNull(context, "context");
    }

    /** A case in the plain mount context ({@link Context#NONE}). */
    public FuzzCase(BaseImage base, Source source, boolean fixChecksum, List<SlotEdit> edits,
                    List<DeviceArg> devices, boolean read, List<ByteEdit> bytes, List<String> options,
                    Map<ConfigFlag, Boolean> config) {
        this(base, source, fixChecksum, edits, devices, read, bytes, options, config, Context.NONE);
    }

    /** What happens before the case's mount. */
    public enum Before {
        /** Nothing: the case's mount is the first. */
        NONE,
        /** The same source was mounted read-only before (a live superblock on a block device is reused). */
        SAME_SOURCE,
        /**
         * The source was given as {@code device=} to an earlier mount of the case's image on another
         * loop device (its block device claimed by another holder).
         */
        SOURCE_CLAIMED
    }

    /**
     * The mount context beyond source, devices and options (the scenario's {@code api},
     * {@code before}, node fields {@code fs}, {@code logicalBlockSize}, {@code dax}, {@code faults},
     * and the fscache mode's {@code fsid=} with its blob).
     *
     * @param fsopen           mount with fsopen/fsconfig/fsmount instead of mount(2)
     * @param fs               the filesystem a file primary lies on ({@code BackingFs} contract name), null: ext4
     * @param logicalBlockSize a loop-device primary's logical block size, 0: 512
     * @param dax              a loop-device primary that supports DAX
     * @param before           a mount made before the case's
     * @param eio              page 0 of the primary fails with EIO
     * @param fscache          fscache mode: {@code fsid=fs1}, CONFIG_EROFS_FS_ONDEMAND on, the image as its blob
     */
    public record Context(boolean fsopen, String fs, int logicalBlockSize, boolean dax, Before before, boolean eio,
                          boolean fscache) {
        /** A plain mount(2), nothing before it, an ext4 file or a 512-byte loop device. */
        public static final Context NONE = new Context(false, null, 0, false, Before.NONE, false, false);

        public Context {
            java.util.Objects.requireNonNull(before, "before");
        }

        /** This context with a field changed (for mutation). */
        Context withFsopen(boolean v) { return new Context(v, fs, logicalBlockSize, dax, before, eio, fscache); }
        Context withFs(String v) { return new Context(fsopen, v, logicalBlockSize, dax, before, eio, fscache); }
        Context withLogicalBlockSize(int v) { return new Context(fsopen, fs, v, dax, before, eio, fscache); }
        Context withDax(boolean v) { return new Context(fsopen, fs, logicalBlockSize, v, before, eio, fscache); }
        Context withBefore(Before v) { return new Context(fsopen, fs, logicalBlockSize, dax, v, eio, fscache); }
        Context withEio(boolean v) { return new Context(fsopen, fs, logicalBlockSize, dax, before, v, fscache); }
        Context withFscache(boolean v) { return new Context(fsopen, fs, logicalBlockSize, dax, before, eio, v); }

        // equals and hashCode written out, as the record's generated ones (same hash): those go
        // through method handles, spun at the first call and slow until compiled (issue 12)
        @Override public boolean equals(Object o) {
            return this == o || o instanceof Context x && fsopen == x.fsopen && java.util.Objects.equals(fs, x.fs)
                    && logicalBlockSize == x.logicalBlockSize && dax == x.dax && before == x.before && eio == x.eio
                    && fscache == x.fscache;
        }

        @Override public int hashCode() {
            int h = 31 * Boolean.hashCode(fsopen) + java.util.Objects.hashCode(fs);
            h = 31 * (31 * h + logicalBlockSize) + Boolean.hashCode(dax);
            h = 31 * h + java.util.Objects.hashCode(before);
            return 31 * (31 * h + Boolean.hashCode(eio)) + Boolean.hashCode(fscache);
        }

        @Override public String toString() {
            List<String> p = new ArrayList<>();
            if (fsopen) {
                p.add("fsopen");
            }
            if (fs != null) {
                p.add("on " + fs);
            }
            if (logicalBlockSize != 0) {
                p.add("logical block size " + logicalBlockSize);
            }
            if (dax) {
                p.add("dax device");
            }
            if (before != Before.NONE) {
                p.add("before: " + before.name().toLowerCase().replace('_', ' '));
            }
            if (eio) {
                p.add("EIO on page 0");
            }
            if (fscache) {
                p.add("fscache");
            }
            return p.isEmpty() ? "plain" : String.join(", ", p);
        }
    }

    /** A case of the slot table alone (no byte edits, no further options, the profile's CONFIG). */
    public FuzzCase(BaseImage base, Source source, boolean fixChecksum, List<SlotEdit> edits,
                    List<DeviceArg> devices, boolean read) {
        this(base, source, fixChecksum, edits, devices, read, List.of(), List.of(), Map.of());
    }

    /** A byte of the image set to a value; an offset past the end is skipped. */
    public record ByteEdit(int offset, int value) {
        /** Where the byte lies, for statistics: the superblock, its first block, or beyond. */
        public String region() {
            return offset < 1024 ? "before the superblock" : offset < 1152 ? "superblock"
                    : offset < 4096 ? "rest of block 0" : "metadata or data";
        }

        @Override public String toString() {
            return "byte[" + offset + "]=0x" + Integer.toHexString(value & 0xff);
        }
    }

    /** This case with other parts (for mutation and shrinking). */
    FuzzCase with(BaseImage base, Source source, boolean fixChecksum, List<SlotEdit> edits, List<DeviceArg> devices,
                  boolean read, List<ByteEdit> bytes, List<String> options, Map<ConfigFlag, Boolean> config) {
        return new FuzzCase(base, source, fixChecksum, edits, devices, read, bytes, options, config, context);
    }

    /** This case in another mount context. */
    FuzzCase with(Context other) {
        return new FuzzCase(base, source, fixChecksum, edits, devices, read, bytes, options, config, other);
    }

    /**
     * The bases: mkfs.erofs 1.5 images of the fixture corpus and erofs-utils 1.9 images of the
     * modern features (paths below {@code fixtures/images}).
     */
    public enum BaseImage {
        /** {@code mkfs.erofs --blobdev}: a table of one slot, every chunk on device 1. */
        MULTIDEV("multidev.erofs"),
        /** A crafted table of two slots, chunks on devices 1, 2 and 3 (beyond the table). */
        TWODEV("crafted/twodev.erofs"),
        /** No device table at all (chunks, extra_devices 0): edits give it one. */
        PLAIN("plain.erofs"),
        /** LZ4 with 0padding (compact indexes): byte edits reach zmap and the LZ4 decompressor. */
        LZ4("lz4.erofs"),
        /** LZ4 without 0padding (legacy full indexes). */
        LZ4_LEGACY("lz4-legacy.erofs"),
        /** LZ4 with ztailpacking (inline pclusters). */
        ZTAILPACKING("ztailpacking.erofs"),
        /** DEFLATE pclusters. */
        DEFLATE("crafted/deflate.erofs"),
        /** MicroLZMA pclusters. */
        LZMA("crafted/lzma.erofs"),
        /** erofs-utils 1.9, {@code -zlz4 -E48bit}: the 48-bit layout (rootnid_8b) and encoded extents. */
        LZ4_48BIT("modern/48bit-lz4.erofs"),
        /** erofs-utils 1.9, {@code -zzstd -E48bit}: ZSTD pclusters. */
        ZSTD_48BIT("modern/48bit-zstd.erofs"),
        /** erofs-utils 1.9, {@code -zlz4hc -Efragments}: file tails in the packed inode. */
        FRAGMENTS("modern/fragments.erofs"),
        /** erofs-utils 1.9, {@code -zlz4 -b1024}: LZ4 with 1 KiB blocks (sub-page block size). */
        LZ4_B1024("modern/lz4-b1024.erofs"),
        /** erofs-utils 1.9, {@code -m4096}: metadata in the metabox inode. */
        METABOX("modern/metabox.erofs"),
        /** {@code --chunksize=4096}: chunk-based files (4-byte block map). */
        CHUNKED("chunked4k.erofs");

        private final String path;

        BaseImage(String path) {
            this.path = path;
        }

        /** The path below {@code fixtures/images}. */
        public String path() {
            return path;
        }
    }

    /**
     * How the primary device is given: the image as a file or a loop device, a directory, a
     * missing path, a path longer than a page, a symlink to the image file, a character device.
     */
    public enum Source { FILE, BDEV, DIR, MISSING, LONG_PATH, SYMLINK, CHARDEV }

    /** What one {@code device=} option names. */
    public enum DeviceArg {
        /** The blob of {@code multidev.erofs} as a regular file. */
        BLOB_FILE,
        /** The same blob as a loop device. */
        BLOB_BDEV,
        /** The edited primary image itself, as a regular file. */
        PRIMARY_FILE,
        /** A directory. */
        DIR,
        /** A path that does not exist. */
        MISSING;

        /** The paths of the first {@value #PATHS} places, made once (a case asks for them a few times). */
        private static final int PATHS = 16;

        /**
         * The table of {@link #path} answers, made on the first call, not in {@code DeviceArg}'s own
         * initialiser: {@link #pathOf}'s switch reads a table of the enclosing class that javac makes
         * (with the constants of every enum a {@code FuzzCase} switch names), and a class that
         * initialises that table first would reach {@code DeviceArg}'s initialiser halfway through it
         * and find its row not there yet ({@code FuzzCaseInitOrderTest}).
         */
        private static final class Paths {
            static final String[][] PATH = new String[values().length][PATHS];

            static {
                for (DeviceArg d : values()) {
                    for (int i = 0; i < PATHS; i++) {
                        PATH[d.ordinal()][i] = d.pathOf(i);
                    }
                }
            }
        }

        String path(int i) {
            return i >= 0 && i < PATHS ? Paths.PATH[ordinal()][i] : pathOf(i);
        }

        private String pathOf(int i) {
            return switch (this) {
                case BLOB_FILE -> "/srv/dev" + i + ".img";
                case BLOB_BDEV -> "/dev/loop" + (10 + i);
                case PRIMARY_FILE -> "/srv/primary" + i + ".img";
                case DIR -> "/srv/devdir" + i;
                case MISSING -> "/srv/nodev" + i + ".img";
            };
        }
    }

    /**
     * The base image with the edits applied (checksum recomputed if asked), as a copy-on-write
     * view: {@code base} is shared and never written; the view holds copies of only the pages the
     * edits touched (issue 12). Slot edits first, then byte edits, then the checksum, computed
     * through the view; edits outside the image are skipped.
     */
    public OverlayBytes view(ImageBytes base) {
        OverlayBytes v = new OverlayBytes(base);
        for (SlotEdit x : edits) {
            x.applyTo(v);
        }
        for (ByteEdit x : bytes) {
            if (x.offset() >= 0 && x.offset() < v.size()) {
                v.put(x.offset(), (byte) x.value());
            }
        }
        if (fixChecksum) {
            fixChecksum(v);
        }
        return v;
    }

    /** The edited image's bytes in one array, for writing it to a file: {@link #view} materialised. */
    public byte[] image(byte[] baseBytes) {
        return view(ImageBytes.of(baseBytes)).toByteArray();
    }

    /**
     * Stores the superblock checksum ({@link SuperblockChecksum}) for the view's current
     * {@code blkszbits} and bytes, whether or not SB_CHKSUM is set; an image too short to hold the
     * field keeps its bytes.
     */
    private static void fixChecksum(OverlayBytes v) {
        SuperblockField cs = SuperblockField.CHECKSUM;
        if (v.size() < cs.absoluteOffset() + cs.width()) {
            return;
        }
        int blkszbits = v.readFully(SuperblockField.BLKSZBITS.absoluteOffset(), 1).get(0) & 0xff;
        // the covered bytes: within page 0 for block sizes up to 4 KiB (its copy or the base's shared one)
        int n = (int) Math.min(v.size(), Superblock.OFFSET + SuperblockChecksum.coveredLength(blkszbits));
        byte[] head;
        if (n <= ImageBytes.PAGE_SIZE) {
            head = v.firstPage();
        } else {
            head = new byte[n];
            v.read(0, head, 0, n);
        }
        ByteBuffer b = ByteBuffer.wrap(head, 0, n).slice().order(ByteOrder.LITTLE_ENDIAN);
        SlotEdit.write(v, cs.absoluteOffset(), new FieldEdit(cs, FieldEdit.Verb.SET, SuperblockChecksum.compute(b, blkszbits)));
    }

    /**
     * The case as contract scenario JSON ({@code docs/spec/harness-contract.md}).
     *
     * @param profile the kernel profile name
     * @param image   how the scenario names the edited image file
     * @param blob    how the scenario names the blob file
     */
    public ObjectNode scenario(String profile, String image, String blob) {
        ObjectNode s = JSON.createObjectNode();
        s.put("version", 1);
        s.put("kernel", profile);
        s.put("description", "device-slot-table fuzz case: " + this);
        ObjectNode nodes = s.putObject("nodes");
        String src = switch (source) {
            case BDEV -> "/dev/loop0";
            case FILE -> "/srv/image.erofs";
            case DIR -> "/srv/imagedir";
            case MISSING -> "/srv/noimage.erofs";
            case LONG_PATH -> "/srv/" + "l".repeat(4100) + ".erofs";
            case SYMLINK -> "/srv/link.erofs";
            case CHARDEV -> "/dev/null";
        };
        switch (source) {
            case BDEV -> primary(nodes.putObject(src).put("kind", "bdev").put("image", image));
            case FILE -> primary(nodes.putObject(src).put("kind", "file").put("image", image));
            case DIR -> nodes.putObject(src).put("kind", "dir");
            case SYMLINK -> {
                nodes.putObject(src).put("kind", "symlink").put("target", "/srv/image.erofs");
                primary(nodes.putObject("/srv/image.erofs").put("kind", "file").put("image", image));
            }
            case CHARDEV -> nodes.putObject(src).put("kind", "chardev").put("dev", "1:3");
            case MISSING, LONG_PATH -> { }
        }
        Map<ConfigFlag, Boolean> cfgs = effectiveConfig();
        if (context.fscache()) {
            nodes.putObject(FSCACHE_BLOB).put("kind", "blob").put("image", image);
        }
        if (!cfgs.isEmpty()) {
            ObjectNode cfg = s.putObject("config");
            cfgs.forEach((flag, on) -> cfg.put("CONFIG_" + flag.symbol(), on));
        }
        if (context.fsopen()) {
            s.put("api", "fsopen");
        }
        if (context.before() == Before.SAME_SOURCE) {
            ObjectNode m = s.putArray("before").addObject();
            m.put("source", src);
            m.putArray("flags").add("ro");
        } else if (context.before() == Before.SOURCE_CLAIMED) {
            nodes.putObject(CLAIMING_LOOP).put("kind", "bdev").put("image", image);
            ObjectNode m = s.putArray("before").addObject();
            m.put("source", CLAIMING_LOOP);
            m.put("options", "device=" + src);
            m.putArray("flags").add("ro");
        }
        for (int i = 0; i < devices.size(); i++) {
            DeviceArg d = devices.get(i);
            String path = d.path(i);
            switch (d) {
                case BLOB_FILE -> nodes.putObject(path).put("kind", "file").put("image", blob);
                case BLOB_BDEV -> nodes.putObject(path).put("kind", "bdev").put("image", blob);
                case PRIMARY_FILE -> {
                    ObjectNode n = nodes.putObject(path).put("kind", "file").put("image", image);
                    if (context.fs() != null) {
                        n.put("fs", context.fs());
                    }
                }
                case DIR -> nodes.putObject(path).put("kind", "dir");
                case MISSING -> { }
            }
        }
        s.put("source", src);
        String opts = optionString();
        if (opts != null) {
            s.put("options", opts);
        }
        s.putArray("flags").add("ro");
        s.put("read", read);
        return s;
    }

    /**
     * The node paths of {@link #scenario} that hold the case's image (the primary, its symlink's
     * target, {@code device=} entries naming it, the earlier mount's loop device, the fscache blob).
     */
    public List<String> imageNodes() {
        List<String> out = new ArrayList<>();
        if (primaryNode() != null) {
            out.add(primaryNode());
        }
        for (int i = 0; i < devices.size(); i++) {
            if (devices.get(i) == DeviceArg.PRIMARY_FILE) {
                out.add(DeviceArg.PRIMARY_FILE.path(i));
            }
        }
        if (context.before() == Before.SOURCE_CLAIMED) {
            out.add(CLAIMING_LOOP);
        }
        if (context.fscache()) {
            out.add(FSCACHE_BLOB);
        }
        return out;
    }

    /**
     * The mount's option string: the {@code device=} items, the further options, and
     * {@code fsid=fs1} in fscache mode; null when there are none.
     */
    public String optionString() {
        if (devices.isEmpty() && options.isEmpty() && !context.fscache()) {
            return null;
        }
        // the items joined by commas (String.join of a list of them, without the list)
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < devices.size(); i++) {
            b.append(i == 0 ? "device=" : ",device=").append(devices.get(i).path(i));
        }
        boolean first = devices.isEmpty();
        for (String o : options) {
            b.append(first ? "" : ",").append(o);
            first = false;
        }
        if (context.fscache()) {
            b.append(first ? "" : ",").append("fsid=fs1");
        }
        return b.toString();
    }

    /** The CONFIG overrides the mount runs with: the case's, and ONDEMAND on in fscache mode. */
    public Map<ConfigFlag, Boolean> effectiveConfig() {
        if (!context.fscache()) {
            return config;
        }
        Map<ConfigFlag, Boolean> cfgs = new EnumMap<>(ConfigFlag.class);
        cfgs.putAll(config);
        cfgs.put(ConfigFlag.EROFS_FS_ONDEMAND, true);
        return cfgs;
    }

    /** The node path of the primary image (the source or its symlink's target), null when the source holds none. */
    public String primaryNode() {
        return switch (source) {
            case BDEV -> "/dev/loop0";
            case FILE, SYMLINK -> "/srv/image.erofs";
            default -> null;
        };
    }

    /** The primary's node fields from the context (backing filesystem, block size, DAX, faults). */
    private void primary(ObjectNode n) {
        boolean bdev = "bdev".equals(n.get("kind").asText());
        if (!bdev && context.fs() != null) {
            n.put("fs", context.fs());
        }
        if (bdev && context.logicalBlockSize() != 0) {
            n.put("logicalBlockSize", context.logicalBlockSize());
        }
        if (bdev && context.dax()) {
            n.put("dax", true);
        }
        if (context.eio()) {
            n.putObject("faults").put("0", "eio");
        }
    }

    @Override public String toString() {
        return base.path() + " as " + source.name().toLowerCase() + ", edits " + edits
                + (bytes.isEmpty() ? "" : ", bytes " + bytes)
                + (fixChecksum ? " (checksum fixed)" : " (checksum as edited)") + ", devices " + devices
                + (options.isEmpty() ? "" : ", options " + options)
                + (config.isEmpty() ? "" : ", config " + config)
                + (read ? ", read" : "")
                + (context.equals(Context.NONE) ? "" : ", context " + context);
    }
}
