package org.erofssim.oracle;

/**
 * The live oracle cannot observe this scenario here (not root, no erofs, a scenario that would
 * hang the mount or needs what this kernel lacks). The message is the one line to print; the
 * command line exits 77 ({@link #EXIT_CODE}).
 */
public final class OracleUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The exit code of an unavailable oracle (automake's "skipped"). */
    public static final int EXIT_CODE = 77;

    public OracleUnavailable(String reason) {
        super(reason, null, false, false);
    }

    /** The one-line reason. */
    public String reason() {
        return getMessage();
    }
}
