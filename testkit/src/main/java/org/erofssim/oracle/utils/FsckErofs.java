package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.erofssim.tools.ErofsUtils;

/**
 * {@code fsck.erofs} (erofs-utils 1.5): a check, and extraction to a folder; its checksum complaint
 * parsed in the 1.5/1.8 and the 1.9 wording ({@link #checksumMismatch}).
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

    /** The stored and the computed superblock checksum fsck.erofs names when they differ. */
    public record ChecksumMismatch(long saved, long calculated) {}

    private static final java.util.regex.Pattern CHKSUM_15 =
            java.util.regex.Pattern.compile("saved\\(([0-9a-f]{8})h\\) calculated\\(([0-9a-f]{8})h\\)");
    private static final java.util.regex.Pattern CHKSUM_19 =
            java.util.regex.Pattern.compile("invalid checksum 0x([0-9a-f]+), 0x([0-9a-f]+) expected");

    /**
     * Parses fsck.erofs's complaint about a bad superblock checksum, in either output generation:
     * 1.5 and 1.8 print {@code superblock chksum doesn't match: saved(XXXXXXXXh) calculated(XXXXXXXXh)},
     * 1.9 prints {@code invalid checksum 0xSAVED, 0xCALCULATED expected}. Empty when the text has neither.
     */
    public static java.util.Optional<ChecksumMismatch> checksumMismatch(String output) {
        java.util.regex.Matcher m = CHKSUM_15.matcher(output);
        if (!m.find()) {
            m = CHKSUM_19.matcher(output);
            if (!m.find()) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(new ChecksumMismatch(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16)));
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
