package org.erofssim.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.report.Difference;
import org.erofssim.testkit.Checkout;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;

/**
 * Random scenarios over the fixture images, observed on the running kernel (root) and
 * predicted by the model on that kernel's profile: the two outcomes must be equal field by
 * field ({@link OutcomeComparator}: only kernel-assigned numbers compare by pattern).
 *
 * <p>A scenario draws a source kind (loop device, file on ext4 or tmpfs, directory, /dev/null,
 * socket, missing path, no or empty source; files and loops sometimes through a symlink), an
 * image (mkfs.erofs fixtures and crafted variants: corrupt superblocks, device tables), mount
 * options (flags, values, bad keys, {@code fsid}, {@code fsoffset}, …), a list of
 * {@code device=} entries (blob file on ext4 or tmpfs, blob loop device, directory, missing,
 * /dev/null), read-only or not, and whether to read the tree. Statistics report the source
 * kinds, modes and errnos; coverage checks require every source kind, the bdev and fileio modes
 * and a failure without a mode, a mount and the errnos ENOTBLK, ENOENT, EINVAL and ENXIO.
 *
 * <p>A falsified try is shrunk and the shrunk scenario written to
 * {@code fixtures/scenarios/found/} with a {@code comment} naming the fields that differ
 * ({@link WriteFound}), so that it joins the corpus. Not root (or no erofs, loop, /dev/kmsg):
 * skipped with the reason printed; under CI ({@link ErofsUtils#oraclesRequired()}) it fails.
 * {@code -Derofssim.liveprops.verbose=true} prints every scenario with the kernel's outcome.
 * About 0.05 s per try (100 tries: a few seconds), shrinking bounded.
 */
@AddLifecycleHook(LiveScenarioProperties.RequireLiveOracle.class)
@Live
class LiveScenarioProperties {
    static final Path ROOT = Checkout.root();
    static final Path FOUND = ROOT.resolve("fixtures/scenarios/found");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LiveKernelOracle ORACLE = new LiveKernelOracle();
    private static final String DIFFER = "model and kernel differ in ";

    /** Source kinds (each must be reached). */
    enum Kind { BDEV, FILE, FILE_TMPFS, DIR, CHARDEV, SOCKET, MISSING, NO_SOURCE }

    /** What a {@code device=} entry names. */
    enum Dev { BLOB_FILE, BLOB_TMPFS, BLOB_BDEV, PLAIN_FILE, DIR, MISSING, CHARDEV }

    static final List<String> IMAGES = List.of("plain.erofs", "noinline.erofs", "extended.erofs", "chunked4k.erofs",
            "zero-uuid.erofs", "empty.erofs", "multidev.erofs", "crafted/bad-magic.erofs", "crafted/blkszbits9.erofs",
            "crafted/blkszbits11.erofs", "crafted/incompat-48bit.erofs", "crafted/flat-concat.erofs",
            "crafted/uniaddr-redirect.erofs", "crafted/twodev.erofs", "crafted/rootnid-file.erofs",
            "crafted/truncated-2048.erofs", "crafted/plain-at-4096.erofs", "crafted/volume-name-16.erofs");

    /** Options the parser takes (some still fail later: fsoffset=4096 on an image at 0). */
    static final List<String> OPTIONS = List.of("user_xattr", "nouser_xattr", "acl", "noacl",
            "cache_strategy=readahead", "cache_strategy=disabled", "dax", "dax=never", "directio", "nodirectio",
            "fsid=myfsid", "domain_id=d", "fsoffset=4096", "fsoffset=0");
    /** Options the parser refuses, or that fail fill_super whatever the image. */
    static final List<String> BAD_OPTIONS = List.of("cache_strategy=bogus", "foo", "acl=1", "fsoffset=100", "device=",
            "dax=sometimes");

