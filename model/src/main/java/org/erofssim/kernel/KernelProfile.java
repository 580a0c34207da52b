package org.erofssim.kernel;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A modelled kernel release: the behaviours it has and its default CONFIG. Each release is
 * one small class in {@code org.erofssim.kernel.profiles}; {@link KernelProfiles} lists them.
 */
public interface KernelProfile {
    /** The name a scenario uses in {@code "kernel"}, e.g. {@code "6.18"}. */
    String name();

    /** One line on what the profile stands for (which tree, which evidence). */
    String description();

    /** The behaviours of spec §11 this release has. */
    Set<Behavior> behaviors();

    /** The CONFIG values this profile assumes unless a scenario overrides them. */
    Map<ConfigFlag, Boolean> defaultConfig();

    default boolean has(Behavior b) {
        return behaviors().contains(b);
    }

    /**
     * {@code EROFS_ALL_FEATURE_INCOMPAT}: the incompatible feature bits the release mounts
     * (spec §1.3): 0x7F, plus 0x80 with the 48-bit layout, plus 0x100 with metabox.
     */
    default int supportedIncompat() {
        int mask = 0x7F;
        if (has(Behavior.LAYOUT_48BIT)) {
            mask |= 0x80;
        }
        if (has(Behavior.METABOX)) {
            mask |= 0x100;
        }
        return mask;
    }

    static Set<Behavior> of(Behavior... bs) {
        return bs.length == 0 ? EnumSet.noneOf(Behavior.class) : EnumSet.of(bs[0], bs);
    }
}
