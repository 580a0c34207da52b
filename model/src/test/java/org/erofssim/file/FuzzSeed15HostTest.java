package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.erofssim.block.Faults;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.kernel.Errno;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.ondisk.SuperblockField;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The host (6.18.44) divergence classes of the session-8 seed-15 fuzz campaign, each pinned on
 * its observed case (the expected values are what 6.18.44-fc-v1272 answered, recorded in
 * {@code fixtures/fuzz-found/}), with the release before the change for contrast.
 */
@DisplayName("fuzz seed 15, host classes")
class FuzzSeed15HostTest {
    /**
     * 414091322c63 "erofs: implement metadata compression": {@code erofs_xattr_iter_shared}
     * asks for the metabox inode's buffer when {@code COMPAT_SHARED_EA_IN_METABOX} is set; an
     * image without metabox fails every listxattr of an inode with xattrs, EUCLEAN, silently
     * [obs-6.18.44: {@code crafted/twodev.erofs} with feature_compat 0xffffffff]. 6.12 ignores
     * the bit and lists them.
     */
    @Test
    @DisplayName("414091322c63: COMPAT_SHARED_EA_IN_METABOX without a metabox fails listxattr on 6.18, not on 6.12")
    void metaboxCommit414091322c63SharedXattrsWithoutMetabox() {
        byte[] img = ImageEditor.of(ErofsImages.read(ZTrees.fixture("crafted/twodev.erofs")))
                .set(SuperblockField.FEATURE_COMPAT, 0xFFFFFFFFL).fixChecksum().bytes();
        for (String path : List.of("/dir1", "/f1", "/f4096")) {
            TreeEntry e618 = entry("6.18", img, path);
            assertThat(e618.xattrs()).as(path).isNull();
            assertThat(e618.notes()).as(path).contains("listxattr: " + Errno.EUCLEAN.name());
            assertThat(entry("6.12.118", img, path).xattrs()).as(path).isNotEmpty();
        }
        assertThat(entry("6.18", img, "/f1").sha256()).isNotNull(); // the data still reads
        MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(ErofsImages.fileMount("6.18", img, Faults.NONE, null, true));
        assertThat(m.log()).noneMatch(l -> l.contains("xattr"));
    }

    /**
     * 7361d1e3763b "erofs: support unaligned encoded data" (6.15-rc1, 6.12.110 stable): a non-inline
     * pcluster in block 0 is no longer refused. {@code modern/fragments.erofs} with
     * byte[22083]=0x02 gives {@code /many/entry-39} an xattr count of 512, which moves its map
     * header and index into zeros: a plain pcluster at block 0, read as the image's first 9 bytes
     * (zeros) [obs-6.18.44: sha256 3e7077fd..., 9 bytes, no log line]; 6.12.107 refuses it.
     */
    @Test
    @DisplayName("7361d1e3763b erofs: support unaligned encoded data: a plain pcluster at block 0 reads on 6.18 and 6.12.118, EUCLEAN on 6.12.107")
    void unalignedEncodedDataPclusterAtBlockZero() {
        byte[] img = ErofsImages.read(ZTrees.fixture("modern/fragments.erofs"));
        img[22083] = 0x02;
        for (String k : List.of("6.18", "6.12.118")) {
            TreeEntry e = entry(k, img, "/many/entry-39");
            assertThat(e.readErrno()).as(k).isNull();
            assertThat(e.readOkBytes()).as(k).isEqualTo(9);
            assertThat(e.sha256()).as(k).isEqualTo("3e7077fd2f66d689e0cee6a7cf5b37bf2dca7c979af356d0a31cbc5c85605c7d");
        }
        assertThat(entry("6.12.107", img, "/many/entry-39").readErrno()).isEqualTo(Errno.EUCLEAN.name());
    }

