package org.erofssim.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.Errno;
import org.erofssim.mount.MountModel;
import org.erofssim.report.Difference;
import org.erofssim.sb.Mode;
import org.erofssim.testkit.Checkout;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("erofs-utils as a reference: fsck.erofs --extract against the model, on the fields it can speak for")
class FsckReferenceTest {

    private static TreeEntry file(String path, long size, String sha, String readErrno) {
        return new TreeEntry(path, 1, "file", "0644", 0, 0, size, 0, 1, 0, 0, null, null, Map.of(), sha, readErrno, size,
                null, null);
    }

    private static TreeEntry entry(String path, String type, String target) {
        return new TreeEntry(path, 1, type, "0755", 0, 0, 0, 0, 1, 0, 0, target, null, Map.of(), null, null, 0, null, null);
    }

    private static MountOutcome mounted(List<TreeEntry> tree) {
        return new MountOutcome.Mounted(Mode.FILEIO, List.of(), null, null, null, null, tree, List.of());
    }

    private static final MountOutcome FAILED = new MountOutcome.Failed(Errno.EUCLEAN, Mode.FILEIO, List.of(), List.of());

    private static List<String> fields(List<Difference> diffs) {
        return diffs.stream().map(Difference::field).toList();
    }

    @Test
    @DisplayName("accepted: both rejecting agrees; one accepting what the other rejects differs")
    void accepted() {
        FsckAnswer rejected = new FsckAnswer(false, "superblock chksum doesn't match", List.of());
        FsckAnswer empty = new FsckAnswer(true, null, List.of(new FsckAnswer.Entry("/", "dir", 0, null, null)));
        assertThat(rejected.differences(FAILED)).isEmpty();
        assertThat(empty.differences(FAILED)).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("accepted");
            assertThat(d.model()).isEqualTo("\"not mounted: failed EUCLEAN\"");
            assertThat(d.reference()).isEqualTo("\"accepted\"");
        });
        assertThat(fields(rejected.differences(mounted(List.of(entry("/", "dir", null)))))).containsExactly("accepted");
        // the model also finds the damage: a file that does not read back
        assertThat(rejected.differences(mounted(List.of(entry("/", "dir", null), file("/f", 9, null, "EIO"))))).isEmpty();
        // fsck.erofs accepts, the model cannot read a file
        assertThat(fields(empty.differences(mounted(List.of(entry("/", "dir", null), file("/f", 9, null, "EIO"))))))
                .contains("tree[/f].readErrno");
    }

    @Test
    @DisplayName("tree: paths, types, sizes and contents of files, symlink targets; an undefined hash is not compared")
    void tree() {
        FsckAnswer a = new FsckAnswer(true, null, List.of(new FsckAnswer.Entry("/", "dir", 0, null, null),
                new FsckAnswer.Entry("/a", "file", 3, "aaa", null), new FsckAnswer.Entry("/l", "symlink", 0, null, "a"),
                new FsckAnswer.Entry("/only-fsck", "fifo", 0, null, null), new FsckAnswer.Entry("/u", "file", 5, "x", null)));
        MountOutcome same = mounted(List.of(entry("/", "dir", null), file("/a", 3, "aaa", null), entry("/l", "symlink", "a"),
                entry("/only-fsck", "fifo", null), file("/u", 5, null, null)));
        assertThat(a.differences(same)).as("a null hash of a file read whole: the kernel's bytes are undefined").isEmpty();
        MountOutcome other = mounted(List.of(entry("/", "dir", null), file("/a", 4, "bbb", null), entry("/l", "symlink", "b"),
                entry("/only-model", "sock", null), entry("/u", "dir", null)));
        assertThat(fields(a.differences(other))).containsExactly("tree[/a].size", "tree[/a].sha256", "tree[/l].target",
                "tree[/only-model]", "tree[/u].type", "tree[/only-fsck]");
    }

    private static Scenario corpus(String name) {
        return ScenarioJson.read(Checkout.root().resolve("fixtures/scenarios").resolve(name + ".json"));
    }

    @Test
    @DisplayName("refusals: what only the kernel sees (source kinds, options, CONFIG, earlier mounts, an unread tree)")
    void refusals() {
        assertThat(FsckReference.refusal(corpus("options/directio-fileio"))).isNull();
        assertThat(FsckReference.refusal(corpus("options/bad-cache-strategy"))).contains("\"read\": false");
        Scenario readBad = corpus("options/bad-cache-strategy").toBuilder().read(true).build();
        assertThat(FsckReference.refusal(readBad)).isEqualTo("mount option 'cache_strategy=bogus' is interpreted by the kernel only");
        Scenario noSource = corpus("options/directio-fileio").toBuilder().source(null).build();
        assertThat(FsckReference.refusal(noSource)).startsWith("no source");
        Scenario dax = corpus("options/directio-fileio").toBuilder().options("dax=always").build();
        assertThat(FsckReference.refusal(dax)).contains("'dax=always'");
        Scenario neutral = corpus("options/directio-fileio").toBuilder().options("noacl,cache_strategy=disabled").build();
        assertThat(FsckReference.refusal(neutral)).isNull();
    }

    @Test
    @DisplayName("version and error lines as fsck.erofs 1.5 and 1.9.4 print them")
    void parsing() {
        assertThat(FsckReference.version("fsck.erofs 1.5\n")).isEqualTo("1.5");
        assertThat(FsckReference.version("fsck.erofs (erofs-utils) 1.9.4\navailable decompressors: lz4\n")).isEqualTo("1.9.4");
        assertThat(FsckReference.version("usage")).isNull();
        assertThat(FsckReference.firstError("<W> x\n<E> erofs: unknown compression format 2 for nid 879\n<E> erofs: Failed", 1))
                .isEqualTo("unknown compression format 2 for nid 879");
        assertThat(FsckReference.firstError("", 3)).isEqualTo("exit 3");
    }

    /** The corpus's verdicts: scenario name → agree / diverge / refused:REASON / unchecked:REASON. */
    private static Map<String, String> run(FsckReference ref) throws IOException {
        Path dir = Checkout.root().resolve("fixtures/scenarios");
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        Map<String, String> out = new TreeMap<>();
        for (Path f : files) {
            String name = dir.relativize(f).toString().replaceAll("\\.json$", "");
            Scenario s = ScenarioJson.read(f);
            Observation o = ref.observe(new Case(name, f, s));
            if (o instanceof Observation.Unchecked u) {
                out.put(name, (u.why() == Observation.Why.REFUSED ? "refused:" : "unchecked:") + u.reason());
                continue;
            }
            List<Difference> d = ref.comparison().differences(MountModel.predict(s), o);
            out.put(name, d.isEmpty() ? "agree" : "diverge");
        }
        long agree = out.values().stream().filter("agree"::equals).count();
        long diverge = out.values().stream().filter("diverge"::equals).count();
        long tooOld = out.values().stream().filter(v -> v.startsWith("refused:") && v.contains("cannot decode")).count();
        long refused = out.values().stream().filter(v -> v.startsWith("refused:")).count();
        System.out.println("FsckReferenceTest: " + ref.identity().label() + " over " + out.size() + " scenarios: " + agree
                + " agree, " + diverge + " diverge, " + refused + " refused (" + tooOld + " after running: fsck.erofs"
                + " cannot decode the image), " + (out.size() - agree - diverge - refused) + " unchecked");
        return out;
    }

    private static TreeSet<String> diverging(Map<String, String> verdicts) {
        TreeSet<String> d = new TreeSet<>();
        verdicts.forEach((k, v) -> {
            if (v.equals("diverge")) {
                d.add(k);
            }
        });
        return d;
    }

    /**
     * Where erofs-utils and the kernel read the same image differently (the model sides with the
     * kernel: every one of these agrees with the 6.18.44 recording):
     * <ul>
     *   <li>{@code addressing/*}: the kernel's multi-device addressing (spec §5: a flat mount reads
     *       device 1 on the primary at {@code mapped_blkaddr}; a device-0 range redirected to a
     *       blob) is not erofs-utils': 1.5 wants every extra device given and reads the primary's
     *       own blocks; 1.9.4 says {@code invalid device id 1} or reads other blocks;</li>
     *   <li>{@code damaged/lz4-offset0-repeat-*}: an LZ4 match of offset 0 decodes in place in the
     *       kernel (copying its own output), in liblz4 it does not (docs/findings);</li>
     *   <li>{@code long-prefix-count-only-*} (1.5): the kernel rejects a long-prefix count without
     *       its table (EUCLEAN); 1.5 does not read long prefixes at all;</li>
     *   <li>{@code long-prefix-packed*} (1.9.4): fsck.erofs exits 0 but leaves {@code /f4096}
     *       out of the extraction, which the kernel lists and reads.</li>
     * </ul>
     */
    static final Map<String, TreeSet<String>> KNOWN_DIVERGENCES = Map.of(
            "1.5", new TreeSet<>(List.of("addressing/flat-concat-bdev", "addressing/flat-concat-fileio",
                    "addressing/uniaddr-blocks0-flat", "addressing/uniaddr-padded-flat",
                    "addressing/uniaddr-padded-with-device", "addressing/uniaddr-redirect-bdev",
                    "addressing/uniaddr-redirect-fileio", "damaged/lz4-offset0-repeat-bdev",
                    "damaged/lz4-offset0-repeat-fileio", "xattr-prefixes/long-prefix-count-only-bdev",
                    "xattr-prefixes/long-prefix-count-only-fileio")),
            "1.9.4", new TreeSet<>(List.of("addressing/flat-concat-bdev", "addressing/flat-concat-fileio",
                    "addressing/uniaddr-padded-flat", "addressing/uniaddr-padded-with-device",
                    "addressing/uniaddr-redirect-bdev", "addressing/uniaddr-redirect-fileio",
                    "addressing/uniaddr-redirect-flat", "damaged/lz4-offset0-repeat-bdev",
                    "damaged/lz4-offset0-repeat-fileio", "xattr-prefixes/long-prefix-packed-bdev",
                    "xattr-prefixes/long-prefix-packed-fileio", "xattr-prefixes/long-prefix-packed-plain-bdev",
                    "xattr-prefixes/long-prefix-packed-plain-fileio")));

    /** Root: the corpus's images hold device nodes, which fsck.erofs --extract makes only as root. */
    private static boolean root() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        String why = "fsck.erofs --extract of the corpus's images makes device nodes, which needs root";
        if (ErofsUtils.oraclesRequired()) {
            throw new IllegalStateException(why);
        }
        System.out.println("SKIPPED: " + why);
        return false;
    }

    @Test
    @DisplayName("erofs-utils on PATH (1.5 on bookworm) over the corpus: DEFLATE/ZSTD/LZMA refused as too old, every divergence a known one")
    void systemUtilsOverTheCorpus() throws IOException {
        assumeTrue(ErofsUtils.require(ErofsUtils.FSCK) && root());
        FsckReference ref = FsckReference.onPath();
        assertThat(ref.unavailable()).isEmpty();
        Map<String, String> v = run(ref);
        assertThat(v.get("options/directio-fileio")).isEqualTo("agree");
        assertThat(v.get("options/bad-cache-strategy")).startsWith("refused:").contains("\"read\": false");
        assertThat(v.values()).filteredOn("agree"::equals).hasSizeGreaterThan(30);
        if (ref.identity().release().equals("1.5")) {
            assertThat(v.get("algorithms/deflate-fileio")).startsWith("refused:").contains("unknown compression format");
            assertThat(diverging(v)).isEqualTo(KNOWN_DIVERGENCES.get("1.5"));
        }
    }

    @Test
    @DisplayName("the pinned modern erofs-utils (1.9.4) over the corpus: DEFLATE agrees, every divergence a known one")
    void modernUtilsOverTheCorpus() throws IOException {
        Optional<Path> fsck = ErofsUtils.requireModern(ErofsUtils.FSCK);
        assumeTrue(fsck.isPresent() && root());
        FsckReference ref = FsckReference.inBuild(fsck.get().getParent().getParent());
        assertThat(ref.unavailable()).isEmpty();
        Map<String, String> v = run(ref);
        assertThat(v.get("algorithms/deflate-fileio")).isEqualTo("agree");
        assertThat(v.get("options/directio-fileio")).isEqualTo("agree");
        if (ref.identity().release().equals(ErofsUtils.MODERN_VERSION)) {
            assertThat(diverging(v)).isEqualTo(KNOWN_DIVERGENCES.get(ErofsUtils.MODERN_VERSION));
        }
    }

    @Test
    @DisplayName("a build folder without fsck.erofs: unavailable, with the reason, and every case unchecked")
    void missingBuild() throws IOException {
        FsckReference ref = FsckReference.find(Path.of("/nonexistent-erofs-utils"));
        assertThat(ref.unavailable()).get().asString().contains("no fsck.erofs in the erofs-utils build /nonexistent-erofs-utils");
        Observation o = ref.observe(Case.of(corpus("options/directio-fileio")));
        assertThat(o).isInstanceOfSatisfying(Observation.Unchecked.class,
                u -> assertThat(u.why()).isEqualTo(Observation.Why.UNAVAILABLE));
    }
}
