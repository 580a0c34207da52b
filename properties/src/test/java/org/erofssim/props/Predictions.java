package org.erofssim.props;

import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.kernel.Coverage;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;

/** What the properties that compare two settings of the model compare of one prediction. */
public final class Predictions {
    private Predictions() {
    }

    /**
     * The prediction's outcome JSON, its coverage ids (sorted) and its hints, one per line: the
     * outcome bytes and what a fuzz campaign steers by, so a fast path that changes either fails.
     */
    public static String withCoverage(Scenario sc) {
        Coverage.Recorder rec = new Coverage.Recorder();
        MountOutcome o = Coverage.record(rec, () -> MountModel.predict(sc));
        return OutcomeJson.write(o) + "\n" + new TreeSet<>(rec.ids()) + "\n" + rec.hints();
    }

    /**
     * {@link #withCoverage(Scenario)} with one of the model's switches (a static flag such as
     * {@code TreeWalk.dirIndex}, read by {@code get} and written by {@code set}) at {@code on},
     * and back at what it was afterwards, whatever the prediction did.
     */
    public static String withCoverage(Scenario sc, BooleanSupplier get, Consumer<Boolean> set, boolean on) {
        boolean was = get.getAsBoolean();
        set.accept(on);
        try {
            return withCoverage(sc);
        } finally {
            set.accept(was);
        }
    }
}
