package org.erofssim.zip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.LclusterIndex;
import org.erofssim.ondisk.ZMapHeader;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.NotModelled;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ZMapBlocks}. Extents are compared with {@code dump.erofs -e} (erofs-utils maps the
 * same indexes with its own {@code z_erofs_map_blocks_iter}); the errors of damaged indexes
 * and their log lines are the 6.13 source's and, for 6.18, what 6.18.44 printed for the same
 * damage (probed on this machine, see the class notes of {@link ZMapBlocks}).
 */
@DisplayName("ZMapBlocks maps compressed inodes as z_erofs_map_blocks_iter does")
class ZMapBlocksTest {
    @TempDir static Path tmp;
    static Path tree;
    static final byte[] TEXT = ZTrees.text(60_000, 1);

    @BeforeAll static void input() {
        ZTrees.require(ErofsUtils.MKFS);
        ZTrees.require(ErofsUtils.DUMP);
        tree = ZTrees.standardTree(tmp.resolve("tree"));
    }

    /** Every FIEMAP-style extent from 0 to the end, as (la, llen, pa, plen). */
    static List<ZTrees.DumpExtent> extents(ZTrees.Live live, ErofsInode inode) {
        ZMapBlocks z = new ZMapBlocks(live.sbi(), live.buf(), live.sblog());
        List<ZTrees.DumpExtent> out = new ArrayList<>();
        long pos = 0;
        while (pos < inode.size()) {
            ZMapBlocks.ZMapping m = z.map(inode, pos, ZMapBlocks.GET_BLOCKS_FIEMAP);
            assertThat(m.mapped()).isTrue();
            out.add(new ZTrees.DumpExtent(m.la(), m.llen(), m.pa(), m.plen()));
            pos = m.end();
        }
        return out;
    }

