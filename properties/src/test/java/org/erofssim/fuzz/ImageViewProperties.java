package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.ImageBytes;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.props.Expect;
import org.erofssim.props.Predictions;
import org.erofssim.testkit.Checkout;

/**
 * Session 12 (issue 12: what a fuzz case allocates): a metadata page wholly within image bytes
 * held in an array is read in place ({@link ImageBytes#view}, a read-only view) and a page wholly
 * past the end of a device without faults is the shared zero page, instead of a new 4 KiB copy
 * per page switch; and this changes no outcome byte, coverage id or hint. The cases are the
 * fuzzer's own (a {@link FuzzGenerator} draw, optionally mutated by {@link FuzzMutator}: edits of
 * the real base images' superblock and device-slot fields by verb and value, byte edits anywhere,
 * file-backed and loop sources, {@code device=} options, CONFIG overrides, faults), built in
 * memory as a campaign builds them ({@link FuzzScenarios#inMemory}), on 6.12.0, 6.18.44 and 7.3.0-rc7,
 * predicted with views on and off ({@link ImageBytes#views}). Statistics show that the images
 * are edited ones (array-held, so viewed: every draw edits), the sources, mounted trees with read
 * errors and clean ones, and failed mounts reached. Mutant caught: a view one byte off
 * ({@code ByteBuffer.wrap(bytes, (int) pos + 1, len)} in {@code ArrayBytes.view}) fails on the
 * first try.
 */
class ImageViewProperties {
    record Case(long seed, int draws, boolean mutate, String kernel) {}

    private static Map<FuzzCase.BaseImage, byte[]> bases;

    static synchronized Map<FuzzCase.BaseImage, byte[]> bases() throws java.io.IOException {
        if (bases == null) {
            Map<FuzzCase.BaseImage, byte[]> m = new EnumMap<>(FuzzCase.BaseImage.class);
            for (FuzzCase.BaseImage b : FuzzCase.BaseImage.values()) {
                m.put(b, Files.readAllBytes(Checkout.images().resolve(b.path())));
            }
            bases = m;
        }
        return bases;
    }

    /** The fuzzer's cases: a generator seed, one to six draws, mutated or not, one of three kernels. */
    static Arbitrary<Case> drawnCases() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 6), Arbitraries.of(false, true),
                Arbitraries.of("6.12.0", "6.18.44", "7.3.0-rc7")).as(Case::new);
    }

    @Provide
    Arbitrary<Case> cases() {
        return drawnCases();
    }

    /** What a property checks of one drawn case: the fuzz case and its scenario as a campaign builds it. */
    interface DrawnCheck {
        void check(FuzzCase fc, Scenario sc) throws Exception;
    }

    /**
     * Draws {@code c}'s fuzz case ({@link FuzzGenerator}, {@link FuzzMutator} when it says so),
     * builds its scenario in memory as a campaign does ({@link FuzzScenarios#inMemory}, in a
     * scratch folder removed after) and hands both to {@code check}.
     */
    static void withDrawn(Case c, DrawnCheck check) throws Exception {
        FuzzGenerator gen = new FuzzGenerator(c.seed(), bases());
        FuzzCase fc = gen.next();
        for (int i = 1; i < c.draws(); i++) {
            FuzzCase next = gen.next();
            fc = c.mutate() ? new FuzzMutator(gen).mutate(fc, next) : next;
        }
        KernelProfile profile = Releases.resolve(c.kernel()).profile();
        Path work = Files.createTempDirectory("erofs-sim-drawn");
        try {
            check.check(fc, new FuzzScenarios(Checkout.images(), work, bases()).inMemory(fc, profile));
        } finally {
            org.erofssim.testkit.BenchTree.delete(work);
        }
    }

    /** The outcome JSON, the coverage ids (sorted) and the hints of one prediction. */
    static String predict(Scenario sc, boolean views) {
        return Predictions.withCoverage(sc, () -> ImageBytes.views, x -> ImageBytes.views = x, views);
    }

    @Property(seed = "20261212", tries = 300, edgeCases = EdgeCasesMode.NONE)
    void readingPagesInPlaceChangesNoOutcomeCoverageIdOrHint(@ForAll("cases") Case c) throws Exception {
        withDrawn(c, (fc, sc) -> {
            String viewed = predict(sc, true);
            String copied = predict(sc, false);
            assertThat(viewed).as("%s: %s", c, fc).isEqualTo(copied);

            MountOutcome o = OutcomeJson.read(viewed.substring(0, viewed.indexOf('\n')));
            List<String> kinds = new ArrayList<>();
            if (o instanceof MountOutcome.Mounted m && m.tree() != null) {
                for (TreeEntry e : m.tree()) {
                    kinds.add(e.readErrno() != null ? "read error" : "ok");
                }
            }
            boolean edited = !fc.edits().isEmpty() || !fc.bytes().isEmpty() || fc.fixChecksum();
            Statistics.label("image").collect(edited ? "edited (array-held: viewed)" : "unedited (mapped: copied)");
            Statistics.label("source").collect(fc.source().name());
            Statistics.label("outcome").collect(Expect.outcomeLabel(o));
            Statistics.label("entries").collect(kinds.contains("read error") ? "some entry with a read error"
                    : kinds.isEmpty() ? "no tree" : "every entry read");
            Statistics.label("image").coverage(cov -> cov.check("edited (array-held: viewed)").percentage(p -> p > 60));
            Statistics.label("entries").coverage(cov -> {
                cov.check("some entry with a read error").count(n -> n >= 5);
                cov.check("every entry read").count(n -> n >= 20);
                cov.check("no tree").count(n -> n >= 30);
            });
        });
    }
}
