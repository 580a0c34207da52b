package org.erofssim.cli;

/**
 * The launcher's exit codes (docs/spec/harness-contract.md, "Launcher"), plus one the contract
 * does not name: {@link #INTERNAL} for a bug in erofs-sim itself, so that a crash is never read
 * as a divergence (1) or as bad input (2).
 */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;
    /** Divergence or a failed check (a conformance expectation not met). */
    public static final int FAILED_CHECK = 1;
    /** Bad usage or bad input, with a one-line message naming the field or byte offset. */
    public static final int BAD_INPUT = 2;
    /** The kernel oracle is unavailable (not root, feature missing). */
    public static final int ORACLE_UNAVAILABLE = 77;
    /** An unexpected exception inside erofs-sim ({@code EX_SOFTWARE} of sysexits.h). */
    public static final int INTERNAL = 70;

    private ExitCode() {}
}
