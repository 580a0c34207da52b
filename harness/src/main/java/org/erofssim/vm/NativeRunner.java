package org.erofssim.vm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The native guest runner (issue 15): {@code guest-runner.c} (a resource of this package, the
 * only form in the repository) compiled on the host with {@code gcc -static -O2} into the kernel
 * cache, {@code native/<sha256 prefix of the source>/erofs-guest-runner} with a {@code stamp}
 * (the source's sha256 and the compiler's version line). A source that changed gets a new folder;
 * a folder whose stamp does not match is rebuilt. The guest runs it from the host's root over 9p
 * (static: it needs nothing of the guest's own libraries); a case it observes costs no JVM.
 */
public final class NativeRunner {
    static final String SOURCE = "guest-runner.c";
    static final String BINARY = "erofs-guest-runner";

    private NativeRunner() {}

    /** The committed source's bytes. */
    static byte[] source() {
        try (InputStream in = NativeRunner.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new VmUnavailable("the native guest runner's source " + SOURCE + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new VmUnavailable("cannot read " + SOURCE + ": " + e.getMessage());
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The runner built from the committed source under {@code cacheRoot}, compiled now when it is
     * missing or its stamp is not the source's; a {@link VmUnavailable} (one line) when gcc is
     * missing or fails.
     */
    public static Path build(Path cacheRoot, java.util.function.Consumer<String> log) {
        byte[] src = source();
        String sha = sha256(src);
        Path dir = cacheRoot.resolve("native").resolve(sha.substring(0, 16));
        Path bin = dir.resolve(BINARY);
        Path stamp = dir.resolve("stamp");
        try {
            if (Files.isExecutable(bin) && Files.isRegularFile(stamp)
                    && Files.readString(stamp).startsWith("source-sha256 " + sha + "\n")) {
                return bin;
            }
            if (Tools.which("gcc") == null) {
                throw new VmUnavailable("the native guest runner needs gcc (Debian package gcc) and libc6-dev for -static");
            }
            Files.createDirectories(dir);
            Path c = dir.resolve(SOURCE);
            Files.write(c, src);
            Path tmp = dir.resolve(BINARY + ".tmp");
            long t0 = System.nanoTime();
            Tools.Result r = Tools.run(List.of("gcc", "-static", "-O2", "-o", tmp.toString(), c.toString()), dir, null, 300);
            if (r.status() != 0 || !Files.isRegularFile(tmp)) {
                throw new VmUnavailable("gcc could not build the native guest runner: "
                        + r.output().strip().lines().reduce((a, b) -> b).orElse("exit " + r.status()));
            }
            Tools.Result v = Tools.run(List.of("gcc", "--version"), dir, null, 60);
            Files.move(tmp, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(stamp, "source-sha256 " + sha + "\ncompiler " + v.output().lines().findFirst().orElse("?")
                    + "\nflags -static -O2\n", StandardCharsets.UTF_8);
            log.accept(String.format("native guest runner built in %.1f s: %s", (System.nanoTime() - t0) / 1e9, bin));
            return bin;
        } catch (IOException e) {
            throw new VmUnavailable("cannot build the native guest runner in " + dir + ": " + e.getMessage());
        }
    }
}
