package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelCatalogTest {
    private final KernelCatalog catalog = KernelCatalog.load();

    @Test
    void theCommittedListPinsFiveDebianKernelsWithTheirPackages() {
        assertEquals(List.of("6.1.0-57-amd64", "6.12.107+deb12-amd64", "6.12.118+deb13-amd64", "7.2.13+deb14-amd64", "7.3-amd64"),
                catalog.kernels().stream().filter(k -> !k.sourceBuilt()).map(KernelCatalog.Kernel::release).toList());
        KernelCatalog.Kernel k61 = catalog.find("6.1").orElseThrow();
        assertEquals("linux-image-6.1.0-57-amd64=6.1.192-3", k61.packages().get(0).pin());
        assertEquals("14d219d01e1283261817d961dbb3895cb5b4288d0de10e0ba0632a0d993e15bf", k61.packages().get(0).sha256());
        assertEquals("debian-security", k61.archive());
        // 7.x split its image package into binary, modules and base
        assertEquals(List.of("linux-binary-7.2.13+deb14-amd64", "linux-modules-7.2.13+deb14-amd64",
                "linux-base-7.2.13+deb14-amd64"),
                catalog.find("7.2").orElseThrow().packages().stream().map(KernelCatalog.Package::name).toList());
        assertEquals("7.3~rc7-1~exp1", catalog.find("7.3").orElseThrow().packages().get(1).version());
    }

    @Test
    void presetsAreNamedOrTheirAbsenceSaid() {
        assertEquals("6.1.192", catalog.find("6.1").orElseThrow().presetText());
        assertEquals("7.2.13", catalog.find("7.2").orElseThrow().presetText());
        assertEquals("7.3.0-rc7 (nearest in its line)", catalog.find("7.3").orElseThrow().presetText());
        assertEquals("6.1.192", catalog.find("6.1").orElseThrow().preset().orElseThrow().release());
        assertEquals("6.12.118", catalog.find("6.12").orElseThrow().preset().orElseThrow().release());
    }

    @Test
    void prefixesSelectAtABoundaryAndOnlyOneKernel() {
        assertEquals("6.1.0-57-amd64", catalog.find("6.1").orElseThrow().release());
        assertEquals("6.12.118+deb13-amd64", catalog.find("6.12.118").orElseThrow().release());
        assertEquals("7.3-amd64", catalog.find("7.3-amd64").orElseThrow().release());
        assertTrue(catalog.find("7").isEmpty(), "7 selects two kernels");
        // a line with two Debian builds: its name selects the newest, a longer prefix the other
        assertEquals("6.12.118+deb13-amd64", catalog.find("6.12").orElseThrow().release());
        assertEquals("6.12.107+deb12-amd64", catalog.find("6.12.107").orElseThrow().release());
        assertEquals("6.12.107", catalog.find("6.12.107+deb12-amd64").orElseThrow().preset().orElseThrow().release());
        assertTrue(catalog.find("6.13").isEmpty());
        assertTrue(catalog.find("").isEmpty());
    }

    @Test
    void sourceRecipesAreListedByReleaseAndNameWithTheirPinnedTarball() {
        KernelCatalog.Kernel ondemand = catalog.find("6.12.107-ondemand").orElseThrow();
        assertTrue(ondemand.sourceBuilt());
        assertEquals("6.12.107-erofssim-ondemand", ondemand.release());
        assertEquals("kernels/recipes/6.12.107-ondemand", ondemand.recipe().folder());
        assertEquals("6.12.107-1", ondemand.recipe().version());
        assertEquals("efc76d3c78a5d65f42724118c437d11db1c9f6309a5f024ee9a8b1978fdc6919", ondemand.recipe().origSha256());
        assertTrue(ondemand.packages().isEmpty());
        assertEquals(ondemand, catalog.find("6.12.107-erofssim-ondemand").orElseThrow());
        assertEquals("6.12.107-erofssim-nofileio", catalog.find("6.12.107-nofileio").orElseThrow().release());
        // a line's short name still selects its Debian kernel, not a recipe of the same line
        assertEquals("6.12.118+deb13-amd64", catalog.find("6.12").orElseThrow().release());
        // each recipe's folder is committed with the same pinned tarball
        for (KernelCatalog.Kernel k : catalog.kernels()) {
            if (k.sourceBuilt()) {
                java.nio.file.Path props = repo().resolve(k.recipe().folder()).resolve("recipe.properties");
                String text = assertDoesNotThrowRead(props);
                assertTrue(text.contains("orig.sha256=" + k.recipe().origSha256()), props.toString());
                assertTrue(text.contains("debian.version=" + k.recipe().version()), props.toString());
                assertTrue(text.contains("localversion=" + k.release().substring("6.12.107".length())), props.toString());
                assertTrue(java.nio.file.Files.isRegularFile(props.resolveSibling("config")), k.recipe().folder() + "/config");
            }
        }
        assertTrue(bad("{\"kernels\":[{\"release\":\"6.12.1-x\",\"recipe\":{\"name\":\"rr\",\"source\":\"linux\","
                + "\"version\":\"1-1\",\"origSha256\":\"nope\",\"what\":\"w\"}}]}").getMessage()
                .contains("kernels[0].recipe.origSha256"));
    }

    private static java.nio.file.Path repo() {
        java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath();
        while (p != null && !java.nio.file.Files.isDirectory(p.resolve("kernels/recipes"))) {
            p = p.getParent();
        }
        return java.util.Objects.requireNonNull(p, "the checkout's kernels/recipes");
    }

    private static String assertDoesNotThrowRead(java.nio.file.Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new AssertionError("cannot read " + p + ": " + e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String json) {
        return assertThrows(IllegalArgumentException.class, () -> KernelCatalog.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void malformedListsNameTheField() {
        String pkg = "{\"name\":\"linux-image-x\",\"version\":\"1-1\",\"size\":5,\"sha256\":\"%s\"}";
        String kernel = "{\"release\":\"6.1.0-1-amd64\",\"suite\":\"bookworm\",\"archive\":\"debian\",\"packages\":[%s]}";
        String good = String.format(pkg, "a".repeat(64));
        assertEquals(1, KernelCatalog.parse(("{\"kernels\":[" + String.format(kernel, good) + "]}")
                .getBytes(StandardCharsets.UTF_8)).kernels().size());
        assertTrue(bad("{\"kernels\":[" + String.format(kernel, String.format(pkg, "xyz")) + "]}").getMessage()
                .contains("kernels[0].packages[0].sha256"));
        assertTrue(bad("{\"kernels\":[" + String.format(kernel, "") + "]}").getMessage().contains("kernels[0].packages"));
        assertTrue(bad("{\"kernels\":[" + String.format(kernel, good) + "," + String.format(kernel, good) + "]}")
                .getMessage().contains("listed twice"));
        assertTrue(bad("{\"kernels\":[" + String.format(kernel, good).replace("\"debian\"", "\"ubuntu\"") + "]}")
                .getMessage().contains("kernels[0].archive"));
        assertTrue(bad("{\"kernel\":[]}").getMessage().contains("\"kernels\""));
        assertTrue(bad("{").getMessage().startsWith("kernel list: not JSON"));
    }
}
