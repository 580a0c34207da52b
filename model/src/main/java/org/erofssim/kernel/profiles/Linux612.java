package org.erofssim.kernel.profiles;

import static org.erofssim.kernel.Behavior.*;

import java.util.Map;
import java.util.Set;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelProfile;

/**
 * Linux 6.12.0 as first released: file-backed mounts (fb176750266a) with the 6.12-rc fixes
 * (regular-file check, quiet bdev lookup), but still the old log format, always-direct
 * file-backed reads and the sub-page block size crash (CVE-2024-56750, fixed in 6.12.2).
 */
public final class Linux612 implements KernelProfile {
    @Override public String name() { return "6.12"; }
    @Override public String description() { return "Linux 6.12.0 (fb176750266a + 6.12-rc fixes), from source"; }
    @Override public Set<Behavior> behaviors() {
        return KernelProfile.of(FILEIO_REGULAR_FILE_CHECK, QUIET_BDEV_LOOKUP, VOLUME_NAME_NUL_CHECK,
                FILEIO_ALWAYS_DIRECT);
    }
    @Override public Map<ConfigFlag, Boolean> defaultConfig() { return Defaults.UPSTREAM; }
}
