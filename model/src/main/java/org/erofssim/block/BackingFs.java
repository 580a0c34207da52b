package org.erofssim.block;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The filesystem a regular file lives on, as far as the EROFS mount path cares (spec §3.3):
 * whether its page cache has {@code read_folio} (needed for a file-backed primary), whether it
 * is itself an erofs without a block device, and its {@code s_stack_depth}.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public enum BackingFs {
    /** ext4: {@code ext4_aops} has read_folio. */
    EXT4("ext4", true, false, 0),
    /** tmpfs: shmem's address space has no read_folio. */
    TMPFS("tmpfs", false, false, 0),
    /** ramfs: {@code ram_aops} in fs/libfs.c has {@code simple_read_folio}. */
    RAMFS("ramfs", true, false, 0),
    /** procfs: seq files, no read_folio. */
    PROC("proc", false, false, 0),
    /** overlayfs: the overlay mapping has no read_folio; stack depth 1. */
    OVERLAY("overlay", false, false, 1),
    /** A file inside a file-backed erofs mount (erofs_fileio_aops has read_folio; no s_bdev). */
    EROFS("erofs", true, true, 0),
    /** A file inside a block-device erofs mount (APEX inside system.img). */
    EROFS_BDEV("erofs-bdev", true, false, 0);

    private final String contractName;
    private final boolean hasReadFolio;
    private final boolean erofsWithoutBdev;
    private final int stackDepth;

    BackingFs(String contractName, boolean hasReadFolio, boolean erofsWithoutBdev, int stackDepth) {
        this.contractName = contractName;
        this.hasReadFolio = hasReadFolio;
        this.erofsWithoutBdev = erofsWithoutBdev;
        this.stackDepth = stackDepth;
    }

    /** The name a scenario's {@code "fs"} field uses. */
    public String contractName() { return contractName; }
    public boolean hasReadFolio() { return hasReadFolio; }
    public boolean erofsWithoutBdev() { return erofsWithoutBdev; }
    public int stackDepth() { return stackDepth; }

    public static BackingFs byContractName(String name) {
        for (BackingFs fs : values()) {
            if (fs.contractName.equals(name)) {
                return fs;
            }
        }
        return null;
    }
}
