package org.erofssim.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
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
 */
public record FuzzCase(BaseImage base, Source source, boolean fixChecksum, List<SlotEdit> edits,
                       List<DeviceArg> devices, boolean read) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public FuzzCase {
        edits = List.copyOf(edits);
        devices = List.copyOf(devices);
    }

    /** The bases: mkfs.erofs 1.5 images of the fixture corpus (paths below {@code fixtures/images}). */
    public enum BaseImage {
        /** {@code mkfs.erofs --blobdev}: a table of one slot, every chunk on device 1. */
        MULTIDEV("multidev.erofs"),
        /** A crafted table of two slots, chunks on devices 1, 2 and 3 (beyond the table). */
        TWODEV("crafted/twodev.erofs"),
        /** No device table at all (chunks, extra_devices 0): edits give it one. */
        PLAIN("plain.erofs");

        private final String path;

        BaseImage(String path) {
            this.path = path;
        }

        /** The path below {@code fixtures/images}. */
        public String path() {
            return path;
        }
    }

    /** How the primary device is given. */
    public enum Source { FILE, BDEV }

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
        if (fixChecksum) {
            e.fixChecksum();
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
        String src = source == Source.BDEV ? "/dev/loop0" : "/srv/image.erofs";
        nodes.putObject(src).put("kind", source == Source.BDEV ? "bdev" : "file").put("image", image);
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
                + (fixChecksum ? " (checksum fixed)" : " (checksum as edited)") + ", devices " + devices
                + (read ? ", read" : "");
    }
}
