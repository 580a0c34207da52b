package org.erofssim.ondisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Superblock")
class SuperblockTest {

    /** A 4 KiB page 0 whose superblock fields are placed by hand at spec §1.2 offsets. */
    static byte[] handMade() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        int sb = 1024;
        b.put(sb, new byte[] {(byte) 0xE2, (byte) 0xE1, (byte) 0xF5, (byte) 0xE0});
        b.putInt(sb + 4, 0x89ABCDEF);
        b.putInt(sb + 8, 0x3);
        b.put(sb + 12, (byte) 12);
        b.put(sb + 13, (byte) 1);
        b.putShort(sb + 14, (short) 0xBEEF);
        b.putLong(sb + 16, 0x1122334455667788L);
        b.putLong(sb + 24, 1_000_000_000L);
        b.putInt(sb + 32, 123);
        b.putInt(sb + 36, 0xFFFFFFF0);
        b.putInt(sb + 40, 7);
        b.putInt(sb + 44, 9);
        for (int i = 0; i < 16; i++) {
            b.put(sb + 48 + i, (byte) (0xA0 + i));
            b.put(sb + 64 + i, (byte) ('a' + i));
        }
        b.putInt(sb + 80, 0x1C);
        b.putShort(sb + 84, (short) 0xFFFF);
        b.putShort(sb + 86, (short) 3);
        b.putShort(sb + 88, (short) 9);
        b.put(sb + 90, (byte) 0);
        b.put(sb + 91, (byte) 2);
        b.putInt(sb + 92, 0x400);
        b.putLong(sb + 96, 4242);
        b.put(sb + 104, (byte) 0x5A);
        b.putInt(sb + 108, 86400);
        b.putLong(sb + 112, 0x0000_1234_5678_9ABCL);
        b.putLong(sb + 128, 77);
        return b.array();
    }

    @Nested
    @DisplayName("decoding bytes placed by hand")
    class Decode {
        private final Superblock sb = Superblock.decode(Fixtures.le(handMade()));

        @Test
        @DisplayName("the magic bytes E2 E1 F5 E0 read as EROFS_SUPER_MAGIC_V1")
        void magic() {
            assertThat(sb.magic()).isEqualTo(0xE0F5E1E2L).isEqualTo(Superblock.MAGIC);
        }

        @Test
        @DisplayName("every field reads the value placed at its offset, unsigned")
        void fields() {
            assertThat(sb.checksum()).isEqualTo(0x89ABCDEFL);
            assertThat(sb.featureCompat()).isEqualTo(3);
            assertThat(sb.blkszbits()).isEqualTo(12);
            assertThat(sb.sbExtslots()).isEqualTo(1);
            assertThat(sb.rootNid()).isEqualTo(0xBEEF);
            assertThat(sb.blocksHi()).isEqualTo(0xBEEF);
            assertThat(sb.inos()).isEqualTo(0x1122334455667788L);
            assertThat(sb.epoch()).isEqualTo(1_000_000_000L);
            assertThat(sb.fixedNsec()).isEqualTo(123);
            assertThat(sb.blocksLo()).isEqualTo(0xFFFFFFF0L);
            assertThat(sb.metaBlkaddr()).isEqualTo(7);
            assertThat(sb.xattrBlkaddr()).isEqualTo(9);
            assertThat(sb.uuid()[0]).isEqualTo((byte) 0xA0);
            assertThat(sb.uuid()[15]).isEqualTo((byte) 0xAF);
            assertThat(new String(sb.volumeName(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abcdefghijklmnop");
            assertThat(sb.featureIncompat()).isEqualTo(0x1C);
            assertThat(sb.u1()).isEqualTo(0xFFFF);
            assertThat(sb.extraDevices()).isEqualTo(3);
            assertThat(sb.devtSlotoff()).isEqualTo(9);
            assertThat(sb.dirblkbits()).isZero();
            assertThat(sb.xattrPrefixCount()).isEqualTo(2);
            assertThat(sb.xattrPrefixStart()).isEqualTo(0x400);
            assertThat(sb.packedNid()).isEqualTo(4242);
            assertThat(sb.xattrFilterReserved()).isEqualTo(0x5A);
            assertThat(sb.buildTime()).isEqualTo(86400);
            assertThat(sb.rootNid8b()).isEqualTo(0x0000_1234_5678_9ABCL);
            assertThat(sb.metaboxNid()).isEqualTo(77);
        }

        @Test
        @DisplayName("get(field) agrees with the hand-placed values")
        void getByField() {
            assertThat(sb.get(SuperblockField.DEVT_SLOTOFF)).isEqualTo(9);
            assertThat(sb.get(SuperblockField.BLOCKS_LO)).isEqualTo(0xFFFFFFF0L);
            assertThat(sb.get(SuperblockField.UUID)).isZero();
        }

        @Test
        @DisplayName("the UUID prints as 8-4-4-4-12 lower-case hex in on-disk byte order")
        void uuidString() {
            assertThat(sb.uuidString()).isEqualTo("a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
        }

        @Test
        @DisplayName("the features decode from the feature words")
        void features() {
            assertThat(sb.compatFeatures()).containsExactly(FeatureCompat.SB_CHKSUM, FeatureCompat.MTIME);
            assertThat(sb.incompatFeatures()).containsExactly(FeatureIncompat.CHUNKED_FILE,
                    FeatureIncompat.DEVICE_TABLE, FeatureIncompat.ZTAILPACKING);
        }

        @Test
        @DisplayName("a 64-bit field with the top bit set comes back as the same bits")
        void u64AllOnes() {
            byte[] img = handMade();
            Arrays.fill(img, 1024 + 16, 1024 + 24, (byte) 0xFF);
            assertThat(Superblock.decode(Fixtures.le(img)).inos()).isEqualTo(-1L);
        }

        @Test
        @DisplayName("decode(buf, base) reads a superblock that starts at base")
        void atBase() {
            byte[] img = handMade();
            byte[] shifted = Arrays.copyOfRange(img, 1024 - 100, img.length);
            assertThat(Superblock.decode(Fixtures.le(shifted), 100)).isEqualTo(Superblock.decode(Fixtures.le(img)));
        }

        @Test
        @DisplayName("the buffer's byte order and position do not matter")
        void bufferOrder() {
            ByteBuffer be = ByteBuffer.wrap(handMade()).order(ByteOrder.BIG_ENDIAN);
            be.position(17);
            assertThat(Superblock.decode(be).magic()).isEqualTo(0xE0F5E1E2L);
        }
    }

    @Nested
    @DisplayName("encoding")
    class Encode {
        @Test
        @DisplayName("decode then encode gives back the 256 bytes read, reserved bytes included")
        void roundTripRandom() {
            Random r = new Random(20240830);
            for (int i = 0; i < 200; i++) {
                byte[] img = new byte[2048];
                r.nextBytes(img);
                byte[] enc = Superblock.decode(Fixtures.le(img)).encode();
                assertThat(enc).hasSize(256).isEqualTo(Arrays.copyOfRange(img, 1024, 1280));
            }
        }

        @Test
        @DisplayName("fixture images round-trip too")
        void roundTripFixtures() {
            for (var p : Fixtures.allImages()) {
                byte[] img = Fixtures.bytes(p);
                assertThat(Superblock.decode(Fixtures.le(img)).encode()).as(p.toString())
                        .isEqualTo(Arrays.copyOfRange(img, 1024, 1280));
            }
        }

        @Test
        @DisplayName("a record built from components writes each at its spec offset and zeros elsewhere")
        void fromComponents() {
            Superblock s = new Superblock(Superblock.MAGIC, 0, 1, 12, 0, 36, 3, 0, 0, 1, 0, 0, null, null,
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
            ByteBuffer e = Fixtures.le(s.encode());
            assertThat(e.getInt(0)).isEqualTo(0xE0F5E1E2);
            assertThat(e.getInt(8)).isEqualTo(1);
            assertThat(e.get(12)).isEqualTo((byte) 12);
            assertThat(e.getShort(14)).isEqualTo((short) 36);
            assertThat(e.getLong(16)).isEqualTo(3);
            assertThat(e.getInt(36)).isEqualTo(1);
            int nonZero = 0;
            for (byte x : s.encode()) {
                nonZero += x != 0 ? 1 : 0;
            }
            assertThat(nonZero).isEqualTo(4 + 1 + 1 + 1 + 1 + 1);
        }

        @Test
        @DisplayName("equal bytes make equal records; arrays are copied, not shared")
        void equalityAndCopies() {
            Superblock a = Superblock.decode(Fixtures.le(handMade()));
            Superblock b = Superblock.decode(Fixtures.le(handMade()));
            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
            a.uuid()[0] = 0;
            a.raw()[0] = 0;
            assertThat(a).isEqualTo(b);
            byte[] img = handMade();
            img[1024 + 100] ^= 1;
            assertThat(Superblock.decode(Fixtures.le(img))).isNotEqualTo(a);
        }
    }

    @Nested
    @DisplayName("sbSize")
    class SbSize {
        @ParameterizedTest(name = "{0} extension slots")
        @ValueSource(ints = {0, 1, 2, 255})
        @DisplayName("is 128 + 16 per extension slot")
        void size(int slots) {
            byte[] img = new byte[4096];
            img[1024 + 13] = (byte) slots;
            assertThat(Superblock.decode(Fixtures.le(img)).sbSize()).isEqualTo(128 + 16 * slots);
        }

        @Test
        @DisplayName("255 slots give the 4208 bytes the kernel message prints (spec §4.2)")
        void spec4208() {
            byte[] img = new byte[4096];
            img[1024 + 13] = (byte) 255;
            assertThat(Superblock.decode(Fixtures.le(img)).sbSize()).isEqualTo(4208);
        }
    }

    @Nested
    @DisplayName("robustness")
    class Robust {
        @ParameterizedTest(name = "buffer of {0} bytes")
        @ValueSource(ints = {0, 1, 1024, 1027, 1100, 1279, 1280})
        @DisplayName("a short buffer decodes with the missing bytes as zero, never throwing")
        void shortBuffers(int len) {
            byte[] full = handMade();
            byte[] cut = Arrays.copyOf(full, len);
            Superblock s = Superblock.decode(Fixtures.le(cut));
            byte[] expected = new byte[256];
            if (len > 1024) {
                System.arraycopy(full, 1024, expected, 0, Math.min(256, len - 1024));
            }
            assertThat(s.encode()).isEqualTo(expected);
        }

        @Test
        @DisplayName("random bytes at random bases never throw")
        void random() {
            Random r = new Random(7);
            for (int i = 0; i < 500; i++) {
                byte[] img = new byte[r.nextInt(3000)];
                r.nextBytes(img);
                int base = r.nextInt(4000) - 1000;
                assertThatCode(() -> Superblock.decode(Fixtures.le(img), base).toString()).doesNotThrowAnyException();
            }
        }
    }
}
