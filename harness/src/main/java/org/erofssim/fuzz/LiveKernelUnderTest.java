package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.MountOutcome;
import org.erofssim.oracle.Kmsg;
import org.erofssim.oracle.LiveKernelOracle;

/**
 * The running kernel through {@link LiveKernelOracle} (its own sandbox, loop devices and mounts,
 * all released on every path), plus a watch on {@code /dev/kmsg} from a position taken before
 * each observation (never clearing it) for lines that show the kernel in trouble: a
 * {@code BUG:}, {@code WARNING:}, an Oops, a sanitizer report, a hung task. Such a line is a
 * finding of its own, whatever the outcomes say.
 */
public final class LiveKernelUnderTest implements KernelUnderTest {
    /** Starts of kernel log messages that report the kernel itself in trouble. */
    static final Pattern TROUBLE = Pattern.compile(
            "^(BUG:|WARNING:|Oops|general protection fault|kernel BUG at|UBSAN:|KASAN:|KFENCE:|"
                    + "Kernel panic|Call Trace:|refcount_t:|list_(add|del) corruption|INFO: task .* blocked|"
                    + "Unable to handle kernel|BUG .* Bad page)");

    private final LiveKernelOracle oracle = new LiveKernelOracle();

    @Override
    public String refusal(Scenario s) {
        return oracle.refusal(s);
    }

    @Override
    public Observation observe(Scenario s) {
        try (Kmsg kmsg = Kmsg.open()) {
            MountOutcome o = oracle.observe(s);
            List<String> trouble = new ArrayList<>();
            for (Kmsg.Record r : kmsg.readNew()) {
                if (isTrouble(r.message())) {
                    trouble.add(r.message());
                }
            }
            return new Observation(o, trouble);
        }
    }

    /** Whether a kernel log message reports the kernel in trouble. */
    static boolean isTrouble(String message) {
        return TROUBLE.matcher(message.strip()).find();
    }
}
