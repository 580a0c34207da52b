package org.erofssim.reference;

import java.util.Optional;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;

/**
 * A kernel as a reference: the running one ({@link HostKernel}), a recorded one
 * ({@link RecordedKernel}) or one booted in a VM. Its answers are whole contract outcomes
 * ({@link Comparison#KERNEL_OUTCOME}), compared with the model on its own release's profile,
 * whatever the scenario's {@code "kernel"} says.
 */
public abstract class KernelReference implements Reference {
    private final Identity id;
    private final Optional<KernelProfile> profile;

    /** A kernel of this kind running {@code release} ({@code uname -r}). */
    protected KernelReference(Identity.Kind kind, String release) {
        this.id = new Identity(kind, release);
        this.profile = Releases.forRelease(release);
    }

    /** Its {@code uname -r}. */
    public String release() {
        return id.release();
    }

    /** The modelled profile of its release, empty when that release has none. */
    public Optional<KernelProfile> profile() {
        return profile;
    }

    @Override
    public final Identity identity() {
        return id;
    }

    @Override
    public final Comparison comparison() {
        return Comparison.KERNEL_OUTCOME;
    }

    /** The kernel's own profile, whatever the scenario's {@code "kernel"} says. */
    @Override
    public final Optional<KernelProfile> profile(Scenario s) {
        return profile;
    }
}
