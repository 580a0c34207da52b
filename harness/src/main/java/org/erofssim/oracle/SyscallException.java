package org.erofssim.oracle;

import org.erofssim.kernel.Errno;

/** A system call returned -1: which call, on what, and the errno it left. */
public final class SyscallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public SyscallException(String call, int errno) {
        super(call + ": " + name(errno), null, false, false);
        this.errno = errno;
    }

    /** The positive errno number. */
    public int errno() {
        return errno;
    }

    /** The errno as the model names it, or null where the model does not know the number. */
    public Errno errnoName() {
        return Errno.ofNumber(errno);
    }

    /** The symbolic name where known, else {@code errno N}. */
    public static String name(int errno) {
        Errno e = Errno.ofNumber(errno);
        return e != null ? e.name() : "errno " + errno;
    }
}
