package org.erofssim.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One scenario of a conformance run: where it came from, how its image reaches mount(2), the
 * model's outcome (on the scenario's own profile) as contract JSON, and one {@link Check} per
 * reference it was checked against.
 *
 * @param name             the corpus name ({@code decision-table/row06-file-ext4})
 * @param scenario         the scenario file, relative to the corpus folder ({@code decision-table/row06-file-ext4.json})
 * @param sourceKind       what the mount source is ({@code file/ext4}, {@code bdev}, {@code dir}, {@code none}, ...)
 * @param profile          the release of the profile the scenario itself names (its {@code "kernel"})
 * @param checks           one per reference
 * @param modelOutcomeJson the model's outcome as the contract's outcome JSON
 * @param micros           how long the model took
 */
public record CaseResult(String name, String scenario, String sourceKind, String profile, List<Check> checks, String modelOutcomeJson,
                         long micros) {
    public CaseResult {
        checks = List.copyOf(checks);
    }

    /**
     * The case checked against one reference.
     *
     * @param reference            which reference
     * @param profile              the model profile the comparison used (null for an unchecked reference)
     * @param verdict              how it ended
     * @param referenceOutcomeJson the kernel's outcome (recorded or live) as contract JSON; null for the spec
     */
    public record Check(ReferenceId reference, String profile, Verdict verdict, String referenceOutcomeJson) {}

    /**
     * The case's overall verdict: {@code diverge} when any reference diverges (with every
     * reference's differences, each field prefixed by the reference), else {@code agree} when at
     * least one reference agrees, else {@code unchecked} (with the reasons).
     */
    public Verdict verdict() {
        List<Difference> diffs = new ArrayList<>();
        boolean agreed = false;
        for (Check c : checks) {
            if (c.verdict() instanceof Verdict.Diverges d) {
                for (Difference x : d.differences()) {
                    diffs.add(new Difference(c.reference().label() + ": " + x.field(), x.model(), x.reference()));
                }
            } else if (c.verdict() instanceof Verdict.Agrees) {
                agreed = true;
            }
        }
        if (!diffs.isEmpty()) {
            return new Verdict.Diverges(diffs);
        }
        if (agreed) {
            return new Verdict.Agrees();
        }
        return new Verdict.Unchecked(checks.isEmpty() ? "no reference"
                : checks.stream().map(c -> c.reference().label() + ": " + ((Verdict.Unchecked) c.verdict()).reason())
                        .collect(Collectors.joining("; ")));
    }

    /** The check against {@code reference}, or null. */
    public Check check(ReferenceId reference) {
        for (Check c : checks) {
            if (c.reference().equals(reference)) {
                return c;
            }
        }
        return null;
    }
}
