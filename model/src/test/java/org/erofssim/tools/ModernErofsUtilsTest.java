package org.erofssim.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ErofsUtils.modern: the pinned erofs-utils build of .ci/build-erofs-utils, found by property, never the system's")
class ModernErofsUtilsTest {
    @Test void thePropertyNamesTheBuildFolder(@TempDir Path dir) throws IOException {
        String old = System.getProperty("erofssim.erofsUtils");
        try {
            System.setProperty("erofssim.erofsUtils", dir.toString());
            assertThat(ErofsUtils.modern()).as("a folder without bin/mkfs.erofs is no build").isEmpty();
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Files.createFile(bin.resolve("mkfs.erofs"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            assertThat(ErofsUtils.modern()).contains(dir);
        } finally {
            if (old == null) {
                System.clearProperty("erofssim.erofsUtils");
            } else {
                System.setProperty("erofssim.erofsUtils", old);
            }
        }
    }

    @Test void theBuildIsThePinnedReleaseNotTheSystems() {
        Optional<Path> mkfs = ErofsUtils.requireModern(ErofsUtils.MKFS);
        if (mkfs.isEmpty()) {
            return; // printed SKIPPED with the reason (CI: requireModern throws instead)
        }
        ErofsUtils.Run r = ErofsUtils.run(mkfs.get().toString(), List.of("--version"), 30);
        assertThat(r.stdout() + r.stderr()).contains("mkfs.erofs (erofs-utils) " + ErofsUtils.MODERN_VERSION);
        assertThat(mkfs.get()).isNotEqualTo(ErofsUtils.find(ErofsUtils.MKFS).orElse(Path.of("/nonexistent")));
    }
}
