package org.erofssim.vm;

/**
 * A kernel of the matrix cannot be fetched, prepared or booted here (exit 77 at the CLI): the
 * message is one line naming the kernel.
 */
public class VmUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VmUnavailable(String message) {
        super(message == null ? "" : message.replace('\n', ' ').replace('\r', ' '), null, false, false);
    }
}
