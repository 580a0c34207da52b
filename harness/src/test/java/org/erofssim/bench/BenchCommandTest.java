package org.erofssim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.erofssim.cli.Main;
import org.erofssim.testkit.Checkout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code erofs-sim bench}: its parsing, the format of its lines, the JSON and the plot, and that a
 * figure it cannot measure says why. No time is asserted (house rule): the runs here use the model
 * mount group only, on a fixture image, with the kernel side made unavailable.
 */
class BenchCommandTest {
    @TempDir
    Path dir;

    private final Supplier<String> realKernel = Bench.kernelUnavailable;

    @AfterEach
    void restore() {
        Bench.kernelUnavailable = realKernel;
    }

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badUsageIsOneLineAndExit2() {
        Result g = run("bench", "--only", "mount,warp", "--json", dir.resolve("b.json").toString());
        assertThat(g.exit()).isEqualTo(2);
        assertThat(g.err().lines().toList()).hasSize(1);
        assertThat(g.err()).contains("unknown group 'warp'", "mount, predict, verify, many-files, fuzz");
        Result i = run("bench", "--image", dir.resolve("missing.erofs").toString());
        assertThat(i.exit()).isEqualTo(2);
        assertThat(i.err().lines().toList()).hasSize(1);
        assertThat(i.err()).contains("--image", "missing.erofs");
        assertThat(Files.exists(dir.resolve("b.json"))).isFalse();
    }

