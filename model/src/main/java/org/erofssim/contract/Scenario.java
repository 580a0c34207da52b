package org.erofssim.contract;

import java.util.List;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.kernel.KernelConfig;

/**
 * A scenario of the harness contract, decoded: the kernel, the namespace, the mount.
 *
 * @param source     {@code fc->source}; null for none
 * @param options    the {@code mount -o} string; null or empty for none
 * @param readOnly   whether {@code MS_RDONLY} is among the flags (the contract's default {@code ["ro"]})
 * @param before     mounts made first, in order (to model superblock reuse of a mounted bdev)
 * @param read       on success also walk the tree and hash contents
 * @param extents    probe: FIEMAP-shaped extents per file
 * @param probeCache probe: which page cache holds the metadata read
 */
public record Scenario(String name, KernelConfig kernel, VirtualNamespace namespace, String source,
                       String options, boolean readOnly, List<Mount> before, boolean read,
                       boolean extents, boolean probeCache) {

    /** One earlier mount of {@link #before}. */
    public record Mount(String source, String options, boolean readOnly) {}
}
