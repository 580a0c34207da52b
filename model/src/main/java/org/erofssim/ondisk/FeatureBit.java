package org.erofssim.ondisk;

import java.util.ArrayList;
import java.util.List;

/** A named bit of a superblock feature word ({@link FeatureCompat}, {@link FeatureIncompat}). */
interface FeatureBit {
    int bit();

    /** Whether {@code bits} has this feature's bit. */
    default boolean in(long bits) {
        return (bits & bit()) != 0;
    }

    /** The features among {@code all} set in {@code bits}, in their order; unknown bits are dropped. */
    static <F extends FeatureBit> List<F> decode(F[] all, int bits) {
        List<F> out = new ArrayList<>();
        for (F f : all) {
            if ((bits & f.bit()) != 0) {
                out.add(f);
            }
        }
        return out;
    }

    /** OR of the bits of {@code all}. */
    static int mask(FeatureBit[] all) {
        int m = 0;
        for (FeatureBit f : all) {
            m |= f.bit();
        }
        return m;
    }
}
