package org.erofssim.reference;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A kernel's outcomes recorded earlier ({@link Recordings}: {@code <recorded>/<release>/}), as a
 * reference that needs no root: the recording of a case (by its corpus name) compared field by
 * field with the model on the release's profile. Unchecked: a scenario the live oracle refused
 * when recording ({@code refused.tsv}), one not recorded, a release without a modelled profile,
 * a stale recording (its scenario or images changed since: {@code inputsSha256}).
 */
public final class RecordedKernel extends KernelReference {
    private final Path dir;
    private final Map<String, String> refused;

    /** The recordings of {@code release} under {@code dir} (its {@code refused.tsv} read now). */
    public RecordedKernel(Path dir, String release) {
        super(Identity.Kind.RECORDED, release);
        this.dir = dir;
        this.refused = Recordings.refused(dir, release);
    }

    /** One reference per release folder under {@code dir}, in release order. */
    public static java.util.List<RecordedKernel> all(Path dir) {
        return Recordings.releases(dir).stream().map(r -> new RecordedKernel(dir, r)).toList();
    }

    /** The reason the live oracle gave when it refused to record this case, if it did. */
    @Override
    public Optional<String> refuses(Case c) {
        return Optional.ofNullable(refused.get(c.name()));
    }

    @Override
    public Observation observe(Case c) {
        String rel = release();
        Recordings.Recording rec = c.file() == null ? null : Recordings.read(dir, rel, c.name());
        if (rec == null) {
            String why = refused.get(c.name());
            return why != null
                    ? new Observation.Unchecked(Observation.Why.REFUSED, "refused by the live oracle when recorded: " + why,
                            null)
                    : new Observation.Unchecked(Observation.Why.NOT_RECORDED,
                            "not recorded on " + rel + " (run ./erofs-sim record as root)", null);
        }
        if (profile().isEmpty()) {
            return new Observation.Unchecked(Observation.Why.NO_PROFILE, "kernel " + rel + " has no modelled profile",
                    rec.outcomeJson());
        }
        if (!Recordings.inputsSha256(c.file()).equals(rec.inputsSha256())) {
            return new Observation.Unchecked(Observation.Why.STALE, "stale: the scenario or an image changed since it"
                    + " was recorded (" + rec.date() + "); rerun ./erofs-sim record", rec.outcomeJson());
        }
        return new Observation.Observed(rec.outcome(), rec.outcomeJson(), java.util.List.of());
    }
}
