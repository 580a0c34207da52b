package org.erofssim.regressions;

import static org.assertj.core.api.Assertions.assertThat;

import org.erofssim.contract.MountOutcome;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.mount.MountModel;
import org.erofssim.testing.Scenarios;

/** What the per-commit regression tests share: a release without one commit, and outcome checks. */
final class CommitChecks {
    private CommitChecks() {}

    /** {@code p} without {@code b}, after checking that {@code p} has it. */
    static KernelProfile without(KernelProfile p, Behavior b) {
        assertThat(p.has(b)).as(p.release() + " has " + b).isTrue();
        return p.toBuilder().without(b).build();
    }

    static MountOutcome.Mounted mounted(MountOutcome o) {
        assertThat(o).as(o.toString()).isInstanceOf(MountOutcome.Mounted.class);
        return (MountOutcome.Mounted) o;
    }

    static MountOutcome.Failed failed(MountOutcome o, Errno errno) {
        assertThat(o).as(o.toString()).isInstanceOf(MountOutcome.Failed.class);
        MountOutcome.Failed f = (MountOutcome.Failed) o;
        assertThat(f.errno()).isEqualTo(errno);
        return f;
    }

    /** {@code image} as the regular file {@code /a}, mounted as the source on release {@code k}. */
    static MountOutcome fileMount(KernelProfile k, byte[] image, String options) {
        return MountModel.predict(Scenarios.on(k).file("/a", image).mount("/a", options));
    }
}
