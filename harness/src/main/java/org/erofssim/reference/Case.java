package org.erofssim.reference;

import java.nio.file.Path;
import org.erofssim.contract.Scenario;

/**
 * What a reference is asked about: a decoded scenario and, for one of a corpus, its name
 * (the path relative to the corpus, without {@code .json}: what recordings are filed under)
 * and its file (where the spec's {@code "expect"} is and what a recording's inputs hash covers).
 *
 * @param name     the scenario's name in its corpus, or the scenario's own name
 * @param file     the scenario file, or null (a scenario built in memory: fuzz cases, tests)
 * @param scenario the scenario
 */
public record Case(String name, Path file, Scenario scenario) {
    public Case {
        java.util.Objects.requireNonNull(scenario, "scenario");
    }

    /** A scenario without a file (it has no {@code "expect"} and no recording). */
    public static Case of(Scenario s) {
        return new Case(s.name(), null, s);
    }
}
