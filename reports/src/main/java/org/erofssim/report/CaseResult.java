package org.erofssim.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One scenario of a conformance run: where it came from, the model's outcome (on the scenario's
 * own profile) as contract JSON, and one {@link Check} per reference it was checked against
 * ({@code spec} = its {@code "expect"}, {@code recorded <release>}, {@code live <release>}).
 */
public record CaseResult(String name, String scenarioPath, List<Check> checks, String modelOutcomeJson, long micros) {
    public CaseResult {
        checks = List.copyOf(checks);
    }

    /**
     * The case checked against one reference.
     *
     * @param reference            {@code spec}, {@code recorded <release>} or {@code live <release>}
     * @param profile              the model profile the comparison used (null for an unchecked reference)
     * @param verdict              how it ended
     * @param referenceOutcomeJson the kernel's outcome (recorded or live) as contract JSON; null for the spec
     */
    public record Check(String reference, String profile, Verdict verdict, String referenceOutcomeJson) {}

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
                    diffs.add(new Difference(c.reference() + ": " + x.field(), x.model(), x.reference()));
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
                : checks.stream().map(c -> c.reference() + ": " + ((Verdict.Unchecked) c.verdict()).reason())
                        .collect(Collectors.joining("; ")));
    }

    /** The references, comma-separated ({@code spec, recorded 6.18.44}). */
    public String reference() {
        return checks.stream().map(Check::reference).collect(Collectors.joining(", "));
    }

    /** The check against {@code reference}, or null. */
    public Check check(String reference) {
        for (Check c : checks) {
            if (c.reference().equals(reference)) {
                return c;
            }
        }
        return null;
    }
}
