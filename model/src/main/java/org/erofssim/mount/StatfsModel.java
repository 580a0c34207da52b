package org.erofssim.mount;

import org.erofssim.kernel.Behavior;
import org.erofssim.block.DevT;
import org.erofssim.contract.Statfs;
import org.erofssim.ondisk.Superblock;
import org.erofssim.sb.SbInfo;

/** {@code erofs_statfs} (fs/erofs/super.c, spec §8.1). */
final class StatfsModel {
    /** {@code EROFS_NAME_LEN}. */
    static final int NAME_LEN = 255;

    private StatfsModel() {}

    /**
     * @param bdevDev the superblock's block device number, null without one
     */
    static Statfs statfs(SbInfo sbi, DevT bdevDev) {
        long files = -1L; // ULLONG_MAX
        long ffree = -1L - sbi.inos;
        int fsid0;
        int fsid1;
        // before the UUID-based f_fsid it was always the device number
        if (!sbi.kernel.has(Behavior.STATFS_FSID_FROM_UUID) || isNull(sbi.uuid)) {
            long v = bdevDev == null ? 0 : bdevDev.newEncode(); // huge_encode_dev
            fsid0 = (int) v;
            fsid1 = (int) (v >>> 32);
        } else {
            long v = le64(sbi.uuid, 0) ^ le64(sbi.uuid, 8); // uuid_to_fsid
            fsid0 = (int) v;
            fsid1 = (int) (v >>> 32);
        }
        return new Statfs(Superblock.MAGIC & 0xFFFFFFFFL, 1L << sbi.blocksizeBits, sbi.totalBlocks, 0, 0,
                files, ffree, NAME_LEN, fsid0, fsid1);
    }

    private static boolean isNull(byte[] uuid) {
        for (byte b : uuid) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static long le64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }
}
