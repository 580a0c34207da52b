package org.erofssim.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.reference.Case;
import org.erofssim.reference.HostKernel;
import org.erofssim.reference.Observation;
import org.erofssim.reference.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code observe SCENARIO.json}: the running kernel's outcome of the scenario, in the same JSON
 * as {@code predict}. Needs root; otherwise, or for a scenario the kernel oracle refuses (a FIFO
 * source would hang the mount), exit 77 with one line.
 */
@Command(name = "observe", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"The running kernel's outcome of a scenario, as contract JSON.",
                "",
                "Realises the scenario for real in a private sandbox (files, loop",
                "devices, tmpfs/overlay/erofs mounts it makes itself), calls mount(2)",
                "directly and releases everything before it returns. Needs root; exit 77",
                "with one line when the oracle is unavailable or refuses the scenario."})
final class ObserveCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1", paramLabel = "SCENARIO.json", description = "a scenario file (contract JSON)")
    String scenario;

    @picocli.CommandLine.Option(names = "--kernel", paramLabel = "RELEASE",
            description = "observe on a kernel of 'erofs-sim kernels' booted in QEMU (see vm-observe)")
    String kernel;

    @Override
    public Integer call() {
        Scenario s = Scenarios.load(scenario);
        if (kernel != null) {
            return org.erofssim.cli.VmObserveCommand.observe(kernel, java.util.List.of(java.nio.file.Path.of(scenario)),
                    null, null, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(OutcomeJson.write(observed(new HostKernel(), Case.of(s)).outcome()));
        out.flush();
        return ExitCode.OK;
    }

    /**
     * A kernel reference's outcome of the case, or a {@link CliException}: exit 2 for a scenario
     * no sandbox can realise faithfully ({@link LiveKernelOracle#unrealisable}: a path climbing
     * above its {@code /}, an option string the sandbox pushes past the option page), checked
     * before anything else; exit 77 for the reference unavailable here, the case refused, or no
     * answer when observed.
     */
    static Observation.Observed observed(Reference ref, Case c) {
        String unrealisable = LiveKernelOracle.unrealisable(c.scenario());
        if (unrealisable != null) {
            throw CliException.badInput("scenario refused by the kernel oracle: " + unrealisable);
        }
        String why = ref.unavailable().orElse(null);
        if (why != null) {
            throw CliException.unavailable("kernel oracle unavailable: " + why);
        }
        String refusal = ref.refuses(c).orElse(null);
        if (refusal != null) {
            throw CliException.unavailable("scenario refused by the kernel oracle: " + refusal);
        }
        Observation o = ref.observe(c);
        if (o instanceof Observation.Observed ob) {
            return ob;
        }
        if (o instanceof Observation.Unchecked u) {
            throw CliException.unavailable(u.reason());
        }
        throw new IllegalStateException(ref.identity() + " gave no kernel outcome");
    }
}
