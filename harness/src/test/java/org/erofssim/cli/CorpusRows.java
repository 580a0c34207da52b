package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * The check each recorded-corpus test makes of {@code conform --corpus DIR}: every named scenario
 * has a row that agrees with every recording, and each recorded kernel's summary line counts
 * them all as agreeing with none diverging, refused, stale or missing.
 */
final class CorpusRows {
    private CorpusRows() {}

    /** {@code conform --quiet --corpus fixtures/CORPUS --report OUT}. */
    static Cli.Result conform(Path out, String corpus) {
        return Cli.run("conform", "--quiet", "--corpus", Cli.root().resolve(corpus).toString(), "--report", out.toString());
    }

    /**
     * Every name has a row ending in {@code no expect} then {@code agree} once per recorded
     * kernel; {@code source} matches the row's fourth column (the source kind), e.g. {@code \S+}.
     */
    static void assertEveryRowAgrees(Cli.Result r, Collection<String> names, String source, int kernels) {
        for (String n : names) {
            assertThat(r.out()).as(n).containsPattern("(?m)^" + Pattern.quote(n) + " +\\S+ +\\S+ +" + source
                    + " +no expect( +agree){" + kernels + "}$");
        }
    }

    /** The summary line of one recorded kernel: {@code agree} agree and nothing else. */
    static void assertAllAgree(Cli.Result r, String release, String profile, int agree) {
        assertThat(r.out()).contains("recorded " + release + " (model profile " + profile + "): "
                + agree + " agree, 0 diverge, 0 refused, 0 stale, 0 not recorded");
    }
}
