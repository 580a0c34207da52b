package org.erofssim.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.oracle.NativeObservation;
import org.erofssim.oracle.NativePlan;
import org.erofssim.oracle.OracleUnavailable;

/**
 * One boot's split between the native guest runner and the guest JVM ({@link VmKernel#observe(
 * List, Path, Path, Path)}): which scenario goes where, the plan and image files the runner reads
 * (in the run folder), the guest's {@code cmd.sh}, and the observations read back (the runner's
 * raw lines turned into outcomes by {@link NativeObservation}) in the order of the scenarios.
 */
final class NativeBatch {
    static final String PLAN = "native/plan.txt";
    static final String RAW = "native.jsonl";
    /** Made by the guest when its JVM observes every scenario (a kernel with /proc/config.gz). */
    static final String JVM_ALL = "jvm-all";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The guest's console log level while the runner observes, when {@link #QUIET_CONSOLE_ENV}
     * asks for it (written to the first field of
     * {@code /proc/sys/kernel/printk}, set back after it): only messages more urgent than
     * {@code KERN_ERR} reach the serial console. The fuzz cases make the kernel print thousands of
     * error lines (an erofs readahead error per page of a broken file), and under TCG each
     * character on the emulated 8250 costs the printing task port I/O: 40-70 % of the runner's
     * time (issue 15, docs/VM-ORACLE.md). The kernel's log buffer, which the runner reads through
     * {@code /dev/kmsg}, records every message as before; a panic or an oops raises the console
     * level itself ({@code console_verbose}), so the host still sees them on the console.
     */
    static final int RUNNER_CONSOLE_LEVEL = 3;

    private final List<Path> scenarios;
    private final List<Scenario> parsed;
    /** Scenarios answered on the host ({@link NativePlan#hostAnswer}), with their answers. */
    private final Map<Integer, NativePlan.Answer> hostAnswers;
    private final List<Integer> nativeIndices;
    private final List<Integer> jvmIndices;

    private NativeBatch(List<Path> scenarios, List<Scenario> parsed, Map<Integer, NativePlan.Answer> hostAnswers,
            List<Integer> nativeIndices, List<Integer> jvmIndices) {
        this.scenarios = scenarios;
        this.parsed = parsed;
        this.hostAnswers = hostAnswers;
        this.nativeIndices = nativeIndices;
        this.jvmIndices = jvmIndices;
    }

