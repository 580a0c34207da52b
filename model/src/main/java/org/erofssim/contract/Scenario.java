package org.erofssim.contract;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;

/**
 * A scenario of the harness contract, decoded: the kernel, the namespace, the mount.
 *
 * <p>Build one with {@link #builder()} (every field defaults to what a scenario file without it
 * means) or change one with {@link #toBuilder()}; {@link ScenarioJson} decodes the file form.
 *
 * @param source     {@code fc->source}; null for none
 * @param options    the {@code mount -o} string; null or empty for none
 * @param readOnly   whether {@code MS_RDONLY} is among the flags (the contract's default {@code ["ro"]})
 * @param before     mounts made first, in order (to model superblock reuse of a mounted bdev)
 * @param read       on success also walk the tree and hash contents
 * @param extents    probe: FIEMAP-shaped extents per file
 * @param probeCache probe: which page cache holds the metadata read
 * @param api        the system calls that mount: {@code mount(2)} (default) or the new mount API
 * @param readSize   bytes each {@code read(2)} call of the tree walk asks for (default
 *                   {@link #DEFAULT_READ_SIZE}, 128 KiB); unused with {@code mmap}
 * @param mmap       the tree walk reads each regular file through a read-only shared mapping,
 *                   touching its pages in order, instead of {@code read(2)} calls
 */
