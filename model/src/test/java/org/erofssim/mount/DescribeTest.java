package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.erofssim.block.BackingFs;
import org.erofssim.block.DevT;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.MetadataCache;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.erofssim.sb.Mode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Describe adds the tree walk and the metadata cache probe to a mounted outcome when asked")
class DescribeTest {
    @TempDir static Path tmp;
    static byte[] image;

    @BeforeAll static void image() throws Exception {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("d"));
        Files.write(tree.resolve("d/hello.txt"), "hello\n".getBytes(StandardCharsets.US_ASCII));
        Path img = tmp.resolve("img.erofs");
        // prints why and skips; a failure (tool X missing: install Debian package Y) under -Derofssim.requireOracles
        Assumptions.assumeTrue(org.erofssim.tools.ErofsUtils.require("mkfs.erofs"), "mkfs.erofs not found on PATH");
        boolean made;
        try {
            Process p = org.erofssim.tools.HostTools.processBuilder("mkfs.erofs", "--quiet", "-T0", img.toString(), tree.toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            made = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            made = false;
        }
        if (!made) {
            System.out.println("SKIPPED: mkfs.erofs not usable (install erofs-utils)");
        }
        Assumptions.assumeTrue(made, "mkfs.erofs not usable (install erofs-utils)");
        image = Files.readAllBytes(img);
    }

    static Scenario scenario(String source, boolean read, boolean probeCache, List<Scenario.Mount> before) {
        Map<String, Node> nodes = Map.of(
                "/srv/img", new Node.RegularFile(ImageBytes.of(image), BackingFs.EXT4),
                "/dev/loop0", new Node.BlockDevice(ImageBytes.of(image), new DevT(7, 0), true, 512, false));
        KernelConfig k = KernelConfig.of(Releases.resolve("6.18").profile());
        return Scenario.builder().name("t").kernel(k).namespace(new VirtualNamespace(nodes)).source(source)
                .before(before).read(read).probeCache(probeCache).build();
    }

    static MountOutcome.Mounted mounted(Scenario sc) {
        MountOutcome o = MountModel.predict(sc);
        assertThat(o).as("log " + o.log()).isInstanceOf(MountOutcome.Mounted.class);
        return (MountOutcome.Mounted) o;
    }

    @Nested
    @DisplayName("the tree")
    class Tree {
        @Test void isWalkedOnlyWhenTheScenarioReads() {
            assertThat(mounted(scenario("/srv/img", false, false, List.of())).tree()).isNull();
            List<TreeEntry> tree = mounted(scenario("/srv/img", true, false, List.of())).tree();
            assertThat(tree).extracting(TreeEntry::path).containsExactly("/", "/d", "/d/hello.txt");
        }

        @Test void isWalkedOnTheReusedSuperblockOfAMountedBlockDevice() {
            Scenario sc = scenario("/dev/loop0", true, false, List.of(new Scenario.Mount("/dev/loop0", null, true)));
            MountOutcome.Mounted m = mounted(sc);
            assertThat(m.tree()).extracting(TreeEntry::path).containsExactly("/", "/d", "/d/hello.txt");
            assertThat(m.log()).isEmpty();
        }
    }

    @Nested
    @DisplayName("the metadata cache probe")
    class Cache {
        @Test void isAbsentUnlessAsked() {
            assertThat(mounted(scenario("/srv/img", true, false, List.of())).metadataCache()).isNull();
        }

        @Test void namesTheCacheOfTheModeAndThePagesMountingAndWalkingRead() {
            MetadataCache file = mounted(scenario("/srv/img", true, true, List.of())).metadataCache();
            assertThat(file.cache()).isEqualTo("file");
            assertThat(file.blocks()).startsWith(0L).isSorted().doesNotHaveDuplicates();
            MetadataCache bdev = mounted(scenario("/dev/loop0", false, true, List.of())).metadataCache();
            assertThat(bdev).isEqualTo(new MetadataCache("bdev", List.of(0L)));
        }
    }

    @Test void theOldMountedConstructorLeavesTheProbeOut() {
        MountOutcome.Mounted m = new MountOutcome.Mounted(Mode.FILEIO, List.of(), null, null, null, List.of(), null,
                List.of());
        assertThat(m.metadataCache()).isNull();
    }
}
