package org.erofssim.oracle;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The new mount API of the live oracle ({@code fsopen}/{@code fsconfig}/{@code fsmount}/
 * {@code move_mount}, Linux 5.2+), through JNA's {@code syscall(2)} with the x86-64 numbers
 * (glibc 2.36 wraps them, bookworm's 2.36 does; the raw numbers need no newer header).
 *
 * <p>{@link #mount} does what {@code mount(2)} does for a scenario, the new way: one
 * {@code fsconfig} per option (a bare key as {@code FSCONFIG_SET_FLAG}, {@code key=value} as
 * {@code FSCONFIG_SET_STRING}), {@code "ro"} as a flag when read-only, the source as the
 * {@code "source"} string, {@code FSCONFIG_CMD_CREATE}, {@code fsmount} and {@code move_mount}
 * onto the target. The messages of the mount context ({@code errorf}/{@code errorfc}/...) are
 * then in the context's log, which {@code read(2)} of the fsopen descriptor returns one message
 * per call ({@code "e erofs: ..."}): they are collected into {@link Result#fcLog} on every path.
 */
public final class FsApi {
    private FsApi() {}

    // x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl)
    static final long SYS_MOVE_MOUNT = 429;
    static final long SYS_FSOPEN = 430;
    static final long SYS_FSCONFIG = 431;
    static final long SYS_FSMOUNT = 432;

    // include/uapi/linux/mount.h
    static final int FSOPEN_CLOEXEC = 1;
    static final int FSCONFIG_SET_FLAG = 0;
    static final int FSCONFIG_SET_STRING = 1;
    static final int FSCONFIG_CMD_CREATE = 6;
    static final int FSMOUNT_CLOEXEC = 1;
    static final int MOVE_MOUNT_F_EMPTY_PATH = 4;
    private static final int AT_FDCWD = -100;
    private static final int ENODATA = 61;

    private interface Sys extends Library {
        Sys INSTANCE = Native.load("c", Sys.class);

        NativeLong syscall(NativeLong number, Object... args);
    }

    /** What the attempt did: the errno (0 when mounted) and the fs_context log, in order. */
    public record Result(int errno, String failedCall, List<String> fcLog) {}

    /**
     * Mounts {@code source} on {@code target} as erofs with the new mount API.
     *
     * @param options the {@code mount -o} string; null or empty for none
     */
    public static Result mount(String source, String target, boolean readOnly, String options) {
        long fs = call(SYS_FSOPEN, "erofs", FSOPEN_CLOEXEC);
        if (fs < 0) {
            return new Result(Native.getLastError(), "fsopen", List.of());
        }
        List<String> fcLog = new ArrayList<>();
        int fd = (int) fs;
        try {
            if (readOnly && call(SYS_FSCONFIG, fd, FSCONFIG_SET_FLAG, "ro", Pointer.NULL, 0) < 0) {
                return failed(fd, "fsconfig ro", fcLog);
            }
            if (source != null && call(SYS_FSCONFIG, fd, FSCONFIG_SET_STRING, "source", source, 0) < 0) {
                return failed(fd, "fsconfig source", fcLog);
            }
            if (options != null && !options.isEmpty()) {
                for (String opt : options.split(",", -1)) {
                    int eq = opt.indexOf('=');
                    long r = eq < 0
                            ? call(SYS_FSCONFIG, fd, FSCONFIG_SET_FLAG, opt, Pointer.NULL, 0)
                            : call(SYS_FSCONFIG, fd, FSCONFIG_SET_STRING, opt.substring(0, eq), opt.substring(eq + 1), 0);
                    if (r < 0) {
                        return failed(fd, "fsconfig " + opt, fcLog);
                    }
                }
            }
            if (call(SYS_FSCONFIG, fd, FSCONFIG_CMD_CREATE, Pointer.NULL, Pointer.NULL, 0) < 0) {
                return failed(fd, "fsconfig FSCONFIG_CMD_CREATE", fcLog);
            }
            long mfd = call(SYS_FSMOUNT, fd, FSMOUNT_CLOEXEC, 0);
            if (mfd < 0) {
                return failed(fd, "fsmount", fcLog);
            }
            try {
                if (call(SYS_MOVE_MOUNT, (int) mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
                    return failed(fd, "move_mount", fcLog);
                }
            } finally {
                Syscalls.close((int) mfd);
            }
            drain(fd, fcLog);
            return new Result(0, null, List.copyOf(fcLog));
        } finally {
            Syscalls.close(fd);
        }
    }

    private static Result failed(int fd, String call, List<String> fcLog) {
        int errno = Native.getLastError();
        drain(fd, fcLog);
        return new Result(errno, call, List.copyOf(fcLog));
    }

    /** Every message of the context's log: one per {@code read(2)}, until ENODATA. */
    private static void drain(int fd, List<String> out) {
        Memory buf = new Memory(8192);
        for (int i = 0; i < 64; i++) { // the log holds 8 messages; never loop forever
            int n;
            try {
                n = Syscalls.read(fd, buf, (int) buf.size());
            } catch (SyscallException e) {
                if (e.errno() != ENODATA) {
                    out.add("(reading the fs_context log failed with errno " + e.errno() + ")");
                }
                return;
            }
            if (n <= 0) {
                return;
            }
            String m = new String(buf.getByteArray(0, n), StandardCharsets.UTF_8);
            out.add(m.endsWith("\n") ? m.substring(0, m.length() - 1) : m);
        }
    }

    private static long call(long number, Object... args) {
        Object[] a = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i] instanceof Integer n ? new NativeLong(n) : args[i];
        }
        return Sys.INSTANCE.syscall(new NativeLong(number), a).longValue();
    }
}