@API(status = MAINTAINED, since = "0.1.0")
public record Scenario(String name, KernelConfig kernel, VirtualNamespace namespace, String source,
                       String options, boolean readOnly, List<Mount> before, boolean read,
                       boolean extents, boolean probeCache, MountApi api,
                       int readSize,
                       boolean mmap) {

    /** {@link #readSize} of a scenario that does not give one: 128 KiB, what {@code cat} asks. */
    public static final int DEFAULT_READ_SIZE = 128 * 1024;
    /** The largest {@link #readSize} a scenario may give (the live walker allocates a buffer of it). */
    public static final int MAX_READ_SIZE = 16 << 20;

    /** The canonical constructor: a null {@code api} is {@link MountApi#MOUNT}. */
    public Scenario {
        api = api == null ? MountApi.MOUNT : api;
        if (readSize < 1 || readSize > MAX_READ_SIZE) {
            throw new IllegalArgumentException("readSize " + readSize + " outside 1.." + MAX_READ_SIZE);
        }
    }

    /** Without {@code api} and the read pattern: {@link MountApi#MOUNT}, 128 KiB {@code read(2)} calls. */
    public Scenario(String name, KernelConfig kernel, VirtualNamespace namespace, String source, String options,
                    boolean readOnly, List<Mount> before, boolean read, boolean extents, boolean probeCache) {
        this(name, kernel, namespace, source, options, readOnly, before, read, extents, probeCache, MountApi.MOUNT,
                DEFAULT_READ_SIZE, false);
    }

    /** Whether the read pattern is the default one (128 KiB {@code read(2)} calls, no mmap). */
    public boolean defaultReadPattern() {
        return readSize == DEFAULT_READ_SIZE && !mmap;
    }
    /**
     * How the scenario's main mount is made (its {@link #before} mounts always use {@code mount(2)}).
     */
    @API(status = MAINTAINED, since = "0.1.0")
    public enum MountApi {
        /** {@code mount(2)} with {@code MS_RDONLY} when {@link #readOnly}: fs_context messages go to the kernel log. */
        MOUNT,
        /**
         * {@code fsopen("erofs")}, one {@code fsconfig} per option ({@code FSCONFIG_SET_STRING} for
         * {@code key=value}, {@code FSCONFIG_SET_FLAG} for a bare key, {@code "ro"} as a flag when
         * {@link #readOnly}), {@code FSCONFIG_CMD_CREATE}, {@code fsmount}, {@code move_mount}: the
         * fs_context messages ({@code errorf}/{@code errorfc}/{@code invalf}/{@code warnf}) go to the
         * context's log, read from the fsopen descriptor, instead of the kernel log.
         */
        FSOPEN;

        /** The name a scenario file uses. */
        public String json() {
            return this == MOUNT ? "mount" : "fsopen";
        }
    }

    /** One earlier mount of {@link #before}. */
    @API(status = MAINTAINED, since = "0.1.0")
    public record Mount(String source, String options, boolean readOnly) {}

    /**
     * A builder with the defaults of a scenario file that leaves every field out: name
     * {@code "scenario"}, the default kernel profile ({@link Releases#DEFAULT}, as
     * {@link ScenarioJson}) with its default CONFIG, no nodes, no source, no options, read-only,
     * no earlier mounts, no read, no probes.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this scenario's fields; {@code toBuilder().build()} equals this scenario. */
    public Builder toBuilder() {
        Builder b = new Builder().name(name).source(source).options(options).readOnly(readOnly)
                .read(read).extents(extents).probeCache(probeCache).api(api)
                .readSize(readSize)
                .mmap(mmap);
        b.kernel = kernel;
        b.before = before;
        b.namespace = namespace;
        if (namespace != null) {
            b.nodes.putAll(namespace.nodes());
        }
        return b;
    }

    /** Builds a {@link Scenario} field by field; setters return the builder. Not thread-safe. */
    @API(status = MAINTAINED, since = "0.1.0")
    public static final class Builder {
        private String name = "scenario";
        private KernelConfig kernel = KernelConfig.of(Releases.DEFAULT);
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        /** The namespace given whole (kept as is, so a round trip keeps it), or null once nodes change. */
        private VirtualNamespace namespace;
        private String source;
        private String options;
        private boolean readOnly = true;
        private List<Mount> before = List.of();
        private boolean read;
        private boolean extents;
        private boolean probeCache;
        private MountApi api = MountApi.MOUNT;
        private int readSize = DEFAULT_READ_SIZE;
        private boolean mmap;

        private Builder() {}

        /** The system calls of the main mount (default {@link MountApi#MOUNT}). */
        public Builder api(MountApi api) {
            this.api = api == null ? MountApi.MOUNT : api;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The profile and its CONFIG symbols. */
        public Builder kernel(KernelConfig kernel) {
            this.kernel = Objects.requireNonNull(kernel, "kernel");
            return this;
        }

        /** The profile with its default CONFIG ({@link KernelConfig#of}). */
        public Builder kernel(KernelProfile profile) {
            return kernel(KernelConfig.of(profile));
        }

        /** The whole namespace, replacing any node given before. */
        public Builder namespace(VirtualNamespace namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            nodes.clear();
            nodes.putAll(namespace.nodes());
            return this;
        }

        /** Adds (or replaces) one node; the namespace checks the paths in {@link #build()}. */
        public Builder node(String path, Node node) {
            nodes.put(Objects.requireNonNull(path, "path"), Objects.requireNonNull(node, "node"));
            namespace = null;
            return this;
        }

        /** {@code fc->source}; null for none. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** The {@code mount -o} string; null or empty for none. */
        public Builder options(String options) {
            this.options = options;
            return this;
        }

        /** Whether {@code MS_RDONLY} is among the flags (default true, the contract's {@code ["ro"]}). */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /** Mounts made first, in order. */
        public Builder before(List<Mount> before) {
            this.before = List.copyOf(before);
            return this;
        }

        /** On success also walk the tree and hash contents. */
        public Builder read(boolean read) {
            this.read = read;
            return this;
        }

        /** Probe: FIEMAP-shaped extents per file. */
        public Builder extents(boolean extents) {
            this.extents = extents;
            return this;
        }

        /** Probe: which page cache holds the metadata read. */
        public Builder probeCache(boolean probeCache) {
            this.probeCache = probeCache;
            return this;
        }

        /** Bytes each {@code read(2)} call of the tree walk asks for (default 128 KiB). */
        public Builder readSize(int readSize) {
            this.readSize = readSize;
            return this;
        }

        /** The tree walk reads regular files through a read-only mapping, page by page in order (default false). */
        public Builder mmap(boolean mmap) {
            this.mmap = mmap;
            return this;
        }

        /**
         * The scenario.
         *
         * @throws IllegalArgumentException when a node's path is not one a namespace can hold, or
         *                                  {@code readSize} is outside 1..{@link #MAX_READ_SIZE}
         */
        public Scenario build() {
            VirtualNamespace ns = namespace != null ? namespace : new VirtualNamespace(nodes);
            return new Scenario(name, kernel, ns, source, options, readOnly, before, read, extents, probeCache, api,
                    readSize,
                    mmap);
        }
    }
}
