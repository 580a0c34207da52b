package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.kernel.Errno;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link CompressionConfigs} ({@code z_erofs_parse_cfgs}) on the crafted MicroLZMA, DEFLATE and
 * ZSTD images (fixtures/images/crafted: lz4hc-pcluster.erofs re-encoded, one record each) with
 * the algorithm's CONFIG switched off: the 6.18 loop reads the record, then finds no
 * {@code z_erofs_decomp[alg]} and fails with {@code algorithm N isn't enabled on this kernel}
 * (EOPNOTSUPP). With the CONFIG on (the profile default) the same images mount; the refused
 * records of each kind are the recorded {@code algorithms/} scenarios, checked against 6.18.44.
 */
class CompressionConfigsTest {
    static Path crafted(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/images/crafted"))) {
                return p.resolve("fixtures/images/crafted").resolve(name);
            }
        }
        throw new IllegalStateException("fixtures/images/crafted not found");
    }

    static MountOutcome mount(String image, String config) {
        return MountModel.predict(ScenarioJson.read("""
                {"version": 1, "name": "cfg", "kernel": "6.18", "config": {%s},
                 "nodes": {"/srv/a.erofs": {"kind": "file", "image": "%s"}}, "source": "/srv/a.erofs"}"""
                .formatted(config, crafted(image)), Path.of("/")));
    }

    @ParameterizedTest
    @CsvSource({"lzma.erofs, EROFS_FS_ZIP_LZMA, 1", "deflate.erofs, EROFS_FS_ZIP_DEFLATE, 2",
        "zstd.erofs, EROFS_FS_ZIP_ZSTD, 3"})
    void anAlgorithmWhoseConfigIsOffRefusesTheMount(String image, String flag, int alg) {
        MountOutcome off = mount(image, "\"" + flag + "\": false");
        assertThat(off).isInstanceOfSatisfying(MountOutcome.Failed.class,
                f -> assertThat(f.errno()).isEqualTo(Errno.EOPNOTSUPP));
        assertThat(off.log()).containsExactly("erofs (device erofs): algorithm " + alg + " isn't enabled on this kernel");
        assertThat(mount(image, "")).isInstanceOf(MountOutcome.Mounted.class);
    }
}
