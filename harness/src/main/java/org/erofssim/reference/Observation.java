package org.erofssim.reference;

import java.util.List;
import org.erofssim.contract.MountOutcome;

/** What a reference says about one scenario: an answer to compare the model with, or why there is none. */
public sealed interface Observation {
    /**
     * A whole outcome in the contract's shape (a kernel's).
     *
     * @param outcome the outcome
     * @param json    its contract JSON as the reference holds it (reports show it)
     * @param trouble kernel log lines printed meanwhile that show the kernel itself in trouble
     *                (BUG, WARNING, Oops, ...), whoever printed them; empty when not watched
     */
    record Observed(MountOutcome outcome, String json, List<String> trouble) implements Observation {
        public Observed {
            trouble = List.copyOf(trouble);
        }
    }

    /** A partial outcome: the fields the spec states ({@link Comparison#EXPECTATION_SUBSET}). */
    record Expected(Expectation expectation) implements Observation {}

    /** What {@code fsck.erofs} says about the image ({@link Comparison#FSCK_IMAGE}). */
    record Checked(FsckAnswer answer) implements Observation {
        /** The answer as reports show it. */
        public String json() {
            return answer.toJson();
        }
    }

    /**
     * No answer for this scenario.
     *
     * @param why    the sort of gap
     * @param reason one line for reports, e.g. {@code refused by the live oracle: ...}
     * @param json   what the reference holds though it cannot be compared (a stale recording), or null
     */
    record Unchecked(Why why, String reason, String json) implements Observation {}

    /** The sorts of gap, with the word a conformance table shows for each. */
    enum Why {
        /** The spec states no answer (no {@code "expect"}). */
        NO_EXPECTATION("no expect", true),
        /** The kernel was never asked: not recorded. */
        NOT_RECORDED("-", false),
        /** The reference refuses the scenario (a FIFO source would hang mount(2), ...). */
        REFUSED("refused", false),
        /** The recording's scenario or images changed since it was made. */
        STALE("stale", true),
        /** The kernel's release has no modelled profile: nothing to evaluate the model on. */
        NO_PROFILE("no profile", false),
        /** The reference cannot run here (not root, no erofs, ...). */
        UNAVAILABLE("-", false);

        private final String cell;
        private final boolean profiled;

        Why(String cell, boolean profiled) {
            this.cell = cell;
            this.profiled = profiled;
        }

        /** The table cell. */
        public String cell() {
            return cell;
        }

        /** Whether a report names the model profile the check would have used. */
        public boolean profiled() {
            return profiled;
        }
    }
}
