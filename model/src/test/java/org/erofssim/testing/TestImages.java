package org.erofssim.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.tools.ErofsUtils;

/**
 * Real images made by mkfs.erofs (erofs-utils) from small trees this class writes itself,
 * cached under {@code target/test-images}. Callers check {@link ErofsUtils#require} first.
 *
 * <p>The testkit's {@code org.erofssim.testkit.RealImages} builds the same tree for the other
 * modules; this copy stays because the testkit depends on the model, so the model's tests
 * cannot use it (Maven refuses the module cycle).
 */
public final class TestImages {
    /** The UUID the spec's statfs example uses (§8.1): f_fsid {@code 5498b077:0529c128}. */
    public static final String UUID = "ef7f8e04-e3c3-4cf7-98cf-1650cb0265f2";
    private static final Path DIR = Path.of("target", "test-images");

    private TestImages() {}

    /** A small tree: {@code a.txt} ("hello\n"), {@code d/}, {@code d/b.bin} (5000 bytes), {@code link -> a.txt}. */
    public static synchronized Path plain() {
        return build("plain", List.of(), UUID);
    }

    /** The same tree with an all-zero UUID. */
    public static synchronized Path zeroUuid() {
        return build("zero-uuid", List.of(), "00000000-0000-0000-0000-000000000000");
    }

    /**
     * A primary with a device table of one extra device: {@code mkfs.erofs --blobdev BLOB
     * --chunksize=4096}; file data lives in the blob. Returns {primary, blob}.
     */
    public static synchronized Path[] withBlob() {
        Path blob = DIR.resolve("blob-data.img");
        Path primary = build("blob-primary", List.of("--blobdev=" + blob.toAbsolutePath(), "--chunksize=4096"), UUID);
        return new Path[] {primary, blob};
    }

    /** The small tree with {@code user.k = "v"} on {@code a.txt} (an inline xattr; user xattrs need no root). */
    public static synchronized Path userXattr() {
        return build("user-xattr", List.of(), UUID);
    }

    private static Path build(String name, List<String> options, String uuid) {
        try {
            Files.createDirectories(DIR);
            Path image = DIR.resolve(name + ".erofs");
            if (Files.exists(image)) {
                return image;
            }
            Path tree = Files.createDirectories(DIR.resolve(name + "-tree")); // under target/, not /tmp
            Files.writeString(tree.resolve("a.txt"), "hello\n", StandardCharsets.US_ASCII);
            Files.createDirectories(tree.resolve("d"));
            byte[] b = new byte[5000];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (i * 7);
            }
            Files.write(tree.resolve("d/b.bin"), b);
            Files.deleteIfExists(tree.resolve("link"));
            Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
            if (name.equals("user-xattr")) {
                Files.setAttribute(tree.resolve("a.txt"), "user:k", ByteBuffer.wrap(new byte[] {'v'}));
            }
            List<String> args = new ArrayList<>(List.of("-T0", "-U" + uuid));
            args.addAll(options);
            args.add(image.toAbsolutePath().toString());
            args.add(tree.toString());
            ErofsUtils.Run run = ErofsUtils.run(ErofsUtils.MKFS, args, 60);
            if (run.exitCode() != 0) {
                throw new IllegalStateException("mkfs.erofs failed: " + run.stderr());
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
