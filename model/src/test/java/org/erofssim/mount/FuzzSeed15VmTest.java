package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.erofssim.block.Faults;
import org.erofssim.contract.MountOutcome;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * VM-kernel divergence classes of the seed-15 fuzz campaigns, pinned on the observed lines
 * (session 9: {@code fuzz --kernels 6.1,6.12 --cases 400 --seed 15}).
 */
@DisplayName("fuzz seed 15, VM classes")
class FuzzSeed15VmTest {
    private static final String INLINE = "erofs: (device loop0): EXPERIMENTAL compressed inline data feature in use. Use at your own risk!";
    private static final String FRAGMENTS = "erofs: (device loop0): EXPERIMENTAL compressed fragments feature in use. Use at your own risk!";
    private static final String DEDUPE = "erofs: (device loop0): EXPERIMENTAL global deduplication feature in use. Use at your own risk!";

    /**
     * {@link org.erofssim.kernel.Behavior#FEATURE_NOTICES_DROPPED}: 6.1's
     * {@code erofs_read_superblock} announces ztailpacking, and fragments/dedupe (one bit) with
     * EXPERIMENTAL lines [obs-6.1.0-57-amd64: ztailpacking.erofs and modern/fragments.erofs as
     * loop devices]; 6.12 has none of them.
     */
    @Test
    @DisplayName("6.1 logs the EXPERIMENTAL notices of ztailpacking, fragments and dedupe; 6.12 does not")
    void featureNoticesOf61() {
        List<String> frag61 = log("6.1", "modern/fragments.erofs");
        assertThat(frag61).containsSubsequence(FRAGMENTS, DEDUPE);
        assertThat(frag61).doesNotContain(INLINE);
        assertThat(log("6.1", "ztailpacking.erofs")).contains(INLINE).doesNotContain(FRAGMENTS);
        for (String image : List.of("modern/fragments.erofs", "ztailpacking.erofs")) {
            assertThat(log("6.12.118", image)).noneMatch(l -> l.contains("EXPERIMENTAL"));
        }
    }

    /**
     * {@link org.erofssim.kernel.Behavior#ZDATA_FOLIO_MESSAGES}: 6.1 words the compressed read
     * errors for pages: {@code lz4.erofs} with its first compact index pack zeroed (bytes 28168,
     * 28169 = 0x00, 0x28: a bogus pack) logs {@code readahead error at page 15 @ nid 879} and
     * {@code failed to read, err [-117]} [obs-6.1.0-57-amd64, seed 15 VM run]; 6.12 says
     * {@code folio} and {@code read error -117 @ N of nid M}.
     */
    @Test
    @DisplayName("6.1 words compressed read errors for pages ('at page', 'failed to read, err'), 6.12 for folios")
    void readErrorWordingOf61() {
        for (String k : List.of("6.1", "6.12.118")) {
            byte[] img = ErofsImages.read(ZTrees.fixture("lz4.erofs"));
            img[28168] = 0x00;
            img[28169] = 0x28;
            MountOutcome o = MountModel.predict(ErofsImages.bdevMount(k, img, Faults.NONE, null, true));
            List<String> errs = o.log().stream().filter(l -> l.contains("z_erofs_read")).toList();
            assertThat(errs).as(k).isNotEmpty();
            if (k.equals("6.1")) {
                assertThat(errs).anyMatch(l -> l.endsWith("z_erofs_readahead: readahead error at page 15 @ nid 879"));
                assertThat(errs).anyMatch(l -> l.endsWith("z_erofs_read_folio: failed to read, err [-117]"));
                assertThat(errs).noneMatch(l -> l.contains("folio 15") || l.contains("read error -"));
            } else {
                // 6.12's first window is four order-2 folios (COMPRESSED_LARGE_FOLIOS, test below)
                assertThat(errs).anyMatch(l -> l.endsWith("z_erofs_readahead: readahead error at folio 12 @ nid 879"));
                assertThat(errs).noneMatch(l -> l.contains("at page") || l.contains("failed to read, err"));
            }
        }
    }