    /**
     * The walkers call {@code llistxattr} before they read a file, so the kernel logs
     * {@code erofs_init_inode_xattrs}' line before the read's: {@code modern/fragments.erofs} with
     * byte[3170]=0x01 (checksum fixed) gives {@code /many/entry-00} an xattr area of only its
     * header and a bogus lookback distance [obs-6.18.44: fuzz seed 15 case 501].
     */
    @Test
    @DisplayName("seed 15 case 501: xattr_isize 12 is logged before the read's errors (llistxattr first)")
    void xattrLineBeforeTheReadErrors() {
        byte[] img = ErofsImages.read(ZTrees.fixture("modern/fragments.erofs"));
        img[3170] = 0x01;
        img = ImageEditor.of(img).fixChecksum().bytes();
        MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(ErofsImages.fileMount("6.18", img, Faults.NONE, null, true));
        // the test scenario also asks for FIEMAP, whose map logs once more after these
        assertThat(m.log().subList(0, 6)).containsExactly(
                "erofs (device erofs): mounted with root inode @ nid 36.",
                "erofs (device erofs): xattr_isize 12 of nid 99 is not supported yet",
                "erofs (device erofs): bogus lookback distance 33188 @ lcn 0 of nid 99",
                "erofs (device erofs): readahead error at folio 0 @ nid 99",
                "erofs (device erofs): bogus lookback distance 33188 @ lcn 0 of nid 99",
                "erofs (device erofs): read error -117 @ 0 of nid 99");
    }

    /**
     * {@code z_erofs_decompress_queue} gives each pcluster only the queue's I/O error, so a
     * readahead decodes every pcluster of its chain however many fail before:
     * {@code modern/48bit-zstd.erofs} with byte[44624]=0x80 lengthens the first extent of
     * {@code /text64k} (16 ZSTD pclusters of 4 KiB each) by 48 bytes, every later one starts 48
     * bytes late and fails [obs-6.18.44: fuzz seed 15 case 1751: 15 {@code failed to decompress}
     * lines, then {@code read error -117 @ 1}, one more failure and the retry's read error].
     */
    @Test
    @DisplayName("seed 15 case 1751: every failing pcluster of a readahead is decoded and logs (no error carried along the queue)")
    void eachPclusterOfTheQueueIsDecoded() {
        byte[] img = ErofsImages.read(ZTrees.fixture("modern/48bit-zstd.erofs"));
        img[44624] = (byte) 0x80;
        MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(ErofsImages.fileMount("6.18", img, Faults.NONE, null, true));
        List<String> log = m.log();
        int firstReadError = log.indexOf("erofs (device erofs): read error -117 @ 1 of nid 1393");
        assertThat(firstReadError).isPositive();
        assertThat(log.subList(0, firstReadError)).filteredOn(l -> l.contains("failed to decompress")).hasSize(15)
                .allMatch(l -> l.endsWith("failed to decompress in[0] out[0]: Unknown frame descriptor"));
        assertThat(log.get(firstReadError + 1)).endsWith("failed to decompress in[0] out[0]: Unknown frame descriptor");
        assertThat(log.get(firstReadError + 2)).isEqualTo(log.get(firstReadError));
    }

