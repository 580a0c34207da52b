package org.erofssim.read;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.util.Arrays;

/**
 * Which side of the block-device readahead race the model takes ({@link ZReader}, "Timing"):
 * on a loop device a readahead window's bios complete in the loop driver's worker, so its
 * pclusters may be decoded before the reader goes on ({@link #COMPLETED}, the default and what
 * a file-backed mount always does) or only when the reader waits on a folio that needs them,
 * with the next window scanned meanwhile (the window is "in flight"). Readahead windows of each
 * compressed inode are numbered from 0 in the order they are submitted. Only bdev-mode reads
 * of compressed inodes look at it.
 *
 * <p>An explicit input of an evaluation ({@code MountModel.predict(scenario, race)}), never
 * hidden state: the harness's {@code BdevRace} tries the sides one by one.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public final class BdevReadaheadRace {
    /** Every window's decompression has completed before the reader goes on (the default). */
    public static final BdevReadaheadRace COMPLETED = new BdevReadaheadRace("completed", null, false);
    /** Every window is still in flight when the reader goes on. */
    public static final BdevReadaheadRace ALL_IN_FLIGHT = new BdevReadaheadRace("all in flight", null, true);

    private final String side;
    /** The windows in flight, or null for "none" / "all" ({@link #all}). */
    private final int[] windows;
    private final boolean all;

    private BdevReadaheadRace(String side, int[] windows, boolean all) {
        this.side = side;
        this.windows = windows;
        this.all = all;
    }

    /** Exactly window {@code w} (of each compressed inode) is in flight, the others completed. */
    public static BdevReadaheadRace windowInFlight(int w) {
        if (w < 0) {
            throw new IllegalArgumentException("window " + w);
        }
        return new BdevReadaheadRace("window " + w + " in flight", new int[] {w}, false);
    }

    /** Whether readahead window {@code window} of a compressed inode is still in flight. */
    public boolean inFlight(int window) {
        return all || windows != null && Arrays.stream(windows).anyMatch(w -> w == window);
    }

    /** The side as the harness reports it: "completed", "all in flight", "window N in flight". */
    public String side() {
        return side;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BdevReadaheadRace r && r.side.equals(side);
    }

    @Override
    public int hashCode() {
        return side.hashCode();
    }

    @Override
    public String toString() {
        return side;
    }
}
