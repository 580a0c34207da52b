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
        config = java.util.Collections.unmodifiableMap(m);
    }

    public static KernelConfig of(KernelProfile profile) {
        return new KernelConfig(profile, Map.of());
    }

    public boolean enabled(ConfigFlag flag) {
        return config.get(flag);
    }

    public boolean has(Behavior b) {
        return profile.has(b);
    }
}
