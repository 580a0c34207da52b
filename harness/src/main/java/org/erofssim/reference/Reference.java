package org.erofssim.reference;

import java.util.Optional;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;

/**
 * Something the model is checked against: the spec's expectation ({@link SpecExpectation}), a
 * recorded kernel observation ({@link RecordedKernel}), the kernel this process runs on
 * ({@link HostKernel}). {@code conform}, {@code compare}, {@code record} and {@code fuzz} loop
 * over a list of references; none of them knows more than this interface about one, except
 * where it makes or chooses them.
 *
 * <p>Contract: {@link #refuses} is cheap and never observes anything; {@link #observe} answers
 * with an {@link Observation} and never throws for a scenario it cannot answer (that is an
 * {@link Observation.Unchecked}); a malformed input of the reference itself (a recording that
 * does not decode) is a {@link ReferenceInputException}. A reference that touches the machine
 * releases everything it made before {@code observe} returns, on every path.
 */
public interface Reference {
    /** Its kind and release. */
    Identity identity();

    /** How its answers compare with the model's outcome. */
    Comparison comparison();

    /**
     * The kernel profile the model is evaluated on to be compared with this reference's answer
     * about {@code s} (the scenario's own for the spec, that of the kernel's release otherwise);
     * empty when that release has no modelled profile.
     */
    Optional<KernelProfile> profile(Scenario s);

    /** Why this reference cannot answer anything here (one line), or empty. Default: it always can. */
    default Optional<String> unavailable() {
        return Optional.empty();
    }

    /** Why it gives no answer for this case (one line, e.g. a FIFO source would hang mount(2)), or empty. */
    Optional<String> refuses(Case c);

    /** Its answer about the case, or why there is none. */
    Observation observe(Case c);

    /**
     * The scenario evaluated on {@code p} instead of its own profile, with its own CONFIG
     * overrides: the values that differ from its profile's defaults (not the whole resolved
     * map, which would carry the scenario's release's defaults onto {@code p}).
     */
    static Scenario onProfile(Scenario s, KernelProfile p) {
        java.util.Map<org.erofssim.kernel.ConfigFlag, Boolean> overrides = new java.util.EnumMap<>(
                org.erofssim.kernel.ConfigFlag.class);
        s.kernel().config().forEach((flag, value) -> {
            if (!value.equals(s.kernel().profile().defaultConfig().get(flag))) {
                overrides.put(flag, value);
            }
        });
        return s.toBuilder().kernel(new KernelConfig(p, overrides)).build();
    }
}
