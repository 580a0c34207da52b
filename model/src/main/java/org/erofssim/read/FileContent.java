package org.erofssim.read;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.erofssim.kernel.Errno;

/**
 * The whole of a regular file as a sequential {@code read(2)} loop gets it.
 *
 * @param sha256  hex SHA-256 of the bytes returned before the error (all of them without one)
 * @param okBytes how many bytes that is
 * @param errno   the error that ended the reads, or null
 * @param notes   model remarks (a file cut at {@link PlainReader#READ_LIMIT})
 */
public record FileContent(String sha256, long okBytes, Errno errno, List<String> notes) {
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Lower-case hex of {@code bytes}, as {@code HexFormat.of().formatHex} writes it, in one array
     * (issue 12: the formatter's appends were 2% of a tree walk of small files).
     */
    public static String hex(byte[] bytes) {
        byte[] out = new byte[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX_DIGITS[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX_DIGITS[bytes[i] & 0xF];
        }
        return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * {@code hex(md.digest())}, and {@code md} reset: from a {@link Sha256Memo}, the string it
     * remembers for the same contents ({@link Sha256Memo#hexDigest}).
     */
    public static String hexDigest(MessageDigest md) {
        return md instanceof Sha256Memo m ? m.hexDigest() : hex(md.digest());
    }

    /**
     * {@link #newDigest()} for contents that will be {@code total} bytes (a hint: a
     * {@link Sha256Memo} sizes its buffer for them at once; any number of bytes may still come).
     */
    public static MessageDigest newDigest(long total) {
        MessageDigest md = newDigest();
        if (md instanceof Sha256Memo m) {
            m.expect(total);
        }
        return md;
    }

    /**
     * A new SHA-256 digest (the hash of {@link FileContent}): in an evaluation that records
     * coverage (a fuzz campaign's case) one that remembers the last contents this thread hashed
     * ({@link Sha256Memo}: the same digest, not computed again for contents equal byte for byte
     * to remembered ones), else the JDK's.
     */
    public static MessageDigest newDigest() {
        if (Sha256Memo.ENABLED && org.erofssim.kernel.Coverage.recording()) {
            return new Sha256Memo();
        }
        return jdkSha256();
    }

    /** A new SHA-256 digest of the JDK. */
    static MessageDigest jdkSha256() {
        try {
            // a copy of an unused digest: the provider look-up of getInstance per file was 2% of a
            // model-only fuzz campaign's worker time (JFR, issue 12); the prototype is never updated
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newSha256();
        }
    }

    private static final MessageDigest SHA256_PROTOTYPE = newSha256();

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** A copy of {@code md} in its current state. */
    public static MessageDigest cloneOf(MessageDigest md) {
        try {
            return (MessageDigest) md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests of the JDK can be cloned", e);
        }
    }
}
