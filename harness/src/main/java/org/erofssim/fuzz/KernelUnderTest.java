package org.erofssim.fuzz;

import java.util.List;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.MountOutcome;

/**
 * The kernel a campaign compares the model with: the running kernel ({@link LiveKernelUnderTest})
 * or, in tests, a stand-in.
 */
public interface KernelUnderTest {
    /** Why {@code s} cannot be observed here (one line), or null. */
    String refusal(Scenario s);

    /** The kernel's outcome, with the kernel-trouble lines (BUG, WARNING, Oops, ...) logged meanwhile. */
    Observation observe(Scenario s);

    /**
     * @param outcome the outcome in contract shape
     * @param trouble kernel log lines that show the kernel itself in trouble, whoever printed them
     */
    record Observation(MountOutcome outcome, List<String> trouble) {
        public Observation {
            trouble = List.copyOf(trouble);
        }
    }
}
