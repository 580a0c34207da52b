package org.erofssim.contract;

/**
 * One extra device of a mounted filesystem (device id ≥ 1), as the device scan set it up.
 * {@code kind} is how it is reached: {@code file}, {@code bdev}, {@code blob} (fscache cookie)
 * or {@code flat} (not opened; addresses land on the primary). {@code path} is the
 * {@code device=} value or the slot tag used to open it, null in flat mode.
 */
public record DeviceInfo(int id, String tag, String kind, long blocks, long mappedBlkaddr, String path) {}
