package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelCacheTest {
    @Test
    void theHostsMirrorIsReusedFromDeb822AndOneLineSources() {
        String deb822 = "Types: deb\n# http://snapshot.example/archive/debian/2025\nURIs: http://mirror.example/debian/\n"
                + "Suites: bookworm\n\nTypes: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n";
        String oneLine = "deb https://packages.example/apt cloud-sdk main\n";
        Map<String, String> m = KernelCache.mirrors(List.of(oneLine, deb822));
        assertEquals("http://mirror.example/debian", m.get("debian"));
        assertEquals("http://mirror.example/debian-security", m.get("debian-security"));
        Map<String, String> none = KernelCache.mirrors(List.of(oneLine));
        assertTrue(none.isEmpty(), "no mirror of the project's own: " + none);
    }

    @Test
    void thePrivateSourcesHaveOneLinePerSuiteSignedByTheStockKeyring() {
        String s = KernelCache.sourcesList(KernelCatalog.load(), Map.of("debian", "http://m/debian",
                "debian-security", "http://m/debian-security"));
        assertEquals(List.of(
                "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian-security bookworm-security main",
                "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian-security trixie-security main",
                "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian sid main",
                "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://m/debian experimental main"),
                s.lines().toList());
    }

    @Test
    void theAptConfigurationNeverPointsAtTheHostsState() {
        String conf = KernelCache.aptConf(Path.of("/c/apt"));
        assertTrue(conf.contains("Dir::State::Lists \"/c/apt/lists\";"));
        assertTrue(conf.contains("Dir::Cache \"/c/apt/cache\";"));
        assertTrue(conf.contains("Dir::Etc::SourceList \"/c/apt/sources.list\";"));
        assertTrue(conf.contains("Dir::Etc::SourceParts \"/dev/null\";"));
        assertTrue(conf.contains("Dir::State::status \"/dev/null\";"));
        assertTrue(conf.lines().noneMatch(l -> l.contains("/var/") || l.contains("/etc/apt")), conf);
    }

    @Test
    void cacheRootAndFileNames() {
        assertEquals(Path.of("/x"), KernelCache.defaultRoot(Map.of(KernelCache.ENV, "/x", "XDG_CACHE_HOME", "/y")));
        assertEquals(Path.of("/y/erofs-sim/kernels"), KernelCache.defaultRoot(Map.of("XDG_CACHE_HOME", "/y")));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache/erofs-sim/kernels"), KernelCache.defaultRoot(Map.of()));
        assertEquals("linux-binary-7.3-amd64_7.3~rc7-1~exp1_amd64.deb",
                KernelCache.debName(KernelCatalog.load().find("7.3").orElseThrow().packages().get(0)));
        assertEquals("E: Version '1' for 'x' was not found",
                KernelCache.lastError("Reading package lists...\nE: Version '1' for 'x' was not found\n"));
    }
}
