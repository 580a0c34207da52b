package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.ondisk.FieldEdit;
import org.erofssim.ondisk.Lz4Field;
import org.erofssim.report.Difference;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;

/**
 * Damaged LZ4 images against the running kernel: real mkfs.erofs 1.5 images (LZ4 and LZ4HC,
 * 4 KiB and 16 KiB pclusters, legacy full indexes without 0padding, ztailpacking) of files that
 * span several readahead windows (up to 1 MiB, so later windows use large folios), one field of
 * one pcluster's LZ4 stream edited with an fstests verb ({@link Lz4Field} + {@link FieldEdit}),
 * mounted file-backed or on a loop device and read whole: the model's outcome must equal the
 * kernel's field by field, log lines included ({@code failed to decompress} with its value and
 * sizes, {@code read error}, {@code readahead error}), hashes, read errors and bytes read
 * (a file the kernel returns stale memory for is "any hash", {@link OutcomeComparator}).
 * Needs root and erofs-utils: skips with a printed reason otherwise, fails under CI.
 */
@Live
class DamagedLz4Properties {
    /** mkfs.erofs recipes of the base images. */
    static final List<String> RECIPES = List.of("-zlz4", "-zlz4hc", "-zlz4 -Elegacy-compress", "-zlz4hc -C16384",
            "-zlz4hc -Eztailpacking");
    static final Map<String, Integer> FILES = sizes();

