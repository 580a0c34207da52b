package org.erofssim.mount;

import org.erofssim.ondisk.FeatureIncompat;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.read.BdevReadaheadRace;
import org.erofssim.read.ReadPattern;
import org.erofssim.sb.MetaBuf;
import org.erofssim.file.TreeWalk;
import org.erofssim.contract.DeviceInfo;
import org.erofssim.contract.MetadataCache;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Statfs;
import org.erofssim.contract.TreeEntry;
import org.erofssim.file.TreeWalk;
import org.erofssim.kernel.KernelLog;
import org.erofssim.sb.ErofsDevice;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.SbInfo;

/**
 * Turns a mounted superblock into the contract's outcome (statfs, show_options, devices) and,
 * when the scenario asks, walks its tree ({@link TreeWalk}) and reports the metadata cache.
 */
final class Describe {
    private Describe() {}

    /**
     * What a scenario asks of a mounted superblock besides the mount: {@code read} walks the
     * tree, {@code extents} adds FIEMAP extents to its files (only with {@code read}),
     * {@code probeCache} reports the metadata cache's pages; the walk's compressed bdev reads
     * take side {@code race} of the readahead race.
     */
    record Probes(boolean read, boolean extents, boolean probeCache, BdevReadaheadRace race, ReadPattern pattern) {
        static final Probes NONE = new Probes(false, false, false, BdevReadaheadRace.COMPLETED, ReadPattern.DEFAULT);
    }

    static MountOutcome.Mounted mounted(GetTree.Result r, KernelLog log, List<String> notes, Probes probes) {
        SbInfo sbi = r.sbi();
        List<TreeEntry> tree = tree(r, log, probes);
        // with "separate plain and compressed filesystems formally" a filesystem is compressed when it
        // has an algorithm (a non-zero lz4_max_distance counts) [obs-7.3-amd64: cache_strategy= shown
        // for an image with neither incompat bit but lz4_max_distance 4, fuzz seed 15 case 333]
        boolean compressible = sbi.kernel.has(org.erofssim.kernel.Behavior.PLAIN_COMPRESSED_SEPARATED)
                ? sbi.availableComprAlgs != 0
                : (sbi.featureIncompat & (FeatureIncompat.ZERO_PADDING.bit() | FeatureIncompat.COMPR_CFGS.bit())) != 0;
        String superOptions = ShowOptions.render(sbi.opts.withDaxAlways(sbi.daxAlways), sbi.mode, sbi.kernel, compressible);
        Statfs statfs = StatfsModel.statfs(sbi, r.bdevDev());
        List<DeviceInfo> devices = new ArrayList<>();
        for (ErofsDevice d : sbi.devices) {
            devices.add(new DeviceInfo(d.id, d.tag, d.backing.kind(), d.blocks, d.mappedBlkaddr, d.path));
        }
        return new MountOutcome.Mounted(sbi.mode, List.copyOf(log.lines()), r.superblock(), superOptions, statfs,
                List.copyOf(devices), tree, List.copyOf(notes), cache(r, probes), KillSb.releases(sbi, r.superblock()));
    }

    /**
     * A mount that reused the live superblock of its block device: the first mount's outcome,
     * with this attempt's log and notes, and a walk of the live superblock when asked (its
     * metadata cache is the live one, warm from the first mount).
     */
    static MountOutcome.Mounted reused(GetTree.Result r, KernelLog log, List<String> notes, Probes probes) {
        MountOutcome.Mounted prev = r.reused();
        List<TreeEntry> tree = probes.read() && r.filled() != null ? tree(r, log, probes) : prev.tree();
        return new MountOutcome.Mounted(prev.mode(), List.copyOf(log.lines()), prev.superblock(), prev.superOptions(),
                prev.statfs(), prev.devices(), tree, List.copyOf(notes), cache(r, probes), prev.unmount());
    }

    private static List<TreeEntry> tree(GetTree.Result r, KernelLog log, Probes probes) {
        if (!probes.read() || r.filled() == null) {
            return null;
        }
        return TreeWalk.walk(r.sbi(), r.filled().buf(), r.filled().root(), log, probes.extents(), probes.race(),
                probes.pattern(), probes.probeCache());
    }

    private static MetadataCache cache(GetTree.Result r, Probes probes) {
        if (!probes.probeCache() || r.filled() == null) {
            return null;
        }
        MetaBuf buf = r.filled().buf();
        return new MetadataCache(buf.cache(), new ArrayList<>(buf.touchedPages()));
    }
}
