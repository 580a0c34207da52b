package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.reference.Expectation;
import org.erofssim.reference.Recordings;
import org.erofssim.report.Difference;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code record} on the running kernel (root): a small corpus copied from the bundled one is
 * recorded, the FIFO scenario refused, every recording carries its header and meets its
 * scenario's {@code expect}, {@code conform} then agrees with the fresh recordings, and nothing
 * is left mounted or attached. Not root: skipped with the reason printed, except under CI
 * ({@code CI=true}, the rule of {@link ErofsUtils#oraclesRequired()}), where it fails.
 */
class RecordCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PICKED = List.of("decision-table/row06-file-ext4", "decision-table/row03-bdev-read",
            "decision-table/row12-fifo", "multi-device/bdev-device-bdev", "superblock/bad-magic",
            "addressing/twodev-fileio");
    private static final Pattern SANDBOX = Pattern.compile("/tmp/erofs-sim-live-[^/ ]*");

    @TempDir
    Path tmp;

    static void assumeLiveOracle() {
        String why = LiveKernelOracle.unavailableReason();
        if (why == null) {
            return;
        }
        if (ErofsUtils.oraclesRequired()) {
            fail("the live kernel oracle is required under CI but unavailable: " + why);
        }
        System.out.println("SKIPPED RecordCommandTest: " + why);
        Assumptions.abort(why);
    }

    /** Copies a bundled scenario into {@code tmp/scenarios}, its image paths made absolute. */
    private Path copy(String name) throws IOException {
        Path from = Cli.root().resolve("fixtures/scenarios").resolve(name + ".json");
        ObjectNode s = (ObjectNode) JSON.readTree(from.toFile());
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("nodes").fields(); it.hasNext();) {
            ObjectNode n = (ObjectNode) it.next().getValue();
            if (n.has("image")) {
                n.put("image", from.getParent().resolve(n.get("image").asText()).normalize().toString());
            }
        }
        Path to = tmp.resolve("scenarios").resolve(name + ".json");
        Files.createDirectories(to.getParent());
        Files.writeString(to, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
        return to;
    }

    @Test
    @Live
    void recordsTheCorpusRefusesTheFifoAndLeavesNothingMountedOrAttached() throws IOException, InterruptedException {
        assumeLiveOracle();
        for (String n : PICKED) {
            copy(n);
        }
        Path corpus = tmp.resolve("scenarios");
        Set<String> mountsBefore = mounts();
        Set<String> loopsBefore = loops();
        Instant start = Instant.now().minusSeconds(1);

        Cli.Result r = Cli.run("record", "--corpus", corpus.toString());

        assertThat(leaked(mountsBefore, mounts())).as("mounts left by record").isEmpty();
        assertThat(settledLoops(loopsBefore)).as("loop devices left by record").isEmpty();
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        Path recorded = tmp.resolve("recorded").resolve(release);
        assertThat(r.out()).contains("refused      decision-table/row12-fifo: FIFO")
                .contains("recorded 5 of 6 scenarios of " + corpus + " on " + release + " into " + recorded
                        + " (0 unchanged); 1 refused, 0 not recorded");
        assertThat(recorded.resolve("decision-table/row12-fifo.json")).doesNotExist();
        assertThat(Recordings.refused(tmp.resolve("recorded"), release)).containsOnlyKeys("decision-table/row12-fifo");
        for (String n : PICKED) {
            if (n.endsWith("fifo")) {
                continue;
            }
            Path file = recorded.resolve(n + ".json");
            JsonNode h = JSON.readTree(file.toFile()).path("recording");
            assertThat(h.path("kernel").asText()).isEqualTo(release);
            assertThat(Instant.parse(h.path("date").asText())).isAfterOrEqualTo(start.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            assertThat(h.path("erofsSim").asText()).isNotBlank();
            assertThat(h.path("scenario").asText()).isEqualTo(n + ".json");
            assertThat(h.path("inputsSha256").asText()).isEqualTo(Recordings.inputsSha256(corpus.resolve(n + ".json")));
            Recordings.Recording rec = Recordings.read(tmp.resolve("recorded"), release, n);
            Expectation e = Expectation.read(corpus.resolve(n + ".json"), n);
            List<Difference> m = e.mismatches(rec.outcome());
            assertThat(m).as(n + ": the kernel's outcome against the spec's expect").isEmpty();
        }
        // the device id beyond the table (spec §5): ENODEV on read of /f9000
        JsonNode tree = JSON.readTree(recorded.resolve("addressing/twodev-fileio.json").toFile()).path("outcome").path("tree");
        boolean found = false;
        for (JsonNode e : tree) {
            if (e.path("path").asText().equals("/f9000")) {
                assertThat(e.path("readErrno").asText()).isEqualTo("ENODEV");
                found = true;
            }
        }
        assertThat(found).isTrue();

        // recording again changes nothing: the kernel gives the same outcomes, the files stay as they are
        String before = Files.readString(recorded.resolve("superblock/bad-magic.json"));
        Cli.Result again = Cli.run("record", "--corpus", corpus.toString());
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out()).contains("unchanged    superblock/bad-magic").contains("(5 unchanged)");
        assertThat(Files.readString(recorded.resolve("superblock/bad-magic.json"))).isEqualTo(before);

        // and conform now checks the model against these fresh recordings
        Cli.Result c = Cli.run("conform", "--corpus", corpus.toString(), "--report", tmp.resolve("report").toString());
        assertThat(c.exit()).as(c.out()).isZero();
        assertThat(c.out()).contains("recorded " + release + " (model profile 6.18.44): 5 agree, 0 diverge, 1 refused, 0 stale");

        // --live adds the running kernel as a third reference, released like record's runs
        Set<String> mountsBeforeLive = mounts();
        Set<String> loopsBeforeLive = loops();
        Cli.Result live = Cli.run("conform", "--live", "--corpus", corpus.toString(), "--report",
                tmp.resolve("report-live").toString());
        assertThat(leaked(mountsBeforeLive, mounts())).as("mounts left by conform --live").isEmpty();
        assertThat(settledLoops(loopsBeforeLive)).as("loop devices left by conform --live").isEmpty();
        assertThat(live.exit()).as(live.out()).isZero();
        assertThat(live.out()).containsPattern("(?m)^scenario +outcome +errno +mode +spec +" + Pattern.quote(release) + " +live$")
                .containsPattern("(?m)^decision-table/row12-fifo +blocked +- +- +pass +refused +refused$")
                .contains("live " + release + " (model profile 6.18.44): 5 agree, 0 diverge, 1 refused, 0 unchecked");
    }

    @Test
    void aMissingCorpusIsBadInputBeforeAnythingIsObserved() {
        Cli.Result r = Cli.run("record", "--corpus", tmp.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("not a directory");
    }

    // ------------------------------------------------------------------ leftovers

    static Set<String> mounts() {
        try {
            return new TreeSet<>(Files.readAllLines(Path.of("/proc/self/mounts")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bound loop devices as {@code loopN backing-file}. */
    static Set<String> loops() {
        Set<String> out = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/block"), "loop*")) {
            for (Path p : ds) {
                Path backing = p.resolve("loop/backing_file");
                if (Files.exists(backing)) {
                    out.add(p.getFileName() + " " + Files.readString(backing).strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Lines new since {@code before} that name an oracle sandbox, except those of another oracle
     * run whose sandbox still exists. Lines naming no sandbox are other users' of the machine
     * (e.g. .ci/busy-erofs mounting erofs images while the tests run), not the oracle's.
     */
    /**
     * Loop devices of oracle sandboxes still bound, after waiting up to 60 s: a cleared loop device
     * stays bound until its last opener (udev's blkid, another process) closes it, which a loaded
     * machine can delay past a few seconds (the wait ends as soon as they are gone).
     */
    static List<String> settledLoops(Set<String> before) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<String> left = leaked(before, loops());
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = leaked(before, loops());
        }
        return left;
    }

    static List<String> leaked(Set<String> before, Set<String> after) {
        List<String> out = new ArrayList<>();
        for (String line : after) {
            if (before.contains(line)) {
                continue;
            }
            Matcher m = SANDBOX.matcher(line);
            if (!m.find()) {
                continue; // not the oracle's
            }
            if (Files.exists(Path.of(m.group()))) {
                continue; // another run in progress (the oracle's global lock serialises runs, not our snapshots)
            }
            out.add(line);
        }
        return out;
    }
}
