package org.erofssim.oracle.utils;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * File names are bytes; the contract's tree paths are strings. {@link #render} is the one rule
 * that turns name bytes into the strings of a tree entry ({@code path}, symlink {@code target}):
 * UTF-8, with each malformed sequence replaced by U+FFFD (what {@code new String(bytes, UTF_8)}
 * does). {@link #escape} is for people: printable ASCII as is, everything else as {@code \xNN}.
 */
public final class Names {
    private Names() {}

    /** The string form used in tree entries. */
    public static String render(byte[] name) {
        return new String(name, StandardCharsets.UTF_8);
    }

    /** The tree path of a list of components: {@code "/"} for the root, else {@code "/a/b"}. */
    public static String path(List<byte[]> components) {
        if (components.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (byte[] c : components) {
            sb.append('/').append(render(c));
        }
        return sb.toString();
    }

    /** Whether the bytes are well-formed UTF-8 (so {@link #render} loses nothing). */
    public static boolean isUtf8(byte[] name) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(name));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /** Printable ASCII kept (backslash and double quote escaped), anything else {@code \xNN}. */
    public static String escape(byte[] name) {
        StringBuilder sb = new StringBuilder(name.length);
        for (byte b : name) {
            int v = b & 0xff;
            if (v == '\\' || v == '"') {
                sb.append('\\').append((char) v);
            } else if (v >= 0x20 && v < 0x7f) {
                sb.append((char) v);
            } else {
                sb.append(String.format("\\x%02x", v));
            }
        }
        return sb.toString();
    }

    /** Inverse of {@link #escape}. */
    public static byte[] unescape(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == 'x' && i + 3 < s.length()) {
                    out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                }
                out.write(n);
                i++;
                continue;
            }
            byte[] enc = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
            out.write(enc, 0, enc.length);
        }
        return out.toByteArray();
    }
}
