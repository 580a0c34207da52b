package org.erofssim.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.erofssim.oracle.KernelBench;

/**
 * The served figures of {@code bench} (issue 12): the same {@code predict} work as the cold-process
 * figures next to them (same scenarios, same image, caches dropped the same way), handed by the
 * launcher ({@code EROFS_SIM_SERVER=1 erofs-sim predict ...}: a whole client process, bash, its
 * loopback connections and its two {@code cat}s, timed from start to exit) to a warm predict
 * server ({@code org.erofssim.cli.PredictServer}). Bench starts a server of its own, in a server
 * folder under the run's scratch folder (a user's server is neither used nor stopped), sends
 * warm-up requests (the first starts it) until the server's cost per request is steady ({@link
 * #warmUp}), then the measured one, and stops it when the group ends, also when the group fails.
 */
final class Served implements AutoCloseable {
    private final Path launcher;
    private final Path dir;
    private final Map<String, String> env;

    private Served(Path launcher, Path dir) {
        this.launcher = launcher;
        this.dir = dir;
        // EROFS_SIM_BUILD=0: the launcher runs the jar this bench runs from, even if the sources changed meanwhile
        this.env = Map.of("EROFS_SIM_SERVER", "1", "EROFS_SIM_SERVER_DIR", dir.toString(), "EROFS_SIM_SERVER_IDLE", "300",
                "JAVA", ChildRun.javaBinary(), "EROFS_SIM_BUILD", "0");
    }

    /**
     * Why this bench cannot measure through the launcher, or null: it must run from the launcher's
     * jar ({@code ./erofs-sim bench}), whose script is the client.
     */
    static String unavailableReason() {
        String root = System.getProperty("erofssim.root");
        if (root == null || !Files.isRegularFile(Path.of(root, "erofs-sim"))) {
            return "not started by the erofs-sim launcher (its script is the server's client)";
        }
        Path jar = Path.of(root, "harness", "target", "erofs-sim.jar");
        if (!Path.of(System.getProperty("java.class.path", "")).toAbsolutePath().equals(jar.toAbsolutePath())) {
            return "not running from the launcher's jar " + jar;
        }
        return null;
    }

    /** A served session of bench in {@code work}/server (removed with the run's scratch folder). */
    static Served open(Path work) {
        Path dir = work.resolve("server");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Served(Path.of(System.getProperty("erofssim.root"), "erofs-sim"), dir);
    }

    /** {@code erofs-sim ARGS} through the launcher with the server on; checks a server answered. */
    ChildRun run(List<String> args, Path stdout, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(args);
        ChildRun r = ChildRun.run(cmd, stdout, timeoutSeconds, env);
        if (serverPid() < 0) {
            throw new IllegalStateException("no predict server answered (the launcher ran the plain JVM: "
                    + "JAVA_TOOL_OPTIONS, _JAVA_OPTIONS or ERO_SIM_DEBUG set?)");
        }
        return r;
    }

