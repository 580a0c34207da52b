package org.erofssim.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
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
            return org.erofssim.vm.VmObserveCommand.observe(kernel, java.util.List.of(java.nio.file.Path.of(scenario)),
                    null, null, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(OutcomeJson.write(LiveKernel.observe(s)));
        out.flush();
        return ExitCode.OK;
    }
}
