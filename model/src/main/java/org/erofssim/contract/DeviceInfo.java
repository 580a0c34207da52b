package org.erofssim.contract;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * One extra device of a mounted filesystem (device id ≥ 1), as the device scan set it up.
 * {@code kind} is how it is reached: {@code file}, {@code bdev}, {@code blob} (fscache cookie)
 * or {@code flat} (not opened; addresses land on the primary). {@code path} is the
 * {@code device=} value or the slot tag used to open it, null in flat mode.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record DeviceInfo(int id, String tag, String kind, long blocks, long mappedBlkaddr, String path) {}
