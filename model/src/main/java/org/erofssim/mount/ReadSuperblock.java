package org.erofssim.mount;

import java.nio.ByteBuffer;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.Superblock;
import org.erofssim.ondisk.SuperblockCache;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.Mode;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code erofs_read_superblock} (fs/erofs/super.c, spec §4.2): reads the first page of the
 * primary, checks it in the kernel's order and fills the superblock info; ends with the device
 * scan. Each failed check logs its line and throws the errno.
 */
final class ReadSuperblock {
    private static final String FN = "erofs_read_superblock";
    private static final int PAGE_SIZE = 4096;
    private static final int PAGE_SHIFT = 12;

    /** {@code EROFS_FEATURE_COMPAT_ISHARE_XATTRS}. */
    private static final int ISHARE_XATTRS = 0x20;
    /** {@code ishare_xattr_prefix_id}: the byte after {@code xattr_filter_reserved}. */
    private static final int ISHARE_XATTR_PREFIX_ID_OFFSET = 105;

    private ReadSuperblock() {}

    /**
     * {@code %08x} of {@code v} without a Formatter (session 13: a fuzz campaign's edited
     * superblocks fail the checksum in many cases, and {@code String.format} cost about 1% of a
     * cold campaign's worker time).
     */
    static String hex8(int v) {
        String h = Integer.toHexString(v);
        return h.length() >= 8 ? h : "00000000".substring(h.length()) + h;
    }

