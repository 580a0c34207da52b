package org.erofssim.kernel;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The kernel CONFIG symbols that change the EROFS mount path (spec §0.2). A scenario may
 * override each one on top of its profile's defaults.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public enum ConfigFlag {
    /**
     * {@code CONFIG_EROFS_FS_BACKED_BY_FILE}. When off: no fallback to a file-backed mount
     * (every non-block-device source fails with the lookup error and logs
     * {@code <source>: Can't lookup blockdev}); the bdev lookup is not quiet; the
     * {@code directio} option logs {@code erofs: directio option not supported} and is ignored.
     */
    EROFS_FS_BACKED_BY_FILE,
    /**
     * {@code CONFIG_EROFS_FS_ONDEMAND}. When off: {@code fsid=} and {@code domain_id=} log
     * {@code erofs: <opt> option not supported} and are ignored, so fscache mode is unreachable.
     */
    EROFS_FS_ONDEMAND,
    /**
     * {@code CONFIG_EROFS_FS_ZIP}. When off: {@code cache_strategy=} logs
     * {@code erofs: compression not supported, cache_strategy ignored}; an image whose
     * {@code u1} superblock field is non-zero fails with EOPNOTSUPP; show_options omits
     * {@code cache_strategy}.
     */
    EROFS_FS_ZIP,
    /**
     * {@code CONFIG_EROFS_FS_ZIP_LZMA} (needs ZIP). When off, an image whose
     * {@code available_compr_algs} has the LZMA bit fails to mount with EOPNOTSUPP and
     * {@code algorithm 1 isn't enabled on this kernel} ({@code z_erofs_parse_cfgs}).
     */
    EROFS_FS_ZIP_LZMA,
    /** {@code CONFIG_EROFS_FS_ZIP_DEFLATE} (needs ZIP): as {@link #EROFS_FS_ZIP_LZMA}, algorithm 2. */
    EROFS_FS_ZIP_DEFLATE,
    /** {@code CONFIG_EROFS_FS_ZIP_ZSTD} (needs ZIP, 6.10+): as {@link #EROFS_FS_ZIP_LZMA}, algorithm 3. */
    EROFS_FS_ZIP_ZSTD,
    /**
     * {@code CONFIG_EROFS_FS_XATTR}. When off: {@code user_xattr}/{@code nouser_xattr} log
     * {@code erofs: {,no}user_xattr options not supported} and are ignored; show_options
     * omits the xattr flag.
     */
    EROFS_FS_XATTR,
    /**
     * {@code CONFIG_EROFS_FS_POSIX_ACL} (needs XATTR). When off: {@code acl}/{@code noacl}
     * log {@code erofs: {,no}acl options not supported} and are ignored; show_options omits
     * the acl flag; SB_POSIXACL is never set.
     */
    EROFS_FS_POSIX_ACL,
    /**
     * {@code CONFIG_FS_DAX}. When off: {@code dax} and {@code dax=} fail with EINVAL and
     * {@code erofs: dax options not supported}.
     */
    FS_DAX;

    /** The symbol as written in a .config, without the {@code CONFIG_} prefix. */
    public String symbol() {
        return name();
    }
}
