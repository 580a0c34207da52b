package org.erofssim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.reference.Case;
import org.erofssim.reference.Comparison;
import org.erofssim.reference.Identity;
import org.erofssim.reference.Observation;
import org.erofssim.reference.RecordedKernel;
import org.erofssim.reference.Recordings;
import org.erofssim.reference.Reference;

/**
 * One recorded release over several corpora (the default {@code conform}: {@code fixtures/scenarios} with
 * {@code fixtures/recorded}, and {@code fixtures/modern/scenarios} with {@code fixtures/modern/recorded}):
 * a case of a corpus whose recordings hold this release is that corpus's {@link RecordedKernel}'s to
 * answer; a case of a corpus this release never recorded is unchecked with
 * {@link Observation.Why#NOT_RECORDED} and a reason that says so ("not in a corpus recorded on R (its
 * recordings cover X only)"; the console's cell is {@code n/a}), so that it is neither a divergence nor a gap in that corpus's recordings.
 */
final class CorporaRecordings implements Reference {
    private final String release;
    private final Map<Path, RecordedKernel> byCorpus;

    private CorporaRecordings(String release, Map<Path, RecordedKernel> byCorpus) {
        this.release = release;
        this.byCorpus = byCorpus;
    }

    /**
     * One reference per release recorded beside any of {@code corpora} (corpus folder to its recordings
     * folder), releases in order.
     */
    static List<CorporaRecordings> all(Map<Path, Path> corpora) {
        TreeSet<String> releases = new TreeSet<>();
        corpora.values().forEach(rec -> releases.addAll(Recordings.releases(rec)));
        List<CorporaRecordings> out = new ArrayList<>();
        for (String r : releases) {
            Map<Path, RecordedKernel> m = new LinkedHashMap<>();
            corpora.forEach((corpus, rec) -> {
                if (Recordings.releases(rec).contains(r)) {
                    m.put(corpus.toAbsolutePath().normalize(), new RecordedKernel(rec, r));
                }
            });
            out.add(new CorporaRecordings(r, m));
        }
        return out;
    }

    private RecordedKernel any() {
        return byCorpus.values().iterator().next();
    }

    /** The recordings of the case's corpus for this release, if that corpus has any. */
    private Optional<RecordedKernel> of(Case c) {
        if (c.file() == null) {
            return Optional.empty();
        }
        Path f = c.file().toAbsolutePath().normalize();
        return byCorpus.entrySet().stream().filter(e -> f.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst();
    }

    @Override public Identity identity() {
        return any().identity();
    }

    @Override public Comparison comparison() {
        return any().comparison();
    }

    @Override public Optional<KernelProfile> profile(Scenario s) {
        return any().profile(s);
    }

    @Override public Optional<String> refuses(Case c) {
        return of(c).flatMap(r -> r.refuses(c));
    }

    @Override public Observation observe(Case c) {
        Optional<RecordedKernel> r = of(c);
        if (r.isPresent()) {
            return r.get().observe(c);
        }
        return new Observation.Unchecked(Observation.Why.NOT_RECORDED, org.erofssim.report.Verdict.Unchecked.OTHER_CORPUS + release
                + " (its recordings cover " + String.join(" and ", byCorpus.keySet().stream().map(CorporaRecordings::shown).toList())
                + " only)", null);
    }

    /** Whether the case's corpus has recordings of this release at all. */
    boolean covers(Case c) {
        return of(c).isPresent();
    }

    private static String shown(Path corpus) {
        Path root = RepoRoot.find().orElse(null);
        Path abs = corpus.toAbsolutePath().normalize();
        return root != null && abs.startsWith(root.toAbsolutePath().normalize())
                ? root.toAbsolutePath().normalize().relativize(abs).toString() : abs.toString();
    }
}
