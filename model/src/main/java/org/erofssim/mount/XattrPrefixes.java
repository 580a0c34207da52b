package org.erofssim.mount;

import java.util.ArrayList;
import java.util.List;
import org.erofssim.file.DataReader;
import org.erofssim.file.InodeBuf;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.XattrLongPrefix;
import org.erofssim.sb.ErofsBuf;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.NotModelled;
import org.erofssim.sb.ReadMetadata;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code erofs_xattr_prefixes_init} (fs/erofs/xattr.c), called by {@code erofs_fc_fill_super}
 * after the root dentry exists: loads {@code xattr_prefix_count} long xattr name prefixes
 * ({@link XattrLongPrefix}) from byte {@code xattr_prefix_start * 4} of
 * <ul>
 *   <li>with {@link Behavior#XATTR_PREFIX_PLACEMENT}: the metadata area when
 *       {@code COMPAT_PLAIN_XATTR_PFX} is set; otherwise the metabox inode (METABOX), else the
 *       packed inode, else the metadata area;</li>
 *   <li>before it: the packed inode when there is one, else the metadata area.</li>
 * </ul>
 * Each entry is one {@code erofs_read_metadata} record ({@link ReadMetadata}); its read error
 * (EIO through the packed inode's data path, for instance) fails the mount, and so does a record
 * shorter than {@link XattrLongPrefix#HEAD_SIZE} or longer than {@link XattrLongPrefix#MAX_SIZE}:
 * EUCLEAN. Neither prints a line [obs-6.18.44: a zero length (read as 65536), a length of 257 and
 * a table past the end of the image (zeros, so a zero length) each fail the mount with EUCLEAN and
 * an empty log, in file-backed and loop mounts].
 *
 * <p>The kernel does not look at {@code INCOMPAT_XATTR_PREFIXES}: a non-zero count is loaded
 * whatever the feature bits say [obs-6.18.44], and nothing checks a base index here. A failure
 * frees what was loaded ({@code erofs_xattr_prefixes_cleanup}); without CONFIG_EROFS_FS_XATTR
 * the function is a stub and the superblock's count was never read. A table in the metabox inode
 * is read through its page cache ({@code SbInfo.metaboxBuf}) [obs-6.18.44: fuzz seed 15 case 1120,
 * {@code modern/metabox.erofs} with xattr_prefix_count 255: EUCLEAN, no line]; where the model
 * cannot read that inode's data the table is unknown (a note), and so are the names that use it.
 */
final class XattrPrefixes {
    private XattrPrefixes() {}

    static void init(SbInfo sbi, MetaBuf buf, SbLog log, List<String> notes) {
        sbi.xattrPrefixes = List.of();
        sbi.xattrPrefixesUnknown = null;
        if (!sbi.kernel.enabled(ConfigFlag.EROFS_FS_XATTR) || sbi.xattrPrefixCount == 0) {
            return;
        }
        ErofsBuf src;
        String where;
        boolean placement = sbi.kernel.has(Behavior.XATTR_PREFIX_PLACEMENT);
        boolean plain = placement && sbi.hasCompat(FeatureCompat.PLAIN_XATTR_PFX.bit());
        if (placement && !plain && sbi.kernel.has(Behavior.METABOX) && sbi.hasIncompat(FeatureIncompat.METABOX.bit())) {
            if (sbi.metaboxBuf == null) {
                sbi.xattrPrefixesUnknown = "the long xattr prefixes are in the metabox inode (nid " + sbi.metaboxNid
                        + "), whose data the model does not read";
                notes.add("not modelled: " + sbi.xattrPrefixesUnknown);
                return;
            }
            src = sbi.metaboxBuf;
            where = "metabox inode nid " + sbi.metaboxNid;
        } else if (!plain && sbi.packedInode != null) {
            src = new InodeBuf(new DataReader(sbi, buf, log), sbi.packedInode);
            where = "packed inode nid " + sbi.packedNid;
        } else {
            src = buf;
            where = "metadata area";
        }
        long pos = sbi.xattrPrefixStart << 2;
        List<XattrLongPrefix> table = new ArrayList<>(sbi.xattrPrefixCount);
        try {
            for (int i = 0; i < sbi.xattrPrefixCount; i++) {
                ReadMetadata.Record r = ReadMetadata.read(src, pos, sbi.blockSize());
                int len = r.data().length;
                if (len < XattrLongPrefix.HEAD_SIZE || len > XattrLongPrefix.MAX_SIZE) {
                    throw new KernelError(Errno.EUCLEAN, "long xattr prefix " + i + " of " + sbi.xattrPrefixCount
                            + " in the " + where + " has length " + len);
                }
                table.add(XattrLongPrefix.decode(r.data()));
                pos = r.next();
            }
        } catch (NotModelled e) {
            sbi.xattrPrefixesUnknown = "the long xattr prefixes in the " + where + ": " + e.getMessage();
            notes.add("not modelled: " + sbi.xattrPrefixesUnknown);
            return;
        }
        sbi.xattrPrefixes = List.copyOf(table);
    }
}
