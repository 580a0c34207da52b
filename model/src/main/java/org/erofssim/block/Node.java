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

    /**
     * An fscache cookie's data, at path {@code fscache:<volume>/<cookie>}, served by a cachefiles
     * on-demand daemon: {@code daemon} says what that daemon does once this cookie is asked for,
     * {@code pastEnd} what it writes when a read reaches past the data's end.
     */
    record FscacheBlob(ImageBytes bytes, Daemon daemon, PastEnd pastEnd) implements Node {
        /** A blob the daemon serves, writing zeros for requested pages past its end. */
        public FscacheBlob(ImageBytes bytes) {
            this(bytes, Daemon.SERVES, PastEnd.ZEROS);
        }

        public FscacheBlob {
            java.util.Objects.requireNonNull(daemon, "daemon");
            java.util.Objects.requireNonNull(pastEnd, "pastEnd");
        }

        @Override public String kind() { return "blob"; }

        /** The daemon's behaviour (contract field {@code "daemon"}). */
        public enum Daemon {
            /** Answers OPEN with the blob's size and every READ with its bytes. */
            SERVES("serves"),
            /** Answers the mount's requests, then closes /dev/cachefiles once mount(2) has returned. */
            GONE_AFTER_MOUNT("gone-after-mount"),
            /** Closes /dev/cachefiles when the first READ of this blob arrives, without answering it. */
            GONE_AT_FIRST_READ("gone-at-first-read");

            private final String contractName;

            Daemon(String contractName) {
                this.contractName = contractName;
            }

            public String contractName() {
                return contractName;
            }
        }

        /**
         * What the daemon writes for requested pages at and past the blob's end (contract field
         * {@code "pastEnd"}): erofs asks with no size limit, so those reads reach the daemon.
         */
        public enum PastEnd {
            /** Every requested page, zeros past the end (direct I/O writes whole pages). */
            ZEROS("zeros"),
            /** Only the blob's bytes: a partial last page (a direct-I/O write that fails), nothing past; those pages stay holes. */
            SHORT("short");

            private final String contractName;

            PastEnd(String contractName) {
                this.contractName = contractName;
            }

            public String contractName() {
                return contractName;
            }
        }
    }
}