    @Test
    void withoutRootTheKernelRatioSaysNeedsRootAndTheModelLineIsThere() throws Exception {
        Bench.kernelUnavailable = () -> "the live kernel oracle needs root (running as uid 1000)";
        Path json = dir.resolve("out/bench.json");
        Result r = run("bench", "--quick", "--only", "mount", "--cache", dir.resolve("cache").toString(),
                "--json", json.toString(), "--image", Checkout.images().resolve("plain.erofs").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("rate mount-model \\d+ \\(quick: mounts per second, plain\\.erofs, "
                + "in-process, [0-9.]+ us each, [0-9.]+ us of CPU \\(after [0-9.]+ s of warm-up(, never stable: the machine "
                + "is busy)?\\)\\)");
        assertThat(lines.get(1)).isEqualTo("ratio mount-vs-kernel unavailable (needs root)");

        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.path("version").asInt()).isEqualTo(1);
        assertThat(j.path("quick").asBoolean()).isTrue();
        assertThat(j.path("machine").path("cpus").asInt()).isPositive();
        JsonNode figs = j.path("figures");
        assertThat(figs.size()).isEqualTo(2);
        assertThat(figs.get(0).path("kind").asText()).isEqualTo("rate");
        assertThat(figs.get(0).path("value").isNumber()).isTrue();
        assertThat(figs.get(0).path("unit").asText()).isEqualTo("per second");
        assertThat(figs.get(0).path("line").asText()).isEqualTo(lines.get(0));
        assertThat(figs.get(1).path("value").isNull()).isTrue();
        assertThat(figs.get(1).path("unavailable").asText()).isEqualTo("needs root");
        assertThat(figs.get(1).path("target").asText()).isEqualTo(">= 100");
        assertThat(figs.get(1).path("meetsTarget").isNull()).isTrue();
        // the plot is well-formed XML and shows the unavailable ratio with its reason
        Path svg = dir.resolve("out/bench.svg");
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(Files.readString(svg)).contains("mount-vs-kernel", "unavailable (needs root)");
        // the Markdown table: the machine line, then one row per figure, the unavailable one with its reason
        List<String> md = Files.readAllLines(dir.resolve("out/bench.md"));
        assertThat(md.get(0)).startsWith("`erofs-sim bench --quick --image ").contains(" CPUs (", "Linux ", "load average ");
        assertThat(md).contains("| figure | value | target | met | how it was measured |",
                "| `ratio mount-vs-kernel` | unavailable | >= 100 | - | needs root |");
        assertThat(md.stream().filter(l -> l.startsWith("| `rate mount-model` | ")).findFirst().orElseThrow())
                .matches("\\| `rate mount-model` \\| \\d+ /s \\| - \\| - \\| quick: mounts per second, .*\\|");
        // the run's scratch folder is gone, the cache folder stays
        try (var s = Files.list(dir.resolve("cache"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    /**
     * The fuzz-vm group boots VMs, so it runs only when named; where it cannot run (here: the live
     * oracles are off in Surefire's JVM, or not root) each kernel's figure says why, with the
     * issue's target.
     */
    @Test
    void theFuzzVmGroupRunsOnlyWhenNamedAndSaysWhyItCannotRun() throws Exception {
        assertThat(Bench.names("fuzz-vm")).containsExactly("rate fuzz-vm-6.1.0-57-amd64",
                "rate fuzz-vm-6.12.118+deb13-amd64", "rate fuzz-vm-7.3-amd64");
        assertThat(Bench.target("rate fuzz-vm-7.3-amd64")).isEqualTo(">= 20");
        Result r = run("bench", "--quick", "--only", "fuzz-vm", "--cache", dir.resolve("cache").toString(),
                "--json", dir.resolve("b.json").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(lines.get(i)).startsWith(Bench.names("fuzz-vm").get(i) + " unavailable (");
        }
        JsonNode figs = new ObjectMapper().readTree(dir.resolve("b.json").toFile()).path("figures");
        assertThat(figs.get(0).path("target").asText()).isEqualTo(">= 20");
    }

    @Test
    void aGroupThatFailsGivesEachOfItsFiguresAsUnavailableWithTheReason() throws Exception {
        Bench.kernelUnavailable = () -> null;
        Path notErofs = dir.resolve("text.img");
        Files.write(notErofs, new byte[8192]);
        Result r = run("bench", "--quick", "--only", "mount", "--cache", dir.resolve("cache").toString(),
                "--json", dir.resolve("b.json").toString(), "--image", notErofs.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "rate mount-model unavailable (failed: " + notErofs + " does not mount in the model: Failed)",
                "ratio mount-vs-kernel unavailable (failed: " + notErofs + " does not mount in the model: Failed)");
    }

    @Test
    void theMarkdownTableMarksAMissedTargetAndKeepsAPipeInsideItsCell() {
        List<Figure> figs = List.of(Figure.of(Figure.RATIO, "verify-vs-fsck", 0.5, ">= 1.5", "a | b", Map.of()),
                Figure.of(Figure.RSS, "verify", 200, "<= 512", "peak", Map.of()));
        Map<String, Object> machine = new java.util.LinkedHashMap<>(Map.of("cpus", 2, "cpu", "X", "memoryMiB", 1024,
                "kernel", "6.18.44", "java", "J", "loadAverageStart", "0.10", "loadAverageEnd", "0.20"));
        String md = BenchReport.markdown(figs, "erofs-sim bench", java.time.Instant.parse("2026-12-06T20:00:00Z"), 12.3, machine);
        assertThat(md.lines().toList()).containsExactly(
                "`erofs-sim bench`, 2026-12-06T20:00Z, 12 s; 2 CPUs (X), 1024 MiB, Linux 6.18.44, J; "
                        + "load average 0.10 at the start, 0.20 at the end",
                "",
                "| figure | value | target | met | how it was measured |",
                "| --- | --- | --- | --- | --- |",
                "| `ratio verify-vs-fsck` | 0.50x | >= 1.5 | **no** | a \\| b |",
                "| `rss verify` | 200 MiB | <= 512 | yes | peak |");
    }

    @Test
    void linesFollowTheIssuesFormat() {
        assertThat(Figure.of(Figure.RATIO, "verify-vs-fsck", 1.734, ">= 1.5", "x", Map.of()).line())
                .isEqualTo("ratio verify-vs-fsck 1.73 (x)");
        assertThat(Figure.of(Figure.RATIO, "mount-vs-kernel", 123.4, ">= 100", "", Map.of()).line())
                .isEqualTo("ratio mount-vs-kernel 123");
        assertThat(Figure.of(Figure.RATIO, "predict-vs-kernel", 12.34, ">= 10", "", Map.of()).line())
                .isEqualTo("ratio predict-vs-kernel 12.3");
        assertThat(Figure.of(Figure.RSS, "verify", 411.6, "<= 512", "peak", Map.of()).line())
                .isEqualTo("rss verify 412 (peak)");
        assertThat(Figure.of(Figure.RATE, "fuzz-model", 21034.4, ">= 20000", "", Map.of()).line())
                .isEqualTo("rate fuzz-model 21034");
        assertThat(Figure.unavailable(Figure.RATIO, "verify-vs-kernel", "needs\nroot", null).line())
                .isEqualTo("ratio verify-vs-kernel unavailable (needs; root)");
        assertThat(Figure.of(Figure.RSS, "verify", 600, "<= 512", "", Map.of()).meetsTarget()).isFalse();
        assertThat(Figure.of(Figure.RATIO, "verify-vs-fsck", 1.5, ">= 1.5", "", Map.of()).meetsTarget()).isTrue();
    }

    @Test
    void everyGroupNamesItsFiguresAndTheKindsAreTheIssues() {
        for (String g : Bench.GROUPS) {
            for (String n : Bench.names(g)) {
                assertThat(n).matches("(ratio|rss|rate) [a-z][a-z0-9.+-]*"); // fuzz-vm-<release>: 6.12.118+deb13-amd64
            }
        }
        assertThat(Bench.GROUPS.stream().flatMap(g -> Bench.names(g).stream()).toList()).contains(
                "ratio mount-vs-kernel", "ratio predict-vs-kernel", "ratio verify-vs-fsck", "ratio verify-vs-kernel",
                "rss verify", "rate fuzz-model", "rate verify-many-files", "rss verify-many-files",
                "rate fuzz-vm-6.1.0-57-amd64", "rate fuzz-vm-6.12.118+deb13-amd64", "rate fuzz-vm-7.3-amd64");
    }

    @Test
    void childProcessesStartJavaAsTheLauncherDoes() throws Exception {
        String launcher = Files.readString(Checkout.root().resolve("erofs-sim"));
        String exec = launcher.lines().filter(l -> l.startsWith("exec \"$java\"")).findFirst().orElseThrow();
        for (String opt : ChildRun.JVM_OPTIONS) {
            assertThat(exec).contains(" " + opt + " ");
        }
        assertThat(ChildRun.erofsSim(List.of("predict")).subList(1, 1 + ChildRun.JVM_OPTIONS.size()))
                .isEqualTo(ChildRun.JVM_OPTIONS);
        // a fuzz campaign's compiler: the launcher's jit=(...) for fuzz, and ChildRun's
        assertThat(exec).contains("${jit[@]+\"${jit[@]}\"}");
        // the launcher quotes every option but the first (its patterns hold '*')
        String fuzzJit = ChildRun.FUZZ_JIT.get(0) + ChildRun.FUZZ_JIT.subList(1, ChildRun.FUZZ_JIT.size()).stream()
                .map(o -> " '" + o + "'").collect(Collectors.joining());
        assertThat(launcher).contains("if [ \"${1:-}\" = fuzz ]; then", "client) jit=(-XX:TieredStopAtLevel=1) ;;",
                "server) ;;", "*) jit=(" + fuzzJit + ") ;;");
        assertThat(ChildRun.commandOptions(List.of("predict"))).isEmpty();
        assertThat(ChildRun.erofsSim(List.of("predict"))).doesNotContain("-XX:TieredStopAtLevel=1");
        assertThat(ChildRun.erofsSim(List.of("predict", "x.json"), true)).contains("-XX:TieredStopAtLevel=1");
        String jit = System.getenv("EROFS_SIM_JIT");
        List<String> fuzz = ChildRun.erofsSim(List.of("fuzz", "--cases", "3"));
        if ("client".equals(jit)) {
            assertThat(fuzz).contains("-XX:TieredStopAtLevel=1").doesNotContainAnyElementsOf(ChildRun.FUZZ_JIT);
        } else if ("server".equals(jit)) {
            assertThat(ChildRun.commandOptions(List.of("fuzz", "--cases", "3"))).doesNotContainAnyElementsOf(ChildRun.FUZZ_JIT)
                    .doesNotContain("-XX:TieredStopAtLevel=1");
        } else {
            assertThat(fuzz).containsSequence(ChildRun.FUZZ_JIT).doesNotContain("-XX:TieredStopAtLevel=1");
        }
        // huge pages for a campaign's heap where the kernel offers them: the launcher's thp=(...), and ChildRun's
        assertThat(exec).contains("${jit[@]+\"${jit[@]}\"} ${thp[@]+\"${thp[@]}\"}");
        assertThat(launcher).contains("thp=(" + ChildRun.HUGE_PAGES + ")", "< " + ChildRun.THP_MODE + ";",
                "[[ $thp_mode == *'[always]'* || $thp_mode == *'[madvise]'* ]]");
        if (ChildRun.hugePagesOffered(ChildRun.THP_MODE)) {
            assertThat(fuzz).contains(ChildRun.HUGE_PAGES);
        } else {
            assertThat(fuzz).doesNotContain(ChildRun.HUGE_PAGES);
        }
        assertThat(ChildRun.erofsSim(List.of("predict"))).doesNotContain(ChildRun.HUGE_PAGES);
    }

    /** The kernel's huge page mode as the launcher reads it: offered in modes always and madvise only. */
    @Test
    void hugePagesAreOfferedInModesAlwaysAndMadvise() throws Exception {
        Path mode = dir.resolve("enabled");
        Files.writeString(mode, "always [madvise] never\n");
        assertThat(ChildRun.hugePagesOffered(mode)).isTrue();
        Files.writeString(mode, "[always] madvise never\n");
        assertThat(ChildRun.hugePagesOffered(mode)).isTrue();
        Files.writeString(mode, "always madvise [never]\n");
        assertThat(ChildRun.hugePagesOffered(mode)).isFalse();
        assertThat(ChildRun.hugePagesOffered(dir.resolve("absent"))).isFalse();
    }

    /** ChildRun's CPU time: utime + stime of /proc/PID/stat, found after the command name (which may hold spaces and parentheses). */
    @Test
    void childCpuTimeIsReadAfterTheCommandName() throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 9 0 1 2 3\n");
        assertThat(ChildRun.cpuNanos(stat)).isEqualTo((250 + 37) * 10_000_000L);
        assertThat(ChildRun.cpuNanos(dir.resolve("gone"))).isEqualTo(-1);
    }
}
