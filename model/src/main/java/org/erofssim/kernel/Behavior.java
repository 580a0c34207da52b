package org.erofssim.kernel;

/**
 * A behaviour of the EROFS mount path that changed between kernel releases (spec §11).
 * A {@link KernelProfile} is the set of these that a release has; the model asks
 * {@code profile.has(X)} at the one place each change takes effect.
 */
public enum Behavior {
    /**
     * "erofs: ensure regular inodes for file-backed mounts" (6.12-rc): the primary must be a
     * regular file whose mapping has {@code read_folio}, else ENOTBLK; a fileio extra device
     * must be a regular file, else EINVAL. Without it any opened path became a fileio mount.
     */
    FILEIO_REGULAR_FILE_CHECK,
    /**
     * 14c2d97265ea (6.12-rc): {@code get_tree_bdev_flags(..., QUIET_LOOKUP)} when
     * BACKED_BY_FILE, so a file source does not log {@code Can't lookup blockdev}.
     */
    QUIET_BDEV_LOOKUP,
    /**
     * bae085416093 (6.13-rc1, 6.12.2; CVE-2024-56750): a fileio mount with a block size below
     * PAGE_SIZE sets {@code s_blocksize} directly. Without it {@code sb_set_blocksize} touches
     * the missing block device and the kernel crashes.
     */
    FILEIO_SUBPAGE_BLOCKSIZE,
    /**
     * 90655ee279b2 (6.13-rc1): log lines read {@code erofs (device X): msg}. Without it errors
     * read {@code erofs: (device X): function: msg} and info {@code erofs: (device X): msg}.
     */
    DEVICE_LOG_PREFIX,
    /** 6422cde1b0d5 (6.13-rc4, 6.12.7): buffered I/O by default and the {@code directio} option. */
    DIRECTIO_OPTION,
    /** Up to 6.14: a volume name without a NUL in its 16 bytes fails with EUCLEAN. */
    VOLUME_NAME_NUL_CHECK,
    /** 6.15: the 48-bit layout (incompat 0x80, rootnid_8b, blocks_hi, epoch times, NLINK_1). */
    LAYOUT_48BIT,
    /** 6.16: the {@code fsoffset=} option. */
    FSOFFSET_OPTION,
    /**
     * 6.16 "avoid using multiple devices with different type": ENOTBLK from opening an extra
     * block device becomes EINVAL. Without it ENOTBLK leaks out of fill_super and get_tree
     * takes the file-backed fallback on a freed superblock info (use-after-free).
     */
    EXTRA_BDEV_ENOTBLK_TO_EINVAL,
    /** 6.17: metadata compression (incompat 0x100, metabox_nid, extslot required). */
    METABOX,
    /**
     * 1fcf686def19 "erofs: fix long xattr name prefix placement" (a fix of the 6.17 metadata
     * compression; which release first had it is [unsure]): {@code erofs_xattr_prefixes_init}
     * reads the table from the metadata area when {@code COMPAT_PLAIN_XATTR_PFX} is set, else
     * from the metabox inode (METABOX), else the packed inode, else the metadata area. Without
     * it: the packed inode when there is one, else the metadata area [obs-6.18.44: an image with
     * both a packed inode and PLAIN_XATTR_PFX takes its prefixes from the metadata area].
     */
    XATTR_PREFIX_PLACEMENT,
    /** 6.17: directory readahead, sysfs {@code dir_ra_bytes}. */
    DIR_READAHEAD,
    /** 6.18.44 backport: the DAX check happens in the device scan and logs at info level. */
    DAX_CHECK_IN_DEVICE_SCAN,
    /**
     * 072a7c7cdbea and its fix (6.19-rc, backported to 6.18.44): a file-backed mount whose
     * backing file lives on a file-backed/fscache erofs or on a stacked fs fails with ENOTBLK
     * and {@code file-backed mounts cannot be applied to stacked fses}.
     */
    FILEIO_STACKING_REFUSAL,
    /** 2026 fix backported to 6.18.44: any short file-backed read fails the folio with EIO. */
    FILEIO_SHORT_READ_EIO,
    /**
     * "erofs: fix the out-of-bounds nameoff handling for trailing dirents" (April 2026, Cc
     * stable, in 6.18.44): {@code de[0].nameoff} must also be a multiple of 12, a trailing
     * dirent whose {@code nameoff} is at or past the block's valid bytes is bogus, and a name
     * length must lie in 1..255 (an empty name is bogus) [obs-6.18.44: {@code invalid
     * de[0].nameoff 13}].
     */
    DIRENT_NAMEOFF_CHECKS,
    /** Seed to 6.13-rc3: file-backed data reads use direct I/O whenever the file allows it. */
    FILEIO_ALWAYS_DIRECT,
    /**
     * The compressed-map rework that came with the 48-bit layout (6.15) and its follow-ups up to
     * 6.18.44 ({@code z_erofs_map_blocks_fo}, {@code z_erofs_fill_inode},
     * {@code z_erofs_map_sanity_check}): no algorithm check when the map header is read but an
     * {@code unknown algorithm}/{@code inconsistent algorithmtype} check on every map; 4
     * cluster bits; a ztailpacking inode is one with a non-zero {@code h_idata_size}, its tail
     * size checked when mapped; PLAIN and HEAD2 pclusters of big-pcluster inodes also read their
     * CBLKCNT, a missing CBLKCNT means one block; lookback checks a zero distance before loading
     * and the "invalid logical cluster 0" check is gone [obs-6.18.44: {@code bogus lookback
     * distance 1 @ lcn 0}]. Which 6.15–6.18 release brought each piece is [unsure].
     */
    ZMAP_REWORK
}
