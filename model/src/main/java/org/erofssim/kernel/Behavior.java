package org.erofssim.kernel;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * One upstream change to the EROFS mount path, named for what a kernel that has it does
 * (positive polarity: "has commit X"). A {@link KernelProfile} is the set of these its release
 * has; the model asks {@code kernel.has(X)} at the sites listed under each constant, and at no
 * other place. Each constant has a regression test named after its commit (display name: hash
 * and title) that evaluates the same input on a preset with the change and on that preset
 * {@link KernelProfile.Builder#without without} it: mount-path changes in the test class
 * {@code org.erofssim.regressions.MountPathCommitsTest}, read-path changes next to the unit
 * tests of their site ({@code ReaddirTest}, {@code IgetTest}, {@code DataReaderTest},
 * {@code FiemapTest}, {@code ZMapBlocksTest}, {@code XattrPrefixesTest}).
 *
 * <p>Hashes are the 12-hex prefixes of torvalds/linux commits; "[unsure]" marks what could not
 * be established from a stored source (a hash, or which release first had the change).
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public enum Behavior {
    /**
     * aca740cecbe5 "fs: open block device after superblock creation" (VFS: Christoph Hellwig, applied by
     * Christian Brauner; 6.6-rc1: in the mainline revlist of the 6.6-rc1 merge window, and erofs mails date
     * its side effects "6.6"): {@code get_tree_bdev} first resolves the source with {@code lookup_bdev}, whose
     * failure logs {@code <src>: Can't lookup blockdev}, and opens the device only for a new superblock.
     * Without it one {@code blkdev_get_by_path} does both, and any failure (no such path, not a block device,
     * {@code nodev}, a read-only device opened for writing) logs {@code <src>: Can't open blockdev}
     * [obs-6.1.0-57]. It also made the new superblock the exclusive holder of its device; before, the holder
     * was the file-system type, as for the extra devices {@code erofs_init_device} opens, so a loop device
     * another erofs mount holds as its {@code device=} can be mounted (EBUSY after it) [obs-6.1.0-57 and
     * obs-6.12.118: fuzz seed 15 case 726, session 10]. Sites: {@code GetTree.getTreeBdev}.
     */
    BDEV_LOOKUP_BEFORE_OPEN,
    /**
     * 1872df8dcd87 "erofs: derive fsid from on-disk UUID for .statfs() if possible" (Hongzhen Luo;
     * 6.10-rc1, the pull erofs-for-6.10-rc1): {@code f_fsid} from the on-disk UUID
     * ({@code uuid_to_fsid}), the device number only for a null UUID. Without it {@code f_fsid}
     * is always {@code huge_encode_dev} of the block device
     * [obs-6.1.0-57: {@code 00000700:00000000} for loop0 with a non-null UUID].
     * Sites: {@code StatfsModel}.
     */
    STATFS_FSID_FROM_UUID,
    /**
     * fb176750266a "erofs: add file-backed mount support" (6.12-rc1): with
     * {@code EROFS_FS_BACKED_BY_FILE} a source that is no block device is opened as a file and
     * mounted through its page cache. Without it the Kconfig symbol does not exist (the
     * profile's BACKED_BY_FILE counts as n whatever a scenario sets) and every source goes to
     * {@code get_tree_bdev}: a regular file fails with ENOTBLK [obs-6.1.0-57; containerd's EROFS
     * snapshotter relies on that ENOTBLK to retry with a loop device].
     * Sites: {@link KernelConfig#enabled}.
     */
    FILE_BACKED_MOUNTS,
    /**
     * ffa09b3bd024 "erofs: DEFLATE compression support" (Gao Xiang; 6.6-rc1: the 6.6-rc1 mainline revlist, and
     * later {@code Fixes:} tags with {@code stable 6.6+}; session 13's subject "add DEFLATE algorithm support"
     * was not the upstream one): algorithm 2 and its Kconfig symbol {@code EROFS_FS_ZIP_DEFLATE}. Without it
     * bit 2 of {@code available_compr_algs} is unknown: {@code unidentified algorithms 4, please upgrade
     * kernel}, EOPNOTSUPP [obs-6.1.0-57]; and {@code Z_EROFS_COMPRESSION_MAX} is 2, so a map header naming
     * algorithm 2 is {@code unknown HEAD1 format 2 for nid N, please upgrade kernel}, EOPNOTSUPP
     * [obs-6.1.0-57: crafted/deflate.erofs with feature_incompat 0, fuzz seed 15, session 10]. Sites: {@code
     * CompressionConfigs}, {@code ZMapLegacy.checkHeadAlgorithms}, {@link KernelConfig#enabled}.
     */
    DEFLATE_ALGORITHM,
    /**
     * 7c35de4df105 "erofs: Zstandard compression support" (6.10-rc1: the head of the pull erofs-for-6.10-rc1):
     * algorithm 3 and {@code EROFS_FS_ZIP_ZSTD}. Without it: {@code unidentified algorithms 8, please upgrade
     * kernel} [obs-6.1.0-57]. Sites: {@code CompressionConfigs}, {@code ZMapLegacy.checkHeadAlgorithms}
     * ({@code Z_EROFS_COMPRESSION_MAX} 4), {@link KernelConfig#enabled}.
     */
    ZSTD_ALGORITHM,
    /**
     * 8b465fecc35a "erofs: support flattened block device for multi-blob images" (Jia Zhu; 6.4-rc1, the pull
     * erofs-for-6.4-rc1, not 6.3-rc1 as noted before): with no {@code device=} option outside fscache mode,
     * the extra devices of the table are ranges of the primary device (flat mode). A slot's tag may be empty
     * only from f939aeea7ab7 "erofs: allow empty device tags in flatdev mode" (Jingbo Xu, {@code Fixes:
     * 8b465fecc35a}; 6.6-rc5, the pull erofs-for-6.6-rc5-fixes; in 6.5.7): two steps, which no preset tells
     * apart (6.1 has neither, 6.12.0 both). Without it every slot names a device by its tag, an empty tag
     * fails with EINVAL and {@code empty device tag @ pos N} [obs-6.1.0-57]. Sites: {@code DeviceScan.scan}.
     */
    FLATTENED_BLOCK_DEVICE,
    /**
     * 6a318ccd7e08 "erofs: enable long extended attribute name prefixes" (Jingbo Xu; 6.4-rc1, the last of the
     * long-prefix series in the pull erofs-for-6.4-rc1): incompat 0x40 ({@code XATTR_PREFIXES}) and the
     * superblock's {@code xattr_prefix_start}/{@code xattr_prefix_count}. Without it bit 0x40 is an unknown
     * incompatible feature, the two fields are reserved bytes, and an entry whose name index has bit 7 set has
     * no handler and is left out [obs-6.1.0-57]. Sites: {@link KernelProfile#supportedIncompat}, {@code
     * ReadSuperblock}.
     */
    LONG_XATTR_PREFIXES,
    /**
     * 2c534624ae70 "erofs: get rid of check_layout_compatibility()" (Hongzhen Luo; 6.11-rc5, the
     * pull "erofs fixes for 6.11-rc5"): the check folded into {@code erofs_read_superblock}, whose
     * unknown-feature line then ends {@code please upgrade kernel} instead of {@code please
     * upgrade kernel version} (function names show only in the pre-6.13 log format)
     * [obs-6.1.0-57; the 6.1.0-57 erofs.ko holds the {@code kernel version} string, the
     * 6.12.118 one the other]. Sites: {@code ReadSuperblock}.
     */
    INCOMPAT_CHECK_IN_READ_SUPERBLOCK,
    /**
     * 6020ffe76d11 "erofs: rename init_inode_xattrs with erofs_ prefix" (Jingbo Xu; 6.4-rc1, the pull
     * erofs-for-6.4-rc1): the function name in pre-6.13 log lines [obs-6.1.0-57: {@code init_inode_xattrs:
     * xattr_isize 12 ...}]. Sites: {@code Xattrs}.
     */
    XATTR_INIT_FUNCTION_RENAMED,
    /**
     * 8bdb6a8393dc "erofs: simplify erofs_map_blocks_flatmode()" (Hongzhen Luo, September 2024; 6.12-rc1, the
     * erofs pull for 6.12-rc1; the hash the revlists carry together with 2349d2fa02db, after the erofs tree
     * rewrote the commits above it): {@code erofs_map_blocks_flatmode}'s error reworded from {@code inline
     * data cross block boundary @ nid N} to {@code inline data across blocks @ nid N} [obs-6.1.0-57]. Sites:
     * {@code MapBlocks}.
     */
    INLINE_ACROSS_BLOCKS_MESSAGE,
    /**
     * a97b59ed7968 "erofs: drop experimental warning for FSDAX" (Gao Xiang; 6.9-rc2, the pull
     * erofs-for-6.9-rc2-fixes): before it, a {@code dax} option logs {@code erofs: DAX enabled. Warning: EXPERIMENTAL,
     * use at your own risk} when parsed [obs-6.1.0-57]. Sites: {@code MountOptionParser}.
     */
    DAX_NOT_EXPERIMENTAL,
    /**
     * 416a8b2c02fe "erofs: ensure regular inodes for file-backed mounts" (Fixes fb176750266a, syzbot
     * 001306cd9c92; 6.12-rc4, the pull erofs-for-6.12-rc4-fixes): the primary must be a regular file whose
     * mapping has {@code read_folio}, else ENOTBLK; a fileio extra device must be a regular file, else EINVAL.
     * Without it any opened path became a fileio mount. Sites: {@code GetTree.getTree} (twice), {@code
     * DeviceScan.openFile}.
     */
    FILEIO_REGULAR_FILE_CHECK,
    /**
     * 14c2d97265ea "erofs: use get_tree_bdev_flags() to avoid misleading messages" (6.12-rc,
     * via vfs.fixes): {@code get_tree_bdev_flags(..., GET_TREE_BDEV_QUIET_LOOKUP)} when
     * BACKED_BY_FILE, so a file source does not log {@code Can't lookup blockdev}.
     * Sites: {@code GetTree}.
     */
    QUIET_BDEV_LOOKUP,
    /**
     * bae085416093 "erofs: fix blksize < PAGE_SIZE for file-backed mounts" (6.13-rc1, 6.12.2;
     * CVE-2024-56750): a fileio mount with a block size below PAGE_SIZE sets {@code s_blocksize}
     * directly. Without it {@code sb_set_blocksize} touches the missing block device and the
     * kernel crashes. Sites: {@code FillSuper}.
     */
    FILEIO_SUBPAGE_BLOCKSIZE,
    /**
     * 90655ee279b2 "erofs: simplify definition of the log functions" (6.13-rc1): log lines read
     * {@code erofs (device X): msg}. Without it errors read
     * {@code erofs: (device X): function: msg} and info {@code erofs: (device X): msg}.
     * Sites: {@code SbLog}.
     */
    DEVICE_LOG_PREFIX,
    /**
     * 6422cde1b0d5 "erofs: use buffered I/O for file-backed mounts by default" (6.13-rc4,
     * 6.12.7): file-backed data reads go through the backing file's page cache unless the new
     * {@code directio} option asks for direct I/O; the option is parsed and shown in mountinfo.
     * Without it the option is unknown and fileio data reads use direct I/O whenever the backing
     * file allows it. Sites: {@code DataReader} (constructor), {@code MountOptionParser},
     * {@code ShowOptions}.
     */
    DIRECTIO_OPTION,
    /**
     * 579450277780 "erofs: allow 16-byte volume name again" (the parent of b7710262d743; 6.15-rc1, the pull
     * erofs-for-6.15-rc1; in no 6.12.y up to 6.12.118 per Debian's changelog): a volume name filling all 16
     * bytes without a NUL mounts. Without it such a name fails with EUCLEAN and {@code bad volume name without
     * NIL terminator}. Sites: {@code ReadSuperblock}, {@code ImageInspector} (harness).
     */
    VOLUME_NAME_16_BYTES,
    /**
     * The 48-bit layout series, from 61ba89b57905 "erofs: add 48-bit block addressing on-disk support"
     * (6.15-rc1) to 0f24e3c05afe "erofs: enable 48-bit layout support", the head of the pull
     * erofs-for-6.15-rc1, which adds incompat 0x80 to {@code EROFS_ALL_FEATURE_INCOMPAT}: incompat 0x80,
     * {@code rootnid_8b}, {@code blocks_hi}, the epoch and compact {@code i_mtime}, the {@code NLINK_1}
     * i_format bit. Sites: {@link KernelProfile#supportedIncompat}, {@code ReadSuperblock}, {@code Iget}
     * (i_format bits), {@code ImageInspector} (harness).
     */
    LAYOUT_48BIT,
    /**
     * 2e1473d5195f "erofs: implement 48-bit block addressing for unencoded inodes" (Gao Xiang;
     * 6.15-rc1, the erofs pull for 6.15-rc1; also {@link #INODE_BLOCK_ADDR_64BIT}): {@code
     * erofs_readdir}'s read error reworded from {@code fail to readdir of logical block} to
     * {@code failed to readdir of logical block}, the block now 64-bit. Sites: {@code Readdir}.
     */
    READDIR_FAILED_MESSAGE,
    /**
     * 8e49c33d0435 "erofs: get rid of erofs_map_blocks_flatmode()" (Gao Xiang; 6.15-rc1, the first
     * of the 48-bit series in the erofs pull for 6.15-rc1): the {@code inline data across blocks}
     * error names {@code erofs_map_blocks}. Without it
     * the line names {@code erofs_map_blocks_flatmode}. Sites: {@code MapBlocks}.
     */
    MAP_BLOCKS_FLATMODE_MERGED,
    /**
     * c36ec00d7f67 "erofs: add 'fsoffset' mount option to specify filesystem offset"
     * (6.16-rc1). Sites: {@code MountOptionParser}, {@code ShowOptions}, {@code FillSuper},
     * {@code MetaBuf}, {@code MapDev}, {@code DataReader.iomapMetaOffset}.
     */
    FSOFFSET_OPTION,
    /**
     * 9748f2f54f66 "erofs: avoid using multiple devices with different type" (Sheng Yong, 2025-05; 6.16-rc1:
     * CVE-2025-38172 has 6.15 affected up to 6.15.3; in 6.12.34; the hash a stable review's "Upstream commit"
     * names): ENOTBLK from opening an extra block device becomes EINVAL. Without it ENOTBLK leaks out of
     * fill_super and get_tree takes the file-backed fallback on a freed superblock info (use-after-free).
     * Sites: {@code DeviceScan}.
     */
    EXTRA_BDEV_ENOTBLK_TO_EINVAL,
    /**
     * 414091322c63 "erofs: implement metadata compression" (6.17-rc1, after 681acbda3a6d "erofs:
     * add on-disk definition for metadata compression"): incompat 0x100, {@code metabox_nid}
     * (extslot required), nid bit 63 reads from the metabox inode, the packed and metabox inodes
     * are read before the root, and an inline tail is read at {@code m_pa} through the
     * metabox-aware metabuf. Sites: {@link KernelProfile#supportedIncompat},
     * {@code ReadSuperblock} (twice), {@code FillSuper}, {@code Iget} (nid bit 63),
     * {@code XattrPrefixes}, {@code DataReader.iomapMetaOffset}, {@code ImageInspector}
     * (harness). Which of these the preparatory commits of that series made is [unsure].
     */
    METABOX,
    /**
     * 5e744cb61536 "erofs: remove need_kmap in erofs_read_metabuf()" (Gao Xiang; 6.17-rc1, the erofs
     * pull for 6.17-rc1): {@code erofs_read_inode}'s read error reads {@code failed to read inode
     * meta block (nid: N): -E} (previously {@code failed to get inode (nid: N) page, err -E}).
     * Sites: {@code Iget}.
     */
    READ_INODE_MESSAGE,
    /**
     * {@code erofs_iomap_begin} sets {@code iomap->addr} for an inline tail too and FIEMAP no longer reads the
     * tail's metadata block: an inline extent is reported at its metadata position, and an unreadable tail
     * block does not end the extent list. Without it the extent is at physical 0 and the block is read.
     * f768685427c0 "erofs: refine erofs_iomap_begin()" (Gao Xiang; 6.17-rc1, the erofs pull for 6.17-rc1) sets
     * the address; FIEMAP stops reading the tail upstream only with 8d407bb32186 "erofs: hold read context in
     * iomap_iter if needed" (Hongbo Li; 7.0-rc1, through the vfs tree), so 6.18.44 [obs] would need it
     * backported [unsure: no stable review of it is stored]. Sites: {@code Fiemap}.
     */
    IOMAP_INLINE_ADDR,
    /**
     * 1fcf686def19 "erofs: fix long xattr name prefix placement" (Fixes 414091322c63; 6.17-rc6, the head of
     * erofs-for-6.17-rc6-fixes, so in every 6.18): {@code erofs_xattr_prefixes_init} reads the table from the
     * metadata area when {@code COMPAT_PLAIN_XATTR_PFX} is set, else from the metabox inode (with {@link
     * #METABOX}), else the packed inode, else the metadata area. Without it: the packed inode when there is
     * one, else the metadata area [obs-6.18.44: an image with both a packed inode and PLAIN_XATTR_PFX takes
     * its prefixes from the metadata area]. Sites: {@code XattrPrefixes}.
     */
    XATTR_PREFIX_PLACEMENT,
    /**
     * c6993c4cb918 "erofs: Fallback to normal access if DAX is not supported on extra device"
     * (Aug 2025, 6.17-rc; in 6.18.44 [obs]): the DAX check moves into the device scan, checks
     * every device and logs at info level. Sites: {@code FillSuper}, {@code DeviceScan}.
     */
    DAX_CHECK_IN_DEVICE_SCAN,
    /**
     * 072a7c7cdbea "erofs: don't bother with s_stack_depth increasing for now" and 7893cc12251f "erofs: fix
     * file-backed mounts no longer working on EROFS partitions", which looks at the backing superblock's
     * {@code s_bdev} (6.19-rc, after -rc4; both in 6.12.66 and in the 6.18 stable review of January 2026; in
     * 6.18.44 [obs]): a file-backed mount whose backing file lives on a file-backed/fscache erofs or on a
     * stacked fs fails with ENOTBLK and {@code file-backed mounts cannot be applied to stacked fses}. Sites:
     * {@code FillSuper}.
     */
    FILEIO_STACKING_REFUSAL,
    /**
     * eade54040384 "erofs: set fileio bio failed in short read case" (7.0-rc6, Cc stable; in
     * 6.18.44 [obs]): any short file-backed read fails the folio with EIO instead of
     * zero-filling the rest. Sites: {@code DataReader} (fileio completion), {@code ZReader}.
     */
    FILEIO_SHORT_READ_EIO,
    /**
     * d18a3b5d337f "erofs: fix the out-of-bounds nameoff handling for trailing dirents" (April 2026; 7.1-rc,
     * and 6.1.175, 6.12.86, 6.18.27, 7.0.4 by CVE-2026-46078's ranges; 6.18.44 [obs]; 6.1.192 [obs-6.1.0-57:
     * plain.erofs, bdev, de[0].nameoff 13, session 15]): {@code de[0].nameoff} must also be a multiple of
     * 12, a trailing dirent whose {@code nameoff} is at or past the block's valid bytes is bogus, and a name
     * length must lie in 1..255 [obs-6.18.44: {@code invalid de[0].nameoff 13}]. Sites: {@code Readdir}.
     */
    DIRENT_NAMEOFF_CHECKS,
    /**
     * The rest of the 6.15-6.18 compressed-map rework as one switch (hashes [unsure]): encoded extents,
     * {@code z_erofs_map_sanity_check}, the "ztailpacking inline data across blocks" and lookback checks
     * of 2a13fc417f49 [obs-6.18.44: {@code bogus lookback distance 1 @ lcn 0}]; the pieces 6.12.y took
     * are the four constants below (docs/zmap-6.12.md). Sites: {@code ZMapAlgorithm.of}, {@code
     * ZReader.pclusterBegin}.
     */
    ZMAP_REWORK,
    /** 0bc8061ffc73 "erofs: handle NONHEAD !delta[1] lclusters gracefully" (6.13-rc1; 6.12.2, 6.1.127): compact lclusters
     * over 16 KiB EINVAL, a zero delta[1] read as 1 [obs-6.12.107/118 backports/zmap-clusterbits3]. docs/zmap-6.12.md. */
    ZMAP_NONHEAD_DELTA1_GRACEFUL,
    /** 8f9530aeeb4f "erofs: refine z_erofs_get_extent_compressedlen()" (6.14-rc1; 6.12.41): a missing CBLKCNT
     * means one block [unsure: source only]. Sites: {@code ZMapLegacy.compressedLen}; docs/zmap-6.12.md. */
    ZMAP_COMPRESSEDLEN_REFINED,
    /** b7710262d743 "erofs: simplify tail inline pcluster handling" with 540787d38b10 (6.15-rc1; 6.12.41): tail
     * inline iff h_idata_size != 0, checked per map [obs-6.12.107/118 backports/zmap-tail-idata4040]. docs/zmap-6.12.md. */
    ZMAP_TAIL_INLINE_SIMPLIFIED,
    /** efb2aef569b3 "erofs: add encoded extent on-disk definition" (6.15-rc1; 6.12.91): 4 bits of h_clusterbits
     * count [obs-6.12.107/118 backports/zmap-clusterbits8: EINVAL, 6.1: reads]. docs/zmap-6.12.md. */
    ZMAP_CLUSTERBITS_4BIT,
    /** 862427ebb81d "erofs: fix interlaced ztailpacking pclusters" (7.3-rc1; 6.1.191, 6.12.114, 6.18.52, 7.2.6): an inline
     * plain tail is SHIFTED, never INTERLACED [obs backports/zmap-interlaced-tail]. Sites: {@code ZMapBlocks}; docs/zmap-6.12.md. */
    ZMAP_INLINE_TAIL_SHIFTED,
    /** e13d315ae077 "erofs: avoid infinite loops due to corrupted subpage compact indexes" (6.18-rc3; 6.12.91): a compact
     * HEAD clusterofs past a sub-page lcluster is EUCLEAN [obs backports/zmap-b1024-clusterofs]. Sites: {@code ZMapBlocks.load}. */
    ZMAP_COMPACT_CLUSTEROFS_CHECK,
    /** b44686c8391b "erofs: fix large fragment handling" (6.16-rc6; 6.12.41): a fragment map is MAPPED|FRAGMENT, not ENCODED, so a
     * tail fragment over 12 MiB reads [obs backports/fragment-large-tail]. Sites: {@code ZMapLegacy}; docs/zmap-6.12.md. */
    ZMAP_FRAGMENT_NOT_ENCODED,
    /** 7c3ca1838a78 "erofs: restrict pcluster size limitations" (6.12-rc1; not in 6.1.192): an ENCODED map over 1 MiB encoded or
     * 12 MiB decoded is EOPNOTSUPP [obs-6.1.0-57 backports/fragment-large-tail: reads]. Sites: {@code ZMapLegacy.mapIter}. */
    PCLUSTER_SIZE_LIMITS,
    /**
     * c37460cd9b2f "erofs: remove fscache backend entirely" (Gao Xiang; 7.2-rc1, the pull
     * erofs-for-7.2-rc1; in 7.2.13 [obs]):
     * {@code fsid} is no parameter any more ({@code erofs: Unknown parameter 'fsid'}, EINVAL),
     * {@code EROFS_FS_ONDEMAND} does not exist (counts as n), and {@code domain_id} is taken
     * silently (it now names a page-cache sharing domain, not modelled further) [obs-7.2.13,
     * obs-7.3]. Sites: {@link KernelConfig#enabled}, {@code MountOptionParser} (table, DOMAIN_ID).
     */
    FSCACHE_REMOVED,
    /**
     * A file-backed superblock's {@code s_id} (and so the {@code (device X)} of its log lines and its {@code
     * /sys/fs/erofs} entry) is its anonymous device number {@code MAJ:MIN} instead of {@code erofs} and {@code
     * erofs-N}: "erofs: use more informative s_id for file-backed mounts" (Gao Xiang, June 2026, erofs fixes
     * after 7.2-rc1): 4698de5b9c12, the hash in an August revlist of a branch on mainline (1006b2f57f77 was
     * the erofs fixes branch's before a rebase) [obs-7.2.13: {@code erofs (device 0:N): mounted with root
     * inode @ nid 37.}]. The contract writes it {@code 0:*}, as it writes the anonymous {@code dev}. The
     * rename comes after the stacking refusal, which still names {@code erofs} [obs-7.2.13]. Sites: {@code
     * FillSuper.fill}, {@code GetTree.sysfsName}.
     */
    FILEIO_SID_DEVNUM,
    /**
     * {@code erofs_show_options} writes {@code cache_strategy=} only for an image that can hold compressed
     * data: "erofs: hide "cache_strategy=" for plain filesystems" (Gao Xiang, July 2026, erofs fixes after
     * 7.2-rc3): 0bca088f6b08, in that revlist (1572282de6d3 was a dev-test head) [obs-7.2.13: {@code
     * ro,user_xattr,acl} for an uncompressed image]. The kernel tests a non-zero {@code available_compr_algs};
     * the model, without {@link #PLAIN_COMPRESSED_SEPARATED} (7.0, so never without it on a kernel with this
     * commit), the incompat bits; with {@link #PLAIN_COMPRESSED_SEPARATED}, an available algorithm (a non-zero
     * {@code lz4_max_distance} counts) [obs-7.3-amd64: fuzz seed 15 cases 333 and 1102, session 10]. Sites:
     * {@code ShowOptions}, {@code Describe}.
     */
    CACHE_STRATEGY_SHOWN_IF_COMPRESSED,
    /**
     * EROFS parses {@code source} itself as a non-empty string parameter (commit [unsure]: not in
     * the stored mails and revlists, likely the 7.3 merge window; in 7.3-rc7 [obs], not 7.2.13):
     * an empty source fails with EINVAL and
     * {@code erofs: Bad value for 'source'} before {@code get_tree}. Without it the VFS takes
     * the empty source and {@code get_tree} fails on it. Sites: {@code MountOptionParser}.
     */
    SOURCE_PARAMETER,
    /**
     * The fold of {@code erofs_fill_dentries} into {@code erofs_readdir} (commit [unsure], after
     * 6.12; in 6.18.44): the function name of {@code bogus dirent @ nid N} in the pre-6.13 log
     * format [obs-6.12.118: {@code erofs_fill_dentries: bogus dirent}]. No such commit upstream:
     * d18a3b5d337f (April 2026) still edits that line inside {@code erofs_fill_dentries}; the
     * name shows only before 6.13's log format, so no preset can tell. Sites: {@code Readdir}.
     */
    FILL_DENTRIES_FOLDED,
    /**
     * 65d1f5507ed2 "zstd: Import upstream v1.5.7" (lib/zstd, Nick Terrell; 6.15-rc1, the head of
     * zstd-linus-v6.15-rc1; in 6.18.44): the library's error strings, e.g. {@code Data corruption detected}
     * where 1.5.6 said {@code Corrupted block detected} [obs-6.12.118]. Only that string is mapped back.
     * Sites: {@code ZstdDecompressor}.
     */
    ZSTD_1_5_7_ERROR_STRINGS,
    /**
     * 8f2fb72fd17e "erofs: update compression algorithm status" (Gao Xiang; 7.0-rc1, the pull
     * erofs-for-7.0-rc1; in 7.2.13 and 7.3 [obs]): {@code z_erofs_load_deflate_config} no longer
     * logs {@code EXPERIMENTAL DEFLATE feature in use. Use at your own risk!}.
     * Sites: {@code CompressionConfigs}.
     */
    DEFLATE_NOT_EXPERIMENTAL,
    /**
     * File-backed metadata reads that the backing file does not fill fail with EIO instead of
     * reading zeros past its end (commit [unsure]; in 7.3, not in 7.2.13 or 6.18.44 [obs-7.3: a
     * 512-byte or empty file gives {@code cannot read erofs superblock} and EIO, a root nid past
     * the end {@code failed to read inode meta block (nid: 65535): -5}; the recordings of
     * {@code superblock/truncated-512} on 7.2.13 and 6.18.44 answer {@code cannot find valid erofs
     * superblock}, EINVAL]). The model's unit is the 4 KiB metadata page [unsure: the kernel's
     * read size]. Not bc804a8d7e86 (7.0), which handles the end of file for data reads.
     * Sites: {@code MetaBuf.page}.
     */
    FILEIO_METADATA_SHORT_READ_EIO,
    /**
     * One {@code failed to decompress} line for the DEFLATE, LZMA and Zstandard decompressors:
     * {@code failed to decompress (<alg>) <reason> @ pa <pa> size <inputsize> => <outputsize>},
     * the reason {@code corrupted compressed data} or Zstandard's error name: 831faabed812 "erofs:
     * improve decompression error reporting" (Gao Xiang; 6.19-rc1, the pull erofs-for-6.19-rc1,
     * with "erofs: improve Zstd, LZMA and DEFLATE error strings") [obs-7.2.13, obs-7.3]. Without
     * it each decompressor prints its own form with the
     * remaining input and output. LZ4 joined it in 7.0 ({@link #LZ4_ERROR_STRINGS}).
     * Sites: {@code ZDecompress.failedToDecompress}.
     */
    DECOMPRESS_ERROR_FORMAT,
    /**
     * File-backed metadata read at the exact byte {@code fsoffset + offset} rather than in the
     * page that holds it, so a misaligned {@code fsoffset} misses the superblock before the
     * alignment check runs [obs-7.2.13 options/fsoffset-misaligned: {@code cannot find valid
     * erofs superblock}, EINVAL; 6.18.44 and 7.3-rc7 print {@code fsoffset 100 is not aligned to
     * block size 4096}]. Commit and mechanism [unsure]: 7.3-rc7 reads such metadata through
     * {@link #FILEIO_METADATA_MANAGED_CACHE} instead (which explains its alignment line for 100
     * and its 7.2.13-like answer for 512), so the 7.3 preset removes this one. Sites:
     * {@code MetaBuf.page}.
     */
    FILEIO_METADATA_BYTE_OFFSET,
    /**
     * "mm/readahead: honour new_order in page_cache_ra_order()" (Ryan Roberts, mm; 6.17-rc1, the series
     * "Readahead tweaks for larger folios" in "MM updates for 6.17-rc1"; mainline hash [unsure]: only rebased
     * mm-unstable hashes are stored; in 6.18.44 [obs]): a cold synchronous readahead builds order-0 folios.
     * Without it (6.12.118, read in its mm/readahead.c) {@code page_cache_ra_order} adds 2 to the order it is
     * given, so the first readahead of a file whose mapping supports large folios (erofs sets {@code
     * mapping_set_large_folios} on every inode) builds order-2 folios, smaller where the index is not aligned
     * or the folio would reach past the window's last page or EOF [obs-6.12.118: a 3-page file whose pages all
     * fail logs {@code readahead error at folio 0} and {@code folio 2}, an order-1 and an order-0 folio; a
     * 2-page file whose second page fails returns no byte; in bdev mode too, where iomap's readahead allocates
     * through the same function: {@code /f4097} of {@code crafted/twodev.erofs} as a loop device without
     * {@code device=} (flat mode, its second block unreadable) reads no byte on 6.12.118, 4096 on 6.18.44,
     * fuzz seed 15 VM run of session 10]. Sites: {@code PlainReader.readahead} (fileio and bdev modes).
     */
    READAHEAD_HONOURS_NEW_ORDER,
    /**
     * 35224da7e30b "mm/filemap: skip non-uptodate folio if there are available folios" (Chi Zhiling,
     * mm; 6.18-rc1): {@code filemap_get_pages} drops a not-uptodate last folio of a batch of more than
     * one without {@code filemap_update_page}, so a failing read_folio runs once less per read(2) call
     * that copied pages before it (6.1, 6.12: once more; plain and compressed files alike; evidence in
     * docs/zmap-6.12.md, "The read path"). Sites: {@code PlainReader.readFile}, {@code FilemapRead}.
     */
    FILEMAP_READ_STOPS_AT_FAILED_FOLIO,
    /**
     * 334c0e493c2a "erofs: avoid reading more for fragment maps" (Gao Xiang, 6.18-rc1: the erofs
     * pull for 6.18-rc1; a syzbot report of read-more running for an overly long time on a crafted
     * fragment extent): {@code z_erofs_pcluster_readmore} returns at once for a map without
     * {@code EROFS_MAP_ENCODED} (a fragment extent, a hole), in both its backmost step (no
     * {@code readahead_expand} to the extent's end) and its trailing step (no folios grabbed
     * before the requested one). Without it (6.12.118's zdata.c) only a mapping error or an
     * empty extent stops it, so a fragment extent as long as {@code i_size} expands a readahead
     * window to the whole file [fuzz seed 42 case 59806: {@code modern/fragments.erofs} with an
     * i_size of 64 MiB]. Sites: {@code ZReader.readmore}.
     */
    READMORE_ENCODED_ONLY,
    /**
     * 803d09a55405 "erofs: handle 48-bit blocks_hi for compressed inodes" (Zhan Xusheng, 7.2-rc1:
     * the last commit of the pull "erofs updates for 7.2-rc1"; whether this commit also made the
     * shift 64-bit for images without the 48-bit layout, which 7.2.13 shows, is [unsure]): a
     * compressed inode's {@code i_blocks} is its block count widened with {@code i_nb.blocks_hi}
     * (48-bit layouts) and shifted to 512-byte units in 64 bits, where 6.1-6.18 shift the 32-bit
     * {@code blocks_lo} in 32 bits (a count of 0xffffffff: 4294967288 there) [obs-7.3-amd64 fuzz
     * seed 15, session 8: 68719476728 for blocks_hi 1, blocks_lo 0xffffffff; obs-6.18.44 and
     * obs-6.12.118: 4294967288]. In 7.2.13 too [obs-7.2.13+deb14-amd64, session 10: 34359738360
     * for blocks_lo 0xffffffff of a non-48-bit compressed inode, fuzz seed 15 case 1472; the
     * blocks_hi part not observed there]. Sites: {@code Iget}.
     */
    INODE_BLOCKS_HI,
    /**
     * 7361d1e3763b "erofs: support unaligned encoded data" (Gao Xiang, 6.15-rc1; the hash as a later
     * {@code Fixes:} tag names it; backported to the 6.12 stable line in 6.12.110 per Debian's
     * changelog of 6.12.118, whose zdata.c has it and 6.12.107's has not): a pcluster is keyed by its byte position, and
     * {@code z_erofs_register_pcluster} no longer refuses, with a silent EFSCORRUPTED, a
     * non-inline pcluster in block 0 or a map without {@code EROFS_MAP_ENCODED}. A compressed
     * inode whose map header and index read as zeros (a plain pcluster at block 0) then reads the
     * image's first bytes [obs-6.18.44: {@code modern/fragments.erofs} with byte[22083]=0x02, the
     * xattr count of {@code /many/entry-39} moved its index into zeros: 9 zero bytes read, where
     * the model answered EUCLEAN]. Sites: {@code ZReader.pclusterBegin}.
     */
    UNALIGNED_ENCODED_DATA,
    /**
     * 12c2987e896b "erofs: don't warn ztailpacking feature anymore" (Yue Hu; 6.4-rc1, the erofs
     * pull for 6.4-rc1) and 5ec693ca70dd "erofs: don't warn dedupe and fragments features anymore"
     * (sunshijie; 6.6-rc1): the {@code erofs_read_superblock} notices of three features dropped.
     * Without it (6.1),
     * after the device scan, {@code EXPERIMENTAL compressed inline data feature in use. Use at
     * your own risk!} for ztailpacking (incompat 0x10), then (after the fscache line)
     * {@code EXPERIMENTAL compressed fragments feature in use...} and {@code EXPERIMENTAL global
     * deduplication feature in use...}, both for incompat 0x20, the bit fragments and dedupe
     * share [obs-6.1.0-57-amd64: fuzz seed 15 VM run of session 9, ztailpacking.erofs and
     * modern/fragments.erofs as loop devices]. Sites: {@code ReadSuperblock}.
     */
    FEATURE_NOTICES_DROPPED,
    /**
     * 491b1105a8e2 "erofs: adapt folios for z_erofs_readahead()" (Gao Xiang; 6.6-rc1, the erofs pull for
     * 6.6-rc1; the read_folio line from e3157bb55d3e "erofs: refine warning messages for zdata I/Os" (Ferry
     * Meng, same pull), not c33ad3b2b710, which leaves it and is in 6.1.146): the compressed read errors
     * worded for folios: {@code z_erofs_readahead}'s {@code readahead error at folio N @ nid M} (6.1: {@code
     * at page N}) and {@code z_erofs_read_folio}'s {@code read error -E @ N of nid M} (6.1: {@code failed to
     * read, err [-E]}) [obs-6.1.0-57-amd64: fuzz seed 15 VM run of session 9; 6.12.118's zdata.c has the folio
     * wording]. Sites: {@code ZReader}.
     */
    ZDATA_FOLIO_MESSAGES,
    /**
     * e3157bb55d3e "erofs: refine warning messages for zdata I/Os" (6.6-rc1): {@code
     * z_erofs_pcluster_readmore} no longer logs {@code readmore error at page N @ nid M} for a grabbed
     * page whose scan fails. Evidence: docs/readmore-6.1.md. Sites: {@code ZReader.readmore}.
     */
    READMORE_ERRORS_SILENT,
    /**
     * 8241fdd3cdfe "erofs: clean up zmap.c" (Gao Xiang; 6.5-rc1, the last commit of the pull
     * erofs-for-6.5-rc1): {@code z_erofs_extent_lookback}'s error names the distance and lcluster:
     * {@code bogus lookback distance D @ lcn L of nid N}, where 6.1 logs
     * {@code bogus lookback distance @ nid N} [obs-6.1.0-57-amd64: fuzz seed 15 case 41, session
     * 9 VM run: lz4.erofs with incompat 9 and bytes 28168-28169 = 00 28]. Sites: {@code ZMapBlocks}.
     */
    LOOKBACK_DISTANCE_MESSAGE,
    /**
     * 4afe6b8d21e5 "erofs: don't round offset down for erofs_read_metabuf()" (Al Viro, 6.10-rc1, the
     * last of a series): metadata is read at its 64-bit byte position; before it a block number of
     * 32 bits wrapped at 2^32 blocks, so a dirent nid with its high bits set reads the slot, inline
     * data and xattrs of the nid its low bits name [obs-6.1.0-57, obs-6.12.118] [unsure which of the
     * series changed the xattr reads]. Evidence: {@code docs/behavior-evidence.md}. Sites: {@code MetaBuf.page}.
     */
    METABUF_BYTE_OFFSETS,
    /**
     * 2e1473d5195f "erofs: implement 48-bit block addressing for unencoded inodes" (Gao Xiang,
     * 6.15-rc1): {@code erofs_blk_t} becomes a u64. Before it {@code erofs_read_inode} took its
     * block as {@code erofs_blknr(sb, erofs_iloc(inode))}, a u32, so a nid whose slot lies at or
     * past 2^32 blocks reads the slot of the nid its low bits name (and, straddling a block, the
     * next u32 block), while every other {@code erofs_iloc} user reads at the 64-bit position
     * ({@link #METABUF_BYTE_OFFSETS}). 6.12.118 thus reads {@code /owned} of {@code plain.erofs}
     * through dirent nid 0xff0000000000054d as the intact inode 1357 (0640, 1234:5678, 6 bytes)
     * with 6 zero bytes of content [obs-6.12.118+deb13-amd64, session 10, that crafted image];
     * 6.15+ reads zeros for the inode: {@code bogus i_mode (0)}, EUCLEAN [obs-6.18.44: the metabox
     * root nid 0xff00000000000000, session 9; 6.17+ refuse this nid earlier, its bit 63 naming the
     * metabox inode, obs-7.3-amd64 session 10]. Sites: {@code Iget.slot}, {@code Iget.copyOut}.
     */
    INODE_BLOCK_ADDR_64BIT,
    /**
     * 7cef3c834194 "erofs: separate plain and compressed filesystems formally" (Gao Xiang, 7.0-rc1): a
     * filesystem without {@code COMPR_CFGS} is compressed (LZ4) only with a non-zero
     * {@code lz4_max_distance} or {@code LZ4_0PADDING}, and a compressed inode without an available
     * algorithm is EUCLEAN ({@code compressed inode (nid N) is invalid in a plain filesystem})
     * [obs-7.3-amd64]. Evidence and what is not modelled: {@code docs/behavior-evidence.md}. Sites:
     * {@code CompressionConfigs.parse}, {@code Iget}.
     */
    PLAIN_COMPRESSED_SEPARATED,
    /**
     * 0ee3a0d59e00 "erofs: enable sub-page compressed block support" (Gao Xiang, 6.8-rc1): a
     * compressed inode gets {@code z_erofs_aops} whatever the block size, with a once-per-boot
     * EXPERIMENTAL line the model does not print ({@code OutcomeComparator} leaves it out of both
     * logs). Before it, on blocks smaller than a page, such an inode fails with EOPNOTSUPP and no
     * line [obs-6.1.0-57]. Evidence: {@code docs/behavior-evidence.md}. Sites: {@code Iget}.
     */
    SUBPAGE_COMPRESSED_BLOCKS,
    /**
     * ce529cc25b18 "erofs: enable large folios for iomap mode" (Jingbo Xu, 6.2-rc1; a 6.1 stable backport was
     * proposed in March 2026; Debian's 6.1.192 changelog lists none): the mapping of an uncompressed inode
     * supports large folios, so the mm's readahead may build them in bdev mode (see {@link
     * #READAHEAD_HONOURS_NEW_ORDER}). Without it every folio of such a read is order 0. Sites: {@code
     * PlainReader.readahead}.
     */
    IOMAP_LARGE_FOLIOS,
    /**
     * e080a26725fb "erofs: allow large folios for compressed files" (Gao Xiang, August 2024:
     * 6.11-rc5, the pull "erofs fixes for 6.11-rc5", not 6.12-rc1 as noted before; the 6.1 -> 6.12.0
     * preset boundary is unchanged): {@code erofs_fill_inode} sets {@code mapping_set_large_folios} for compressed
     * inodes too, so {@code page_cache_ra_order} builds large folios for them; before, every
     * folio of a compressed file is order 0 [obs-6.1.0-57: {@code readahead error at page 1},
     * {@code page 0}, one line per page]. With 6.12's {@code page_cache_ra_order} (no
     * {@link #READAHEAD_HONOURS_NEW_ORDER}) the first window is order 2 [obs-6.12.118:
     * {@code readahead error at folio 12}, {@code 8}, {@code 4}, {@code 0} of a 16-page file,
     * fuzz seed 15 VM runs of sessions 9 and 10]. Sites: {@code DataReader.zopen},
     * {@code Readahead.raOrder}.
     */
    COMPRESSED_LARGE_FOLIOS,
    /**
     * e0bf7d1c074d "erofs: support user-defined fingerprint name" (Hongzhen Luo, the page cache
     * sharing series of Hongbo Li; 7.0-rc1, the pull "erofs updates for 7.0-rc1"; in 7.2.13 and
     * 7.3-rc7 [obs]):
     * {@code COMPAT_ISHARE_XATTRS} (0x20) makes superblock byte 105, {@code ishare_xattr_prefix_id},
     * an index into the long xattr prefixes, and {@code erofs_read_superblock} (with
     * CONFIG_EROFS_FS_XATTR) refuses one at or past {@code xattr_prefix_count}: {@code invalid
     * ishare xattr prefix id N}, EUCLEAN [obs-7.3-amd64: fuzz seed 15 cases 143, 631 and 883,
     * session 10, {@code feature_compat} with bit 0x20 on images without long prefixes, where
     * 6.18.44 mounts or fails later]. The kernel checks it where it reads the xattr fields,
     * before the root nid and metabox checks; the model after them. Sites: {@code ReadSuperblock}.
     */
    ISHARE_XATTR_PREFIX_ID,
    /**
     * 72558e2bed27 "erofs: use inode_set_cached_link()" (Gao Xiang; 7.0-rc1, the pull "erofs
     * updates for 7.0-rc1"; in 7.2.13 and 7.3-rc7 [obs]):
     * {@code erofs_fill_symlink} caches a fast symlink's length and refuses one whose size is 0
     * or whose target holds a NUL before its end: {@code invalid fast symlink size N @ nid M},
     * EUCLEAN. Before it such a target was read up to its first NUL [obs-7.3-amd64: fuzz seed 15
     * case 101, session 10: {@code crafted/deflate.erofs}, {@code /symlink-fast} given 64 xattr
     * slots so its target reads as zeros; 6.18.44 lists it with an empty target]. Sites:
     * {@code Iget}.
     */
    FAST_SYMLINK_LENGTH_CHECK,
    /**
     * [unsure which commit; after 6.18.44, in 7.2.13 and 7.3-rc7 [obs]] {@code z_erofs_fill_inode_lazy} checks the
     * map header's head algorithms against {@code Z_EROFS_COMPRESSION_MAX} again ({@link #ZMAP_REWORK} had
     * dropped it): {@code unknown HEAD1 format N for nid M, please upgrade kernel}, EOPNOTSUPP [obs-7.3-amd64:
     * fuzz seed 15 case 1472; evidence in docs/zmap-6.12.md]. Sites: {@code ZMapReworked.checkHeadAlgorithms}.
     */
    ZMAP_HEAD_FORMAT_CHECK,
    /**
     * 2349d2fa02db "erofs: sunset unneeded NOFAILs" (Gao Xiang, 6.12-rc1, the pull "erofs updates
     * for 6.12-rc1"): {@code z_erofs_runqueue} returns the error of the pclusters it decoded in
     * the caller's context, and {@code z_erofs_read_folio} returns that error (and logs its line
     * for it). Before it {@code z_erofs_read_folio} returned only the error of scanning the folio
     * (a map error): a pcluster that failed to decompress left its folios not uptodate, with no
     * line of read_folio's own, and {@code filemap_read_folio} turned that into EIO (the commit
     * message: "otherwise -EIO will be passed to user space") [obs-6.1.0-57-amd64: fuzz seed 15
     * case 641, session 10: {@code ztailpacking.erofs} with five edited bytes, mounted with
     * {@code dax} (turned off: no DAX device): four {@code z_erofs_lz4_decompress_mem} lines, no
     * {@code failed to read} line, {@code /noise.txt} EIO after 12,288 bytes, where 6.12.118 logs
     * {@code read error -117} and returns EUCLEAN]. Sites: {@code ZReader.readFolio}.
     */
    READ_FOLIO_DECODE_ERROR,
    /**
     * b0975c47c217 "printk: adjust string limit macros" (John Ogness, kernel/printk; 6.3-rc1, the
     * pull "printk for 6.3"): a printk record reserves at most {@code PRINTKRB_RECORD_MAX}, 1024
     * bytes, so a logged line keeps at most 1021 characters (the NUL and the two-byte level
     * prefix of {@code KERN_ERR} and the like come off) and loses the rest, its closing quote too
     * [obs-6.18.44-fc-v1272, session 11: mount(2) of an erofs file with one unknown option of
     * 4,100 {@code x}: {@code erofs: Unknown parameter 'xxx...}, 1,021 characters; one of 1,500:
     * the same]. Before it the limit was {@code LOG_LINE_MAX}, 1024 less {@code PREFIX_MAX} (32
     * without {@code CONFIG_PRINTK_CALLER}, as Debian's 6.1 config has it): 989 characters
     * [obs-6.1.0-57-amd64, session 11: the same option on a loop device, one VM replay]. Either
     * way the cut takes the newline too, so the record stays open, unread, until the next record
     * (the oracles write a mark then: {@code Kmsg.finalizeOpenRecord}). Not an erofs change: the lines that reach it are
     * the fs_context ones naming an overlong option. Sites: {@link KernelLog}.
     */
    PRINTK_RECORD_MAX_1024,
    /**
     * [unsure which commit: 7.3 merge window] File-backed metadata is cached in erofs's own page
     * cache, and a missing page is read by {@code erofs_read_meta_folio}: through {@code erofs_map_dev}
     * as device 0 (an extra device's unified range is read from that device) at the page's position
     * plus {@code fsoffset} rounded down to 512 bytes. Evidence (obs-7.3-amd64, session 10) and
     * sources: {@code docs/behavior-evidence.md}. Sites: {@code MetaBuf.page}.
     */
    FILEIO_METADATA_MANAGED_CACHE,
    /**
     * 48df6d1bc9d5 "erofs: improve LZ4 error strings" (Gao Xiang; 7.0-rc1, the pull "erofs updates
     * for 7.0-rc1"): LZ4 returns a reason to the common {@link #DECOMPRESS_ERROR_FORMAT} line
     * instead of printing its own {@code failed to decompress <ret> in[<inputsize>, <margin>]
     * out[<outputsize>]}: {@code corrupted compressed data} for a negative result, {@code
     * unexpected end of stream} for a short one, {@code compressed data start not found} for a
     * zero-padded pcluster whose first block is all zeros (silent before) [obs-7.3-amd64: fuzz
     * seed 15 case 641, session 10: {@code failed to decompress (lz4) corrupted compressed data @
     * pa 12288 size 4096 => 4130} and {@code ... unexpected end of stream @ pa 16384 size 4096 =>
     * 4123}; the all-zeros reason not observed]. Sites: {@code ZDecompress.lz4}.
     */
    LZ4_ERROR_STRINGS;

    /**
     * The 12-hex torvalds/linux commit of the change as its javadoc above names it (the first
     * commit of a series), or null where the javadoc marks the hash [unsure].
     */
    public String commit() {
        return switch (this) {
            case QUIET_BDEV_LOOKUP -> "14c2d97265ea";
            case FILEIO_SUBPAGE_BLOCKSIZE -> "bae085416093";
            case DEVICE_LOG_PREFIX -> "90655ee279b2";
            case DIRECTIO_OPTION -> "6422cde1b0d5";
            case LAYOUT_48BIT -> "61ba89b57905";
            case FSOFFSET_OPTION -> "c36ec00d7f67";
            case METABOX -> "414091322c63";
            case XATTR_PREFIX_PLACEMENT -> "1fcf686def19";
            case DAX_CHECK_IN_DEVICE_SCAN -> "c6993c4cb918";
            case FILEIO_STACKING_REFUSAL -> "072a7c7cdbea";
            case FILEIO_SHORT_READ_EIO -> "eade54040384";
            case DIRENT_NAMEOFF_CHECKS -> "d18a3b5d337f";
            case ZMAP_NONHEAD_DELTA1_GRACEFUL -> "0bc8061ffc73";
            case ZMAP_COMPRESSEDLEN_REFINED -> "8f9530aeeb4f";
            case ZMAP_TAIL_INLINE_SIMPLIFIED -> "b7710262d743";
            case ZMAP_CLUSTERBITS_4BIT -> "efb2aef569b3";
            case ZMAP_INLINE_TAIL_SHIFTED -> "862427ebb81d";
            case ZMAP_COMPACT_CLUSTEROFS_CHECK -> "e13d315ae077";
            case ZMAP_FRAGMENT_NOT_ENCODED -> "b44686c8391b";
            case PCLUSTER_SIZE_LIMITS -> "7c3ca1838a78";
            case FILEMAP_READ_STOPS_AT_FAILED_FOLIO -> "35224da7e30b";
            case READMORE_ENCODED_ONLY -> "334c0e493c2a";
            case INODE_BLOCKS_HI -> "803d09a55405";
            case INCOMPAT_CHECK_IN_READ_SUPERBLOCK -> "2c534624ae70";
            case READ_FOLIO_DECODE_ERROR -> "2349d2fa02db";
            case PRINTK_RECORD_MAX_1024 -> "b0975c47c217";
            case LZ4_ERROR_STRINGS -> "48df6d1bc9d5";
            case UNALIGNED_ENCODED_DATA -> "7361d1e3763b";
            case PLAIN_COMPRESSED_SEPARATED -> "7cef3c834194";
            case SUBPAGE_COMPRESSED_BLOCKS -> "0ee3a0d59e00";
            case COMPRESSED_LARGE_FOLIOS -> "e080a26725fb";
            case ISHARE_XATTR_PREFIX_ID -> "e0bf7d1c074d";
            case FAST_SYMLINK_LENGTH_CHECK -> "72558e2bed27";
            case FILE_BACKED_MOUNTS -> "fb176750266a";
            case METABUF_BYTE_OFFSETS -> "4afe6b8d21e5";
            case INODE_BLOCK_ADDR_64BIT -> "2e1473d5195f";
            case IOMAP_LARGE_FOLIOS -> "ce529cc25b18";
            case STATFS_FSID_FROM_UUID -> "1872df8dcd87";
            case DAX_NOT_EXPERIMENTAL -> "a97b59ed7968";
            case READDIR_FAILED_MESSAGE -> "2e1473d5195f";
            case MAP_BLOCKS_FLATMODE_MERGED -> "8e49c33d0435";
            case READ_INODE_MESSAGE -> "5e744cb61536";
            case IOMAP_INLINE_ADDR -> "f768685427c0";
            case FSCACHE_REMOVED -> "c37460cd9b2f";
            case DEFLATE_NOT_EXPERIMENTAL -> "8f2fb72fd17e";
            case DECOMPRESS_ERROR_FORMAT -> "831faabed812";
            case FEATURE_NOTICES_DROPPED -> "12c2987e896b";
            case ZDATA_FOLIO_MESSAGES -> "491b1105a8e2";
            case READMORE_ERRORS_SILENT -> "e3157bb55d3e";
            case LOOKBACK_DISTANCE_MESSAGE -> "8241fdd3cdfe";
            case BDEV_LOOKUP_BEFORE_OPEN -> "aca740cecbe5";
            case DEFLATE_ALGORITHM -> "ffa09b3bd024";
            case ZSTD_ALGORITHM -> "7c35de4df105";
            case FLATTENED_BLOCK_DEVICE -> "8b465fecc35a";
            case LONG_XATTR_PREFIXES -> "6a318ccd7e08";
            case XATTR_INIT_FUNCTION_RENAMED -> "6020ffe76d11";
            case INLINE_ACROSS_BLOCKS_MESSAGE -> "8bdb6a8393dc";
            case FILEIO_REGULAR_FILE_CHECK -> "416a8b2c02fe";
            case VOLUME_NAME_16_BYTES -> "579450277780";
            case EXTRA_BDEV_ENOTBLK_TO_EINVAL -> "9748f2f54f66";
            case FILEIO_SID_DEVNUM -> "4698de5b9c12";
            case CACHE_STRATEGY_SHOWN_IF_COMPRESSED -> "0bca088f6b08";
            case ZSTD_1_5_7_ERROR_STRINGS -> "65d1f5507ed2";
            default -> null;
        };
    }

    /**
     * The upstream subject line as the javadoc above quotes it, or, where it quotes none, the
     * javadoc's one-line description in brackets.
     */
    public String title() {
        return switch (this) {
            case FILEIO_REGULAR_FILE_CHECK -> "erofs: ensure regular inodes for file-backed mounts";
            case QUIET_BDEV_LOOKUP -> "erofs: use get_tree_bdev_flags() to avoid misleading messages";
            case FILEIO_SUBPAGE_BLOCKSIZE -> "erofs: fix blksize < PAGE_SIZE for file-backed mounts";
            case DEVICE_LOG_PREFIX -> "erofs: simplify definition of the log functions";
            case DIRECTIO_OPTION -> "erofs: use buffered I/O for file-backed mounts by default";
            case VOLUME_NAME_16_BYTES -> "erofs: allow 16-byte volume name again";
            case LAYOUT_48BIT -> "erofs: add 48-bit block addressing on-disk support";
            case READDIR_FAILED_MESSAGE -> "erofs: implement 48-bit block addressing for unencoded inodes";
            case MAP_BLOCKS_FLATMODE_MERGED -> "erofs: get rid of erofs_map_blocks_flatmode()";
            case FSOFFSET_OPTION -> "erofs: add 'fsoffset' mount option to specify filesystem offset";
            case EXTRA_BDEV_ENOTBLK_TO_EINVAL -> "erofs: avoid using multiple devices with different type";
            case METABOX -> "erofs: implement metadata compression";
            case READ_INODE_MESSAGE -> "erofs: remove need_kmap in erofs_read_metabuf()";
            case IOMAP_INLINE_ADDR -> "erofs: refine erofs_iomap_begin()";
            case XATTR_PREFIX_PLACEMENT -> "erofs: fix long xattr name prefix placement";
            case DAX_CHECK_IN_DEVICE_SCAN -> "erofs: Fallback to normal access if DAX is not supported on extra device";
            case FILEIO_STACKING_REFUSAL -> "erofs: don't bother with s_stack_depth increasing for now";
            case FILEIO_SHORT_READ_EIO -> "erofs: set fileio bio failed in short read case";
            case DIRENT_NAMEOFF_CHECKS -> "erofs: fix the out-of-bounds nameoff handling for trailing dirents";
            case ZMAP_REWORK -> "[the rest of the compressed-map rework of 6.15-6.18]";
            case ZMAP_NONHEAD_DELTA1_GRACEFUL -> "erofs: handle NONHEAD !delta[1] lclusters gracefully";
            case ZMAP_COMPRESSEDLEN_REFINED -> "erofs: refine z_erofs_get_extent_compressedlen()";
            case ZMAP_TAIL_INLINE_SIMPLIFIED -> "erofs: simplify tail inline pcluster handling";
            case ZMAP_CLUSTERBITS_4BIT -> "erofs: add encoded extent on-disk definition";
            case ZMAP_INLINE_TAIL_SHIFTED -> "erofs: fix interlaced ztailpacking pclusters";
            case ZMAP_COMPACT_CLUSTEROFS_CHECK -> "erofs: avoid infinite loops due to corrupted subpage compact indexes";
            case ZMAP_FRAGMENT_NOT_ENCODED -> "erofs: fix large fragment handling";
            case PCLUSTER_SIZE_LIMITS -> "erofs: restrict pcluster size limitations";
            case BDEV_LOOKUP_BEFORE_OPEN -> "fs: open block device after superblock creation";
            case STATFS_FSID_FROM_UUID -> "erofs: derive fsid from on-disk UUID for .statfs() if possible";
            case FILE_BACKED_MOUNTS -> "erofs: add file-backed mount support";
            case DEFLATE_ALGORITHM -> "erofs: DEFLATE compression support";
            case ZSTD_ALGORITHM -> "erofs: Zstandard compression support";
            case FLATTENED_BLOCK_DEVICE -> "erofs: support flattened block device for multi-blob images";
            case LONG_XATTR_PREFIXES -> "erofs: enable long extended attribute name prefixes";
            case INCOMPAT_CHECK_IN_READ_SUPERBLOCK -> "erofs: get rid of check_layout_compatibility()";
            case XATTR_INIT_FUNCTION_RENAMED -> "erofs: rename init_inode_xattrs with erofs_ prefix";
            case INLINE_ACROSS_BLOCKS_MESSAGE -> "erofs: simplify erofs_map_blocks_flatmode()";
            case DAX_NOT_EXPERIMENTAL -> "erofs: drop experimental warning for FSDAX";
            case FSCACHE_REMOVED -> "erofs: remove fscache backend entirely";
            case FILEIO_SID_DEVNUM -> "erofs: use more informative s_id for file-backed mounts";
            case CACHE_STRATEGY_SHOWN_IF_COMPRESSED -> "erofs: hide \"cache_strategy=\" for plain filesystems";
            case SOURCE_PARAMETER -> "[erofs parses 'source' itself; an empty one is a bad value]";
            case FILL_DENTRIES_FOLDED -> "[erofs_fill_dentries folded into erofs_readdir]";
            case ZSTD_1_5_7_ERROR_STRINGS -> "zstd: Import upstream v1.5.7";
            case DEFLATE_NOT_EXPERIMENTAL -> "erofs: update compression algorithm status";
            case FILEIO_METADATA_SHORT_READ_EIO -> "[file-backed metadata reads past the file's end fail with EIO]";
            case DECOMPRESS_ERROR_FORMAT -> "erofs: improve decompression error reporting";
            case FILEIO_METADATA_BYTE_OFFSET -> "[file-backed metadata read at the unaligned fsoffset]";
            case READAHEAD_HONOURS_NEW_ORDER -> "mm/readahead: honour new_order in page_cache_ra_order()";
            case FILEMAP_READ_STOPS_AT_FAILED_FOLIO -> "mm/filemap: skip non-uptodate folio if there are available folios";
            case READMORE_ENCODED_ONLY -> "erofs: avoid reading more for fragment maps";
            case INODE_BLOCKS_HI -> "erofs: handle 48-bit blocks_hi for compressed inodes";
            case UNALIGNED_ENCODED_DATA -> "erofs: support unaligned encoded data";
            case FEATURE_NOTICES_DROPPED -> "erofs: don't warn ztailpacking feature anymore";
            case ZDATA_FOLIO_MESSAGES -> "erofs: adapt folios for z_erofs_readahead()";
            case READMORE_ERRORS_SILENT -> "erofs: refine warning messages for zdata I/Os";
            case LOOKBACK_DISTANCE_MESSAGE -> "erofs: clean up zmap.c";
            case METABUF_BYTE_OFFSETS -> "erofs: don't round offset down for erofs_read_metabuf()";
            case INODE_BLOCK_ADDR_64BIT -> "erofs: implement 48-bit block addressing for unencoded inodes";
            case PLAIN_COMPRESSED_SEPARATED -> "erofs: separate plain and compressed filesystems formally";
            case SUBPAGE_COMPRESSED_BLOCKS -> "erofs: enable sub-page compressed block support";
            case IOMAP_LARGE_FOLIOS -> "erofs: enable large folios for iomap mode";
            case COMPRESSED_LARGE_FOLIOS -> "erofs: allow large folios for compressed files";
            case ISHARE_XATTR_PREFIX_ID -> "erofs: support user-defined fingerprint name";
            case FAST_SYMLINK_LENGTH_CHECK -> "erofs: use inode_set_cached_link()";
            case ZMAP_HEAD_FORMAT_CHECK -> "[z_erofs_fill_inode_lazy checks the head algorithms again]";
            case READ_FOLIO_DECODE_ERROR -> "erofs: sunset unneeded NOFAILs";
            case PRINTK_RECORD_MAX_1024 -> "printk: adjust string limit macros";
            case LZ4_ERROR_STRINGS -> "erofs: improve LZ4 error strings";
            case FILEIO_METADATA_MANAGED_CACHE -> "[file-backed metadata in erofs's own cache, read through erofs_map_dev at sector granularity]";
        };
    }
}
