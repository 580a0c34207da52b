package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.Source;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.testkit.Live;
import org.erofssim.tools.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * repro.sh run for real, as root, against the running kernel: a plain file mount with a tree read,
 * the mount API with an unknown option (its fs_context log), an earlier mount of the same loop
 * device with a 4 KiB logical block size, and a file on an overlay; each script says the kernel
 * gave the model's answer (the cases are ones the model and the host kernel agree on) and leaves
 * no mount, loop device or folder behind. Skips with a line when not root or without cc.
 */
@Live
class ReproScriptLiveTest {
    @TempDir
    Path dir;

    private static String run(Path script) {
        try {
            Process p = HostTools.processBuilder("sh", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void scriptsReproduceOnTheRunningKernelAndLeaveNothingBehind() throws Exception {
        boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        boolean require = Boolean.getBoolean("erofssim.requireOracles");
        if (!root || HostTools.find("cc").isEmpty()) {
            String why = !root ? "not root" : HostTools.missingLine(HostTools.declared("cc"));
            assertThat(require).as("repro.sh live run: " + why).isFalse();
            System.out.println("ReproScriptLiveTest: skipped: " + why);
            return;
        }
        FuzzCase.Context none = FuzzCase.Context.NONE;
        Map<String, FuzzCase> cases = new LinkedHashMap<>();
        cases.put("file-read", new FuzzCase(BaseImage.PLAIN, Source.FILE, true, List.of(), List.of(), true, List.of(),
                List.of("acl"), Map.of(), none));
        cases.put("fsopen-unknown", new FuzzCase(BaseImage.PLAIN, Source.BDEV, true, List.of(), List.of(), false,
                List.of(), List.of("nosuchoption"), Map.of(), none.withFsopen(true)));
        cases.put("lbs-same-source", new FuzzCase(BaseImage.PLAIN, Source.BDEV, true, List.of(), List.of(), false,
                List.of(), List.of(), Map.of(), none.withLogicalBlockSize(4096).withBefore(FuzzCase.Before.SAME_SOURCE)));
        cases.put("overlay", new FuzzCase(BaseImage.PLAIN, Source.FILE, true, List.of(), List.of(), false, List.of(),
                List.of(), Map.of(), none.withFs("overlay")));
        Path images = FuzzCampaignTest.IMAGES;
        for (var e : cases.entrySet()) {
            FuzzCase c = e.getValue();
            Path d = Files.createDirectories(dir.resolve(e.getKey()));
            Files.write(d.resolve("image.erofs"), c.image(Files.readAllBytes(images.resolve(c.base().path()))));
            Files.copy(images.resolve(FuzzCampaign.BLOB), d.resolve("blob.img"));
            MountOutcome model = MountModel.predict(ScenarioJson.read(c.scenario(Releases.DEFAULT.name(),
                    d.resolve("image.erofs").toString(), d.resolve("blob.img").toString()).toString(), d, "live"));
            Path script = Files.writeString(d.resolve("repro.sh"), ReproScript.script(c, "DIVERGENCE", "live check",
                    List.of(new ReproScript.Stated("expected (model)", model))));
            // under the live oracles' lock: repro.sh mounts erofs outside the oracle, and its lines must not fall
            // into the window of an observation another process (a second ./mvnw verify) makes meanwhile
            String out = org.erofssim.oracle.LiveKernelOracle.exclusively(() -> run(script));
            System.out.println("--- " + e.getKey() + "\n" + out);
            String work = out.lines().filter(l -> l.startsWith("repro.sh: working in ")).findFirst().orElseThrow()
                    .replaceAll("^repro.sh: working in (\\S+) .*$", "$1");
            assertThat(out).contains("is the one expected (model) gave");
            if (e.getKey().equals("fsopen-unknown")) {
                assertThat(out).contains("fs_context log: e erofs: Unknown parameter 'nosuchoption'");
            }
            // nothing left: the folder, its mounts, its loop devices
            assertThat(Path.of(work)).doesNotExist();
            assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(work);
            // a loop device repro.sh detached (losetup -d) stays bound until its last opener closes it, and
            // other processes probing loop devices (udev's blkid, CI's .ci/busy-erofs) can hold it a moment:
            // wait for it to go, as LiveFixtures.settled does for the oracle's (fresh-root saw one bound)
            String loops = losetup();
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    loops.contains(work) && System.nanoTime() < deadline; loops = losetup()) {
                Thread.sleep(50);
            }
            assertThat(loops).doesNotContain(work);
        }
    }

    private static String losetup() throws java.io.IOException {
        return new String(HostTools.processBuilder("losetup", "-a").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
    }
}
