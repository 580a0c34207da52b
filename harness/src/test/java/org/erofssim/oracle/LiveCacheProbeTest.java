package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.contract.MetadataCache;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.report.Difference;
import org.erofssim.testkit.Checkout;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@code probeCache} probe of the live oracle against spec §6.1 and the model: mounting and
 * walking {@code fixtures/images/plain.erofs} reads its metadata through the backing file's page
 * cache (fileio) or the block device's (bdev); the kernel's resident pages of that cache include
 * every page the model's {@code MetaBuf} read, and the other cache holds none of them. Root
 * only: skipped with a printed reason elsewhere, except under CI, where a missing live oracle
 * fails (as {@link ErofsUtils#oraclesRequired()} asks).
 */
@DisplayName("LiveKernelOracle probeCache on the running kernel")
@Live
class LiveCacheProbeTest {
    private static Path images;

    @BeforeAll
    static void live() {
        String why = LiveKernelOracle.unavailableReason();
        if (why != null && ErofsUtils.oraclesRequired()) {
            throw new IllegalStateException("live kernel oracle missing under CI: " + why);
        }
        if (why != null) {
            System.out.println("SKIPPED live probeCache tests: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        images = fixtures();
    }

    private static Path fixtures() {
        return Checkout.images();
    }

    private static Scenario scenario(String json) {
        return ScenarioJson.read(json, images);
    }

    /** The model's and the kernel's outcome of one scenario; the run must leave nothing behind. */
    private record Both(MountOutcome.Mounted model, MountOutcome.Mounted kernel, CacheProbe.Result probe) {}

    private static Both run(Scenario sc) {
        MountOutcome model = MountModel.predict(sc);
        LiveFixtures.Leftovers before = LiveFixtures.leftovers();
        MountOutcome kernel = new LiveKernelOracle().observe(sc);
        LiveFixtures.assertReleased(before);
        assertThat(model).isInstanceOf(MountOutcome.Mounted.class);
        assertThat(kernel).as(OutcomeJson.write(kernel)).isInstanceOf(MountOutcome.Mounted.class);
        System.out.println("[live] " + sc.name() + " model " + ((MountOutcome.Mounted) model).metadataCache()
                + ", kernel " + ((MountOutcome.Mounted) kernel).metadataCache() + ", kernel notes " + kernel.notes());
        CacheProbe.Result probe = LiveKernelOracle.lastCacheProbe;
        assertThat(probe).as("the oracle probed the cache").isNotNull();
        System.out.println("[live] " + sc.name() + " probe: file before " + probe.fileBefore() + ", bdev before "
                + probe.bdevBefore() + "; file after " + probe.fileAfter() + ", bdev after " + probe.bdevAfter());
        return new Both((MountOutcome.Mounted) model, (MountOutcome.Mounted) kernel, probe);
    }

    private static List<Long> common(List<Long> a, List<Long> b) {
        List<Long> out = new ArrayList<>(a == null ? List.of() : a);
        out.retainAll(b == null ? List.of() : b);
        return out;
    }

    @Test
    @DisplayName("§6.1 fileio: metadata in the backing file's own page cache, a superset of the model's pages")
    void fileBacked() {
        Both b = run(scenario("""
                {"version": 1, "name": "probeCache-fileio",
                 "nodes": {"/srv/a.erofs": {"kind": "file", "image": "plain.erofs"}},
                 "source": "/srv/a.erofs", "read": true, "probeCache": true}"""));
        MetadataCache model = b.model().metadataCache();
        MetadataCache kernel = b.kernel().metadataCache();
        assertThat(model).isNotNull();
        assertThat(model.cache()).as("model, spec §6.1").isEqualTo("file");
        assertThat(kernel).isNotNull();
        assertThat(kernel.cache()).as("kernel, spec §6.1: fileio reads the backing file's own cache").isEqualTo("file");
        assertThat(b.probe().fileBefore()).as("the image's pages were evicted before the mount").isEmpty();
        assertThat(kernel.blocks()).as("resident pages include every page the model read")
                .containsAll(model.blocks());
        // no block device backs a file source: the bdev cache cannot hold any of them
        assertThat(b.probe().bdevAfter()).isNull();
        List<Difference> diffs = OutcomeComparator.compare(b.model(), b.kernel());
        assertThat(diffs).as("model vs kernel").isEmpty();
    }

    @Test
    @DisplayName("§6.1 bdev: metadata in the loop device's page cache (loop with direct I/O), none in the image file's")
    void loopDevice() {
        Both b = run(scenario("""
                {"version": 1, "name": "probeCache-bdev",
                 "nodes": {"/dev/loop0": {"kind": "bdev", "image": "plain.erofs", "dev": "7:0"}},
                 "source": "/dev/loop0", "read": true, "probeCache": true}"""));
        MetadataCache model = b.model().metadataCache();
        MetadataCache kernel = b.kernel().metadataCache();
        assertThat(model).isNotNull();
        assertThat(model.cache()).as("model, spec §6.1").isEqualTo("bdev");
        assertThat(kernel).isNotNull();
        assertThat(kernel.cache()).as("kernel, spec §6.1: bdev mode reads the block device's cache").isEqualTo("bdev");
        assertThat(b.kernel().notes()).as("loop direct I/O honoured")
                .noneMatch(n -> n.contains("LO_FLAGS_DIRECT_IO"));
        assertThat(b.probe().fileBefore()).as("the image file's pages were evicted before the mount").isEmpty();
        assertThat(b.probe().bdevBefore()).as("the loop device's pages were evicted before the mount").isEmpty();
        assertThat(kernel.blocks()).as("resident pages include every page the model read")
                .containsAll(model.blocks());
        assertThat(common(b.probe().fileAfter(), model.blocks()))
                .as("the image file's cache (the other one) holds none of the model's pages").isEmpty();
        List<Difference> diffs = OutcomeComparator.compare(b.model(), b.kernel());
        assertThat(diffs).as("model vs kernel").isEmpty();
    }

    @Test
    @DisplayName("a probed mount that fails leaves no mount and no loop device, and reports no cache")
    void cleanupAfterFailure() {
        Scenario sc = scenario("""
                {"version": 1, "name": "probeCache-failed",
                 "nodes": {"/dev/loop0": {"kind": "bdev", "image": "plain.erofs", "dev": "7:0"},
                           "/srv/dir": {"kind": "dir"}},
                 "source": "/srv/dir", "read": true, "probeCache": true}""");
        LiveFixtures.Leftovers before = LiveFixtures.leftovers();
        MountOutcome kernel = new LiveKernelOracle().observe(sc);
        System.out.println("[live] " + sc.name() + " kernel -> " + OutcomeJson.write(kernel));
        LiveFixtures.assertReleased(before);
        assertThat(kernel).isInstanceOf(MountOutcome.Failed.class);
        assertThat(LiveKernelOracle.lastCacheProbe).isNull();
        assertThat(OutcomeComparator.compare(MountModel.predict(sc), kernel)).isEmpty();
    }
}