    /**
     * {@link org.erofssim.kernel.Behavior#LOOKBACK_DISTANCE_MESSAGE}: {@code lz4.erofs} with
     * incompat 9 and bytes 28168-28169 = 00 28 (checksum fixed), a loop device, tree read: 6.1
     * logs {@code bogus lookback distance @ nid 879}, 6.12 names the distance and lcn [obs-6.1.0-57-amd64:
     * seed 15 case 41].
     */
    @Test
    @DisplayName("6.1's 'bogus lookback distance @ nid N' without distance and lcn")
    void lookbackMessageOf61() {
        byte[] img = ErofsImages.read(ZTrees.fixture("lz4.erofs"));
        img[28168] = 0x00;
        img[28169] = 0x28;
        img = org.erofssim.ondisk.ImageEditor.of(img).set(org.erofssim.ondisk.SuperblockField.FEATURE_INCOMPAT, 9)
                .fixChecksum().bytes();
        List<String> l61 = MountModel.predict(ErofsImages.bdevMount("6.1", img, Faults.NONE, null, true)).log();
        assertThat(l61).contains("erofs: (device loop0): z_erofs_extent_lookback: bogus lookback distance @ nid 879");
        // in order-0 folios: 6.12's order-2 folios stop at an earlier error of the same folio before the lookback
        List<String> l612 = MountModel.predict(ErofsImages.bdevMount("6.12.118 -COMPRESSED_LARGE_FOLIOS", img, Faults.NONE, null, true)).log();
        assertThat(l612).anyMatch(l -> l.matches(".*bogus lookback distance \\d+ @ lcn \\d+ of nid 879"));
    }

