package org.erofssim.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.KernelProfiles;
import org.erofssim.contract.MountOutcome;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.oracle.OracleUnavailable;

/**
 * The running kernel as the CLI uses it: its release, the profile live comparisons use (that of
 * {@code uname -r}, never the scenario's), and {@code observe} with every refusal turned into a
 * one-line exit 77.
 */
final class LiveKernel {
    private LiveKernel() {}

    /** {@code uname -r}. */
    static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    /** The modelled profile of the running kernel, if there is one. */
    static Optional<KernelProfile> profile() {
        return KernelProfiles.forRelease(release());
    }

    /** The scenario evaluated on the running kernel's profile, with the scenario's CONFIG overrides. */
    static Scenario onRunningKernel(Scenario s, KernelProfile p) {
        return new Scenario(s.name(), new KernelConfig(p, s.kernel().config()), s.namespace(), s.source(), s.options(),
                s.readOnly(), s.before(), s.read(), s.extents(), s.probeCache());
    }

    /** The kernel's outcome, or a {@link CliException} with exit 77 and the oracle's reason. */
    static MountOutcome observe(Scenario s) {
        String why = LiveKernelOracle.unavailableReason();
        if (why != null) {
            throw CliException.unavailable("kernel oracle unavailable: " + why);
        }
        LiveKernelOracle oracle = new LiveKernelOracle();
        String refusal = oracle.refusal(s);
        if (refusal != null) {
            throw CliException.unavailable("scenario refused by the kernel oracle: " + refusal);
        }
        try {
            return oracle.observe(s);
        } catch (OracleUnavailable e) {
            throw CliException.unavailable("kernel oracle unavailable: " + e.reason());
        }
    }
}