    /**
     * Splits {@code scenarios}: a file that does not parse, or that the runner does not support,
     * goes to the JVM; a scenario the guest would refuse before mounting anything is answered on
     * the host ({@link NativePlan#hostAnswer}), unless the guest has {@code /proc/config.gz}.
     */
    static NativeBatch split(List<Path> scenarios) {
        List<Scenario> parsed = new ArrayList<>();
        Map<Integer, NativePlan.Answer> host = new java.util.LinkedHashMap<>();
        List<Integer> nat = new ArrayList<>();
        List<Integer> jvm = new ArrayList<>();
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario sc;
            try {
                sc = ScenarioJson.read(scenarios.get(i));
            } catch (RuntimeException e) {
                sc = null; // the guest JVM says what is wrong with it, as observe does
            }
            parsed.add(sc);
            NativePlan.Answer a = sc == null ? null : NativePlan.hostAnswer(sc);
            if (a != null) {
                host.put(i, a);
            } else {
                (sc != null && NativePlan.unsupported(sc) == null ? nat : jvm).add(i);
            }
        }
        return new NativeBatch(List.copyOf(scenarios), parsed, host, nat, jvm);
    }

    /**
     * One line: the host's answers, the runner's cases and the guest JVM's, with how many of the
     * JVM's each reason sends there ({@link NativePlan#unsupported}, reasons cut at the node path).
     */
    String summary() {
        Map<String, Integer> why = new java.util.TreeMap<>();
        for (int i : jvmIndices) {
            Scenario sc = parsed.get(i);
            String r = sc == null ? "unreadable scenario" : NativePlan.unsupported(sc);
            if (r == null) {
                r = "images the plan cannot carry";
            }
            r = r.replaceFirst("^node \\S+: ", "");
            why.merge(r, 1, Integer::sum);
        }
        return "host " + hostAnswers.size() + ", runner " + nativeIndices.size() + ", guest JVM " + jvmIndices.size()
                + (why.isEmpty() ? "" : " " + why);
    }

    /** Whether the guest JVM observes every scenario (nothing for the host or the runner). */
    boolean jvmOnly() {
        return hostAnswers.isEmpty() && nativeIndices.isEmpty();
    }

    List<Integer> nativeIndices() {
        return nativeIndices;
    }

    /** The scenarios in the order they are answered: the host's, the runner's, then the JVM's. */
    List<Path> executionOrder() {
        List<Path> out = new ArrayList<>();
        hostAnswers.keySet().forEach(i -> out.add(scenarios.get(i)));
        nativeIndices.forEach(i -> out.add(scenarios.get(i)));
        jvmIndices.forEach(i -> out.add(scenarios.get(i)));
        return out;
    }

    /**
     * Writes the runner's plan and the images it names under {@code run}; a scenario whose images
     * cannot be written as they are (injected faults) moves to the JVM.
     */
    void writePlan(Path run) throws IOException {
        Path dir = Files.createDirectories(run.resolve("native"));
        NativePlan.Writer w = new NativePlan.Writer(dir);
        List<Integer> kept = new ArrayList<>();
        for (int i : nativeIndices) {
            try {
                w.add(Integer.toString(i), parsed.get(i)); // all or nothing: a refused node adds no line
            } catch (OracleUnavailable | IllegalArgumentException e) {
                jvmIndices.add(i);
                continue;
            }
            kept.add(i);
        }
        nativeIndices.retainAll(kept);
        jvmIndices.sort(null);
        Files.writeString(run.resolve(PLAN), w.plan(), StandardCharsets.UTF_8);
    }

    /** The guest's cmd.sh: the runner on its plan, then the JVM on the rest (or the JVM on all, see above). */
    String script(Path cwd, Path java, Path jar, String rootProperty, Path run, Path runner) {
        return script(cwd, java, jar, rootProperty, run, runner, quietConsole(System.getenv()));
    }

    /**
     * The environment variable that lowers the guest's console level while the runner observes
     * ({@link #RUNNER_CONSOLE_LEVEL}): {@code EROFSSIM_VM_QUIET_CONSOLE=1} (or {@code
     * -Derofssim.vm.quietConsole=true}). Off by default: it makes a 6.1 batch much faster, but two
     * of its 284 cases (reads that print more records than the guest's log buffer holds) then
     * observed a different log in 3 of 10 runs, the kernel's order of readahead errors racing the
     * reader once the console no longer slows each message (docs/VM-ORACLE.md, session 15).
     */
    public static final String QUIET_CONSOLE_ENV = "EROFSSIM_VM_QUIET_CONSOLE";

    static boolean quietConsole(Map<String, String> env) {
        return "1".equals(env.get(QUIET_CONSOLE_ENV)) || Boolean.getBoolean("erofssim.vm.quietConsole");
    }

    /** As above, with the console level lowered during the runner or not. */
    String script(Path cwd, Path java, Path jar, String rootProperty, Path run, Path runner, boolean quiet) {
        List<Path> all = executionOrder();
        List<Path> rest = jvmIndices.stream().map(scenarios::get).toList();
        String jvmAll = VmKernel.batchScript(cwd, java, jar, rootProperty, run.resolve("outcomes.jsonl"), all);
        String jvmRest = rest.isEmpty() ? "exit 0\n"
                : VmKernel.batchScript(cwd, java, jar, rootProperty, run.resolve("outcomes.jsonl"), rest);
        // batchScript starts with "cd CWD || exit 1\n"; keep its exec line only
        String execAll = jvmAll.substring(jvmAll.indexOf('\n') + 1);
        String execRest = jvmRest.startsWith("cd ") ? jvmRest.substring(jvmRest.indexOf('\n') + 1) : jvmRest;
        return "cd " + VmKernel.quote(cwd.toString()) + " || exit 1\n"
                + "if [ -e /proc/config.gz ]; then\n"
                + "  echo 'ERV-GUEST jvm for all: /proc/config.gz (the live oracle checks CONFIG)'\n"
                + "  : > " + VmKernel.quote(run.resolve(JVM_ALL).toString()) + "\n  " + execAll
                + "fi\n"
                + (nativeIndices.isEmpty() ? "" : (quiet ? "read ERV_CONSOLE_LEVEL ERV_REST < /proc/sys/kernel/printk\n"
                + "echo " + RUNNER_CONSOLE_LEVEL + " > /proc/sys/kernel/printk\n" : "")
                + "echo \"ERV-NATIVE-START uptime=$(cut -d' ' -f1 /proc/uptime)\"\n"
                + VmKernel.quote(runner.toString()) + " " + VmKernel.quote(run.resolve(PLAN).toString()) + " "
                + VmKernel.quote(run.resolve(RAW).toString()) + " >/dev/null || { echo \"ERV-NATIVE-FAILED $?\"; exit 70; }\n"
                + "echo \"ERV-NATIVE-END uptime=$(cut -d' ' -f1 /proc/uptime)\"\n"
                + (quiet ? "echo \"$ERV_CONSOLE_LEVEL\" > /proc/sys/kernel/printk\n" : ""))
                + execRest;
    }

    /**
     * The raw lines converted while the guest ran ({@link #reader}): the line's text and its
     * observation, by its index among the runner's lines. {@link #observations} takes one when
     * the line it reads at that index is the same text, and converts any other.
     */
    private final Map<Integer, Map.Entry<String, VmKernel.Observation>> early = new HashMap<>();
    /** How far {@link #convertSoFar} has read the runner's raw lines: bytes, and complete non-blank lines. */
    private long earlyBytes;
    private int earlyLines;

    /**
     * The boot's reader: {@link #observations} at the end, and while the guest runs the runner's
     * complete raw lines so far, converted as they come (issue 15: the host turned 240-280 raw
     * lines into outcomes after QEMU had exited, 0.5-2.6 s of a batch's time end to end; the
     * JVM waits for the guest meanwhile). The outcomes are the same: each line goes through the
     * same conversion once, and the end compares the text.
     */
    VmKernel.Reader reader(String release) {
        return new VmKernel.Reader() {
            @Override
            public List<VmKernel.Observation> read(Path run) throws IOException {
                return observations(run, release);
            }

            @Override
            public void progress(Path run) throws IOException {
                convertSoFar(run);
            }
        };
    }

    /** Converts the complete lines the runner added to its raw file since the last call. */
    void convertSoFar(Path run) throws IOException {
        Path raw = run.resolve(RAW);
        if (earlyLines >= nativeIndices.size() || !Files.isRegularFile(raw) || Files.size(raw) <= earlyBytes) {
            return;
        }
        byte[] more;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(raw)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(ch.size() - earlyBytes, 64L << 20));
            while (b.hasRemaining() && ch.read(b, earlyBytes + b.position()) > 0) {
                // read on
            }
            more = java.util.Arrays.copyOf(b.array(), b.position());
        }
        int end = more.length;
        while (end > 0 && more[end - 1] != '\n') {
            end--; // a line the guest is still writing waits for the next call
        }
        if (end == 0) {
            return;
        }
        earlyBytes += end;
        List<Path> order = executionOrder();
        for (String line : new String(more, 0, end, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || earlyLines >= nativeIndices.size()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException torn) {
                earlyLines = nativeIndices.size(); // the end reads it as it always did
                return;
            }
            int i = earlyLines++;
            early.put(i, Map.entry(line, observation(order.get(hostAnswers.size() + i), parsed.get(nativeIndices.get(i)), n)));
        }
    }

    /**
     * The observations so far, in the order of the scenarios: all of them when every one was
     * answered, else the longest answered prefix. Host answers name {@code release} (the booted
     * kernel's {@code uname -r}).
     */
    List<VmKernel.Observation> observations(Path run, String release) throws IOException {
        List<VmKernel.Observation> executed = new ArrayList<>();
        Path raw = run.resolve(RAW);
        List<Path> order = executionOrder();
        boolean jvmAll = Files.exists(run.resolve(JVM_ALL));
        if (!jvmAll) {
            for (Map.Entry<Integer, NativePlan.Answer> h : hostAnswers.entrySet()) {
                executed.add(new VmKernel.Observation(scenarios.get(h.getKey()).toAbsolutePath().normalize().toString(),
                        release, h.getValue().exit(), null, h.getValue().error(), 0));
            }
        }
        if (!jvmAll && Files.isRegularFile(raw)) {
            for (String line : Files.readAllLines(raw, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                int i = executed.size() - hostAnswers.size();
                if (i >= nativeIndices.size()) {
                    break;
                }
                Map.Entry<String, VmKernel.Observation> done = early.get(i);
                if (done != null && done.getKey().equals(line)) {
                    executed.add(done.getValue());
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException torn) {
                    break; // the last line of a guest that died mid-write
                }
                executed.add(observation(order.get(executed.size()), parsed.get(nativeIndices.get(i)), n));
            }
        }
        executed.addAll(VmKernel.partial(run));
        Map<Path, VmKernel.Observation> byPath = new HashMap<>();
        for (int i = 0; i < executed.size() && i < order.size(); i++) {
            byPath.put(order.get(i), executed.get(i));
        }
        List<VmKernel.Observation> out = new ArrayList<>();
        for (Path p : scenarios) {
            VmKernel.Observation o = byPath.get(p);
            if (o == null) {
                break;
            }
            out.add(o);
        }
        return out;
    }

    /** One raw line as the guest JVM would have written its observation. */
    static VmKernel.Observation observation(Path scenario, Scenario sc, JsonNode raw) {
        String name = scenario.toAbsolutePath().normalize().toString();
        String release = NativeObservationText.release(raw);
        double seconds = raw.path("seconds").asDouble();
        try {
            return new VmKernel.Observation(name, release, 0, OutcomeJson.write(NativeObservation.outcome(sc, raw)), null,
                    seconds);
        } catch (OracleUnavailable e) {
            return new VmKernel.Observation(name, release, 77, null, "erofs-sim observe: kernel oracle unavailable: "
                    + e.reason(), seconds);
        } catch (RuntimeException e) {
            return new VmKernel.Observation(name, release, 70, null, "native guest runner: unreadable raw line: " + e,
                    seconds);
        }
    }

    /** Small readers of the raw line's hex fields. */
    static final class NativeObservationText {
        private NativeObservationText() {}

        static String release(JsonNode raw) {
            JsonNode r = raw.get("release");
            return r == null || r.isNull() ? "" : new String(java.util.HexFormat.of().parseHex(r.asText()),
                    StandardCharsets.UTF_8);
        }
    }
}