    /**
     * {@link org.erofssim.kernel.Behavior#SUBPAGE_COMPRESSED_BLOCKS}: {@code modern/lz4-b1024.erofs}
     * (1 KiB blocks) as a loop device: 6.1 mounts it and lists its plain files, but each compressed
     * file fails its lookup with EOPNOTSUPP and no line; 6.12.118 reads them [obs-6.1.0-57-amd64
     * and obs-6.12.118: fuzz seed 15, session 10, the unedited image: /f4097 4097 bytes on 6.12].
     */
    @Test
    @DisplayName("0ee3a0d59e00 erofs: enable sub-page compressed block support (6.8): 6.1 refuses compressed inodes on 1 KiB blocks")
    void subpageCompressedBlocks() {
        byte[] img = ErofsImages.read(ZTrees.fixture("modern/lz4-b1024.erofs"));
        for (String k : List.of("6.1", "6.12.0 -SUBPAGE_COMPRESSED_BLOCKS")) {
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount(k, img, Faults.NONE, null, true));
            org.erofssim.contract.TreeEntry f = entry(m, "/f4097");
            assertThat(f.mode()).as(k).isNull();
            assertThat(f.readErrno()).as(k).isEqualTo("EOPNOTSUPP");
            assertThat(m.log()).as(k).hasSize(1); // the mount line only
        }
        MountOutcome.Mounted m612 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.12.118", img, Faults.NONE, null, true));
        assertThat(entry(m612, "/f4097").readOkBytes()).isEqualTo(4097);
        assertThat(entry(m612, "/f4097").readErrno()).isNull();
    }

    /**
     * {@link org.erofssim.kernel.Behavior#READAHEAD_HONOURS_NEW_ORDER} in bdev mode:
     * {@code crafted/twodev.erofs} as a loop device without {@code device=} (flat mode: the blob
     * chunks read from the primary, the second block of {@code /f4097} unreadable): 6.12.118's
     * cold readahead puts both pages in one order-1 folio, which fails as a whole, so no byte is
     * read; 6.18.44 reads the first page [obs-6.12.118+deb13-amd64 and obs-6.18.44-fc-v1272: fuzz
     * seed 15, session 10, the unedited image; readOkBytes 0 and 4096].
     */
    @Test
    @DisplayName("6.12's order-1 readahead folio in bdev mode: /f4097 of twodev.erofs (flat) reads no byte, 4096 on 6.18")
    void largeReadaheadFolioInBdevMode() {
        byte[] img = ErofsImages.read(ZTrees.fixture("crafted/twodev.erofs"));
        for (String k : List.of("6.12.118", "6.18 -READAHEAD_HONOURS_NEW_ORDER")) {
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount(k, img, Faults.NONE, null, true));
            assertThat(entry(m, "/f4097").readOkBytes()).as(k).isZero();
            assertThat(m.log()).as(k).noneMatch(l -> l.contains("readahead error")); // iomap's readahead logs none
        }
        MountOutcome.Mounted m618 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.18", img, Faults.NONE, null, true));
        assertThat(entry(m618, "/f4097").readOkBytes()).isEqualTo(4096);
    }

    /**
     * {@link org.erofssim.kernel.Behavior#BDEV_LOOKUP_BEFORE_OPEN}'s holder: {@code multidev.erofs}
     * with one extra device, mounted from {@code /dev/loop20} with {@code device=/dev/loop0}, then
     * {@code /dev/loop0} mounted itself with a regular file as its {@code device=}: 6.1 claims
     * loop0 for the erofs type again (the first mount's holder) and fails on the file, ENOTBLK;
     * 6.12 claims it for the new superblock, EBUSY [obs-6.1.0-57-amd64 and obs-6.12.118: fuzz
     * seed 15 case 726, session 10].
     */
    @Test
    @DisplayName("fs: open block device after superblock creation: a device= of another mount is EBUSY on 6.12, not on 6.1")
    void bdevHolderBeforeSuperblockCreation(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] img = org.erofssim.ondisk.ImageEditor.of(ErofsImages.read(ZTrees.fixture("multidev.erofs")))
                .set(org.erofssim.ondisk.SuperblockField.EXTRA_DEVICES, 1).fixChecksum().bytes();
        java.nio.file.Files.write(dir.resolve("image.erofs"), img);
        String json = """
                {"version": 1, "kernel": "%s",
                 "nodes": {"/dev/loop0": {"kind": "bdev", "image": "image.erofs"},
                           "/dev/loop20": {"kind": "bdev", "image": "image.erofs"},
                           "/srv/primary0.img": {"kind": "file", "image": "image.erofs", "fs": "ramfs"}},
                 "before": [{"source": "/dev/loop20", "options": "device=/dev/loop0", "flags": ["ro"]}],
                 "source": "/dev/loop0", "options": "device=/srv/primary0.img", "flags": ["ro"]}""";
        for (String k : List.of("6.1", "6.12.118")) {
            MountOutcome o = MountModel.predict(org.erofssim.contract.ScenarioJson.read(json.formatted(k), dir));
            assertThat(o).as(k).isInstanceOf(MountOutcome.Failed.class);
            assertThat(((MountOutcome.Failed) o).errno()).as(k)
                    .isEqualTo(k.equals("6.1") ? org.erofssim.kernel.Errno.ENOTBLK : org.erofssim.kernel.Errno.EBUSY);
        }
    }

    /**
     * {@link org.erofssim.kernel.Behavior#ISHARE_XATTR_PREFIX_ID}: {@code crafted/twodev.erofs} with
     * {@code feature_compat} all ones (checksum fixed) as a file with its two blobs: 7.3 refuses the
     * superblock, the ishare prefix id 0 indexing none of its 0 long prefixes [obs-7.3-amd64: fuzz
     * seed 15 case 631, session 10]; 6.18 mounts it.
     */
    @Test
    @DisplayName("e0bf7d1c074d erofs: support user-defined fingerprint name (7.0): an ishare prefix id past the prefixes")
    void ishareXattrPrefixId(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] img = org.erofssim.ondisk.ImageEditor.of(ErofsImages.read(ZTrees.fixture("crafted/twodev.erofs")))
                .set(org.erofssim.ondisk.SuperblockField.FEATURE_COMPAT, 0xFFFFFFFFL).fixChecksum().bytes();
        java.nio.file.Files.write(dir.resolve("image.erofs"), img);
        java.nio.file.Files.write(dir.resolve("blob.img"), new byte[12 * 4096]);
        String json = """
                {"version": 1, "kernel": "%s",
                 "nodes": {"/srv/image.erofs": {"kind": "file", "image": "image.erofs"},
                           "/srv/dev0.img": {"kind": "file", "image": "blob.img"},
                           "/srv/dev1.img": {"kind": "file", "image": "blob.img"}},
                 "source": "/srv/image.erofs", "options": "device=/srv/dev0.img,device=/srv/dev1.img", "flags": ["ro"]}""";
        MountOutcome o73 = MountModel.predict(org.erofssim.contract.ScenarioJson.read(json.formatted("7.3"), dir));
        assertThat(o73).isInstanceOf(MountOutcome.Failed.class);
        assertThat(((MountOutcome.Failed) o73).errno()).isEqualTo(org.erofssim.kernel.Errno.EUCLEAN);
        assertThat(o73.log()).containsExactly("erofs (device 0:*): invalid ishare xattr prefix id 0");
        assertThat(MountModel.predict(org.erofssim.contract.ScenarioJson.read(json.formatted("6.18"), dir)))
                .isInstanceOf(MountOutcome.Mounted.class);
        assertThat(MountModel.predict(org.erofssim.contract.ScenarioJson.read(json.formatted("7.3"), dir).toBuilder()
                .kernel(org.erofssim.testing.Scenarios.profile("7.3 -ISHARE_XATTR_PREFIX_ID")).build()))
                .isInstanceOf(MountOutcome.Mounted.class);
    }

    /**
     * {@link org.erofssim.kernel.Behavior#FAST_SYMLINK_LENGTH_CHECK}: {@code crafted/deflate.erofs}'s
     * {@code /symlink-fast} (nid 877, 7 bytes) given 64 xattr slots (byte 28066 = 0x40), so its
     * inline target reads as zeros: 7.3 logs {@code invalid fast symlink size 7 @ nid 877}, EUCLEAN
     * [obs-7.3-amd64: fuzz seed 15 case 101, session 10]; 6.18 lists it with the target cut at
     * its first NUL (empty) [obs-6.18.44].
     */
    @Test
    @DisplayName("72558e2bed27 erofs: use inode_set_cached_link() (7.0): a fast symlink whose target holds a NUL")
    void fastSymlinkLengthCheck() {
        byte[] img = ErofsImages.read(ZTrees.fixture("crafted/deflate.erofs"));
        assertThat(img[28066]).isEqualTo((byte) 0); // no xattr slots before
        img[28066] = 0x40;
        MountOutcome.Mounted m73 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("7.3", img, Faults.NONE, null, true));
        assertThat(m73.log()).contains("erofs (device loop0): invalid fast symlink size 7 @ nid 877");
        assertThat(entry(m73, "/symlink-fast").readErrno()).isEqualTo("EUCLEAN");
        MountOutcome.Mounted m618 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.18", img, Faults.NONE, null, true));
        assertThat(entry(m618, "/symlink-fast").mode()).isEqualTo("0777");
        assertThat(entry(m618, "/symlink-fast").target()).isEmpty();
    }

    /**
     * {@link org.erofssim.kernel.Behavior#ZMAP_HEAD_FORMAT_CHECK}: {@code crafted/lzma.erofs} with
     * {@code /symlink-fast} (nid 877) made a compact COMPRESSED_FULL inode: its map header is the
     * inline target, head format 11 [obs-7.3-amd64: fuzz seed 15 case 1472, session 10, the line
     * below and readlink EOPNOTSUPP; obs-6.18.44: EUCLEAN].
     */
    @Test
    @DisplayName("7.3 checks the head algorithms in z_erofs_fill_inode_lazy again ([unsure] commit)")
    void zmapHeadFormatCheck() {
        byte[] img = ErofsImages.read(ZTrees.fixture("crafted/lzma.erofs"));
        assertThat(img[28064]).isEqualTo((byte) 0x04); // compact FLAT_INLINE before
        img[28064] = 0x02;
        MountOutcome.Mounted m73 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.fileMount("7.3", img, Faults.NONE, null, true));
        assertThat(m73.log()).contains("erofs (device 0:*): unknown HEAD1 format 11 for nid 877, please upgrade kernel");
        assertThat(entry(m73, "/symlink-fast").readErrno()).isEqualTo("EOPNOTSUPP");
        MountOutcome.Mounted m618 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.fileMount("6.18", img, Faults.NONE, null, true));
        assertThat(entry(m618, "/symlink-fast").readErrno()).isEqualTo("EUCLEAN");
    }

    /** {@code crafted/deflate.erofs} with {@code feature_incompat} 0 (no COMPR_CFGS, no big pcluster), checksum fixed. */
    private static byte[] deflateIncompat0() {
        return org.erofssim.ondisk.ImageEditor.of(ErofsImages.read(ZTrees.fixture("crafted/deflate.erofs")))
                .set(org.erofssim.ondisk.SuperblockField.FEATURE_INCOMPAT, 0).fixChecksum().bytes();
    }

    /**
     * {@link org.erofssim.kernel.Behavior#DEFLATE_ALGORITHM}'s {@code Z_EROFS_COMPRESSION_MAX}: 6.1
     * knows algorithms 0 and 1 only, so {@code /text64k}'s DEFLATE map header fails
     * {@code z_erofs_fill_inode_lazy}'s first check [obs-6.1.0-57-amd64: fuzz seed 15, session 10,
     * {@code unknown HEAD1 format 2 for nid 879, please upgrade kernel}, EOPNOTSUPP]; 6.12 passes it
     * and fails the big-pcluster check, EUCLEAN [obs-6.12.118].
     */
    @Test
    @DisplayName("6.1's Z_EROFS_COMPRESSION_MAX 2: a DEFLATE map header is an unknown HEAD1 format")
    void deflateHeadIsUnknownOn61() {
        MountOutcome.Mounted m61 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.1", deflateIncompat0(), Faults.NONE, null, true));
        assertThat(m61.log()).contains("erofs: (device loop0): z_erofs_fill_inode_lazy: unknown HEAD1 format 2 for nid 879, please upgrade kernel")
                .noneMatch(l -> l.contains("big pcluster"));
        assertThat(entry(m61, "/text64k").readErrno()).isEqualTo("EOPNOTSUPP");
        MountOutcome.Mounted m612 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.12.118", deflateIncompat0(), Faults.NONE, null, true));
        assertThat(m612.log()).contains("erofs: (device loop0): z_erofs_fill_inode_lazy: per-inode big pcluster without sb feature for nid 879");
        assertThat(entry(m612, "/text64k").readErrno()).isEqualTo("EUCLEAN");
    }

    /**
     * {@link org.erofssim.kernel.Behavior#COMPRESSED_LARGE_FOLIOS} with 6.12's
     * {@code page_cache_ra_order} (order + 2): the first readahead window of {@code /text64k}
     * (16 pages) is four order-2 folios, each failing at its first page: {@code readahead error at
     * folio 12}, {@code 8}, {@code 4}, {@code 0} [obs-6.12.118+deb13-amd64: the same case as a
     * file, fuzz seed 15, session 10]; 6.18 builds order-0 folios (15, 14, ..., 0).
     */
    @Test
    @DisplayName("e080a26725fb erofs: allow large folios for compressed files (6.11): 6.12's first window is order-2 folios")
    void compressedLargeFolios() {
        String at = "erofs: (device erofs): z_erofs_readahead: readahead error at folio ";
        List<String> l612 = MountModel.predict(ErofsImages.fileMount("6.12.118", deflateIncompat0(), Faults.NONE, null, true)).log()
                .stream().filter(l -> l.contains("readahead error") && l.endsWith("@ nid 879")).toList();
        assertThat(l612).startsWith(at + "12 @ nid 879", at + "8 @ nid 879", at + "4 @ nid 879", at + "0 @ nid 879");
        List<String> without = MountModel.predict(ErofsImages.fileMount("6.12.118 -COMPRESSED_LARGE_FOLIOS", deflateIncompat0(),
                Faults.NONE, null, true)).log().stream().filter(l -> l.contains("readahead error") && l.endsWith("@ nid 879")).toList();
        assertThat(without).startsWith(at + "15 @ nid 879", at + "14 @ nid 879");
    }

    /**
     * {@link org.erofssim.kernel.Behavior#READ_FOLIO_DECODE_ERROR}: {@code ztailpacking.erofs} with
     * the five bytes fuzz seed 15 case 641 edited (checksum fixed), mounted with {@code dax} (no DAX
     * device: turned off) and read: {@code /noise.txt}'s pclusters fail to decompress. 6.1 logs four
     * decompress failures (two from readahead, one per read_folio of page 3 in each of two
     * read(2) calls) and nothing of read_folio's own, and read(2) returns the first 12,288 bytes,
     * then EIO from {@code filemap_read_folio}; 6.12.118 logs read_folio's line and returns its
     * EUCLEAN [obs-6.1.0-57-amd64 and obs-6.12.118: the case's recordings, session 10].
     */
    @Test
    @DisplayName("2349d2fa02db erofs: sunset unneeded NOFAILs: a failed decode is filemap's EIO on 6.1, read_folio's EUCLEAN on 6.12")
    void readFolioReturnsDecodeError() {
        byte[] img = ztailpackingCase641();
        String decode = "erofs: (device loop0): z_erofs_lz4_decompress_mem: failed to decompress";
        MountOutcome.Mounted m61 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.1", img, Faults.NONE, "dax,user_xattr", true));
        assertThat(entry(m61, "/noise.txt").readErrno()).isEqualTo("EIO");
        assertThat(entry(m61, "/noise.txt").readOkBytes()).isEqualTo(12288);
        assertThat(m61.log()).filteredOn(l -> l.startsWith(decode)).hasSize(4);
        assertThat(m61.log()).noneMatch(l -> l.contains("z_erofs_read_folio"));
        MountOutcome.Mounted m612 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.12.118", img, Faults.NONE, "dax,user_xattr", true));
        assertThat(entry(m612, "/noise.txt").readErrno()).isEqualTo("EUCLEAN");
        assertThat(m612.log()).contains("erofs: (device loop0): z_erofs_read_folio: read error -117 @ 0 of nid 640");
        MountOutcome.Mounted without = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount(
                "6.12.118 -READ_FOLIO_DECODE_ERROR", img, Faults.NONE, "dax,user_xattr", true));
        assertThat(entry(without, "/noise.txt").readErrno()).isEqualTo("EIO");
        assertThat(without.log()).noneMatch(l -> l.contains("z_erofs_read_folio"));
    }

    /**
     * {@link org.erofssim.kernel.Behavior#FILEIO_METADATA_MANAGED_CACHE}'s device mapping:
     * {@code crafted/twodev.erofs} with fuzz seed 15 case 430's four slot bytes (device 1's
     * uniaddr 1; slots 2 and 3 lie past the table) as a file with two copies of
     * {@code multidev-blob.img}: device 1's unified range is blocks 1-12, so 7.3 reads the
     * inodes of blocks 3 and 4 from the blob, at 8192 + 1472 (zeros) and 12288 (a text byte
     * {@code e}, i_format 101) [obs-7.3-amd64: that case's recording, session 10]; 7.2.13 keeps
     * metadata on the primary (6.18.44 alike, obs).
     */
    @Test
    @DisplayName("7.3's erofs_read_meta_folio maps metadata through erofs_map_dev ([unsure] commit): inodes read from a blob")
    void fileioMetadataThroughUnifiedDevices(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        byte[] img = ErofsImages.read(ZTrees.fixture("crafted/twodev.erofs"));
        assertThat(img[20548]).isEqualTo((byte) 0); // device 1's uniaddr_lo
        img[20548] = 1;
        img[20800] = 1;
        img[20812] = 7;
        img[20940] = 6;
        java.nio.file.Files.write(dir.resolve("image.erofs"), img);
        java.nio.file.Files.copy(ZTrees.fixture("multidev-blob.img"), dir.resolve("blob.img"));
        String json = """
                {"version": 1, "kernel": "%s", "read": true,
                 "nodes": {"/srv/image.erofs": {"kind": "file", "image": "image.erofs"},
                           "/srv/dev0.img": {"kind": "file", "image": "blob.img"},
                           "/srv/dev1.img": {"kind": "file", "image": "blob.img"}},
                 "source": "/srv/image.erofs", "options": "device=/srv/dev0.img,device=/srv/dev1.img", "flags": ["ro"]}""";
        MountOutcome.Mounted m73 = (MountOutcome.Mounted) MountModel.predict(
                org.erofssim.contract.ScenarioJson.read(json.formatted("7.3"), dir));
        assertThat(m73.log()).contains("erofs (device 0:*): bogus i_mode (0) @ nid 430",
                "erofs (device 0:*): unsupported i_format 101 of nid 512");
        assertThat(entry(m73, "/noise.txt").mode()).isNull();
        assertThat(entry(m73, "/noise.txt").readErrno()).isEqualTo("EUCLEAN");
        assertThat(entry(m73, "/symlink-long").readErrno()).isEqualTo("EOPNOTSUPP");
        assertThat(entry(m73, "/dir1/hello.txt").readOkBytes()).isEqualTo(6); // block 0's inodes stay on the primary
        for (String k : List.of("7.2.13", "7.3 -FILEIO_METADATA_MANAGED_CACHE")) {
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(org.erofssim.contract.ScenarioJson.read(
                    json.formatted("7.3"), dir).toBuilder().kernel(org.erofssim.testing.Scenarios.profile(k)).build());
            assertThat(entry(m, "/noise.txt").mode()).as(k).isEqualTo("0644");
            assertThat(entry(m, "/noise.txt").readOkBytes()).as(k).isEqualTo(6500);
        }
    }

    /**
     * {@link org.erofssim.kernel.Behavior#FILEIO_METADATA_MANAGED_CACHE}'s sector: the metadata bio
     * starts at {@code (fsoffset + position) >> 9}, so {@code fsoffset=512} reads the superblock
     * at byte 1536 of {@code plain.erofs} (none there) and {@code fsoffset=100} at 1024, found,
     * then refused for its alignment [obs-7.3-amd64, session 10: fuzz seed 15 case 1102 with 512
     * on {@code modern/metabox.erofs}, {@code options/fsoffset-misaligned} with 100]; 6.18's
     * page-granular read finds the superblock for both.
     */
    @Test
    @DisplayName("7.3's file-backed metadata bio starts at the 512-byte sector of fsoffset ([unsure] commit)")
    void fileioMetadataAtSectorOfFsoffset() {
        byte[] img = ErofsImages.read(ZTrees.fixture("plain.erofs"));
        MountOutcome o512 = MountModel.predict(ErofsImages.fileMount("7.3", img, Faults.NONE, "fsoffset=512", false));
        assertThat(((MountOutcome.Failed) o512).errno()).isEqualTo(org.erofssim.kernel.Errno.EINVAL);
        assertThat(o512.log()).containsExactly("erofs (device 0:*): cannot find valid erofs superblock");
        for (String k : List.of("7.3", "7.3 -FILEIO_METADATA_MANAGED_CACHE")) {
            MountOutcome o = MountModel.predict(ErofsImages.fileMount(k, img, Faults.NONE, "fsoffset=100", false));
            assertThat(o.log()).as(k).containsExactly("erofs: fsoffset 100 is not aligned to block size 4096");
        }
        assertThat(MountModel.predict(ErofsImages.fileMount("7.3 -FILEIO_METADATA_MANAGED_CACHE", img, Faults.NONE,
                "fsoffset=512", false)).log()).containsExactly("erofs: fsoffset 512 is not aligned to block size 4096");
    }

    /**
     * {@link org.erofssim.kernel.Behavior#LZ4_ERROR_STRINGS}: the same case on 7.3 prints the
     * common line with LZ4's reason, for the negative result and for the short one
     * [obs-7.3-amd64: the case's recording, session 10].
     */
    @Test
    @DisplayName("48df6d1bc9d5 erofs: improve LZ4 error strings: corrupted compressed data, unexpected end of stream")
    void lz4ErrorStrings() {
        byte[] img = ztailpackingCase641();
        List<String> l73 = MountModel.predict(ErofsImages.bdevMount("7.3", img, Faults.NONE, "dax,user_xattr", true)).log();
        assertThat(l73).contains("erofs (device loop0): failed to decompress (lz4) corrupted compressed data @ pa 12288 size 4096 => 4130",
                "erofs (device loop0): failed to decompress (lz4) unexpected end of stream @ pa 16384 size 4096 => 4123");
        assertThat(l73).noneMatch(l -> l.contains(" in["));
        List<String> without = MountModel.predict(ErofsImages.bdevMount("7.3 -LZ4_ERROR_STRINGS", img, Faults.NONE,
                "dax,user_xattr", true)).log();
        assertThat(without).contains("erofs (device loop0): failed to decompress -4010 in[4096, 0] out[4130]");
    }

    /** {@code ztailpacking.erofs} with the five bytes fuzz seed 15 case 641 edited, checksum fixed. */
    private static byte[] ztailpackingCase641() {
        byte[] img = ErofsImages.read(ZTrees.fixture("ztailpacking.erofs"));
        assertThat(img[6608]).isEqualTo((byte) 54);
        img[68] = 1;
        img[204] = 7;
        img[1242] = 0x41;
        img[6608] = 0;
        img[20530] = 0x6a;
        return org.erofssim.ondisk.ImageEditor.of(img).fixChecksum().bytes();
    }

    private static org.erofssim.contract.TreeEntry entry(MountOutcome.Mounted m, String path) {
        return m.tree().stream().filter(t -> t.path().equals(path)).findFirst().orElseThrow();
    }

    private static List<String> log(String kernel, String image) {
        MountOutcome o = MountModel.predict(ErofsImages.bdevMount(kernel, ErofsImages.read(ZTrees.fixture(image)), Faults.NONE, null, false));
        return o.log();
    }
}
