package org.erofssim.archfixture.b;

import org.erofssim.archfixture.a.A;

/** The other half of the deliberate package cycle of {@code PackageStackTest}. */
public final class B {
    private B() {}

    public static int viaA() {
        return A.one() + 1;
    }
}
