package org.erofssim.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.mount.MountModel;

/**
 * Session 11 (issues 12 and 15), a measurement, not a test: the steady-state cost of the tree
 * walks of model-only fuzz cases. {@link #prepare} draws cases as a campaign's generator does
 * (every other one a mutant of two earlier cases that mounted and read their tree), keeps the
 * scenarios whose prediction mounted and walked a tree (those over 10 ms of CPU at their first
 * evaluation are left out: a few pathological fragment reads that would dominate the sum);
 * {@link #pass} predicts them all once more, with a coverage recorder as a campaign does, and
 * returns the thread's CPU time. {@link org.erofssim.bench.WalkAB} alternates passes of two
 * builds in one JVM (the machine's load then weighs on both alike).
 */
public class WalkBench {
    static List<Scenario> walks = new ArrayList<>();
    /** {@code -Dwalkbench.bases=LZ4,LZMA,...}: keep the walks of these bases only (session 12: the compressed ones). */
    static final java.util.Set<String> ONLY = System.getProperty("walkbench.bases") == null ? null
            : java.util.Set.of(System.getProperty("walkbench.bases").split(","));

    public static String prepare(long seed, int draws, String rootDir) throws Exception {
        Path root = Path.of(rootDir);
        KernelProfile profile = org.erofssim.kernel.Releases.DEFAULT;
        Path out = Files.createTempDirectory("walkbench");
        FuzzCampaign.Settings st = new FuzzCampaign.Settings(seed, draws, Duration.ofHours(1), profile,
                root.resolve("fixtures/images"), out, null, Duration.ofSeconds(5), 80);
        FuzzCampaign camp = new FuzzCampaign(st);
        Map<BaseImage, byte[]> bases = new EnumMap<>(BaseImage.class);
        for (BaseImage b : BaseImage.values()) bases.put(b, Files.readAllBytes(st.images().resolve(b.path())));
        FuzzGenerator gen = new FuzzGenerator(seed, bases);
        FuzzMutator mut = new FuzzMutator(gen);
        List<FuzzCase> readCases = new ArrayList<>();
        Random r = new Random(seed);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return org.erofssim.block.ImageBytes.sharingMappings(() -> {
            for (int i = 0; i < draws; i++) {
                FuzzCase c = (i % 2 == 1 && readCases.size() > 10)
                        ? mut.mutate(readCases.get(r.nextInt(readCases.size())), readCases.get(r.nextInt(readCases.size())))
                        : gen.next();
                Scenario s = camp.scenarioInMemory(c, profile);
                MountOutcome o;
                try {
                    o = Coverage.record(new Coverage.Recorder(), () -> MountModel.predict(s));
                } catch (RuntimeException e) {
                    continue; // a model error: not a walk to measure
                }
                if (o instanceof MountOutcome.Mounted m && m.tree() != null && (ONLY == null || ONLY.contains(c.base().name()))) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    Coverage.record(new Coverage.Recorder(), () -> MountModel.predict(s));
                    if (mx.getCurrentThreadCpuTime() - t0 < 10_000_000L) walks.add(s);
                    if (readCases.size() < 2000) readCases.add(c);
                }
            }
            return walks.size() + " walk cases";
        });
    }

    /** One pass: CPU ns of this thread over all walk cases. */
    public static long pass() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return org.erofssim.block.ImageBytes.sharingMappings(() -> {
            long c0 = mx.getCurrentThreadCpuTime();
            for (Scenario s : walks) {
                Coverage.record(new Coverage.Recorder(), () -> MountModel.predict(s));
            }
            return mx.getCurrentThreadCpuTime() - c0;
        });
    }
}
