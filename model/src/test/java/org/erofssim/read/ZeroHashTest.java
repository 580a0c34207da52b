package org.erofssim.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link PlainReader#zeroHash}: the SHA-256 of a run of zeros, as the JDK's digest computes it. */
class ZeroHashTest {
    private static String digestOfZeros(long n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] zeros = new byte[1 << 16];
        for (long done = 0; done < n; done += zeros.length) {
            md.update(zeros, 0, (int) Math.min(zeros.length, n - done));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    @DisplayName("the stored hash of READ_LIMIT zeros is the digest of 2^30 zero bytes")
    void readLimitConstant() throws Exception {
        assertThat(PlainReader.READ_LIMIT).isEqualTo(1L << 30);
        assertThat(PlainReader.zeroHash(PlainReader.READ_LIMIT)).isEqualTo(digestOfZeros(1L << 30));
    }

    @Test
    @DisplayName("other lengths are computed (and the same when asked again)")
    void otherLengths() throws Exception {
        for (long n : new long[] {1, 4096, 4097, 3 << 20}) {
            assertThat(PlainReader.zeroHash(n)).as("%d zeros", n).isEqualTo(digestOfZeros(n))
                    .isEqualTo(PlainReader.zeroHash(n));
        }
    }
}
