package org.erofssim.kernel;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.util.EnumMap;
import java.util.Map;

/** A profile plus the scenario's CONFIG overrides: the kernel one mount is evaluated on. */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record KernelConfig(KernelProfile profile, Map<ConfigFlag, Boolean> config) {
    public KernelConfig {
        EnumMap<ConfigFlag, Boolean> m = new EnumMap<>(ConfigFlag.class);
        m.putAll(profile.defaultConfig());
        m.putAll(config);
        if (!m.get(ConfigFlag.EROFS_FS_XATTR)) {
            m.put(ConfigFlag.EROFS_FS_POSIX_ACL, false); // Kconfig: POSIX_ACL depends on XATTR
        }
        if (!m.get(ConfigFlag.EROFS_FS_ZIP)) { // Kconfig: the algorithms depend on ZIP
            m.put(ConfigFlag.EROFS_FS_ZIP_LZMA, false);
            m.put(ConfigFlag.EROFS_FS_ZIP_DEFLATE, false);
            m.put(ConfigFlag.EROFS_FS_ZIP_ZSTD, false);
        }
        config = new ConfigValues(m, profile);
    }

    public static KernelConfig of(KernelProfile profile) {
        return new KernelConfig(profile, Map.of());
    }

    /**
     * The flag's value; a Kconfig symbol the release does not have counts as n whatever the
     * scenario sets: {@code EROFS_FS_BACKED_BY_FILE} before {@link Behavior#FILE_BACKED_MOUNTS},
     * {@code EROFS_FS_ONDEMAND} after {@link Behavior#FSCACHE_REMOVED}, {@code EROFS_FS_ZIP_DEFLATE}
     * and {@code EROFS_FS_ZIP_ZSTD} before {@link Behavior#DEFLATE_ALGORITHM} and
     * {@link Behavior#ZSTD_ALGORITHM}.
     */
    public boolean enabled(ConfigFlag flag) {
        // the gates above are applied once, when the values are made (ConfigValues.gate)
        return ((ConfigValues) config).enabled(flag);
    }

    /** {@code profile().has(b)}, from the bits {@link ConfigValues} keeps (one object less to load per call). */
    public boolean has(Behavior b) {
        return ((ConfigValues) config).has(b);
    }
}
