package org.erofssim.report;

import java.util.List;

/** How one case of a conformance run ended. */
public sealed interface Verdict permits Verdict.Agrees, Verdict.Diverges, Verdict.Unchecked {
    /** The word a report prints: {@code agree}, {@code diverge}, {@code unchecked}. */
    String word();

    /** The model and the reference (kernel observation, recording, or expectation) agree on every field. */
    record Agrees() implements Verdict {
        @Override public String word() { return "agree"; }
    }

    /** They disagree on these fields. */
    record Diverges(List<Difference> differences) implements Verdict {
        public Diverges {
            differences = List.copyOf(differences);
        }
        @Override public String word() { return "diverge"; }
    }

    /** Nothing to compare with (no recording, oracle unavailable, kernel without a profile): why. */
    record Unchecked(String reason) implements Verdict {
        /**
         * How the reason of a recorded release starts for a scenario of a corpus that release never recorded
         * (the default {@code conform} runs two corpora, each recorded on its own releases): reports show it
         * as not applicable, apart from the scenarios the release could have recorded and did not.
         */
        public static final String OTHER_CORPUS = "not in a corpus recorded on ";

        @Override public String word() { return "unchecked"; }

        /** Whether this is a scenario of a corpus the release never recorded ({@link #OTHER_CORPUS}). */
        public boolean otherCorpus() {
            return reason != null && reason.startsWith(OTHER_CORPUS);
        }
    }
}
