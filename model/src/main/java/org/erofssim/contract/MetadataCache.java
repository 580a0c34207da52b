package org.erofssim.contract;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.util.List;

/**
 * The contract's {@code probeCache} answer: which page cache holds the metadata that mounting
 * and walking the tree read through {@code erofs_init_metabuf} ({@code "file"}: the backing
 * file's, {@code "bdev"}: the block device's, {@code "fscache"}: the cookie's anonymous inode),
 * and which 4 KiB pages of the primary device it read, in ascending page order.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record MetadataCache(String cache, List<Long> blocks) {
    public MetadataCache {
        blocks = List.copyOf(blocks);
    }
}
