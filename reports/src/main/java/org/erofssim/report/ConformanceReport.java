package org.erofssim.report;

import java.util.List;

/**
 * The result of {@code erofs-sim conform}: which model profile, which kernel (if any) and every
 * case with its verdict.
 */
public record ConformanceReport(String profile, String kernelRelease, String createdAt, List<CaseResult> cases) {
    public ConformanceReport {
        cases = List.copyOf(cases);
    }

    public long count(Class<? extends Verdict> kind) {
        return cases.stream().filter(c -> kind.isInstance(c.verdict())).count();
    }

    /** True when no case diverges (unchecked cases are reported, not counted as failures). */
    public boolean passed() {
        return count(Verdict.Diverges.class) == 0;
    }
}
