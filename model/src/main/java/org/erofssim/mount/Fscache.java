package org.erofssim.mount;

import org.erofssim.block.Node;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * The fscache (on-demand) pieces of the mount path (fs/erofs/fscache.c, spec §4.6), reachable
 * only with CONFIG_EROFS_FS_ONDEMAND and {@code fsid=}. In the namespace a cookie's data is the
 * blob node {@code fscache:<volume>/<cookie>}; a volume exists when any such node does.
 * Modelled from source only: this project's kernels have ONDEMAND off, so nothing here is
 * checked against a live kernel.
 */
final class Fscache {
    private Fscache() {}

    static String volumeName(SbInfo sbi) {
        return "erofs," + (sbi.opts.domainId().orElse(sbi.opts.fsid().orElse(null)));
    }

    /**
     * {@code erofs_fscache_register_fs}: the volume, then the primary cookie named {@code fsid}.
     * No volume (no cache bound) → {@code failed to register volume for <name>}, EOPNOTSUPP.
     */
    static DeviceBacking registerFs(SbInfo sbi, MountContext ctx, SbLog log) {
        String volume = volumeName(sbi);
        String prefix = "fscache:" + volume + "/";
        boolean exists = ctx.namespace.nodes().keySet().stream().anyMatch(k -> k.startsWith(prefix));
        if (!exists) {
            log.err("erofs_fscache_register_volume", "failed to register volume for " + volume);
            throw new KernelError(Errno.EOPNOTSUPP, "no fscache volume " + volume);
        }
        return registerCookie(sbi, ctx, log, sbi.opts.fsid().orElse(null));
    }

    /**
     * {@code erofs_fscache_register_cookie}: in a domain a cookie name may be used once
     * ({@code <name> already exists in domain <id>}, EEXIST); a cookie without data cannot be
     * acquired ({@code failed to get cookie for <name>}, EINVAL).
     */
    static DeviceBacking registerCookie(SbInfo sbi, MountContext ctx, SbLog log, String name) {
        String domain = sbi.opts.domainId().orElse(null);
        if (domain != null) {
            String key = domain + "/" + name;
            if (!ctx.state.sysfsNames.add("cookie:" + key)) {
                log.err("erofs_domain_register_cookie", name + " already exists in domain " + domain);
                throw new KernelError(Errno.EEXIST);
            }
        }
        Node n = ctx.namespace.nodes().get("fscache:" + volumeName(sbi) + "/" + name);
        if (!(n instanceof Node.FscacheBlob blob)) {
            log.err("erofs_fscache_acquire_cookie", "failed to get cookie for " + name);
            throw new KernelError(Errno.EINVAL);
        }
        return new DeviceBacking.OfCookie(blob, name);
    }
}
