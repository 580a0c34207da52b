package org.erofssim.oracle;

import java.util.List;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;

/**
 * The mode a failed live mount reached, as far as the kernel lets one see it (moved out of
 * {@link LiveKernelOracle} unchanged): the erofs device line when there is one, none when an
 * option-parser or VFS context message shows the mount failed before {@code get_tree} chose a
 * mode, else inferred from the source's file type with a note.
 */
final class FailedMode {
    /** {@code ST_NODEV} of statfs(2)'s flags. */
    private static final long ST_NODEV = 4;

    private FailedMode() {}

    /** A line of an fsopen mount's context log ({@code fc: e erofs: ...}) as mount(2) would print it. */
    static String withoutFcPrefix(String line) {
        String p = org.erofssim.kernel.KernelLog.FC_PREFIX;
        return line.startsWith(p) && line.length() > p.length() + 2 ? line.substring(p.length() + 2) : line;
    }

    /** Option-parser and VFS context messages: the mount failed before get_tree chose a mode. */
    private static boolean beforeGetTree(String line) {
        return line.startsWith("erofs: Unknown parameter") || line.startsWith("erofs: Bad value for")
                || line.startsWith("erofs: Unexpected value for") || line.equals("erofs: dax options not supported")
                || line.equals("Multiple sources") || line.equals("No source specified")
                || line.equals("Non-string source");
    }

    /** The mode a failed attempt reached, as far as the kernel lets one see it. */
    static Mode infer(List<String> log, String realSource, int errno, List<String> notes) {
        for (String l0 : log) {
            // an fsopen mount's context messages ("fc: e erofs: ...") read as mount(2)'s would
            String l = withoutFcPrefix(l0);
            DeviceLine line = DeviceLine.parse(l);
            if (line != null) {
                return line.fileBacked() ? Mode.FILEIO : Mode.BDEV;
            }
        }
        if (log.stream().map(FailedMode::withoutFcPrefix).anyMatch(FailedMode::beforeGetTree)
                || realSource == null || realSource.isEmpty()) {
            return null;
        }
        Syscalls.Stat st;
        try {
            st = Syscalls.stat(Syscalls.cPath(realSource));
        } catch (SyscallException e) {
            return null;
        }
        boolean nodev = false;
        if (st.type() == Syscalls.S_IFBLK) {
            try {
                nodev = (Syscalls.statfs(realSource).flags() & ST_NODEV) != 0;
            } catch (SyscallException e) {
                // cannot tell: not nodev
            }
        }
        return fromSource(st.type(), nodev, errno, notes);
    }

    /**
     * The rest of {@link #infer} once the log named no mode: from the source's file type as
     * {@code stat(2)} gave it ({@code S_IFBLK}, {@code S_IFREG}, ...; -1 when stat failed) and,
     * for a block device, whether it is on a {@code nodev} mount. Shared with the native guest
     * runner's observations ({@link NativeObservation}), which report the two facts.
     */
    static Mode fromSource(int type, boolean nodev, int errno, List<String> notes) {
        if (type == Syscalls.S_IFBLK) {
            if (nodev) {
                notes.add("the source device node is on a nodev mount: lookup_bdev fails before a mode is chosen");
                return null;
            }
            notes.add("mode inferred from the source being a block device (no erofs device line)");
            return Mode.BDEV;
        }
        if (type == Syscalls.S_IFREG && errno > 0 && errno != Errno.ENOTBLK.number()
                && errno != Errno.EACCES.number() && errno != Errno.EPERM.number()) {
            notes.add("mode inferred from the source being a regular file (no erofs device line)");
            return Mode.FILEIO;
        }
        return null;
    }

    /** {@link #infer} with the source's stat facts given ({@link #fromSource}); null source: none. */
    static Mode infer(List<String> log, boolean hasSource, int type, boolean nodev, int errno, List<String> notes) {
        for (String l0 : log) {
            DeviceLine line = DeviceLine.parse(withoutFcPrefix(l0));
            if (line != null) {
                return line.fileBacked() ? Mode.FILEIO : Mode.BDEV;
            }
        }
        if (log.stream().map(FailedMode::withoutFcPrefix).anyMatch(FailedMode::beforeGetTree) || !hasSource
                || type < 0) {
            return null;
        }
        return fromSource(type, nodev, errno, notes);
    }
}
