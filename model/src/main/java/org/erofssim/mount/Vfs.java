package org.erofssim.mount;

import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;

/** The VFS and block-layer pieces of the mount path (fs/super.c, block/bdev.c; spec §3.2). */
final class Vfs {
    private Vfs() {}

    /**
     * {@code lookup_bdev}: an empty path is EINVAL; the path walk's errors; anything but a block
     * device is ENOTBLK; a block device node on a {@code nodev} mount is EACCES
     * ({@code may_open_dev}; spec §3.2, §9 row 5).
     */
    static Node.BlockDevice lookupBdev(VirtualNamespace ns, String path) {
        if (path == null || path.isEmpty()) {
            throw new KernelError(Errno.EINVAL, "empty block device path");
        }
        if (path.startsWith(VirtualNamespace.FSCACHE_PREFIX)) {
            throw new KernelError(Errno.ENOENT, "fscache cookies are not paths");
        }
        VirtualNamespace.Resolved r = ns.resolve(path, true);
        if (r.node() instanceof Node.BlockDevice b) {
            if (b.nodev()) {
                throw new KernelError(Errno.EACCES, path + " is a device node on a nodev mount");
            }
            return b;
        }
        throw new KernelError(Errno.ENOTBLK, path + " is a " + r.node().kind());
    }

    /** The canonical path a block device resolves to (its name for {@code s_id}). */
    static String bdevName(VirtualNamespace ns, String path) {
        String p = ns.resolve(path, true).path();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /**
     * {@code bdev_file_open_by_dev} with a holder: a device claimed by another holder is EBUSY.
     */
    static void claim(KernelState state, Node.BlockDevice bdev, Object holder) {
        Object current = state.claims.get(bdev.dev());
        if (current != null && current != holder) {
            throw new KernelError(Errno.EBUSY, bdev.dev() + " is claimed by another holder");
        }
        state.claims.put(bdev.dev(), holder);
    }
}
