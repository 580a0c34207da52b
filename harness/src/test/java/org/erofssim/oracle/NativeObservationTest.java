package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.testkit.Checkout;
import org.junit.jupiter.api.Test;

/**
 * The native guest runner's raw lines turned into outcomes ({@link NativeObservation}) without
 * root: {@code native-raw-lines.jsonl} holds, per scenario, the raw line the runner
 * ({@code vm/guest-runner.c}) wrote on this project's host (Linux 6.18.44, 2026-12-06) and the
 * outcome the JVM live oracle ({@link LiveKernelOracle#observe}) gave for the same scenario right
 * before it on the same kernel: a mounted block device with its tree walk, EACCES on a read-only
 * loop device, ENOTBLK on a directory, an empty source, fsoffset refused, EIO at a packed xattr
 * prefix, a multi-device bdev, and two fsopen mounts with their context log; and (2026-12-07, same
 * host kernel) files on file systems of their own: ramfs (mounted fileio), overlay, procfs and
 * tmpfs (ENOTBLK), inside a file-backed erofs (ENOTBLK) and a block-device erofs (mounted), and a
 * {@code device=} file on tmpfs. The conversion must give the oracle's outcome exactly (every
 * field, notes included).
 */
class NativeObservationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    private static List<JsonNode> lines() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = NativeObservationTest.class.getResourceAsStream("native-raw-lines.jsonl")) {
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
        }
        return out;
    }

    private static Scenario scenario(JsonNode line) {
        return ScenarioJson.read(Checkout.root().resolve(line.get("scenario").asText()));
    }

    @Test
    void capturedRawLinesGiveTheJvmOraclesOutcomes() throws IOException {
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(16);
        int mounted = 0;
        for (JsonNode line : lines) {
            Scenario sc = scenario(line);
            assertThat(NativePlan.unsupported(sc)).as(line.get("scenario").asText()).isNull();
            MountOutcome o = NativeObservation.outcome(sc, line.get("raw"));
            String expected = OutcomeJson.write(OutcomeJson.read(JSON.writeValueAsString(line.get("oracle"))));
            assertThat(OutcomeJson.write(o)).as(line.get("scenario").asText()).isEqualTo(expected);
            if (o instanceof MountOutcome.Mounted m && m.tree() != null) {
                mounted++;
            }
        }
        assertThat(mounted).as("cases with a walked tree").isGreaterThanOrEqualTo(1);
    }

    /** The runner observes once: evidence of erofs activity that may be another's is a LOG_UNCERTAIN note, not a repeat. */
    @Test
    void anAmbiguousWindowIsNotedNotRepeated() throws IOException {
        JsonNode fileMount = null;
        for (JsonNode line : lines()) {
            if (line.get("oracle").path("mode").asText().equals("fileio") && line.get("oracle").has("superblock")) {
                fileMount = line;
            }
        }
        assertThat(fileMount).as("a file-backed mount among the captured lines").isNotNull();
        ObjectNode raw = fileMount.get("raw").deepCopy();
        ArrayNode kmsg = (ArrayNode) raw.get("kmsg");
        String mountLine = null;
        for (JsonNode r : kmsg) {
            String text = new String(HexFormat.of().parseHex(r.asText()), StandardCharsets.ISO_8859_1);
            if (text.contains("mounted with root inode")) {
                mountLine = r.asText();
            }
        }
        assertThat(mountLine).as("the captured mount line").isNotNull();
        kmsg.add(mountLine); // a second mount line in the window: one of them is another mount's
        MountOutcome o = NativeObservation.outcome(scenario(fileMount), raw);
        assertThat(o.notes()).anyMatch(n -> n.startsWith(OutcomeComparator.LOG_UNCERTAIN)
                && n.contains("2 mount lines for one mount(2)"));
    }

    /**
     * A window whose /dev/kmsg reads failed with EPIPE (records overwritten before the runner read
     * them): the runner's {@code kmsgLost} count becomes the LOG_INCOMPLETE note with that count,
     * and nothing else of the outcome changes; lost guard records alone add no note.
     */
    @Test
    void aWindowThatLostRecordsSaysSo() throws IOException {
        JsonNode line = null;
        for (JsonNode l : lines()) {
            if (l.get("raw").path("kmsg").size() > 0 && line == null) {
                line = l;
            }
        }
        assertThat(line).as("a captured line with a kernel log").isNotNull();
        Scenario sc = scenario(line);
        MountOutcome complete = NativeObservation.outcome(sc, line.get("raw"));
        assertThat(complete.notes()).noneMatch(n -> n.startsWith(OutcomeComparator.LOG_INCOMPLETE));
        ObjectNode raw = line.get("raw").deepCopy();
        raw.put("kmsgLost", 187);
        raw.put("guardLost", 190);
        MountOutcome cut = NativeObservation.outcome(sc, raw);
        assertThat(cut.notes()).containsExactlyElementsOf(java.util.stream.Stream.concat(complete.notes().stream(),
                java.util.stream.Stream.of(NativeObservation.logIncomplete(187))).toList());
        assertThat(NativeObservation.logIncomplete(187)).startsWith(OutcomeComparator.LOG_INCOMPLETE)
                .contains("at least 187 record(s)");
        assertThat(cut.log()).isEqualTo(complete.log());
        ObjectNode guardOnly = line.get("raw").deepCopy();
        guardOnly.put("guardLost", 3);
        assertThat(OutcomeJson.write(NativeObservation.outcome(sc, guardOnly))).isEqualTo(OutcomeJson.write(complete));
    }

    @Test
    void aNamespaceTheGuestCouldNotBuildIsTheOraclesRefusal() throws IOException {
        JsonNode line = lines().get(0);
        ObjectNode raw = line.get("raw").deepCopy();
        raw.put("setupErrno", 28);
        raw.put("setupWhat", "write image");
        assertThatThrownBy(() -> NativeObservation.outcome(scenario(line), raw)).isInstanceOf(OracleUnavailable.class)
                .hasMessageContaining("cannot build the scenario's namespace: write image: ENOSPC");
    }

    @Test
    void whatTheRunnerDoesNotRealiseGoesToTheJvm() {
        Scenario plain = ScenarioJson.read(Checkout.root().resolve("fixtures/scenarios/decision-table/row06-file-read.json"));
        assertThat(NativePlan.unsupported(plain)).isNull();
        assertThat(NativePlan.unsupported(plain.toBuilder().probeCache(true).build())).contains("probe");
        assertThat(NativePlan.unsupported(plain.toBuilder().mmap(true).build())).contains("probe");
        assertThat(NativePlan.unsupported(ScenarioJson.read(Checkout.root().resolve(
                "fixtures/scenarios/decision-table/row07-file-tmpfs.json")))).isNull();
        assertThat(NativePlan.unsupported(ScenarioJson.read(Checkout.root().resolve(
                "fixtures/scenarios/decision-table/row12-fifo.json")))).contains("kind fifo");
        assertThat(NativePlan.unsupported(ScenarioJson.read(Checkout.root().resolve(
                "fixtures/scenarios/decision-table/row11-socket.json")))).contains("kind socket");
        Node.RegularFile f = (Node.RegularFile) plain.namespace().nodes().get(plain.source());
        ImageBytes faulty = f.bytes().withFaults(new org.erofssim.block.Faults(java.util.Map.of(0L, org.erofssim.block.Faults.Kind.EIO)));
        Scenario withFault = plain.toBuilder().node(plain.source(), new Node.RegularFile(faulty, f.fs())).build();
        assertThat(NativePlan.unsupported(withFault)).contains("injected faults");
    }

    /**
     * Refusals the guest gives before mounting anything are answered on the host with the guest
     * JVM's texts; these three were printed by {@code erofs-sim observe} in a 6.1.0-57 guest
     * (2026-12-06, fuzz cases of seed 15) for scenarios of these shapes.
     */
    @Test
    void refusalsBeforeAnyMountAreAnsweredOnTheHostWithTheGuestsText() {
        Scenario bdev = ScenarioJson.read(Checkout.root().resolve("fixtures/scenarios/decision-table/row03-bdev.json"));
        Node.BlockDevice b = (Node.BlockDevice) bdev.namespace().nodes().get("/dev/loop0");
        assertThat(NativePlan.hostAnswer(bdev)).isNull();
        Scenario dax = bdev.toBuilder().node("/dev/loop0", new Node.BlockDevice(b.bytes(), b.dev(), b.readOnly(),
                b.logicalBlockSize(), true)).build();
        assertThat(NativePlan.hostAnswer(dax)).isEqualTo(new NativePlan.Answer(77, "erofs-sim observe: scenario refused by "
                + "the kernel oracle: bdev /dev/loop0 with dax cannot be realised with a loop device"));
        Scenario faulty = bdev.toBuilder().node("/dev/loop0", new Node.BlockDevice(b.bytes().withFaults(
                new org.erofssim.block.Faults(java.util.Map.of(0L, org.erofssim.block.Faults.Kind.EIO))), b.dev(),
                b.readOnly(), b.logicalBlockSize(), false)).build();
        assertThat(NativePlan.hostAnswer(faulty)).isEqualTo(new NativePlan.Answer(77, "erofs-sim observe: kernel oracle "
                + "unavailable: node /dev/loop0: injected read faults cannot be realised on a real kernel"));
        Scenario longOptions = bdev.toBuilder().options("device=/srv/" + "d".repeat(4060) + ",acl").build();
        assertThat(NativePlan.hostAnswer(longOptions).exit()).isEqualTo(2);
        assertThat(NativePlan.hostAnswer(longOptions).error()).startsWith("erofs-sim observe: scenario refused by the "
                + "kernel oracle: option string of 4076 bytes holds paths the sandbox makes longer");
    }

    /**
     * {@code Sandbox.realise} writes the files on its own ext4 first, then the block devices'
     * images, then the files on other file systems kind by kind, and never reads a procfs file's
     * bytes: the host's answer for injected faults names the first faulty node in that order.
     */
    @Test
    void faultsInFilesOnOtherFileSystemsAreRefusedInTheSandboxsWriteOrder() throws IOException {
        Scenario tmpfs = ScenarioJson.read(Checkout.root().resolve("fixtures/scenarios/decision-table/row07-file-tmpfs.json"));
        Node.RegularFile f = (Node.RegularFile) tmpfs.namespace().nodes().get(tmpfs.source());
        assertThat(f.fs()).isEqualTo(org.erofssim.block.BackingFs.TMPFS);
        ImageBytes faulty = f.bytes().withFaults(new org.erofssim.block.Faults(java.util.Map.of(0L,
                org.erofssim.block.Faults.Kind.EIO)));
        Scenario both = tmpfs.toBuilder().node(tmpfs.source(), new Node.RegularFile(faulty, org.erofssim.block.BackingFs.TMPFS))
                .node("/zz/late.erofs", new Node.RegularFile(faulty, null)).build();
        assertThat(tmpfs.source().compareTo("/zz/late.erofs")).isNegative(); // first in path order, written last
        assertThat(NativePlan.hostAnswer(both)).isEqualTo(new NativePlan.Answer(77, "erofs-sim observe: kernel oracle "
                + "unavailable: node /zz/late.erofs: injected read faults cannot be realised on a real kernel"));
        Scenario onTmpfs = tmpfs.toBuilder().node(tmpfs.source(), new Node.RegularFile(faulty,
                org.erofssim.block.BackingFs.TMPFS)).build();
        assertThat(NativePlan.hostAnswer(onTmpfs).error()).endsWith("node " + tmpfs.source()
                + ": injected read faults cannot be realised on a real kernel");
        Scenario onProc = tmpfs.toBuilder().node(tmpfs.source(), new Node.RegularFile(faulty,
                org.erofssim.block.BackingFs.PROC)).build();
        assertThat(NativePlan.hostAnswer(onProc)).as("a procfs file's bytes are never read").isNull();
        assertThat(NativePlan.unsupported(onProc)).isNull();
        NativePlan.Writer w = new NativePlan.Writer(tmp);
        w.add("proc", onProc);
        w.add("tmpfs", tmpfs);
        String src = NativePlan.hex(tmpfs.source());
        assertThat(w.plan().lines()).contains("N f " + src + " 0:0 proc", "N f " + src + " 0:" + f.bytes().size() + " tmpfs");
        assertThat(NativeObservation.sandboxNotes(onProc)).containsExactly(Sandbox.PROC_NOTE);
        assertThat(NativeObservation.sandboxNotes(tmpfs)).isEmpty();
    }

    @Test
    void planLinesNameEveryStringInHex() throws IOException {
        Scenario plain = ScenarioJson.read(Checkout.root().resolve("fixtures/scenarios/decision-table/row03-bdev.json"));
        NativePlan.Writer w = new NativePlan.Writer(tmp);
        w.add("row03", plain);
        List<String> plan = w.plan().lines().toList();
        assertThat(plan.get(0)).startsWith("P ");
        assertThat(plan.get(1)).startsWith("C " + NativePlan.hex("row03") + " " + NativePlan.hex("/dev/loop0") + " - ");
        String bdev = plan.stream().filter(l -> l.startsWith("N b " + NativePlan.hex("/dev/loop0") + " ")).findFirst()
                .orElseThrow();
        long size = plain.namespace().nodes().get("/dev/loop0") instanceof Node.BlockDevice b ? b.bytes().size() : -1;
        assertThat(bdev.split(" ")[3]).isEqualTo("0:" + size); // the loop device's (512-byte rounded) bytes, first in the pack
        assertThat(java.nio.file.Files.size(tmp.resolve("images.pack"))).isEqualTo(size);
        assertThat(plan.get(0)).isEqualTo("P " + NativePlan.hex(tmp.resolve("images.pack").toString()) + " " + size);
        assertThat(plan.get(plan.size() - 1)).isEqualTo("E");
        assertThat(NativePlan.hex("")).isEqualTo("=");
        assertThat(NativePlan.hex(null)).isEqualTo("-");
    }
}
