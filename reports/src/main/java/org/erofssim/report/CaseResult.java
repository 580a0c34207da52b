package org.erofssim.report;

/**
 * One scenario of a conformance run: where it came from, against what it was checked
 * ({@code expect}, {@code recorded 6.18.44}, {@code live 6.18.44}), the model's outcome as
 * contract JSON and the verdict.
 */
public record CaseResult(String name, String scenarioPath, String reference, String modelOutcomeJson,
                         Verdict verdict, long micros) {}
