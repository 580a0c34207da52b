package org.erofssim.mount;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.contract.SuperblockInfo;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.sb.DeviceBacking;
import org.erofssim.sb.ErofsDevice;
import org.erofssim.sb.Mode;
import org.erofssim.sb.SbInfo;

/**
 * {@code erofs_kill_sb} and {@code erofs_put_super} (fs/erofs/super.c, spec §8.2): what
 * unmounting a superblock releases, in the kernel's order, as lines a person can read.
 */
public final class KillSb {
    private KillSb() {}

    static List<String> releases(SbInfo sbi, SuperblockInfo info) {
        List<String> out = new ArrayList<>();
        // erofs_put_super runs first, from generic_shutdown_super, because the root exists
        out.add("remove /sys/fs/erofs/" + info.sysfsName() + "/");
        for (ErofsDevice d : sbi.devices) {
            String what = releaseOf(d.backing, "device " + d.id);
            if (what != null) {
                out.add(what);
            }
        }
        boolean anon = (sbi.kernel.enabled(ConfigFlag.EROFS_FS_ONDEMAND) && sbi.opts.fsid().isPresent())
                || sbi.mode == Mode.FILEIO;
        if (anon) {
            out.add("kill_anon_super: free anonymous device " + info.dev());
        } else {
            out.add("kill_block_super: release the exclusive claim on " + info.dev() + " (" + sbi.sId + ")");
        }
        if (sbi.mode == Mode.FSCACHE) {
            out.add("unregister fscache volume " + Fscache.volumeName(sbi) + " and its primary cookie");
        }
        if (sbi.dif0 instanceof DeviceBacking.OfFile f) {
            out.add("fput backing file " + f.path());
        }
        return List.copyOf(out);
    }

    private static String releaseOf(DeviceBacking b, String who) {
        if (b instanceof DeviceBacking.OfFile f) {
            return "fput " + who + " file " + f.path();
        }
        if (b instanceof DeviceBacking.OfBdev d) {
            return "release " + who + " block device " + d.path() + " (holder: the erofs file-system type)";
        }
        if (b instanceof DeviceBacking.OfCookie c) {
            return "unregister " + who + " fscache cookie " + c.name();
        }
        return null;
    }
}
