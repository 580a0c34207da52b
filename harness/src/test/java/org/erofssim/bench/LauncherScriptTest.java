package org.erofssim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.erofssim.testkit.Checkout;
import org.erofssim.tools.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code erofs-sim} launcher script (issue 12), run by bash: its choice of the client compiler
 * for a {@code predict} that reads no file (bench, which writes its own scenarios, gives its child
 * processes the same choice itself: its batch's argument file is checked here too); and its class-data archive, which is made again when it was damaged (a
 * truncated or rewritten archive made every JVM die at start) and removed by a JVM that dies
 * with it; and its copy of zstd-jni's library (passed as {@code ZstdNativePath}), made once per build,
 * made again when damaged and left out when it does not work. A stand-in {@code java} (a shell script that logs its arguments) stands for the JVM, in
 * a stand-in checkout whose jar is up to date, so no build and no JVM runs here.
 */
class LauncherScriptTest {
    @TempDir
    Path dir;

    private static String launcher() throws IOException {
        return Files.readString(Checkout.root().resolve("erofs-sim"), StandardCharsets.UTF_8);
    }

    private static String run(Path cwd, Map<String, String> env, List<String> cmd) throws Exception {
        ProcessBuilder pb = HostTools.processBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** The launcher's predict_reads_nothing on {@code args}, in {@code dir}: "yes" or "no". */
    private String launcherSays(List<String> args) throws Exception {
        String text = launcher();
        String fn = text.substring(text.indexOf("# predict-reads-nothing: begin"), text.indexOf("# predict-reads-nothing: end"));
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", fn + "\npredict_reads_nothing \"$@\" && echo yes || echo no", "_"));
        cmd.addAll(args);
        return run(dir, Map.of(), cmd).strip();
    }

    @Test
    void predictWithoutReadsRunsOnTheClientCompiler() throws Exception {
        Files.writeString(dir.resolve("mount.json"), "{\"version\": 1, \"source\": \"/srv/i\", \"options\": \"cache_strategy=readahead\"}");
        Files.writeString(dir.resolve("other.json"), "{\"version\": 1, \"source\": \"/dev/loop0\"}");
        Files.writeString(dir.resolve("reads.json"), "{\"version\": 1, \"source\": \"/srv/i\", \"read\" : true}");
        Files.writeString(dir.resolve("escaped.json"), "{\"version\": 1, \"source\": \"/srv/i\", \"r\\u0065ad\": true}");
        Files.writeString(dir.resolve("big.json"), "{\"version\": 1, \"description\": \"" + "x".repeat(70_000) + "\"}");
        StringBuilder batch = new StringBuilder("predict\n");
        for (int i = 0; i < 100; i++) {
            batch.append(i % 2 == 0 ? "mount.json\n" : "other.json\n");
        }
        Files.writeString(dir.resolve("batch"), batch);
        Files.writeString(dir.resolve("batch-reads"), batch + "reads.json\n");
        Files.writeString(dir.resolve("batch-quoted"), "predict\n\"mount.json\"\n");
        Files.writeString(dir.resolve("batch-options"), "predict\n--kernel=6.1\n--quiet\nmount.json\n");
        Files.writeString(dir.resolve("batch-crlf"), "predict\r\nmount.json\r\n");
        List<String> many = new ArrayList<>(List.of("predict"));
        for (int i = 0; i < 40; i++) {
            many.add("mount.json");
        }
        List<String> manyReads = new ArrayList<>(many);
        manyReads.add(20, "reads.json");
        Map<List<String>, Boolean> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("predict", "mount.json"), true);
        cases.put(List.of("predict", "mount.json", "other.json", "mount.json"), true);
        cases.put(List.of("predict", "--quiet", "--kernel", "6.1", "mount.json"), true);
        cases.put(List.of("predict", "--config=EROFS_FS_ZIP=n", "mount.json"), true);
        cases.put(List.of("predict", "reads.json"), false);
        cases.put(List.of("predict", "mount.json", "reads.json"), false);
        cases.put(List.of("predict", "escaped.json"), false);
        cases.put(List.of("predict", "big.json"), false);
        cases.put(List.of("predict", "-"), false);
        cases.put(List.of("predict", "missing.json"), false);
        cases.put(List.of("predict", "--help", "mount.json"), false);
        cases.put(List.of("predict"), false);
        cases.put(List.of("matrix", "mount.json"), false);
        cases.put(List.of("fuzz"), false);
        cases.put(many, true);
        cases.put(manyReads, false);
        cases.put(List.of("@batch"), true);
        cases.put(List.of("@batch-reads"), false);
        cases.put(List.of("@batch-quoted"), false);
        cases.put(List.of("@batch-options"), true);
        cases.put(List.of("@batch-crlf"), false);
        cases.put(List.of("@batch", "mount.json"), false);
        for (Map.Entry<List<String>, Boolean> c : cases.entrySet()) {
            String expected = c.getValue() ? "yes" : "no";
            assertThat(launcherSays(c.getKey())).as("launcher: %s", c.getKey()).isEqualTo(expected);
        }
        // an argument file of absolute names, as bench writes it
        Path abs = dir.resolve("abs");
        Files.writeString(abs, "predict\n" + dir.resolve("mount.json") + "\n" + dir.resolve("other.json") + "\n");
        assertThat(launcherSays(List.of("@" + abs))).isEqualTo("yes");
        Files.writeString(abs, "predict\n" + dir.resolve("mount.json") + "\n" + dir.resolve("reads.json") + "\n");
        assertThat(launcherSays(List.of("@" + abs))).isEqualTo("no");
        // bench's own predict batch, which it runs on the client compiler (Bench.predict): the launcher agrees
        Path batchDir = Files.createDirectories(dir.resolve("bench-batch"));
        Path argFile = Bench.writePredictBatch(batchDir, dir.resolve("mount.json"), "6.18.44", 100);
        assertThat(launcherSays(List.of("@" + argFile))).isEqualTo("yes");
        assertThat(ChildRun.erofsSim(List.of("@" + argFile), true)).containsSubsequence(ChildRun.CLIENT_COMPILER);
        assertThat(ChildRun.erofsSim(List.of("predict", "reads.json"), false)).doesNotContainAnyElementsOf(ChildRun.CLIENT_COMPILER);
    }

    /** The stand-in checkout: the launcher, an up-to-date jar, and a java that logs each start and writes the archive asked for. */
    private Map<String, String> standIn() throws IOException {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Files.writeString(root.resolve("erofs-sim"), launcher());
        Files.createDirectories(root.resolve("harness/target"));
        Files.writeString(root.resolve("harness/target/erofs-sim.jar"), "not a jar");
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "echo \"$*\" >> \"" + dir.resolve("starts") + "\"\n"
                + "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*) printf 'an archive' > \"${a#*=}\";; esac; done\n"
                // ZstdLibrary OUT: copies zstd-jni's library to OUT, or fails when told to
                + "case \"$*\" in *org.erofssim.cli.ZstdLibrary*) [ -e \"" + dir.resolve("zstd-fails") + "\" ] && exit 1\n"
                + "  for a in \"$@\"; do out=$a; done; printf 'a library' > \"$out\";; esac\n");
        for (Path p : List.of(java, root.resolve("erofs-sim"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return Map.of("JAVA", java.toString(), "XDG_CACHE_HOME", dir.resolve("cache").toString());
    }

    /** {@code env} with the launcher's copy of zstd-jni's library turned off. */
    private static Map<String, String> withoutZstdCache(Map<String, String> env) {
        Map<String, String> off = new java.util.HashMap<>(env);
        off.put("EROFS_SIM_ZSTD_CACHE", "0");
        return off;
    }

    private List<Path> archives() throws IOException {
        return cached(".jsa");
    }

    private List<Path> cached(String suffix) throws IOException {
        Path cds = dir.resolve("cache/erofs-sim/cds");
        try (Stream<Path> s = Files.list(cds)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().collect(Collectors.toList());
        }
    }

    private List<String> starts() throws IOException {
        List<String> s = Files.readAllLines(dir.resolve("starts"));
        Files.delete(dir.resolve("starts"));
        return s;
    }

    @Test
    void aDamagedClassDataArchiveIsMadeAgainAndAJvmThatDiesRemovesIt() throws Exception {
        Map<String, String> env = withoutZstdCache(standIn());
        List<String> cmd = List.of("bash", dir.resolve("checkout/erofs-sim").toString(), "inspect", "x");
        run(dir, env, cmd);
        List<Path> made = archives();
        assertThat(made).hasSize(1);
        // named after its size (10 bytes), mtime and inode as made
        assertThat(made.get(0).getFileName().toString()).matches("erofs-sim-[0-9]+-[0-9]+-10-[0-9.]+-[0-9]+\\.jsa");
        List<String> first = starts();
        assertThat(first).hasSize(3);
        assertThat(first.get(0)).contains("-XX:ArchiveClassesAtExit=").contains("org.erofssim.cli.CdsTraining")
                .contains(" -XX:-BackgroundCompilation "); // no method left queued, so none archived as queued
        assertThat(first.get(1)).contains("-Xshare:on", "-XX:+VerifySharedSpaces", "-version");
        assertThat(first.get(2)).contains("-XX:SharedArchiveFile=" + made.get(0),
                "-XX:OnError=rm -f '" + made.get(0) + "'").endsWith(" inspect x");

        run(dir, env, cmd); // kept: no training, one start
        assertThat(archives()).isEqualTo(made);
        assertThat(starts()).hasSize(1);

        // truncated (a JVM that maps it dies of SIGBUS): made again
        made.get(0).toFile().setWritable(true);
        Files.writeString(made.get(0), "an arch");
        run(dir, env, cmd);
        List<String> again = starts();
        assertThat(again).hasSize(3);
        assertThat(again.get(0)).contains("-XX:ArchiveClassesAtExit=");
        List<Path> remade = archives();
        assertThat(remade).hasSize(1);
        assertThat(again.get(2)).contains("-XX:SharedArchiveFile=" + remade.get(0));

        // bytes changed in place, same size (SIGSEGV in the JVM): the mtime in its name no longer matches
        Thread.sleep(20);
        remade.get(0).toFile().setWritable(true);
        Files.writeString(remade.get(0), "AN ARCHIVE");
        run(dir, env, cmd);
        List<String> fourth = starts();
        assertThat(fourth.get(0)).contains("-XX:ArchiveClassesAtExit=");
        List<Path> third = archives();
        assertThat(third).hasSize(1).doesNotContainAnyElementsOf(remade);

        // a JVM that dies anyway (bytes changed below the file system) runs its OnError command,
        // which removes the archive, and the next run makes one again
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-XX:OnError=(rm -f '[^']*')").matcher(fourth.get(2));
        assertThat(m.find()).isTrue();
        run(dir, Map.of(), List.of("sh", "-c", m.group(1)));
        assertThat(archives()).isEmpty();
        run(dir, env, cmd);
        assertThat(starts().get(0)).contains("-XX:ArchiveClassesAtExit=");
        assertThat(archives()).hasSize(1);
    }

    @Test
    void zstdJnisLibraryIsCopiedOncePerBuildPassedToEachJvmAndCopiedAgainWhenDamaged() throws Exception {
        Map<String, String> env = standIn();
        List<String> cmd = List.of("bash", dir.resolve("checkout/erofs-sim").toString(), "inspect", "x");
        run(dir, env, cmd);
        List<Path> libs = cached(".so");
        assertThat(libs).hasSize(1);
        // named after the jar and its size (9 bytes), mtime and inode as made, beside the archive
        assertThat(libs.get(0).getFileName().toString()).matches("erofs-sim-[0-9]+-[0-9]+-9-[0-9.]+-[0-9]+\\.so");
        String property = "-DZstdNativePath=" + libs.get(0);
        List<String> first = starts();
        assertThat(first).hasSize(4);
        // copied through a temporary name of this process, then the archive's training, its check and the command
        assertThat(first.get(0)).contains("org.erofssim.cli.ZstdLibrary " + dir.resolve("cache/erofs-sim/cds")).endsWith(".so.tmp");
        assertThat(first.get(1)).contains("-XX:ArchiveClassesAtExit=", property);
        // a JVM that dies removes both files it was given
        assertThat(first.get(3)).contains(property, "-XX:SharedArchiveFile=",
                "-XX:OnError=rm -f '" + archives().get(0) + "' '" + libs.get(0) + "'").endsWith(" inspect x");
        assertThat(cached(".tmp")).isEmpty();

        run(dir, env, cmd); // kept: one start, with the library
        assertThat(starts()).singleElement().asString().contains(property);
        assertThat(cached(".so")).isEqualTo(libs);

        // rewritten in place (same size): its mtime no longer matches its name, so it is copied again
        Thread.sleep(20);
        Files.writeString(libs.get(0), "A LIBRARY");
        run(dir, env, cmd);
        List<String> again = starts();
        assertThat(again).hasSize(2);
        assertThat(again.get(0)).contains("org.erofssim.cli.ZstdLibrary");
        List<Path> remade = cached(".so");
        assertThat(remade).hasSize(1).doesNotContainAnyElementsOf(libs);
        assertThat(again.get(1)).contains("-DZstdNativePath=" + remade.get(0));

        // truncated: copied again
        Files.writeString(remade.get(0), "a lib");
        run(dir, env, cmd);
        List<String> third = starts();
        assertThat(third.get(0)).contains("org.erofssim.cli.ZstdLibrary");
        assertThat(third.get(1)).contains("-DZstdNativePath=" + cached(".so").get(0));

        // a copy that does not work (the JVM that makes it cannot load it): the command runs without the
        // property (zstd-jni's own loading), and the copy is not tried again for this build
        Files.delete(cached(".so").get(0));
        Files.writeString(dir.resolve("zstd-fails"), "");
        run(dir, env, cmd);
        List<String> failed = starts();
        assertThat(failed).hasSize(2);
        assertThat(failed.get(0)).contains("org.erofssim.cli.ZstdLibrary");
        assertThat(failed.get(1)).doesNotContain("ZstdNativePath").contains("-XX:OnError=rm -f '" + archives().get(0) + "' ")
                .endsWith(" inspect x");
        assertThat(cached(".so")).isEmpty();
        assertThat(cached(".so-failed")).hasSize(1);
        assertThat(cached(".tmp")).isEmpty();
        run(dir, env, cmd);
        assertThat(starts()).singleElement().asString().doesNotContain("ZstdNativePath");

        // turned off: no copy, no property
        Files.delete(cached(".so-failed").get(0));
        run(dir, withoutZstdCache(env), cmd);
        assertThat(starts()).singleElement().asString().doesNotContain("ZstdNativePath");
        assertThat(cached(".so")).isEmpty();

        // the archive off, the library on: it alone is removed by a JVM that dies
        Map<String, String> noCds = new java.util.HashMap<>(env);
        noCds.put("EROFS_SIM_CDS", "0");
        Files.delete(dir.resolve("zstd-fails"));
        run(dir, noCds, cmd);
        List<String> alone = starts();
        assertThat(alone).hasSize(2);
        Path lib = cached(".so").get(0);
        assertThat(alone.get(1)).doesNotContain("SharedArchiveFile").contains("-DZstdNativePath=" + lib,
                "-XX:OnError=rm -f '" + lib + "' ");
    }
}
