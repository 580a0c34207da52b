package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.erofssim.tools.ErofsUtils;

/**
 * {@code fsck.erofs} (erofs-utils 1.5): a check, and extraction to a folder.
 *
 * <p>What 1.5 extraction keeps: types, contents, symlink targets, device numbers, mtimes with
 * nanoseconds, and with {@code --preserve-perms} the whole mode including setuid, setgid and
 * sticky. It does not keep: hard links (each name becomes its own file), xattrs and ACLs
 * (never written), directory sizes (the host's). Owners are not restored here on purpose: 1.5
 * calls {@code chmod} before {@code lchown}, and the kernel clears setuid/setgid on chown, so
 * {@code --preserve} would lose those bits; uid/gid come from dump.erofs instead.
 */
public final class FsckErofs {
    private FsckErofs() {}

    /** {@code fsck.erofs [--device=...] IMAGE}. */
    public static UtilsProcess.Result check(Path image, Collection<Path> devices) {
        return UtilsProcess.run(ErofsUtils.FSCK, args(devices, image.toString()));
    }

    /**
     * Extracts the image into a new temporary folder and returns it (the caller deletes it, e.g.
     * with {@link Workspace#delete}).
     */
    public static Path extract(Path image, Collection<Path> devices) throws IOException {
        Path parent = Files.createTempDirectory("erofs-sim-extract");
        return extract(image, devices, parent.resolve("root"));
    }

    /**
     * Extracts the image into {@code into} (must not exist yet) and returns it. Throws
     * {@link UtilsProcess.ToolFailed} when fsck.erofs fails.
     */
    public static Path extract(Path image, Collection<Path> devices, Path into) throws IOException {
        if (Files.exists(into, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("extraction target exists: " + into);
        }
        Files.createDirectories(into.toAbsolutePath().getParent());
        UtilsProcess.run(ErofsUtils.FSCK, args(devices, "--extract=" + into.toAbsolutePath(), "--preserve-perms",
                "--no-preserve-owner", image.toString())).orThrow();
        return into;
    }

    private static List<String> args(Collection<Path> devices, String... rest) {
        List<String> a = new ArrayList<>();
        for (Path d : devices) {
            a.add("--device=" + d);
        }
        a.addAll(List.of(rest));
        return a;
    }
}