    private static Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("/big", 1_000_000);
        m.put("/mid", 300_000);
        m.put("/small", 23_000);
        m.put("/mixed", 200_000);
        return m;
    }

    record Extent(String path, long logical, long length, long physical, long plen) {}

    record Base(String recipe, Path image, byte[] bytes, List<Extent> extents) {}

    private static Path work;
    private static int tries;
    private static final Map<String, Base> BASES = new LinkedHashMap<>();

    /** One damage: which base image, pcluster, field, verb and value, and how it is mounted. */
    record Damage(int base, int extent, Lz4Field.Kind kind, double field, FieldEdit.Verb verb, int value, boolean bdev) {}

    @Provide
    Arbitrary<Damage> damages() {
        // uniform picks (no edge cases): the pcluster and the field are positions in lists built later
        return Combinators.combine(Arbitraries.integers().between(0, RECIPES.size() - 1),
                Arbitraries.integers().between(0, 1_000_000).withoutEdgeCases(), Arbitraries.of(Lz4Field.Kind.class),
                Arbitraries.doubles().between(0, 1).withoutEdgeCases(),
                Arbitraries.of(FieldEdit.Verb.class), Arbitraries.integers().between(1, 300).withoutEdgeCases(),
                Arbitraries.of(false, true))
                .as(Damage::new);
    }

    static synchronized Base base(int i) {
        String recipe = RECIPES.get(i);
        return BASES.computeIfAbsent(recipe, r -> {
            try {
                if (work == null) {
                    work = Files.createTempDirectory("erofs-sim-damaged-lz4");
                }
                Path src = work.resolve("src");
                if (!Files.exists(src)) {
                    Files.createDirectories(src);
                    long seed = 1;
                    for (Map.Entry<String, Integer> f : FILES.entrySet()) {
                        byte[] b = f.getKey().equals("/mixed") ? mixed(f.getValue(), seed++) : text(f.getValue(), seed++);
                        Files.write(src.resolve(f.getKey().substring(1)), b);
                    }
                }
                Path img = work.resolve("base" + i + ".erofs");
                List<String> args = new ArrayList<>(List.of("--quiet", "-T0", "-Ue7051f5e-0000-4000-8000-00000000cafe"));
                args.addAll(List.of(r.split(" ")));
                args.add(img.toString());
                args.add(src.toString());
                ErofsUtils.Run run = ErofsUtils.run(ErofsUtils.MKFS, args, 120);
                assertThat(run.exitCode()).as(run.stderr()).isZero();
                List<Extent> ext = new ArrayList<>();
                for (String path : FILES.keySet()) {
                    ext.addAll(dump(img, path));
                }
                return new Base(r, img, Files.readAllBytes(img), ext);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        if (work != null && Files.exists(work)) {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Words of the kind mkfs compresses 2:1 or so: several pclusters per 128 KiB window. */
    static byte[] text(int n, long seed) {
        String[] words = {"erofs", "pcluster", "lcluster", "index", "head", "plain", "tail", "kernel", "page\n",
            "readahead", "folio", "window"};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(n + 16);
        while (sb.length() < n) {
            sb.append(words[r.nextInt(words.length)]).append(r.nextInt(100)).append(' ');
        }
        return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Long literal runs (random letters) between long repeats (a copied line): LZ4 streams with
     * literal-length and match-length extension bytes.
     */
    static byte[] mixed(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(n + 512);
        String line = "erofs-sim damaged lz4 pcluster line: the same bytes again and again, ";
        while (sb.length() < n) {
            int lit = 16 + r.nextInt(300);
            for (int i = 0; i < lit; i++) {
                sb.append((char) ('a' + r.nextInt(26)));
            }
            sb.append(line.repeat(1 + r.nextInt(8)));
        }
        return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    static final Pattern EXT = Pattern.compile(
            "^\\s*\\d+:\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+) :\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+)");

    static List<Extent> dump(Path img, String path) {
        ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.DUMP, List.of("--path=" + path, "-e", img.toString()), 60);
        List<Extent> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            Matcher e = EXT.matcher(line);
            if (e.find()) {
                out.add(new Extent(path, Long.parseLong(e.group(1)), Long.parseLong(e.group(3)), Long.parseLong(e.group(4)),
                        Long.parseLong(e.group(6))));
            }
        }
        return out;
    }

    static boolean liveAvailable() {
        String why = LiveKernelOracle.unavailableReason();
        if (why == null) {
            return true;
        }
        if (ErofsUtils.oraclesRequired()) {
            throw new IllegalStateException("live kernel oracle missing under CI: " + why);
        }
        System.out.println("SKIPPED: live kernel oracle unavailable: " + why);
        return false;
    }

    static boolean toolsPresent() {
        return ErofsUtils.require(ErofsUtils.MKFS) && ErofsUtils.require(ErofsUtils.DUMP);
    }

    @Property(tries = 250, seed = "20261125", shrinking = ShrinkingMode.OFF)
    @Label("one LZ4 stream field of a real image damaged: the model's outcome equals the live kernel's, log lines included")
    void modelEqualsLiveKernel(@ForAll("damages") Damage d) throws IOException {
        if (!toolsPresent() || !liveAvailable()) {
            return;
        }
        KernelProfile profile = Releases.forRelease(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim())
                .orElse(null);
        if (profile == null) {
            System.out.println("SKIPPED: the running kernel has no modelled profile");
            return;
        }
        Base b = base(d.base());
        Extent e = b.extents().get(d.extent() % b.extents().size());
        byte[] img = b.bytes().clone();
        int pcStart = (int) e.physical();
        int pcEnd = (int) Math.min(img.length, e.physical() + e.plen());
        int start = pcStart;
        while (start < pcEnd && img[start] == 0) {
            start++; // 0padding (and an inline pcluster's leading zeros)
        }
        List<Lz4Field> fields = Lz4Field.parse(img, start, pcEnd);
        String what;
        if (fields.isEmpty()) {
            what = "no field";
        } else {
            // a field of the drawn kind when the stream has one, else any field
            List<Lz4Field> ofKind = fields.stream().filter(x -> x.kind() == d.kind()).toList();
            List<Lz4Field> pick = ofKind.isEmpty() ? fields : ofKind;
            Lz4Field f = pick.get(Math.min(pick.size() - 1, (int) (d.field() * pick.size())));
            byte[] cur = java.util.Arrays.copyOfRange(img, start + f.offset(), start + f.offset() + f.width());
            byte[] next = new FieldEdit(f, d.verb(), d.value()).applyTo(cur);
            System.arraycopy(next, 0, img, start + f.offset(), f.width());
            what = f.kind() + " " + d.verb();
        }
        Path damaged = work.resolve("damaged-" + (++tries) + ".erofs");
        Files.deleteIfExists(work.resolve("damaged-" + (tries - 2) + ".erofs"));
        Files.write(damaged, img);
        Scenario s = scenario(damaged, d.bdev(), profile);
        MountOutcome model = MountModel.predict(s);
        MountOutcome kernel = new LiveKernelOracle().observe(s);
        BdevRace.Result r = BdevRace.compare(s, kernel);
        List<Difference> diffs = r.differences();
        Statistics.label("bdev readahead race (side the kernel took)").collect(d.bdev() ? r.side() : "fileio (no race)");
        Statistics.label("recipe").collect(b.recipe());
        Statistics.label("mode").collect(d.bdev() ? "bdev" : "fileio");
        Statistics.label("damage").collect(what.startsWith("no") ? what : what.substring(0, what.indexOf(' ')));
        long failures = kernel.log().stream().filter(l -> l.contains("failed to decompress")).count();
        Statistics.label("failing pclusters (kernel log lines)").collect(failures == 0 ? "0" : failures <= 2 ? "1-2" : "3+");
        TreeEntry te = kernel instanceof MountOutcome.Mounted m && m.tree() != null
                ? m.tree().stream().filter(t -> t.path().equals(e.path())).findFirst().orElse(null) : null;
        Statistics.label("kernel read of the damaged file").collect(te == null ? "not read"
                : te.readErrno() != null ? te.readErrno() : "no error");
        Statistics.label("window of the damage").collect(e.logical() < 128 * 1024
                ? "first window (order-0 folios)" : "later window (large folios)");
        Statistics.label("failing pclusters (kernel log lines)").coverage(c -> c.check("1-2").count(n -> n >= 10));
        Statistics.label("window of the damage").coverage(c -> {
            c.check("first window (order-0 folios)").count(n -> n >= 10);
            c.check("later window (large folios)").count(n -> n >= 10);
        });
        Statistics.label("kernel read of the damaged file").coverage(c -> {
            c.check("no error").count(n -> n > 0);
            c.check("EUCLEAN").count(n -> n >= 10);
        });
        Statistics.label("damage").coverage(c -> {
            for (Lz4Field.Kind k : Lz4Field.Kind.values()) {
                c.check(k.name()).count(n -> n > 0);
            }
        });
        Statistics.label("mode").coverage(c -> {
            c.check("fileio").count(n -> n > 0);
            c.check("bdev").count(n -> n > 0);
        });
        if (!diffs.isEmpty()) {
            keep(damaged, d, what, e);
        }
        assertThat(diffs).as("%s %s at %s extent %d..%d (pcluster %d+%d), %s mount\nmodel  %s\nkernel %s", b.recipe(), what,
                e.path(), e.logical(), e.logical() + e.length(), e.physical(), e.plen(), d.bdev() ? "loop" : "file",
                OutcomeJson.write(model), OutcomeJson.write(kernel)).isEmpty();
    }

    /** A falsified case's image and a scenario for it, under target/damaged-lz4-found/ (for ./erofs-sim compare). */
    static void keep(Path image, Damage d, String what, Extent e) throws IOException {
        Path dir = Path.of("target", "damaged-lz4-found").toAbsolutePath();
        Files.createDirectories(dir);
        String name = "case-" + System.currentTimeMillis();
        Files.copy(image, dir.resolve(name + ".erofs"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String node = d.bdev() ? "\"/dev/loop0\": {\"kind\": \"bdev\", \"image\": \"" + name + ".erofs\"}"
                : "\"/srv/image.erofs\": {\"kind\": \"file\", \"image\": \"" + name + ".erofs\"}";
        Files.writeString(dir.resolve(name + ".json"), "{\"version\": 1, \"name\": \"" + name + "\", \"comment\": \""
                + d + " " + what + " at " + e + "\", \"kernel\": \"6.18\", \"nodes\": {" + node + "}, \"source\": \""
                + (d.bdev() ? "/dev/loop0" : "/srv/image.erofs") + "\", \"read\": true}\n");
    }

    static Scenario scenario(Path image, boolean bdev, KernelProfile profile) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        String primary;
        if (bdev) {
            primary = "/dev/loop0";
            nodes.put(primary, new Node.BlockDevice(ImageBytes.map(image), new DevT(7, 0), true, 512, false));
        } else {
            primary = "/srv/image.erofs";
            nodes.put(primary, new Node.RegularFile(ImageBytes.map(image), BackingFs.EXT4));
        }
        return Scenario.builder().name("damaged lz4").kernel(KernelConfig.of(profile))
                .namespace(new VirtualNamespace(nodes)).source(primary).read(true).build();
    }
}
