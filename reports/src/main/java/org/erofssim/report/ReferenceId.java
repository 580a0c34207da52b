package org.erofssim.report;

import java.util.Objects;

/**
 * Which reference a check was made against, structured: its kind ({@code spec}, {@code recorded},
 * {@code live}, or a later one such as a VM kernel) and, for a kernel, its release as
 * {@code uname -r} prints it (null for the spec). The report's JSON writes it as
 * {@code {"kind":"recorded","release":"6.18.44-fc-v782"}}.
 *
 * @param kind    the sort of reference, a lower-case word
 * @param release the kernel release, or null when the reference is no kernel
 */
public record ReferenceId(String kind, String release) {
    public ReferenceId {
        Objects.requireNonNull(kind, "kind");
    }

    /** The spec's expectation ({@code "expect"} of a scenario). */
    public static ReferenceId spec() {
        return new ReferenceId("spec", null);
    }

    /** {@code spec}, or the kind and the release: {@code recorded 6.18.44-fc-v782}. */
    public String label() {
        return release == null ? kind : kind + " " + release;
    }

    /**
     * A name made of {@code [A-Za-z0-9_-]} only, for JUnit class names and HTML ids:
     * {@code recorded_6_18_44-fc-v782}. Dots become underscores, since CI dashboards split a
     * JUnit class name at its dots into packages.
     */
    public String safeName() {
        return label().replaceAll("[^A-Za-z0-9_-]", "_");
    }

    @Override
    public String toString() {
        return label();
    }
}
