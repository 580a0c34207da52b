package org.erofssim.reference;

import java.util.Optional;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelProfile;

/**
 * The spec as a reference: a corpus scenario's optional {@code "expect"} ({@link Expectation}),
 * the answer the spec states, checked field by field for the fields it names, on the scenario's
 * own profile. It refuses nothing; a scenario without {@code "expect"} (or without a file) is
 * unchecked.
 */
public final class SpecExpectation implements Reference {
    private static final Identity ID = new Identity(Identity.Kind.SPEC, null);

    @Override
    public Identity identity() {
        return ID;
    }

    @Override
    public Comparison comparison() {
        return Comparison.EXPECTATION_SUBSET;
    }

    @Override
    public Optional<KernelProfile> profile(Scenario s) {
        return Optional.of(s.kernel().profile());
    }

    @Override
    public Optional<String> refuses(Case c) {
        return Optional.empty();
    }

    /** @throws ReferenceInputException (exit 2) when the {@code "expect"} is malformed */
    @Override
    public Observation observe(Case c) {
        Expectation e = c.file() == null ? null : Expectation.read(c.file(), c.file().toString());
        return e == null
                ? new Observation.Unchecked(Observation.Why.NO_EXPECTATION,
                        "no \"expect\": the spec states no answer for this scenario", null)
                : new Observation.Expected(e);
    }
}
