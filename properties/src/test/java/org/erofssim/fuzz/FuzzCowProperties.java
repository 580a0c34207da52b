package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Group;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.OverlayBytes;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.props.Expect;
import org.erofssim.testkit.Checkout;

/**
 * Issue 12: a fuzz case's image is a copy-on-write view of its shared base ({@link FuzzCase#view}:
 * the base plus copies of the pages the edits touch) instead of a whole copy of the base. For
 * random cases of every base image (drawn by the campaign's generator, some mutated by its
 * mutator, so record-field edits, hint-sized writes and spliced cases are among them) the view
 * changes nothing: the materialised bytes that findings, {@code repro.sh} and live runs write are
 * the bytes of the whole-copy editing the view replaced ({@link #wholeCopy}, {@link ImageEditor}
 * over a clone of the base), and the model given the view answers with the same outcome JSON and
 * records the same coverage ids and hints as the model given that whole copy. Statistics show the
 * bases, the kinds of edit, the checksum fixed or not, the pages copied and the outcomes reached.
 */
@Label("fuzz cases: a copy-on-write view of the shared base instead of a whole copy")
class FuzzCowProperties {
    private static final Map<BaseImage, byte[]> BASES = new EnumMap<>(BaseImage.class);
    private static final Path WORK;
    private static final FuzzScenarios SCENARIOS;

