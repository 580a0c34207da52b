package org.erofssim.mount;

import java.nio.ByteBuffer;
import java.util.List;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.DeviceSlot;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.Superblock;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.ErofsDevice;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.Mode;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code erofs_scan_devices} and {@code erofs_init_device} (fs/erofs/super.c, spec §4.3):
 * matches the {@code device=} options with the on-disk device table, chooses flat mode, reads
 * each slot and opens each device the way the mount's mode opens devices.
 */
final class DeviceScan {
    private DeviceScan() {}

    static void scan(SbInfo sbi, Superblock dsb, MetaBuf buf, SbLog log, MountContext ctx, boolean hasDaxDev) {
        sbi.totalBlocks = sbi.dif0Blocks;
        int ondisk = sbi.hasIncompat(FeatureIncompat.DEVICE_TABLE.bit()) ? dsb.extraDevices() : 0;
        List<String> given = sbi.opts.devices();
        if (!given.isEmpty() && given.size() != ondisk) {
            Coverage.hit("erofs_scan_devices:count-mismatch");
            log.err("erofs_scan_devices", "extra devices don't match (ondisk " + ondisk + ", given " + given.size() + ")");
            throw new KernelError(Errno.EINVAL);
        }
        // 6.18: the primary's DAX check comes after the count check (a count mismatch with 'dax' logs
        // no DAX line) and before ondisk == 0 returns and before any extra device is opened [obs-6.18.44]
        if (ctx.kernel.has(Behavior.DAX_CHECK_IN_DEVICE_SCAN) && sbi.daxAlways && !hasDaxDev) {
            Coverage.hit("erofs_scan_devices:dax-no-daxdev");
            log.info("DAX unsupported by block device. Turning off DAX.");
            sbi.daxAlways = false;
        }
        if (ondisk == 0) {
            Coverage.hit("erofs_scan_devices:no-table");
            return;
        }
        if (given.isEmpty() && sbi.mode != Mode.FSCACHE && ctx.kernel.has(Behavior.FLATTENED_BLOCK_DEVICE)) {
            Coverage.hit("erofs_scan_devices:flatdev");
            sbi.flatdev = true;
        }
        sbi.deviceIdMask = SbInfo.roundupPow2(ondisk + 1) - 1;
        long pos = (long) dsb.devtSlotoff() * DeviceSlot.SIZE;
        for (int i = 0; i < ondisk; i++) {
            ErofsDevice dif = new ErofsDevice(i + 1, given.isEmpty() ? null : given.get(i));
            sbi.devices.add(dif);
            initDevice(sbi, dif, pos, buf, log, ctx);
            pos += DeviceSlot.SIZE;
        }
    }

    /** {@code erofs_init_device}. */
    private static void initDevice(SbInfo sbi, ErofsDevice dif, long pos, MetaBuf buf, SbLog log, MountContext ctx) {
        ByteBuffer page = buf.page(pos);
        // the slot's fields read in place (DeviceSlot.decode's values without its copies)
        int base = MetaBuf.inPage(pos);
        dif.tag = DeviceSlot.tagString(page, base);
        if (!sbi.flatdev && dif.path == null) {
            if (dif.tag.isEmpty()) { // the tag's first byte is NUL
                Coverage.hit("erofs_init_device:empty-tag");
                log.err("erofs_init_device", "empty device tag @ pos " + pos);
                throw new KernelError(Errno.EINVAL);
            }
            Coverage.hit("erofs_init_device:path-from-tag");
            dif.path = dif.tag;
        }
        if (sbi.mode == Mode.FSCACHE) {
            Coverage.hit("erofs_init_device:fscache");
            dif.backing = Fscache.registerCookie(sbi, ctx, log, dif.path);
        } else if (!sbi.flatdev) {
            Coverage.hit(sbi.mode == Mode.FILEIO ? "erofs_init_device:open-file" : "erofs_init_device:open-bdev");
            dif.backing = sbi.mode == Mode.FILEIO ? openFile(ctx, dif.path) : openBdev(sbi, ctx, dif.path);
        }
        dif.blocks = DeviceSlot.blocksLo(page, base);
        dif.mappedBlkaddr = DeviceSlot.uniaddrLo(page, base);
        sbi.totalBlocks += dif.blocks;
    }

    /**
     * Fileio: {@code filp_open(path, O_RDONLY | O_LARGEFILE)}; open errors propagate (a FIFO
     * blocks); anything but a regular file is EINVAL, silently.
     */
    private static DeviceBacking openFile(MountContext ctx, String path) {
        VirtualNamespace.Resolved r = FileOpen.filpOpen(ctx, path);
        if (r.node() instanceof Node.RegularFile f) {
            return new DeviceBacking.OfFile(f, path);
        }
        if (!ctx.kernel.has(Behavior.FILEIO_REGULAR_FILE_CHECK)) {
            Coverage.hit("erofs_init_device:file-not-regular-unchecked");
            ctx.notes.add("device " + path + " is a " + r.node().kind() + ": this kernel opens it as a file"
                    + " without a type check (fixed by \"erofs: ensure regular inodes for file-backed mounts\")");
            return new DeviceBacking.Flat();
        }
        Coverage.hit("erofs_init_device:file-not-regular");
        throw new KernelError(Errno.EINVAL, path + " is not a regular file");
    }

    /**
     * Bdev: {@code bdev_file_open_by_path(path, BLK_OPEN_READ, &erofs_fs_type)}: the path must
     * name a block device (else ENOTBLK; 6.16+ turns it into EINVAL); the device is claimed
     * exclusively with the erofs file-system type as holder (another holder → EBUSY).
     */
    private static DeviceBacking openBdev(SbInfo sbi, MountContext ctx, String path) {
        try {
            Node.BlockDevice bdev = Vfs.lookupBdev(ctx.namespace, path);
            Vfs.claim(ctx.state, bdev, KernelState.EROFS_FS_TYPE);
            return new DeviceBacking.OfBdev(bdev, path);
        } catch (KernelError e) {
            if (e.errno() == Errno.ENOTBLK) {
                Coverage.hit("erofs_init_device:bdev-not-block");
                if (ctx.kernel.has(Behavior.EXTRA_BDEV_ENOTBLK_TO_EINVAL)) {
                    throw new KernelError(Errno.EINVAL, path + " is not a block device");
                }
                throw new ExtraBdevNotBlock(path);
            }
            Coverage.hit("erofs_init_device:bdev-open-error");
            throw e;
        }
    }

    /**
     * ENOTBLK from an extra block device before 6.16: leaks out of fill_super, and get_tree
     * then takes the file-backed fallback on an already-freed superblock info.
     */
    static final class ExtraBdevNotBlock extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String path;

        ExtraBdevNotBlock(String path) {
            super(path, null, false, false);
            this.path = path;
        }
    }
}
