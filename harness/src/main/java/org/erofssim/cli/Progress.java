package org.erofssim.cli;

import java.io.PrintWriter;

/**
 * A counter line on stderr for long commands ({@code conform}, {@code fuzz}): {@code what n/total}
 * rewritten in place with a carriage return, at most every 100 ms, and erased when done. Off
 * when stderr is not a terminal ({@code System.console() == null}: piped, redirected, a test,
 * CI) or with {@code --quiet}; then it prints nothing at all.
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
        return new Progress(err, what, total, !quiet && onTerminal());
    }

    /** Whether stdin and stdout/stderr are a terminal (the JDK's fair test: a console exists). */
    static boolean onTerminal() {
        return System.console() != null;
    }

    boolean isOn() {
        return on;
    }

    /** Shows {@code done} (of the total) unless the last update was under 100 ms ago. */
    void update(long done) {
        if (!on) {
            return;
        }
        long now = System.nanoTime();
        if (now - last < INTERVAL_NANOS && done < total) {
            return;
        }
        last = now;
        String line = what + " " + done + (total > 0 ? "/" + total : "");
        err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        width = line.length();
        err.flush();
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