    /** The server's pid from its state file, -1 when there is none. */
    long serverPid() {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".server")).toList()) {
                String[] w = Files.readString(f, StandardCharsets.UTF_8).strip().split(" ");
                if (w.length == 3 && w[2].matches("\\d+")) {
                    return Long.parseLong(w[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // none
        }
        return -1;
    }

    /** The server's CPU time so far (user and system, all threads), -1 when unknown. */
    long serverCpuNanos() {
        long pid = serverPid();
        return pid < 0 ? -1 : ChildRun.cpuNanos(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * Warm-up requests ({@code request}; the first starts the server) until the server's CPU time
     * of two in a row agrees within 25%, at most {@code max}: the JIT compiles a batch's code
     * over several requests (in one JVM, 10,000 of bench's scenarios took 350, 210, 170, ... 100
     * ms of CPU for the 2nd, 3rd, 4th ... 8th time, load 19), so one warm-up left the measured
     * request at several times the server's steady cost. Returns how many ran.
     */
    int warmUp(Runnable request, int max) {
        return warmUp(request, 1, max);
    }

    /** {@link #warmUp(Runnable, int)}, at least {@code min} requests before the steadiness test may end it. */
    int warmUp(Runnable request, int min, int max) {
        long prev = -1;
        int n = 0;
        while (n < max) {
            long c0 = serverCpuNanos();
            request.run();
            long c1 = serverCpuNanos();
            n++;
            long c = c0 < 0 || c1 < 0 ? -1 : c1 - c0;
            if (n >= min && prev > 0 && c >= 0 && Math.abs(c - prev) <= prev / 4) {
                break;
            }
            prev = c;
        }
        return n;
    }

    /** Stops the server ({@code erofs-sim server --stop}); one still there after it is killed. */
    @Override
    public void close() {
        long pid = serverPid();
        try {
            Path out = Files.createTempFile(dir.getParent(), "server-stop-", ".txt");
            try {
                ChildRun.run(List.of("bash", launcher.toString(), "server", "--stop"), out, 60, env);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException | RuntimeException e) {
            // killed below
        }
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (h.info().command().orElse("").contains("java")) {
                    h.destroyForcibly();
                }
            });
        }
    }

    private static double cpuSeconds(long from, long to) {
        return from < 0 || to < 0 ? -1 : (to - from) / 1e9;
    }

    /**
     * {@code rate predict-model-served} and {@code ratio predict-vs-kernel-served}: bench's
     * {@code predict} batch ({@code argFile}, {@code n} scenarios) through a warm server.
     */
    static void predict(Path work, PrintWriter progress, Consumer<Figure> out, Path argFile, int n, Double kernelNanos,
                        String kernelWhy, String quick) {
        String why = unavailableReason();
        if (why != null) {
            out.accept(Figure.unavailable(Figure.RATE, "predict-model-served", why, null));
            out.accept(Figure.unavailable(Figure.RATIO, "predict-vs-kernel-served", why, Bench.target("ratio predict-vs-kernel-served")));
            return;
        }
        progress.println("bench: predict: the same batch through the launcher's warm predict server (EROFS_SIM_SERVER=1): "
                + "warm-up requests until its cost is steady, then the measured one");
        Path outFile = argFile.resolveSibling("served.jsonl");
        Measured m;
        int warm;
        try (Served sv = open(work)) {
            warm = sv.warmUp(() -> {
                ChildRun w = sv.run(List.of("@" + argFile), outFile, 1800);
                if (w.exitCode() != 0 || Bench.countLines(outFile) != n) {
                    throw new IllegalStateException("served erofs-sim predict (warm-up) exited " + w.exitCode() + " with "
                            + Bench.countLines(outFile) + " outcomes for " + n + ": " + Figure.oneLine(w.stderr()));
                }
            }, 12);
            m = sv.measure(List.of("@" + argFile), outFile, 1800);
        }
        ChildRun r = m.run();
        if (r.exitCode() != 0 || Bench.countLines(outFile) != n) {
            throw new IllegalStateException("served erofs-sim predict exited " + r.exitCode() + ": " + Figure.oneLine(r.stderr()));
        }
        double per = r.nanos() / (double) n;
        String how = String.format(Locale.ROOT, "a warm predict server did the work (EROFS_SIM_SERVER=1; one erofs-sim "
                + "predict client process of %,d scenarios, JSON in and out, client start included, after %d warm-up "
                + "requests): %.3f s, %.1f us each; the server's CPU %.2f s, the client's %.2f s", n, warm, r.seconds(),
                per / 1e3, m.serverCpuSeconds(), r.cpuSeconds());
        out.accept(Figure.of(Figure.RATE, "predict-model-served", 1e9 / per, null, quick + "scenarios per second: " + how,
                Bench.details("clientSeconds", r.seconds(), "scenarios", n, "serverCpuSeconds", m.serverCpuSeconds(),
                        "clientCpuSeconds", r.cpuSeconds())));
        if (kernelWhy != null) {
            out.accept(Figure.unavailable(Figure.RATIO, "predict-vs-kernel-served", kernelWhy,
                    Bench.target("ratio predict-vs-kernel-served")));
            return;
        }
        String target = Bench.target("ratio predict-vs-kernel-served");
        out.accept(Figure.of(Figure.RATIO, "predict-vs-kernel-served", kernelNanos / per, target,
                String.format(Locale.ROOT, "%starget %s; %s; model %.1f us per scenario, kernel %.1f us per mount+umount", quick,
                        target, how, per / 1e3, kernelNanos / 1e3),
                Bench.details("modelMicros", per / 1e3, "kernelMicros", kernelNanos / 1e3)));
    }

    /**
     * {@code ratio verify-vs-fsck-served} and {@code ratio verify-vs-kernel-served}: the verify's
     * scenario ({@code scenario}) through a warm server, the measured request cold when {@code cold}
     * ({@code drop_caches}, as the cold process); {@code cold} the cold process's verify, whose
     * file hashes the served one must give; {@code fsckSeconds}/{@code kernelSeconds} null when not measured.
     */
    static void verify(Path work, PrintWriter progress, Consumer<Figure> out, ModelVerify coldRun, Path scenario, boolean cold,
                       Double fsckSeconds, Double kernelSeconds, String what) {
        String why = unavailableReason();
        String fsckTarget = Bench.target("ratio verify-vs-fsck-served");
        String kernelTarget = Bench.target("ratio verify-vs-kernel-served");
        if (why != null) {
            out.accept(Figure.unavailable(Figure.RATIO, "verify-vs-fsck-served", why, fsckTarget));
            out.accept(Figure.unavailable(Figure.RATIO, "verify-vs-kernel-served", why, kernelTarget));
            return;
        }
        progress.println("bench: verify: the same verify through the launcher's warm predict server (EROFS_SIM_SERVER=1): "
                + "warm-up requests until its cost is steady, then the measured one");
        ModelVerify m;
        double serverCpu;
        int warm;
        try (Served sv = open(work)) {
            Path outFile = scenario.resolveSibling("served.json");
            warm = sv.warmUp(() -> ModelVerify.read(sv.run(List.of("predict", scenario.toString()), outFile, 3600), outFile), 4);
            if (cold) {
                KernelBench.dropCaches();
            }
            Measured r = sv.measure(List.of("predict", scenario.toString()), outFile, 3600);
            serverCpu = r.serverCpuSeconds();
            m = ModelVerify.read(r.run(), outFile);
        }
        if (!m.hashes().equals(coldRun.hashes())) {
            throw new IllegalStateException("the served verify's file hashes differ from the cold process's");
        }
        double modelS = m.run().seconds();
        String how = String.format(Locale.ROOT, "a warm predict server did the work (EROFS_SIM_SERVER=1; the client "
                + "process, after %d warm-up requests): model %.2f s (the server's CPU %.2f s), same %,d file hashes as "
                + "the cold process", warm, modelS, serverCpu, m.files());
        if (fsckSeconds == null) {
            out.accept(Figure.unavailable(Figure.RATIO, "verify-vs-fsck-served", "fsck.erofs not measured", fsckTarget));
        } else {
            out.accept(Figure.of(Figure.RATIO, "verify-vs-fsck-served", fsckSeconds / modelS, fsckTarget,
                    String.format(Locale.ROOT, "%s; target %s; %s; fsck.erofs --extract %.2f s", what, fsckTarget, how,
                            fsckSeconds),
                    Bench.details("modelSeconds", modelS, "fsckSeconds", fsckSeconds, "serverCpuSeconds",
                            serverCpu)));
        }
        if (kernelSeconds == null) {
            out.accept(Figure.unavailable(Figure.RATIO, "verify-vs-kernel-served", "the kernel's read not measured",
                    kernelTarget));
        } else {
            out.accept(Figure.of(Figure.RATIO, "verify-vs-kernel-served", kernelSeconds / modelS, kernelTarget,
                    String.format(Locale.ROOT, "%s; target %s; %s; kernel %.2f s (in-process)", what, kernelTarget, how,
                            kernelSeconds),
                    Bench.details("modelSeconds", modelS, "kernelSeconds", kernelSeconds, "serverCpuSeconds",
                            serverCpu)));
        }
    }

    /** The server's resident set now and at its peak ({@code VmRSS}, {@code VmHWM}), in KiB; zeros when unknown. */
    long[] serverRssKiB() {
        long[] kib = new long[2];
        long pid = serverPid();
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                int i = l.startsWith("VmRSS:") ? 0 : l.startsWith("VmHWM:") ? 1 : -1;
                if (i >= 0) {
                    kib[i] = Long.parseLong(l.substring(6).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or no server
        }
        return kib;
    }

    /** The measured request after the warm-ups: its client run, the server's CPU seconds over it, the server's RSS after it ({@link #serverRssKiB}). */
    record Measured(ChildRun run, double serverCpuSeconds, long[] rssKiB) {}

    /** Runs the measured request ({@link #run}) and reads the server's CPU time around it and its RSS after it. */
    Measured measure(List<String> args, Path outFile, int timeoutSeconds) {
        long cpu0 = serverCpuNanos();
        ChildRun r = run(args, outFile, timeoutSeconds);
        long cpu1 = serverCpuNanos();
        return new Measured(r, cpuSeconds(cpu0, cpu1), serverRssKiB());
    }

    /**
     * {@code rate fuzz-model-served}: the fuzz group's campaign ({@code erofs-sim fuzz ARGS --seed
     * SEED --quiet --json --out DIR}, {@code args} as the cold process got them) handed by the
     * launcher to a warm server (issues 12 and 15: a cold campaign's JIT warm-up is much of its
     * cost). Warm-up campaigns of the same size with other seeds (1, 2, ...: the measured
     * campaign's own cases are never run before it in that JVM) until the server's CPU per
     * campaign is steady ({@link #warmUp}), at least {@code minWarmUps} and at most {@code maxWarmUps}
     * (the C2 compiler still recompiles after 2-3 campaigns, and its queue runs on after a request:
     * with 3 the measured campaign's server CPU was 9.45 s, with 4 or more 3.5-6.3 s; session 11,
     * quiet machine, 30,000 cases: C2 took 1.0-1.4 s of the measured campaign after 5 warm-ups and
     * 0.13-0.15 s after 12, the campaign 2.1-2.2 s against 1.55-1.63 s), then the measured one; the
     * rate is from the campaign's own clock ("seconds" of its JSON) as the cold figure's, and its
     * result must be the cold process's ({@code coldJson}: the same JSON but "seconds", when both
     * ran as many cases; {@code dir}, the cold campaign's {@code --out}, is emptied before each).
     * The measured campaign runs {@code measured} times in a row and the figure is the median rate
     * (session 12: one measured campaign gave 23,383/s in the full run, and 20,935 and 17,094/s in
     * the two runs right after it); the line gives every rate, and each result is checked. A
     * repeat meets seed {@code seed}'s cases again in that JVM, which only its compiled code
     * remembers (a campaign leaves nothing else behind but content-keyed caches).
     */
    static void fuzz(Path work, PrintWriter progress, Consumer<Figure> out, List<String> args, long seed, Path dir,
                     Path coldJson, int minWarmUps, int maxWarmUps, int measured, String quick) {
        String target = Bench.target("rate fuzz-model-served");
        String why = unavailableReason();
        if (why != null) {
            out.accept(Figure.unavailable(Figure.RATE, "fuzz-model-served", why, target));
            return;
        }
        progress.println("bench: fuzz: the same campaign through the launcher's warm server (EROFS_SIM_SERVER=1): "
                + "warm-up campaigns of other seeds until its cost is steady, then the measured one "
                + Math.max(1, measured) + " time(s)");
        Path json = work.resolve("fuzz-served.json");
        List<ServedCampaign> runs = new ArrayList<>();
        int warm;
        try (Served sv = open(work)) {
            long[] next = {1};
            warm = sv.warmUp(() -> {
                long s = next[0] == seed ? ++next[0] : next[0];
                next[0]++;
                ChildRun w = sv.run(campaign(args, s, dir), json, 1800);
                if (w.exitCode() != 0 && w.exitCode() != 1) {
                    throw new IllegalStateException("served erofs-sim fuzz (warm-up, seed " + s + ") exited " + w.exitCode()
                            + ": " + Figure.oneLine(w.stderr()));
                }
            }, Math.min(minWarmUps, maxWarmUps), maxWarmUps);
            for (int i = 0; i < Math.max(1, measured); i++) {
                runs.add(ServedCampaign.of(sv.measure(campaign(args, seed, dir), json, 1800), json, coldJson));
            }
        }
        List<ServedCampaign> byRate = new ArrayList<>(runs);
        byRate.sort(java.util.Comparator.comparingDouble(ServedCampaign::rate));
        ServedCampaign med = byRate.get((byRate.size() - 1) / 2);
        Measured m = med.m();
        long[] rss = m.rssKiB();
        String all = runs.size() == 1 ? "" : String.format(Locale.ROOT, "; the median of %d measured campaigns in a row: %s",
                runs.size(), String.join(", ", runs.stream().map(c -> String.format(Locale.ROOT, "%,.0f/s", c.rate())).toList()));
        String how = String.format(Locale.ROOT, "%s%,d cases in %.1f s (the campaign's clock), seed %d%s; a warm server "
                + "did the work (EROFS_SIM_SERVER=1; the erofs-sim fuzz client process, after %d warm-up campaigns of "
                + "other seeds): the server's CPU %.2f s, its RSS %.0f MiB (peak %.0f MiB), the client's CPU %.2f s%s; "
                + "target %s", quick, med.cases(), med.seconds(), seed, med.same(), warm, m.serverCpuSeconds(),
                rss[0] / 1024.0, rss[1] / 1024.0, m.run().cpuSeconds(), all, target);
        out.accept(Figure.of(Figure.RATE, "fuzz-model-served", med.rate(), target, how,
                Bench.details("cases", med.cases(), "seconds", med.seconds(), "clientSeconds", m.run().seconds(),
                        "serverCpuSeconds", m.serverCpuSeconds(), "clientCpuSeconds", m.run().cpuSeconds(),
                        "serverRssKiB", rss[0], "serverPeakKiB", rss[1], "warmUps", warm,
                        "measuredRates", runs.stream().map(ServedCampaign::rate).toList())));
    }

    /** One measured served campaign: its cases and seconds from its JSON, and whether its result is the cold process's. */
    private record ServedCampaign(Measured m, int cases, double seconds, String same) {
        double rate() {
            return cases / seconds;
        }

        /** Reads the campaign's JSON ({@code json}) and checks it against the cold process's ({@code coldJson}). */
        static ServedCampaign of(Measured m, Path json, Path coldJson) {
            ChildRun r = m.run();
            if (r.exitCode() != 0 && r.exitCode() != 1) {
                throw new IllegalStateException("served erofs-sim fuzz exited " + r.exitCode() + ": " + Figure.oneLine(r.stderr()));
            }
            com.fasterxml.jackson.databind.node.ObjectNode served = readJson(json);
            com.fasterxml.jackson.databind.node.ObjectNode cold = readJson(coldJson);
            int done = served.path("cases").asInt();
            double secs = served.path("seconds").asDouble();
            String same = "";
            if (cold != null && done == cold.path("cases").asInt()) { // not when --max-time cut one of them short
                served.remove("seconds");
                cold.remove("seconds");
                if (!served.equals(cold)) {
                    throw new IllegalStateException("the served campaign's result differs from the cold process's");
                }
                same = ", the cold process's result";
            }
            return new ServedCampaign(m, done, secs, same);
        }
    }

    /** {@code fuzz ARGS --seed SEED --quiet --json --out DIR}, DIR emptied first (the findings of the last campaign). */
    private static List<String> campaign(List<String> args, long seed, Path dir) {
        try {
            BenchImages.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of("fuzz"));
        cmd.addAll(args);
        cmd.addAll(List.of("--seed", Long.toString(seed), "--quiet", "--json", "--out", dir.toString()));
        return cmd;
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode readJson(Path p) {
        try {
            return Files.isRegularFile(p) ? (com.fasterxml.jackson.databind.node.ObjectNode)
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.toFile()) : null;
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("cannot read the campaign's JSON " + p + ": " + e.getMessage(), e);
        }
    }
}
