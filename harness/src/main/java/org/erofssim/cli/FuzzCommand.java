package org.erofssim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.erofssim.fuzz.FuzzCampaign;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.reference.HostKernel;
import org.erofssim.reference.Reference;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fuzz}: a device-slot-table fuzz campaign ({@link FuzzCampaign}); the model alone by
 * default, the running kernel too with {@code --live} (root). Exit 1 when the campaign has
 * findings, 77 when {@code --live} cannot run here or the running kernel has no modelled profile.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"A device-slot-table fuzz campaign.",
                "",
                "Draws seeded cases: edits of the slot table of fixture images (slot fields,",
                "extra_devices, devt_slotoff, the DEVICE_TABLE bit), the primary as a file or",
                "a loop device, and device= options (blob file or loop, the primary itself, a",
                "directory, a missing path). The model must give an outcome for each, in time,",
                "the same twice; with --live the running kernel (root) must agree with it",
                "field by field and log no BUG/WARNING/Oops. Each failing case is shrunk and",
                "written to OUT/findings/<kind>-<hash>/scenario.json (+ images): replay it",
                "with 'erofs-sim compare' or 'erofs-sim predict'. A case left in",
                "OUT/in-flight/ by a campaign that stopped mid-observation (kernel crash)",
                "becomes a finding of the next one. Exit 1 if there are findings."})
final class FuzzCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--cases", paramLabel = "N", defaultValue = "500", description = "cases to draw (default ${DEFAULT-VALUE})")
    int cases;

    @Option(names = "--seed", paramLabel = "SEED", description = "the generator's seed (default: a random one, printed)")
    Long seed;

    @Option(names = "--live", description = "also observe every case on the running kernel (root; loop devices, mount(2))")
    boolean live;

    @Option(names = "--kernel", paramLabel = "PROFILE",
            description = "the model's profile without --live (default: the newest); --live uses the running kernel's")
    String kernel;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "report/fuzz",
            description = "findings and the in-flight case go here (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--max-time", paramLabel = "TIME", converter = DurationConverter.class,
            description = "stop drawing cases after this long: 90s, 10m, 2h")
    Duration maxTime;

    @Option(names = "--shard", paramLabel = "K/N",
            description = "evaluate only shard K of N (1 <= K <= N): the cases whose index is K-1 modulo N; "
                    + "the N shards of one seed and --cases find what one run finds (a CI matrix)")
    String shard;

    @Option(names = "--quiet", description = "no progress lines (the seed line, every 100 cases, each finding)")
    boolean quiet;

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    @Override
    public Integer call() {
        if (cases < 1) {
            throw CliException.badInput("--cases must be at least 1, not " + cases);
        }
        Path root = RepoRoot.find().orElseThrow(() -> CliException.badInput(
                "cannot find the erofs-sim checkout (fixtures/images); run from inside it or set -D" + RepoRoot.PROPERTY));
        Path images = root.resolve("fixtures/images");
        if (!Files.isDirectory(images)) {
            throw CliException.badInput("no fixture images at " + images);
        }
        KernelProfile profile;
        Reference kernelUnderTest = null;
        String against;
        if (live) {
            if (kernel != null) {
                throw CliException.badInput("--kernel and --live exclude each other: live runs use the running "
                        + "kernel's profile");
            }
            HostKernel host = new HostKernel();
            String why = host.unavailable().orElse(null);
            if (why != null) {
                throw CliException.unavailable("kernel oracle unavailable: " + why);
            }
            String release = host.release();
            profile = host.profile().orElseThrow(() -> CliException.unavailable("kernel " + release
                    + " has no modelled profile: nothing to compare with"));
            kernelUnderTest = host;
            against = "model (profile " + profile.name() + ") against the running kernel " + release;
        } else {
            try {
                profile = kernel == null ? Releases.DEFAULT : Releases.resolve(kernel).profile();
            } catch (Releases.UnknownRelease e) {
                throw CliException.badInput("--kernel: " + e.getMessage());
            }
            against = "model alone (profile " + profile.name() + ")";
        }
        int shardK = 1;
        int shardN = 1;
        if (shard != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})/(\\d{1,6})").matcher(shard.strip());
            if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(1)) < 1
                    || Integer.parseInt(m.group(1)) > Integer.parseInt(m.group(2))) {
                throw CliException.badInput("--shard: '" + shard + "' is not K/N with 1 <= K <= N, e.g. 2/4");
            }
            shardK = Integer.parseInt(m.group(1));
            shardN = Integer.parseInt(m.group(2));
            if (seed == null) {
                throw CliException.badInput("--shard needs --seed: the shards of a campaign must draw the same cases");
            }
        }
        long s = seed != null ? seed : new SecureRandom().nextLong();
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter progress = quiet ? new PrintWriter(java.io.Writer.nullWriter())
                : json ? new PrintWriter(spec.commandLine().getErr(), true) : o;
        progress.println("fuzz: device-slot table, seed " + s + ", up to " + cases + " cases"
                + (shardN > 1 ? " (shard " + shardK + "/" + shardN + ": every " + shardN + "th from case " + (shardK - 1) + ")" : "")
                + ", " + against);
        progress.flush();
        FuzzCampaign.Summary sum = new FuzzCampaign(new FuzzCampaign.Settings(s, cases, maxTime, profile, images,
                out.toAbsolutePath().normalize(), kernelUnderTest, Duration.ofSeconds(5), 80, shardK, shardN)).run(progress);
        if (json) {
            ObjectNode j = JSON.createObjectNode();
            j.put("seed", sum.seed()).put("shard", shardK + "/" + shardN).put("cases", sum.cases()).put("refused", sum.refused())
                    .put("profile", profile.name()).put("live", live).put("seconds", sum.elapsed().toMillis() / 1000.0);
            var f = j.putArray("findings");
            for (FuzzCampaign.Finding x : sum.findings()) {
                f.addObject().put("kind", x.kind().name()).put("what", x.what())
                        .put("scenario", x.folder().resolve("scenario.json").toString());
            }
            j.set("statistics", sum.statistics().toJson(JSON));
            o.println(j);
        } else {
            o.println();
            sum.statistics().print(o);
            o.println();
            o.printf(Locale.ROOT, "%d cases in %.1f s (seed %d)%s: %s%n", sum.cases(), sum.elapsed().toMillis() / 1000.0,
                    sum.seed(), sum.refused() > 0 ? ", " + sum.refused() + " refused by the kernel oracle" : "",
                    sum.findings().isEmpty() ? "no findings" : sum.findings().size() + " finding(s)");
            for (FuzzCampaign.Finding x : sum.findings()) {
                o.println("  " + x.kind() + " " + x.folder().resolve("scenario.json"));
            }
        }
        o.flush();
        return sum.findings().isEmpty() ? ExitCode.OK : ExitCode.FAILED_CHECK;
    }

    /** {@code 90s}, {@code 10m}, {@code 2h}, or an ISO-8601 duration. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String t = v.trim().toLowerCase(Locale.ROOT);
            try {
                if (t.matches("\\d+[smh]")) {
                    long n = Long.parseLong(t.substring(0, t.length() - 1));
                    return switch (t.charAt(t.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        default -> Duration.ofHours(n);
                    };
                }
                return Duration.parse(v);
            } catch (RuntimeException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + v + "' is not a duration (90s, 10m, 2h)");
            }
        }
    }
}
