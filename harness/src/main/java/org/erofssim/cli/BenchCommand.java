package org.erofssim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.erofssim.bench.Bench;
import org.erofssim.bench.BenchImages;
import org.erofssim.bench.BenchReport;
import org.erofssim.bench.Figure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the model and its references measured side by side in one run ({@link Bench}),
 * one line per figure on stdout, the figures as JSON and an SVG plot.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Measures the model against the kernel and erofs-utils, side by side.",
                "",
                "One line per figure, as soon as it is measured:",
                "  ratio NAME VALUE (how)   model speed over reference speed (above 1: the model is faster)",
                "  rss NAME MiB (how)       peak resident set of a process",
                "  rate NAME PER_SECOND (how)",
                "  KIND NAME unavailable (why)   not measurable here (e.g. needs root)",
                "Figures: rate mount-model, ratio mount-vs-kernel (in-process mount vs the kernel's",
                "file-backed mount+umount; root), rate predict-model, ratio predict-vs-kernel",
                "(one predict process of 10,000 scenarios), rate predict-model-marginal and ratio",
                "predict-marginal-vs-kernel (the batch less a 1-scenario process: no JVM start),",
                "rate verify-model, rss verify, ratio",
                "verify-vs-fsck, ratio verify-vs-kernel (a generated >= 300 MB LZ4HC image read",
                "whole, cold after drop_caches when root), rate/rss verify-many-files and ratio",
                "verify-many-files-vs-kernel (200,000 small files), rate/rss fuzz-model.",
                "Generated images are built once with mkfs.erofs into --cache. The kernel's mounts",
                "run in the live oracle's sandbox under its lock and are always released.",
                "The JSON (--json) is described in docs/spec/harness-contract.md, \"bench\"; the",
                "SVG plot is written beside it. Exit 0 when the run finished (unavailable",
                "figures included), 2 on bad usage."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "smaller images (48 MB of content, 20,000 files), fewer repetitions: under 5 minutes; every line says quick")
    boolean quick;

    @Option(names = "--image", paramLabel = "FILE", description = "measure mount, predict and verify on this EROFS image instead of the defaults")
    Path image;

    @Option(names = "--json", paramLabel = "OUT", defaultValue = "report/bench/bench.json",
            description = "write the figures here as JSON, and beside it the Markdown table (.md) and the plot (.svg) (default ${DEFAULT-VALUE})")
    Path json;

    @Option(names = "--cache", paramLabel = "DIR", description = "where generated images are kept (default ~/.cache/erofs-sim/bench)")
    Path cache;

    @Option(names = "--only", paramLabel = "GROUP", split = ",",
            description = "run only these groups: mount, predict, verify, many-files, fuzz, verify-sizes, fuzz-vm (default: all but fuzz-vm, which boots VMs and runs only when named; --quick leaves verify-sizes out unless named)")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        Set<String> groups = new LinkedHashSet<>();
        for (String g : only) {
            if (!Bench.GROUPS.contains(g)) {
                throw CliException.badInput("--only: unknown group '" + g + "' (one of " + String.join(", ", Bench.GROUPS) + ")");
            }
            groups.add(g);
        }
        if (image != null && !Files.isRegularFile(image)) {
            throw CliException.badInput("--image: " + image + ": no such file");
        }
        Path jsonOut = json.toAbsolutePath().normalize();
        String name = jsonOut.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        Path svgOut = jsonOut.resolveSibling(stem + ".svg");
        Path mdOut = jsonOut.resolveSibling(stem + ".md");
        Path fixtures = RepoRoot.find().map(r -> r.resolve("fixtures/images")).filter(Files::isDirectory).orElse(null);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        String loadStart = loadAverage();
        Bench.Settings settings = new Bench.Settings(quick, image == null ? null : image.toAbsolutePath(),
                cache != null ? cache.toAbsolutePath() : BenchImages.defaultCache(), fixtures, groups, err);
        List<Figure> figures = new Bench(settings).run(f -> {
            out.println(f.line());
            out.flush();
        });
        Map<String, Object> machine = machine();
        machine.put("loadAverageStart", loadStart);
        machine.put("loadAverageEnd", loadAverage());
        String command = "erofs-sim bench" + (quick ? " --quick" : "") + (image != null ? " --image " + image : "")
                + (groups.isEmpty() ? "" : " --only " + String.join(",", groups));
        try {
            Files.createDirectories(jsonOut.getParent());
            double seconds = (System.nanoTime() - t0) / 1e9;
            BenchReport.writeJson(jsonOut, BenchReport.json(figures, quick, command, started, seconds, machine));
            Files.writeString(mdOut, BenchReport.markdown(figures, command, started, seconds, machine));
            Files.writeString(svgOut, BenchReport.svg(figures, command + ", " + started.toString().substring(0, 16)
                    + "Z, " + machine.get("cpus") + " CPUs, Linux " + machine.get("kernel")));
        } catch (IOException e) {
            throw CliException.badInput("cannot write " + jsonOut + ": " + e.getMessage());
        }
        err.println("bench: figures written to " + jsonOut + ", " + mdOut + " (the README's table) and " + svgOut);
        return ExitCode.OK;
    }

    /** What the machine is: CPUs, model, memory, kernel, Java. */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        m.put("memoryMiB", mem == null ? null : Long.parseLong(mem.replace("kB", "").strip()) / 1024);
        m.put("kernel", readStrip(Path.of("/proc/sys/kernel/osrelease")));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return m;
    }

    private static String loadAverage() {
        String l = readStrip(Path.of("/proc/loadavg"));
        if (l == null) {
            return null;
        }
        String[] p = l.split(" ");
        return p.length >= 3 ? p[0] + " " + p[1] + " " + p[2] : l;
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).strip().equals(key)) {
                    return line.substring(c + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return null;
    }

    private static String readStrip(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
