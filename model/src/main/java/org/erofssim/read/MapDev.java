package org.erofssim.read;

import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.ErofsDevice;
import org.erofssim.sb.SbInfo;

/**
 * {@code erofs_map_dev} (fs/erofs/data.c, spec §5): turns a device id and a physical byte
 * address from {@code erofs_map_blocks} into the device to read and the byte offset on it.
 */
public final class MapDev {
    private MapDev() {}

    /**
     * Where a physical address lands.
     *
     * @param device    the erofs device id read from (0 = primary)
     * @param backing   what is read
     * @param position  the byte position on {@code backing} (6.16+: {@code fsoffset} added on the primary)
     */
    public record Target(int device, DeviceBacking backing, long position) {}

    /**
     * Maps {@code (deviceId, pa)}. A non-zero id names device {@code id-1} of the table: missing →
     * ENODEV; in flat mode the address moves by that device's {@code mapped_blkaddr} blocks on the
     * primary; otherwise it is read from that device unchanged. Id 0 with extra devices and not
     * flat: the first device (in id order) with a non-zero {@code mapped_blkaddr} whose range
     * {@code [mapped_blkaddr, mapped_blkaddr + blocks)} (in blocks) holds the address takes it,
     * minus its start; no match → the primary.
     *
     * @throws KernelError ENODEV for an id without a device
     */
    public static Target map(SbInfo sbi, int deviceId, long pa) {
        int bits = sbi.blkszbits();
        if (deviceId != 0) {
            if (deviceId - 1 >= sbi.devices().size()) {
                Coverage.hit("erofs_map_dev:no-device");
                throw new KernelError(Errno.ENODEV, "device id " + deviceId + " has no device");
            }
            ErofsDevice dif = sbi.devices().get(deviceId - 1);
            if (sbi.flatdev()) {
                Coverage.hit("erofs_map_dev:flat-shift");
                return onPrimary(sbi, pa + (dif.mappedBlkaddr() << bits));
            }
            Coverage.hit("erofs_map_dev:by-id");
            return new Target(deviceId, dif.backing(), pa);
        }
        if (!sbi.devices().isEmpty() && !sbi.flatdev()) {
            for (ErofsDevice dif : sbi.devices()) {
                if (dif.mappedBlkaddr() == 0) {
                    continue;
                }
                long start = dif.mappedBlkaddr() << bits;
                long length = dif.blocks() << bits;
                if (Long.compareUnsigned(pa, start) >= 0 && Long.compareUnsigned(pa, start + length) < 0) {
                    Coverage.hit("erofs_map_dev:unified-range");
                    return new Target(dif.id(), dif.backing(), pa - start);
                }
            }
            Coverage.hit("erofs_map_dev:unified-miss");
        }
        return onPrimary(sbi, pa);
    }

    private static Target onPrimary(SbInfo sbi, long pa) {
        long off = sbi.kernel().has(Behavior.FSOFFSET_OPTION) ? sbi.fsoffset() : 0;
        return new Target(0, sbi.primary(), pa + off);
    }
}
