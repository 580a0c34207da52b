package org.erofssim.reference;

/**
 * A reference's input is malformed (a scenario's {@code "expect"}, a recording that does not
 * decode): a one-line message naming the file and field, no stack trace. The command line exits
 * 2 with it, like any bad input.
 */
public final class ReferenceInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReferenceInputException(String message) {
        super(oneLine(message), null, false, false);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
