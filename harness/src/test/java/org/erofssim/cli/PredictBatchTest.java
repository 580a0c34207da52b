package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code predict} batch shares work across its scenarios (issue 12: each scenario file decoded
 * once, one mapping per image, the command line built once): its outcome lines must be,
 * byte for byte, what {@code predict} prints for each scenario alone. Checked on every scenario of
 * the corpus, on damaged copies of the fixture images (bytes flipped at seeded offsets, read
 * whole, as a file and as a loop device), each given twice in the batch, in two orders.
 */
class PredictBatchTest {
    @TempDir
    Path dir;

    @Test
    void aBatchPrintsWhatEachScenarioAlonePrints() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Cli.root().resolve("fixtures/scenarios"))) {
            s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> files.add(p.toString()));
        }
        assertThat(files).hasSizeGreaterThan(100);
        int corpus = files.size();
        files.addAll(damaged());
        List<String> alone = new ArrayList<>();
        for (String f : files) {
            Cli.Result r = Cli.run("predict", f);
            assertThat(r.exit()).as(f + ": " + r.err()).isZero();
            assertThat(r.outLines()).as(f).hasSize(1);
            alone.add(r.outLines().get(0));
        }
        // the damaged copies reach both sides: mounts (whose trees are read) and refusals
        List<String> damagedOutcomes = alone.subList(corpus, alone.size());
        assertThat(damagedOutcomes).hasSizeGreaterThan(20)
                .anyMatch(l -> l.contains("\"outcome\":\"mounted\"") && l.contains("\"tree\":["))
                .anyMatch(l -> l.contains("\"outcome\":\"failed\""));
        // the batch: every file, then every file again in reverse order
        List<String> batch = new ArrayList<>(files);
        List<String> reversed = new ArrayList<>(files);
        Collections.reverse(reversed);
        batch.addAll(reversed);
        List<String> expected = new ArrayList<>(alone);
        List<String> back = new ArrayList<>(alone);
        Collections.reverse(back);
        expected.addAll(back);
        List<String> args = new ArrayList<>(List.of("predict", "--quiet"));
        args.addAll(batch);
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(expected.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).as("batch line %d, %s", i, batch.get(i)).isEqualTo(expected.get(i));
        }
        // the same batch given as an argument file (bench's form)
        Path at = dir.resolve("args");
        Files.writeString(at, String.join("\n", args) + "\n");
        assertThat(Cli.run("@" + at).outLines()).isEqualTo(lines);
    }

    /**
     * A batch on all cores ({@link PredictBatch}) writes, byte for byte, the concatenation of what
     * {@code predict} prints for each scenario alone (a batch of one runs on the caller's thread
     * alone): the corpus and the damaged images, each twice, on 1, 2, 3 and 7 threads (chunks of
     * one to several scenarios, a window smaller than the batch), with the outcomes turned into
     * text on the workers and, with a tree limit of 0, streamed by the writing thread.
     */
    @Test
    void aParallelBatchWritesTheBytesOfEachScenarioAlone() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Cli.root().resolve("fixtures/scenarios"))) {
            s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(p -> files.add(p.toString()));
        }
        files.addAll(damaged());
        StringBuilder alone = new StringBuilder();
        for (String f : files) {
            Cli.Result r = Cli.run("predict", f);
            assertThat(r.exit()).as(f + ": " + r.err()).isZero();
            alone.append(r.out());
        }
        List<String> batch = new ArrayList<>(files);
        batch.addAll(files);
        String expected = alone.toString() + alone;
        List<String> args = new ArrayList<>(List.of("predict", "--quiet"));
        args.addAll(batch);
        for (int threads : new int[] {1, 2, 3, 7}) {
            PredictCommand c = PredictCommand.plain(args.toArray(new String[0]));
            assertThat(c).isNotNull();
            c.threads = threads;
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(c.runCaught(new PrintWriter(out), new PrintWriter(err))).as(err.toString()).isZero();
            assertThat(out.toString()).as("%d threads", threads).isEqualTo(expected);
        }
        List<Scenario> decoded = new ArrayList<>();
        for (String f : batch) {
            decoded.add(ScenarioJson.read(Path.of(f)));
        }
        // the walks of the damaged images have trees: every one streamed by the writing thread
        assertThat(decoded).anyMatch(Scenario::read);
        StringWriter streamed = new StringWriter();
        List<Integer> counts = new ArrayList<>();
        PredictBatch.write(decoded, batch, 3, 0, streamed, counts::add);
        assertThat(streamed.toString()).isEqualTo(expected);
        // every outcome streamed is a part of its own: the counter after each line
        assertThat(counts).isSorted().doesNotHaveDuplicates().last().isEqualTo(batch.size());
        assertThat(counts).hasSizeGreaterThan(decoded.size() / 2);
    }

    /**
     * A scenario on which the model throws (a scenario no file decodes to: no namespace) in the
     * middle of a parallel batch: every outcome before it is written, in order, then its failure
     * is thrown, naming it, as the one-thread loop does; nothing after it is written.
     */
    @Test
    void aFailureInAParallelBatchComesAfterTheOutcomesBeforeIt() {
        Scenario good = ScenarioJson.read(Cli.root().resolve("fixtures/scenarios").resolve(firstScenario()));
        Scenario bad = new Scenario("bad", good.kernel(), null, good.source(), good.options(), good.readOnly(),
                good.before(), good.read(), good.extents(), good.probeCache(), good.api(), good.readSize(), good.mmap());
        String line = Cli.run("predict", Cli.root().resolve("fixtures/scenarios").resolve(firstScenario()).toString()).out();
        List<Scenario> batch = new ArrayList<>(Collections.nCopies(100, good));
        batch.set(57, bad);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            names.add("s" + i);
        }
        StringWriter out = new StringWriter();
        assertThatThrownBy(() -> PredictBatch.write(batch, names, 3, out, n -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the model failed on s57: ");
        assertThat(out.toString()).isEqualTo(line.repeat(57));
    }

    /** A scenario of the corpus, relative to fixtures/scenarios. */
    private static String firstScenario() {
        try (Stream<Path> s = Files.walk(Cli.root().resolve("fixtures/scenarios"))) {
            Path root = Cli.root().resolve("fixtures/scenarios");
            return s.filter(p -> p.toString().endsWith(".json")).sorted().findFirst().map(p -> root.relativize(p).toString())
                    .orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Damaged copies of the fixture images: scenarios reading each whole, as a file and as a loop device. */
    private List<String> damaged() throws IOException {
        List<String> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(20261206L);
        List<Path> images;
        try (Stream<Path> s = Files.list(Cli.root().resolve("fixtures/images"))) {
            images = s.filter(p -> p.toString().endsWith(".erofs")).sorted().toList();
        }
        for (Path image : images) {
            byte[] b = Files.readAllBytes(image);
            if (b.length < 2048) {
                continue;
            }
            for (int v = 0; v < 3; v++) {
                // 0 and 1: three bytes past the first block (inodes, dirents, data: the superblock
                // checksum still holds), as a file and as a loop device; 2: one in the superblock's block
                if (v < 2 && b.length <= 4096) {
                    continue;
                }
                byte[] d = b.clone();
                for (int k = 0; k < (v < 2 ? 3 : 1); k++) {
                    int at = v < 2 ? 4096 + r.nextInt(b.length - 4096) : 1024 + r.nextInt(Math.min(b.length, 4096) - 1024);
                    d[at] ^= (byte) (1 + r.nextInt(255));
                }
                String name = image.getFileName().toString().replace(".erofs", "") + "-" + v;
                Path img = dir.resolve(name + ".erofs");
                Files.write(img, d);
                boolean bdev = v == 1;
                String node = bdev ? "/dev/loop0" : "/srv/image.erofs";
                Path sc = dir.resolve(name + ".json");
                Files.writeString(sc, "{\"version\": 1, \"nodes\": {\"" + node + "\": {\"kind\": \"" + (bdev ? "bdev" : "file")
                        + "\", \"image\": \"" + img.getFileName() + "\"" + (bdev ? ", \"dev\": \"7:0\"" : "")
                        + "}}, \"source\": \"" + node + "\", \"read\": true}");
                out.add(sc.toString());
            }
        }
        return out;
    }
}
