package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("SuperblockChecksum")
class SuperblockChecksumTest {

    /** Bit-by-bit CRC-32C (reflected polynomial 0x82F63B78), no final inversion: independent of java.util.zip. */
    static long referenceCrc(long seed, byte[] data, int from, int to) {
        long crc = seed & 0xFFFFFFFFL;
        for (int i = from; i < to; i++) {
            crc ^= data[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78L : crc >>> 1;
            }
        }
        return crc;
    }

    /** The spec §1.4 computation written out with the reference CRC. */
    static long referenceChecksum(byte[] img, int blkszbits) {
        int bs = 1 << blkszbits;
        int len = bs > 1024 ? bs - 1024 : bs;
        byte[] copy = java.util.Arrays.copyOfRange(img, 1024, 1024 + len);
        copy[4] = copy[5] = copy[6] = copy[7] = 0;
        return referenceCrc(0xFFFFFFFFL, copy, 0, len);
    }

    static java.util.stream.Stream<Path> images() {
        return Fixtures.allImages().stream();
    }

    @Nested
    @DisplayName("the reference CRC used by these tests")
    class Reference {
        @Test
        @DisplayName("gives the published CRC-32C check value 0xE3069283 for \"123456789\" once inverted")
        void checkValue() {
            byte[] d = "123456789".getBytes(StandardCharsets.US_ASCII);
            assertThat(~referenceCrc(0xFFFFFFFFL, d, 0, d.length) & 0xFFFFFFFFL).isEqualTo(0xE3069283L);
        }
    }

    @Nested
    @DisplayName("compute")
    class Compute {
        @ParameterizedTest(name = "blkszbits {0} covers {1} bytes")
        @CsvSource({"9,512", "10,1024", "11,1024", "12,3072"})
        @DisplayName("covers bs - 1024 bytes when bs > 1024, else bs (spec §1.4)")
        void length(int bits, int len) {
            assertThat(SuperblockChecksum.coveredLength(bits)).isEqualTo(len);
        }

        @ParameterizedTest(name = "blkszbits {0}")
        @ValueSource(ints = {9, 10, 11, 12})
        @DisplayName("equals the bitwise reference over random pages")
        void matchesReference(int bits) {
            Random r = new Random(bits);
            for (int i = 0; i < 20; i++) {
                byte[] img = new byte[4096];
                r.nextBytes(img);
                assertThat(SuperblockChecksum.compute(Fixtures.le(img), bits)).isEqualTo(referenceChecksum(img, bits));
            }
        }

        @Test
        @DisplayName("ignores the stored checksum bytes and everything past the covered range")
        void coverage() {
            byte[] img = new byte[8192];
            new Random(1).nextBytes(img);
            long base = SuperblockChecksum.compute(Fixtures.le(img), 12);
            img[1028] ^= 0x55;
            img[1031] ^= 0x55;
            img[4096] ^= 1;
            img[100] ^= 1;
            assertThat(SuperblockChecksum.compute(Fixtures.le(img), 12)).isEqualTo(base);
            img[4095] ^= 1;
            assertThat(SuperblockChecksum.compute(Fixtures.le(img), 12)).isNotEqualTo(base);
        }

        @Test
        @DisplayName("gives the same value as the 6.17 form (seed 0x5045B54A over [1032, 1024 + len)) when the magic is valid")
        void form617() {
            Random r = new Random(617);
            for (int i = 0; i < 20; i++) {
                byte[] img = new byte[4096];
                r.nextBytes(img);
                // the seed is the CRC of the magic and a zero checksum, so it only stands in for valid magic bytes
                img[1024] = (byte) 0xE2;
                img[1025] = (byte) 0xE1;
                img[1026] = (byte) 0xF5;
                img[1027] = (byte) 0xE0;
                assertThat(SuperblockChecksum.compute(Fixtures.le(img), 12))
                        .isEqualTo(referenceCrc(0x5045B54AL, img, 1032, 4096));
            }
        }

        @Test
        @DisplayName("never throws: empty buffer, absurd blkszbits")
        void robust() {
            assertThatCode(() -> {
                SuperblockChecksum.compute(Fixtures.le(new byte[0]), 12);
                SuperblockChecksum.compute(Fixtures.le(new byte[1500]), 255);
                SuperblockChecksum.compute(Fixtures.le(new byte[1500]), -3);
                SuperblockChecksum.matches(Fixtures.le(new byte[3]));
            }).doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("on the mkfs.erofs fixture images")
    class OnFixtures {
        @ParameterizedTest(name = "{0}")
        @MethodSource("org.erofssim.ondisk.SuperblockChecksumTest#images")
        @DisplayName("the computed value is the one mkfs.erofs stored")
        void storedByMkfs(Path image) {
            var buf = Fixtures.buffer(image);
            assertThat(SuperblockChecksum.compute(buf, 12)).isEqualTo(Integer.toUnsignedLong(buf.getInt(1028)));
            assertThat(SuperblockChecksum.stored(buf)).isEqualTo(Integer.toUnsignedLong(buf.getInt(1028)));
            assertThat(SuperblockChecksum.matches(buf)).isTrue();
        }

        @Test
        @DisplayName("one flipped bit in the covered range is a mismatch")
        void flipped() {
            byte[] img = Fixtures.bytes(Fixtures.image("plain.erofs"));
            img[1024 + 64] ^= 1;
            assertThat(SuperblockChecksum.matches(Fixtures.le(img))).isFalse();
        }
    }
}
