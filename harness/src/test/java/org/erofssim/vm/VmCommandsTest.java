package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.erofssim.cli.Main;
import org.erofssim.testkit.Live;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmCommandsTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void kernelsListsTheMatrixWithPresetsAndCacheState() {
        Run r = cli("kernels", "--cache", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("6.1.0-57-amd64  [bookworm-security]  preset: 6.1.192"
                + "  cache: not fetched"), r.out());
        assertTrue(r.out().contains("6.12.118+deb13-amd64  [trixie-security]  preset: 6.12.118"), r.out());
        assertTrue(r.out().contains("  linux-modules-7.3-amd64 7.3~rc7-1~exp1  103328956 B  sha256 "
                + "3c3cb040797c989838f1f0d1667b5a1246ec6d0eee45c944e04de06db140dd00"), r.out());
    }

    @Test
    void badUsageIsOneLineExit2() throws Exception {
        Run unknown = cli("kernels", "--cache", tmp.toString(), "--fetch", "6.6");
        assertEquals(2, unknown.exit());
        assertEquals(List.of("erofs-sim kernels: unknown kernel '6.6' (known: 6.1.0-57-amd64, 6.12.107+deb12-amd64, 6.12.118+deb13-amd64, "
                + "7.2.13+deb14-amd64, 7.3-amd64, or a prefix selecting one of them)"), unknown.err().lines().toList());
        Run both = cli("kernels", "--fetch", "6.1", "--prepare", "6.1");
        assertEquals(2, both.exit());
        Files.writeString(tmp.resolve("bad.json"), "{\"kernels\": 3}");
        Run badList = cli("kernels", "--list", tmp.resolve("bad.json").toString());
        assertEquals(2, badList.exit());
        assertEquals(1, badList.err().lines().count(), badList.err());
        Run vmUnknown = cli("vm-observe", "7", "x.json");
        assertEquals(2, vmUnknown.exit());
        assertTrue(vmUnknown.err().startsWith("erofs-sim vm-observe: unknown kernel '7'"), vmUnknown.err());
        String row03 = org.erofssim.testkit.Checkout.root()
                .resolve("fixtures/scenarios/decision-table/row03-bdev.json").toString();
        Run observeUnknown = cli("observe", "--kernel", "6.6", row03);
        assertEquals(2, observeUnknown.exit());
        assertTrue(observeUnknown.err().startsWith("erofs-sim observe: unknown kernel '6.6'"), observeUnknown.err());
        Files.writeString(tmp.resolve("broken.json"), "{\"version\": 1, \"source\": 3}");
        Run broken = cli("vm-observe", "6.1", tmp.resolve("broken.json").toString());
        assertEquals(2, broken.exit(), broken.err());
        assertEquals(1, broken.err().lines().count(), broken.err());
        Run noScenario = cli("vm-observe", "6.1", tmp.resolve("missing.json").toString());
        assertEquals(2, noScenario.exit());
        assertTrue(noScenario.err().contains("no such scenario file"), noScenario.err());
    }

    /**
     * A real boot: needs root, QEMU, busybox-static and the network (or a warm cache); runs only
     * with ERO_SIM_VM_TEST=1 since a TCG boot with a guest JVM costs one to three minutes.
     */
    @Test
    @Live
    void aRealKernelBootsAndRunsACommand() {
        String why = null;
        if (!"1".equals(System.getenv("ERO_SIM_VM_TEST"))) {
            why = "set ERO_SIM_VM_TEST=1 to boot a real kernel (1-3 min under TCG)";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            why = "not root";
        } else if (Tools.which("qemu-system-x86_64") == null) {
            why = "no qemu-system-x86_64 (Debian package qemu-system-x86)";
        } else if (BootKernel.busybox() == null) {
            why = "no static busybox (Debian package busybox-static)";
        }
        if (why != null) {
            System.out.println("VmCommandsTest: real boot skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        KernelCatalog catalog = KernelCatalog.load();
        KernelCatalog.Kernel k = catalog.find("6.12").orElseThrow();
        KernelCache cache = new KernelCache(KernelCache.defaultRoot(System.getenv()), System.out::println);
        cache.fetch(catalog, k);
        BootKernel.Prepared b = BootKernel.prepare(cache, k, System.out::println);
        VmKernel.Boot boot = new VmKernel(b, VmKernel.findQemu(), java.time.Duration.ofMinutes(5),
                cache.root().resolve("runs")).run("uname -r; grep -c erofs /proc/filesystems");
        System.out.printf("VmCommandsTest: %s to command %.1f s, total %.1f s%n", k.release(), boot.secondsToCommand(),
                boot.secondsTotal());
        assertEquals(0, boot.commandStatus(), boot.output());
        assertEquals(List.of(k.release(), "1"), boot.output().lines().toList());
    }
}
