package org.erofssim.report;

/**
 * One field where the model and its reference (the kernel, a recording of it, or the spec's
 * expectation) disagree: the JSON path of the field in the contract's outcome
 * ({@code statfs.blocks}, {@code tree[/d/a].sha256}, {@code log[1]}) and both values as JSON
 * text ({@code <absent>} where one side has no such field).
 */
public record Difference(String field, String model, String reference) {
    /** The text a side has where it has no such field. */
    public static final String ABSENT = "<absent>";

    @Override public String toString() {
        return field + ": model " + model + ", " + "reference " + reference;
    }
}
