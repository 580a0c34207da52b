package org.erofssim.report;

import java.util.List;

/**
 * The result of {@code erofs-sim conform}: the default model profile, the references the cases
 * were checked against (the report's columns: {@code spec}, {@code recorded <release>} …,
 * {@code live <release>}), the running kernel when it was observed live, and every case.
 */
public record ConformanceReport(String profile, List<String> references, String kernelRelease, String createdAt,
                                List<CaseResult> cases) {
    public ConformanceReport {
        references = List.copyOf(references);
        cases = List.copyOf(cases);
    }

    /** Cases whose overall verdict is of this kind. */
    public long count(Class<? extends Verdict> kind) {
        return cases.stream().filter(c -> kind.isInstance(c.verdict())).count();
    }

    /** Cases whose check against {@code reference} is of this kind. */
    public long count(String reference, Class<? extends Verdict> kind) {
        return cases.stream().map(c -> c.check(reference)).filter(c -> c != null && kind.isInstance(c.verdict()))
                .count();
    }

    /** True when no case diverges (unchecked cases are reported, not counted as failures). */
    public boolean passed() {
        return count(Verdict.Diverges.class) == 0;
    }
}
