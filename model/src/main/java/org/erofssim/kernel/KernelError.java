package org.erofssim.kernel;

/**
 * A kernel function returned a negative errno. The model's methods throw this where the
 * kernel function they stand for returns {@code -errno}; the mount path turns it into a
 * {@code Failed} outcome. Log lines are not carried here: they go to the {@link KernelLog}
 * at the point the kernel prints them, before it returns the error.
 */
public final class KernelError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Errno errno;

    public KernelError(Errno errno) {
        this(errno, errno.name());
    }

    /** @param why a short model-side explanation (never shown as a kernel log line) */
    public KernelError(Errno errno, String why) {
        super(why, null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
