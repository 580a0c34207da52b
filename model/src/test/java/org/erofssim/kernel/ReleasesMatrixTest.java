package org.erofssim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The presets of the kernel matrix: each observed kernel's {@code uname -r} resolves to its
 * preset, and each preset is its predecessor plus the listed commits (issue 8: adding a release is
 * one preset method).
 */
class ReleasesMatrixTest {
    @Test
    void everyObservedUnameResolvesToItsPreset() {
        assertThat(Releases.resolve("6.1.0-57-amd64").profile()).isSameAs(Releases.linux_6_1_192());
        assertThat(Releases.resolve("6.12.118+deb13-amd64").profile()).isSameAs(Releases.linux_6_12_118());
        assertThat(Releases.resolve("7.2.13+deb14-amd64").profile()).isSameAs(Releases.linux_7_2_13());
        assertThat(Releases.resolve("7.3-amd64").profile()).isSameAs(Releases.linux_7_3_0_rc7());
        assertThat(Releases.resolve("6.18.44-fc-v782").profile()).isSameAs(Releases.linux_6_18_44());
    }

    @Test
    void debianAbiNamesOf61AreNotPatchLevels() {
        assertThat(Releases.resolve("6.1.0-57-amd64").note()).contains("ABI 57");
        Releases.Resolution other = Releases.resolve("6.1.0-41-cloud-amd64");
        assertThat(other.profile()).isSameAs(Releases.linux_6_1_192());
        assertThat(other.note()).contains("ABI 41 is not modelled");
        // a real patch level of 6.1 is no Debian ABI name
        assertThat(Releases.resolve("6.1.200").profile()).isSameAs(Releases.linux_6_1_192());
        assertThatThrownBy(() -> Releases.resolve("6.1.100")).isInstanceOf(Releases.UnknownRelease.class)
                .hasMessageContaining("older than every modelled 6.1 release");
    }

    @Test
    void shortNamesAreTheNewestOfTheirLine() {
        assertThat(Releases.resolve("6.1").profile()).isSameAs(Releases.linux_6_1_192());
        assertThat(Releases.resolve("6.12").profile()).isSameAs(Releases.linux_6_12_118());
        assertThat(Releases.resolve("7.2").profile()).isSameAs(Releases.linux_7_2_13());
        assertThat(Releases.resolve("7.3").profile()).isSameAs(Releases.linux_7_3_0_rc7());
        assertThatThrownBy(() -> Releases.resolve("7.4")).isInstanceOf(Releases.UnknownRelease.class);
    }

