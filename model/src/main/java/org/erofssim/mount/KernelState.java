package org.erofssim.mount;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.erofssim.block.DevT;
import org.erofssim.contract.MountOutcome;
import org.erofssim.sb.SbInfo;

/**
 * What outlives one mount(2) inside the modelled kernel: superblocks of mounted block devices
 * (reused by {@code sget_dev}), exclusive block-device claims and their holders, sysfs entry
 * names under {@code /sys/fs/erofs/}, fscache volumes, domains and cookies, and the
 * anonymous-device counter.
 */
final class KernelState {
    /** Live bdev superblocks by device number. */
    final Map<DevT, LiveSuper> bdevSupers = new HashMap<>();
    /** Exclusive block-device claims: device → holder (a superblock, or the erofs fs type). */
    final Map<DevT, Object> claims = new HashMap<>();
    final Set<String> sysfsNames = new HashSet<>();
    /** fscache volumes acquired by live superblocks ({@code erofs,<fsid or domain_id>}). */
    final Set<String> fscacheVolumes = new HashSet<>();
    /** fscache domains in use ({@code erofs_domain_list}). */
    final Set<String> fscacheDomains = new HashSet<>();
    /** fscache cookies in use, {@code <volume>/<name>} (a domain's shared cookies once each). */
    final Set<String> fscacheCookies = new HashSet<>();
    /** Holder of extra block devices: {@code sb->s_type}, the erofs file-system type. */
    static final Object EROFS_FS_TYPE = new Object();

    /** A mounted superblock, with its metadata buffer and root inode for later reads. */
    record LiveSuper(SbInfo sbi, FilledSuper filled, MountOutcome.Mounted outcome) {}
}
