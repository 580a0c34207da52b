package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.erofssim.fuzz.FuzzCase;
import org.erofssim.fuzz.FuzzGenerator;
import org.erofssim.kernel.Releases;
import org.erofssim.testkit.Checkout;
import org.erofssim.testkit.Live;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The native guest runner against the guest JVM on a real VM kernel: the same scenarios (the
 * decision table, the fuzz-found, multi-device and mount-API corpora, and 120 generated fuzz
 * cases) observed in one boot of Debian 6.1 each way must give the same answers: the same exit,
 * the same outcome JSON field for field (notes included), the same refusal (sandbox folder names
 * aside). Needs root, QEMU, busybox-static, gcc, the built jar, and ERO_SIM_VM_TEST=1 (two TCG
 * boots, the JVM one several minutes); skipped with a printed reason otherwise.
 */
class NativeGuestLiveTest {
    @Test
    @Live
    void theNativeRunnerAndTheGuestJvmGiveTheSameOutcomesOn61() throws IOException {
        Path jar = Checkout.root().resolve("harness/target/erofs-sim.jar");
        String why = null;
        if (!"1".equals(System.getenv("ERO_SIM_VM_TEST"))) {
            why = "set ERO_SIM_VM_TEST=1 to boot a real kernel twice (several minutes under TCG)";
        } else if (!"root".equals(System.getProperty("user.name"))) {
            why = "not root";
        } else if (Tools.which("qemu-system-x86_64") == null) {
            why = "no qemu-system-x86_64 (Debian package qemu-system-x86)";
        } else if (BootKernel.busybox() == null) {
            why = "no static busybox (Debian package busybox-static)";
        } else if (Tools.which("gcc") == null) {
            why = "no gcc (Debian package gcc) to build the native guest runner";
        } else if (!Files.isRegularFile(jar)) {
            why = "no " + jar + " (the guest JVM runs the packaged jar)";
        }
        if (why != null) {
            System.out.println("NativeGuestLiveTest: skipped: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        // not under /tmp: the guest has a /tmp of its own
        Path work = Files.createTempDirectory(Checkout.root().resolve("harness/target"), "native-guest-live-");
        try {
            List<Path> files = new ArrayList<>();
            for (String d : List.of("fixtures/scenarios/decision-table", "fixtures/fuzz-found/scenarios",
                    "fixtures/scenarios/multi-device", "fixtures/mount-api/scenarios")) {
                try (Stream<Path> s = Files.list(Checkout.root().resolve(d))) {
                    s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
                }
            }
            files.addAll(fuzzCases(work, 120));
            KernelCatalog catalog = KernelCatalog.load();
            KernelCatalog.Kernel k = catalog.find("6.1").orElseThrow();
            KernelCache cache = new KernelCache(KernelCache.defaultRoot(System.getenv()), System.out::println);
            cache.fetch(catalog, k);
            BootKernel.Prepared b = BootKernel.prepare(cache, k, System.out::println);
            Path runner = NativeRunner.build(cache.root(), System.out::println);
            Path java = ProcessHandle.current().info().command().map(Path::of).orElseThrow();
            Duration bound = Duration.ofSeconds(600 + 20L * files.size());
            List<Path> ordered = VmKernel.nativeFirst(files);
            int natives = NativeBatch.split(files).nativeIndices().size();
            VmKernel.Boot nat = new VmKernel(b, VmKernel.findQemu(), bound, cache.root().resolve("runs"))
                    .observe(ordered, java, jar, runner);
            VmKernel.Boot jvm = new VmKernel(b, VmKernel.findQemu(), bound, cache.root().resolve("runs"))
                    .observe(ordered, java, jar, null);
            System.out.printf("NativeGuestLiveTest: %d scenarios, %d through the native runner (%.1f s in the guest); "
                    + "boot with it %.1f s, JVM only %.1f s%n", files.size(), natives, VmKernel.nativeSeconds(nat.output()),
                    nat.secondsTotal(), jvm.secondsTotal());
            assertEquals(files.size(), nat.observations().size(), nat.output());
            assertEquals(files.size(), jvm.observations().size(), jvm.output());
            assertTrue(natives > files.size() / 2, "most scenarios go to the runner: " + natives);
            List<String> differ = new ArrayList<>();
            for (int i = 0; i < ordered.size(); i++) {
                VmKernel.Observation n = nat.observations().get(i);
                VmKernel.Observation j = jvm.observations().get(i);
                String en = n.error() == null ? null : n.error().replaceAll("erofs-sim-live-\\w+", "erofs-sim-live-*");
                String ej = j.error() == null ? null : j.error().replaceAll("erofs-sim-live-\\w+", "erofs-sim-live-*");
                if (n.exit() != j.exit() || !Objects.equals(n.outcomeJson(), j.outcomeJson())
                        || !Objects.equals(en, ej)) {
                    differ.add(ordered.get(i) + "\n  native " + n.exit() + " " + n.outcomeJson() + " " + n.error()
                            + "\n  jvm    " + j.exit() + " " + j.outcomeJson() + " " + j.error());
                }
            }
            assertEquals(List.of(), differ);
        } finally {
            Tools.deleteTree(work);
        }
    }

    /** {@code n} fuzz cases of a fixed seed as scenario and image files under {@code dir}. */
    private static List<Path> fuzzCases(Path dir, int n) throws IOException {
        Path images = Checkout.root().resolve("fixtures/images");
        Map<FuzzCase.BaseImage, byte[]> bases = new EnumMap<>(FuzzCase.BaseImage.class);
        for (FuzzCase.BaseImage b : FuzzCase.BaseImage.values()) {
            bases.put(b, Files.readAllBytes(images.resolve(b.path())));
        }
        Path blob = dir.resolve("blob.img");
        Files.copy(images.resolve("multidev-blob.img"), blob);
        FuzzGenerator g = new FuzzGenerator(15L, bases);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FuzzCase c = g.next();
            Path img = dir.resolve(String.format("case-%03d.erofs", i));
            Files.write(img, c.image(bases.get(c.base())));
            Path json = dir.resolve(String.format("case-%03d.json", i));
            Files.writeString(json, c.scenario(Releases.DEFAULT.name(), img.toString(), blob.toString()).toString());
            out.add(json);
        }
        return out;
    }
}
