package org.erofssim.mount;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Supplier;
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

    /**
     * The lines, made when first read (session 13: a model-only fuzz campaign reads them for one
     * case in 32, when it compares two predictions, and building them for every device of an image
     * with thousands cost about 1% of its CPU). What they depend on is taken now, so later changes
     * to {@code sbi} (a device's backing) cannot show in them; only strings are kept (no image bytes).
     */
    static List<String> releases(SbInfo sbi, SuperblockInfo info) {
        int n = sbi.devices.size();
        int[] ids = new int[n];
        byte[] kinds = new byte[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            ErofsDevice d = sbi.devices.get(i);
            ids[i] = d.id;
            if (d.backing instanceof DeviceBacking.OfFile f) {
                kinds[i] = FILE;
                names[i] = f.path();
            } else if (d.backing instanceof DeviceBacking.OfBdev b) {
                kinds[i] = BDEV;
                names[i] = b.path();
            } else if (d.backing instanceof DeviceBacking.OfCookie c) {
                kinds[i] = COOKIE;
                names[i] = c.name();
            }
        }
        boolean anon = (sbi.kernel.enabled(ConfigFlag.EROFS_FS_ONDEMAND) && sbi.opts.fsid().isPresent())
                || sbi.mode == Mode.FILEIO;
        String volume = sbi.mode == Mode.FSCACHE ? Fscache.volumeName(sbi) : null;
        String sId = sbi.sId;
        String backingFile = sbi.dif0 instanceof DeviceBacking.OfFile f ? f.path() : null;
        return new Lines(() -> releases(info, ids, kinds, names, anon, sId, volume, backingFile));
    }

    private static final byte FILE = 1, BDEV = 2, COOKIE = 3;

    private static List<String> releases(SuperblockInfo info, int[] ids, byte[] kinds, String[] names, boolean anon,
                                         String sId, String volume, String backingFile) {
        List<String> out = new ArrayList<>();
        // erofs_put_super runs first, from generic_shutdown_super, because the root exists
        out.add("remove /sys/fs/erofs/" + info.sysfsName() + "/");
        for (int i = 0; i < ids.length; i++) {
            String what = releaseOf(kinds[i], names[i], "device " + ids[i]);
            if (what != null) {
                out.add(what);
            }
        }
        if (anon) {
            out.add("kill_anon_super: free anonymous device " + info.dev());
        } else {
            out.add("kill_block_super: release the exclusive claim on " + info.dev() + " (" + sId + ")");
        }
        if (volume != null) {
            out.add("unregister fscache volume " + volume + " and its primary cookie");
        }
        if (backingFile != null) {
            out.add("fput backing file " + backingFile);
        }
        return List.copyOf(out);
    }

    /** An unmodifiable list whose elements are made on first use (equal to any list of the same strings). */
    static final class Lines extends AbstractList<String> implements RandomAccess {
        private Supplier<List<String>> make;
        private volatile List<String> lines;

        Lines(Supplier<List<String>> make) {
            this.make = make;
        }

        private List<String> lines() {
            List<String> l = lines;
            if (l == null) {
                synchronized (this) {
                    l = lines;
                    if (l == null) {
                        l = make.get();
                        lines = l;
                        make = null;
                    }
                }
            }
            return l;
        }

        @Override public String get(int index) {
            return lines().get(index);
        }

        @Override public int size() {
            return lines().size();
        }
    }

    private static String releaseOf(byte kind, String name, String who) {
        switch (kind) {
            case FILE:
                return "fput " + who + " file " + name;
            case BDEV:
                return "release " + who + " block device " + name + " (holder: the erofs file-system type)";
            case COOKIE:
                return "unregister " + who + " fscache cookie " + name;
            default:
                return null;
        }
    }
}
