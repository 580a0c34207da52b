package org.erofssim.kernel;

import java.util.List;
import java.util.Optional;
import org.erofssim.kernel.profiles.Linux612;
import org.erofssim.kernel.profiles.Linux613;
import org.erofssim.kernel.profiles.Linux618;

/** The registry of modelled kernels. Adding a release = one class + one line here. */
public final class KernelProfiles {
    private static final List<KernelProfile> ALL = List.of(new Linux612(), new Linux613(), new Linux618());

    private KernelProfiles() {}

    public static List<KernelProfile> all() {
        return ALL;
    }

    /** The newest modelled profile, the default of a scenario without {@code "kernel"}. */
    public static KernelProfile newest() {
        return ALL.get(ALL.size() - 1);
    }

    public static Optional<KernelProfile> byName(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * The profile of a running kernel by its {@code uname -r}: the major.minor prefix must name a
     * profile exactly ({@code 6.18.44-fc-v782} → {@code 6.18}); a release without one is empty,
     * and the live oracle then reports the kernel instead of comparing.
     */
    public static Optional<KernelProfile> forRelease(String unameR) {
        String[] parts = unameR.split("[.-]");
        if (parts.length < 2) {
            return Optional.empty();
        }
        return byName(parts[0] + "." + parts[1]);
    }
}
