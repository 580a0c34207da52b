package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.testkit.Checkout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A boot split between the native guest runner and the guest JVM, with a shell script standing
 * in for QEMU (as {@link VmKernelTest}) that writes the runner's raw lines captured on the host
 * ({@code oracle/native-raw-lines.jsonl}, see {@code NativeObservationTest}) and the JVM's line.
 */
class NativeBatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static List<JsonNode> captured() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (InputStream in = NativeBatchTest.class.getResourceAsStream("/org/erofssim/oracle/native-raw-lines.jsonl")) {
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
        }
        return out;
    }

    private VmKernel vm(String body) throws IOException {
        Path q = tmp.resolve("fake-qemu");
        Files.writeString(q, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in *erv.out=*) OUT=${a##*erv.out=}; OUT=${OUT%% *};; esac; done\n"
                + body + "\n");
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwx------"));
        BootKernel.Prepared k = new BootKernel.Prepared("9.9.9-fake", tmp.resolve("boot"), List.of(), List.of());
        return new VmKernel(k, q, Duration.ofSeconds(30), tmp.resolve("scratch"));
    }

    private static String printf(List<String> lines, String file) {
        StringBuilder sb = new StringBuilder("printf '%s\\n'");
        for (String l : lines) {
            sb.append(" '").append(l.replace("'", "'\\''")).append('\'');
        }
        return sb.append(" > \"$OUT/").append(file).append("\"\n").toString();
    }

    @Test
    void runnerLinesAndJvmLinesComeBackInTheOrderOfTheScenarios() throws Exception {
        List<JsonNode> lines = captured();
        JsonNode a = lines.get(0);
        JsonNode b = lines.get(1);
        Path pa = Checkout.root().resolve(a.get("scenario").asText());
        Path pb = Checkout.root().resolve(b.get("scenario").asText());
        Path jvmOnly = Checkout.root().resolve("fixtures/scenarios/decision-table/row11-socket.json");
        assertEquals(List.of(pa, pb, jvmOnly), VmKernel.nativeFirst(List.of(pa, jvmOnly, pb)));
        Path copy = tmp.resolve("cmd.copy");
        String jvmLine = "{\"scenario\":\"" + jvmOnly + "\",\"release\":\"9.9.9-fake\",\"exit\":0,"
                + "\"outcome\":{\"version\":1,\"outcome\":\"failed\",\"errno\":\"ENOTBLK\"},\"error\":null,\"seconds\":1.5}";
        VmKernel.Boot boot = vm("cp \"$OUT/cmd.sh\" " + copy + "\necho 'ERV-CMD-START uptime=4.2'\n"
                + "test -s \"$OUT/native/plan.txt\" || exit 3\n"
                + printf(List.of(JSON.writeValueAsString(a.get("raw")), JSON.writeValueAsString(b.get("raw"))), "native.jsonl")
                + printf(List.of(jvmLine), "outcomes.jsonl")
                + "printf 'ERV-NATIVE-START uptime=5.0\\nERV-NATIVE-END uptime=5.5\\n' > \"$OUT/output.txt\"\n"
                + "echo 0 > \"$OUT/rc\"").observe(List.of(pa, jvmOnly, pb), Path.of("/usr/bin/java"),
                Files.writeString(tmp.resolve("erofs-sim.jar"), "not really a jar"), tmp.resolve("runner"));
        assertEquals(3, boot.observations().size());
        assertEquals(OutcomeJson.write(OutcomeJson.read(JSON.writeValueAsString(a.get("oracle")))),
                boot.observations().get(0).outcomeJson());
        assertEquals("{\"version\":1,\"outcome\":\"failed\",\"errno\":\"ENOTBLK\"}", boot.observations().get(1).outcomeJson());
        assertEquals(OutcomeJson.write(OutcomeJson.read(JSON.writeValueAsString(b.get("oracle")))),
                boot.observations().get(2).outcomeJson());
        assertEquals(pb.toString(), boot.observations().get(2).scenario());
        assertEquals(0.5, VmKernel.nativeSeconds(boot.output()), 1e-9);
        String script = Files.readString(copy);
        assertTrue(script.contains("if [ -e /proc/config.gz ]; then"), script);
        assertTrue(script.contains("'" + tmp.resolve("runner") + "' '"), script);
        assertTrue(script.strip().endsWith("'" + jvmOnly + "'"), script);
        assertTrue(!script.contains("/proc/sys/kernel/printk") || NativeBatch.quietConsole(System.getenv()), script);
        // asked for, the console is quiet while the runner observes, and set back before the JVM's cases
        script = NativeBatch.split(List.of(pa, jvmOnly, pb)).script(Path.of("/"), Path.of("/usr/bin/java"),
                tmp.resolve("erofs-sim.jar"), null, tmp, tmp.resolve("runner"), true);
        int quiet = script.indexOf("echo " + NativeBatch.RUNNER_CONSOLE_LEVEL + " > /proc/sys/kernel/printk");
        int runner = script.indexOf("'" + tmp.resolve("runner") + "' '");
        int back = script.indexOf("echo \"$ERV_CONSOLE_LEVEL\" > /proc/sys/kernel/printk");
        int read = script.indexOf("read ERV_CONSOLE_LEVEL ERV_REST < /proc/sys/kernel/printk");
        assertTrue(read >= 0 && read < quiet && quiet < runner
                && runner < back && back < script.indexOf("GuestBatch", runner), script);
    }

    @Test
    void aPanicDuringTheRunnerGivesTheAnsweredPrefix() throws Exception {
        List<JsonNode> lines = captured();
        Path pa = Checkout.root().resolve(lines.get(0).get("scenario").asText());
        Path pb = Checkout.root().resolve(lines.get(1).get("scenario").asText());
        VmKernel.Crashed c = assertThrows(VmKernel.Crashed.class, () -> vm("echo 'ERV-CMD-START uptime=4.2'\n"
                + printf(List.of(JSON.writeValueAsString(lines.get(0).get("raw")), "{\"case\":\"31\",\"rel"), "native.jsonl")
                + "echo '[ 9.0] Kernel panic - not syncing: Fatal exception'").observe(List.of(pa, pb),
                Path.of("/usr/bin/java"), Files.writeString(tmp.resolve("erofs-sim.jar"), "x"), tmp.resolve("runner")));
        assertEquals(1, c.before().size(), "the torn second line is not an answer");
        assertEquals(pa.toString(), c.before().get(0).scenario());
        assertNull(c.before().get(0).error());
    }

    /** A kernel oops kills the runner in its system call: the boot ends as after a panic, at the next case. */
    @Test
    void aRunnerKilledByAnOopsIsACrashAtTheNextCase() throws Exception {
        List<JsonNode> lines = captured();
        Path pa = Checkout.root().resolve(lines.get(0).get("scenario").asText());
        Path pb = Checkout.root().resolve(lines.get(1).get("scenario").asText());
        VmKernel.Crashed c = assertThrows(VmKernel.Crashed.class, () -> vm("echo 'ERV-CMD-START uptime=4.2'\n"
                + printf(List.of(JSON.writeValueAsString(lines.get(0).get("raw"))), "native.jsonl")
                + "echo '[ 9.0] Oops: general protection fault, probably for non-canonical address'\n"
                + "echo 'ERV-NATIVE-FAILED 139'\necho 70 > \"$OUT/rc\"").observe(List.of(pa, pb), Path.of("/usr/bin/java"),
                Files.writeString(tmp.resolve("erofs-sim.jar"), "x"), tmp.resolve("runner")));
        assertEquals("kernel 9.9.9-fake: the native guest runner died mid-case (ERV-NATIVE-FAILED 139) after a kernel oops",
                c.getMessage());
        assertEquals(1, c.before().size());
        assertTrue(c.console().contains("Oops"));
    }

    /**
     * The raw lines taken while the guest runs ({@link NativeBatch#convertSoFar}, a line at a time
     * as the guest's writes arrive, a half-written line left for later) give the same observations
     * as reading them all at the end; a line that is not what was taken early is converted again.
     */
    @Test
    void linesTakenWhileTheGuestRunsGiveTheSameObservations() throws Exception {
        List<JsonNode> lines = captured();
        List<Path> files = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        for (JsonNode l : lines.subList(0, Math.min(6, lines.size()))) {
            files.add(Checkout.root().resolve(l.get("scenario").asText()));
            raw.add(JSON.writeValueAsString(l.get("raw")));
        }
        Path endOnly = Files.createDirectories(tmp.resolve("end-only"));
        NativeBatch all = NativeBatch.split(files);
        all.writePlan(endOnly);
        int n = all.nativeIndices().size();
        assertTrue(n >= 3, "captured lines for the runner: " + n);
        String text = String.join("\n", raw.subList(0, n)) + "\n";
        Files.writeString(endOnly.resolve(NativeBatch.RAW), text);
        List<VmKernel.Observation> expected = all.observations(endOnly, "9.9.9-fake");
        assertEquals(files.size(), expected.size());

        Path run = Files.createDirectories(tmp.resolve("early"));
        NativeBatch nb = NativeBatch.split(files);
        nb.writePlan(run);
        VmKernel.Reader r = nb.reader("9.9.9-fake");
        Path rawFile = run.resolve(NativeBatch.RAW);
        r.progress(run); // nothing written yet
        int cut = text.indexOf('\n') + 1 + 7; // the first line and a bit of the second
        Files.writeString(rawFile, text.substring(0, cut));
        r.progress(run);
        Files.writeString(rawFile, text.substring(0, text.length() - 1)); // all but the last newline
        r.progress(run);
        Files.writeString(rawFile, text);
        r.progress(run);
        assertEquals(expected, r.read(run));

        // a file that changed under the early reader: the end converts what it reads
        Path other = Files.createDirectories(tmp.resolve("changed"));
        NativeBatch nc = NativeBatch.split(files);
        nc.writePlan(other);
        VmKernel.Reader rc = nc.reader("9.9.9-fake");
        Files.writeString(other.resolve(NativeBatch.RAW), raw.get(1) + "\n" + raw.get(0) + "\n");
        rc.progress(other);
        Files.writeString(other.resolve(NativeBatch.RAW), text);
        assertEquals(expected, rc.read(other));
    }
}
