package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.stream.Stream;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.oracle.Syscalls;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus of issue 11 ({@code fixtures/hostile/}, its README lists every case): each
 * scenario ends agreeing (model and running kernel, through {@code compare}) or refused with
 * exit 2 and one line, and no host file outside the sandbox is opened: the decoys under
 * {@value #DECOYS} keep an access time older than their modification time, which any read
 * (relatime) or open of the FIFO would move.
 */
@DisplayName("The hostile corpus ends agreeing or refused, and touches no host file")
class HostileCorpusTest {
    static final String DECOYS = "/tmp/erofs-sim-hostile";
    private static final FileTime LONG_AGO = FileTime.fromMillis(0);
    private static final Path DIR = Path.of(DECOYS);

    static Path corpus() {
        return Cli.root().resolve("fixtures/hostile");
    }

    static Stream<String> escapes() throws IOException {
        try (Stream<Path> s = Files.list(corpus())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("escape-") && n.endsWith(".json"))
                    .sorted().toList().stream();
        }
    }

    static Stream<String> all() throws IOException {
        try (Stream<Path> s = Files.list(corpus())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
        }
    }

    @BeforeAll static void decoys() throws IOException {
        Files.createDirectories(DIR);
        Path image = DIR.resolve("decoy.erofs");
        Files.copy(Cli.image("plain.erofs"), image, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path fifo = DIR.resolve("decoy.fifo");
        Files.deleteIfExists(fifo);
        Syscalls.mknod(fifo.toString(), Syscalls.S_IFIFO | 0600, 0, 0);
        // (a FIFO's times cannot be set through java.nio without opening it, which blocks: its
        // proof is that the escape to it is refused at once instead of hanging in mount(2))
        Files.getFileAttributeView(image, BasicFileAttributeView.class).setTimes(
                FileTime.fromMillis(System.currentTimeMillis()), LONG_AGO, null);
    }

    @AfterAll static void untouched() throws IOException {
        try {
            FileTime atime = Files.readAttributes(DIR.resolve("decoy.erofs"), java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).lastAccessTime();
            assertThat(atime).as(DECOYS + "/decoy.erofs was accessed").isEqualTo(LONG_AGO);
        } finally {
            Files.deleteIfExists(DIR.resolve("decoy.erofs"));
            Files.deleteIfExists(DIR.resolve("decoy.fifo"));
            Files.deleteIfExists(DIR);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    @DisplayName("the model answers every case (predict exits 0)")
    void theModelAnswers(String name) {
        Cli.Result r = Cli.run("predict", corpus().resolve(name).toString());
        assertThat(r.exit()).as(name + ": " + r.err()).isZero();
        assertThat(r.out()).startsWith("{\"version\":1,");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    @DisplayName("a path that climbs above the scenario's / is refused by compare with exit 2, before anything is opened")
    void escapesAreRefused(String name) {
        Cli.Result r = Cli.run("compare", corpus().resolve(name).toString());
        assertThat(r.exit()).as(name + ": " + r.err()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("climbs above the scenario's /");
    }

    @Test
    @DisplayName("a device= path the sandbox would push past the kernel's 4,095-byte option page is refused with exit 2")
    void longRealisedOptionsAreRefused() {
        Cli.Result r = Cli.run("compare", corpus().resolve("options-long-device-path.json").toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("option page");
    }

    @Nested
    @org.erofssim.testkit.Live
    @DisplayName("on the running kernel (root)")
    class Live {
        static Stream<String> live() {
            return Stream.of("options-past-4095.json", "options-4095-exactly.json", "options-cut-at-4095.json",
                    "deep-1500.json");
        }

        private static void assumeLive() {
            String why = LiveKernelOracle.unavailableReason();
            if (why != null && ErofsUtils.oraclesRequired()) {
                throw new IllegalStateException("live kernel oracle missing under CI: " + why);
            }
            if (why != null) {
                System.out.println("SKIPPED hostile corpus on the live kernel: " + why);
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(why == null, why);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("live")
        @DisplayName("the model and the kernel agree")
        void agrees(String name) {
            assumeLive();
            Cli.Result r = Cli.run("compare", corpus().resolve(name).toString());
            assertThat(r.exit()).as(name + ": " + r.out() + r.err()).isZero();
        }

        @ParameterizedTest(name = "plain.erofs cut at {0} bytes, file-backed, read whole")
        @MethodSource("org.erofssim.cli.HostileCorpusTest#cuts")
        @DisplayName("truncated copies of plain.erofs: the model and the kernel agree")
        void truncatedAgree(int size, @TempDir Path tmp) throws IOException {
            assumeLive();
            byte[] all = Files.readAllBytes(Cli.image("plain.erofs"));
            Files.write(tmp.resolve("cut.erofs"), Arrays.copyOf(all, Math.min(size, all.length)));
            Path sc = Files.writeString(tmp.resolve("cut.json"), "{\"version\": 1, \"kernel\": \"6.18\", \"nodes\": "
                    + "{\"/srv/cut.erofs\": {\"kind\": \"file\", \"image\": \"cut.erofs\"}}, \"source\": \"/srv/cut.erofs\","
                    + " \"read\": true}");
            Cli.Result r = Cli.run("compare", sc.toString());
            assertThat(r.exit()).as(size + ": " + r.out() + r.err()).isZero();
        }
    }

    static Stream<Integer> cuts() {
        return Stream.of(0, 1100, 4096, 8192, 12288, 20480, 36864);
    }
}
