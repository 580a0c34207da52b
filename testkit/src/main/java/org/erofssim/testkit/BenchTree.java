package org.erofssim.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.erofssim.tools.ErofsUtils;

/**
 * The generated tree the benchmarks compress (harness {@code bench.VerifyBenchmark} and
 * {@code bench.RatioBenchmark}), seeded so every run writes the same bytes: {@code MiB/2} text
 * files of 2 MiB (words from a small vocabulary: compressible), one noise file of a tenth of
 * {@code MiB} MiB (random: stored uncompressed), optionally 8 mixed files of 256 KiB (every third
 * 4 KiB block noise: uncompressed pclusters inside compressed files) and 200 small text files.
 */
public final class BenchTree {
    private static final String[] WORDS = {"erofs", "pcluster", "lcluster", "compact", "index", "head", "plain",
        "tail", "block", "kernel", "mount", "read", "folio", "page", "zero", "padding", "lz4", "hc", "big", "inline\n"};

    private BenchTree() {}

    /**
     * Writes the tree under {@code tree} (created as needed).
     *
     * @param mib   size of the text part in MiB
     * @param mixed whether to add the 8 mixed text/noise files
     * @return the bytes written
     */
    public static long write(Path tree, int mib, boolean mixed) throws IOException {
        Random r = new Random(1);
        long bytes = 0;
        for (int i = 0; i < Math.max(1, mib / 2); i++) {
            bytes += write(tree.resolve("text/t" + i), text(r, 2 << 20));
        }
        byte[] noise = new byte[mib * (1 << 20) / 10];
        r.nextBytes(noise);
        bytes += write(tree.resolve("noise/n"), noise);
        if (mixed) {
            for (int i = 0; i < 8; i++) {
                byte[] t = text(r, 256 << 10);
                byte[] z = new byte[t.length];
                r.nextBytes(z);
                for (int k = 0; k < t.length; k++) {
                    if ((k / 4096) % 3 == 0) {
                        t[k] = z[k];
                    }
                }
                bytes += write(tree.resolve("mixed/m" + i), t);
            }
        }
        for (int i = 0; i < 200; i++) {
            bytes += write(tree.resolve(String.format("small/s%03d", i)), text(r, 100 + (i * 37) % 3000));
        }
        return bytes;
    }

    /**
     * {@code mkfs.erofs --quiet -T0 OPTIONS... IMAGE TREE} with the installed erofs-utils.
     *
     * @throws IllegalStateException when mkfs.erofs is missing or fails
     */
    public static Path mkfs(Path tree, Path image, List<String> options) {
        if (!ErofsUtils.require(ErofsUtils.MKFS)) {
            throw new IllegalStateException("mkfs.erofs not found on PATH (install erofs-utils)");
        }
        List<String> args = new ArrayList<>(List.of("--quiet", "-T0"));
        args.addAll(options);
        args.add(image.toString());
        args.add(tree.toString());
        ErofsUtils.Run run = ErofsUtils.run(ErofsUtils.MKFS, args, 600);
        if (run.exitCode() != 0) {
            throw new IllegalStateException("mkfs.erofs " + args + ": " + run.stderr());
        }
        return image;
    }

    /** Deletes {@code dir} and everything under it. */
    public static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** {@code n} bytes of words and spaces, a line break after about one word in seven. */
    public static byte[] text(Random r, int n) {
        StringBuilder sb = new StringBuilder(n + 16);
        while (sb.length() < n) {
            sb.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(7) == 0 ? '\n' : ' ');
        }
        return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    private static long write(Path p, byte[] data) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        return data.length;
    }
}
