package org.erofssim.reference;

import java.util.List;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.report.Difference;

/** How a reference's answer is compared with the model's outcome. */
public enum Comparison {
    /**
     * Only the fields the reference states, each exactly ({@link Expectation#mismatches}): the
     * spec's {@code "expect"} names some of outcome, errno, mode and log.
     */
    EXPECTATION_SUBSET,
    /**
     * Every field of the contract outcome, exactly, except the numbers a kernel assigns
     * (anonymous devices, {@code erofs-N}, loop numbers), which match by pattern
     * ({@link OutcomeComparator}): any kernel, live, recorded or booted elsewhere.
     */
    KERNEL_OUTCOME,
    /**
     * What {@code fsck.erofs --extract} can speak for ({@link FsckAnswer#differences}): whether the
     * image is accepted whole, and the extracted tree's paths, types, regular files' sizes and
     * contents and symlink targets; nothing of the mount itself.
     */
    FSCK_IMAGE;

    /**
     * The fields where the model's outcome differs from the answer ({@code model} = the model's
     * value, {@code reference} = the answer's); empty when they agree.
     *
     * @throws IllegalArgumentException for an observation that holds no answer
     */
    public List<Difference> differences(MountOutcome model, Observation answer) {
        if (answer instanceof Observation.Expected e) {
            return e.expectation().mismatches(model);
        }
        if (answer instanceof Observation.Observed o) {
            return OutcomeComparator.compare(model, o.outcome());
        }
        if (answer instanceof Observation.Checked c) {
            return c.answer().differences(model);
        }
        throw new IllegalArgumentException("no answer to compare: " + ((Observation.Unchecked) answer).reason());
    }
}