    @Nested
    @DisplayName("extents of mkfs.erofs 1.5 images equal dump.erofs -e")
    class Layouts {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"-zlz4", "-zlz4hc", "-zlz4 -Elegacy-compress", "-zlz4hc -C16384",
            "-zlz4hc -C65536 -Eztailpacking", "-zlz4 -Eztailpacking", "-zlz4hc -Elegacy-compress -Eztailpacking",
            "-zlz4 -C32768 -Elegacy-compress"})
        void everyCompressedFile(String recipe) {
            Path img = ZTrees.mkfs(tmp.resolve("l" + recipe.hashCode() + ".erofs"), tree, recipe.split(" "));
            byte[] bytes = ErofsImages.read(img);
            Map<String, Map.Entry<Long, List<ZTrees.DumpExtent>>> dumps = new java.util.TreeMap<>();
            for (String path : ZTrees.describe(tree).keySet()) {
                if (path.matches("/(text|mixed|big|zeros)/.*|/small/s00.")) {
                    dumps.put(path, ZTrees.dumpExtents(img, path));
                }
            }
            int compressed = 0;
            for (String k : List.of("6.13", "6.18")) {
                ZTrees.Live live = ZTrees.mount(k, bytes, false);
                for (Map.Entry<String, Map.Entry<Long, List<ZTrees.DumpExtent>>> d : dumps.entrySet()) {
                    ErofsInode inode = live.inode(d.getValue().getKey());
                    if (!inode.isCompressed()) {
                        continue;
                    }
                    compressed++;
                    assertThat(extents(live, inode)).as(recipe + " " + k + " " + d.getKey()).isEqualTo(d.getValue().getValue());
                }
                assertThat(live.lines()).as("no log lines").isEmpty();
            }
            assertThat(compressed).as("compressed files seen").isGreaterThan(20);
        }

        @Test void legacyImagesUseFullIndexesAndOthersCompactOnes() {
            Path full = ZTrees.mkfs(tmp.resolve("full.erofs"), tree, "-zlz4", "-Elegacy-compress");
            Path compact = ZTrees.mkfs(tmp.resolve("compact.erofs"), tree, "-zlz4");
            long nidFull = ZTrees.dumpExtents(full, "/big/text2m").getKey();
            long nidCompact = ZTrees.dumpExtents(compact, "/big/text2m").getKey();
            assertThat(ZTrees.mount("6.13", ErofsImages.read(full), false).inode(nidFull).layout()).isEqualTo(1);
            ErofsInode c = ZTrees.mount("6.13", ErofsImages.read(compact), false).inode(nidCompact);
            assertThat(c.layout()).isEqualTo(3);
            // 2 MiB = 512 lclusters: past the first 4-byte units come 2-byte packs (COMPACTED_2B)
            ZTrees.Live live = ZTrees.mount("6.13", ErofsImages.read(compact), false);
            assertThat(new ZMapBlocks(live.sbi(), live.buf(), live.sblog()).advise(c) & ZMapHeader.ADVISE_COMPACTED_2B)
                    .isNotZero();
        }

        @Test void pastTheEndIsAHoleUpToTheAskedByte() {
            Path img = ZTrees.mkfs(tmp.resolve("hole.erofs"), tree, "-zlz4");
            long nid = ZTrees.dumpExtents(img, "/text/t65537").getKey();
            ZTrees.Live live = ZTrees.mount("6.18", ErofsImages.read(img), false);
            ZMapBlocks.ZMapping m = new ZMapBlocks(live.sbi(), live.buf(), live.sblog()).map(live.inode(nid), 70_000, 0);
            assertThat(m.mapped()).isFalse();
            assertThat(m.la()).isEqualTo(65_537);
            assertThat(m.llen()).isEqualTo(70_000 + 1 - 65_537);
        }

        @Test void aMapWithoutFiemapEndsAtTheLclusterOrTheNextHead() {
            Path img = ZTrees.mkfs(tmp.resolve("lc.erofs"), tree, "-zlz4");
            Map.Entry<Long, List<ZTrees.DumpExtent>> d = ZTrees.dumpExtents(img, "/text/t300000");
            ZTrees.Live live = ZTrees.mount("6.13", ErofsImages.read(img), false);
            ZMapBlocks z = new ZMapBlocks(live.sbi(), live.buf(), live.sblog());
            ErofsInode inode = live.inode(d.getKey());
            ZTrees.DumpExtent second = d.getValue().get(1);
            // a byte in the first lcluster of the second extent, after its head
            long la = second.logical() + 1;
            ZMapBlocks.ZMapping m = z.map(inode, la, 0);
            assertThat(m.la()).isEqualTo(second.logical());
            assertThat(m.end()).isEqualTo((la / 4096 + 1) * 4096);
            assertThat(m.fullMapped()).isFalse();
            // the byte just before the head belongs to the first extent, which then ends at the head
            ZMapBlocks.ZMapping before = z.map(inode, second.logical() - 1, 0);
            assertThat(before.la()).isEqualTo(d.getValue().get(0).logical());
            assertThat(before.end()).isEqualTo(second.logical());
            assertThat(before.fullMapped()).isTrue();
        }
    }

    /** A 60000-byte text compressed with {@code recipe}: its image and nid. */
    record One(byte[] image, long nid, List<ZTrees.DumpExtent> extents) {}

    static One one(String name, String... recipe) {
        Path dir = tmp.resolve("one-" + name);
        ErofsImages.write(dir.resolve("text"), TEXT);
        Path img = ZTrees.mkfs(tmp.resolve(name + ".erofs"), dir, recipe);
        Map.Entry<Long, List<ZTrees.DumpExtent>> d = ZTrees.dumpExtents(img, "/text");
        return new One(ErofsImages.read(img), d.getKey(), d.getValue());
    }

    /** Maps byte {@code la} of the damaged image on {@code kernel}; returns the error, or null. */
    static KernelError mapError(String kernel, byte[] image, long nid, long la, List<String> log) {
        ZTrees.Live live = ZTrees.mount(kernel, image, false);
        ErofsInode inode = live.inode(nid);
        try {
            new ZMapBlocks(live.sbi(), live.buf(), live.sblog()).map(inode, la, 0);
            return null;
        } catch (KernelError e) {
            log.addAll(live.lines());
            return e;
        }
    }

    static byte[] edit(byte[] image, long pos, byte[] data) {
        return ImageEditor.of(image).write(pos, data).fixChecksum().bytes();
    }

    static byte[] u16(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array();
    }

    static final String P = "erofs (device erofs): ";

    @Nested
    @DisplayName("damaged indexes: the kernel's errno and log line, no exception")
    class Damage {
        /**
         * The u16 of lcluster {@code lcn} among the first 4-byte units of a compact index
         * (header + 8): packs of two 16-bit entries and a u32 block address.
         */
        long unit(One o, ZTrees.Live live, int lcn) {
            long ebase = ZTrees.header(live.inode(o.nid())) + ZMapHeader.SIZE;
            long initial = ((32 - ebase % 32) / 4) & 7;
            assertThat((long) lcn).as("in the first 4-byte units").isLessThan(initial);
            return ebase + (lcn / 2) * 8L + 2L * (lcn % 2);
        }

        @Test void aHeadAfterItsFirstByteInLcluster0() {
            One o = one("lcn0", "-zlz4");
            ZTrees.Live live = ZTrees.mount("6.13", o.image(), false);
            long at = unit(o, live, 0);
            byte[] bad = edit(o.image(), at, u16(LclusterIndex.TYPE_HEAD1 << 12 | 100));
            List<String> log13 = new ArrayList<>();
            assertThat(mapError("6.13", bad, o.nid(), 0, log13).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(log13).containsExactly(P + "invalid logical cluster 0 at nid " + o.nid());
            List<String> log18 = new ArrayList<>();
            assertThat(mapError("6.18", bad, o.nid(), 0, log18).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(log18).containsExactly(P + "bogus lookback distance 1 @ lcn 0 of nid " + o.nid());
        }

        @Test
        @DisplayName("ZMAP_REWORK (the 6.15-6.18 compressed-map rework, commits [unsure]): a head after its first byte in lcluster 0")
        void zmapRework() {
            One o = one("lcn0", "-zlz4");
            ZTrees.Live live = ZTrees.mount("6.18", o.image(), false);
            byte[] bad = edit(o.image(), unit(o, live, 0), u16(LclusterIndex.TYPE_HEAD1 << 12 | 100));
            // with it: the lookback from lcn 0 finds no head ("consolidate z_erofs_extent_lookback()")
            List<String> with = new ArrayList<>();
            assertThat(mapError("6.18", bad, o.nid(), 0, with).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(with).containsExactly(P + "bogus lookback distance 1 @ lcn 0 of nid " + o.nid());
            // without it: z_erofs_do_map_blocks refuses lcluster 0 before looking back
            List<String> without = new ArrayList<>();
            assertThat(mapError("6.18 -ZMAP_REWORK", bad, o.nid(), 0, without).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(without).containsExactly(P + "invalid logical cluster 0 at nid " + o.nid());
        }

        @Test void aZeroLookbackDistance() {
            One o = one("d0", "-zlz4");
            ZTrees.Live live = ZTrees.mount("6.13", o.image(), false);
            // lcn 2 is the first unit of the second 4-byte pack: its lo is its own delta[0]
            byte[] bad = edit(o.image(), unit(o, live, 2), u16(LclusterIndex.TYPE_NONHEAD << 12));
            for (String k : List.of("6.13", "6.18")) {
                List<String> log = new ArrayList<>();
                assertThat(mapError(k, bad, o.nid(), 2 * 4096 + 10, log).errno()).as(k).isEqualTo(Errno.EUCLEAN);
                assertThat(log).as(k).containsExactly(P + "bogus lookback distance 0 @ lcn 2 of nid " + o.nid());
            }
        }

        @Test void anUnknownAlgorithm() {
            One o = one("alg7", "-zlz4");
            ZTrees.Live live = ZTrees.mount("6.13", o.image(), false);
            byte[] bad = edit(o.image(), ZTrees.header(live.inode(o.nid())) + ZMapHeader.OFF_ALGORITHMTYPE, new byte[] {7});
            List<String> log13 = new ArrayList<>();
            assertThat(mapError("6.13", bad, o.nid(), 0, log13).errno()).isEqualTo(Errno.EOPNOTSUPP);
            assertThat(log13).containsExactly(P + "unknown HEAD1 format 7 for nid " + o.nid() + ", please upgrade kernel");
            List<String> log18 = new ArrayList<>();
            assertThat(mapError("6.18", bad, o.nid(), 10, log18).errno()).isEqualTo(Errno.EOPNOTSUPP);
            assertThat(log18).containsExactly(P + "unknown algorithm 7 @ pos 0 for nid " + o.nid() + ", please upgrade kernel");
        }

        @Test void anAlgorithmTheSuperblockDoesNotList() {
            One o = one("alg1", "-zlz4");
            ZTrees.Live live = ZTrees.mount("6.13", o.image(), false);
            byte[] bad = edit(o.image(), ZTrees.header(live.inode(o.nid())) + ZMapHeader.OFF_ALGORITHMTYPE, new byte[] {1});
            for (String k : List.of("6.13", "6.18")) {
                List<String> log = new ArrayList<>();
                assertThat(mapError(k, bad, o.nid(), 0, log).errno()).as(k).isEqualTo(Errno.EUCLEAN);
                assertThat(log).as(k).containsExactly(P + "inconsistent algorithmtype 1 for nid " + o.nid());
            }
        }

        @Test void bigPclusterAdviceWithoutTheFeatureOrInconsistent() {
            One o = one("bigadv", "-zlz4");
            ZTrees.Live live = ZTrees.mount("6.13", o.image(), false);
            long adv = ZTrees.header(live.inode(o.nid())) + ZMapHeader.OFF_ADVISE;
            byte[] bad = edit(o.image(), adv, u16(ZMapHeader.ADVISE_COMPACTED_2B | ZMapHeader.ADVISE_BIG_PCLUSTER_1
                    | ZMapHeader.ADVISE_BIG_PCLUSTER_2));
            for (String k : List.of("6.13", "6.18")) {
                List<String> log = new ArrayList<>();
                assertThat(mapError(k, bad, o.nid(), 0, log).errno()).isEqualTo(Errno.EUCLEAN);
                assertThat(log).containsExactly(P + "per-inode big pcluster without sb feature for nid " + o.nid());
            }
            One big = one("big", "-zlz4hc", "-C16384");
            ZTrees.Live bl = ZTrees.mount("6.13", big.image(), false);
            byte[] half = edit(big.image(), ZTrees.header(bl.inode(big.nid())) + ZMapHeader.OFF_ADVISE,
                    u16(ZMapHeader.ADVISE_COMPACTED_2B | ZMapHeader.ADVISE_BIG_PCLUSTER_1));
            for (String k : List.of("6.13", "6.18")) {
                List<String> log = new ArrayList<>();
                assertThat(mapError(k, half, big.nid(), 0, log).errno()).isEqualTo(Errno.EUCLEAN);
                assertThat(log).containsExactly(P + "big pcluster head1/2 of compact indexes should be consistent for nid "
                        + big.nid());
            }
        }

        @Test void aCblkcntTurnedIntoAPlainDelta() {
            One big = one("cblk", "-zlz4hc", "-C16384");
            assertThat(big.extents().get(0).plen()).as("a multi-block first pcluster").isGreaterThan(4096);
            ZTrees.Live live = ZTrees.mount("6.13", big.image(), false);
            long ebase = ZTrees.header(live.inode(big.nid())) + ZMapHeader.SIZE;
            // lcn 1 is the last unit of the first 4-byte pack: its delta[0] comes from lcn 0 (= 1)
            byte[] bad = edit(big.image(), ebase + 2, u16(LclusterIndex.TYPE_NONHEAD << 12 | 2));
            List<String> log13 = new ArrayList<>();
            assertThat(mapError("6.13", bad, big.nid(), 0, log13).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(log13).containsExactly(P + "cannot found CBLKCNT @ lcn 1 of nid " + big.nid());
            // 6.18.44 takes a missing CBLKCNT for one block [obs: "failed to decompress ... in[1681, ..."]
            ZTrees.Live l18 = ZTrees.mount("6.18", bad, false);
            ZMapBlocks.ZMapping m = new ZMapBlocks(l18.sbi(), l18.buf(), l18.sblog()).map(l18.inode(big.nid()), 0, 0);
            assertThat(m.plen()).isEqualTo(4096);
            assertThat(l18.lines()).isEmpty();
        }

        @Test void aTailPackingSizeAcrossTheBlock() {
            One o = one("zt", "-zlz4", "-Eztailpacking");
            ZTrees.Live live = ZTrees.mount("6.13", o.image(), false);
            byte[] bad = edit(o.image(), ZTrees.header(live.inode(o.nid())) + ZMapHeader.OFF_IDATA_SIZE, u16(5000));
            List<String> log13 = new ArrayList<>();
            assertThat(mapError("6.13", bad, o.nid(), 0, log13).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(log13).containsExactly(P + "invalid tail-packing pclustersize 5000");
            List<String> log18 = new ArrayList<>();
            assertThat(mapError("6.18", bad, o.nid(), 0, log18).errno()).isEqualTo(Errno.EUCLEAN);
            assertThat(log18).containsExactly(P + "ztailpacking inline data across blocks @ nid " + o.nid());
        }

        @Test void aFullIndexClusterofsBeyondTheLclusterIsSilent() {
            One o = one("legacy", "-zlz4", "-Elegacy-compress");
            ZTrees.Live live = ZTrees.mount("6.13", o.image(), false);
            long first = ZTrees.header(live.inode(o.nid())) + ZMapHeader.SIZE + ZMapHeader.FULL_INDEX_PADDING;
            byte[] bad = edit(o.image(), first + LclusterIndex.OFF_CLUSTEROFS, u16(5000));
            for (String k : List.of("6.13", "6.18")) {
                List<String> log = new ArrayList<>();
                assertThat(mapError(k, bad, o.nid(), 0, log).errno()).isEqualTo(Errno.EUCLEAN);
                assertThat(log).isEmpty();
            }
        }

        @Test void aHugeSizeNeitherHangsNorThrowsOtherThanKernelErrors() {
            One o = one("huge", "-zlz4");
            byte[] bad = ImageEditor.of(o.image()).write(o.nid() * 32 + 8, ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN).putInt(0x7FFFFFF0).array()).fixChecksum().bytes();
            ZTrees.Live live = ZTrees.mount("6.18", bad, false);
            ErofsInode inode = live.inode(o.nid());
            ZMapBlocks z = new ZMapBlocks(live.sbi(), live.buf(), live.sblog());
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
                for (long la : new long[] {0, 70_000, 1L << 30, inode.size() - 1}) {
                    try {
                        z.map(inode, la, ZMapBlocks.GET_BLOCKS_FIEMAP);
                    } catch (KernelError | NotModelled e) {
                        // either is an acceptable answer; anything else is a bug
                    }
                }
            });
        }
    }
}
