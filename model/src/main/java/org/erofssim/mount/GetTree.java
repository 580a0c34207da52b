package org.erofssim.mount;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.block.DevT;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.SuperblockInfo;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.Mode;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code erofs_fc_get_tree} (fs/erofs/super.c, spec §3) with the VFS helpers it calls,
 * {@code get_tree_bdev_flags} and {@code get_tree_nodev}: chooses the mode and creates or
 * reuses the superblock.
 */
final class GetTree {
    private GetTree() {}

    /**
     * A mounted superblock: its info, its VFS superblock facts and what fill_super left; for a
     * reused superblock ({@code reused} set) the live superblock's fill result.
     */
    record Result(SbInfo sbi, SuperblockInfo superblock, DevT bdevDev, FilledSuper filled,
                  MountOutcome.Mounted reused) {}

    /** The mode reached so far, for the outcome of a failure. */
    static final class Progress {
        Mode mode;
    }

    static Result getTree(MountContext ctx, Progress progress) {
        boolean ondemand = ctx.kernel.enabled(ConfigFlag.EROFS_FS_ONDEMAND);
        boolean byFile = ctx.kernel.enabled(ConfigFlag.EROFS_FS_BACKED_BY_FILE);
        if (ondemand && ctx.opts.fsid().isPresent()) {
            Coverage.hit("erofs_fc_get_tree:fscache");
            progress.mode = Mode.FSCACHE;
            return getTreeNodev(ctx, Mode.FSCACHE, null);
        }
        boolean quiet = byFile && ctx.kernel.has(Behavior.QUIET_BDEV_LOOKUP);
        KernelError notBlock;
        try {
            return getTreeBdev(ctx, quiet, progress);
        } catch (KernelError e) {
            if (e.errno() != Errno.ENOTBLK || !byFile) {
                throw e;
            }
            notBlock = e;
        } catch (DeviceScan.ExtraBdevNotBlock e) {
            Coverage.hit("erofs_fc_get_tree:extra-enotblk-fallback");
            ctx.notes.add("extra device " + e.path + " is not a block device: ENOTBLK leaks out of fill_super and "
                    + "erofs_fc_get_tree takes the file-backed fallback on the freed erofs_sb_info "
                    + "(use-after-free, fixed in 6.16 by \"erofs: avoid using multiple devices with different type\")");
            if (!byFile) {
                throw new KernelError(Errno.ENOTBLK);
            }
            notBlock = new KernelError(Errno.ENOTBLK);
        }
        // the file-backed fallback
        Coverage.hit("erofs_fc_get_tree:file-fallback");
        if (ctx.source == null) {
            ctx.vfsMessage("No source specified");
            throw new KernelError(Errno.EINVAL);
        }
        VirtualNamespace.Resolved r = FileOpen.filpOpen(ctx, ctx.source);
        if (r.node() instanceof Node.RegularFile f
                && (f.fs().hasReadFolio() || !ctx.kernel.has(Behavior.FILEIO_REGULAR_FILE_CHECK))) {
            Coverage.hit("erofs_fc_get_tree:fileio");
            progress.mode = Mode.FILEIO;
            return getTreeNodev(ctx, Mode.FILEIO, new DeviceBacking.OfFile(f, ctx.source));
        }
        if (!ctx.kernel.has(Behavior.FILEIO_REGULAR_FILE_CHECK)) {
            Coverage.hit("erofs_fc_get_tree:fileio-not-regular-unchecked");
            throw new KernelCrash("a " + r.node().kind() + " became a file-backed mount without a type check "
                    + "(syzbot 001306cd9c92; fixed by \"erofs: ensure regular inodes for file-backed mounts\")");
        }
        Coverage.hit("erofs_fc_get_tree:not-regular");
        throw notBlock;
    }

