package org.erofssim.cli;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.util.Native;
import com.github.luben.zstd.util.ZstdVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * zstd-jni's native library from the launcher's cache (issue 12). Left to itself, zstd-jni copies
 * its library (900 KB for linux/amd64) out of the jar into a temporary file and loads that, in
 * every process, at the first ZSTD pcluster: 25-34 ms of CPU and 30-280 ms of wall on a loaded
 * fuzz worker (session 15). zstd-jni loads a given file instead when the system property
 * {@value #PATH_PROPERTY} names one ({@code com.github.luben.zstd.util.Native.load}), so the
 * {@code erofs-sim} script copies the library once per build into its cache, beside the
 * class-data archive, with {@link #main} (it loads the copy and decodes a frame with it before
 * the script keeps it), and passes that property to the JVMs it starts.
 *
 * <p>zstd-jni does not fall back to its own copy when the named file fails to load (its
 * {@code UnsatisfiedLinkError} would fail the first ZSTD read for good), so {@link #preload} loads
 * the named file at start, and when it does not load (bytes changed below the file system, a
 * cache on a noexec mount, another machine's library) forgets the property: zstd-jni then copies
 * its own at first use, as without the cache. The cache never fails a command.
 */
public final class ZstdLibrary {
    /** zstd-jni's own system property: the library file to load instead of the jar's copy. */
    public static final String PATH_PROPERTY = "ZstdNativePath";

    private ZstdLibrary() {}

    /**
     * Loads the library named by {@value #PATH_PROPERTY}, if any; when it does not load, clears
     * the property so that zstd-jni's own loading runs at the first ZSTD use. Never throws. Holds
     * zstd-jni's lock (its {@code load} is {@code static synchronized}), so no other thread loads
     * from the property between the failure and its removal.
     */
    public static void preload() {
        String path = System.getProperty(PATH_PROPERTY);
        if (path == null) {
            return;
        }
        synchronized (Native.class) {
            try {
                if (!elf(path)) {
                    throw new UnsatisfiedLinkError("not an ELF file: " + path);
                }
                Native.load();
            } catch (Throwable e) { // UnsatisfiedLinkError: not a library, another version or machine, noexec
                System.clearProperty(PATH_PROPERTY);
            }
        }
    }

    /**
     * Whether {@code path} starts as an ELF file does, on Linux (elsewhere: true). HotSpot's Linux
     * loader warns on stderr ("might have disabled stack guard") about a file it cannot find a
     * non-executable stack mark in before it tries to load it, a file that is no ELF at all too; a
     * command's stderr must stay what it is without the cache.
     */
    private static boolean elf(String path) throws java.io.IOException {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return true;
        }
        byte[] magic = new byte[4];
        try (InputStream in = new java.io.FileInputStream(path)) { // not NIO's: its first use loads libnio and libnet
            return in.readNBytes(magic, 0, 4) == 4 && Arrays.equals(magic, new byte[] {0x7f, 'E', 'L', 'F'});
        }
    }

    /** The jar's resource of this platform's library, named as zstd-jni's {@code Native.resourceName} names it. */
    static String resourceName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).replace(' ', '_');
        if (os.startsWith("win")) {
            os = "win";
        } else if (os.startsWith("mac")) {
            os = "darwin";
        }
        String arch = System.getProperty("os.arch", "");
        if (os.equals("darwin") && arch.equals("amd64")) {
            arch = "x86_64";
        }
        String ext = os.contains("os_x") || os.contains("darwin") ? "dylib" : os.contains("win") ? "dll" : "so";
        return "/" + os + "/" + arch + "/libzstd-jni-" + ZstdVersion.VERSION + "." + ext;
    }

    /**
     * {@code ZstdLibrary OUT}: copies this platform's library out of the jar into OUT (a temporary
     * name of the caller's own), loads it as zstd-jni would with {@value #PATH_PROPERTY}, and
     * round-trips a frame through it. Exit code 0 when all of that worked, 1 otherwise (OUT may then
     * hold anything); prints nothing.
     */
    public static void main(String[] args) {
        System.exit(args.length == 1 && extract(Path.of(args[0])) ? 0 : 1);
    }

    static boolean extract(Path out) {
        try (InputStream in = Native.class.getResourceAsStream(resourceName())) {
            if (in == null) {
                return false;
            }
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            System.setProperty(PATH_PROPERTY, out.toAbsolutePath().toString());
            Native.load();
            byte[] text = "erofs-sim: zstd-jni's library, cached".getBytes(StandardCharsets.US_ASCII);
            return Arrays.equals(Zstd.decompress(Zstd.compress(text), text.length), text);
        } catch (Exception | LinkageError e) {
            return false;
        }
    }
}
