package org.erofssim.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code /proc/self/mountinfo}:
 * {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT MNTOPTS [optional...] - FSTYPE SOURCE SUPEROPTS}.
 * Octal escapes ({@code \040} ...) are undone in the path fields.
 */
public record MountInfo(int id, int parent, int major, int minor, String root, String mountPoint,
                        String mountOptions, String fsType, String source, String superOptions) {

    public String dev() {
        return major + ":" + minor;
    }

    /** All mounts of this process's namespace, in the kernel's order (parents before children). */
    public static List<MountInfo> read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<MountInfo> parse(List<String> lines) {
        List<MountInfo> out = new ArrayList<>();
        for (String line : lines) {
            MountInfo m = parseLine(line);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    static MountInfo parseLine(String line) {
        String[] f = line.split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (f.length < 7 || dash < 0 || dash + 3 > f.length) {
            return null;
        }
        String[] mm = f[2].split(":");
        return new MountInfo(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(mm[0]),
                Integer.parseInt(mm[1]), unescape(f[3]), unescape(f[4]), f[5], f[dash + 1], unescape(f[dash + 2]),
                dash + 3 < f.length ? f[dash + 3] : "");
    }

    /** Undoes the kernel's {@code \ooo} escapes of space, tab, newline and backslash. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && isOctal(s.charAt(i + 1)) && isOctal(s.charAt(i + 2))
                    && isOctal(s.charAt(i + 3))) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    /** Whether {@code path} is {@code dir} or below it. */
    static boolean under(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir.endsWith("/") ? dir : dir + "/");
    }
}
