package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.erofssim.fixtures.Transcoder;
import org.erofssim.contract.TreeEntry;
import org.erofssim.oracle.utils.TreeSpec;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The running kernel against the model on MicroLZMA, DEFLATE and ZSTD images with multi-block
 * pclusters ({@link Transcoder} output of mkfs.erofs {@code -zlz4hc -C65536} images), clean and
 * with one damaged spot (16 bytes 0xff) in the stream's header, near its start, in the middle
 * and in the last block of a multi-block stream (a spot the decoder cannot notice, e.g. in ZSTD
 * literals without a checksum, must then read the same wrong bytes on both sides): per path the same hash, read error and bytes read before it, and the
 * model's log lines in the kernel's log in order ({@link LiveCompressedTest#compare}), in
 * file-backed mode (clean images in loop mode too). This is where the page bookkeeping of the
 * stream decompressors (the {@code in[]}/{@code out[]} numbers of their lines) meets inputs and
 * outputs of several pages. Root only (skipped with a printed reason otherwise).
 */
@DisplayName("live kernel: MicroLZMA, DEFLATE and ZSTD pclusters of several blocks, clean and damaged")
@Live
class LiveTranscodedTest {
    private static Path work;

    @BeforeAll
    static void setUp() {
        LiveFixtures.assumeLive();
        work = LiveFixtures.workDir();
    }

    @AfterAll
    static void tearDown() {
        if (work != null) {
            LiveFixtures.deleteTree(work);
        }
    }

    /**
     * Source trees: random letters (LZ4 saves about half: multi-block pclusters; DEFLATE and ZSTD
     * save more), and for MicroLZMA, which must fill its pcluster up to the last block, letters
     * interleaved with random bytes (both encoders then save about the same).
     */
    static byte[] contents(boolean interleaved) {
        byte[] b = new byte[200_000];
        for (int i = 0; i < b.length; i++) {
            boolean noise = interleaved && (i / 1024) % 4 != 3;
            b[i] = TreeSpec.contentByte(noise ? 77 : TreeSpec.LETTERS - 5, i);
        }
        return b;
    }

    /** mkfs.erofs -zlz4hc -C65536 of /data (and, unless MicroLZMA, a text file that compresses to one block). */
    static Path build(String name, byte[] data, boolean text) {
        try {
            Path src = work.resolve("src-" + name);
            Files.createDirectories(src);
            Files.write(src.resolve("data"), data);
            if (text) {
                Files.write(src.resolve("text"), LiveCompressedTest.text(70_000, 3));
            }
            Path img = work.resolve(name + ".erofs");
            ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.MKFS, List.of("--quiet", "-T0", "-zlz4hc", "-C65536",
                    img.toString(), src.toString()), 120);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path save(String name, byte[] bytes) throws IOException {
        return Files.write(work.resolve(name), bytes);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transcoder.Algorithm.class)
    void cleanAndDamagedStreams(Transcoder.Algorithm alg) throws IOException {
        boolean lzma = alg == Transcoder.Algorithm.LZMA;
        Path lz4 = build("src-" + alg.word, contents(lzma), !lzma);
        Transcoder.Result r = Transcoder.transcode(Files.readAllBytes(lz4), alg);
        assertThat(r).as(r.toString()).isInstanceOf(Transcoder.Transcoded.class);
        Transcoder.Transcoded t = (Transcoder.Transcoded) r;
        assertThat(t.report().multiBlock()).as(t.report().toString()).isPositive();
        Path clean = save(alg.word + ".erofs", t.image());
        for (boolean bdev : List.of(false, true)) {
            Map<String, TreeEntry> k = LiveCompressedTest.compare(clean, bdev);
            assertThat(k.get("/data").readErrno()).isNull();
        }
        // the multi-block pclusters of /data (dump.erofs -e of the LZ4 source: same places)
        List<long[]> big = new ArrayList<>();
        for (LiveCompressedTest.Extent e : LiveCompressedTest.dump(lz4, "/data").getValue()) {
            if (e.plen() > 4096) {
                big.add(new long[] {e.physical(), e.plen()});
            }
        }
        assertThat(big).isNotEmpty();
        long[] pc = big.get(big.size() / 2);
        byte[] img = t.image();
        int start = (int) pc[0];
        while (img[start] == 0) {
            start++;
        }
        int end = (int) (pc[0] + pc[1]);
        int damaged = 0;
        for (int at : new int[] {start + 4, start + 40, (start + end) / 2, end - 300}) {
            byte[] bad = img.clone();
            Arrays.fill(bad, at, at + 16, (byte) 0xFF);
            Path p = save(alg.word + "-damaged-" + at + ".erofs", bad);
            Map<String, TreeEntry> k = LiveCompressedTest.compare(p, false);
            if (k.get("/data").readErrno() != null) {
                damaged++;
            }
        }
        assertThat(damaged).as("damaged spots the kernel noticed").isPositive();
    }
}
