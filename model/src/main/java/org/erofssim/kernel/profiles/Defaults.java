package org.erofssim.kernel.profiles;

import java.util.EnumMap;
import java.util.Map;
import org.erofssim.kernel.ConfigFlag;

/** CONFIG defaults shared by the profiles (spec §0.2). */
final class Defaults {
    /**
     * The Kconfig defaults upstream (BACKED_BY_FILE=y since 6.12, ONDEMAND=n, ZIP/XATTR/ACL=y)
     * with FS_DAX=y as on x86-64 distribution kernels and on the observed 6.18.44 machine, and
     * ZIP_LZMA/ZIP_DEFLATE/ZIP_ZSTD=y (upstream defaults them to n; distribution kernels and the
     * observed machine enable them, and the live oracle refuses scenarios whose CONFIG differs
     * from the running kernel's).
     */
    static final Map<ConfigFlag, Boolean> UPSTREAM;

    static {
        EnumMap<ConfigFlag, Boolean> m = new EnumMap<>(ConfigFlag.class);
        m.put(ConfigFlag.EROFS_FS_BACKED_BY_FILE, true);
        m.put(ConfigFlag.EROFS_FS_ONDEMAND, false);
        m.put(ConfigFlag.EROFS_FS_ZIP, true);
        m.put(ConfigFlag.EROFS_FS_ZIP_LZMA, true);
        m.put(ConfigFlag.EROFS_FS_ZIP_DEFLATE, true);
        m.put(ConfigFlag.EROFS_FS_ZIP_ZSTD, true);
        m.put(ConfigFlag.EROFS_FS_XATTR, true);
        m.put(ConfigFlag.EROFS_FS_POSIX_ACL, true);
        m.put(ConfigFlag.FS_DAX, true);
        UPSTREAM = java.util.Collections.unmodifiableMap(m);
    }

    private Defaults() {}
}
