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

    public ScenarioException(String message) {
        super(oneLine(message), null, false, false);
    }

    /** {@code field: problem}. */
    public static ScenarioException at(String field, String problem) {
        return new ScenarioException(field + ": " + problem);
    }

    private static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
