package org.erofssim.mount;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.kernel.KernelLog;

/** Turns a mounted superblock into the contract's outcome (statfs, show_options, devices). */
final class Describe {
    private Describe() {}

    static MountOutcome.Mounted mounted(GetTree.Result r, KernelLog log, List<String> notes, boolean read) {
        SbInfo sbi = r.sbi();
        String superOptions = ShowOptions.render(sbi.opts.withDaxAlways(sbi.daxAlways), sbi.mode, sbi.kernel);
        Statfs statfs = StatfsModel.statfs(sbi, r.bdevDev());
        List<DeviceInfo> devices = new ArrayList<>();
        for (ErofsDevice d : sbi.devices) {
            devices.add(new DeviceInfo(d.id, d.tag, kindOf(d.backing), d.blocks, d.mappedBlkaddr, d.path));
        }
        return new MountOutcome.Mounted(sbi.mode, log.lines(), r.superblock(), superOptions, statfs,
                List.copyOf(devices), null, List.copyOf(notes));
    }

    /** The contract's device {@code kind}: file, bdev, blob (fscache cookie) or flat (not opened). */
    static String kindOf(DeviceBacking b) {
        if (b instanceof DeviceBacking.OfFile) {
            return "file";
        }
        if (b instanceof DeviceBacking.OfBdev) {
            return "bdev";
        }
        if (b instanceof DeviceBacking.OfCookie) {
            return "blob";
        }
        return "flat";
    }
}
