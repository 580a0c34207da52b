package org.erofssim.report;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of {@code erofs-sim conform}: the model profile it evaluated, the references the
 * cases were checked against (the report's columns: {@code spec}, {@code recorded <release>} …,
 * {@code live <release>}), the running kernel when it was observed live, the corpus folder, every
 * case, and what the page shows beside them: the findings catalogue and benchmark figures.
 *
 * @param profile       the model profile(s) evaluated
 * @param references    the references, in column order
 * @param kernelRelease the running kernel's release when observed live, else null
 * @param createdAt     when (ISO-8601)
 * @param corpus        the scenario folder; reports name scenarios relative to it
 * @param cases         every case, in corpus order
 * @param findings      the findings catalogue (empty when there is none)
 * @param bench         benchmark figures, or null
 */
public record ConformanceReport(ModelProfile profile, List<ReferenceId> references, String kernelRelease,
                                String createdAt, Path corpus, List<CaseResult> cases, List<Finding> findings,
                                Bench bench) {
    public ConformanceReport {
        references = List.copyOf(references);
        cases = List.copyOf(cases);
        findings = List.copyOf(findings);
    }

    /** Cases whose overall verdict is of this kind. */
    public long count(Class<? extends Verdict> kind) {
        return cases.stream().filter(c -> kind.isInstance(c.verdict())).count();
    }

    /** Cases whose check against {@code reference} is of this kind. */
    public long count(ReferenceId reference, Class<? extends Verdict> kind) {
        return cases.stream().map(c -> c.check(reference)).filter(c -> c != null && kind.isInstance(c.verdict()))
                .count();
    }

    /** True when no case diverges (unchecked cases are reported, not counted as failures). */
    public boolean passed() {
        return count(Verdict.Diverges.class) == 0;
    }
}
