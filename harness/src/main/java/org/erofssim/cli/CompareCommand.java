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
import org.erofssim.reference.FsckReference;
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
                "the scenario's \"kernel\" (--kernel picks another profile, --config sets",
                "CONFIG symbols the running kernel has otherwise than the profile's",
                "defaults). Kernel-assigned numbers (anonymous devices, erofs-N, loop",
                "numbers) compare by pattern; every other field must be equal. Prints",
                "field | model | kernel, then a DIFF line per difference and 'agree' or",
                "'N field(s) differ'. Needs root (exit 77 otherwise).",
                "With --utils, erofs-utils' fsck.erofs instead of the kernel (no root)."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1", paramLabel = "SCENARIO.json", description = "a scenario file (contract JSON), or - for stdin (image paths relative to the working directory)")
    String scenario;

    @Option(names = "--json", description = {"print one JSON object instead: {scenario, reference: {kind, release},",
            "profile: {release, config}, model: OUTCOME, kernel: OUTCOME, differences: [{field, model, kernel}]}",
            "(differences' values are JSON values; a side without the field has no key)"})
    boolean json;

    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = "the model profile to compare with the running kernel (default: the running kernel's release's;"
                    + " needed when it has none), resolved as a scenario's \"kernel\"")
    String kernel;

    @Option(names = "--config", paramLabel = "SYMBOL=y|n",
            description = "a CONFIG symbol for the model (repeatable), e.g. EROFS_FS_ONDEMAND=y when the running kernel has it")
    List<String> config = new ArrayList<>();

    @Option(names = "--utils", description = "compare with erofs-utils instead of the running kernel (no root): fsck.erofs --extract on the"
                    + " scenario's image, accepted or not and the extracted tree, the model on the scenario's own profile.")
    boolean utils;

    @Option(names = "--utils-dir", paramLabel = "DIR",
            description = "with --utils (implied): fsck.erofs of the erofs-utils build in DIR (its bin/, as .ci/build-erofs-utils makes it);"
                    + " default: that of $EROFSSIM_EROFS_UTILS when set, else fsck.erofs on PATH. Exit 77 when there is none")
    String utilsDir;

    @Override
    public Integer call() {
        Scenario s = StdinScenario.load(scenario, note -> { });
        KernelOptions.config(config); // bad values: exit 2 before the kernel is touched
        KernelProfile chosen = kernel == null ? null : KernelOptions.release(kernel, notes());
        PrintWriter out = spec.commandLine().getOut();
        if (utils || utilsDir != null) {
            return compareWithUtils(FsckReference.find(utilsDir == null ? null : Scenarios.path(utilsDir, "--utils-dir")), s,
                    chosen, out);
        }
        // the kernels to compare with: the running one (a kernel in a VM will be another)
        List<Reference> references = List.of(new HostKernel());
        int rc = ExitCode.OK;
        for (Reference ref : references) {
            rc = Math.max(rc, compareWith(ref, s, chosen, out));
        }
        return rc;
    }

    private Scenarios.Notes notes;

    /** Resolution notes ({@code --kernel}), each printed once to stderr. */
    private Scenarios.Notes notes() {
        if (notes == null) {
            notes = new Scenarios.Notes(spec.commandLine().getErr());
        }
        return notes;
    }

    /**
     * The model on the reference's profile (or {@code chosen}, with {@code --config}) against its
     * outcome; exit 1 on divergence, 77 without a profile.
     */
    private int compareWith(Reference ref, Scenario s, KernelProfile chosen, PrintWriter out) {
        String release = ref.identity().release();
        KernelProfile profile = chosen != null ? chosen : ref.profile(s).orElse(null);
        Observation.Observed observed = ObserveCommand.observed(ref, Case.of(s));
        MountOutcome kernel = observed.outcome();
        if (profile == null) {
            out.println(OutcomeJson.write(kernel));
            out.flush();
            throw CliException.unavailable("kernel " + release + " has no modelled profile: its outcome is "
                    + "reported above, not compared (--kernel RELEASE picks a profile to compare with)");
        }
        Scenario modelled = KernelOptions.apply(Reference.onProfile(s, profile), null, config, notes());
        MountOutcome model = Scenarios.predict(modelled, scenario);
        List<Difference> diffs = ref.comparison().differences(model, observed);
        if (json) {
            ObjectNode o = jsonHead(ref, profile);
            o.set("model", OutcomeJson.toTree(model));
            o.set("kernel", OutcomeJson.toTree(kernel));
            putDifferences(o, diffs, "kernel");
            out.println(o);
        } else {
            out.println(scenario + " on " + release + " (model profile " + profile.name()
                    + (config.isEmpty() ? "" : " with " + String.join(" ", config)) + ")");
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

    /**
     * The model (on the scenario's profile, or {@code chosen}, with {@code --config}) against
     * fsck.erofs's answer on the fields it can speak for; exit 1 on a difference, 77 when
     * erofs-utils is missing or refuses the scenario.
     */
    private int compareWithUtils(FsckReference ref, Scenario s, KernelProfile chosen, PrintWriter out) {
        String why = ref.unavailable().orElse(null);
        if (why != null) {
            throw CliException.unavailable("--utils: erofs-utils unavailable: " + why);
        }
        Observation o = ref.observe(Case.of(s));
        if (o instanceof Observation.Unchecked u) {
            throw CliException.unavailable(u.reason());
        }
        Observation.Checked answer = (Observation.Checked) o;
        KernelProfile profile = chosen != null ? chosen : ref.profile(s).orElseThrow();
        Scenario modelled = KernelOptions.apply(Reference.onProfile(s, profile), null, config, notes());
        MountOutcome model = Scenarios.predict(modelled, scenario);
        List<Difference> diffs = ref.comparison().differences(model, answer);
        if (json) {
            ObjectNode j = jsonHead(ref, profile);
            j.set("model", OutcomeJson.toTree(model));
            try {
                j.set("erofs-utils", JSON.readTree(answer.json()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            putDifferences(j, diffs, "erofs-utils");
            out.println(j);
        } else {
            out.println(scenario + " with " + ref.identity().label() + " (model profile " + profile.name()
                    + (config.isEmpty() ? "" : " with " + String.join(" ", config)) + ")");
            out.println("fsck.erofs: " + (answer.answer().accepted() ? "accepted, " + answer.answer().tree().size()
                    + " paths extracted" : "rejected: " + answer.answer().message()));
            out.println("model: " + OutcomeJson.outcomeName(model) + (model instanceof MountOutcome.Mounted m
                    && m.tree() != null ? ", " + m.tree().size() + " paths" : ""));
            for (Difference d : diffs) {
                out.println("DIFF " + d.field() + ": model " + d.model() + ", fsck.erofs " + d.reference());
            }
            out.println(diffs.isEmpty() ? "agree" : diffs.size() + " field(s) differ");
        }
        out.flush();
        return diffs.isEmpty() ? ExitCode.OK : ExitCode.FAILED_CHECK;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The {@code --json} object's head: the scenario, the reference, the model's profile and {@code --config}. */
    private ObjectNode jsonHead(Reference ref, KernelProfile profile) {
        ObjectNode o = JSON.createObjectNode();
        o.put("scenario", scenario);
        o.set("reference", ref.identity().toJson());
        ObjectNode c = o.putObject("profile").put("release", profile.name()).putObject("config");
        new java.util.TreeMap<>(KernelOptions.config(config)).forEach((flag, on) -> c.put(flag.symbol(), on));
        return o;
    }

    /** {@code "differences"}: each field with the model's and the reference's ({@code refKey}) values. */
    private static void putDifferences(ObjectNode o, List<Difference> diffs, String refKey) {
        var arr = o.putArray("differences");
        for (Difference d : diffs) {
            ObjectNode x = arr.addObject().put("field", d.field());
            putValue(x, "model", d.model());
            putValue(x, refKey, d.reference());
        }
    }

    /** A difference's side as a JSON value (text that is no JSON value stays a string); absent: no key. */
    private static void putValue(ObjectNode o, String key, String text) {
        if (text == null || text.equals(Difference.ABSENT)) {
            return;
        }
        try {
            o.set(key, JSON.readTree(text));
        } catch (java.io.IOException e) {
            o.put(key, text);
        }
    }

    /** The outcome's fields as dotted paths, trees summarised as a count (their differences follow). */
    static Map<String, String> flatten(JsonNode n) {
        return org.erofssim.report.Fields.flatten(n);
    }
}
