package org.erofssim.data;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.mount.SbInfo;
import org.erofssim.mount.SbLog;
import org.erofssim.ondisk.XattrEntry;
import org.erofssim.ondisk.XattrIbodyHeader;

/**
 * Extended attributes as {@code llistxattr} and then {@code lgetxattr} of every listed name
 * see them (fs/erofs/xattr.c): {@code erofs_init_inode_xattrs}, {@code erofs_listxattr},
 * {@code erofs_getxattr}, all through the metadata buffer.
 *
 * <p>Listing order is the kernel's: the inline entries, then the shared ones in the order of
 * the inode's shared-id array. A name is listed with the prefix of its name index when that
 * prefix may be listed ({@code erofs_xattr_prefix}): 1 {@code user.} (only with
 * {@code user_xattr}), 2 {@code system.posix_acl_access} and 3
 * {@code system.posix_acl_default} (CONFIG_EROFS_FS_POSIX_ACL), 4 {@code trusted.} (the
 * harness runs as root: {@code capable(CAP_SYS_ADMIN)}), 6 {@code security.}; any other
 * index is skipped. Long-prefix entries (index bit 0x80) whose prefix number is beyond the
 * superblock's prefix count are skipped as the kernel does; the others are reported as a note
 * and left out (long prefixes are not modelled). Without CONFIG_EROFS_FS_XATTR the inode has
 * no {@code listxattr} and the list is empty.
 *
 * <p>Values are those {@code erofs_getxattr} finds first for the (index, name) pair, inline
 * before shared. POSIX ACL values are given as stored; the kernel re-encodes them through
 * {@code posix_acl_from_xattr}/{@code posix_acl_to_xattr}, which changes nothing for the
 * canonical values mkfs copies from a real tree. The 6.x xattr name bloom filter
 * ({@code COMPAT_XATTR_FILTER}) that may make {@code getxattr} answer ENODATA is not modelled.
 */
public final class Xattrs {
    public static final int INDEX_USER = 1, INDEX_POSIX_ACL_ACCESS = 2, INDEX_POSIX_ACL_DEFAULT = 3,
            INDEX_TRUSTED = 4, INDEX_LUSTRE = 5, INDEX_SECURITY = 6;
    /** {@code EROFS_XATTR_LONG_PREFIX}. */
    public static final int LONG_PREFIX = 0x80;
    private static final String FN = "erofs_init_inode_xattrs";

    private Xattrs() {}

    /**
     * The result: names to base64 values in listing order (null when {@code listxattr} failed),
     * the errno of that failure, and model remarks.
     */
    public record Listed(Map<String, String> values, Errno errno, List<String> notes) {}

    /**
     * One entry {@code erofs_listxattr} lists: its name index, name bytes and where its value
     * lies (read later, by {@code erofs_getxattr}).
     */
    record Located(int index, byte[] name, long valuePos, int valueSize) {}

    /** {@code llistxattr} followed by {@code lgetxattr} of each listed name. */
    public static Listed list(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode) {
        if (!sbi.kernel().enabled(ConfigFlag.EROFS_FS_XATTR)) {
            return new Listed(Map.of(), null, List.of());
        }
        List<String> notes = new ArrayList<>();
        List<Located> entries;
        try {
            entries = listEntries(sbi, buf, log, inode, notes);
        } catch (KernelError e) {
            return new Listed(null, e.errno(), List.of());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Located r : entries) {
            String name = prefix(sbi, r.index()) + new String(r.name(), StandardCharsets.UTF_8);
            if (out.containsKey(name)) {
                continue; // getxattr returns the first match
            }
            try {
                out.put(name, Base64.getEncoder().encodeToString(copy(sbi, buf, r.valuePos(), r.valueSize())));
            } catch (KernelError e) {
                out.put(name, null);
                notes.add("getxattr " + name + ": " + e.errno().name());
            }
        }
        return new Listed(out, null, List.copyOf(notes));
    }

    /**
     * The POSIX ACL handlers list their names only where the superblock has {@code SB_POSIXACL}
     * ({@code posix_acl_xattr_list}): CONFIG_EROFS_FS_POSIX_ACL and the {@code acl} option
     * [obs-6.18.44: with {@code noacl} a file's {@code system.posix_acl_access} is not listed].
     */
    static boolean posixAcl(SbInfo sbi) {
        return sbi.kernel().enabled(ConfigFlag.EROFS_FS_POSIX_ACL) && sbi.options().acl();
    }

