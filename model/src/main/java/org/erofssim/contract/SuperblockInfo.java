package org.erofssim.contract;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The VFS superblock a mount got: anonymous ({@code 0:N}, fileio and fscache) or the block
 * device's {@code dev_t}; the {@code /sys/fs/erofs/<name>} entry; the final block size.
 * {@code dev} is {@code "0:*"} for an anonymous device (its number is the kernel's choice).
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record SuperblockInfo(boolean anonDev, String dev, String sysfsName, int blockSize) {
    // equals and hashCode written out, component by component as the record's generated ones
    // (same hash): those go through method handles (ObjectMethods), spun as LambdaForm classes at the
    // first call and slow until compiled (a cold campaign's first second, issue 12)
    @Override public boolean equals(Object o) {
        return this == o || o instanceof SuperblockInfo s && anonDev == s.anonDev && Objects.equals(dev, s.dev)
                && Objects.equals(sysfsName, s.sysfsName) && blockSize == s.blockSize;
    }

    @Override public int hashCode() {
        return ((Boolean.hashCode(anonDev) * 31 + Objects.hashCode(dev)) * 31 + Objects.hashCode(sysfsName)) * 31
                + blockSize;
    }
}
