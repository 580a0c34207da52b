package org.erofssim.sb;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.erofssim.block.Node;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;

/**
 * The cachefiles cache that one fscache-mode mount's cookies read through, as
 * {@code erofs_fscache_read_io_async} (fs/erofs/fscache.c) meets it on a read the page cache
 * does not hold. Read from the 6.12.107 sources and checked against the fscache corpus
 * recorded on 6.12.107-erofssim-ondemand:
 * <ul>
 *   <li>No cache bound (no daemon, the scenario has no blob node at all): the volume and the
 *       cookies are acquired all the same ({@code fscache_acquire_volume} and
 *       {@code fscache_acquire_cookie} do not need a cache), but
 *       {@code fscache_begin_read_operation} finds no live cache: ENOBUFS, nothing logged.</li>
 *   <li>A cookie whose OPEN the daemon refused (no blob node for it): the lookup fails
 *       ({@code cachefiles_ondemand_copen} with a negative size fails the OPEN request,
 *       {@code cachefiles_lookup_cookie} then {@code fscache_caching_failed}). A read issued
 *       while that OPEN is still pending (the superblock read of mount(2): the lookup runs in a
 *       worker, the mount goes on) finds the cookie CREATING, which
 *       {@code fscache_begin_operation} lets through for {@code FSCACHE_WANT_PARAMS};
 *       {@code cachefiles_do_prepare_read} then waits for the file, which never comes, and
 *       answers {@code NETFS_DOWNLOAD_FROM_SERVER}: {@code prepare_ondemand_read failed
 *       (source 2)} without a superblock, EIO. A read after the lookup failed: ENOBUFS,
 *       silently. The model takes reads during mount(2) for the first kind and later ones for
 *       the second (the live oracle lets the daemon answer every queued request before the
 *       tree walk).</li>
 *   <li>A blob whose daemon leaves at its first READ ({@code gone-at-first-read}): the READ
 *       request is failed when /dev/cachefiles is closed ({@code cachefiles_ondemand_read}
 *       returns an error): {@code NETFS_INVALID_READ}, {@code prepare_ondemand_read failed
 *       (source 4)}, EIO; the cache is withdrawn, so every later read: ENOBUFS.</li>
 *   <li>A daemon that leaves once mount(2) returned ({@code gone-after-mount}): what the mount
 *       read stays in the page cache; any other read: ENOBUFS.</li>
 * </ul>
 */
public final class FscacheCache {
    private static final String FN = "erofs_fscache_read_io_async";

    private final boolean bound;
    private final boolean leavesAfterMount;
    private final SbLog log;
    private final Set<String> readOnce = new HashSet<>();
    private boolean mounting = true;
    private boolean gone;

    private FscacheCache(boolean bound, boolean leavesAfterMount, SbLog log) {
        this.bound = bound;
        this.leavesAfterMount = leavesAfterMount;
        this.log = log;
    }

    /**
     * The cache of a mount in namespace {@code nodes}: bound when the scenario has any blob node
     * (its daemon binds the cache whatever the volume), left after mount(2) when any blob says
     * {@code gone-after-mount}.
     */
    public static FscacheCache of(Map<String, ? extends Node> nodes, SbLog log) {
        boolean bound = false;
        boolean leaves = false;
        for (Node n : nodes.values()) {
            if (n instanceof Node.FscacheBlob b) {
                bound = true;
                leaves |= b.daemon() == Node.FscacheBlob.Daemon.GONE_AFTER_MOUNT;
            }
        }
        return new FscacheCache(bound, leaves, log);
    }

    /** mount(2) of this superblock returned: a {@code gone-after-mount} daemon leaves now. */
    public void mountReturned() {
        mounting = false;
        if (leavesAfterMount) {
            gone = true;
        }
    }

    /** Whether the daemon has left (its reads not in the page cache fail with ENOBUFS). */
    public boolean gone() {
        return gone;
    }

    /**
     * {@code fscache_begin_read_operation} and {@code prepare_ondemand_read} for a read of
     * {@code cookie}'s data that the page cache does not hold: returns when the daemon answers
     * it, else logs what erofs logs and throws the errno {@code read_folio} returns.
     */
    public void read(DeviceBacking.OfCookie cookie) {
        if (!bound || gone) {
            throw new KernelError(Errno.ENOBUFS, "fscache: no live cache for cookie " + cookie.name());
        }
        Node.FscacheBlob blob = cookie.blob();
        if (blob == null) {
            if (mounting) {
                log.errWithoutSb(FN, "prepare_ondemand_read failed (source 2)");
                throw new KernelError(Errno.EIO, "fscache: cookie " + cookie.name() + " still being created, its OPEN refused");
            }
            throw new KernelError(Errno.ENOBUFS, "fscache: the lookup of cookie " + cookie.name() + " failed");
        }
        if (blob.daemon() == Node.FscacheBlob.Daemon.GONE_AT_FIRST_READ && readOnce.add(cookie.name())) {
            gone = true;
            log.errWithoutSb(FN, "prepare_ondemand_read failed (source 4)");
            throw new KernelError(Errno.EIO, "fscache: the daemon left at the first READ of " + cookie.name());
        }
    }
}
