package org.erofssim.sb;

/**
 * The superblock flags the VFS takes out of a mount option string before the filesystem sees
 * it ({@code vfs_parse_sb_flag}, tables {@code common_set_sb_flag}/{@code common_clear_sb_flag}
 * in {@code fs/fs_context.c}, the same at 6.13 and 6.18).
 */
public enum SbFlag {
    /** {@code dirsync} sets, nothing clears. */
    DIRSYNC("dirsync", null),
    /** {@code lazytime} sets, {@code nolazytime} clears. */
    LAZYTIME("lazytime", "nolazytime"),
    /** {@code mand} sets, {@code nomand} clears ({@code SB_MANDLOCK}). */
    MANDLOCK("mand", "nomand"),
    /** {@code ro} sets, {@code rw} clears. EROFS forces it on in fill_super anyway. */
    RDONLY("ro", "rw"),
    /** {@code sync} sets, {@code async} clears ({@code SB_SYNCHRONOUS}). */
    SYNCHRONOUS("sync", "async");

    private final String setKey;
    private final String clearKey;

    SbFlag(String setKey, String clearKey) {
        this.setKey = setKey;
        this.clearKey = clearKey;
    }

    /** The option key that sets the flag; also its name in mountinfo (except {@code ro}). */
    public String setKey() {
        return setKey;
    }

    /** The option key that clears the flag, or null when there is none. */
    public String clearKey() {
        return clearKey;
    }
}
