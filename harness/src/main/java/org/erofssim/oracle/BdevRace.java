package org.erofssim.oracle;

import java.util.List;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.Scenario;
import org.erofssim.read.BdevReadaheadRace;
import org.erofssim.sb.Mode;
import org.erofssim.file.DataReader;
import org.erofssim.sb.Mode;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.report.Difference;

/**
 * The one race left between the model and a live kernel's reads of compressed files on a loop
 * device: a readahead window's bios complete in the loop driver's worker, so its pclusters
 * may be decoded before the reader goes on (the model's default, and what a file-backed mount
 * always does) or only when the reader waits on a folio that needs them, with the next window
 * scanned meanwhile (fewer rescans, shared pclusters: other log lines). Which side a window
 * takes depends on the reader's pace and the machine's load. {@link #compare} accepts the
 * kernel's outcome when it is the model's on one of these sides: every window completed,
 * every window in flight, or exactly one window in flight (the mixtures seen on 6.18.44).
 * Everything else, and every file-backed outcome, must be equal.
 */
public final class BdevRace {
    /** Windows numbered up to this are tried one at a time as the single in-flight window. */
    static final int MAX_WINDOW = 64;

    private BdevRace() {}

    /**
     * @param side        which side matched ("completed", "all in flight", "window N in flight"),
     *                    or "none" (then {@code differences} are the default side's)
     * @param differences the differences from the kernel of the side reported
     */
    public record Result(String side, List<Difference> differences) {}

    public static Result compare(Scenario sc, MountOutcome kernel) {
        MountOutcome model = MountModel.predict(sc);
        List<Difference> d = OutcomeComparator.compare(model, kernel);
        if (d.isEmpty()) {
            return new Result(BdevReadaheadRace.COMPLETED.side(), d);
        }
        if (kernel.mode() != Mode.BDEV) {
            return new Result("none", d);
        }
        if (OutcomeComparator.compare(MountModel.predict(sc, BdevReadaheadRace.ALL_IN_FLIGHT), kernel).isEmpty()) {
            return new Result(BdevReadaheadRace.ALL_IN_FLIGHT.side(), List.of());
        }
        for (int w = 0; w < MAX_WINDOW; w++) {
            BdevReadaheadRace one = BdevReadaheadRace.windowInFlight(w);
            if (OutcomeComparator.compare(MountModel.predict(sc, one), kernel).isEmpty()) {
                return new Result(one.side(), List.of());
            }
        }
        return new Result("none", d);
    }
}
