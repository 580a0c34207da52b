package org.erofssim.contract;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The VFS superblock a mount got: anonymous ({@code 0:N}, fileio and fscache) or the block
 * device's {@code dev_t}; the {@code /sys/fs/erofs/<name>} entry; the final block size.
 * {@code dev} is {@code "0:*"} for an anonymous device (its number is the kernel's choice).
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record SuperblockInfo(boolean anonDev, String dev, String sysfsName, int blockSize) {}
