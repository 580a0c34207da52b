package org.erofssim.mount;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelLog;
import org.erofssim.sb.MountOptions;

/**
 * One mount attempt's {@code struct fs_context}: the source, the parsed options, the mount
 * flags, the namespace paths are resolved in, the kernel state it may reuse, and the log.
 */
final class MountContext {
    final KernelConfig kernel;
    final VirtualNamespace namespace;
    final KernelState state;
    final String source;
    final MountOptions opts;
    final boolean readOnly;
    final KernelLog log;
    final List<String> notes = new ArrayList<>();

    MountContext(KernelConfig kernel, VirtualNamespace namespace, KernelState state, String source,
                 MountOptions opts, boolean readOnly, KernelLog log) {
        this.kernel = kernel;
        this.namespace = namespace;
        this.state = state;
        this.source = source;
        this.opts = opts;
        this.readOnly = readOnly;
        this.log = log;
    }

    /** {@code errorf}/{@code invalf} without a prefix (VFS messages). */
    void vfsMessage(String message) {
        log.fc('e', message);
    }

    /** {@code warnf} without a prefix (VFS messages). */
    void vfsWarning(String message) {
        log.fc('w', message);
    }
}
