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
 *
 * <p>Records overwritten in the kernel's log buffer before they were read (a busy log, or a
 * window that printed more than the buffer holds) are counted, not silently skipped: a read whose
 * next record is gone fails with {@code EPIPE} and the next read goes on at the oldest record
 * left (the kernel's {@code devkmsg_read}), so the records lost are the gap between the sequence
 * number expected (after the last record read, or {@link #expectFrom} before the first) and the
 * one read after the {@code EPIPE}; 1 for each {@code EPIPE} whose gap is unknown. {@link #lost()}
 * is a lower bound, the same count as the native guest runner's {@code kmsgLost}.
 */
public final class Kmsg implements AutoCloseable {
    /** One record: {@code prio,seq,ts,flags;message}. */
    public record Record(int level, long seq, String message) {}

    private static final int RECORD_MAX = 8192 + 512;

    /** Where the records come from: {@code /dev/kmsg} ({@link #open}), or a test's stream. */
    interface Source extends AutoCloseable {
        /**
         * The next record's bytes, or null when there is none yet ({@code EAGAIN}); throws a
         * {@link SyscallException} of {@code EPIPE} when the next record was overwritten (the next
         * call returns the oldest one left) or of {@code EINTR}.
         */
        byte[] read();

        @Override void close();
    }

    private final Source source;
    /** The sequence number of the next record expected; -1 until known. */
    private long next = -1;
    /** Records lost to the {@code EPIPE}s so far (counted when the record after each was read). */
    private long lost;
    /** An {@code EPIPE} whose gap is not counted yet: no record read after it so far. */
    private boolean skipped;

    Kmsg(Source source) {
        this.source = source;
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
        return new Kmsg(new Device(fd));
    }

    /** {@code /dev/kmsg} opened non-blocking: one record per {@code read(2)}. */
    private static final class Device implements Source {
        private final int fd;
        private final Memory buf = new Memory(RECORD_MAX);

        Device(int fd) {
            this.fd = fd;
        }

        @Override public byte[] read() {
            int n;
            try {
                n = Syscalls.read(fd, buf, RECORD_MAX);
            } catch (SyscallException e) {
                if (e.errno() == Syscalls.EAGAIN) {
                    return null;
                }
                throw e;
            }
            return n <= 0 ? null : buf.getByteArray(0, n);
        }

        @Override public void close() {
            Syscalls.close(fd);
            buf.close();
        }
    }

    /** The records printed since the last call (or since {@link #open()}), in order; losses go to {@link #lost()}. */
    public List<Record> readNew() {
        List<Record> out = new ArrayList<>();
        while (true) {
            byte[] raw;
            try {
                raw = source.read();
            } catch (SyscallException e) {
                if (e.errno() == Syscalls.EPIPE) {
                    skipped = true; // records were overwritten; the next read goes on at the oldest left
                    continue;
                }
                if (e.errno() == Syscalls.EINTR) {
                    continue;
                }
                throw e;
            }
            if (raw == null) {
                return out;
            }
            Record r = parse(raw);
            if (r == null) {
                continue;
            }
            if (skipped) {
                lost += next >= 0 && r.seq() > next ? r.seq() - next : 1;
                skipped = false;
            }
            next = r.seq() + 1;
            out.add(r);
        }
    }

    /**
     * How many records the reads so far skipped because they were overwritten before they were
     * read (at least; 0 when none were): each {@code EPIPE}'s gap of sequence numbers, 1 for one
     * whose gap is unknown (no number expected, or no record read after it yet).
     */
    public long lost() {
        return lost + (skipped ? 1 : 0);
    }

    /**
     * The sequence number after the last record read (where this reader goes on), or -1 when it
     * read none.
     */
    public long nextSeq() {
        return next;
    }

    /**
     * Sets the sequence number this reader's first record should have (where it was opened, or a
     * lower bound of it: {@link #lost()} stays a lower bound), so an {@code EPIPE} before its first
     * record is counted by its gap; ignored when {@code seq} is negative or a record was read.
     */
    public void expectFrom(long seq) {
        if (next < 0 && seq >= 0) {
            next = seq;
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
        write(MARK + "\n");
    }

    /** Writes one record to {@code /dev/kmsg}; a failure is ignored. */
    private static void write(String line) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
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
            // not written: for the mark, the record stays open and its line is missing, as before
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
        source.close();
    }
}
