package org.erofssim.kernel.profiles;

import static org.erofssim.kernel.Behavior.*;

import java.util.Map;
import java.util.Set;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelProfile;

/**
 * The spec's source commit 6422cde1b0d5 ("erofs: use buffered I/O for file-backed mounts by
 * default", in v6.13-rc4 and v6.13).
 */
public final class Linux613 implements KernelProfile {
    @Override public String name() { return "6.13"; }
    @Override public String description() { return "torvalds/linux 6422cde1b0d5 (v6.13-rc4), from source"; }
    @Override public Set<Behavior> behaviors() {
        return KernelProfile.of(FILEIO_REGULAR_FILE_CHECK, QUIET_BDEV_LOOKUP, FILEIO_SUBPAGE_BLOCKSIZE,
                DEVICE_LOG_PREFIX, DIRECTIO_OPTION, VOLUME_NAME_NUL_CHECK);
    }
    @Override public Map<ConfigFlag, Boolean> defaultConfig() { return Defaults.UPSTREAM; }
}
