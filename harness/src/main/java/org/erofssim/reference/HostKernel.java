package org.erofssim.reference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.MountOutcome;
import org.erofssim.oracle.Kmsg;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.oracle.OracleUnavailable;

/**
 * The kernel this process runs on, as a reference: the one wrapper of the live oracle that the
 * command line, the fuzz campaign and tests use. {@link LiveKernelOracle} does the work (its own
 * sandbox, loop devices and mounts, all released on every path); this class adds what every
 * user of it needs: the release ({@code uname -r}) and its modelled profile, the oracle's
 * refusals and unavailability as {@link Observation.Unchecked} answers instead of exceptions,
 * and a watch on {@code /dev/kmsg} over each observation, marked and read under the oracle's
 * machine-wide lock (never clearing it), for lines that show the kernel in trouble: a {@code
 * BUG:}, {@code WARNING:}, an Oops, a sanitizer report, a hung task ({@link
 * Observation.Observed#trouble()}).
 *
 * <p>A kernel booted in a VM (issue 9) is another {@link Reference} of kind "vm" beside this
 * one, running the same oracle inside the guest; it does not extend this class.
 */
public final class HostKernel extends KernelReference {
    /** Starts of kernel log messages that report the kernel itself in trouble. */
    static final Pattern TROUBLE = Pattern.compile(
            "^(BUG:|WARNING:|Oops|general protection fault|kernel BUG at|UBSAN:|KASAN:|KFENCE:|"
                    + "Kernel panic|Call Trace:|refcount_t:|list_(add|del) corruption|INFO: task .* blocked|"
                    + "Unable to handle kernel|BUG .* Bad page)");

    private final LiveKernelOracle oracle;

    /** The running kernel with the oracle's default options. */
    public HostKernel() {
        this(LiveKernelOracle.Options.DEFAULT);
    }

    /** The running kernel with these oracle options (mount timeout, hang refusals). */
    public HostKernel(LiveKernelOracle.Options options) {
        super(Identity.Kind.LIVE, runningRelease());
        this.oracle = new LiveKernelOracle(options);
    }

    /** {@code uname -r} of the running kernel. */
    public static String runningRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    /** Not root, no erofs, no loop driver, no readable kernel log, not x86-64 Linux. */
    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(LiveKernelOracle.unavailableReason());
    }

    /**
     * FIFO sources or {@code device=} (would hang), fscache blobs, DAX bdevs, CONFIG the running
     * kernel lacks, character devices not known to be harmless.
     */
    @Override
    public Optional<String> refuses(Case c) {
        return Optional.ofNullable(oracle.refusal(c.scenario()));
    }

    @Override
    public Observation observe(Case c) {
        Scenario s = c.scenario();
        String why = LiveKernelOracle.unavailableReason();
        if (why != null) {
            return new Observation.Unchecked(Observation.Why.UNAVAILABLE, "kernel oracle unavailable: " + why, null);
        }
        String refusal = oracle.refusal(s);
        if (refusal != null) {
            return new Observation.Unchecked(Observation.Why.REFUSED, "refused by the live oracle: " + refusal, null);
        }
        try {
            // the kernel log is marked and read under the oracle's machine-wide lock: a mark taken before
            // it would also read another live run's lines, printed while this one waited for the lock (and
            // a read after it, those of the next run)
            return LiveKernelOracle.exclusively(() -> {
                try (Kmsg kmsg = Kmsg.open()) {
                    MountOutcome o = oracle.observe(s);
                    return new Observation.Observed(o, OutcomeJson.write(o), trouble(kmsg.readNew()));
                }
            });
        } catch (OracleUnavailable e) {
            return new Observation.Unchecked(Observation.Why.UNAVAILABLE, "kernel oracle unavailable: " + e.reason(),
                    null);
        }
    }

    /** The messages of {@code records} that report the kernel in trouble, in order. */
    static List<String> trouble(List<Kmsg.Record> records) {
        List<String> out = new ArrayList<>();
        for (Kmsg.Record r : records) {
            if (isTrouble(r.message())) {
                out.add(r.message());
            }
        }
        return out;
    }

    /** Whether a kernel log message reports the kernel in trouble. */
    static boolean isTrouble(String message) {
        return TROUBLE.matcher(message.strip()).find();
    }
}
