package org.erofssim.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.ondisk.ImageEditor;

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
 */
public record FuzzCase(BaseImage base, Source source, boolean fixChecksum, List<SlotEdit> edits,
                       List<DeviceArg> devices, boolean read, List<ByteEdit> bytes, List<String> options,
                       Map<ConfigFlag, Boolean> config) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public FuzzCase {
        edits = List.copyOf(edits);
        devices = List.copyOf(devices);
        bytes = List.copyOf(bytes);
        options = List.copyOf(options);
        EnumMap<ConfigFlag, Boolean> c = new EnumMap<>(ConfigFlag.class);
        c.putAll(config);
        config = java.util.Collections.unmodifiableMap(c);
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
        return new FuzzCase(base, source, fixChecksum, edits, devices, read, bytes, options, config);
    }

    /** The bases: mkfs.erofs 1.5 images of the fixture corpus (paths below {@code fixtures/images}). */
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
        LZMA("crafted/lzma.erofs");

        private final String path;

        BaseImage(String path) {
            this.path = path;
        }

        /** The path below {@code fixtures/images}. */
        public String path() {
            return path;
        }
    }

    /** How the primary device is given: the image as a file or a loop device, a directory, or a missing path. */
    public enum Source { FILE, BDEV, DIR, MISSING }

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

        String path(int i) {
            return switch (this) {
                case BLOB_FILE -> "/srv/dev" + i + ".img";
                case BLOB_BDEV -> "/dev/loop" + (10 + i);
                case PRIMARY_FILE -> "/srv/primary" + i + ".img";
                case DIR -> "/srv/devdir" + i;
                case MISSING -> "/srv/nodev" + i + ".img";
            };
        }
    }

    /** The base image with the edits applied (checksum recomputed if asked); edits outside the image are skipped. */
    public byte[] image(byte[] baseBytes) {
        ImageEditor e = ImageEditor.of(baseBytes);
        for (SlotEdit x : edits) {
            x.applyTo(e);
        }
        if (!bytes.isEmpty()) {
            java.nio.ByteBuffer b = e.buffer();
            for (ByteEdit x : bytes) {
                if (x.offset() >= 0 && x.offset() < b.capacity()) {
                    b.put(x.offset(), (byte) x.value());
                }
            }
        }
        if (fixChecksum) {
            try {
                e.fixChecksum();
            } catch (RuntimeException unreadable) {
                // a blkszbits the checksum cannot be computed with: the checksum stays as it is
            }
        }
        return e.bytes();
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
        };
        switch (source) {
            case BDEV -> nodes.putObject(src).put("kind", "bdev").put("image", image);
            case FILE -> nodes.putObject(src).put("kind", "file").put("image", image);
            case DIR -> nodes.putObject(src).put("kind", "dir");
            case MISSING -> { }
        }
        if (!config.isEmpty()) {
            ObjectNode cfg = s.putObject("config");
            config.forEach((flag, on) -> cfg.put("CONFIG_" + flag.symbol(), on));
        }
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            DeviceArg d = devices.get(i);
            String path = d.path(i);
            switch (d) {
                case BLOB_FILE -> nodes.putObject(path).put("kind", "file").put("image", blob);
                case BLOB_BDEV -> nodes.putObject(path).put("kind", "bdev").put("image", blob);
                case PRIMARY_FILE -> nodes.putObject(path).put("kind", "file").put("image", image);
                case DIR -> nodes.putObject(path).put("kind", "dir");
                case MISSING -> { }
            }
            opts.add("device=" + path);
        }
        opts.addAll(options);
        s.put("source", src);
        if (!opts.isEmpty()) {
            s.put("options", String.join(",", opts));
        }
        s.putArray("flags").add("ro");
        s.put("read", read);
        return s;
    }

    @Override public String toString() {
        return base.path() + " as " + source.name().toLowerCase() + ", edits " + edits
                + (bytes.isEmpty() ? "" : ", bytes " + bytes)
                + (fixChecksum ? " (checksum fixed)" : " (checksum as edited)") + ", devices " + devices
                + (options.isEmpty() ? "" : ", options " + options)
                + (config.isEmpty() ? "" : ", config " + config)
                + (read ? ", read" : "");
    }
}
