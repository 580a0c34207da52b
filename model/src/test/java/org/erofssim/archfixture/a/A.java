package org.erofssim.archfixture.a;

import org.erofssim.archfixture.b.B;

/** Half of a deliberate package cycle ({@code archfixture.a <-> archfixture.b}) for {@code PackageStackTest}. */
public final class A {
    private A() {}

    public static int viaB() {
        return B.viaA() + 1;
    }

    public static int one() {
        return 1;
    }
}
