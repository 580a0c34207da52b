package org.erofssim.cli;

/**
 * A command's planned failure: a one-line message for stderr and the exit code to end with.
 * Carries no stack trace; {@link Main} prints the message as is.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(oneLine(message), null, false, false);
        this.exitCode = exitCode;
    }

    /** Bad usage or bad input (exit 2); the message names the file, field or byte offset. */
    public static CliException badInput(String message) {
        return new CliException(ExitCode.BAD_INPUT, message);
    }

    /** The kernel oracle cannot run here, or refuses this scenario (exit 77). */
    public static CliException unavailable(String message) {
        return new CliException(ExitCode.ORACLE_UNAVAILABLE, message);
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * One line, at most {@link org.erofssim.contract.ScenarioException#MAX_MESSAGE} characters
     * (longer ones keep their start and end around their length): no input, however long a path or
     * option string it holds, makes a huge error line (issue 11).
     */
    static String oneLine(String s) {
        return s == null ? "" : org.erofssim.contract.ScenarioException.abbreviate(
                s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' '),
                org.erofssim.contract.ScenarioException.MAX_MESSAGE);
    }
}
