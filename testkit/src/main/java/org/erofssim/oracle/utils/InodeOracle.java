package org.erofssim.oracle.utils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erofssim.block.ImageBytes;
import org.erofssim.sb.ErofsInode;
import org.erofssim.inode.Iget;
import org.erofssim.sb.MetaBuf;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * The model's {@code erofs_iget} ({@link Iget}) on every inode erofs-utils listed, against
 * {@code dump.erofs --nid}: data layout, inode size, xattr area size, mode, owners, link
 * count, size and mtime. The inodes are read through an {@link SbInfo#withDevices} superblock
 * info (block size 4 KiB, {@code meta_blkaddr} 0, epoch 0): fine for mkfs 1.5 images, whose
 * metadata starts at block 0; a compact inode's mtime is the superblock epoch plus its own
 * field, so the epoch dump.erofs printed is added here.
 */
public final class InodeOracle {
    private InodeOracle() {}

    /** One disagreement about one inode. */
    public record Difference(String path, long nid, String field, String utils, String model) {
        @Override public String toString() {
            return path + " (nid " + nid + ") " + field + ": dump.erofs " + utils + ", model " + model;
        }
    }

    /** Compares every inode of {@code utils} with the model's {@code erofs_iget} of the same nid. */
    public static List<Difference> compare(Path image, UtilsTree.Result utils, KernelProfile kernel) {
        List<Difference> out = new ArrayList<>();
        if (utils.superblock().metaBlkaddr() != 0) {
            out.add(new Difference("/", utils.superblock().rootNid(), "meta_blkaddr", "0 expected by this oracle",
                    Long.toString(utils.superblock().metaBlkaddr())));
            return out;
        }
        KernelConfig kc = KernelConfig.of(kernel);
        SbInfo sbi = SbInfo.withDevices(kc, 12, false, ImageBytes.map(image), List.of());
        MetaBuf buf = new MetaBuf(sbi);
        SbLog log = new SbLog(new org.erofssim.kernel.KernelLog(), kc, sbi.sId());
        long epoch = utils.superblock().created();
        for (Map.Entry<String, DumpErofs.InodeInfo> e : utils.inodes().entrySet()) {
            DumpErofs.InodeInfo d = e.getValue();
            String p = e.getKey();
            ErofsInode m;
            try {
                m = Iget.iget(sbi, buf, log, d.nid());
            } catch (KernelError k) {
                out.add(new Difference(p, d.nid(), "iget", "readable", k.errno().name()));
                continue;
            }
            eq(out, p, d.nid(), "type", UtilsTree.typeOf(d.type()), m.typeName());
            eq(out, p, d.nid(), "layout", d.layout(), m.layout());
            eq(out, p, d.nid(), "inode size", d.inodeSize(), m.isize());
            eq(out, p, d.nid(), "xattr size", d.xattrSize(), (long) m.xattrIsize());
            eq(out, p, d.nid(), "mode & 0777", Integer.toOctalString(d.access()), Integer.toOctalString(m.mode() & 0777));
            eq(out, p, d.nid(), "uid", d.uid(), m.uid());
            eq(out, p, d.nid(), "gid", d.gid(), m.gid());
            eq(out, p, d.nid(), "nlink", d.links(), m.nlink());
            eq(out, p, d.nid(), "size", d.size(), m.size());
            long mtime = m.extended() ? m.mtime() : epoch + m.mtime();
            eq(out, p, d.nid(), "mtime", d.mtime() + "." + d.mtimeNsec(), mtime + "." + m.mtimeNsec());
        }
        return out;
    }

    private static void eq(List<Difference> out, String path, long nid, String field, Object utils, Object model) {
        if (!String.valueOf(utils).equals(String.valueOf(model))) {
            out.add(new Difference(path, nid, field, String.valueOf(utils), String.valueOf(model)));
        }
    }
}
