package org.erofssim.zip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erofssim.block.Faults;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.LclusterIndex;
import org.erofssim.ondisk.ZMapHeader;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compressed-map pieces of the 6.14-6.15 rework that the 6.12 stable line took, each at its
 * boundary: the release before the one that took it and that release, as {@code Releases.resolve}
 * makes them (docs/zmap-6.12.md). The images are those of {@code fixtures/images/crafted/zmap-*}
 * (made from {@code ztailpacking.erofs} the same way here); the expected lines and errnos are
 * what Debian's 6.12.107 and 6.12.118 printed in the VM oracle and 6.1.192 for the older side
 * ({@code fixtures/backports/recorded/<kernel>/zmap-*}), in 6.12's log format.
 */
@DisplayName("6.12 stable backports of the compressed-map rework, at their releases")
class ZMap612BackportsTest {
    static final String P = "erofs: (device erofs): ";
    /** {@code /f4097} of ztailpacking.erofs: nid 42, its map header's h_clusterbits at byte 1383. */
    static final long F4097 = 42;
    static final int F4097_CLUSTERBITS = 1383;
    /** {@code /noise.txt}: nid 640, h_idata_size 2970 at byte 20514, the inline tail at byte 20544. */
    static final long NOISE = 640;
    static final int NOISE_IDATA_SIZE = 20514;

    @TempDir static Path tmp;

    static byte[] ztailpacking(int pos, byte[] data) {
        byte[] img = ErofsImages.read(ZTrees.fixture("ztailpacking.erofs"));
        return ImageEditor.of(img).write(pos, data).fixChecksum().bytes();
    }

    /** Maps byte {@code la} of {@code nid}; the error (null if none) and the log lines into {@code log}. */
    static KernelError map(String kernel, byte[] image, long nid, long la, List<String> log) {
        ZTrees.Live live = ZTrees.mount(kernel, image, false);
        try {
            ZMapBlocks.ZMapping m = new ZMapBlocks(live.sbi(), live.buf(), live.sblog()).map(live.inode(nid), la, 0);
            assertThat(m).isNotNull();
            return null;
        } catch (KernelError e) {
            return e;
        } finally {
            log.addAll(live.lines());
        }
    }

    static byte[] u16(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array();
    }

