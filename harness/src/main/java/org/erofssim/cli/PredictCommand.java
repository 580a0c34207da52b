package org.erofssim.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code predict SCENARIO.json...}: the model's outcome of each scenario as the contract's
 * outcome JSON, one line per scenario (JSON Lines) in the order given. Every file is decoded
 * before anything is printed, so bad input yields no partial output.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"The model's outcome of each scenario as contract JSON, one line each.",
                "",
                "One outcome per scenario (JSON Lines), in the order given, from one",
                "process. Every file is decoded before anything is printed. Scenario",
                "paths are relative to the working directory; image paths inside a",
                "scenario are relative to the scenario's folder. '-' reads one scenario",
                "from standard input, its image paths relative to the working directory.",
                "--kernel and --config override every scenario's \"kernel\" and \"config\".",
                "For several scenarios a counter runs on stderr when it is a terminal",
                "(not with --quiet)."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SCENARIO.json", description = "scenario files (contract JSON, \"version\": 1), or - for stdin")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = "evaluate on this release instead of the scenario's (resolved as a scenario's \"kernel\")")
    String kernel;

    @Option(names = "--config", paramLabel = "SYMBOL=y|n",
            description = "a CONFIG symbol over the scenario's, e.g. EROFS_FS_ONDEMAND=y (repeatable)")
    List<String> config = new ArrayList<>();

    @Option(names = "--quiet", description = "no counter on stderr while a batch is predicted")
    boolean quiet;

    @Override
    public Integer call() {
        List<Scenario> decoded = new ArrayList<>();
        Scenarios.Notes notes = new Scenarios.Notes(spec.commandLine().getErr());
        StdinScenario.checkOnce(scenarios);
        KernelOptions.config(config); // bad --config values before any file is read
        if (kernel != null) {
            KernelOptions.release(kernel, notes);
        }
        // one mapping per image for the whole batch (issue 12: 10,000 scenarios of one image made 10,000)
        org.erofssim.block.ImageBytes.sharingMappings(() -> {
            for (String arg : scenarios) {
                decoded.add(KernelOptions.apply(StdinScenario.load(arg, notes), kernel, config, notes));
            }
            return null;
        });
        PrintWriter out = spec.commandLine().getOut();
        try (Progress counter = Progress.start(spec.commandLine().getErr(), "predict: scenario", decoded.size(),
                quiet || decoded.size() < 2)) {
            PrintWriter lines = counter.above(out);
            for (int i = 0; i < decoded.size(); i++) {
                lines.println(OutcomeJson.write(Scenarios.predict(decoded.get(i), scenarios.get(i))));
                counter.update(i + 1);
            }
            lines.flush();
        }
        out.flush();
        return ExitCode.OK;
    }
}
