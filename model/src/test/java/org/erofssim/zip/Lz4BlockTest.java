package org.erofssim.zip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
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

    /**
     * The kernel's decoder does not reject an offset-0 match (the LZ4 block format forbids it).
     * Expected bytes follow from how lib/lz4 (LZ4 v1.8.3) writes: the shortcut copies 16 input
     * bytes for a short literal run, a literal run of the slow path is copied in 8-byte steps,
     * a full decode stores the offset as 4 bytes at the output position before copying the
     * match from there, and a partial decode copies a match ending within 12 bytes of the
     * output end byte by byte. All three cases were read on 6.18.44 through crafted images
     * (docs/findings/lz4-undefined-bytes.md).
     */
    @Nested
    @DisplayName("an offset-0 match (accepted, as by the kernel)")
    class OffsetZero {
        /** 'X' + offset-0 match of 8, 'Y' + offset-1 match of {@code ylen}, 5 last literals "END!\n". */
        byte[] stream(int ylen) {
            return org.erofssim.ondisk.Lz4Sequence.encode(java.util.List.of(
                    new org.erofssim.ondisk.Lz4Sequence(new byte[] {'X'}, 0, 8),
                    new org.erofssim.ondisk.Lz4Sequence(new byte[] {'Y'}, 1, ylen),
                    org.erofssim.ondisk.Lz4Sequence.last("END!\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        }

        byte[] expected(byte[] eight, int ylen) {
            byte[] out = new byte[1 + 8 + 1 + ylen + 5];
            out[0] = 'X';
            System.arraycopy(eight, 0, out, 1, 8);
            Arrays.fill(out, 9, 10 + ylen, (byte) 'Y');
            System.arraycopy("END!\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, out, 10 + ylen, 5);
            return out;
        }

        @Test void aFullDecodeWritesZerosThereAsLz4JavaDoes() {
            for (int ylen : new int[] {220, 65_000}) {
                byte[] z = stream(ylen);
                int n = 1 + 8 + 1 + ylen + 5;
                Lz4Block.Decoded d = Lz4Block.decode(z, 0, z.length, n, false);
                assertThat(d.value()).isEqualTo(n);
                assertThat(d.hasStale()).isFalse();
                assertThat(d.out()).isEqualTo(expected(new byte[8], ylen));
                byte[] ref = new byte[n];
                assertThat(LZ4.safeDecompressor().decompress(z, 0, z.length, ref, 0, n)).isEqualTo(n);
                assertThat(ref).isEqualTo(d.out());
            }
        }

        @Test void aPartialDecodeRepeatsTheFourBytesTheLiteralCopyLeftThere() {
            // the literal copy (16 bytes in the shortcut of a long stream, 8 in the slow path of
            // this short one) wrote stream bytes 2..5 = offset 00 00, next token 1F, 'Y' at
            // output 1..4; the match copies them onto themselves and then 4 further on
            byte[] eight = {0, 0, 0x1F, 'Y', 0, 0, 0x1F, 'Y'};
            for (int ylen : new int[] {220, 65_000}) {
                byte[] z = stream(ylen);
                int n = 1 + 8 + 1 + ylen + 5;
                Lz4Block.Decoded d = Lz4Block.decode(z, 0, z.length, n, true);
                assertThat(d.value()).isEqualTo(n);
                assertThat(d.hasStale()).as("every byte follows from the stream").isFalse();
                assertThat(d.out()).isEqualTo(expected(eight, ylen));
            }
        }

        @Test void aPartialDecodeNearTheEndLeavesTheBuffersOldContents() {
            // 'X', offset 0 for 65530 bytes, "END!\n": the findings' reproducer stream (267 bytes)
            byte[] end = "END!\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] z = org.erofssim.ondisk.Lz4Sequence.encode(java.util.List.of(
                    new org.erofssim.ondisk.Lz4Sequence(new byte[] {'X'}, 0, 65_530), org.erofssim.ondisk.Lz4Sequence.last(end)));
            assertThat(z).hasSize(267);
            Lz4Block.Decoded d = Lz4Block.decode(z, 0, z.length, 65_536, true);
            assertThat(d.value()).isEqualTo(65_536);
            // the shortcut's 16-byte literal copy defines output 0..15 (= stream bytes 1..16);
            // the match (ending within 12 bytes of the end) copies 16..65530 onto themselves
            java.util.BitSet stale = new java.util.BitSet();
            stale.set(16, 65_531);
            assertThat(d.stale()).isEqualTo(stale);
            assertThat(Arrays.copyOf(d.out(), 16)).isEqualTo(Arrays.copyOfRange(z, 1, 17));
            assertThat(Arrays.copyOfRange(d.out(), 65_531, 65_536)).isEqualTo(end);
            // the same stream decoded fully: the offset store makes it zeros, nothing stale
            Lz4Block.Decoded full = Lz4Block.decode(z, 0, z.length, 65_536, false);
            assertThat(full.value()).isEqualTo(65_536);
            assertThat(full.hasStale()).isFalse();
            assertThat(Arrays.copyOfRange(full.out(), 1, 65_531)).containsOnly(0);
        }

        @Test void theOldApiReadsStaleBytesAsZeros() {
            byte[] z = org.erofssim.ondisk.Lz4Sequence.encode(java.util.List.of(
                    new org.erofssim.ondisk.Lz4Sequence(new byte[] {'X'}, 0, 200),
                    org.erofssim.ondisk.Lz4Sequence.last(new byte[] {1, 2, 3, 4, 5})));
            byte[] out = new byte[206];
            Arrays.fill(out, (byte) 0x55);
            assertThat(Lz4Block.decompressSafePartial(z, 0, z.length, out, 206)).isEqualTo(206);
            assertThat(Arrays.copyOfRange(out, 9, 201)).containsOnly(0);
        }
    }
}
