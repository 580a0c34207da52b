package org.erofssim.mount;

/** The modelled mount(2) would not return: it waits in {@code open} of a FIFO for a writer. */
final class MountBlocked extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MountBlocked(String why) {
        super(why, null, false, false);
    }
}
