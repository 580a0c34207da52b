package org.erofssim.kernel.profiles;

import static org.erofssim.kernel.Behavior.*;

import java.util.Map;
import java.util.Set;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelProfile;

/**
 * Linux 6.18.44 as observed on the project's machine ({@code 6.18.44-fc-v782}): 6.18 with the
 * stable backports of the stacking refusal, EIO on short file-backed reads, the reworked
 * DAX check and the dirent nameoff checks. Its default CONFIG is that machine's: BACKED_BY_FILE=y, ONDEMAND=n.
 */
public final class Linux618 implements KernelProfile {
    @Override public String name() { return "6.18"; }
    @Override public String description() { return "Linux 6.18.44-fc-v782, observed on this project's machines"; }
    @Override public Set<Behavior> behaviors() {
        return KernelProfile.of(FILEIO_REGULAR_FILE_CHECK, QUIET_BDEV_LOOKUP, FILEIO_SUBPAGE_BLOCKSIZE,
                DEVICE_LOG_PREFIX, DIRECTIO_OPTION, LAYOUT_48BIT, FSOFFSET_OPTION,
                EXTRA_BDEV_ENOTBLK_TO_EINVAL, METABOX, DIR_READAHEAD, DAX_CHECK_IN_DEVICE_SCAN,
                FILEIO_STACKING_REFUSAL, FILEIO_SHORT_READ_EIO, ZMAP_REWORK, DIRENT_NAMEOFF_CHECKS,
                XATTR_PREFIX_PLACEMENT);
    }
    @Override public Map<ConfigFlag, Boolean> defaultConfig() { return Defaults.UPSTREAM; }
}
