package org.erofssim.sb;

import org.erofssim.mount.MountModel;

/**
 * A deliberate upward use, {@code sb -> mount}, that {@code PackageStackTest} shows the layer
 * rule rejects (test sources only: {@code ArchitectureTest} imports main classes alone).
 */
final class UpwardUseFixture {
    private UpwardUseFixture() {}

    static String upward(MountModel.LiveMount live) {
        return String.valueOf(live);
    }
}
