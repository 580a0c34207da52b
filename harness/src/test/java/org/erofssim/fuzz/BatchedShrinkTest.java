package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.ByteEdit;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.fuzz.FuzzCase.Source;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FieldEdit.Verb;
import org.junit.jupiter.api.Test;

/**
 * {@link Shrinker#shrinkBatched}: the shrinking VM findings use, one batch (boot) per round. With
 * a stand-in failure (the case fails while it keeps byte 1100 = 0xff and the option {@code acl})
 * it reaches the same minimum as the one-at-a-time greedy shrinker, in a few batches where the
 * greedy one needs one evaluation per part; several cases shrink in the same batches; a case
 * whose candidates never fail stays as it was.
 */
class BatchedShrinkTest {
    static final FuzzCase BIG = new FuzzCase(BaseImage.MULTIDEV, Source.BDEV, false,
            List.of(SlotEdit.slot(0, DeviceSlotField.BLOCKS_LO, Verb.SET, 7), SlotEdit.slot(1, DeviceSlotField.TAG, Verb.ONES, 0),
                    SlotEdit.slot(0, DeviceSlotField.UNIADDR_LO, Verb.SET, 300)),
            List.of(DeviceArg.BLOB_BDEV, DeviceArg.DIR, DeviceArg.MISSING), true,
            List.of(new ByteEdit(1030, 1), new ByteEdit(1100, 0xff), new ByteEdit(2000, 3), new ByteEdit(4100, 9),
                    new ByteEdit(5000, 0)),
            List.of("ro", "acl", "dax=never", "nosuchoption"), Map.of(), FuzzCase.Context.NONE.withFsopen(true));

    static final Predicate<FuzzCase> FAILS = c -> c.bytes().contains(new ByteEdit(1100, 0xff)) && c.options().contains("acl");

    @Test
    void batchedShrinkingReachesTheGreedyMinimumInAFewBatches() {
        int[] greedyEvaluations = {0};
        FuzzCase greedy = Shrinker.shrink(BIG, FuzzCampaign.Kind.DIVERGENCE, 10_000, c -> {
            greedyEvaluations[0]++;
            return FAILS.test(c) ? new FuzzCampaign.Failure(FuzzCampaign.Kind.DIVERGENCE, "x") : null;
        });
        List<Integer> batches = new ArrayList<>();
        Shrinker.Batched b = Shrinker.shrinkBatched(List.of(BIG), 10, 100, probes -> {
            batches.add(probes.size());
            return probes.stream().map(p -> FAILS.test(p.c())).toList();
        });
        FuzzCase batched = b.shrunk().get(0);
        System.out.println("greedy: " + greedyEvaluations[0] + " evaluations one at a time; batched: " + b.rounds()
                + " batches " + batches + ", " + b.probes() + " candidates");
        assertThat(batched.bytes()).containsExactly(new ByteEdit(1100, 0xff));
        assertThat(batched.options()).containsExactly("acl");
        assertThat(batched.edits()).isEmpty();
        assertThat(batched.devices()).isEmpty();
        assertThat(batched.source()).isEqualTo(Source.FILE);
        assertThat(batched.context()).isEqualTo(FuzzCase.Context.NONE);
        assertThat(batched.read()).isFalse();
        assertThat(batched).isEqualTo(greedy);
        // the combined simplification: far fewer batches (boots) than the greedy shrinker's steps
        assertThat(b.rounds()).isLessThanOrEqualTo(4);
        assertThat(b.rounds()).isEqualTo(batches.size());
        assertThat(b.probes()).isEqualTo(batches.stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void severalCasesShrinkInTheSameBatchesAndACaseThatNeverFailsAgainStays() {
        FuzzCase other = BIG.with(BIG.base(), BIG.source(), BIG.fixChecksum(), BIG.edits(), BIG.devices(), BIG.read(),
                BIG.bytes(), List.of("ro", "nosuchoption"), BIG.config());
        List<Integer> batches = new ArrayList<>();
        Shrinker.Batched b = Shrinker.shrinkBatched(List.of(BIG, other), 4, 100, probes -> {
            batches.add(probes.size());
            // the second case's failure does not come back on any candidate (a flaky kernel answer)
            return probes.stream().map(p -> p.target() == 0 && FAILS.test(p.c())).toList();
        });
        assertThat(b.shrunk().get(0).options()).containsExactly("acl");
        assertThat(b.shrunk().get(1)).isEqualTo(other);
        assertThat(b.rounds()).isLessThanOrEqualTo(4);
        // the same batched run twice: the same candidates in the same order
        List<Integer> again = new ArrayList<>();
        Shrinker.shrinkBatched(List.of(BIG, other), 4, 100, probes -> {
            again.add(probes.size());
            return probes.stream().map(p -> p.target() == 0 && FAILS.test(p.c())).toList();
        });
        assertThat(again).isEqualTo(batches);
    }

    @Test
    void aRoundBudgetOfZeroSpendsNothing() {
        Shrinker.Batched b = Shrinker.shrinkBatched(List.of(BIG), 0, 100, probes -> {
            throw new AssertionError("no batch expected");
        });
        assertThat(b.shrunk()).containsExactly(BIG);
        assertThat(b.rounds()).isZero();
    }
}
