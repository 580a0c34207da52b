package org.erofssim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.contract.MountOutcome;
import org.erofssim.reference.Case;
import org.erofssim.reference.HostKernel;
import org.erofssim.reference.Observation;
import org.erofssim.reference.Reference;
import org.erofssim.contract.MountOutcome;
import org.erofssim.report.Difference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code compare SCENARIO.json}: the model (on the running kernel's profile) and the running
 * kernel side by side, field by field, then the differences; exit 1 on divergence. A kernel
 * without a modelled profile is reported (its outcome printed), not compared: exit 77.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"The model and the running kernel side by side; exit 1 if they differ.",
                "",
                "The model runs on the profile of the running kernel (uname -r), not on",
                "the scenario's \"kernel\". Kernel-assigned numbers (anonymous devices,",
                "erofs-N, loop numbers) compare by pattern; every other field must be",
                "equal. Needs root (exit 77 otherwise)."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1", paramLabel = "SCENARIO.json", description = "a scenario file (contract JSON), or - for stdin (image paths relative to the working directory)")
    String scenario;

    @Option(names = "--json", description = "print {model, kernel, differences} as one JSON object instead")
    boolean json;

    @Override
    public Integer call() {
        Scenario s = StdinScenario.load(scenario, note -> { });
        PrintWriter out = spec.commandLine().getOut();
        // the kernels to compare with: the running one (a kernel in a VM will be another)
        List<Reference> references = List.of(new HostKernel());
        int rc = ExitCode.OK;
        for (Reference ref : references) {
            rc = Math.max(rc, compareWith(ref, s, out));
        }
        return rc;
    }

    /** The model on the reference's profile against its outcome; exit 1 on divergence, 77 without a profile. */
    private int compareWith(Reference ref, Scenario s, PrintWriter out) {
        String release = ref.identity().release();
        KernelProfile profile = ref.profile(s).orElse(null);
        Observation.Observed observed = ObserveCommand.observed(ref, Case.of(s));
        MountOutcome kernel = observed.outcome();
        if (profile == null) {
            out.println(OutcomeJson.write(kernel));
            out.flush();
            throw CliException.unavailable("kernel " + release + " has no modelled profile: its outcome is "
                    + "reported above, not compared");
        }
        MountOutcome model = Scenarios.predict(Reference.onProfile(s, profile), scenario);
        List<Difference> diffs = ref.comparison().differences(model, observed);
        if (json) {
            ObjectNode o = OutcomeJson.toTree(model).objectNode();
            o.put("scenario", scenario).put("kernel", release).put("profile", profile.name());
            o.set("model", OutcomeJson.toTree(model));
            o.set("observed", OutcomeJson.toTree(kernel));
            var arr = o.putArray("differences");
            for (Difference d : diffs) {
                arr.addObject().put("field", d.field()).put("model", d.model()).put("kernel", d.reference());
            }
            out.println(o);
        } else {
            out.println(scenario + " on " + release + " (model profile " + profile.name() + ")");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"field", "model", "kernel", ""});
            Map<String, String> m = flatten(OutcomeJson.toTree(model));
            Map<String, String> k = flatten(OutcomeJson.toTree(kernel));
            java.util.Set<String> names = new java.util.LinkedHashSet<>(m.keySet());
            names.addAll(k.keySet());
            java.util.Set<String> differing = new java.util.HashSet<>();
            for (Difference d : diffs) {
                differing.add(d.field());
            }
            for (String n : names) {
                rows.add(new String[] {n, m.getOrDefault(n, "-"), k.getOrDefault(n, "-"),
                        differing.contains(n) ? "DIFFERS" : ""});
            }
            Table.print(out, rows);
            out.println();
            for (Difference d : diffs) {
                out.println("DIFF " + d.field() + ": model " + d.model() + ", kernel " + d.reference());
            }
            out.println(diffs.isEmpty() ? "agree" : diffs.size() + " field(s) differ");
        }
        out.flush();
        return diffs.isEmpty() ? ExitCode.OK : ExitCode.FAILED_CHECK;
    }

    /** The outcome's fields as dotted paths, trees summarised as a count (their differences follow). */
    static Map<String, String> flatten(JsonNode n) {
        return org.erofssim.report.Fields.flatten(n);
    }
}