    /** One random scenario, before it becomes contract JSON. */
    record LiveCase(Kind kind, String image, boolean viaSymlink, boolean emptySource, List<String> options,
                    List<Dev> devices, boolean readOnly, boolean read) {

        /** The contract JSON; image paths relative to {@code fixtures/scenarios/found}. */
        ObjectNode toJson(String profile) {
            ObjectNode s = JSON.createObjectNode();
            s.put("version", 1);
            s.put("kernel", profile);
            ObjectNode nodes = s.putObject("nodes");
            String source = null;
            String img = "../../images/" + image;
            switch (kind) {
                case BDEV -> {
                    nodes.putObject("/dev/loop0").put("kind", "bdev").put("image", img);
                    source = "/dev/loop0";
                }
                case FILE -> {
                    nodes.putObject("/srv/image.erofs").put("kind", "file").put("image", img);
                    source = "/srv/image.erofs";
                }
                case FILE_TMPFS -> {
                    nodes.putObject("/run/image.erofs").put("kind", "file").put("image", img).put("fs", "tmpfs");
                    source = "/run/image.erofs";
                }
                case DIR -> {
                    nodes.putObject("/srv/dir").put("kind", "dir");
                    source = "/srv/dir";
                }
                case CHARDEV -> {
                    nodes.putObject("/dev/null").put("kind", "chardev").put("dev", "1:3");
                    source = "/dev/null";
                }
                case SOCKET -> {
                    nodes.putObject("/run/erofs.sock").put("kind", "socket");
                    source = "/run/erofs.sock";
                }
                case MISSING -> source = "/srv/missing.erofs";
                case NO_SOURCE -> source = emptySource ? "" : null;
            }
            if (viaSymlink && source != null && !source.isEmpty()) {
                nodes.putObject("/srv/link").put("kind", "symlink").put("target", source);
                source = "/srv/link";
            }
            List<String> opts = new ArrayList<>(options);
            for (int i = 0; i < devices.size(); i++) {
                String path = devicePath(devices.get(i), i);
                switch (devices.get(i)) {
                    case BLOB_FILE -> nodes.putObject(path).put("kind", "file").put("image", "../../images/multidev-blob.img");
                    case BLOB_TMPFS -> nodes.putObject(path).put("kind", "file").put("image", "../../images/multidev-blob.img")
                            .put("fs", "tmpfs");
                    case BLOB_BDEV -> nodes.putObject(path).put("kind", "bdev").put("image", "../../images/multidev-blob.img");
                    case PLAIN_FILE -> nodes.putObject(path).put("kind", "file").put("image", "../../images/plain.erofs");
                    case DIR -> nodes.putObject(path).put("kind", "dir");
                    case CHARDEV -> nodes.putObject("/dev/null").put("kind", "chardev").put("dev", "1:3");
                    case MISSING -> { }
                }
                opts.add("device=" + path);
            }
            if (source != null) {
                s.put("source", source);
            }
            if (!opts.isEmpty()) {
                s.put("options", String.join(",", opts));
            }
            ArrayNode flags = s.putArray("flags");
            if (readOnly) {
                flags.add("ro");
            }
            s.put("read", read);
            return s;
        }

        static String devicePath(Dev d, int i) {
            return switch (d) {
                case BLOB_FILE, PLAIN_FILE -> "/srv/dev" + i + ".img";
                case BLOB_TMPFS -> "/run/dev" + i + ".img";
                case BLOB_BDEV -> "/dev/loop" + (10 + i);
                case DIR -> "/srv/devdir" + i;
                case CHARDEV -> "/dev/null";
                case MISSING -> "/srv/nodev" + i + ".img";
            };
        }
    }

