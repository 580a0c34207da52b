package org.erofssim.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Lz4Block}. Valid streams come from lz4-java's compressors (fast and HC) over seeded
 * text, noise and zeros; the expected bytes are the compressor's input. Corrupted streams are
 * judged against lz4-java's safe decompressor, an independent LZ4 1.9/1.10 implementation.
 */
@DisplayName("Lz4Block decodes LZ4 blocks as the kernel's LZ4_decompress_safe(_partial)")
class Lz4BlockTest {
    static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    static byte[] input(int kind, int n, long seed) {
        switch (kind) {
            case 0: return ZTrees.text(n, seed);
            case 1: return ErofsImages.noise(n, seed);
            case 2: return new byte[n];
            default: return ZTrees.mixed(n, seed);
        }
    }

    @Nested
    @DisplayName("valid streams")
    class Valid {
        @Test void fullDecodingGivesBackTheCompressorsInput() {
            for (LZ4Compressor c : new LZ4Compressor[] {LZ4.fastCompressor(), LZ4.highCompressor(9)}) {
                for (int kind = 0; kind < 4; kind++) {
                    for (int n : new int[] {1, 5, 12, 13, 64, 65, 100, 4095, 4096, 4097, 65536, 300_000}) {
                        byte[] data = input(kind, n, n + kind);
                        byte[] z = c.compress(data);
                        byte[] out = new byte[n];
                        assertThat(Lz4Block.decompressSafe(z, 0, z.length, out, n)).as(kind + "/" + n).isEqualTo(n);
                        assertThat(out).as(kind + "/" + n).isEqualTo(data);
                    }
                }
            }
        }

        @Test void partialDecodingGivesEveryPrefixAndStopsWithinLiteralsAndMatches() {
            for (int kind = 0; kind < 4; kind++) {
                byte[] data = input(kind, 20_000, 40 + kind);
                byte[] z = LZ4.highCompressor().compress(data);
                for (int target = 1; target <= data.length; target += 1 + target / 7) {
                    byte[] out = new byte[target];
                    assertThat(Lz4Block.decompressSafePartial(z, 0, z.length, out, target)).as(kind + "/" + target)
                            .isEqualTo(target);
                    assertThat(out).as(kind + "/" + target).isEqualTo(Arrays.copyOf(data, target));
                }
            }
        }

        @Test void partialDecodingIgnoresWhatFollowsTheStream() {
            byte[] data = ZTrees.text(9000, 3);
            byte[] z = LZ4.fastCompressor().compress(data);
            byte[] padded = Arrays.copyOf(z, 4096 * 3); // the legacy layout: zeros after the stream
            byte[] out = new byte[data.length];
            assertThat(Lz4Block.decompressSafePartial(padded, 0, padded.length, out, data.length)).isEqualTo(data.length);
            assertThat(out).isEqualTo(data);
            // a full decode must consume the input exactly
            assertThat(Lz4Block.decompressSafe(padded, 0, padded.length, new byte[data.length], data.length)).isNegative();
        }

        @Test void askingForMoreThanTheStreamHoldsReturnsWhatItHolds() {
            byte[] data = ZTrees.text(5000, 4);
            byte[] z = LZ4.fastCompressor().compress(data);
            assertThat(Lz4Block.decompressSafePartial(z, 0, z.length, new byte[6000], 6000)).isEqualTo(5000);
            assertThat(Lz4Block.decompressSafe(z, 0, z.length, new byte[6000], 6000)).isEqualTo(5000);
            // and a full decode into too little room fails
            assertThat(Lz4Block.decompressSafe(z, 0, z.length, new byte[4999], 4999)).isNegative();
        }

        @Test void theStreamMayStartAtAnOffset() {
            byte[] data = ZTrees.text(3000, 5);
            byte[] z = LZ4.fastCompressor().compress(data);
            byte[] in = new byte[z.length + 700];
            System.arraycopy(z, 0, in, 700, z.length);
            byte[] out = new byte[3000];
            assertThat(Lz4Block.decompressSafe(in, 700, z.length, out, 3000)).isEqualTo(3000);
            assertThat(out).isEqualTo(data);
        }
    }

    @Nested
    @DisplayName("edge cases and corrupted streams")
    class Corrupt {
        @Test void emptyOutputAndEmptyInput() {
            assertThat(Lz4Block.decompressSafe(new byte[] {0}, 0, 1, new byte[0], 0)).isZero();
            assertThat(Lz4Block.decompressSafe(new byte[] {1, 2}, 0, 2, new byte[0], 0)).isEqualTo(-1);
            assertThat(Lz4Block.decompressSafe(new byte[0], 0, 0, new byte[10], 10)).isEqualTo(-1);
        }

        @Test void aMatchBeforeTheOutputStartFailsAfterItsOffset() {
            // token: 1 literal, match length 4; literal 'a'; offset 2 (one byte before the start)
            byte[] in = {0x10, 'a', 2, 0, 0x50, 'b', 'c', 'd', 'e', 'f'};
            assertThat(Lz4Block.decompressSafePartial(in, 0, in.length, new byte[32], 32)).isEqualTo(-4 - 1);
        }

        @Test void aLiteralRunPastTheInputFails() {
            byte[] in = {(byte) 0xF0, (byte) 200, 'x', 'y'};
            assertThat(Lz4Block.decompressSafe(in, 0, in.length, new byte[300], 300)).isNegative();
            assertThat(Lz4Block.decompressSafePartial(in, 0, in.length, new byte[300], 300)).isNegative();
        }

        @Test void everyDamagedStreamIsAcceptedOrRejectedAsLz4JavaDoes() {
            Random r = new Random(5);
            for (int round = 0; round < 2000; round++) {
                int n = 1 + r.nextInt(20_000);
                byte[] data = input(r.nextInt(4), n, round);
                byte[] z = r.nextBoolean() ? LZ4.fastCompressor().compress(data) : LZ4.highCompressor().compress(data);
                for (int k = 1 + r.nextInt(3); k > 0; k--) {
                    z[r.nextInt(z.length)] = (byte) r.nextInt(256);
                }
                int out = r.nextInt(4) == 0 ? Math.max(0, n + r.nextInt(100) - 50) : n;
                int ref;
                try {
                    ref = LZ4.safeDecompressor().decompress(z, 0, z.length, new byte[out], 0, out);
                } catch (LZ4Exception e) {
                    ref = -1;
                }
                int got = Lz4Block.decompressSafe(z, 0, z.length, new byte[out], out);
                assertThat(got >= 0).as("round " + round + ": lz4-java " + ref + ", model " + got).isEqualTo(ref >= 0);
                if (ref >= 0) {
                    assertThat(got).as("round " + round).isEqualTo(ref);
                }
            }
        }
    }
}
