package org.erofssim.oracle;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The system calls of the live oracle, through JNA, with x86-64 Linux structure layouts.
 * Every call that fails throws {@link SyscallException} carrying the errno
 * ({@link Native#getLastError()}); nothing here shells out.
 */
public final class Syscalls {
    private Syscalls() {}

    private static final LibC C = LibC.INSTANCE;

    // open(2)
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_DIRECTORY = 0x10000;
    public static final int O_NOFOLLOW = 0x20000;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_LARGEFILE = 0x8000;

    // page cache (x86-64: 4 KiB pages)
    public static final int PAGE_SIZE = 4096;
    public static final int POSIX_FADV_DONTNEED = 4;
    private static final int PROT_READ = 1;
    private static final int MAP_SHARED = 1;

    // mount(2) / umount2(2)
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_BIND = 4096;
    public static final long MS_PRIVATE = 1 << 18;
    public static final int MNT_DETACH = 2;
    public static final int UMOUNT_NOFOLLOW = 8;

    // errno values the oracle reacts to
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EPIPE = 32;

    // inode types (st_mode & S_IFMT)
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    // loop driver (include/uapi/linux/loop.h)
    public static final int LO_FLAGS_READ_ONLY = 1;
    public static final int LO_FLAGS_AUTOCLEAR = 4;
    public static final int LO_FLAGS_DIRECT_IO = 16;
    private static final long LOOP_CLR_FD = 0x4C01;
    private static final long LOOP_CONFIGURE = 0x4C0A;
    private static final long LOOP_CTL_ADD = 0x4C80;
    private static final long LOOP_CTL_REMOVE = 0x4C81;
    private static final long LOOP_CTL_GET_FREE = 0x4C82;
    private static final int LOOP_CONFIG_SIZE = 304;
    private static final int LO_NAME_SIZE = 64;

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int SEEK_END = 2;
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SUN_PATH_MAX = 108;

    private static SyscallException fail(String call) {
        return new SyscallException(call, Native.getLastError());
    }

    /** A path as the NUL-terminated bytes a system call takes. */
    public static byte[] cPath(byte[] path) {
        return Arrays.copyOf(path, path.length + 1);
    }

    public static byte[] cPath(String path) {
        return cPath(path.getBytes(StandardCharsets.UTF_8));
    }

    public static int geteuid() {
        return C.geteuid();
    }

    /** The kernel thread id of the calling thread. */
    public static int gettid() {
        return C.gettid();
    }

    // ---------------------------------------------------------------- mounts

    /** {@code mount(2)}; {@code source}, {@code fstype} and {@code data} may be null. */
    public static void mount(String source, String target, String fstype, long flags, String data) {
        if (C.mount(source, target, fstype, new NativeLong(flags), data) != 0) {
            throw fail("mount " + target);
        }
    }

    /** {@code umount2(2)}. */
    public static void umount2(String target, int flags) {
        if (C.umount2(target, flags) != 0) {
            throw fail("umount2 " + target);
        }
    }

    // ---------------------------------------------------------------- files

    public static int open(String path, int flags) {
        int fd = C.open(path, flags, 0);
        if (fd < 0) {
            throw fail("open " + path);
        }
        return fd;
    }

    /** {@code open(2)} of a NUL-terminated byte path. */
    public static int open(byte[] cpath, int flags) {
        int fd = C.open(cpath, flags, 0);
        if (fd < 0) {
            throw fail("open " + new String(cpath, 0, cpath.length - 1, StandardCharsets.UTF_8));
        }
        return fd;
    }

    /** {@code close(2)}, errors ignored (the descriptor is gone either way on Linux). */
    public static void close(int fd) {
        if (fd >= 0) {
            C.close(fd);
        }
    }

    /** {@code lseek(fd, 0, SEEK_END)}. */
    public static long seekEnd(int fd) {
        long r = C.lseek(fd, 0, SEEK_END);
        if (r < 0) {
            throw fail("lseek");
        }
        return r;
    }

    /** {@code read(2)} into {@code buf}; returns the count (0 at the end). */
    public static int read(int fd, Memory buf, int len) {
        long n = C.read(fd, buf, new NativeLong(len)).longValue();
        if (n < 0) {
            throw fail("read");
        }
        return (int) n;
    }

    /** {@code fsync(2)}. */
    public static void fsync(int fd) {
        if (C.fsync(fd) != 0) {
            throw fail("fsync");
        }
    }

    /**
     * {@code posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)}: asks the kernel to drop the clean,
     * unmapped page-cache pages of this one file or block device (dirty ones get writeback
     * started and stay).
     */
    public static void fadviseDontNeed(int fd) {
        int r = C.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        if (r != 0) {
            throw new SyscallException("posix_fadvise DONTNEED", r);
        }
    }

    /**
     * The page-cache pages of the file or block device at {@code path} that are resident now,
     * as ascending 4 KiB page indexes: {@code mmap(PROT_READ, MAP_SHARED)} over its whole size,
     * then {@code mincore(2)}. Nothing is read (the mapping is never touched). Empty for an
     * empty file. Root sees the truth: {@code mincore} reports every page resident for file
     * mappings the caller could neither write nor owns.
     */
    public static List<Long> residentPages(String path) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_LARGEFILE);
        try {
            long size = seekEnd(fd);
            List<Long> out = new ArrayList<>();
            if (size == 0) {
                return out;
            }
            long pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
            if (pages > Integer.MAX_VALUE) {
                throw new SyscallException("mincore " + path + " (" + size + " bytes, too large)", EINVAL);
            }
            NativeLong len = new NativeLong(size);
            Pointer map = C.mmap(null, len, PROT_READ, MAP_SHARED, fd, 0);
            if (map == null || Pointer.nativeValue(map) == -1L) {
                throw fail("mmap " + path);
            }
            try {
                byte[] vec = new byte[(int) pages];
                if (C.mincore(map, len, vec) != 0) {
                    throw fail("mincore " + path);
                }
                for (int i = 0; i < vec.length; i++) {
                    if ((vec[i] & 1) != 0) {
                        out.add((long) i);
                    }
                }
                return out;
            } finally {
                C.munmap(map, len);
            }
        } finally {
            close(fd);
        }
    }

    /**
     * A read-only shared mapping ({@code mmap(PROT_READ, MAP_SHARED)}, no {@code MAP_POPULATE}:
     * nothing is read) of the first {@code len} bytes of {@code fd}; {@link #munmap} ends it.
     */
    public static Pointer mmapRead(int fd, long len) {
        Pointer map = C.mmap(null, new NativeLong(len), PROT_READ, MAP_SHARED, fd, 0);
        if (map == null || Pointer.nativeValue(map) == -1L) {
            throw fail("mmap");
        }
        return map;
    }

    /** {@code munmap(2)} of a mapping {@link #mmapRead} made. */
    public static void munmap(Pointer map, long len) {
        C.munmap(map, new NativeLong(len));
    }

    /** {@code pipe2(O_CLOEXEC)}: the read end, then the write end. */
    public static int[] pipe() {
        int[] fds = new int[2];
        if (C.pipe2(fds, O_CLOEXEC) != 0) {
            throw fail("pipe2");
        }
        return fds;
    }

    /**
     * {@code write(2)} of {@code len} bytes at {@code buf}: how many were written. A fault on
     * {@code buf} (a mapped page whose read failed: the fault a user-mode touch would turn into
     * {@code SIGBUS}) is {@code EFAULT}, thrown as a {@link SyscallException}.
     */
    public static int write(int fd, Pointer buf, int len) {
        long n = C.write(fd, buf, new NativeLong(len)).longValue();
        if (n < 0) {
            throw fail("write");
        }
        return (int) n;
    }

    /** {@code mknod(2)}; {@code mode} holds the type bits and the permissions. */
    public static void mknod(String path, int mode, int major, int minor) {
        if (C.mknod(path, mode, makedev(major, minor)) != 0) {
            throw fail("mknod " + path);
        }
    }

    /** glibc's {@code makedev}. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffL) << 8) | ((ma & 0xfffff000L) << 32) | (mi & 0xffL) | ((mi & 0xffffff00L) << 12);
    }

    public static void symlink(String target, String linkpath) {
        if (C.symlink(target, linkpath) != 0) {
            throw fail("symlink " + linkpath);
        }
    }

    public static void rename(String from, String to) {
        if (C.rename(from, to) != 0) {
            throw fail("rename " + from);
        }
    }

    /**
     * Creates a socket inode at {@code path} by binding an {@code AF_UNIX} socket there, then
     * closes the socket (the inode stays; opening it gives ENXIO like any socket inode).
     * A path too long for {@code sun_path} is bound at {@code shortDir} and renamed into place.
     */
    public static void bindUnixSocket(String path, String shortDir) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        String bindAt = p.length < SUN_PATH_MAX ? path : shortDir + "/s" + System.nanoTime();
        byte[] b = bindAt.getBytes(StandardCharsets.UTF_8);
        if (b.length >= SUN_PATH_MAX) {
            throw new SyscallException("bind " + bindAt + " (path too long)", 36);
        }
        int fd = C.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw fail("socket");
        }
        try (Memory addr = new Memory(2 + SUN_PATH_MAX)) {
            addr.clear();
            addr.setShort(0, (short) AF_UNIX);
            addr.write(2, b, 0, b.length);
            if (C.bind(fd, addr, 2 + b.length + 1) != 0) {
                throw fail("bind " + bindAt);
            }
        } finally {
            C.close(fd);
        }
        if (!bindAt.equals(path)) {
            rename(bindAt, path);
        }
    }

    // ---------------------------------------------------------------- loop devices

    /** {@code LOOP_CTL_GET_FREE}: the number of a free loop device (created if none is). */
    public static int loopCtlGetFree(int ctlFd) {
        int n = C.ioctl(ctlFd, new NativeLong(LOOP_CTL_GET_FREE), new NativeLong(0));
        if (n < 0) {
            throw fail("LOOP_CTL_GET_FREE");
        }
        return n;
    }

    /** {@code LOOP_CTL_ADD}: creates loop device {@code n}; EEXIST when it exists. */
    public static void loopCtlAdd(int ctlFd, int n) {
        if (C.ioctl(ctlFd, new NativeLong(LOOP_CTL_ADD), new NativeLong(n)) < 0) {
            throw fail("LOOP_CTL_ADD " + n);
        }
    }

    /** {@code LOOP_CTL_REMOVE}: deletes unbound loop device {@code n}; EBUSY while bound or open. */
    public static void loopCtlRemove(int ctlFd, int n) {
        if (C.ioctl(ctlFd, new NativeLong(LOOP_CTL_REMOVE), new NativeLong(n)) < 0) {
            throw fail("LOOP_CTL_REMOVE " + n);
        }
    }

    /**
     * {@code LOOP_CONFIGURE}: binds {@code backingFd} to the loop device open at {@code loopFd}
     * with the {@code LO_FLAGS_*} {@code flags} and logical block size {@code blockSize} (0: 512).
     */
    public static void loopConfigure(int loopFd, int backingFd, int blockSize, int flags, String fileName) {
        try (Memory cfg = new Memory(LOOP_CONFIG_SIZE)) {
            cfg.clear();
            cfg.setInt(0, backingFd);
            cfg.setInt(4, blockSize);
            int info = 8;
            cfg.setInt(info + 52, flags); // lo_flags
            byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
            cfg.write(info + 56, name, Math.max(0, name.length - (LO_NAME_SIZE - 1)),
                    Math.min(name.length, LO_NAME_SIZE - 1)); // lo_file_name, the tail if too long
            if (C.ioctl(loopFd, new NativeLong(LOOP_CONFIGURE), cfg) < 0) {
                throw fail("LOOP_CONFIGURE");
            }
        }
    }

    /** {@code LOOP_CLR_FD}: unbinds the device (deferred by the driver while it is still open elsewhere). */
    public static void loopClrFd(int loopFd) {
        if (C.ioctl(loopFd, new NativeLong(LOOP_CLR_FD), new NativeLong(0)) < 0) {
            throw fail("LOOP_CLR_FD");
        }
    }

    // ---------------------------------------------------------------- statfs / stat

    /** {@code struct statfs} of x86-64. */
    public record StatfsResult(long type, long bsize, long blocks, long bfree, long bavail, long files,
                               long ffree, int fsid0, int fsid1, long namelen, long frsize, long flags) {}

    public static StatfsResult statfs(String path) {
        try (Memory b = new Memory(120)) {
            b.clear();
            if (C.statfs(path, b) != 0) {
                throw fail("statfs " + path);
            }
            return new StatfsResult(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32),
                    b.getLong(40), b.getLong(48), b.getInt(56), b.getInt(60), b.getLong(64), b.getLong(72),
                    b.getLong(80));
        }
    }

    /** What {@code statx(2)} without following a final symlink says (the basic stats). */
    public record Stat(int mode, long ino, long nlink, long uid, long gid, long size, long blocks, long mtime,
                       long mtimeNsec, int rdevMajor, int rdevMinor, int devMajor, int devMinor) {
        public int type() {
            return mode & S_IFMT;
        }
    }

    /** {@code statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS)} (an lstat). */
    public static Stat lstat(byte[] cpath) {
        return statx(cpath, AT_SYMLINK_NOFOLLOW);
    }

    /** {@code statx} following symlinks (a stat). */
    public static Stat stat(byte[] cpath) {
        return statx(cpath, 0);
    }

    private static Stat statx(byte[] cpath, int flags) {
        try (Memory b = new Memory(256)) {
            b.clear();
            if (C.statx(AT_FDCWD, cpath, flags, STATX_BASIC_STATS, b) != 0) {
                throw fail("statx " + new String(cpath, 0, cpath.length - 1, StandardCharsets.UTF_8));
            }
            return new Stat(b.getShort(28) & 0xffff, b.getLong(32), b.getInt(16) & 0xffffffffL,
                    b.getInt(20) & 0xffffffffL, b.getInt(24) & 0xffffffffL, b.getLong(40), b.getLong(48),
                    b.getLong(112), b.getInt(120) & 0xffffffffL, b.getInt(128), b.getInt(132), b.getInt(136),
                    b.getInt(140));
        }
    }

    // ---------------------------------------------------------------- FIEMAP

    /** {@code FS_IOC_FIEMAP} = {@code _IOWR('f', 11, struct fiemap)}. */
    private static final long FS_IOC_FIEMAP = 0xC020660BL;
    private static final int FIEMAP_HEADER = 32;
    private static final int FIEMAP_EXTENT_SIZE = 56;
    public static final int FIEMAP_EXTENT_LAST = 0x1;

    /** One {@code struct fiemap_extent}: bytes, and the {@code FIEMAP_EXTENT_*} flags. */
    public record FiemapExtent(long logical, long physical, long length, int flags) {}

    /** The extents of the file open at {@code fd}, all of them ({@code FS_IOC_FIEMAP}, no flags). */
    public static List<FiemapExtent> fiemap(int fd) {
        final int batch = 256;
        List<FiemapExtent> out = new ArrayList<>();
        long start = 0;
        try (Memory m = new Memory(FIEMAP_HEADER + (long) batch * FIEMAP_EXTENT_SIZE)) {
            while (true) {
                m.clear();
                m.setLong(0, start);           // fm_start
                m.setLong(8, -1L);             // fm_length: to the end
                m.setInt(16, 0);               // fm_flags
                m.setInt(24, batch);           // fm_extent_count
                if (C.ioctl(fd, new NativeLong(FS_IOC_FIEMAP), m) < 0) {
                    throw fail("FS_IOC_FIEMAP");
                }
                int mapped = m.getInt(20);
                FiemapExtent last = null;
                for (int i = 0; i < mapped; i++) {
                    long o = FIEMAP_HEADER + (long) i * FIEMAP_EXTENT_SIZE;
                    last = new FiemapExtent(m.getLong(o), m.getLong(o + 8), m.getLong(o + 16), m.getInt(o + 40));
                    out.add(last);
                }
                if (last == null || (last.flags() & FIEMAP_EXTENT_LAST) != 0 || mapped < batch
                        || last.logical() + last.length() <= start) {
                    return out;
                }
                start = last.logical() + last.length();
            }
        }
    }

    /** The flag names of {@code FIEMAP_EXTENT_*} in bit order, lower case without the prefix. */
    public static String fiemapFlags(int flags) {
        String[] names = {"last", "unknown", "delalloc", "encoded", null, null, null, "data_encrypted",
            "not_aligned", "data_inline", "data_tail", "unwritten", "merged", "shared"};
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            if ((flags & (1 << bit)) != 0) {
                String n = bit < names.length ? names[bit] : null;
                out.add(n != null ? n : "0x" + Integer.toHexString(1 << bit));
            }
        }
        return String.join(",", out);
    }

    // ---------------------------------------------------------------- tree reading

    /** {@code readlink(2)}: the raw target bytes. */
    public static byte[] readlink(byte[] cpath) {
        try (Memory b = new Memory(4096)) {
            long n = C.readlink(cpath, b, new NativeLong(4096)).longValue();
            if (n < 0) {
                throw fail("readlink");
            }
            return b.getByteArray(0, (int) n);
        }
    }

    /** {@code llistxattr(2)}: the names, in the order the filesystem lists them. */
    public static List<byte[]> listxattr(byte[] cpath) {
        long size = C.llistxattr(cpath, null, new NativeLong(0)).longValue();
        if (size < 0) {
            throw fail("llistxattr");
        }
        List<byte[]> names = new ArrayList<>();
        if (size == 0) {
            return names;
        }
        try (Memory b = new Memory(size + 256)) {
            long n = C.llistxattr(cpath, b, new NativeLong(size + 256)).longValue();
            if (n < 0) {
                throw fail("llistxattr");
            }
            byte[] all = b.getByteArray(0, (int) n);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == 0) {
                    if (i > start) {
                        names.add(Arrays.copyOfRange(all, start, i));
                    }
                    start = i + 1;
                }
            }
        }
        return names;
    }

    /** {@code lgetxattr(2)}: the value. */
    public static byte[] getxattr(byte[] cpath, byte[] name) {
        byte[] cname = cPath(name);
        long size = C.lgetxattr(cpath, cname, null, new NativeLong(0)).longValue();
        if (size < 0) {
            throw fail("lgetxattr");
        }
        if (size == 0) {
            return new byte[0];
        }
        try (Memory b = new Memory(size)) {
            long n = C.lgetxattr(cpath, cname, b, new NativeLong(size)).longValue();
            if (n < 0) {
                throw fail("lgetxattr");
            }
            return b.getByteArray(0, (int) n);
        }
    }

    /** One {@code linux_dirent64}: the name, {@code d_ino} and {@code d_type} ({@code DT_*}). */
    public record DirEntry(byte[] name, long ino, int type) {}

    /**
     * What repeated {@code getdents64(2)} calls on directory {@code fd} returned: the entries
     * (without {@code .} and {@code ..}) in the filesystem's order, up to the call that failed,
     * and that call's errno (null when the listing ended normally). A call that emits entries
     * and then meets an error returns the entries; the error comes from the next call.
     */
    public record DirRead(List<DirEntry> entries, Integer errno) {}

    /** The buffer each {@code getdents64} call gets (the model's {@code Readdir} assumes the same). */
    public static final int GETDENTS_BUFFER = 65536;

    /** Lists directory {@code fd} with {@code getdents64(2)}, keeping what came before an error. */
    public static DirRead readDir(int fd) {
        List<DirEntry> entries = new ArrayList<>();
        try (Memory b = new Memory(GETDENTS_BUFFER)) {
            while (true) {
                long n = C.getdents64(fd, b, new NativeLong(GETDENTS_BUFFER)).longValue();
                if (n < 0) {
                    return new DirRead(entries, Native.getLastError());
                }
                if (n == 0) {
                    return new DirRead(entries, null);
                }
                int off = 0;
                while (off < n) {
                    long ino = b.getLong(off);
                    int reclen = b.getShort(off + 16) & 0xffff;
                    int type = b.getByte(off + 18) & 0xff;
                    byte[] rec = b.getByteArray(off + 19, reclen - 19);
                    int len = 0;
                    while (len < rec.length && rec[len] != 0) {
                        len++;
                    }
                    byte[] name = Arrays.copyOf(rec, len);
                    if (!(len == 1 && name[0] == '.') && !(len == 2 && name[0] == '.' && name[1] == '.')) {
                        entries.add(new DirEntry(name, ino, type));
                    }
                    off += reclen;
                }
            }
        }
    }
}