    @Test
    void presetsAreTheirPredecessorPlusCommits() {
        // 6.12.0 derives from the 6.1 line, not from 6.1.192: 6.1.175's backport came to 6.12 in 6.12.86
        KernelProfile.Builder line61 = Releases.linux_6_1_192().toBuilder();
        Releases.stableBackports("6.1").forEach(bp -> line61.without(bp.behavior()));
        assertThat(added(line61.build(), Releases.linux_6_12_0())).containsExactlyInAnyOrder(
                Behavior.FLATTENED_BLOCK_DEVICE, Behavior.DEFLATE_ALGORITHM, Behavior.ZSTD_ALGORITHM,
                Behavior.LONG_XATTR_PREFIXES, Behavior.INCOMPAT_CHECK_IN_READ_SUPERBLOCK,
                Behavior.XATTR_INIT_FUNCTION_RENAMED, Behavior.INLINE_ACROSS_BLOCKS_MESSAGE,
                Behavior.DAX_NOT_EXPERIMENTAL,
                Behavior.BDEV_LOOKUP_BEFORE_OPEN, Behavior.STATFS_FSID_FROM_UUID, Behavior.FILE_BACKED_MOUNTS,
                Behavior.FILEIO_REGULAR_FILE_CHECK, Behavior.QUIET_BDEV_LOOKUP, Behavior.FEATURE_NOTICES_DROPPED,
                Behavior.ZDATA_FOLIO_MESSAGES, Behavior.READMORE_ERRORS_SILENT, Behavior.LOOKBACK_DISTANCE_MESSAGE,
                Behavior.METABUF_BYTE_OFFSETS, Behavior.SUBPAGE_COMPRESSED_BLOCKS,
                Behavior.IOMAP_LARGE_FOLIOS, Behavior.COMPRESSED_LARGE_FOLIOS, Behavior.READ_FOLIO_DECODE_ERROR,
                Behavior.PRINTK_RECORD_MAX_1024, Behavior.PCLUSTER_SIZE_LIMITS);
        assertThat(added(Releases.linux_6_12_0(), Releases.linux_6_12_118())).containsExactlyInAnyOrder(
                Behavior.FILEIO_SUBPAGE_BLOCKSIZE, Behavior.DIRECTIO_OPTION, Behavior.EXTRA_BDEV_ENOTBLK_TO_EINVAL,
                Behavior.FILEIO_STACKING_REFUSAL, Behavior.FILEIO_SHORT_READ_EIO, Behavior.DIRENT_NAMEOFF_CHECKS,
                Behavior.ZMAP_NONHEAD_DELTA1_GRACEFUL, Behavior.ZMAP_COMPRESSEDLEN_REFINED,
                Behavior.ZMAP_TAIL_INLINE_SIMPLIFIED, Behavior.ZMAP_CLUSTERBITS_4BIT, Behavior.UNALIGNED_ENCODED_DATA,
                Behavior.ZMAP_INLINE_TAIL_SHIFTED, Behavior.ZMAP_COMPACT_CLUSTEROFS_CHECK,
                Behavior.ZMAP_FRAGMENT_NOT_ENCODED);
        assertThat(added(Releases.linux_6_18_44(), Releases.linux_7_2_13())).containsExactlyInAnyOrder(
                Behavior.FSCACHE_REMOVED, Behavior.FILEIO_SID_DEVNUM, Behavior.CACHE_STRATEGY_SHOWN_IF_COMPRESSED,
                Behavior.DEFLATE_NOT_EXPERIMENTAL, Behavior.DECOMPRESS_ERROR_FORMAT,
                Behavior.FILEIO_METADATA_BYTE_OFFSET, Behavior.PLAIN_COMPRESSED_SEPARATED,
                Behavior.ISHARE_XATTR_PREFIX_ID, Behavior.FAST_SYMLINK_LENGTH_CHECK, Behavior.ZMAP_HEAD_FORMAT_CHECK,
                Behavior.INODE_BLOCKS_HI, Behavior.LZ4_ERROR_STRINGS, Behavior.ZMAP_INLINE_TAIL_SHIFTED);
        assertThat(Releases.linux_7_3_0_rc7().behaviors()).doesNotContain(Behavior.FILEIO_METADATA_BYTE_OFFSET);
        assertThat(Releases.linux_7_3_0_rc7().toBuilder().with(Behavior.FILEIO_METADATA_BYTE_OFFSET).build().behaviors())
                .containsAll(Releases.linux_7_2_13().behaviors());
        // the oldest preset: the 6.1 line's backports alone, none of which 6.12.0 inherits
        assertThat(Releases.linux_6_1_192().behaviors()).containsExactlyInAnyOrderElementsOf(
                Releases.stableBackports("6.1").stream().map(Releases.StableBackport::behavior).toList());
        assertThat(Releases.linux_6_1_192().behaviors()).containsExactlyInAnyOrder(Behavior.ZMAP_NONHEAD_DELTA1_GRACEFUL,
                Behavior.DIRENT_NAMEOFF_CHECKS, Behavior.ZMAP_INLINE_TAIL_SHIFTED);
        assertThat(Releases.linux_6_12_0().behaviors()).doesNotContain(Behavior.ZMAP_NONHEAD_DELTA1_GRACEFUL,
                Behavior.DIRENT_NAMEOFF_CHECKS, Behavior.ZMAP_INLINE_TAIL_SHIFTED);
        // the spec's source commit (v6.13-rc4) has 0bc8061ffc73 (6.13-rc1)
        assertThat(added(Releases.linux_6_12_0(), Releases.linux_6_13_0_rc4())).containsExactlyInAnyOrder(
                Behavior.FILEIO_SUBPAGE_BLOCKSIZE, Behavior.DEVICE_LOG_PREFIX, Behavior.DIRECTIO_OPTION,
                Behavior.ZMAP_NONHEAD_DELTA1_GRACEFUL);
        // the DEFLATE and ZSTD symbols came after 6.1; Debian's 6.1 has no LZMA
        assertThat(Releases.linux_6_1_192().defaultConfig().get(ConfigFlag.EROFS_FS_ZIP_LZMA)).isFalse();
        assertThat(Releases.linux_6_1_192().defaultConfig().get(ConfigFlag.EROFS_FS_ZIP_ZSTD)).isFalse();
        assertThat(Releases.linux_6_12_0().defaultConfig().get(ConfigFlag.EROFS_FS_ZIP_ZSTD)).isTrue();
    }

