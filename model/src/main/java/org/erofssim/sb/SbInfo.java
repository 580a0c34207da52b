package org.erofssim.sb;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.ondisk.XattrLongPrefix;

/**
 * The model's {@code struct erofs_sb_info} (fs/erofs/internal.h) together with the few VFS
 * {@code super_block} fields the mount path reads: what fill_super builds and the read path uses.
 *
 * <p>Like the C struct, its fields are public: the mount path ({@code org.erofssim.mount}:
 * {@code erofs_read_superblock}, {@code erofs_scan_devices}, {@code erofs_fc_fill_super}, ...)
 * fills them in, one layer above; every layer reads them through the accessors.
 */
public final class SbInfo {
    public final KernelConfig kernel;
    public final MountOptions opts;
    /** {@code s_id}: block device name, or {@code erofs} for a superblock without one. */
    public String sId;
    /** {@code dif0}: the primary device (the superblock's bdev, the backing file, or the cookie). */
    public DeviceBacking dif0;
    /** fscache mode: the cache its cookies read through ({@code erofs_fscache_register_fs}); null otherwise. */
    public FscacheCache fscache;
    public long dif0Blocks;
    public Mode mode;
    /** {@code s_blocksize_bits}. */
    public int blocksizeBits = 12;
    /** {@code sbi->blkszbits}: the erofs block size shift. */
    public int blkszbits = 12;
    public int sbSize;
    public int featureCompat;
    public int featureIncompat;
    public long totalBlocks;
    public long metaBlkaddr;
    public long xattrBlkaddr;
    public long rootNid;
    public long packedNid;
    public int xattrPrefixCount;
    /** {@code xattr_prefix_start}: the table's offset in 4-byte units. */
    public long xattrPrefixStart;
    /** {@code xattr_filter_reserved}: non-zero turns the xattr name filter off. */
    public int xattrFilterReserved;
    /** {@code xattr_prefixes}: the long prefixes {@code erofs_xattr_prefixes_init} loaded. */
    public List<XattrLongPrefix> xattrPrefixes = List.of();
    /** Why the model could not load a table the kernel does load (null when it could, or there is none). */
    public String xattrPrefixesUnknown;
    /** {@code packed_inode} (FRAGMENTS with a packed nid), null without one. */
    public ErofsInode packedInode;
    public long metaboxNid;
    /**
     * 6.17+: an {@code erofs_buf} over the metabox inode's page cache, set by fill_super once that
     * inode is read; null without metabox.
     */
    public ErofsBuf metaboxBuf;

    /**
     * {@code erofs_nid_to_ino64} (6.17+): on a metabox image the metabox bit 63 of a nid moves to
     * bit 31 of the inode number and bits 31-62 move up one, so inode numbers stay small; other
     * images use the nid as it is [obs-6.18.44: root nid 2^63 has st_ino 2147483648].
     */
    public long ino(long nid) {
        return metaboxInodeNumbers() ? metaboxIno(nid) : nid;
    }

    /**
     * Whether {@link #ino} maps nids with {@link #metaboxIno}: a metabox image on a release with
     * {@code erofs_nid_to_ino64}; else an inode number is its nid (a walk asks once, not per entry).
     */
    public boolean metaboxInodeNumbers() {
        return kernel.has(org.erofssim.kernel.Behavior.METABOX)
                && (featureIncompat() & org.erofssim.ondisk.FeatureIncompat.METABOX.bit()) != 0;
    }

    /** The inode number {@code erofs_nid_to_ino64} gives {@code nid} on a metabox image. */
    public static long metaboxIno(long nid) {
        return ((nid << 1) & 0xFFFFFFFF00000000L) | (nid & 0x7FFFFFFFL) | ((nid >>> 63) << 31);
    }

    public ErofsBuf metaBuf(ErofsInode inode, ErofsBuf primary) {
        return inode.nid() < 0 && metaboxBuf != null ? metaboxBuf : primary;
    }
    public long inos;
    public long epoch;
    public long fixedNsec;
    public byte[] uuid = new byte[16];
    public boolean flatdev;
    public int deviceIdMask;
    public boolean daxAlways;
    /**
     * {@code available_compr_algs}: the algorithms {@code z_erofs_parse_cfgs} found (bit per
     * {@code Z_EROFS_COMPRESSION_*}); without COMPR_CFGS only LZ4 (bit 0).
     */
    public int availableComprAlgs = 1;
    /** The LZMA record's {@code dict_size} (0 without one). */
    public int lzmaDictSize;
    /** {@code 1 << (windowlog + 10)} of the ZSTD record (0 without one). */
    public int zstdWindowSize;
    public final List<ErofsDevice> devices = new ArrayList<>();

    public SbInfo(KernelConfig kernel, MountOptions opts) {
        this.kernel = kernel;
        this.opts = opts;
        this.daxAlways = opts.daxAlways();
    }

