package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host side of a boot, with shell scripts standing in for qemu-system-x86_64. */
class VmKernelTest {
    @TempDir
    Path tmp;

    private Path fakeQemu(String body) throws IOException {
        Path q = tmp.resolve("fake-qemu");
        Files.writeString(q, "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in *erv.out=*) OUT=${a##*erv.out=}; OUT=${OUT%% *};; esac; done\n"
                + body + "\n");
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwx------"));
        return q;
    }

    private VmKernel vm(Path qemu, int seconds) {
        BootKernel.Prepared k = new BootKernel.Prepared("9.9.9-fake", tmp.resolve("boot"), List.of(), List.of());
        return new VmKernel(k, qemu, Duration.ofSeconds(seconds), tmp.resolve("scratch"));
    }

    private long scratchEntries() throws IOException {
        try (var s = Files.list(tmp.resolve("scratch"))) {
            return s.count();
        }
    }

    /**
     * Whether {@code pid} still runs: a killed child whose parent died too is a zombie until this
     * machine's init reaps it, which {@link ProcessHandle#isAlive} still counts as alive.
     */
    static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s;
        try {
            s = Files.readString(stat);
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
        char state = s.charAt(s.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }

    @Test
    void aHangingGuestIsKilledWithItsChildrenWithinTheBound() throws Exception {
        Path pid = tmp.resolve("child.pid");
        Path q = fakeQemu("echo 'SeaBIOS'\nsleep 300 &\necho $! > " + pid + "\nwait");
        // no wall time asserted (it was "under 20 s", which a loaded machine can pass): the guest's
        // child would hold the run for 300 s unless it is killed, and this bound, a hang guard far
        // above the 2 s limit, ends the test well before that
        VmUnavailable e = assertTimeoutPreemptively(Duration.ofSeconds(200),
                () -> assertThrows(VmUnavailable.class, () -> vm(q, 2).run("true")));
        assertEquals("kernel 9.9.9-fake: the guest did not finish within 2 s and was killed (last console line: SeaBIOS)",
                e.getMessage());
        long child = Long.parseLong(Files.readString(pid).strip());
        long until = System.nanoTime() + 60_000_000_000L; // killed: gone once init reaps it (ends as soon as it is)
        while (running(child) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertFalse(running(child), "the guest's child survived");
        assertEquals(0, scratchEntries(), "the run folder was left behind");
    }

    @Test
    void aPanicIsOneLineNamingTheKernel() throws Exception {
        Path q = fakeQemu("echo '[    1.0] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100'");
        VmUnavailable e = assertThrows(VmUnavailable.class, () -> vm(q, 30).run("true"));
        assertEquals("kernel 9.9.9-fake panicked: [    1.0] Kernel panic - not syncing: Attempted to kill init! "
                + "exitcode=0x00000100", e.getMessage());
        assertEquals(0, scratchEntries());
    }

    @Test
    void aGuestThatNeverRunsItsCommandIsNamed() throws Exception {
        Path q = fakeQemu("echo 'qemu-system-x86_64: could not load kernel' >&2\nexit 1");
        VmUnavailable e = assertThrows(VmUnavailable.class, () -> vm(q, 30).run("true"));
        assertEquals("kernel 9.9.9-fake: the guest command did not run (QEMU exit 1, last console line: "
                + "qemu-system-x86_64: could not load kernel)", e.getMessage());
        Path q2 = fakeQemu("echo 'ERV-FAIL cannot mount the host root over 9p'");
        assertEquals("kernel 9.9.9-fake: ERV-FAIL cannot mount the host root over 9p",
                assertThrows(VmUnavailable.class, () -> vm(q2, 30).run("true")).getMessage());
    }

    @Test
    void aBatchReturnsTheGuestsObservationsAndTheScriptItRan() throws Exception {
        Path copy = tmp.resolve("cmd.copy");
        Path q = fakeQemu("cp \"$OUT/cmd.sh\" " + copy + "\necho 'ERV-CMD-START uptime=4.2'\n"
                + "printf '%s\\n' '{\"scenario\":\"/s/a.json\",\"release\":\"9.9.9-fake\",\"exit\":0,"
                + "\"outcome\":{\"version\":1,\"outcome\":\"failed\",\"errno\":\"ENOTBLK\"},\"error\":null,\"seconds\":1.5}' "
                + "'{\"scenario\":\"/s/b.json\",\"release\":\"9.9.9-fake\",\"exit\":77,\"outcome\":null,"
                + "\"error\":\"erofs-sim observe: kernel oracle unavailable: x\",\"seconds\":0.1}' > \"$OUT/outcomes.jsonl\"\n"
                + "echo guest-output > \"$OUT/output.txt\"\necho 0 > \"$OUT/rc\"\necho 'ERV-CMD-END'");
        Path jar = Files.writeString(tmp.resolve("erofs-sim.jar"), "not really a jar");
        VmKernel.Boot b = vm(q, 30).observe(List.of(Path.of("/s/a.json"), Path.of("/s/b.json")),
                Path.of("/usr/bin/java"), jar);
        assertEquals(0, b.commandStatus());
        assertEquals("guest-output\n", b.output());
        assertEquals(2, b.observations().size());
        VmKernel.Observation a = b.observations().get(0);
        assertEquals("/s/a.json", a.scenario());
        assertEquals("{\"version\":1,\"outcome\":\"failed\",\"errno\":\"ENOTBLK\"}", a.outcomeJson());
        VmKernel.Observation bb = b.observations().get(1);
        assertEquals(77, bb.exit());
        assertEquals(null, bb.outcomeJson());
        assertTrue(bb.error().endsWith("unavailable: x"));
        assertTrue(b.secondsToCommand() != null && b.secondsToCommand() <= b.secondsTotal());
        String script = Files.readString(copy);
        assertTrue(script.contains("exec '/usr/bin/java'"), script);
        assertTrue(script.matches("(?s).*-cp '" + tmp.resolve("scratch") + "/run-[^/']+/erofs-sim.jar' "
                + "org.erofssim.cli.GuestBatch '" + tmp.resolve("scratch") + "/run-[^/']+/outcomes.jsonl'.*"), script);
        assertTrue(script.strip().endsWith("'/s/a.json' '/s/b.json'"), script);
        assertEquals(0, scratchEntries());
    }

    @Test
    void shellQuoting() {
        assertEquals("'it'\\''s'", VmKernel.quote("it's"));
    }
}
