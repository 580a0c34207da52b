package org.erofssim.oracle.utils;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few libc calls the oracle needs, on file names as bytes. Linux file names are byte
 * strings (anything but NUL and '/'); {@code java.nio} can only name files whose names decode
 * in {@code sun.jnu.encoding}, so trees with arbitrary name bytes are built and read here.
 *
 * <p>Needs glibc 2.33+ (exported {@code mknod}) and 2.28+ ({@code statx}); the {@code statx}
 * and {@code dirent} layouts used are those of 64-bit Linux.
 */
final class Posix {
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int ENODATA = 61;
    private static final int ERANGE = 34;

    /** JNA binding; sizes are {@code long} (64-bit Linux). */
    interface Libc extends Library {
        int mkdir(byte[] path, int mode);
        int open(byte[] path, int flags, int mode);
        int close(int fd);
        long pwrite(int fd, byte[] buf, long count, long offset);
        long read(int fd, byte[] buf, long count);
        int ftruncate(int fd, long length);
        int symlink(byte[] target, byte[] linkpath);
        int link(byte[] oldpath, byte[] newpath);
        int mknod(byte[] path, int mode, long dev);
        int lchown(byte[] path, int uid, int gid);
        int chmod(byte[] path, int mode);
        int utimensat(int dirfd, byte[] path, long[] times, int flags);
        int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags);
        long llistxattr(byte[] path, byte[] list, long size);
        long lgetxattr(byte[] path, byte[] name, byte[] value, long size);
        long readlink(byte[] path, byte[] buf, long size);
        int statx(int dirfd, byte[] path, int flags, int mask, byte[] buf);
        Pointer opendir(byte[] path);
        Pointer readdir(Pointer dir);
        int closedir(Pointer dir);
        String strerror(int errnum);
        int geteuid();
    }

    private static volatile Libc libc;

    private Posix() {}

    static Libc libc() {
        Libc l = libc;
        if (l == null) {
            synchronized (Posix.class) {
                if (libc == null) {
                    libc = Native.load("c", Libc.class);
                }
                l = libc;
            }
        }
        return l;
    }

    /** NUL-terminated copy of a path for C. */
    static byte[] c(byte[] path) {
        return Arrays.copyOf(path, path.length + 1);
    }

    static byte[] c(String s) {
        return c(s.getBytes(StandardCharsets.UTF_8));
    }

    private static IOException fail(String what, byte[] path) {
        int errno = Native.getLastError();
        return new PosixException(what, Names.escape(path), errno, libc().strerror(errno));
    }

    /** An failed call with its errno. */
    static final class PosixException extends IOException {
        private static final long serialVersionUID = 1L;
        final int errno;

        PosixException(String what, String path, int errno, String message) {
            super(what + "(" + path + "): " + message + " (errno " + errno + ")");
            this.errno = errno;
        }
    }

    static boolean isRoot() {
        return libc().geteuid() == 0;
    }

    static void mkdir(byte[] path, int mode) throws IOException {
        if (libc().mkdir(c(path), mode) != 0) {
            throw fail("mkdir", path);
        }
    }

    /** Creates a new regular file of {@code size} bytes (a hole) and writes {@code regions} into it. */
    static void createFile(byte[] path, long size, List<WriteRegion> regions) throws IOException {
        int fd = libc().open(c(path), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            throw fail("open", path);
        }
        try {
            if (libc().ftruncate(fd, size) != 0) {
                throw fail("ftruncate", path);
            }
            for (WriteRegion r : regions) {
                long done = 0;
                while (done < r.bytes().length) {
                    byte[] chunk = done == 0 ? r.bytes() : Arrays.copyOfRange(r.bytes(), (int) done, r.bytes().length);
                    long n = libc().pwrite(fd, chunk, chunk.length, r.offset() + done);
                    if (n <= 0) {
                        throw fail("pwrite", path);
                    }
                    done += n;
                }
            }
        } finally {
            libc().close(fd);
        }
    }

    /** Bytes to write at an offset. */
    record WriteRegion(long offset, byte[] bytes) {}

    /** Reads a whole regular file without following a final symlink, feeding {@code sink}. */
    static void readFile(byte[] path, ByteSink sink) throws IOException {
        int fd = libc().open(c(path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (fd < 0) {
            throw fail("open", path);
        }
        try {
            byte[] buf = new byte[1 << 16];
            while (true) {
                long n = libc().read(fd, buf, buf.length);
                if (n < 0) {
                    throw fail("read", path);
                }
                if (n == 0) {
                    return;
                }
                sink.accept(buf, (int) n);
            }
        } finally {
            libc().close(fd);
        }
    }

    /** Receives file contents in pieces. */
    interface ByteSink {
        void accept(byte[] buf, int len);
    }

    static void symlink(byte[] target, byte[] path) throws IOException {
        if (libc().symlink(c(target), c(path)) != 0) {
            throw fail("symlink", path);
        }
    }

    static void link(byte[] existing, byte[] path) throws IOException {
        if (libc().link(c(existing), c(path)) != 0) {
            throw fail("link", path);
        }
    }

    /** {@code mknod} with glibc's {@code makedev(major, minor)}. */
    static void mknod(byte[] path, int mode, long major, long minor) throws IOException {
        if (libc().mknod(c(path), mode, makedev(major, minor)) != 0) {
            throw fail("mknod", path);
        }
    }

    static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    static void lchown(byte[] path, long uid, long gid) throws IOException {
        if (libc().lchown(c(path), (int) uid, (int) gid) != 0) {
            throw fail("lchown", path);
        }
    }

    static void chmod(byte[] path, int mode) throws IOException {
        if (libc().chmod(c(path), mode) != 0) {
            throw fail("chmod", path);
        }
    }

    /** Sets atime and mtime to the same instant, not following a final symlink. */
    static void setMtime(byte[] path, long sec, long nsec) throws IOException {
        long[] times = {sec, nsec, sec, nsec};
        if (libc().utimensat(AT_FDCWD, c(path), times, AT_SYMLINK_NOFOLLOW) != 0) {
            throw fail("utimensat", path);
        }
    }

    static void lsetxattr(byte[] path, String name, byte[] value) throws IOException {
        if (libc().lsetxattr(c(path), c(name), value, value.length, 0) != 0) {
            throw fail("lsetxattr " + name, path);
        }
    }

    /** Names of the extended attributes of a path (not following a final symlink), in list order. */
    static List<String> llistxattr(byte[] path) throws IOException {
        byte[] p = c(path);
        while (true) {
            long n = libc().llistxattr(p, null, 0);
            if (n < 0) {
                throw fail("llistxattr", path);
            }
            byte[] buf = new byte[(int) Math.max(n, 1)];
            long m = libc().llistxattr(p, buf, buf.length);
            if (m < 0) {
                if (Native.getLastError() == ERANGE) {
                    continue;
                }
                throw fail("llistxattr", path);
            }
            List<String> names = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < m; i++) {
                if (buf[i] == 0) {
                    names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return names;
        }
    }

    /** The value of an extended attribute, or null where the path has none of that name. */
    static byte[] lgetxattr(byte[] path, String name) throws IOException {
        byte[] p = c(path);
        byte[] n = c(name);
        while (true) {
            long size = libc().lgetxattr(p, n, null, 0);
            if (size < 0) {
                if (Native.getLastError() == ENODATA) {
                    return null;
                }
                throw fail("lgetxattr " + name, path);
            }
            byte[] buf = new byte[(int) size];
            long got = libc().lgetxattr(p, n, buf, buf.length);
            if (got < 0) {
                if (Native.getLastError() == ERANGE) {
                    continue;
                }
                throw fail("lgetxattr " + name, path);
            }
            return Arrays.copyOf(buf, (int) got);
        }
    }

    static byte[] readlink(byte[] path) throws IOException {
        byte[] buf = new byte[8192];
        long n = libc().readlink(c(path), buf, buf.length);
        if (n < 0) {
            throw fail("readlink", path);
        }
        return Arrays.copyOf(buf, (int) n);
    }

    /** What {@code statx(AT_SYMLINK_NOFOLLOW)} reports. */
    record Stat(int mode, long nlink, long uid, long gid, long ino, long size, long blocks, long mtimeSec,
                int mtimeNsec, long rdevMajor, long rdevMinor) {
        int type() {
            return mode & S_IFMT;
        }
    }

    static Stat lstat(byte[] path) throws IOException {
        byte[] b = new byte[256];
        if (libc().statx(AT_FDCWD, c(path), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, b) != 0) {
            throw fail("statx", path);
        }
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.nativeOrder());
        return new Stat(bb.getShort(28) & 0xffff, bb.getInt(16) & 0xffffffffL, bb.getInt(20) & 0xffffffffL,
                bb.getInt(24) & 0xffffffffL, bb.getLong(32), bb.getLong(40), bb.getLong(48), bb.getLong(112),
                bb.getInt(120), bb.getInt(128) & 0xffffffffL, bb.getInt(132) & 0xffffffffL);
    }

    /** The names in a directory, without "." and "..", in readdir order. */
    static List<byte[]> list(byte[] dir) throws IOException {
        Pointer d = libc().opendir(c(dir));
        if (d == null) {
            throw fail("opendir", dir);
        }
        try {
            List<byte[]> out = new ArrayList<>();
            while (true) {
                Pointer e = libc().readdir(d);
                if (e == null) {
                    return out;
                }
                // struct dirent (64-bit): d_ino 8, d_off 8, d_reclen 2, d_type 1, d_name[256]
                long len = e.indexOf(19, (byte) 0);
                byte[] name = e.getByteArray(19, (int) len);
                if (!(Arrays.equals(name, DOT) || Arrays.equals(name, DOTDOT))) {
                    out.add(name);
                }
            }
        } finally {
            libc().closedir(d);
        }
    }

    private static final byte[] DOT = {'.'};
    private static final byte[] DOTDOT = {'.', '.'};

    /** {@code parent + '/' + name} as bytes. */
    static byte[] join(byte[] parent, byte[] name) {
        byte[] out = Arrays.copyOf(parent, parent.length + 1 + name.length);
        out[parent.length] = '/';
        System.arraycopy(name, 0, out, parent.length + 1, name.length);
        return out;
    }

    static byte[] bytes(java.nio.file.Path p) {
        return p.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
    }
}
