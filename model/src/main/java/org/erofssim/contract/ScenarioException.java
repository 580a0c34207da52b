package org.erofssim.contract;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

/**
 * Bad contract input: a scenario (or a recorded outcome) that cannot be decoded. The message is
 * one line and starts with the JSON field path it is about ({@code nodes./dev/loop0.image: ...},
 * {@code flags[1]: ...}) or, for malformed JSON, with {@code line L column C:}. It carries no
 * stack trace: it is meant to be printed as is (exit code 2 of the launcher).
 */
@API(status = MAINTAINED, since = "0.1.0")
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The longest message, in characters: a 4,091-byte path must not make a 4 KB error line (issue 11). */
    public static final int MAX_MESSAGE = 1000;
    /** The longest node path kept whole in a field name ({@code nodes.<path>}); {@link #at} keeps fields up to twice this. */
    public static final int MAX_FIELD = 160;

    public ScenarioException(String message) {
        super(abbreviate(oneLine(message), MAX_MESSAGE), null, false, false);
    }

    /** {@code field: problem}; a field longer than twice {@link #MAX_FIELD} is abbreviated. */
    public static ScenarioException at(String field, String problem) {
        return new ScenarioException(abbreviate(field, 2 * MAX_FIELD) + ": " + problem);
    }

    /**
     * {@code s} when it has at most {@code max} characters, else its start and end around
     * {@code ...(N bytes)...} (N: the UTF-8 length of the whole), at most about {@code max}
     * characters: the line still names the field, and says how long it was.
     */
    public static String abbreviate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        String mid = "...(" + s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes)...";
        int keep = Math.max(2, max - mid.length());
        int head = keep * 2 / 3;
        int tail = keep - head;
        return s.substring(0, head) + mid + s.substring(s.length() - tail);
    }

    private static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