    @Test
    void a612StableReleaseHasTheBackportsUpToIt() {
        // 6.12.118 is 6.12.0 plus every backport of the table
        assertThat(Releases.stableBackports("6.12")).extracting(Releases.StableBackport::behavior)
                .containsExactlyInAnyOrderElementsOf(added(Releases.linux_6_12_0(), Releases.linux_6_12_118()));
        // before the first backport: the 6.12.0 preset itself
        assertThat(Releases.resolve("6.12.1").profile()).isSameAs(Releases.linux_6_12_0());
        // the source-built kernels of the recipes: 6.12.107 has every backport but the 6.12.110 and 6.12.114 ones
        // (its fs/erofs super.c, fileio.c and dir.c are 6.12.118's; its zdata.c and zmap.c are older), under its own name
        Releases.Resolution r107 = Releases.resolve("6.12.107-erofssim-nofileio");
        assertThat(r107.profile().release()).isEqualTo("6.12.107");
        assertThat(r107.profile().behaviors()).isEqualTo(Releases.linux_6_12_118().toBuilder()
                .without(Behavior.UNALIGNED_ENCODED_DATA).without(Behavior.ZMAP_INLINE_TAIL_SHIFTED).build().behaviors());
        assertThat(r107.note()).contains("6.12.0 + the stable backports up to 6.12.107", "build -erofssim-nofileio");
        // a release resolves back to the same profile under its name (what written outcomes carry)
        assertThat(Releases.resolve(r107.profile().name()).profile()).isEqualTo(r107.profile());
        // each boundary: the release before lacks the change, the release has it
        for (Releases.StableBackport bp : Releases.stableBackports("6.12")) {
            assertThat(Releases.resolve("6.12." + (bp.patch() - 1)).profile().has(bp.behavior())).as(bp.toString()).isFalse();
            assertThat(Releases.resolve(bp.release()).profile().has(bp.behavior())).as(bp.toString()).isTrue();
        }
        // after the newest preset: that preset, as before
        assertThat(Releases.resolve("6.12.130").profile()).isSameAs(Releases.linux_6_12_118());
        // the states between backports the model lacks are named in the note
        assertThat(Releases.resolve("6.12.64").note()).contains("maximum fs stacking depth exceeded", "6.12.24");
        assertThat(Releases.resolve("6.12.90").note()).doesNotContain("6.12.24", "stacking depth");
        assertThat(Releases.all()).hasSize(7);
    }

    @Test
    void theDefaultStaysPut() {
        assertThat(Releases.DEFAULT).isSameAs(Releases.linux_6_18_44());
        assertThat(Releases.all()).hasSize(7);
    }

    private static Set<Behavior> added(KernelProfile older, KernelProfile newer) {
        assertThat(newer.behaviors()).containsAll(older.behaviors());
        EnumSet<Behavior> s = EnumSet.noneOf(Behavior.class);
        s.addAll(newer.behaviors());
        s.removeAll(older.behaviors());
        return s;
    }
}
