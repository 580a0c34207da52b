package org.erofssim.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The lines one mount attempt adds to the kernel log ({@code dmesg}), in order, without
 * timestamps, exactly as the kernel formats them for the profile in use (spec §0.4).
 */
public final class KernelLog {
    /** The prefix of an outcome log line that came from the fs_context log, not the kernel log. */
    public static final String FC_PREFIX = "fc: ";

    private final List<String> lines = new ArrayList<>();
    /** The fs_context log of an fsopen mount ({@code fc->log.log}), or null for mount(2). */
    private final List<String> fcLines;
    /** The characters a printk record keeps of a line ({@link #recordChars}); unlimited unless a kernel is given. */
    private final int recordChars;

    /** The log of a mount(2) attempt: fs_context messages go to the kernel log. */
    public KernelLog() {
        this(false);
    }

    /**
     * @param fsContextLog whether the mount context has a log of its own ({@code fsopen}:
     *                     {@code fscontext_alloc_log}), which then takes its messages
     */
    public KernelLog(boolean fsContextLog) {
        this.fcLines = fsContextLog ? new ArrayList<>() : null;
        this.recordChars = Integer.MAX_VALUE;
    }

    /**
     * The log of one mount attempt on {@code kernel}, whose printk keeps at most
     * {@link #recordChars} characters of a line.
     */
    public KernelLog(boolean fsContextLog, KernelConfig kernel) {
        this.fcLines = fsContextLog ? new ArrayList<>() : null;
        this.recordChars = recordChars(kernel);
    }

    /**
     * How many characters of a line a printk record keeps ({@code vprintk_store}: the reserved
     * size less the NUL, then {@code printk_sprint} strips the two-byte level prefix): 1021 with
     * {@link Behavior#PRINTK_RECORD_MAX_1024}, 989 before it.
     */
    public static int recordChars(KernelConfig kernel) {
        return kernel.has(Behavior.PRINTK_RECORD_MAX_1024) ? 1021 : 989;
    }

    /** A line as its printk record keeps it. */
    private String record(String line) {
        return line.length() <= recordChars ? line : line.substring(0, recordChars);
    }

    public void print(String line) {
        lines.add(record(line));
    }

    /**
     * A message of the fs_context family ({@code logfc} in fs/fs_context.c: {@code errorf},
     * {@code errorfc}, {@code invalf}, {@code warnf}, {@code infofc}) as mount(2) prints it to
     * the kernel log; with a context log it is stored there instead as
     * {@code "<level> <line>"} ({@code e}, {@code w} or {@code i}), which the outcome shows after
     * the kernel lines as {@code fc: <level> <line>}.
     */
    public void fc(char level, String line) {
        if (fcLines == null) {
            lines.add(record(line)); // printk; a context log keeps the whole message
        } else {
            fcLines.add(level + " " + line);
        }
    }

    /** The kernel log lines, then those of the fs_context log (each with {@link #FC_PREFIX}). */
    public List<String> lines() {
        if (fcLines == null || fcLines.isEmpty()) {
            return Collections.unmodifiableList(lines);
        }
        List<String> all = new ArrayList<>(lines);
        for (String l : fcLines) {
            all.add(FC_PREFIX + l);
        }
        return Collections.unmodifiableList(all);
    }

    /** A point of this log to come back to ({@link #rollback}). */
    public record Mark(int lines, int fcLines) {
        // written out: the record's generated equals/hashCode bootstrap through java.lang.runtime.ObjectMethods,
        // which spins method-handle classes at run time on the first file a verify reads (JVM start cost)
        @Override
        public boolean equals(Object o) {
            return o instanceof Mark m && m.lines == lines && m.fcLines == fcLines;
        }

        @Override
        public int hashCode() {
            return 31 * lines + fcLines;
        }
    }

    /** Where the log is now. */
    public Mark mark() {
        return new Mark(lines.size(), fcLines == null ? 0 : fcLines.size());
    }

    /**
     * Forgets the lines printed since {@code mark}: a piece of work the model made twice (a tree
     * walk's clean-data fast path given up for the full model) prints once.
     */
    public void rollback(Mark mark) {
        lines.subList(mark.lines(), lines.size()).clear();
        if (fcLines != null) {
            fcLines.subList(mark.fcLines(), fcLines.size()).clear();
        }
    }

    public boolean isEmpty() {
        return lines.isEmpty() && (fcLines == null || fcLines.isEmpty());
    }
}
