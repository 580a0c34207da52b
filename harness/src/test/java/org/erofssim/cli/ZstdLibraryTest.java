package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.erofssim.testkit.Checkout;
import org.erofssim.tools.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zstd-jni's library from the launcher's cache (issue 12): the copy {@link ZstdLibrary#main} makes
 * reads a ZSTD image as zstd-jni's own loading does, and a cached file that does not load (garbage,
 * missing) falls back to zstd-jni's own loading with the same outcome. Each run is a JVM of its own
 * (a library, once loaded, stays in a JVM; this test's JVM loads none of these files).
 */
class ZstdLibraryTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private Result java(List<String> options, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(options);
        cmd.addAll(Arrays.asList(args));
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = HostTools.processBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Result predict(List<String> options) throws Exception {
        Path scenario = Checkout.root().resolve("fixtures/scenarios/algorithms/zstd-bdev.json");
        List<String> o = new ArrayList<>(options);
        o.add("-D" + Checkout.PROPERTY + "=" + Checkout.root());
        o.add(Main.class.getName());
        return java(o, "predict", scenario.toString());
    }

    @Test
    void theCachedCopyReadsAZstdImageAndABrokenOneFallsBackToZstdJnisOwnLoading() throws Exception {
        Path lib = dir.resolve("erofs-sim-1-2-3.so.tmp");
        Result made = java(List.of(ZstdLibrary.class.getName()), lib.toString());
        assertThat(made.code()).as(made.err()).isZero();
        byte[] elf = Files.readAllBytes(lib);
        assertThat(elf.length).isGreaterThan(100_000);
        assertThat(Arrays.copyOf(elf, 4)).isEqualTo(new byte[] {0x7f, 'E', 'L', 'F'});

        Result own = predict(List.of());
        assertThat(own.code()).as(own.err()).isZero();
        // what the image's files hash to, read through ZSTD pclusters
        assertThat(own.out()).contains("\"sha256\"");

        // zstd-jni's own loading made impossible (its temporary folder is no folder): the copy alone reads
        Path noFolder = dir.resolve("no-such-folder");
        assertThat(predict(List.of("-DZstdNativePath=" + lib, "-DZstdTempFolder=" + noFolder))).isEqualTo(own);
        assertThat(predict(List.of("-DZstdTempFolder=" + noFolder))).as("without the copy, and no folder to copy to")
                .isNotEqualTo(own);

        // a cached file that is no library, or none at all: zstd-jni's own loading, the same outcome
        Path garbage = dir.resolve("garbage.so");
        Files.writeString(garbage, "not a library");
        assertThat(predict(List.of("-DZstdNativePath=" + garbage))).isEqualTo(own);
        assertThat(predict(List.of("-DZstdNativePath=" + dir.resolve("missing.so")))).isEqualTo(own);
        Path empty = Files.createFile(dir.resolve("empty.so"));
        assertThat(predict(List.of("-DZstdNativePath=" + empty))).isEqualTo(own);
        // (a truncated library makes the loader die of SIGBUS: the launcher's name check copies it
        // again, and a JVM that dies removes the library it was given; LauncherScriptTest)
    }

    @Test
    void theResourceIsTheOneZstdJniLoads() {
        String name = ZstdLibrary.resourceName();
        assertThat(name).endsWith("/libzstd-jni-" + com.github.luben.zstd.util.ZstdVersion.VERSION + ".so");
        assertThat(com.github.luben.zstd.util.Native.class.getResource(name)).as(name).isNotNull();
    }
}