    /**
     * {@code erofs_xattr_prefix}: the listed prefix of a name index, or null where
     * {@code erofs_listxattr} skips the entry.
     */
    public static String prefix(SbInfo sbi, int index) {
        switch (index) {
            case INDEX_USER:
                return sbi.options().userXattr() ? "user." : null;
            case INDEX_POSIX_ACL_ACCESS:
                return posixAcl(sbi) ? "system.posix_acl_access" : null;
            case INDEX_POSIX_ACL_DEFAULT:
                return posixAcl(sbi) ? "system.posix_acl_default" : null;
            case INDEX_TRUSTED:
                return "trusted.";
            case INDEX_SECURITY:
                return "security.";
            default:
                return null;
        }
    }

    /**
     * {@code erofs_init_inode_xattrs} then {@code erofs_listxattr}: the listable entries, inline
     * then shared. Errors: an inline area of exactly the 12-byte header (EOPNOTSUPP, after
     * {@code xattr_isize 12 of nid N is not supported yet}); an inline entry running past the
     * area (EUCLEAN, silent); metadata read errors. Entry heads are read for every entry, names
     * only for listed ones.
     */
    static List<Located> listEntries(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode, List<String> notes) {
        int xattrIsize = inode.xattrIsize();
        if (xattrIsize == XattrIbodyHeader.SIZE) {
            log.err(FN, "xattr_isize " + xattrIsize + " of nid " + inode.nid() + " is not supported yet");
            throw new KernelError(Errno.EOPNOTSUPP, "xattr ibody of only a header");
        }
        if (xattrIsize < XattrIbodyHeader.SIZE) {
            return List.of(); // ENOATTR: listxattr answers 0
        }
        int bits = sbi.blocksizeBits();
        long hpos = inode.iloc() + inode.isize();
        ByteBuffer page = buf.page(hpos);
        int sharedCount = XattrIbodyHeader.decode(page, MetaBuf.inPage(hpos)).sharedCount();
        long[] shared = new long[sharedCount];
        long pos = hpos + XattrIbodyHeader.SIZE;
        for (int i = 0; i < sharedCount; i++) {
            ByteBuffer p = buf.page(pos);
            shared[i] = p.getInt(MetaBuf.inPage(pos)) & 0xFFFFFFFFL;
            pos += 4;
        }
        List<Located> out = new ArrayList<>();
        long headerSize = XattrIbodyHeader.SIZE + 4L * sharedCount;
        if (headerSize < xattrIsize) {
            long remaining = xattrIsize - headerSize;
            pos = hpos + headerSize;
            while (remaining > 0) {
                XattrEntry e = XattrEntry.decode(buf.page(pos), MetaBuf.inPage(pos));
                int entrySize = e.entrySize();
                if (remaining < entrySize) {
                    throw new KernelError(Errno.EUCLEAN, "xattr entry beyond xattr_isize of nid " + inode.nid());
                }
                remaining -= entrySize;
                located(sbi, buf, pos, e, notes, out);
                pos += entrySize;
            }
        }
        for (long id : shared) {
            long spos = (sbi.xattrBlkaddr() << bits) + id * 4;
            XattrEntry e = XattrEntry.decode(buf.page(spos), MetaBuf.inPage(spos));
            located(sbi, buf, spos, e, notes, out);
        }
        return out;
    }

    /** {@code erofs_listxattr_foreach}: lists one entry, or skips it. */
    private static void located(SbInfo sbi, MetaBuf buf, long pos, XattrEntry e, List<String> notes,
                                List<Located> out) {
        long namePos = pos + XattrEntry.SIZE;
        if ((e.nameIndex() & LONG_PREFIX) != 0) {
            int n = e.nameIndex() & (LONG_PREFIX - 1);
            if (n < sbi.xattrPrefixCount()) {
                notes.add("an xattr with long name prefix " + n + " is left out (long prefixes are not modelled)");
            }
            return;
        }
        if (prefix(sbi, e.nameIndex()) == null) {
            return;
        }
        byte[] name = copy(sbi, buf, namePos, e.nameLen());
        out.add(new Located(e.nameIndex(), name, namePos + e.nameLen(), e.valueSize()));
    }

    /** {@code erofs_xattr_copy_to_buffer}: bytes read block by block through the metadata buffer. */
    private static byte[] copy(SbInfo sbi, MetaBuf buf, long pos, int len) {
        int bs = 1 << sbi.blocksizeBits();
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        long p = pos;
        int left = len;
        while (left > 0) {
            int slice = (int) Math.min(bs - (p & (bs - 1)), left);
            ByteBuffer page = buf.page(p);
            int in = MetaBuf.inPage(p);
            byte[] b = new byte[slice];
            int n = Math.max(0, Math.min(slice, page.capacity() - in));
            page.get(in, b, 0, n);
            out.write(b, 0, slice);
            p += slice;
            left -= slice;
        }
        return out.toByteArray();
    }
}
