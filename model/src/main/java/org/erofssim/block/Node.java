package org.erofssim.block;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A node of the virtual namespace: what a path resolves to. The kinds are those of the
 * harness contract's {@code "kind"} field.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public sealed interface Node permits Node.BlockDevice, Node.RegularFile, Node.Directory,
        Node.Symlink, Node.CharDevice, Node.Fifo, Node.Socket, Node.FscacheBlob {

    /** The contract's name of this kind ({@code bdev}, {@code file}, ...). */
    String kind();

    /**
     * A block device (a loop device in the live oracle). {@code bytes} is null for an unbound
     * loop device (capacity 0). {@code logicalBlockSize} is the device's sector size (512 or
     * 4096); {@code dax} whether it has a DAX device; {@code nodev} whether the node lives on a
     * filesystem mounted {@code nodev} (opening it as a device is refused, spec §9 row 5).
     */
    record BlockDevice(ImageBytes bytes, DevT dev, boolean readOnly, int logicalBlockSize, boolean dax, boolean nodev)
            implements Node {
        /** The bytes of a device with an image are those of a loop device over it (whole 512-byte sectors). */
        public BlockDevice {
            bytes = bytes == null ? null : bytes.loopRounded();
        }

        /** A device node on an ordinary mount. */
        public BlockDevice(ImageBytes bytes, DevT dev, boolean readOnly, int logicalBlockSize, boolean dax) {
            this(bytes, dev, readOnly, logicalBlockSize, dax, false);
        }

        public long capacity() { return bytes == null ? 0 : bytes.size(); }
        @Override public String kind() { return "bdev"; }
    }

    /** A regular file on filesystem {@code fs}. */
    record RegularFile(ImageBytes bytes, BackingFs fs) implements Node {
        @Override public String kind() { return "file"; }
    }

    record Directory() implements Node {
        @Override public String kind() { return "dir"; }
    }

    record Symlink(String target) implements Node {
        @Override public String kind() { return "symlink"; }
    }

    record CharDevice(DevT dev) implements Node {
        @Override public String kind() { return "chardev"; }
    }

    record Fifo() implements Node {
        @Override public String kind() { return "fifo"; }
    }

    record Socket() implements Node {
        @Override public String kind() { return "socket"; }
    }

    /** An fscache cookie's data, at path {@code fscache:<volume>/<cookie>}. */
    record FscacheBlob(ImageBytes bytes) implements Node {
        @Override public String kind() { return "blob"; }
    }
}