    /** {@code get_tree_bdev_flags} (fs/super.c). */
    private static Result getTreeBdev(MountContext ctx, boolean quiet, Progress progress) {
        if (ctx.source == null) {
            ctx.vfsMessage("No source specified");
            throw new KernelError(Errno.EINVAL);
        }
        // before "fs: open block device after superblock creation" one blkdev_get_by_path looks
        // up and opens, and any failure of either is "Can't open blockdev"
        boolean lookupFirst = ctx.kernel.has(Behavior.BDEV_LOOKUP_BEFORE_OPEN);
        Node.BlockDevice bdev;
        try {
            bdev = Vfs.lookupBdev(ctx.namespace, ctx.source);
        } catch (KernelError e) {
            Coverage.hit("get_tree_bdev:lookup-failed");
            if (!lookupFirst) {
                ctx.vfsMessage(ctx.source + ": Can't open blockdev");
            } else if (!quiet) {
                ctx.vfsMessage(ctx.source + ": Can't lookup blockdev");
            }
            throw e;
        }
        progress.mode = Mode.BDEV;
        String name = Vfs.bdevName(ctx.namespace, ctx.source);
        KernelState.LiveSuper live = ctx.state.bdevSupers.get(bdev.dev());
        if (live != null) {
            Coverage.hit("get_tree_bdev:reuse-super");
            if (!ctx.readOnly) {
                ctx.vfsWarning(name + ": Can't mount, would change RO state");
                throw new KernelError(Errno.EBUSY);
            }
            return new Result(live.sbi(), live.outcome().superblock(), bdev.dev(), live.filled(), live.outcome());
        }
        // setup_bdev_super: open with the new superblock as exclusive holder; before "fs: open block
        // device after superblock creation" blkdev_get_by_path held it for the file-system type, the
        // holder erofs_init_device gives extra devices too, so a device another erofs mount holds as
        // its device= is no conflict [obs-6.1.0-57: ENOTBLK from the mount's own device= file where
        // 6.12.118 answers EBUSY, fuzz seed 15 case 726, session 10]
        Object holder = lookupFirst ? new Object() : KernelState.EROFS_FS_TYPE;
        try {
            Vfs.claim(ctx.state, bdev, holder);
        } catch (KernelError e) {
            Coverage.hit("get_tree_bdev:claim-busy");
            ctx.vfsMessage(ctx.source + ": Can't open blockdev");
            throw e;
        }
        if (!ctx.readOnly && bdev.readOnly()) {
            ctx.state.claims.remove(bdev.dev());
            if (!lookupFirst) {
                ctx.vfsMessage(ctx.source + ": Can't open blockdev");
            }
            throw new KernelError(Errno.EACCES, "read-only block device opened for writing");
        }
        Coverage.hit("get_tree_bdev:new-super");
        SbInfo sbi = new SbInfo(ctx.kernel, ctx.opts);
        sbi.mode = Mode.BDEV;
        sbi.sId = name;
        sbi.dif0 = new DeviceBacking.OfBdev(bdev, ctx.source);
        FilledSuper filled = fillOrKill(sbi, ctx, bdev, holder);
        SuperblockInfo info = new SuperblockInfo(false, bdev.dev().toString(), name, 1 << sbi.blocksizeBits);
        return new Result(sbi, info, bdev.dev(), filled, null);
    }

    /** {@code get_tree_nodev}: always a new anonymous superblock with {@code s_id} "erofs". */
    private static Result getTreeNodev(MountContext ctx, Mode mode, DeviceBacking primary) {
        SbInfo sbi = new SbInfo(ctx.kernel, ctx.opts);
        sbi.mode = mode;
        sbi.sId = "erofs"; // 7.x renames a file-backed one in fill_super (FillSuper, FILEIO_SID_DEVNUM)
        sbi.dif0 = primary;
        FilledSuper filled = fillOrKill(sbi, ctx, null, null);
        String sysfs = sysfsName(sbi);
        return new Result(sbi, new SuperblockInfo(true, "0:*", sysfs, 1 << sbi.blocksizeBits), null, filled, null);
    }

    /**
     * fill_super, then sysfs registration; on any failure {@code kill_sb} releases what was
     * claimed (the primary's holder claim, extra block devices claimed by this attempt).
     */
    private static FilledSuper fillOrKill(SbInfo sbi, MountContext ctx, Node.BlockDevice bdev, Object holder) {
        List<DevT> claimedBefore = List.copyOf(ctx.state.claims.keySet());
        // kill_sb of a failed attempt relinquishes the fscache volume, domain and cookies it registered
        List<java.util.Set<String>> fscache = List.of(ctx.state.fscacheVolumes, ctx.state.fscacheDomains,
                ctx.state.fscacheCookies);
        List<List<String>> fscacheBefore = List.of(List.copyOf(fscache.get(0)), List.copyOf(fscache.get(1)),
                List.copyOf(fscache.get(2)));
        SbLog log = new SbLog(ctx.log, ctx.kernel, sbi.sId);
        try {
            FilledSuper filled = FillSuper.fill(sbi, ctx, log, bdev);
            String name = sysfsName(sbi);
            if (sbi.mode != Mode.FILEIO && !ctx.state.sysfsNames.add(name)) {
                throw new KernelError(Errno.EEXIST, "/sys/fs/erofs/" + name + " exists");
            }
            log.info("mounted with root inode @ nid " + Long.toUnsignedString(sbi.rootNid) + ".");
            return filled;
        } catch (RuntimeException e) {
            ctx.state.claims.keySet().retainAll(claimedBefore);
            for (int i = 0; i < fscache.size(); i++) {
                fscache.get(i).retainAll(fscacheBefore.get(i));
            }
            if (holder != null) {
                ctx.state.claims.remove(bdev.dev());
            }
            throw e;
        }
    }

    /** {@code erofs_set_sysfs_name} (spec §4.5). */
    static String sysfsName(SbInfo sbi) {
        if (sbi.opts.domainId().isPresent()) {
            return sbi.opts.domainId().get() + "," + sbi.opts.fsid().orElse("(null)");
        }
        if (sbi.opts.fsid().isPresent()) {
            return sbi.opts.fsid().get();
        }
        if (sbi.mode == Mode.FILEIO) {
            return sbi.kernel.has(Behavior.FILEIO_SID_DEVNUM) ? "0:*" : "erofs-*";
        }
        return sbi.sId;
    }
}