    /**
     * 1fcf686def19 "erofs: fix long xattr name prefix placement": without
     * {@code COMPAT_PLAIN_XATTR_PFX} a metabox image keeps its long prefixes in the metabox
     * inode, which the model now reads: {@code modern/metabox.erofs} with xattr_prefix_count 0 →
     * 255 (checksum fixed) reads a record of a bad length there and the mount fails, EUCLEAN,
     * silently [obs-6.18.44: fuzz seed 15 case 1120]; the model used to mount with a note.
     */
    @Test
    @DisplayName("1fcf686def19: 255 long prefixes read from the metabox inode fail the mount (EUCLEAN, silent)")
    void prefixPlacement1fcf686def19PrefixesInTheMetabox() {
        byte[] img = ImageEditor.of(ErofsImages.read(ZTrees.fixture("modern/metabox.erofs")))
                .set(SuperblockField.XATTR_PREFIX_COUNT, 255).fixChecksum().bytes();
        MountOutcome o = MountModel.predict(ErofsImages.fileMount("6.18", img, Faults.NONE, null, false));
        assertThat(o).isInstanceOf(MountOutcome.Failed.class);
        assertThat(((MountOutcome.Failed) o).errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(o.log()).allMatch(l -> l.contains("EXPERIMENTAL"));
    }

    /**
     * {@code erofs_map_blocks} compares {@code m_la}, a u64, with {@code i_size}: a metabox root
     * nid of 0xff00000000000000 (byte[1143]=0xff of {@code modern/metabox.erofs}, checksum
     * fixed) puts its slot at {@code nid_lo << 5}, which wraps past 2^63, so the metabox inode's
     * read is a hole of zeros and the root is {@code bogus i_mode (0)}, EUCLEAN [obs-6.18.44: fuzz
     * seed 15 case 1687]; the model compared signed and failed the read, EIO.
     */
    @Test
    @DisplayName("seed 15 case 1687: a metabox slot past 2^63 reads as a hole (bogus i_mode (0)), not EIO")
    void metaboxSlotPast2To63IsAHole() {
        byte[] img = ErofsImages.read(ZTrees.fixture("modern/metabox.erofs"));
        img[1143] = (byte) 0xff;
        img = ImageEditor.of(img).fixChecksum().bytes();
        MountOutcome o = MountModel.predict(ErofsImages.fileMount("6.18", img, Faults.NONE, null, false));
        assertThat(o).isInstanceOf(MountOutcome.Failed.class);
        assertThat(((MountOutcome.Failed) o).errno()).isEqualTo(Errno.EUCLEAN);
        assertThat(o.log()).last().isEqualTo("erofs (device erofs): bogus i_mode (0) @ nid 18374686479671623680");
    }

    /**
     * {@link org.erofssim.kernel.Behavior#PRINTK_RECORD_MAX_1024}: one unknown option of 4,100
     * bytes. The option page keeps 4,095 of them, and printk keeps 1021 characters of the line,
     * which so loses its closing quote [obs-6.18.44-fc-v1272, session 11: that mount(2), the record
     * read from {@code /dev/kmsg}: 1021 characters]; before the commit 989 [obs-6.1.0-57-amd64,
     * session 11]. The scenario is {@code fixtures/fuzz-found/scenarios/unknown-option-4100-bytes.json}.
     */
    @Test
    @DisplayName("b0975c47c217 printk: adjust string limit macros: a 4,100-byte unknown option's line keeps 1021 characters")
    void unknownParameterLineCutByPrintk() {
        byte[] img = ErofsImages.read(ZTrees.fixture("plain.erofs"));
        String line = "erofs: Unknown parameter '" + "x".repeat(4095) + "'";
        for (String k : List.of("6.18", "6.1")) {
            MountOutcome o = MountModel.predict(ErofsImages.fileMount(k, img, Faults.NONE, "x".repeat(4100), false));
            assertThat(o).as(k).isInstanceOf(MountOutcome.Failed.class);
            assertThat(((MountOutcome.Failed) o).errno()).as(k).isEqualTo(Errno.EINVAL);
            assertThat(o.log()).as(k).containsExactly(line.substring(0, k.equals("6.1") ? 989 : 1021));
            assertThat(o.mode()).as(k).isNull();
        }
    }

    private static TreeEntry entry(String kernel, byte[] image, String path) {
        MountOutcome o = MountModel.predict(ErofsImages.fileMount(kernel, image, Faults.NONE, null, true));
        assertThat(o).as(kernel).isInstanceOf(MountOutcome.Mounted.class);
        return ((MountOutcome.Mounted) o).tree().stream().filter(t -> t.path().equals(path)).findFirst().orElseThrow();
    }
}