    @Test
    @DisplayName("0bc8061ffc73 erofs: handle NONHEAD !delta[1] lclusters gracefully: in 6.12.2 (32 KiB compact lclusters EINVAL)")
    void c0bc8061ffc73In6122() {
        // /f4097 with 32 KiB lclusters and its INLINE_PCLUSTER advise cleared (0x0009 -> 0x0001): no tail to find
        byte[] plain = ImageEditor.of(ztailpacking(F4097_CLUSTERBITS, new byte[] {3}))
                .write(F4097_CLUSTERBITS - 3, u16(ZMapHeader.ADVISE_COMPACTED_2B)).fixChecksum().bytes();
        List<String> before = new ArrayList<>();
        // 6.12.1: a 4-byte pack holds lclusters of at most 16 KiB, no pack format (EOPNOTSUPP)
        assertThat(map("6.12.1", plain, F4097, 0, before).errno()).isEqualTo(Errno.EOPNOTSUPP);
        List<String> after = new ArrayList<>();
        assertThat(map("6.12.2", plain, F4097, 0, after).errno()).isEqualTo(Errno.EINVAL);
        assertThat(before).isEmpty();
        assertThat(after).isEmpty();
        // with the inline tail (backports/zmap-clusterbits3) the fill-time size check overrides the
        // EINVAL until 6.12.41 [obs-6.1.0-57: 'invalid tail-packing pclustersize 0'], then it shows
        // [obs-6.12.107, obs-6.12.118: read error -22, no line of the map's own]
        byte[] inline = ztailpacking(F4097_CLUSTERBITS, new byte[] {3});
        List<String> log40 = new ArrayList<>();
        assertThat(map("6.12.40", inline, F4097, 0, log40).errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(log40).containsExactly(P + "z_erofs_fill_inode_lazy: invalid tail-packing pclustersize 0");
        assertThat(map("6.12.41", inline, F4097, 0, new ArrayList<>()).errno()).isEqualTo(Errno.EINVAL);
    }

    @Test
    @DisplayName("8f9530aeeb4f erofs: refine z_erofs_get_extent_compressedlen(): in 6.12.41 (a missing CBLKCNT is one block)")
    void c8f9530aeeb4fIn61241() {
        ZTrees.require(ErofsUtils.MKFS);
        ZTrees.require(ErofsUtils.DUMP);
        Path dir = tmp.resolve("cblk");
        ErofsImages.write(dir.resolve("text"), ZTrees.text(60_000, 1));
        Path path = ZTrees.mkfs(tmp.resolve("cblk.erofs"), dir, "-zlz4hc", "-C16384");
        Map.Entry<Long, List<ZTrees.DumpExtent>> d = ZTrees.dumpExtents(path, "/text");
        long nid = d.getKey();
        assertThat(d.getValue().get(0).plen()).as("a multi-block first pcluster").isGreaterThan(4096);
        byte[] image = ErofsImages.read(path);
        long ebase = ZTrees.header(ZTrees.mount("6.12.40", image, false).inode(nid)) + ZMapHeader.SIZE;
        // lcn 1 (the last unit of the first 4-byte pack) loses its CBLKCNT: a plain delta[0] of 2
        byte[] bad = ImageEditor.of(image).write(ebase + 2, u16(LclusterIndex.TYPE_NONHEAD << 12 | 2)).fixChecksum().bytes();
        List<String> before = new ArrayList<>();
        assertThat(map("6.12.40", bad, nid, 0, before).errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(before).containsExactly(P + "z_erofs_get_extent_compressedlen: cannot found CBLKCNT @ lcn 1 of nid " + nid);
        ZTrees.Live live = ZTrees.mount("6.12.41", bad, false);
        ZMapBlocks.ZMapping m = new ZMapBlocks(live.sbi(), live.buf(), live.sblog()).map(live.inode(nid), 0, 0);
        assertThat(m.plen()).isEqualTo(4096);
        assertThat(live.lines()).isEmpty();
    }

    @Test
    @DisplayName("b7710262d743 erofs: simplify tail inline pcluster handling: in 6.12.41 (the tail is checked per map)")
    void b7710262d743In61241() {
        byte[] across = ztailpacking(NOISE_IDATA_SIZE, u16(4040));
        List<String> before = new ArrayList<>();
        assertThat(map("6.12.40", across, NOISE, 0, before).errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(before).containsExactly(P + "z_erofs_fill_inode_lazy: invalid tail-packing pclustersize 4040");
        List<String> after = new ArrayList<>();
        // [obs-6.12.107, obs-6.12.118 backports/zmap-tail-idata4040]
        assertThat(map("6.12.41", across, NOISE, 0, after).errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(after).containsExactly(P + "z_erofs_do_map_blocks: invalid tail-packing pclustersize 4040");
        // a zero h_idata_size: no inline tail at all from 6.12.41, the last lcluster maps to a block
        // [obs-6.12.107/118: 'failed to decompress -7 in[4096, 0] out[2983]', /noise.txt EUCLEAN after 16384 bytes]
        byte[] none = ztailpacking(NOISE_IDATA_SIZE, u16(0));
        List<String> zero = new ArrayList<>();
        assertThat(map("6.12.40", none, NOISE, 0, zero).errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(zero).containsExactly(P + "z_erofs_fill_inode_lazy: invalid tail-packing pclustersize 0");
        ZTrees.Live live = ZTrees.mount("6.12.41", none, false);
        ZMapBlocks.ZMapping tail = new ZMapBlocks(live.sbi(), live.buf(), live.sblog()).map(live.inode(NOISE), 19_000, 0);
        assertThat(tail.pa()).isEqualTo(20480);
        assertThat(tail.plen()).isEqualTo(4096);
        assertThat(live.lines()).isEmpty();
    }

    @Test
    @DisplayName("efb2aef569b3 erofs: add encoded extent on-disk definition: in 6.12.91 (4 bits of h_clusterbits)")
    void efb2aef569b3In61291() {
        byte[] img = ztailpacking(F4097_CLUSTERBITS, new byte[] {8});
        // 6.12.90 masks 3 bits: lclusters of 4 KiB, the file maps [obs-6.1.0-57 reads it]
        List<String> before = new ArrayList<>();
        assertThat(map("6.12.90", img, F4097, 0, before)).isNull();
        assertThat(before).isEmpty();
        // 6.12.91: 1 MiB lclusters, refused by the compact index [obs-6.12.107/118 backports/zmap-clusterbits8]
        List<String> after = new ArrayList<>();
        assertThat(map("6.12.91", img, F4097, 0, after).errno()).isEqualTo(Errno.EINVAL);
        assertThat(after).isEmpty();
    }

    @Test
    @DisplayName("862427ebb81d erofs: fix interlaced ztailpacking pclusters: in 6.12.114 (an inline plain tail is SHIFTED)")
    void c862427ebb81dIn612114() {
        // zmap-interlaced-tail.erofs: /noise.txt's tail lcluster 4 (compact entry at 20536) HEAD1 -> PLAIN, its
        // h_idata_size 2970 -> 4032 (the tail ends at its block's end), h_advise 0x0009 -> 0x0019 (INTERLACED)
        byte[] img = ImageEditor.of(ztailpacking(NOISE_IDATA_SIZE, u16(4032))).write(NOISE_IDATA_SIZE + 2, u16(0x19))
                .write(20536, u16(LclusterIndex.TYPE_PLAIN << 12 | 133)).bytes();
        ZTrees.Live before = ZTrees.mount("6.12.113", img, false);
        ZMapBlocks.ZMapping b = new ZMapBlocks(before.sbi(), before.buf(), before.sblog()).map(before.inode(NOISE), 19_000, 0);
        assertThat(b.meta()).isTrue();
        assertThat(b.algorithm()).isEqualTo(ZMapBlocks.INTERLACED);
        ZTrees.Live after = ZTrees.mount("6.12.114", img, false);
        assertThat(new ZMapBlocks(after.sbi(), after.buf(), after.sblog()).map(after.inode(NOISE), 19_000, 0).algorithm())
                .isEqualTo(ZMapBlocks.SHIFTED);
        // the file's last 2983 bytes from block offset 133 (un-rotated as interlaced) or 64 (copied)
        // [obs-6.12.107 and obs-6.12.118, fileio and bdev, backports/zmap-interlaced-tail]
        assertThat(noiseSha("6.12.113", img)).isEqualTo("14a9d779c3ab89cf81a8008ccc9e0e581b5422c9ec763ff96262657227e981f4");
        assertThat(noiseSha("6.12.114", img)).isEqualTo("6ef6f1896ec3e68fac356526af01d8ed9e1a65ce9a5ce7b2b0e3d8319bd3c6e4");
    }

    @Test
    @DisplayName("862427ebb81d erofs: fix interlaced ztailpacking pclusters: in 6.12.114 (a short inline tail, the offset modulo the page)")
    void c862427ebb81dIn612114ShortTail() {
        // zmap-interlaced-wrap.erofs: as above with h_idata_size kept (2970) and i_size 19500 -> 17017: a 500-byte
        // tail at 16517, whose interlaced copy starts at (64 + 2970 - (4096 - 133)) mod 4096 = 3167
        byte[] img = ImageEditor.of(ErofsImages.read(ZTrees.fixture("ztailpacking.erofs"))).write(20488, u32(17017))
                .write(NOISE_IDATA_SIZE + 2, u16(0x19)).write(20536, u16(LclusterIndex.TYPE_PLAIN << 12 | 133)).bytes();
        // [obs-6.12.107 and obs-6.18.44: bytes 3167..3667 of the metadata block; obs-6.12.118: 64..564;
        // fileio and bdev, backports/zmap-interlaced-wrap]
        assertThat(noiseSha("6.12.113", img)).isEqualTo("c3a245838b15c40b94dc76732c5e756dee86422b14ac63f16bf21356a53700d3");
        assertThat(noiseSha("6.12.114", img)).isEqualTo("ca0214b6edeb06ebc965748e421b77bba09f8ac99428dab5c9f2ba9dee56cc62");
    }

    @Test
    @DisplayName("e13d315ae077 erofs: avoid infinite loops due to corrupted subpage compact indexes: in 6.12.91")
    void e13d315ae077In61291() {
        // zmap-b1024-clusterofs.erofs: /text20000 (nid 772) of lz4-b1024.erofs, compact indexes of 1 KiB lclusters;
        // lcn 0's HEAD1 entry (byte 24744) gets clusterofs 1030, which its 12-bit field holds
        byte[] img = ImageEditor.of(ErofsImages.read(ZTrees.fixture("modern/lz4-b1024.erofs")))
                .write(24744, u16(LclusterIndex.TYPE_HEAD1 << 12 | 1030)).bytes();
        ZTrees.Live before = ZTrees.mount("6.12.90", img, true);
        // 6.12.90 takes it: the extent of lcn 1 starts at 1030 [source only: 6.12.90 checks full indexes only]
        assertThat(new ZMapBlocks(before.sbi(), before.buf(), before.sblog()).map(before.inode(772), 1500, 0).la())
                .isEqualTo(1030);
        ZTrees.Live after = ZTrees.mount("6.12.91", img, true);
        List<String> log = new ArrayList<>();
        KernelError e = null;
        try {
            new ZMapBlocks(after.sbi(), after.buf(), after.sblog()).map(after.inode(772), 1500, 0);
        } catch (KernelError k) {
            e = k;
        }
        log.addAll(after.lines());
        // [obs-6.12.107/118, obs-6.18.44, obs-7.2.13/7.3 backports/zmap-b1024-clusterofs: read error -117, no line of the map's own]
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(log).isEmpty();
    }

    @Test
    @DisplayName("b44686c8391b erofs: fix large fragment handling: in 6.12.41 (a 13 MiB tail fragment reads)")
    void b44686c8391bIn61241() {
        // large-fragment.erofs: /tail (nid 384) maps two PLAIN blocks and a 13,631,488-byte tail fragment from lcn 2;
        // /big (nid 42) is wholly a fragment
        byte[] img = ErofsImages.read(ZTrees.fixture("modern/large-fragment.erofs"));
        ZTrees.Live before = ZTrees.mount("6.12.40", img, true);
        ZMapBlocks beforeMaps = new ZMapBlocks(before.sbi(), before.buf(), before.sblog());
        assertThat(beforeMaps.map(before.inode(384), 0, 0).llen()).isEqualTo(4096);
        // 6.12.40: a map of the tail fragment is ENCODED; from lcn 2 to the lcluster of its last byte it is longer
        // than Z_EROFS_PCLUSTER_MAX_DSIZE [source only]
        assertThat(beforeMaps.map(before.inode(384), 8192, 0).llen()).isEqualTo(4096);
        KernelError e = null;
        try {
            beforeMaps.map(before.inode(384), 13_639_679, 0);
        } catch (KernelError k) {
            e = k;
        }
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(beforeMaps.map(before.inode(42), 0, 0).flags())
                .isEqualTo(ZMapBlocks.MAPPED | ZMapBlocks.FULL_MAPPED | ZMapBlocks.FRAGMENT);
        ZTrees.Live after = ZTrees.mount("6.12.41", img, true);
        ZMapBlocks afterMaps = new ZMapBlocks(after.sbi(), after.buf(), after.sblog());
        ZMapBlocks.ZMapping tail = afterMaps.map(after.inode(384), 13_639_679, 0);
        assertThat(tail.la()).isEqualTo(8192);
        assertThat(tail.llen()).isEqualTo(13_631_488);
        assertThat(tail.flags()).isEqualTo(ZMapBlocks.MAPPED | ZMapBlocks.FRAGMENT);
        assertThat(afterMaps.map(after.inode(42), 0, 0).flags()).isEqualTo(ZMapBlocks.MAPPED | ZMapBlocks.FRAGMENT);
        // [obs-6.12.107/118, 6.1.0-57, 7.2.13, 7.3, 6.18.44: /tail reads whole; backports/fragment-large-tail]
        var read = ZTrees.walk(ErofsImages.bdevMount("6.12.41", img, Faults.NONE, null, true)).stream()
                .filter(t -> t.path().equals("/tail")).findFirst().orElseThrow();
        assertThat(read.readErrno()).isNull();
        assertThat(read.sha256()).isEqualTo(TAIL_SHA);
        var failed = ZTrees.walk(ErofsImages.bdevMount("6.12.40", img, Faults.NONE, null, true)).stream()
                .filter(t -> t.path().equals("/tail")).findFirst().orElseThrow();
        assertThat(failed.readErrno()).isEqualTo("EOPNOTSUPP");
    }

    /** sha256 of large-fragment.erofs' /tail as every VM kernel and the host read it. */
    static final String TAIL_SHA = "b7280fa84b0ea6d349cac347775102bc98f3c83fa8f865c5b0a9f61c9fa6709e";

    @Test
    @DisplayName("7c3ca1838a78 erofs: restrict pcluster size limitations: not in 6.1.192 (its tail fragment reads)")
    void c7c3ca1838a78NotIn61192() {
        byte[] img = ErofsImages.read(ZTrees.fixture("modern/large-fragment.erofs"));
        // [obs-6.1.0-57 backports/fragment-large-tail-bdev: reads, no line but the mount's]
        var read = ZTrees.walk(ErofsImages.bdevMount("6.1.192", img, Faults.NONE, null, true)).stream()
                .filter(t -> t.path().equals("/tail")).findFirst().orElseThrow();
        assertThat(read.readErrno()).isNull();
        assertThat(read.sha256()).isEqualTo(TAIL_SHA);
    }

    static byte[] u32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    static String noiseSha(String kernel, byte[] img) {
        return ZTrees.walk(ErofsImages.fileMount(kernel, img, Faults.NONE, null, true)).stream()
                .filter(e -> e.path().equals("/noise.txt")).findFirst().orElseThrow().sha256();
    }
}