    static Superblock read(SbInfo sbi, MetaBuf buf, SbLog log, MountContext ctx, boolean hasDaxDev) {
        ByteBuffer page;
        try {
            page = buf.page(0);
        } catch (KernelError e) {
            Coverage.hit("erofs_read_superblock:read-error");
            log.err(FN, "cannot read erofs superblock");
            throw e;
        }
        // the in-page offset of byte 0 is 0, so the superblock sits at index 1024 of this page;
        // the decoding (and the checksum below) is shared by every mount of the same bytes
        SuperblockCache.Entry decoded = SuperblockCache.decode(page);
        Superblock dsb = decoded.superblock();
        if (dsb.magic() != Superblock.MAGIC) {
            Coverage.hit("erofs_read_superblock:bad-magic");
            log.err(FN, "cannot find valid erofs superblock");
            throw new KernelError(Errno.EINVAL);
        }
        int blkszbits = dsb.blkszbits();
        sbi.blkszbits = blkszbits;
        if (blkszbits < 9 || blkszbits > PAGE_SHIFT) {
            Coverage.hit("erofs_read_superblock:blkszbits");
            log.err(FN, "blkszbits " + blkszbits + " isn't supported");
            throw new KernelError(Errno.EINVAL);
        }
        if (dsb.dirblkbits() != 0) {
            Coverage.hit("erofs_read_superblock:dirblkbits");
            log.err(FN, "dirblkbits " + dsb.dirblkbits() + " isn't supported");
            throw new KernelError(Errno.EINVAL);
        }
        sbi.featureCompat = (int) dsb.featureCompat();
        if ((sbi.featureCompat & FeatureCompat.SB_CHKSUM.bit()) != 0) {
            Coverage.hit("erofs_superblock_csum_verify:checked");
            int crc = (int) decoded.checksum(page, blkszbits);
            int expected = (int) dsb.checksum();
            if (crc != expected) {
                Coverage.hit("erofs_superblock_csum_verify:mismatch");
                log.err("erofs_superblock_csum_verify",
                        "invalid checksum 0x" + hex8(crc) + ", 0x" + hex8(expected) + " expected");
                throw new KernelError(Errno.EBADMSG);
            }
        }
        sbi.featureIncompat = (int) dsb.featureIncompat();
        int unknown = sbi.featureIncompat & ~sbi.kernel.profile().supportedIncompat();
        if (unknown != 0) {
            Coverage.hit("erofs_read_superblock:unknown-incompat");
            if (sbi.kernel.has(Behavior.INCOMPAT_CHECK_IN_READ_SUPERBLOCK)) {
                log.err(FN, "unidentified incompatible feature " + Integer.toHexString(unknown)
                        + ", please upgrade kernel");
            } else {
                log.err("check_layout_compatibility", "unidentified incompatible feature "
                        + Integer.toHexString(unknown) + ", please upgrade kernel version");
            }
            throw new KernelError(Errno.EINVAL);
        }
        sbi.sbSize = Superblock.BASE_SIZE + dsb.sbExtslots() * 16;
        if (sbi.sbSize > PAGE_SIZE - Superblock.OFFSET) {
            Coverage.hit("erofs_read_superblock:sb-extslots");
            log.err(FN, "invalid sb_extslots " + sbi.sbSize + " (more than a fs block)");
            throw new KernelError(Errno.EINVAL);
        }
        boolean has48 = sbi.kernel.has(Behavior.LAYOUT_48BIT);
        long blocksLo = dsb.blocksLo();
        if (has48 && sbi.hasIncompat(FeatureIncompat.BIT48.bit()) && dsb.rootNid8b() != 0) {
            Coverage.hit("erofs_read_superblock:rootnid-8b");
            sbi.rootNid = dsb.rootNid8b();
            sbi.dif0Blocks = ((long) dsb.rootNid() << 32) | blocksLo;
        } else {
            sbi.rootNid = dsb.rootNid();
            sbi.dif0Blocks = blocksLo;
        }
        if (sbi.kernel.has(Behavior.METABOX) && sbi.hasIncompat(FeatureIncompat.METABOX.bit())) {
            if (sbi.sbSize <= Superblock.BASE_SIZE) {
                Coverage.hit("erofs_read_superblock:metabox-no-extslot");
                throw new KernelError(Errno.EUCLEAN, "metabox needs a superblock extslot (silent)");
            }
            sbi.metaboxNid = dsb.metaboxNid();
            if (sbi.metaboxNid >= 0 && sbi.fsoffset() == 0) {
                // the comparison a fuzzer can flip: bit 63 of metabox_nid
                Coverage.hint("erofs_read_superblock:metabox-nid-bit63", org.erofssim.ondisk.SuperblockField.METABOX_NID.absoluteOffset(), 8,
                        sbi.metaboxNid | Long.MIN_VALUE);
            }
            if (sbi.metaboxNid < 0) {
                Coverage.hit("erofs_read_superblock:metabox-nid-bit63");
                throw new KernelError(Errno.EUCLEAN, "metabox_nid with bit 63 set (silent)");
            }
        }
        sbi.metaBlkaddr = dsb.metaBlkaddr();
        if (sbi.kernel.enabled(ConfigFlag.EROFS_FS_XATTR)) {
            // the xattr fields exist only with CONFIG_EROFS_FS_XATTR
            sbi.xattrBlkaddr = dsb.xattrBlkaddr();
            if (sbi.kernel.has(Behavior.LONG_XATTR_PREFIXES)) { // reserved bytes before it
                sbi.xattrPrefixStart = dsb.xattrPrefixStart();
                sbi.xattrPrefixCount = dsb.xattrPrefixCount();
            }
            sbi.xattrFilterReserved = dsb.xattrFilterReserved();
            if (sbi.kernel.has(Behavior.ISHARE_XATTR_PREFIX_ID) && (dsb.featureCompat() & ISHARE_XATTRS) != 0) {
                // byte 105, ishare_xattr_prefix_id, indexes the long prefixes [obs-7.3-amd64]
                int id = page.get(MetaBuf.inPage(Superblock.OFFSET + ISHARE_XATTR_PREFIX_ID_OFFSET)) & 0xFF;
                if (id >= sbi.xattrPrefixCount) {
                    log.err(FN, "invalid ishare xattr prefix id " + id);
                    throw new KernelError(Errno.EUCLEAN);
                }
            }
        }
        sbi.packedNid = dsb.packedNid();
        sbi.inos = dsb.inos();
        sbi.epoch = dsb.epoch();
        sbi.fixedNsec = dsb.fixedNsec();
        sbi.uuid = dsb.uuid();
        if (!sbi.kernel.has(Behavior.VOLUME_NAME_16_BYTES) && !hasNul(dsb.volumeName())) {
            Coverage.hit("erofs_read_superblock:volume-name-no-nul");
            log.err(FN, "bad volume name without NIL terminator");
            throw new KernelError(Errno.EUCLEAN);
        }
        CompressionConfigs.parse(sbi, dsb, buf, log);
        // The EXPERIMENTAL lines follow the device scan whatever it returned: a scan that fails
        // still prints them, after its own error line [obs-6.18.44: a 48-bit or a metabox image
        // with a device count mismatch logs 'extra devices don't match', then the EXPERIMENTAL
        // line]. So is the fscache line, after them [obs-6.12.107-erofssim-ondemand:
        // multi-device-empty-tag logs 'empty device tag', then the [deprecated] line].
        KernelError scanError = null;
        try {
            DeviceScan.scan(sbi, dsb, buf, log, ctx, hasDaxDev);
        } catch (KernelError e) {
            scanError = e;
        }
        if (has48 && sbi.hasIncompat(FeatureIncompat.BIT48.bit())) {
            log.info("EXPERIMENTAL 48-bit layout support in use. Use at your own risk!");
        }
        if (sbi.kernel.has(Behavior.METABOX) && sbi.hasIncompat(FeatureIncompat.METABOX.bit())) {
            log.info("EXPERIMENTAL metadata compression support in use. Use at your own risk!");
        }
        boolean notices = !sbi.kernel.has(Behavior.FEATURE_NOTICES_DROPPED);
        if (notices && sbi.hasIncompat(FeatureIncompat.ZTAILPACKING.bit())) {
            log.info("EXPERIMENTAL compressed inline data feature in use. Use at your own risk!");
        }
        if (sbi.mode == Mode.FSCACHE) {
            log.info("[deprecated] fscache-based on-demand read feature in use. Use at your own risk!");
        }
        if (notices && sbi.hasIncompat(FeatureIncompat.FRAGMENTS.bit())) {
            log.info("EXPERIMENTAL compressed fragments feature in use. Use at your own risk!");
            log.info("EXPERIMENTAL global deduplication feature in use. Use at your own risk!");
        }
        if (scanError != null) {
            throw scanError;
        }
        Coverage.hit("erofs_read_superblock:ok");
        return dsb;
    }

    private static boolean hasNul(byte[] name) {
        for (byte b : name) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }
}
