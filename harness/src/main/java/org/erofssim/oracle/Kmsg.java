package org.erofssim.oracle;

import com.sun.jna.Memory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel log, read through {@code /dev/kmsg} from a position taken before an attempt:
 * {@link #open()} seeks to the end, {@link #readNew()} returns the records printed since.
 * The log is never cleared (other users of the machine share it).
 */
public final class Kmsg implements AutoCloseable {
    /** One record: {@code prio,seq,ts,flags;message}. */
    public record Record(int level, long seq, String message) {}

    private static final int RECORD_MAX = 8192 + 512;

    private final int fd;
    private final Memory buf = new Memory(RECORD_MAX);

    private Kmsg(int fd) {
        this.fd = fd;
    }

    /** Opens {@code /dev/kmsg} non-blocking, positioned after the last record printed so far. */
    public static Kmsg open() {
        int fd = Syscalls.open("/dev/kmsg", Syscalls.O_RDONLY | Syscalls.O_NONBLOCK | Syscalls.O_CLOEXEC);
        try {
            Syscalls.seekEnd(fd);
        } catch (SyscallException e) {
            Syscalls.close(fd);
            throw e;
        }
        return new Kmsg(fd);
    }

    /** The records printed since the last call (or since {@link #open()}), in order. */
    public List<Record> readNew() {
        List<Record> out = new ArrayList<>();
        while (true) {
            int n;
            try {
                n = Syscalls.read(fd, buf, RECORD_MAX);
            } catch (SyscallException e) {
                if (e.errno() == Syscalls.EAGAIN) {
                    return out;
                }
                if (e.errno() == Syscalls.EPIPE) {
                    continue; // records were overwritten; the next read goes on after them
                }
                if (e.errno() == Syscalls.EINTR) {
                    continue;
                }
                throw e;
            }
            if (n <= 0) {
                return out;
            }
            Record r = parse(buf.getByteArray(0, n));
            if (r != null) {
                out.add(r);
            }
        }
    }

    /**
     * The length of an option string or source above which a line naming it may lose its end to
     * printk's record size (1021 characters since b0975c47c217, 989 before): such a line has no
     * newline left, so its record stays open (readers do not see it) until the next record.
     */
    static final int OPEN_RECORD_RISK = 900;

    /** The text a {@link #finalizeOpenRecord} writes: no erofs line, left out by {@link LogFilter#keep}. */
    static final String MARK = "erofs-sim: end of an observation (finalizes a cut printk record)";

    /** True when an attempt with this source and options may have left a record open ({@link #OPEN_RECORD_RISK}). */
    static boolean mayLeaveOpenRecord(String source, String options) {
        return source != null && source.length() > OPEN_RECORD_RISK || options != null && options.length() > OPEN_RECORD_RISK;
    }

    /**
     * Writes {@link #MARK} to {@code /dev/kmsg}: a new record, which finalizes the last one if a cut
     * line left it open, so {@link #readNew} sees it [obs-6.18.44-fc-v1272 and obs-6.1.0-57, session
     * 11: the 1021-character line of a 4,100-byte unknown option showed up only with the next
     * record]. Adds one line to the shared log; clears nothing. A failure to write is ignored.
     */
    static void finalizeOpenRecord() {
        byte[] b = (MARK + "\n").getBytes(StandardCharsets.US_ASCII);
        int fd;
        try {
            fd = Syscalls.open("/dev/kmsg", Syscalls.O_WRONLY | Syscalls.O_CLOEXEC);
        } catch (SyscallException e) {
            return;
        }
        try (Memory m = new Memory(b.length)) {
            m.write(0, b, 0, b.length);
            Syscalls.write(fd, m, b.length);
        } catch (SyscallException e) {
            // the record stays open: the line is then missing from this observation, as before
        } finally {
            Syscalls.close(fd);
        }
    }

    /** Parses one {@code /dev/kmsg} record; null if it is not one. */
    static Record parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int semi = text.indexOf(';');
        if (semi < 0) {
            return null;
        }
        String[] head = text.substring(0, semi).split(",");
        if (head.length < 3) {
            return null;
        }
        int nl = text.indexOf('\n', semi);
        String msg = nl < 0 ? text.substring(semi + 1) : text.substring(semi + 1, nl);
        try {
            int prio = Integer.parseInt(head[0]);
            long seq = Long.parseLong(head[1]);
            return new Record(prio & 7, seq, unescape(msg));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Undoes the kernel's {@code \xNN} escaping of non-printable bytes; the result is decoded as UTF-8. */
    static String unescape(String latin1) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(latin1.length());
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (c == '\\' && i + 3 < latin1.length() && latin1.charAt(i + 1) == 'x'
                    && hex(latin1.charAt(i + 2)) >= 0 && hex(latin1.charAt(i + 3)) >= 0) {
                out.write(hex(latin1.charAt(i + 2)) * 16 + hex(latin1.charAt(i + 3)));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    @Override public void close() {
        Syscalls.close(fd);
        buf.close();
    }
}
