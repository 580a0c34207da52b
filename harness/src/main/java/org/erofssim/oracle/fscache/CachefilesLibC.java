package org.erofssim.oracle.fscache;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The C library calls the on-demand daemon makes ({@code /dev/cachefiles} and the anonymous fds
 * it hands out), bound with JNA like the oracle's own {@code LibC}; kept apart so that the
 * oracle's mapping does not grow calls only the daemon needs. errno via {@link Native#getLastError()}.
 */
interface CachefilesLibC extends Library {
    CachefilesLibC INSTANCE = Native.load("c", CachefilesLibC.class);

    int open(String path, int flags, int mode);

    int close(int fd);

    NativeLong read(int fd, byte[] buf, NativeLong count);

    NativeLong write(int fd, byte[] buf, NativeLong count);

    NativeLong pwrite(int fd, Pointer buf, NativeLong count, long offset);

    /** {@code struct pollfd {int fd; short events; short revents;}} x nfds. */
    int poll(Pointer fds, NativeLong nfds, int timeoutMillis);

    int ioctl(int fd, NativeLong request, NativeLong arg);

    String strerror(int errnum);
}
