package org.erofssim.mount;

import org.erofssim.block.Node;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.FscacheCache;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * The fscache (on-demand) pieces of the mount path (fs/erofs/fscache.c, spec §4.6), reachable
 * only with CONFIG_EROFS_FS_ONDEMAND and {@code fsid=}. In the namespace a cookie's data is the
 * blob node {@code fscache:<volume>/<cookie>}, served by a cachefiles on-demand daemon that is
 * bound when the scenario has any blob node. Checked against the fscache corpus recorded on
 * 6.12.107-erofssim-ondemand (fixtures/fscache/).
 *
 * <p>With {@code CONFIG_FSCACHE} built in, registering never depends on a cache being bound:
 * {@code fscache_acquire_volume} fails only when the volume key is in use (EBUSY), and
 * {@code fscache_acquire_cookie} only when the same key is in use in the volume (NULL:
 * {@code failed to get cookie for <name>}, EINVAL). A missing cache or blob shows when the
 * data is read ({@link FscacheCache}).
 */
final class Fscache {
    private Fscache() {}

    static String volumeName(SbInfo sbi) {
        return "erofs," + (sbi.opts.domainId().orElse(sbi.opts.fsid().orElse(null)));
    }

    /**
     * {@code erofs_fscache_register_fs}: the volume ({@code erofs_fscache_register_domain}, which
     * shares the volume of a domain already in use, or {@code erofs_fscache_register_volume}),
     * then the primary cookie named {@code fsid}, which in a domain must be new
     * ({@code EROFS_REG_COOKIE_NEED_NOEXIST}).
     */
    static DeviceBacking registerFs(SbInfo sbi, MountContext ctx, SbLog log) {
        sbi.fscache = FscacheCache.of(ctx.namespace.nodes(), log);
        String domain = sbi.opts.domainId().orElse(null);
        if (domain == null || !ctx.state.fscacheDomains.contains(domain)) {
            registerVolume(sbi, ctx, log);
            if (domain != null) {
                ctx.state.fscacheDomains.add(domain);
            }
        } else {
            Coverage.hit("erofs_fscache_register_domain:shared");
        }
        return registerCookie(sbi, ctx, log, sbi.opts.fsid().orElse(null), true);
    }

    /**
     * {@code erofs_fscache_register_volume}: {@code fscache_acquire_volume("erofs,<domain_id or
     * fsid>")}, which gives a volume key once ({@code fscache_hash_volume}: EBUSY for a key
     * that is acquired and not relinquished, e.g. a second mount of the same fsid without a
     * domain).
     */
    private static void registerVolume(SbInfo sbi, MountContext ctx, SbLog log) {
        String volume = volumeName(sbi);
        if (!ctx.state.fscacheVolumes.add(volume)) {
            Coverage.hit("erofs_fscache_register_volume:busy");
            log.err("erofs_fscache_register_volume", "failed to register volume for " + volume);
            throw new KernelError(Errno.EBUSY, "fscache volume " + volume + " is in use");
        }
    }

    /** A device's cookie ({@code erofs_init_device} → {@code erofs_fscache_register_cookie(sb, path, 0)}). */
    static DeviceBacking registerCookie(SbInfo sbi, MountContext ctx, SbLog log, String name) {
        return registerCookie(sbi, ctx, log, name, false);
    }

    /**
     * {@code erofs_fscache_register_cookie}: in a domain ({@code erofs_domain_register_cookie}) a
     * cookie name already registered in the domain is shared, unless {@code primary} asks it to
     * be new ({@code <name> already exists in domain <id>}, EEXIST); otherwise
     * ({@code erofs_fscache_acquire_cookie}) {@code fscache_acquire_cookie} refuses a key in use
     * in the volume ({@code fscache_hash_cookie}: "Duplicate cookie detected", NULL):
     * {@code failed to get cookie for <name>}, EINVAL. Whether its data can be read is decided
     * later ({@link FscacheCache#read}).
     */
    private static DeviceBacking registerCookie(SbInfo sbi, MountContext ctx, SbLog log, String name, boolean primary) {
        String volume = volumeName(sbi);
        String key = volume + "/" + name;
        String domain = sbi.opts.domainId().orElse(null);
        if (domain != null) {
            if (ctx.state.fscacheCookies.contains(key)) {
                if (primary) {
                    Coverage.hit("erofs_domain_register_cookie:exists");
                    log.err("erofs_domain_register_cookie", name + " already exists in domain " + domain);
                    throw new KernelError(Errno.EEXIST);
                }
                Coverage.hit("erofs_domain_register_cookie:shared");
            }
            ctx.state.fscacheCookies.add(key);
        } else if (!ctx.state.fscacheCookies.add(key)) {
            Coverage.hit("erofs_fscache_acquire_cookie:duplicate");
            log.err("erofs_fscache_acquire_cookie", "failed to get cookie for " + name);
            throw new KernelError(Errno.EINVAL, "fscache: duplicate cookie " + key);
        }
        Node n = ctx.namespace.nodes().get("fscache:" + key);
        return new DeviceBacking.OfCookie(n instanceof Node.FscacheBlob blob ? blob : null, name, sbi.fscache);
    }
}
