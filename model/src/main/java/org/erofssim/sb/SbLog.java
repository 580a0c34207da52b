package org.erofssim.sb;

import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelLog;

/**
 * The erofs log functions of one superblock: {@code erofs_err}/{@code erofs_info}
 * ({@code _erofs_printk} in fs/erofs/super.c since 6.13-rc1, {@code _erofs_err}/{@code _erofs_info}
 * before), and the mount-context {@code errorfc}/{@code invalf} family (spec §0.4).
 */
public final class SbLog {
    private final KernelLog log;
    private final KernelConfig kernel;
    private String sId;

    /** @param sId the VFS {@code s_id}: the block device name, or {@code erofs} without one */
    public SbLog(KernelLog log, KernelConfig kernel, String sId) {
        this.log = log;
        this.kernel = kernel;
        this.sId = sId;
    }

    /** The superblock's {@code s_id} changed (7.x names a file-backed superblock by its MAJ:MIN). */
    public void renamed(String newSId) {
        this.sId = newSId;
    }

    /**
     * {@code erofs_err(sb, ...)}. 6.13+: {@code erofs (device X): msg}; 6.12:
     * {@code erofs: (device X): function: msg}.
     */
    public void err(String function, String message) {
        if (kernel.has(Behavior.DEVICE_LOG_PREFIX)) {
            log.print("erofs (device " + sId + "): " + message);
        } else {
            log.print("erofs: (device " + sId + "): " + function + ": " + message);
        }
    }

    /**
     * {@code erofs_err(NULL, ...)}, logged where no superblock is at hand (the fscache read
     * path): 6.13+ {@code erofs: msg}; 6.12: {@code erofs: function: msg}.
     */
    public void errWithoutSb(String function, String message) {
        if (kernel.has(Behavior.DEVICE_LOG_PREFIX)) {
            log.print("erofs: " + message);
        } else {
            log.print("erofs: " + function + ": " + message);
        }
    }

    /** {@code erofs_info(sb, ...)}: as {@link #err} without the function name in the old form. */
    public void info(String message) {
        if (kernel.has(Behavior.DEVICE_LOG_PREFIX)) {
            log.print("erofs (device " + sId + "): " + message);
        } else {
            log.print("erofs: (device " + sId + "): " + message);
        }
    }

    /**
     * {@code errorfc(fc, ...)}: {@code erofs: msg} in the kernel log with mount(2), in the
     * fs_context log with fsopen ({@link KernelLog#fc}).
     */
    public void fc(String message) {
        log.fc('e', "erofs: " + message);
    }

    public KernelLog raw() {
        return log;
    }
}
