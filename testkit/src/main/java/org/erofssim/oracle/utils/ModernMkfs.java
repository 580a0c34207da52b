package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erofssim.tools.ErofsUtils;
import org.erofssim.tools.HostTools;

/**
 * Builds images with a modern erofs-utils build ({@code .ci/build-erofs-utils VERSION}, found by
 * {@link ErofsUtils#release}) from a {@link TreeSpec} and {@link ModernMkfsOptions}, and extracts them with
 * the same release's {@code fsck.erofs}. Never the system's erofs-utils.
 */
public final class ModernMkfs {
    private ModernMkfs() {}

    /**
     * One build: the image, its extra devices in device-table order (the blob, the tar of
     * {@code --tar=i}, the source image of a blob-index rebuild), the mkfs run (a refusal has
     * {@code ok() == false}) and the commands that made it.
     */
    public record Built(Path dir, Path image, List<Path> devices, ModernMkfsOptions options, UtilsProcess.Result run,
                        Path utils) {
        public boolean ok() {
            return run.ok();
        }

        /** mkfs's complaint, its first {@code <E>} line or else its first line. */
        public String refusal() {
            String e = run.err().strip();
            for (String l : e.split("\n")) {
                if (l.contains("<E>")) {
                    return l.strip();
                }
            }
            int nl = e.indexOf('\n');
            return nl < 0 ? e : e.substring(0, nl);
        }
    }

    /** The build folder of {@code version}, or empty when it is not built here. */
    public static java.util.Optional<Path> utils(String version) {
        return ErofsUtils.release(version);
    }

    /** Materializes {@code spec} into {@code workDir/src} and builds {@code workDir/image.erofs} with it. */
    public static Built build(TreeSpec spec, ModernMkfsOptions o, Path workDir) throws IOException {
        Path utils = utils(o.version()).orElseThrow(() -> new IllegalStateException(
                "erofs-utils " + o.version() + " is not built: run .ci/build-erofs-utils " + o.version()));
        Path mkfs = utils.resolve("bin").resolve(ErofsUtils.MKFS);
        Files.createDirectories(workDir);
        Path src = workDir.resolve("src");
        spec.materialize(src);
        Path image = workDir.resolve("image.erofs").toAbsolutePath();
        List<Path> devices = new ArrayList<>();
        Path blob = null;
        if (o.blobdev()) {
            blob = workDir.resolve("blob.erofs").toAbsolutePath();
            devices.add(blob);
        }
        String source;
        switch (o.input()) {
            case TAR_FULL, TAR_INDEX -> {
                Path tar = workDir.resolve("tree.tar").toAbsolutePath();
                tar(src, tar);
                source = tar.toString();
                if (o.input() == ModernMkfsOptions.Input.TAR_INDEX) {
                    devices.add(tar);
                }
            }
            case REBUILD_BLOBS, REBUILD_DATA -> {
                Path first = workDir.resolve("source.erofs").toAbsolutePath();
                List<String> a = new ArrayList<>(o.sourceImageArgs());
                a.add(first.toString());
                a.add(src.toAbsolutePath().toString());
                UtilsProcess.Result r = UtilsProcess.runProgram(mkfs.toString(), a, Map.of());
                if (!r.ok()) {
                    return new Built(workDir, image, devices, o, r, utils);
                }
                source = first.toString();
                if (o.input() == ModernMkfsOptions.Input.REBUILD_BLOBS) {
                    devices.add(first);
                }
            }
            default -> source = src.toAbsolutePath().toString();
        }
        List<String> args = new ArrayList<>(o.args(blob));
        args.add(image.toString());
        args.add(source);
        return new Built(workDir, image, devices, o, UtilsProcess.runProgram(mkfs.toString(), args, Map.of()), utils);
    }

    /**
     * {@code fsck.erofs --extract=INTO --preserve-perms --no-preserve-owner} of the same release (with
     * {@code --xattr-inode-digest} where the image records digests): the run, whose failure the caller
     * reports.
     */
    public static UtilsProcess.Result extract(Built b, Path into) {
        List<String> a = new ArrayList<>();
        for (Path d : b.devices()) {
            a.add("--device=" + d);
        }
        if (b.options().inodeDigest()) {
            a.add("--xattr-inode-digest");
        }
        a.addAll(List.of("--extract=" + into.toAbsolutePath(), "--preserve-perms", "--no-preserve-owner",
                b.image().toString()));
        return UtilsProcess.runProgram(b.utils().resolve("bin").resolve(ErofsUtils.FSCK).toString(), a, Map.of());
    }

    /** {@code tar --format=posix --xattrs -cf TAR -C DIR .}: the tree as a tarball for {@code --tar=}. */
    static void tar(Path dir, Path tar) throws IOException {
        List<String> cmd = List.of("tar", "--format=posix", "--xattrs", "--xattrs-include=*", "-cf", tar.toString(),
                "-C", dir.toAbsolutePath().toString(), ".");
        try {
            Process p = HostTools.processBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no answer within 60 s");
            }
            // exit 1 is GNU tar's "some files differ/were ignored" (sockets): the tarball is complete otherwise
            if (p.exitValue() > 1) {
                throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": "
                        + new String(out, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: tar", e);
        }
    }
}
