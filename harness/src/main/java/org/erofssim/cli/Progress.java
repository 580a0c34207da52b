package org.erofssim.cli;

import java.io.PrintWriter;

/**
 * A counter line on stderr for long commands ({@code conform}, {@code fuzz}): {@code what n/total}
 * (and a detail such as the rate),
 * rewritten in place with a carriage return, at most every 100 ms, and erased when done. Off
 * when stderr is not a terminal ({@link #onTerminal}: piped, redirected, a test, CI) or with
 * {@code --quiet}; then it prints nothing at all.
 */
final class Progress implements AutoCloseable {
    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long total;
    private final boolean on;
    private long last = System.nanoTime() - INTERVAL_NANOS;
    private int width;

    private Progress(PrintWriter err, String what, long total, boolean on) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.on = on;
    }

    /** A counter to {@code err}, on only when not {@code quiet} and the process has a terminal. */
    static Progress start(PrintWriter err, String what, long total, boolean quiet) {
        return start(err, what, total, quiet, onTerminal());
    }

    /** The same rule with the terminal test given: on only when {@code terminal} and not {@code quiet}. */
    static Progress start(PrintWriter err, String what, long total, boolean quiet, boolean terminal) {
        return new Progress(err, what, total, !quiet && terminal);
    }

    /**
     * Whether stderr is a terminal: on Linux, file descriptor 2 is a tty or pseudo-terminal
     * ({@code /proc/self/fd/2}), so that {@code erofs-sim fuzz > out.txt} still shows the counter;
     * elsewhere the JDK's test (a console exists: stdin and stdout are a terminal).
     */
    static boolean onTerminal() {
        try {
            String fd2 = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return fd2.startsWith("/dev/pts/") || fd2.startsWith("/dev/tty") || fd2.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    boolean isOn() {
        return on;
    }

    /** Shows {@code done} (of the total) unless the last update was under 100 ms ago. */
    void update(long done) {
        update(done, null);
    }

    /**
     * Shows {@code done} (of the total) and the text {@code detail} gives (asked only when the
     * line is drawn: a caller may update after every one of thousands of cases a second),
     * unless the last update was under 100 ms ago.
     */
    void update(long done, java.util.function.Supplier<String> detail) {
        if (!on) {
            return;
        }
        long now = System.nanoTime();
        if (now - last < INTERVAL_NANOS && done < total) {
            return;
        }
        last = now;
        String line = what + " " + done + (total > 0 ? "/" + total : "") + (detail == null ? "" : detail.get());
        err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        width = line.length();
        err.flush();
    }

    /**
     * {@code out} for lines printed while the counter runs (on the same terminal): the counter
     * line is erased before each write, and drawn again at the next update.
     */
    PrintWriter above(PrintWriter out) {
        if (!on) {
            return out;
        }
        return new PrintWriter(new java.io.Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                erase();
                out.write(buf, off, len);
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        }, false);
    }

    private void erase() {
        if (width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
            last = System.nanoTime() - INTERVAL_NANOS; // redraw at the next update
        }
    }

    /** Erases the counter line. */
    @Override
    public void close() {
        if (on && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
        }
    }
}
