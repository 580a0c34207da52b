package org.erofssim.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest covers /tmp with its own scratch disk and binds one host folder back over it
 * ({@code erv.keep}): scenario files under /tmp (a {@code fuzz --out /tmp/...} campaign's batches)
 * are kept visible, and what cannot be kept is refused in one line before any boot.
 */
class GuestKeepTest {
    @TempDir
    Path tmp;

    private static final Path WORK = Path.of("/work/checkout");

    @Test
    void nothingUnderTmpKeepsNothing() {
        assertThat(VmKernel.guestKeep(WORK, "/work/checkout", List.of(Path.of("/work/checkout/fixtures/s.json")))).isNull();
    }

    @Test
    void aCheckoutUnderTmpIsKeptAsBefore() {
        assertThat(VmKernel.guestKeep(Path.of("/tmp/x"), "/tmp/x", List.of(Path.of("/tmp/x/fixtures/scenarios/a.json"))))
                .isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void scenariosOfAFuzzOutUnderTmpAreKept() {
        List<Path> batch = List.of(Path.of("/tmp/out/vm-batch/batch-1/case-1.json"),
                Path.of("/tmp/out/vm-batch/batch-1/case-2.json"));
        assertThat(VmKernel.guestKeep(WORK, "/work/checkout", batch)).isEqualTo(Path.of("/tmp/out/vm-batch/batch-1"));
        // scenarios in two folders of one campaign: their common folder
        assertThat(VmKernel.guestKeep(WORK, null, List.of(Path.of("/tmp/out/a/s.json"), Path.of("/tmp/out/b/c/s.json"))))
                .isEqualTo(Path.of("/tmp/out"));
        // the checkout and its scenarios below it
        assertThat(VmKernel.guestKeep(Path.of("/tmp/x"), "/tmp/x", List.of(Path.of("/tmp/x/out/s.json"))))
                .isEqualTo(Path.of("/tmp/x"));
        // a run started from /tmp itself
        assertThat(VmKernel.guestKeep(Path.of("/tmp"), "/work/checkout", List.of(Path.of("/tmp/o/s.json"))))
                .isEqualTo(Path.of("/tmp/o"));
    }

    @Test
    void whatCannotBeKeptIsOneLine() {
        assertThatThrownBy(() -> VmKernel.guestKeep(WORK, null, List.of(Path.of("/tmp/s.json"))))
                .isInstanceOf(VmUnavailable.class)
                .hasMessage("scenario /tmp/s.json is directly in /tmp, which the VM guest covers with its own scratch disk:"
                        + " put it in a folder (below /tmp or elsewhere)");
        assertThatThrownBy(() -> VmKernel.guestKeep(Path.of("/tmp/x"), "/tmp/x", List.of(Path.of("/tmp/out/s.json"))))
                .isInstanceOf(VmUnavailable.class)
                .hasMessage("the VM guest covers /tmp with its own scratch disk and keeps one folder of the host's below it,"
                        + " but /tmp/x and /tmp/out are in different ones: put the scenarios (fuzz --out) and the checkout"
                        + " in one folder below /tmp, or outside /tmp");
    }

    @Test
    void theRefusalComesBeforeAnyBoot() throws Exception {
        Path booted = tmp.resolve("booted");
        Path q = tmp.resolve("fake-qemu");
        Files.writeString(q, "#!/bin/sh\n: > " + booted + "\n");
        Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rwx------"));
        BootKernel.Prepared k = new BootKernel.Prepared("9.9.9-fake", tmp.resolve("boot"), List.of(), List.of());
        VmKernel vm = new VmKernel(k, q, Duration.ofSeconds(30), tmp.resolve("scratch"));
        assertThatThrownBy(() -> vm.observe(List.of(Path.of("/tmp/s.json")), Path.of("/usr/bin/java"), tmp.resolve("x.jar")))
                .isInstanceOf(VmUnavailable.class)
                .hasMessageStartingWith("kernel 9.9.9-fake: scenario /tmp/s.json is directly in /tmp");
        assertThat(booted).as("QEMU was never started").doesNotExist();
        assertThat(tmp.resolve("scratch")).as("no run folder was made").doesNotExist();
    }
}
