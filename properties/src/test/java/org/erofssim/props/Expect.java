package org.erofssim.props;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;
import org.erofssim.contract.MountOutcome;

/**
 * What an oracle written from the spec expects of one mount: the kind of outcome, the errno of a
 * failure, the mode reached (the {@code get_tree} branch taken: null before any), the dmesg lines
 * in order, and the spec row it stands for (used as a statistics label).
 */
public record Expect(Kind kind, Errno errno, Mode mode, List<Line> log, String row) {
    public enum Kind { MOUNTED, FAILED, BLOCKED, CRASHED }

    public Expect {
        log = List.copyOf(log);
    }

    public static Expect mounted(Mode mode, List<Line> log, String row) {
        return new Expect(Kind.MOUNTED, null, mode, log, row);
    }

    public static Expect failed(Errno errno, Mode mode, List<Line> log, String row) {
        return new Expect(Kind.FAILED, errno, mode, log, row);
    }

    public static Expect blocked(Mode mode, List<Line> log, String row) {
        return new Expect(Kind.BLOCKED, null, mode, log, row);
    }

    public static Expect crashed(Mode mode, List<Line> log, String row) {
        return new Expect(Kind.CRASHED, null, mode, log, row);
    }

    /** "mounted", "EINVAL", "blocked" or "crashed": the outcome class for statistics. */
    public String outcomeLabel() {
        return switch (kind) {
            case MOUNTED -> "mounted";
            case FAILED -> errno.name();
            case BLOCKED -> "blocked";
            case CRASHED -> "crashed";
        };
    }

    /** The same label for an actual outcome. */
    public static String outcomeLabel(MountOutcome o) {
        if (o instanceof MountOutcome.Mounted) {
            return "mounted";
        }
        if (o instanceof MountOutcome.Failed f) {
            return f.errno().name();
        }
        return o instanceof MountOutcome.Blocked ? "blocked" : "crashed";
    }

    /**
     * One expected log line: exact text, or a pattern where the spec fixes the form but not every
     * word (6.12's {@code erofs: (device X): <function>: <message>} names a C function the spec
     * does not list per message).
     */
    public record Line(String text, Pattern pattern) {
        public static Line exact(String text) {
            return new Line(text, null);
        }

        public static Line matching(String regex) {
            return new Line(regex, Pattern.compile(regex));
        }

        public boolean matches(String actual) {
            return pattern == null ? text.equals(actual) : pattern.matcher(actual).matches();
        }

        @Override public String toString() {
            return pattern == null ? text : "/" + text + "/";
        }
    }

    /** Null when {@code actual} is what this expects, else a one-paragraph difference. */
    public String mismatch(MountOutcome actual) {
        List<String> why = new ArrayList<>();
        if (!outcomeLabel().equals(outcomeLabel(actual))) {
            why.add("outcome " + outcomeLabel() + " expected, got " + outcomeLabel(actual));
        }
        if (mode != actual.mode()) {
            why.add("mode " + mode + " expected, got " + actual.mode());
        }
        List<String> lines = actual.log();
        boolean logOk = lines.size() == log.size();
        for (int i = 0; logOk && i < lines.size(); i++) {
            logOk = log.get(i).matches(lines.get(i));
        }
        if (!logOk) {
            why.add("log " + log + " expected, got " + lines);
        }
        return why.isEmpty() ? null : String.join("; ", why) + " [spec row: " + row + "; model notes: "
                + actual.notes() + "]";
    }
}
