package org.erofssim.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Real images made by {@code mkfs.erofs} (erofs-utils 1.5: {@code mkfs.erofs -T0 -U<uuid> IMAGE DIR})
 * from a small tree this class writes itself, built once and cached under
 * {@code target/prop-images} of the module (then read from there by every later run).
 *
 * <p>Missing {@code mkfs.erofs}: containers annotated with {@link RequireMkfs} are skipped with
 * a printed reason naming the package to install, as every oracle test is where its tool is
 * missing ({@code ./mvnw test} needs no erofs-utils). Under {@code -Derofssim.requireOracles=true},
 * which {@code .ci/run} sets, they run instead and fail with that message: CI never turns green
 * because the images these properties stand on could not be made. {@code -Derofssim.allowSkip=true}
 * still forces the skip.
 *
 * <p>The model's tests build the same tree with {@code org.erofssim.testing.TestImages} (a copy:
 * they cannot depend on this module, which depends on the model).
 */
public final class RealImages {
    /** The UUID of spec §8.1's statfs example. */
    public static final String UUID = "ef7f8e04-e3c3-4cf7-98cf-1650cb0265f2";
    private static final Path DIR = Path.of("target", "prop-images");

    private static byte[] plain;
    private static byte[][] blob;

    private RealImages() {}

    /**
     * Whether a missing mkfs.erofs skips: yes unless {@code -Derofssim.requireOracles=true};
     * {@code -Derofssim.allowSkip=true} forces it.
     */
    public static boolean skipAllowed() {
        String v = System.getProperty("erofssim.allowSkip");
        if (v != null && !v.equalsIgnoreCase("false")) {
            return true;
        }
        return !Boolean.parseBoolean(System.getProperty("erofssim.requireOracles"));
    }

    /** {@code mkfs.erofs} on {@code PATH}, if any. */
    public static Optional<Path> mkfs() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "mkfs.erofs");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Skips the annotated container when {@code mkfs.erofs} is missing <em>and</em>
     * {@code erofssim.allowSkip} is set; otherwise runs it (and the image accessors then fail
     * with a clear message). Use as {@code @AddLifecycleHook(RealImages.RequireMkfs.class)}.
     */
    public static final class RequireMkfs implements SkipExecutionHook {
        @Override public SkipResult shouldBeSkipped(LifecycleContext context) {
            if (mkfs().isEmpty() && skipAllowed()) {
                String why = "mkfs.erofs not found on PATH: these properties edit real erofs-utils images"
                        + " (install Debian package erofs-utils); -Derofssim.requireOracles=true makes this a failure";
                System.out.println("SKIPPED: " + context.label() + ": " + why);
                return SkipResult.skip(why);
            }
            return SkipResult.doNotSkip();
        }
    }

    /**
     * The plain image: {@code a.txt} ("hello\n"), {@code d/}, {@code d/b.bin} (5000 bytes),
     * {@code link -> a.txt}; 4 KiB blocks, SB_CHKSUM set, root nid 36 with erofs-utils 1.5.
     * A fresh copy each call.
     */
    public static synchronized byte[] plain() {
        if (plain == null) {
            plain = read(build("plain", List.of()));
        }
        return plain.clone();
    }

    /**
     * {@code mkfs.erofs --blobdev BLOB --chunksize=4096}: a primary with a one-slot device table
     * (DEVICE_TABLE set) whose file data lives in the blob. Returns copies of {primary, blob}.
     */
    public static synchronized byte[][] withBlob() {
        if (blob == null) {
            Path blobPath = DIR.resolve("blob-data.img").toAbsolutePath();
            Path primary = build("blob-primary", List.of("--blobdev=" + blobPath, "--chunksize=4096"));
            blob = new byte[][] {read(primary), read(blobPath)};
        }
        return new byte[][] {blob[0].clone(), blob[1].clone()};
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path build(String name, List<String> options) {
        Path mkfs = mkfs().orElseThrow(() -> new IllegalStateException(
                "mkfs.erofs not found on PATH: these properties edit real erofs-utils images "
                        + "(install erofs-utils, e.g. apt-get install -y erofs-utils), "
                        + "(-Derofssim.requireOracles=true makes its absence a failure)"));
        try {
            Files.createDirectories(DIR);
            Path image = DIR.resolve(name + ".erofs");
            if (Files.exists(image)) {
                return image;
            }
            Path tree = Files.createDirectories(DIR.resolve(name + "-tree-" + ProcessHandle.current().pid()));
            Files.writeString(tree.resolve("a.txt"), "hello\n", StandardCharsets.US_ASCII);
            Files.createDirectories(tree.resolve("d"));
            byte[] b = new byte[5000];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (i * 7);
            }
            Files.write(tree.resolve("d/b.bin"), b);
            Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
            Path tmp = DIR.resolve(name + ".erofs.tmp" + ProcessHandle.current().pid());
            List<String> cmd = new ArrayList<>(List.of(mkfs.toString(), "-T0", "-U" + UUID));
            cmd.addAll(options);
            cmd.add(tmp.toAbsolutePath().toString());
            cmd.add(tree.toString());
            Process p = org.erofssim.tools.HostTools.processBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
            Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running mkfs.erofs", e);
        }
    }
}