    @Provide
    Arbitrary<LiveCase> cases() {
        Arbitrary<Kind> kind = Arbitraries.of(Kind.class);
        Arbitrary<String> image = Arbitraries.of(IMAGES);
        Arbitrary<Boolean> symlink = Arbitraries.integers().between(0, 4).map(n -> n == 0);
        Arbitrary<Boolean> empty = Arbitraries.of(false, true);
        Arbitrary<String> option = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.of(OPTIONS)),
                Tuple.of(1, Arbitraries.of(BAD_OPTIONS)));
        Arbitrary<List<String>> options = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.<String>of())),
                Tuple.of(1, option.list().ofMinSize(1).ofMaxSize(3)));
        Arbitrary<List<Dev>> devices = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.<Dev>of())),
                Tuple.of(1, Arbitraries.of(Dev.class).list().ofMinSize(1).ofMaxSize(2)));
        Arbitrary<Boolean> readOnly = Arbitraries.integers().between(0, 3).map(n -> n != 0);
        Arbitrary<Boolean> read = Arbitraries.integers().between(0, 9).map(n -> n < 7);
        return Combinators.combine(kind, image, symlink, empty, options, devices, readOnly, read).as(LiveCase::new);
    }

    /** The running kernel's modelled profile; an error when there is none (nothing to compare). */
    static KernelProfile profile() {
        String release = LiveKernelOracle.kernelRelease();
        return Releases.forRelease(release).orElseThrow(() -> new AssertionError(
                "the running kernel " + release + " has no modelled profile"));
    }

    /**
     * The first step of a live property's try: the oracle must be able to run (where it cannot,
     * the skip hook has stopped the try before, except under CI, where this fails with its reason).
     */
    static void requireOracle() {
        String why = LiveKernelOracle.unavailableReason();
        if (why != null) {
            throw new AssertionError("the live kernel oracle is required under CI but unavailable: " + why);
        }
    }

    /** {@link #requireOracle()}, then the running kernel's profile with its default CONFIG: the kernel of a try's scenario. */
    static KernelConfig liveKernel() {
        requireOracle();
        return new KernelConfig(profile(), Map.of());
    }

    /** Under CI a missing live oracle fails the container before any try (not root: skipped by the hook). */
    @BeforeContainer
    static void requiredUnderCi() {
        String why = LiveKernelOracle.unavailableReason();
        if (why != null && ErofsUtils.oraclesRequired()) {
            throw new AssertionError("the live kernel oracle is required under CI but unavailable: " + why);
        }
    }

    @Property(seed = "20261206", tries = 100, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    @AddLifecycleHook(WriteFound.class)
    void theModelOnTheRunningKernelsProfileEqualsTheKernel(@ForAll("cases") LiveCase c) {
        requireOracle();
        Scenario s = ScenarioJson.read(c.toJson(profile().name()).toString(), FOUND, "live-property");
        String refusal = ORACLE.refusal(s);
        if (refusal != null) {
            throw new AssertionError("the generator made a scenario the oracle refuses: " + refusal);
        }
        MountOutcome kernel = ORACLE.observe(s);
        MountOutcome model = MountModel.predict(s);
        if (Boolean.getBoolean("erofssim.liveprops.verbose")) {
            System.out.println("[live-property] " + c.toJson(profile().name()) + " -> " + OutcomeJson.write(kernel));
        }

        Statistics.label("source kind").collect(c.kind());
        Statistics.label("mode").collect(kernel.mode() == null ? "none" : kernel.mode().contractName());
        String errno = kernel instanceof MountOutcome.Failed f ? String.valueOf(f.errno()) : OutcomeJson.outcomeName(kernel);
        Statistics.label("kernel errno").collect(errno);
        Statistics.label("source kind").coverage(cov -> {
            for (Kind k : Kind.values()) {
                cov.check(k).count(n -> n > 0);
            }
        });
        Statistics.label("mode").coverage(cov -> {
            cov.check("bdev").count(n -> n > 0);
            cov.check("fileio").count(n -> n > 0);
            cov.check("none").count(n -> n > 0);
        });
        Statistics.label("kernel errno").coverage(cov -> {
            for (String e : List.of("ENOTBLK", "ENOENT", "EINVAL", "ENXIO", "mounted")) {
                cov.check(e).count(n -> n > 0);
            }
        });

        assertAgree(model, kernel, null);
    }

    /**
     * Fails with the first eight differing fields when the model's outcome is not the kernel's
     * ({@code model and kernel differ in N field(s)[ for WHAT]:}); the live properties share it.
     */
    static void assertAgree(MountOutcome model, MountOutcome kernel, Object what) {
        List<Difference> diffs = OutcomeComparator.compare(model, kernel);
        if (!diffs.isEmpty()) {
            StringBuilder b = new StringBuilder(DIFFER + diffs.size() + " field(s)" + (what == null ? "" : " for " + what) + ":");
            for (Difference d : diffs.subList(0, Math.min(diffs.size(), 8))) {
                b.append("\n  ").append(d);
            }
            throw new AssertionError(b.toString());
        }
    }

    // ------------------------------------------------------------------ hooks

    /** Skips with the reason printed when the live oracle cannot run here, except under CI. */
    public static final class RequireLiveOracle implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            String why = LiveKernelOracle.unavailableReason();
            if (why == null || ErofsUtils.oraclesRequired()) {
                return SkipResult.doNotSkip(); // under CI the property itself fails with the reason
            }
            System.out.println("SKIPPED LiveScenarioProperties: " + why);
            return SkipResult.skip(why);
        }
    }

    /**
     * After a falsified run: writes the shrunk scenario to {@code fixtures/scenarios/found/} with
     * a {@code comment} (what differed, on which kernel, when) and a {@code description}.
     */
    public static final class WriteFound implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            PropertyExecutionResult r = property.execute();
            if (r.status() != PropertyExecutionResult.Status.FAILED) {
                return r;
            }
            Optional<List<Object>> params = r.falsifiedParameters();
            if (params.isEmpty() || params.get().isEmpty() || !(params.get().get(0) instanceof LiveCase c)) {
                return r;
            }
            String what = r.throwable().map(t -> String.valueOf(t.getMessage())).orElse("");
            if (!what.startsWith(DIFFER)) {
                return r; // not a model/kernel difference (oracle missing under CI, a refusal): nothing to keep
            }
            try {
                Path written = write(c, what);
                System.out.println("LiveScenarioProperties: the shrunk counterexample is " + written);
            } catch (RuntimeException e) {
                System.out.println("LiveScenarioProperties: could not write the counterexample: " + e);
            }
            return r;
        }
    }

    static Path write(LiveCase c, String what) {
        ObjectNode s = c.toJson(profile().name());
        String release = LiveKernelOracle.kernelRelease();
        ObjectNode out = JSON.createObjectNode();
        out.put("version", 1);
        out.put("description", "found by LiveScenarioProperties (random scenario, shrunk): the model on profile "
                + s.get("kernel").asText() + " and Linux " + release + " disagree");
        out.put("comment", "found " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " on " + release + ": " + what);
        s.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("version")) {
                out.set(e.getKey(), e.getValue());
            }
        });
        try {
            byte[] text = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s);
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text)).substring(0, 10);
            Path file = FOUND.resolve(c.kind().name().toLowerCase().replace('_', '-') + "-" + hash + ".json");
            Files.createDirectories(FOUND);
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n",
                    StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
