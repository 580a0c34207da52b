package org.erofssim.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.erofssim.tools.ErofsUtils;

/**
 * The images {@code erofs-sim bench} measures, generated from a seeded recipe and built with the
 * installed {@code mkfs.erofs} into a cache folder outside the checkout (default
 * {@code ~/.cache/erofs-sim/bench}, {@code $XDG_CACHE_HOME} respected), once per recipe: the
 * file name carries the recipe's version and size, so a changed recipe builds a new image and an
 * unchanged one is reused. The input tree is deleted once the image is built.
 *
 * <ul>
 *   <li>{@link #verifyImage}: {@code MB} MB of binary-like content (literal runs from a skewed
 *       alphabet and back-references, about what LZ4HC makes of shared libraries: the full
 *       recipe's 560 MB give an image of 300 MB or more), in files from 4 KiB to 8 MiB, built with
 *       {@code -zlz4hc};</li>
 *   <li>{@link #manyFilesImage}: {@code N} small text files (0 to 2 KiB) in folders of 1,000,
 *       {@code -zlz4hc}.</li>
 * </ul>
 */
public final class BenchImages {
    /** Bumped whenever a generator below changes what it writes. */
    static final int RECIPE = 1;

    private BenchImages() {}

    /** The default cache folder. */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("erofs-sim").resolve("bench");
    }

    /** The LZ4HC verify image of {@code mb} MB of content, built when missing. */
    public static Path verifyImage(Path cache, int mb, PrintWriter progress) {
        Path image = cache.resolve("verify-r" + RECIPE + "-" + mb + "MB-lz4hc.erofs");
        return build(image, progress, "the verify image (" + mb + " MB of content, -zlz4hc)",
                tree -> writeBinaryTree(tree, (long) mb * 1_000_000L), List.of("-zlz4hc"));
    }

    /** The image of {@code n} small files, built when missing. */
    public static Path manyFilesImage(Path cache, int n, PrintWriter progress) {
        Path image = cache.resolve("files-r" + RECIPE + "-" + n + "-lz4hc.erofs");
        return build(image, progress, "the many-files image (" + n + " files, -zlz4hc)",
                tree -> writeSmallFiles(tree, n), List.of("-zlz4hc"));
    }

    private interface TreeWriter {
        void write(Path tree) throws IOException;
    }

    private static Path build(Path image, PrintWriter progress, String what, TreeWriter writer, List<String> options) {
        if (Files.isRegularFile(image)) {
            return image;
        }
        if (ErofsUtils.find(ErofsUtils.MKFS).isEmpty()) {
            throw new IllegalStateException("mkfs.erofs missing: install Debian package erofs-utils");
        }
        try {
            Files.createDirectories(image.getParent());
            Path work = Files.createTempDirectory(image.getParent(), "building-");
            try {
                progress.println("bench: building " + what + " into " + image + " (once; reused afterwards)");
                progress.flush();
                Path tree = work.resolve("tree");
                writer.write(tree);
                Path tmp = work.resolve("image.erofs");
                List<String> args = new ArrayList<>(List.of("--quiet", "-T0", "--all-root"));
                args.addAll(options);
                args.add(tmp.toString());
                args.add(tree.toString());
                ErofsUtils.Run run = ErofsUtils.run(ErofsUtils.MKFS, args, 3600);
                if (run.exitCode() != 0) {
                    throw new IllegalStateException("mkfs.erofs " + String.join(" ", args) + ": "
                            + Figure.oneLine(run.stderr()));
                }
                Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE);
                return image;
            } finally {
                delete(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code total} bytes in files of 4 KiB to 8 MiB (sizes drawn log-uniformly), 100 files a
     * folder. Each file: runs of 1-24 literal bytes from a skewed alphabet, each followed with
     * probability 0.6 by a copy of 8-72 earlier bytes (up to 2 KiB back: an EROFS
     * pcluster is compressed on its own, so only near matches count).
     */
    static long writeBinaryTree(Path tree, long total) throws IOException {
        SplittableRandom r = new SplittableRandom(20261206L);
        byte[] alphabet = new byte[256];
        for (int i = 0; i < alphabet.length; i++) { // skewed: small values far more likely
            int v = (int) Math.floor(Math.pow(r.nextDouble(), 2.5) * 256);
            alphabet[i] = (byte) v;
        }
        long written = 0;
        int n = 0;
        while (written < total) {
            int size = (int) Math.min(total - written, Math.round(Math.exp(Math.log(4096) + r.nextDouble()
                    * (Math.log(8 << 20) - Math.log(4096)))));
            byte[] b = new byte[size];
            int p = 0;
            while (p < size) {
                int lit = 1 + r.nextInt(24);
                for (int k = 0; k < lit && p < size; k++) {
                    b[p++] = alphabet[r.nextInt(256)];
                }
                if (p > 80 && r.nextInt(20) < 9) {
                    int len = 8 + r.nextInt(64);
                    int back = r.nextInt(Math.min(p - len, 2048));
                    int from = Math.max(0, p - back - len);
                    for (int k = 0; k < len && p < size; k++) {
                        b[p++] = b[from + k];
                    }
                }
            }
            Path f = tree.resolve(String.format("d%03d/f%05d.bin", n / 100, n));
            Files.createDirectories(f.getParent());
            Files.write(f, b);
            written += size;
            n++;
        }
        return written;
    }

    /** {@code n} text files of 0 to 2 KiB, 1,000 a folder. */
    static void writeSmallFiles(Path tree, int n) throws IOException {
        SplittableRandom r = new SplittableRandom(20261207L);
        String[] words = {"erofs", "pcluster", "inode", "dirent", "xattr", "block", "mount", "kernel", "page", "folio"};
        for (int i = 0; i < n; i++) {
            Path f = tree.resolve(String.format("d%04d/file%06d.txt", i / 1000, i));
            if (i % 1000 == 0) {
                Files.createDirectories(f.getParent());
            }
            int size = r.nextInt(2048);
            StringBuilder sb = new StringBuilder(size + 16);
            while (sb.length() < size) {
                sb.append(words[r.nextInt(words.length)]).append(r.nextInt(8) == 0 ? '\n' : ' ');
            }
            try (OutputStream o = Files.newOutputStream(f)) {
                o.write(sb.substring(0, size).getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
