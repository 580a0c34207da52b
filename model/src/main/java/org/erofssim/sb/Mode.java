package org.erofssim.sb;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** How a mount is backed (spec §0.5): the names are the contract's {@code "mode"} values. */
@API(status = EXPERIMENTAL, since = "0.1.0")
public enum Mode {
    /** {@code get_tree_bdev}: the source is a block device. */
    BDEV("bdev"),
    /** {@code get_tree_nodev} with {@code sbi->dif0.file} set: a file-backed mount. */
    FILEIO("fileio"),
    /** {@code get_tree_nodev} with ONDEMAND and {@code fsid}: fscache/on-demand blobs. */
    FSCACHE("fscache");

    private final String contractName;

    Mode(String contractName) {
        this.contractName = contractName;
    }

    public String contractName() {
        return contractName;
    }
}
