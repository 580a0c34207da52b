package org.erofssim.kernel;

/**
 * The errno values the EROFS mount path can return, with their x86-64 numbers.
 *
 * <p>Numbers are those of {@code include/uapi/asm-generic/errno-base.h} and
 * {@code include/uapi/asm-generic/errno.h}; {@link #EUCLEAN} is what EROFS calls
 * {@code EFSCORRUPTED} ({@code fs/erofs/internal.h}). The spec lists them in §0.3.
 */
public enum Errno {
    EPERM(1), ENOENT(2), EINTR(4), EIO(5), ENXIO(6), ENOMEM(12), EACCES(13), ENOTBLK(15),
    EBUSY(16), EEXIST(17), ENODEV(19), ENOTDIR(20), EISDIR(21), EINVAL(22), EFBIG(27), ENOSPC(28),
    ERANGE(34), ENAMETOOLONG(36), ELOOP(40), ENODATA(61), EOVERFLOW(75), EBADMSG(74),
    EOPNOTSUPP(95), EUCLEAN(117);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The positive errno number as {@code errno(3)} reports it. */
    public int number() {
        return number;
    }

    /** The errno with this number, or {@code null} when the model does not know it. */
    public static Errno ofNumber(int number) {
        for (Errno e : values()) {
            if (e.number == number) {
                return e;
            }
        }
        return null;
    }
}