    public KernelConfig kernel() { return kernel; }
    public MountOptions options() { return opts; }
    public Mode mode() { return mode; }
    public String sId() { return sId; }
    public DeviceBacking primary() { return dif0; }
    public int blkszbits() { return blkszbits; }
    public int blockSize() { return 1 << blkszbits; }
    public int blocksizeBits() { return blocksizeBits; }
    public int featureIncompat() { return featureIncompat; }
    public int featureCompat() { return featureCompat; }
    public long metaBlkaddr() { return metaBlkaddr; }
    public long xattrBlkaddr() { return xattrBlkaddr; }
    public long rootNid() { return rootNid; }
    public long inos() { return inos; }
    public long packedNid() { return packedNid; }
    public int xattrPrefixCount() { return xattrPrefixCount; }
    public long xattrPrefixStart() { return xattrPrefixStart; }
    public int xattrFilterReserved() { return xattrFilterReserved; }
    /** The loaded long xattr name prefixes, by number (empty when there are none). */
    public List<XattrLongPrefix> xattrPrefixes() { return xattrPrefixes; }
    /** Non-null when the kernel loads a prefix table the model cannot read: why. */
    public String xattrPrefixesUnknown() { return xattrPrefixesUnknown; }
    public ErofsInode packedInode() { return packedInode; }
    public boolean daxAlways() { return daxAlways; }
    public long epoch() { return epoch; }
    public long fixedNsec() { return fixedNsec; }
    public long totalBlocks() { return totalBlocks; }
    public boolean flatdev() { return flatdev; }
    public int deviceIdMask() { return deviceIdMask; }
    public List<ErofsDevice> devices() { return devices; }
    public byte[] uuid() { return uuid.clone(); }
    /** {@code available_compr_algs} (bit 0 LZ4, 1 LZMA, 2 DEFLATE, 3 ZSTD). */
    public int availableComprAlgs() { return availableComprAlgs; }
    /** The mounted LZMA configuration's dictionary size ({@code z_erofs_lzma_cfgs.dict_size}), 0 without one. */
    public int lzmaDictSize() { return lzmaDictSize; }
    /** The mounted ZSTD configuration's window ({@code 1 << (windowlog + 10)}), 0 without one. */
    public int zstdWindowSize() { return zstdWindowSize; }
    /** {@code fsoffset=} (6.16+), 0 otherwise. */
    public long fsoffset() { return opts.fsoffset(); }

    /** One extra device for {@link #withDevices}: its slot's {@code blocks} and {@code mapped_blkaddr}. */
    public record DeviceSpec(long blocks, long mappedBlkaddr) {}

    /**
     * A superblock info as the device scan would leave it, for driving {@code erofs_map_dev}
     * directly (tests, properties, benchmarks): a primary of {@code primary} bytes, block size
     * {@code 1 << blkszbits}, and the given extra devices, flat or opened as files.
     */
    public static SbInfo withDevices(KernelConfig kernel, int blkszbits, boolean flatdev,
                                     org.erofssim.block.ImageBytes primary, List<DeviceSpec> devices) {
        SbInfo sbi = new SbInfo(kernel, MountOptions.defaults(kernel));
        sbi.mode = Mode.FILEIO;
        sbi.sId = "erofs";
        sbi.blkszbits = blkszbits;
        sbi.blocksizeBits = blkszbits;
        sbi.dif0 = new DeviceBacking.OfFile(new org.erofssim.block.Node.RegularFile(primary,
                org.erofssim.block.BackingFs.EXT4), "primary");
        sbi.flatdev = flatdev;
        int id = 1;
        for (DeviceSpec d : devices) {
            ErofsDevice dif = new ErofsDevice(id, flatdev ? null : "device" + id);
            dif.blocks = d.blocks();
            dif.mappedBlkaddr = d.mappedBlkaddr();
            if (!flatdev) {
                dif.backing = new DeviceBacking.OfFile(new org.erofssim.block.Node.RegularFile(
                        org.erofssim.block.ImageBytes.empty(), org.erofssim.block.BackingFs.EXT4), dif.path);
            }
            sbi.devices.add(dif);
            id++;
        }
        sbi.deviceIdMask = devices.isEmpty() ? 0 : roundupPow2(devices.size() + 1) - 1;
        return sbi;
    }

    /**
     * {@code roundup_pow_of_two} (include/linux/log2.h) as {@code erofs_scan_devices} uses it for
     * {@code device_id_mask}.
     */
    public static int roundupPow2(int v) {
        int p = 1;
        while (p < v) {
            p <<= 1;
        }
        return p;
    }

    /** {@code erofs_sb_has_*} for an incompat bit. */
    public boolean hasIncompat(int bit) {
        return (featureIncompat & bit) != 0;
    }

    /** {@code erofs_sb_has_*} for a compat bit. */
    public boolean hasCompat(int bit) {
        return (featureCompat & bit) != 0;
    }
}
