package org.erofssim.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("HostTools: every program erofs-sim starts is declared in .ci/host-tools with its Debian package")
class HostToolsTest {
    static Path repo() {
        return Path.of(System.getProperty("erofssim.root"));
    }

    @Test void theListNamesEachToolsPackageAndGroup() {
        assertThat(HostTools.declared("mkfs.erofs")).isEqualTo(new HostTools.Tool("mkfs.erofs", "erofs-utils", "test"));
        assertThat(HostTools.declared("/usr/bin/dump.erofs").debianPackage()).isEqualTo("erofs-utils");
        assertThat(HostTools.declared("mkfs.ext4").debianPackage()).isEqualTo("e2fsprogs");
        assertThat(HostTools.declared("losetup").debianPackage()).isEqualTo("mount");
        assertThat(HostTools.declared().values()).allSatisfy(t ->
                assertThat(t.group()).isIn("test", "fresh-root", "scripts", "vm", "modern"));
    }

    @Test void theJarsCopyIsTheCheckoutsList() throws IOException {
        assertThat(HostTools.declared()).isEqualTo(HostTools.parse(
                Files.readAllLines(repo().resolve(".ci/host-tools"), StandardCharsets.UTF_8)));
    }

    @Test void anUndeclaredProgramIsRefusedByName() {
        assertThatThrownBy(() -> HostTools.processBuilder("shred", "-u", "/nonexistent"))
                .isInstanceOf(HostTools.UndeclaredTool.class)
                .hasMessage("tool shred is not declared in .ci/host-tools (add it with the Debian package that provides it)");
        assertThatThrownBy(() -> HostTools.processBuilder("/usr/bin/setfacl", "-b", "/nonexistent"))
                .isInstanceOf(HostTools.UndeclaredTool.class).hasMessageStartingWith("tool setfacl is not declared");
    }

    @Test void aDeclaredProgramThatIsAbsentIsOneLineNamingToolAndPackage() {
        assertThatThrownBy(() -> HostTools.processBuilder("/nonexistent/dir/mkfs.ext4", "-q"))
                .isInstanceOf(HostTools.MissingTool.class)
                .hasMessage("tool mkfs.ext4 missing: install Debian package e2fsprogs");
        assertThat(HostTools.onPath("mkfs.erofs", "/nonexistent/a:/nonexistent/b")).isEmpty();
    }

    @Test void badListLinesAreRefusedWithTheirLineNumber() {
        assertThatThrownBy(() -> HostTools.parse(List.of("# c", "mkfs.erofs erofs-utils")))
                .hasMessageStartingWith(".ci/host-tools line 2:");
        assertThatThrownBy(() -> HostTools.parse(List.of("a p test", "a q test")))
                .hasMessageContaining("a is listed twice");
    }

    @Test void everyProcessIsStartedThroughHostTools() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> s = Files.walk(repo())) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))::iterator) {
                if (p.endsWith(Path.of("tools", "HostTools.java"))) {
                    continue;
                }
                String text = Files.readString(p, StandardCharsets.UTF_8);
                if (text.contains("new " + "ProcessBuilder(") || text.contains("Runtime.getRuntime()" + ".exec")) {
                    offenders.add(repo().relativize(p).toString());
                }
            }
        }
        assertThat(offenders).as("files that start processes without HostTools.processBuilder").isEmpty();
    }

    @Test void theReadmesSetUpShowsEveryToolWithItsPackage() throws IOException {
        String readme = Files.readString(repo().resolve("README.md"), StandardCharsets.UTF_8);
        assertThat(HostTools.declared().values()).allSatisfy(t ->
                assertThat(readme).contains("| `" + t.name() + "` | `" + t.debianPackage() + "` |"));
    }
}
