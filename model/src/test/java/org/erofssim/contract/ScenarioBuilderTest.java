package org.erofssim.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.erofssim.block.BackingFs;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.Releases;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Scenario.builder() and toBuilder()")
class ScenarioBuilderTest {
    private static final Node FILE = new Node.RegularFile(ImageBytes.of(new byte[4096]), BackingFs.EXT4);

    @Test void defaultsAreThoseOfAScenarioFileWithOnlyAVersion() {
        Scenario built = Scenario.builder().build();
        Scenario decoded = ScenarioJson.read("{\"version\": 1}", Path.of(""));

        assertThat(built.name()).isEqualTo("scenario").isEqualTo(decoded.name());
        assertThat(built.kernel()).isEqualTo(decoded.kernel())
                .isEqualTo(KernelConfig.of(Releases.DEFAULT));
        assertThat(built.namespace().nodes()).isEmpty();
        assertThat(decoded.namespace().nodes()).isEmpty();
        assertThat(built.source()).isNull();
        assertThat(built.options()).isNull();
        assertThat(built.readOnly()).isTrue();
        assertThat(built.before()).isEmpty();
        assertThat(built.read()).isFalse();
        assertThat(built.extents()).isFalse();
        assertThat(built.probeCache()).isFalse();
        assertThat(built.readSize()).isEqualTo(131072).isEqualTo(decoded.readSize());
        assertThat(built.mmap()).isFalse().isEqualTo(decoded.mmap());
        assertThat(built.defaultReadPattern()).isTrue();
        assertThat(List.of(built.source() == null, built.options() == null, built.readOnly(), built.before(),
                built.read(), built.extents(), built.probeCache()))
                .isEqualTo(List.of(decoded.source() == null, decoded.options() == null, decoded.readOnly(),
                        decoded.before(), decoded.read(), decoded.extents(), decoded.probeCache()));
    }

    @Test void everySetterLandsInItsField() {
        KernelConfig k = new KernelConfig(Releases.resolve("6.12.0").profile(),
                Map.of(ConfigFlag.EROFS_FS_ONDEMAND, true));
        List<Scenario.Mount> before = List.of(new Scenario.Mount("/dev/loop0", "dax", false));
        Scenario s = Scenario.builder().name("n").kernel(k).node("/srv/a.erofs", FILE).source("/srv/a.erofs")
                .options("fsid=x").readOnly(false).before(before).read(true).extents(true).probeCache(true)
                .api(Scenario.MountApi.FSOPEN).readSize(4096).mmap(true).build();

        assertThat(s).isEqualTo(new Scenario("n", k, s.namespace(), "/srv/a.erofs", "fsid=x", false, before,
                true, true, true, Scenario.MountApi.FSOPEN, 4096, true));
        assertThat(s.namespace().nodes()).containsExactly(Map.entry("/srv/a.erofs", FILE));
    }

    @Test void kernelFromAProfileTakesItsDefaultConfig() {
        var p = Releases.resolve("6.13").profile();
        assertThat(Scenario.builder().kernel(p).build().kernel()).isEqualTo(KernelConfig.of(p));
    }

    @Test void toBuilderRoundTripsAndChangesOnlyWhatIsSet(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("a.img"), new byte[8192]);
        Scenario s = ScenarioJson.read("""
                {"version": 1, "name": "rt", "kernel": "6.12.0", "config": {"FS_DAX": false},
                 "nodes": {"/dev/loop0": {"kind": "bdev", "image": "a.img"}, "/srv/b": {"kind": "dir"}},
                 "source": "/dev/loop0", "options": "acl", "flags": [],
                 "before": [{"source": "/dev/loop0", "options": "noacl"}],
                 "read": true, "extents": true, "probeCache": true}""", dir);

        assertThat(s.toBuilder().build()).isEqualTo(s);
        Scenario changed = s.toBuilder().read(false).build();
        assertThat(changed.read()).isFalse();
        assertThat(changed).isEqualTo(new Scenario(s.name(), s.kernel(), s.namespace(), s.source(), s.options(),
                s.readOnly(), s.before(), false, s.extents(), s.probeCache(), s.api(), s.readSize(), s.mmap()));
        assertThat(s.toBuilder().readSize(1 << 20).build().toBuilder().build().readSize()).isEqualTo(1 << 20);
    }

    @Test void nodesAddToAWholeNamespace() {
        VirtualNamespace ns = new VirtualNamespace(Map.of("/srv/a.erofs", FILE));
        Scenario s = Scenario.builder().namespace(ns).node("/srv/b", new Node.Directory()).build();
        assertThat(s.namespace().nodes()).containsOnlyKeys("/srv/a.erofs", "/srv/b");
        assertThat(Scenario.builder().namespace(ns).build().namespace()).isSameAs(ns);
    }

    @Test void aBadNodePathFailsAtBuild() {
        Scenario.Builder b = Scenario.builder().node("relative/path", FILE);
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
    }
}