    static {
        for (BaseImage b : BaseImage.values()) {
            BASES.put(b, Checkout.imageBytes(b.path()));
        }
        try {
            WORK = Files.createTempDirectory("fuzz-cow");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        SCENARIOS = new FuzzScenarios(Checkout.images(), WORK, BASES);
    }

    @AfterContainer
    static void removeWork() throws IOException {
        FindingFolders.deleteTree(WORK);
    }

    /**
     * The edited image as {@code FuzzCase.image} made it before the view (session 11): the whole
     * base copied into an {@link ImageEditor}, slot edits, byte edits, the checksum recomputed
     * over the whole buffer. Kept here as the reference, written against the editor, not the view.
     */
    static byte[] wholeCopy(FuzzCase c, byte[] base) {
        ImageEditor e = ImageEditor.of(base);
        for (SlotEdit x : c.edits()) {
            x.applyTo(e);
        }
        ByteBuffer b = e.buffer();
        for (FuzzCase.ByteEdit x : c.bytes()) {
            if (x.offset() >= 0 && x.offset() < b.capacity()) {
                b.put(x.offset(), (byte) x.value());
            }
        }
        if (c.fixChecksum()) {
            try {
                e.fixChecksum();
            } catch (RuntimeException unreadable) {
                // an image too short for the field: the checksum stays as it is
            }
        }
        return e.bytes();
    }

    /** Which of the drawn case's edits a try keeps (the generator nearly always draws slot edits). */
    enum Keep { ALL, SLOT_EDITS, BYTE_EDITS, NEITHER }

    /**
     * A try: the generator's seed, the base the case must start from, how many mutations follow,
     * which edits are kept, the kernel.
     */
    record Draw(long seed, BaseImage base, int mutations, Keep keep, String kernel) {}

    @Provide
    Arbitrary<Draw> draws() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.of(BaseImage.class),
                Arbitraries.integers().between(0, 3),
                Arbitraries.frequency(Tuple.of(5, Keep.ALL), Tuple.of(1, Keep.SLOT_EDITS), Tuple.of(2, Keep.BYTE_EDITS),
                        Tuple.of(1, Keep.NEITHER)),
                Arbitraries.of(Releases.DEFAULT.name(), "6.12.0")).as(Draw::new);
    }

    /** The generator's first case on {@code d.base()}, mutated {@code d.mutations()} times, with the edits kept. */
    static FuzzCase draw(Draw d) {
        FuzzCase c = drawn(d);
        boolean slots = d.keep() == Keep.ALL || d.keep() == Keep.SLOT_EDITS;
        boolean bytes = d.keep() == Keep.ALL || d.keep() == Keep.BYTE_EDITS;
        return c.with(c.base(), c.source(), c.fixChecksum(), slots ? c.edits() : List.of(), c.devices(), c.read(),
                bytes ? c.bytes() : List.of(), c.options(), c.config());
    }

    private static FuzzCase drawn(Draw d) {
        FuzzGenerator gen = new FuzzGenerator(d.seed(), BASES);
        FuzzCase c = gen.next();
        for (int i = 0; i < 4000 && c.base() != d.base(); i++) {
            c = gen.next();
        }
        FuzzMutator m = new FuzzMutator(gen);
        for (int i = 0; i < d.mutations(); i++) {
            c = m.mutate(c, gen.next());
        }
        return c;
    }

    /** The prediction's outcome JSON, coverage ids and hints. */
    record Answer(String outcome, java.util.Set<String> ids, List<Coverage.Hint> hints, MountOutcome model) {}

    static Answer predict(Scenario s) {
        Coverage.Recorder rec = new Coverage.Recorder();
        MountOutcome o = Coverage.record(rec, () -> MountModel.predict(s));
        return new Answer(OutcomeJson.write(o), rec.ids(), rec.hints(), o);
    }

    @Group
    @Label("bytes")
    class Bytes {
        @Property(seed = "20261207", tries = 1000, edgeCases = EdgeCasesMode.NONE)
        @Label("the view's materialised bytes are the whole copy's, and the base stays unwritten")
        void theMaterialisedViewIsTheWholeCopy(@ForAll("draws") Draw d) {
            FuzzCase c = draw(d);
            byte[] base = BASES.get(c.base());
            byte[] expected = wholeCopy(c, base);
            OverlayBytes view = c.view(ImageBytes.of(base));
            assertThat(view.toByteArray()).as("materialised bytes of %s", c).isEqualTo(expected);
            assertThat(c.image(base)).as("image(base) of %s", c).isEqualTo(expected);
            assertThat(base).as("the base is not written").isEqualTo(Checkout.imageBytes(c.base().path()));
            collect(c, view);
            Statistics.label("bytes changed").collect(java.util.Arrays.equals(base, expected) ? "none" : "some");
            Statistics.label("bytes changed").coverage(cov -> cov.check("some").count(n -> n >= 700));
        }
    }

    @Group
    @Label("model answers")
    class Answers {
        @Property(seed = "20261207", tries = 400, edgeCases = EdgeCasesMode.NONE)
        @Label("the model answers the view with the whole copy's outcome JSON, coverage ids and hints")
        void theModelAnswersTheViewAsTheWholeCopy(@ForAll("draws") Draw d) {
            FuzzCase c = draw(d);
            KernelProfile profile = Releases.resolve(d.kernel()).profile();
            Answer cow = predict(SCENARIOS.inMemory(c, profile));
            Answer whole = predict(SCENARIOS.inMemory(c, profile, b -> ImageBytes.of(wholeCopy(c, BASES.get(b)))));
            assertThat(cow.outcome()).as("outcome of %s", c).isEqualTo(whole.outcome());
            assertThat(cow.ids()).as("coverage ids of %s", c).isEqualTo(whole.ids());
            assertThat(cow.hints()).as("hints of %s", c).isEqualTo(whole.hints());

            collect(c, c.view(ImageBytes.of(BASES.get(c.base()))));
            String outcome = Expect.outcomeLabel(cow.model());
            Statistics.label("outcome").collect(outcome.equals("mounted") ? "mounted" : "not mounted");
            Statistics.label("hints").collect(cow.hints().isEmpty() ? "none" : "some");
            Statistics.label("kernel").collect(d.kernel());
            Statistics.label("outcome").coverage(cov -> {
                cov.check("mounted").count(n -> n >= 40);
                cov.check("not mounted").count(n -> n >= 40);
            });
            Statistics.label("hints").coverage(cov -> cov.check("some").count(n -> n >= 20));
        }
    }

    /** The statistics both properties show: bases, kinds of edit, checksum, pages copied. */
    static void collect(FuzzCase c, OverlayBytes view) {
        Statistics.label("base").collect(c.base());
        String kinds = (c.edits().isEmpty() ? "" : "slot ") + (c.bytes().isEmpty() ? "" : "byte ");
        Statistics.label("edits").collect(kinds.isEmpty() ? "none" : kinds.trim());
        Statistics.label("checksum").collect(c.fixChecksum() ? "fixed" : "as edited");
        int pages = view.pagesCopied();
        Statistics.label("pages copied").collect(pages >= 3 ? "3+" : String.valueOf(pages));
        Statistics.label("base").coverage(cov -> {
            for (BaseImage b : BaseImage.values()) {
                cov.check(b).count(n -> n >= 10);
            }
        });
        Statistics.label("edits").coverage(cov -> {
            cov.check("slot").count(n -> n >= 20);
            cov.check("byte").count(n -> n >= 20);
            cov.check("slot byte").count(n -> n >= 20);
            cov.check("none").count(n -> n >= 5);
        });
        Statistics.label("checksum").coverage(cov -> {
            cov.check("fixed").count(n -> n >= 100);
            cov.check("as edited").count(n -> n >= 10);
        });
        Statistics.label("pages copied").coverage(cov -> {
            cov.check("1").count(n -> n >= 50);
            cov.check("2").count(n -> n >= 10);
            cov.check("3+").count(n -> n >= 5);
        });
    }
}
