package org.erofssim.mount;

import org.erofssim.block.BackingFs;
import org.erofssim.block.Node;
import org.erofssim.inode.Iget;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.Mode;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code erofs_fc_fill_super} (fs/erofs/super.c): sets up a new superblock in the profile's
 * order (spec §4.1 for 6.13, §4.7 for 6.18). On success the superblock info is complete and
 * the root inode read; on failure the errno is thrown after the kernel's log lines.
 */
final class FillSuper {
    private static final String FN = "erofs_fc_fill_super";
    private static final int PAGE_SHIFT = 12;

    private FillSuper() {}

    /**
     * @param bdev the superblock's block device in bdev mode, null otherwise
     */
    static FilledSuper fill(SbInfo sbi, MountContext ctx, SbLog log, Node.BlockDevice bdev) {
        if (sbi.mode == Mode.FILEIO && ctx.kernel.has(Behavior.FILEIO_STACKING_REFUSAL)) {
            BackingFs fs = ((DeviceBacking.OfFile) sbi.dif0).file().fs();
            if (fs.erofsWithoutBdev() || fs.stackDepth() != 0) {
                Coverage.hit("erofs_fc_fill_super:stacked-fileio");
                log.err(FN, "file-backed mounts cannot be applied to stacked fses");
                throw new KernelError(Errno.ENOTBLK);
            }
        }
        boolean hasDaxDev = false;
        sbi.blocksizeBits = PAGE_SHIFT;
        if (bdev == null) {
            if (sbi.mode == Mode.FSCACHE) {
                sbi.dif0 = Fscache.registerFs(sbi, ctx, log);
            }
            // super_setup_bdi: the private BDI "erofs-<N>" (its name becomes the fileio sysfs name)
            if (sbi.mode == Mode.FILEIO && ctx.kernel.has(Behavior.FILEIO_SID_DEVNUM)) {
                // 7.x: s_id becomes the anonymous MAJ:MIN after the stacking check [obs-7.2.13:
                // the refusal still names "erofs", the mount line "0:N"]; the exact place is [unsure]
                sbi.sId = "0:*";
                log.renamed(sbi.sId);
            }
        } else {
            // sb_set_blocksize(PAGE_SIZE) cannot fail for 512- or 4096-byte sectors
            hasDaxDev = bdev.dax();
        }
        MetaBuf buf = new MetaBuf(sbi);
        ReadSuperblock.read(sbi, buf, log, ctx, hasDaxDev);

        if (sbi.blocksizeBits != sbi.blkszbits) {
            if (sbi.mode == Mode.FSCACHE) {
                Coverage.hit("erofs_fc_fill_super:fscache-blksize");
                log.fc("unsupported blksize for fscache mode");
                throw new KernelError(Errno.EINVAL);
            }
            if (sbi.mode == Mode.FILEIO) {
                if (!ctx.kernel.has(Behavior.FILEIO_SUBPAGE_BLOCKSIZE)) {
                    Coverage.hit("erofs_fc_fill_super:fileio-subpage-crash");
                    throw new KernelCrash("sb_set_blocksize() on a superblock without a block device "
                            + "dereferences a NULL s_bdev (CVE-2024-56750, fixed by bae085416093 in 6.12.2/6.13-rc1)");
                }
                Coverage.hit("erofs_fc_fill_super:fileio-subpage");
                sbi.blocksizeBits = sbi.blkszbits;
            } else {
                if ((1 << sbi.blkszbits) < bdev.logicalBlockSize()) {
                    Coverage.hit("erofs_fc_fill_super:bdev-blksize");
                    log.fc("failed to set erofs blksize");
                    throw new KernelError(Errno.EINVAL);
                }
                Coverage.hit("erofs_fc_fill_super:bdev-subpage");
                sbi.blocksizeBits = sbi.blkszbits;
            }
        }
        if (ctx.kernel.has(Behavior.FSOFFSET_OPTION) && sbi.opts.fsoffset() != 0) {
            // alignment first, then the fscache refusal (spec §4.7 step 6; the 6.16 fsoffset patch)
            long bs = 1L << sbi.blocksizeBits;
            if ((sbi.opts.fsoffset() & (bs - 1)) != 0) {
                Coverage.hit("erofs_fc_fill_super:fsoffset-unaligned");
                log.fc("fsoffset " + Long.toUnsignedString(sbi.opts.fsoffset()) + " is not aligned to block size " + bs);
                throw new KernelError(Errno.EINVAL);
            }
            if (sbi.mode == Mode.FSCACHE) {
                Coverage.hit("erofs_fc_fill_super:fsoffset-fscache");
                log.fc("cannot use fsoffset in fscache mode");
                throw new KernelError(Errno.EINVAL);
            }
        }
        if (!sbi.daxAlways && hasDaxDev && sbi.blkszbits != PAGE_SHIFT) {
            // the comparison a fuzzer can flip: dax=always on a DAX device with a sub-page block size
            Coverage.hintOption("erofs_fc_fill_super:dax-blocksize", "dax=always");
        }
        if (sbi.daxAlways) {
            if (ctx.kernel.has(Behavior.DAX_CHECK_IN_DEVICE_SCAN)) {
                if (sbi.blkszbits != PAGE_SHIFT) {
                    Coverage.hit("erofs_fc_fill_super:dax-blocksize");
                    log.info("unsupported blocksize for DAX");
                    sbi.daxAlways = false;
                }
            } else if (!hasDaxDev) {
                Coverage.hit("erofs_fc_fill_super:dax-no-daxdev");
                log.fc("DAX unsupported by block device. Turning off DAX.");
                sbi.daxAlways = false;
            } else if (sbi.blkszbits != PAGE_SHIFT) {
                Coverage.hit("erofs_fc_fill_super:dax-blocksize");
                log.fc("unsupported blocksize for DAX");
                sbi.daxAlways = false;
            }
        }
        boolean fragments = sbi.hasIncompat(FeatureIncompat.FRAGMENTS.bit());
        boolean metaboxFirst = ctx.kernel.has(Behavior.METABOX);
        if (metaboxFirst) {
            // 6.17+: packed and metabox inodes are read before the root inode
            if (fragments && sbi.packedNid != 0) {
                sbi.packedInode = Iget.iget(sbi, buf, log, sbi.packedNid);
            }
            if (sbi.hasIncompat(FeatureIncompat.METABOX.bit())) {
                ErofsInode metabox = Iget.iget(sbi, buf, log, sbi.metaboxNid);
                // inodes whose nid has bit 63 set live in its data, read through its page cache
                sbi.metaboxBuf = new org.erofssim.file.InodeBuf(new org.erofssim.file.DataReader(sbi, buf, log), metabox);
            }
        }
        ErofsInode root = Iget.iget(sbi, buf, log, sbi.rootNid);
        if (!root.isDir()) {
            Coverage.hit("erofs_fc_fill_super:root-not-dir");
            log.err(FN, "rootino(nid " + sbi.rootNid + ") is not a directory(i_mode "
                    + Integer.toOctalString(root.mode()) + ")");
            throw new KernelError(Errno.EINVAL);
        }
        if (!metaboxFirst && fragments && sbi.packedNid != 0) {
            sbi.packedInode = Iget.iget(sbi, buf, log, sbi.packedNid);
        }
        // d_make_root, erofs_shrinker_register, then the long xattr name prefixes
        XattrPrefixes.init(sbi, buf, log, ctx.notes);
        Coverage.hit("erofs_fc_fill_super:ok");
        return new FilledSuper(buf, root);
    }
}
