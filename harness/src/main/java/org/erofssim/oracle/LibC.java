package org.erofssim.oracle;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The C library calls the live oracle makes, bound with JNA (glibc 2.33+ exports {@code mknod},
 * {@code statx} and {@code getdents64} as plain symbols). Path arguments are either Java strings
 * (JNA encodes them as UTF-8) or NUL-terminated {@code byte[]} for names read back from a tree.
 * The errno of a failed call is read with {@link Native#getLastError()} right after it.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int mount(String source, String target, String fstype, NativeLong flags, String data);

    int umount2(String target, int flags);

    int open(String path, int flags, int mode);

    int open(byte[] path, int flags, int mode);

    int close(int fd);

    int ioctl(int fd, NativeLong request, Pointer arg);

    int ioctl(int fd, NativeLong request, NativeLong arg);

    long lseek(int fd, long offset, int whence);

    NativeLong read(int fd, Pointer buf, NativeLong count);

    int statfs(String path, Pointer buf);

    int statx(int dirfd, byte[] path, int flags, int mask, Pointer buf);

    int mknod(String path, int mode, long dev);

    int symlink(String target, String linkpath);

    int socket(int domain, int type, int protocol);

    int bind(int fd, Pointer addr, int addrlen);

    int rename(String from, String to);

    NativeLong readlink(byte[] path, Pointer buf, NativeLong size);

    NativeLong llistxattr(byte[] path, Pointer buf, NativeLong size);

    NativeLong lgetxattr(byte[] path, byte[] name, Pointer buf, NativeLong size);

    NativeLong getdents64(int fd, Pointer buf, NativeLong count);

    /** Returns the error number itself (0 on success), not -1 with errno. */
    int posix_fadvise(int fd, long offset, long len, int advice);

    int fsync(int fd);

    Pointer mmap(Pointer addr, NativeLong length, int prot, int flags, int fd, long offset);

    int munmap(Pointer addr, NativeLong length);

    int mincore(Pointer addr, NativeLong length, byte[] vec);

    int pipe2(int[] fds, int flags);

    NativeLong write(int fd, Pointer buf, NativeLong count);

    /** sync(2): flush dirty pages (before drop_caches, so the cache really empties). */
    void sync();

    int geteuid();

    int gettid();
}
