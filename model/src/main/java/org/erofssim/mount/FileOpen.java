package org.erofssim.mount;

import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;

/** {@code filp_open(path, O_RDONLY | O_LARGEFILE, 0)} as the mount path uses it. */
final class FileOpen {
    private FileOpen() {}

    /**
     * Opens {@code path} read-only following symlinks: the path walk's errors; an empty path is
     * ENOENT (no {@code LOOKUP_EMPTY}); a FIFO blocks until a writer opens it; a socket is ENXIO
     * ({@code no_open}); directories, character and block devices open.
     */
    static VirtualNamespace.Resolved filpOpen(MountContext ctx, String path) {
        if (path == null || path.isEmpty()) {
            throw new KernelError(Errno.ENOENT, "empty path");
        }
        if (path.startsWith(VirtualNamespace.FSCACHE_PREFIX)) {
            // a relative path named "fscache:..." in the mounter's cwd; cookies are not reachable by path
            throw new KernelError(Errno.ENOENT, "fscache cookies are not paths");
        }
        VirtualNamespace.Resolved r = ctx.namespace.resolve(path, true);
        if (r.node() instanceof Node.Fifo) {
            throw new MountBlocked("open(" + path + ") of a FIFO waits for a writer");
        }
        if (r.node() instanceof Node.Socket) {
            throw new KernelError(Errno.ENXIO, path + " is a socket");
        }
        return r;
    }
}
