package org.erofssim.sb;

/** How a mount is backed (spec §0.5): the names are the contract's {@code "mode"} values. */
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
