package org.erofssim.mount;

/** The modelled kernel oopses or panics on this path (a known, since-fixed kernel bug). */
final class KernelCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KernelCrash(String what) {
        super(what, null, false, false);
    }
}
