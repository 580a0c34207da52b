package org.erofssim.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.testkit.Checkout;

/**
 * {@link ScenarioJsonWriter} against {@link ScenarioJson}: every scenario file of the repository's
 * corpora, read, written and read again, is the same scenario and the model answers it the same.
 * "The same" is checked without the writer: the records' fields by equality, and each node's
 * bytes by what a read of every 4 KiB page through both gives (the bytes, how many, or the
 * injected error), so faults count too.
 */
@Label("Scenario JSON writer: read -> write -> read gives the same scenario and the same model outcome")
class ScenarioJsonRoundTripProperties {
    /** Every file under fixtures/ (recordings aside) that the reader takes as a scenario, by path. */
    static final List<Path> CORPUS = corpus();

    private static List<Path> corpus() {
        Path fixtures = Checkout.root().resolve("fixtures");
        try (Stream<Path> files = Files.walk(fixtures)) {
            List<Path> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> !fixtures.relativize(p).startsWith("recorded")).sorted().toList()) {
                try {
                    ScenarioJson.read(f);
                    out.add(f);
                } catch (ScenarioException | IllegalArgumentException e) {
                    // not a scenario (an expectation, a catalogue) or one naming a missing image
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each corpus file unchanged: the round trip over all of them, one by one. */
    @Example
    void everyCorpusScenarioSurvivesARoundTrip() throws IOException {
        assertThat(CORPUS).as("scenario files under fixtures/").hasSizeGreaterThan(200);
        Path dir = Files.createTempDirectory("erofs-sim-roundtrip-");
        try {
            for (Path f : CORPUS) {
                roundTrip(ScenarioJson.read(f), dir);
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** A corpus scenario changed in the fields a scenario file has, then round-tripped. */
    @Property(tries = 150, seed = "20261206")
    void variedCorpusScenariosSurviveARoundTrip(@ForAll("varied") Scenario s) throws IOException {
        Statistics.label("node kinds").collect(s.namespace().nodes().values().stream().map(Node::kind).distinct()
                .sorted().toList().toString());
        Statistics.label("faults").collect(s.namespace().nodes().values().stream().anyMatch(n -> !bytes(n).faults().isEmpty()));
        Statistics.label("config overrides").collect(!s.kernel().config().equals(s.kernel().profile().defaultConfig()));
        Statistics.label("api").collect(s.api());
        Path dir = Files.createTempDirectory("erofs-sim-roundtrip-");
        try {
            roundTrip(s, dir);
        } finally {
            deleteTree(dir);
        }
    }

    @Provide
    Arbitrary<Scenario> varied() {
        Arbitrary<Map<ConfigFlag, Boolean>> config = Arbitraries.maps(Arbitraries.of(ConfigFlag.class),
                Arbitraries.of(true, false)).ofMaxSize(3);
        Arbitrary<Map<Long, Faults.Kind>> faults = Arbitraries.maps(Arbitraries.longs().between(0, 8),
                Arbitraries.of(Faults.Kind.class)).ofMaxSize(2);
        return Combinators.combine(Arbitraries.of(CORPUS), Arbitraries.of(Releases.all()), config,
                Arbitraries.of(Scenario.MountApi.class), Arbitraries.integers().between(0, 3),
                Arbitraries.of(Scenario.DEFAULT_READ_SIZE, 4096, 1, 65536 + 17),
                Arbitraries.of("", "ro", "directio", "device=/srv/x.erofs,fsid=a b"), faults)
                .as((file, release, cfg, api, bits, readSize, opt, faultMap) -> {
                    Scenario base = ScenarioJson.read(file);
                    Scenario.Builder b = base.toBuilder().kernel(new KernelConfig(release, cfg)).api(api)
                            .readOnly((bits & 1) != 0).read((bits & 2) != 0)
                            .readSize(base.mmap() ? Scenario.DEFAULT_READ_SIZE : readSize);
                    if (!opt.isEmpty()) {
                        b.options(opt);
                    }
                    // faults on the first node that holds bytes (no corpus file has any)
                    new TreeMap<>(base.namespace().nodes()).entrySet().stream()
                            .filter(e -> e.getValue() instanceof Node.RegularFile || e.getValue() instanceof Node.BlockDevice d
                                    && d.bytes() != null)
                            .findFirst().ifPresent(e -> b.node(e.getKey(), withFaults(e.getValue(), new Faults(faultMap))));
                    return b.build();
                });
    }

    private static Node withFaults(Node n, Faults f) {
        if (n instanceof Node.RegularFile r) {
            return new Node.RegularFile(r.bytes().withFaults(f), r.fs());
        }
        Node.BlockDevice d = (Node.BlockDevice) n;
        return new Node.BlockDevice(d.bytes().withFaults(f), d.dev(), d.readOnly(), d.logicalBlockSize(), d.dax(), d.nodev());
    }

    /** A profile changed with {@code without(...)} is no release: refused with one line, not written wrong. */
    @Example
    void aChangedProfileHasNoFileForm() {
        KernelProfile changed = Releases.DEFAULT.toBuilder().without(Releases.DEFAULT.behaviors().iterator().next()).build();
        Scenario s = Scenario.builder().kernel(changed).build();
        assertThatThrownBy(() -> ScenarioJsonWriter.toJson(s, b -> "x.img"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a modelled release");
    }

    static void roundTrip(Scenario s, Path dir) {
        Path file = ScenarioJsonWriter.write(s, dir.resolve("s.json"));
        Scenario back = ScenarioJson.read(file);
        String what = s.name();
        assertThat(back.name()).as(what).isEqualTo(s.name());
        assertThat(back.kernel()).as(what).isEqualTo(s.kernel());
        assertThat(back.source()).as(what).isEqualTo(s.source());
        assertThat(back.options()).as(what).isEqualTo(s.options());
        assertThat(back.readOnly()).as(what).isEqualTo(s.readOnly());
        assertThat(back.before()).as(what).isEqualTo(s.before());
        assertThat(List.of(back.read(), back.extents(), back.probeCache(), back.mmap())).as(what)
                .isEqualTo(List.of(s.read(), s.extents(), s.probeCache(), s.mmap()));
        assertThat(back.api()).as(what).isEqualTo(s.api());
        assertThat(back.readSize()).as(what).isEqualTo(s.readSize());
        assertThat(nodes(back)).as(what).isEqualTo(nodes(s));
        assertThat(outcome(back)).as(what + ": the model's outcome").isEqualTo(outcome(s));
    }

    /** The nodes with their bytes replaced by what reading each page gives. */
    private static Map<String, List<String>> nodes(Scenario s) {
        Map<String, List<String>> out = new TreeMap<>();
        s.namespace().nodes().forEach((path, n) -> {
            List<String> v = new ArrayList<>();
            v.add(n.kind());
            if (n instanceof Node.BlockDevice d) {
                v.add(d.dev() + " ro=" + d.readOnly() + " lbs=" + d.logicalBlockSize() + " dax=" + d.dax() + " nodev=" + d.nodev());
                v.add(d.bytes() == null ? "unbound" : pages(d.bytes()));
            } else if (n instanceof Node.RegularFile r) {
                v.add(r.fs().contractName());
                v.add(pages(r.bytes()));
            } else if (n instanceof Node.FscacheBlob b) {
                v.add(b.daemon() + " " + b.pastEnd());
                v.add(pages(b.bytes()));
            } else {
                v.add(n.toString());
            }
            out.put(path, v);
        });
        return out;
    }

    /** Size, then per 4 KiB page the bytes' hash and count, or the error the read raises. */
    private static String pages(ImageBytes b) {
        StringBuilder sb = new StringBuilder("size " + b.size());
        byte[] buf = new byte[ImageBytes.PAGE_SIZE];
        for (long pos = 0; pos < b.size() + ImageBytes.PAGE_SIZE; pos += ImageBytes.PAGE_SIZE) {
            try {
                java.util.Arrays.fill(buf, (byte) 0);
                int n = b.read(pos, buf, 0, buf.length);
                sb.append(' ').append(n).append(':').append(java.util.Arrays.hashCode(buf));
            } catch (KernelError e) {
                sb.append(' ').append(e.errno());
            }
        }
        return sb.toString();
    }

    private static ImageBytes bytes(Node n) {
        if (n instanceof Node.BlockDevice d && d.bytes() != null) {
            return d.bytes();
        }
        if (n instanceof Node.RegularFile r) {
            return r.bytes();
        }
        if (n instanceof Node.FscacheBlob b) {
            return b.bytes();
        }
        return ImageBytes.empty();
    }

    /** The model's outcome as JSON, or the exception it ends with. */
    private static String outcome(Scenario s) {
        try {
            return OutcomeJson.write(MountModel.predict(s));
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
