package org.erofssim.inode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.FeatureCompat;
import org.erofssim.ondisk.XattrEntry;
import org.erofssim.ondisk.XattrIbodyHeader;
import org.erofssim.ondisk.XattrLongPrefix;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * Extended attributes as {@code llistxattr} and then {@code lgetxattr} of every listed name
 * see them (fs/erofs/xattr.c, fs/xattr.c): {@code erofs_init_inode_xattrs},
 * {@code erofs_listxattr}, {@code erofs_getxattr}, all through the metadata buffer.
 *
 * <p><b>Listing</b> ({@link #listxattr}) builds the byte list the syscall returns: for each
 * entry, inline entries first and then the shared ones in the order of the inode's shared-id
 * array, the prefix of its name index, the stored name and a NUL, where that prefix may be listed
 * ({@code erofs_xattr_prefix}): 1 {@code user.} (only with {@code user_xattr}), 2
 * {@code system.posix_acl_access} and 3 {@code system.posix_acl_default} (POSIX ACL support and
 * the {@code acl} option), 4 {@code trusted.} (the harness runs as root:
 * {@code capable(CAP_SYS_ADMIN)}), 6 {@code security.}; any other index (0, 5, 7 and up) is
 * skipped. A long-prefix entry (index {@code 0x80 | n}) is listed as the prefix of table entry
 * {@code n}'s base index, its infix, then the stored name; it is skipped when {@code n} is not
 * below the superblock's {@code xattr_prefix_count} or its base index has no listable prefix.
 * The names are then split at NUL bytes as user space does (empty pieces dropped): an infix
 * holding a NUL yields two names [obs-6.18.44: infix {@code "a\0b."} gives {@code user.a}
 * (ENODATA) and {@code b.private} (EOPNOTSUPP)]. A list longer than {@code XATTR_LIST_MAX}
 * fails with E2BIG.
 *
 * <p><b>Values</b> ({@link #getxattr}) follow {@code vfs_getxattr}: a name longer than
 * {@code XATTR_NAME_MAX} (255) bytes is ERANGE before the filesystem sees it (a long prefix
 * can list such names [obs-6.18.44]); the POSIX ACL names go to {@code erofs_get_acl}
 * (ENODATA without {@code SB_POSIXACL}); {@code user.*} of an inode that is neither a regular
 * file nor a directory is ENODATA ({@code xattr_permission}); {@code security.*} names are
 * assumed unclaimed by any LSM; then {@code xattr_resolve_name} over the erofs handlers
 * {@code user.}, {@code trusted.}, {@code security.}: a bare prefix is EINVAL, no matching
 * prefix EOPNOTSUPP, {@code user.*} without {@code user_xattr} EOPNOTSUPP. {@code erofs_getxattr}
 * then consults the xattr name filter (COMPAT_XATTR_FILTER with {@code xattr_filter_reserved}
 * 0: the bit {@code xxh32(name, 0x25BBE08F + index) & 31} set in the inode's
 * {@code h_name_filter} means ENODATA) and takes the first entry, inline before shared, whose
 * index and name match; a long-prefix entry matches when its base index is the handler's
 * and the name is its infix followed by the stored name. POSIX ACL values are given as stored;
 * the kernel re-encodes them through {@code posix_acl_from_xattr}/{@code posix_acl_to_xattr},
 * which changes nothing for the canonical values mkfs copies from a real tree. Without
 * CONFIG_EROFS_FS_XATTR the inode has no {@code listxattr} and the list is empty.
 */
public final class Xattrs {
    public static final int INDEX_USER = 1, INDEX_POSIX_ACL_ACCESS = 2, INDEX_POSIX_ACL_DEFAULT = 3,
            INDEX_TRUSTED = 4, INDEX_LUSTRE = 5, INDEX_SECURITY = 6;
    /** {@code EROFS_XATTR_LONG_PREFIX}. */
    public static final int LONG_PREFIX = XattrEntry.LONG_PREFIX;
    /** {@code XATTR_NAME_MAX}: the longest name {@code getxattr(2)} accepts, in bytes. */
    public static final int NAME_MAX = 255;
    /** {@code EROFS_NAME_LEN}: the longest name {@code erofs_getxattr} accepts after the handler's prefix. */
    public static final int EROFS_NAME_LEN = 255;
    /** {@code XATTR_LIST_MAX}: the longest name list {@code listxattr(2)} returns. */
    public static final int LIST_MAX = 65536;
    /** {@code EROFS_XATTR_FILTER_SEED}. */
    public static final int FILTER_SEED = 0x25BBE08F;
    /** {@code EROFS_XATTR_FILTER_BITS}. */
    public static final int FILTER_BITS = 32;
    static final String ACL_ACCESS = "system.posix_acl_access", ACL_DEFAULT = "system.posix_acl_default";
    private static final String FN = "erofs_init_inode_xattrs";
    private static final XXHash32 XXH32 = XXHashFactory.safeInstance().hash32();

    private Xattrs() {}

    /**
     * The result: names to base64 values (null where {@code getxattr} failed) in listing order
     * (null when {@code listxattr} failed), the errno of that failure, and model remarks.
     */
    public record Listed(Map<String, String> values, Errno errno, List<String> notes) {}

    /** One {@code getxattr(2)}: the value, or the errno (value null). */
    public record Got(byte[] value, Errno errno) {
        static Got failed(Errno e) {
            return new Got(null, e);
        }
    }

    /** An empty listing: no names, no errno, no remarks. */
    private static final Listed NONE = new Listed(Map.of(), null, List.of());

    /** {@code llistxattr} followed by {@code lgetxattr} of each listed name. */
    public static Listed list(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode) {
        if (inode.xattrIsize() < XattrIbodyHeader.SIZE) {
            // no xattr area: erofs_init_inode_xattrs answers ENODATA before any read, listxattr an
            // empty list, no getxattr follows; what the steps below give for it, without their
            // buffers (session 13: most inodes of a walk have no xattrs). Tested before the
            // release's config (session 14): both answers are NONE, this one without a lookup
            return NONE;
        }
        if (!sbi.kernel().enabled(ConfigFlag.EROFS_FS_XATTR)) {
            return NONE;
        }
        List<String> notes = new ArrayList<>();
        byte[] list;
        try {
            list = listxattr(sbi, buf, log, inode, notes);
        } catch (KernelError e) {
            return new Listed(null, e.errno(), List.copyOf(notes));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (byte[] n : splitNames(list)) {
            String name = new String(n, StandardCharsets.UTF_8);
            if (out.containsKey(name)) {
                continue; // the same name again: getxattr gives the same answer
            }
            Got g = getxattr(sbi, buf, log, inode, n);
            if (g.errno() != null) {
                out.put(name, null);
                notes.add("getxattr " + name + ": " + g.errno().name());
            } else {
                out.put(name, Base64.getEncoder().encodeToString(g.value()));
            }
        }
        return new Listed(out, null, List.copyOf(notes));
    }

    /** The names in a {@code listxattr} buffer, split at NUL bytes, empty pieces dropped (as user space reads it). */
    public static List<byte[]> splitNames(byte[] list) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= list.length; i++) {
            if (i == list.length || list[i] == 0) {
                if (i > start) {
                    out.add(Arrays.copyOfRange(list, start, i));
                }
                start = i + 1;
            }
        }
        return out;
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
     * {@code erofs_xattr_prefix}: the listed prefix of a (base) name index, or null where
     * {@code erofs_listxattr} skips the entry (no handler for the index, or one that may not list).
     */
    public static String prefix(SbInfo sbi, int index) {
        switch (index) {
            case INDEX_USER:
                return sbi.options().userXattr() ? "user." : null;
            case INDEX_POSIX_ACL_ACCESS:
                return posixAcl(sbi) ? ACL_ACCESS : null;
            case INDEX_POSIX_ACL_DEFAULT:
                return posixAcl(sbi) ? ACL_DEFAULT : null;
            case INDEX_TRUSTED:
                return "trusted.";
            case INDEX_SECURITY:
                return "security.";
            default:
                return null;
        }
    }

    /**
     * {@code erofs_listxattr}: the name list {@code listxattr(2)} returns, NUL after each name.
     * Errors: those of {@link #init}; an inline entry running past the area (EUCLEAN, silent);
     * metadata read errors; a list longer than {@link #LIST_MAX} (E2BIG). Entry heads are read for
     * every entry, names only for listed ones. Long-prefix entries whose table the model could
     * not load are left out with a note.
     */
    public static byte[] listxattr(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode, List<String> notes) {
        Init init = init(sbi, buf, log, inode);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Entries it = new Entries(sbi, buf, inode, init);
        while (it.next()) {
            XattrEntry e = it.head;
            int base = e.nameIndex();
            byte[] infix = new byte[0];
            if (e.longPrefix()) {
                XattrLongPrefix pf = longPrefix(sbi, e, notes);
                if (pf == null) {
                    continue;
                }
                base = pf.baseIndex();
                infix = pf.infix();
            }
            String prefix = prefix(sbi, base);
            if (prefix == null) {
                continue;
            }
            out.writeBytes(prefix.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(infix);
            out.writeBytes(copy(sbi, it.at, it.pos + XattrEntry.SIZE, e.nameLen()));
            out.write(0);
        }
        if (out.size() > LIST_MAX) {
            throw new KernelError(Errno.E2BIG, "xattr name list of nid " + inode.nid() + " is " + out.size() + " bytes");
        }
        return out.toByteArray();
    }

    /**
     * The table entry a long-prefix entry names, or null where the kernel skips the entry
     * (number not below {@code xattr_prefix_count}) or the model cannot tell (table not loaded:
     * a note).
     */
    private static XattrLongPrefix longPrefix(SbInfo sbi, XattrEntry e, List<String> notes) {
        int n = e.longPrefixNumber();
        if (n >= sbi.xattrPrefixCount()) {
            return null;
        }
        if (sbi.xattrPrefixesUnknown() != null) {
            if (notes != null) {
                notes.add("not modelled: an xattr with long name prefix " + n + " is left out ("
                        + sbi.xattrPrefixesUnknown() + ")");
            }
            return null;
        }
        return sbi.xattrPrefixes().get(n);
    }

    /**
     * {@code getxattr(2)} of {@code name} (raw bytes) as the VFS and erofs answer it; see the
     * class comment for the steps.
     */
    public static Got getxattr(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode, byte[] name) {
        if (name.length == 0 || name.length > NAME_MAX) {
            return Got.failed(Errno.ERANGE); // import_xattr_name
        }
        String s = new String(name, StandardCharsets.ISO_8859_1); // byte-for-byte, for prefix tests
        try {
            if (s.equals(ACL_ACCESS) || s.equals(ACL_DEFAULT)) {
                if (!posixAcl(sbi)) {
                    return Got.failed(Errno.ENODATA); // get_inode_acl without IS_POSIXACL: no ACL
                }
                return erofsGetxattr(sbi, buf, log, inode,
                        s.equals(ACL_ACCESS) ? INDEX_POSIX_ACL_ACCESS : INDEX_POSIX_ACL_DEFAULT, new byte[0]);
            }
            if (s.startsWith("user.") && !inode.isReg() && !inode.isDir()) {
                return Got.failed(Errno.ENODATA); // xattr_permission
            }
            int index;
            String handlerPrefix;
            if (s.startsWith("user.")) {
                index = INDEX_USER;
                handlerPrefix = "user.";
            } else if (s.startsWith("trusted.")) {
                index = INDEX_TRUSTED;
                handlerPrefix = "trusted.";
            } else if (s.startsWith("security.")) {
                index = INDEX_SECURITY;
                handlerPrefix = "security.";
            } else {
                return Got.failed(Errno.EOPNOTSUPP); // xattr_resolve_name: no handler
            }
            if (s.length() == handlerPrefix.length()) {
                return Got.failed(Errno.EINVAL); // xattr_resolve_name: the bare prefix
            }
            if (index == INDEX_USER && !sbi.options().userXattr()) {
                return Got.failed(Errno.EOPNOTSUPP); // erofs_xattr_generic_get
            }
            return erofsGetxattr(sbi, buf, log, inode, index,
                    Arrays.copyOfRange(name, handlerPrefix.length(), name.length));
        } catch (KernelError e) {
            return Got.failed(e.errno());
        }
    }

    /**
     * {@code erofs_getxattr(inode, index, name)}: the value of the first matching entry.
     *
     * @throws KernelError its errors (ENODATA when nothing matches)
     */
    static Got erofsGetxattr(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode, int index, byte[] name) {
        Init init = init(sbi, buf, log, inode);
        if (sbi.hasCompat(FeatureCompat.XATTR_FILTER.bit()) && sbi.xattrFilterReserved() == 0) {
            int bit = filterBit(name, index);
            if ((init.nameFilter() >>> bit & 1) != 0) {
                return Got.failed(Errno.ENODATA);
            }
        }
        if (name.length > EROFS_NAME_LEN) {
            return Got.failed(Errno.ERANGE);
        }
        Entries it = new Entries(sbi, buf, inode, init);
        while (it.next()) {
            XattrEntry e = it.head;
            byte[] rest = name;
            if (e.longPrefix()) {
                XattrLongPrefix pf = longPrefix(sbi, e, null);
                if (pf == null || pf.baseIndex() != index || name.length != e.nameLen() + pf.infix().length
                        || !Arrays.equals(name, 0, pf.infix().length, pf.infix(), 0, pf.infix().length)) {
                    continue;
                }
                rest = Arrays.copyOfRange(name, pf.infix().length, name.length);
            } else if (e.nameIndex() != index || e.nameLen() != name.length) {
                continue;
            }
            long namePos = it.pos + XattrEntry.SIZE;
            if (!Arrays.equals(copy(sbi, it.at, namePos, e.nameLen()), rest)) {
                continue;
            }
            return new Got(copy(sbi, it.at, namePos + e.nameLen(), e.valueSize()), null);
        }
        return Got.failed(Errno.ENODATA);
    }

    /** The xattr name filter bit of a name (after the handler's prefix) under a handler index. */
    public static int filterBit(byte[] name, int index) {
        return XXH32.hash(name, 0, name.length, FILTER_SEED + index) & (FILTER_BITS - 1);
    }

    /** What {@code erofs_init_inode_xattrs} keeps: the name filter and the shared xattr ids. */
    record Init(long nameFilter, long[] shared, int xattrIsize) {}

    /**
     * {@code erofs_init_inode_xattrs}. Errors: an inline area of exactly the 12-byte header
     * (EOPNOTSUPP, after {@code xattr_isize 12 of nid N is not supported yet}); no area: ENODATA
     * (listxattr then answers an empty list); metadata read errors.
     */
    static Init init(SbInfo sbi, MetaBuf buf, SbLog log, ErofsInode inode) {
        int xattrIsize = inode.xattrIsize();
        if (xattrIsize == XattrIbodyHeader.SIZE) {
            Coverage.hit("erofs_init_inode_xattrs:header-only");
            log.err(sbi.kernel().has(Behavior.XATTR_INIT_FUNCTION_RENAMED) ? FN : "init_inode_xattrs", "xattr_isize " + xattrIsize + " of nid " + inode.nid() + " is not supported yet");
            throw new KernelError(Errno.EOPNOTSUPP, "xattr ibody of only a header");
        }
        if (xattrIsize < XattrIbodyHeader.SIZE) {
            return new Init(0, new long[0], 0);
        }
        long hpos = inode.iloc() + inode.isize();
        XattrIbodyHeader h = XattrIbodyHeader.decode(sbi.metaBuf(inode, buf).page(hpos), MetaBuf.inPage(hpos));
        long[] shared = new long[h.sharedCount()];
        long pos = hpos + XattrIbodyHeader.SIZE;
        for (int i = 0; i < shared.length; i++) {
            shared[i] = buf.page(pos).getInt(MetaBuf.inPage(pos)) & 0xFFFFFFFFL;
            pos += 4;
        }
        return new Init(h.nameFilter(), shared, xattrIsize);
    }

    /**
     * {@code erofs_xattr_iter_inline} then {@code erofs_xattr_iter_shared}: the entry heads one
     * at a time. An inline entry running past the area is EUCLEAN (silent) when reached.
     */
    private static final class Entries {
        private final SbInfo sbi;
        private final MetaBuf buf;
        /** Where the inline entries are: the metabox for an inode in it. */
        private final org.erofssim.sb.ErofsBuf inlineBuf;
        /** The buffer of the current entry (inline or shared). */
        org.erofssim.sb.ErofsBuf at;
        /** Where the shared entries are, set when the inline ones are done ({@link #sharedBuf}). */
        private org.erofssim.sb.ErofsBuf sharedBuf;
        private final ErofsInode inode;
        private final Init init;
        private long inlineLeft;
        private long nextInline;
        private int sharedNext;
        /** Where the current entry's head is. */
        long pos;
        /** The current entry's head. */
        XattrEntry head;

        Entries(SbInfo sbi, MetaBuf buf, ErofsInode inode, Init init) {
            this.sbi = sbi;
            this.buf = buf;
            this.inlineBuf = sbi.metaBuf(inode, buf);
            this.inode = inode;
            this.init = init;
            long headerSize = XattrIbodyHeader.SIZE + 4L * init.shared().length;
            this.inlineLeft = Math.max(0, init.xattrIsize() - headerSize);
            this.nextInline = inode.iloc() + inode.isize() + headerSize;
        }

        /**
         * After a zero head at {@link #pos} (at {@code in} of {@code page}, held since
         * {@code pagePos}): passes over the zero heads that follow it in the same page, each as
         * {@link #next}'s loop would (4 bytes, no page read: the buffer holds the page; the head
         * within the page's limit; the area not yet ended), in one {@link ByteBuffer#mismatch}
         * (session 13: a damaged {@code xattr_isize} makes thousands of them per inode). It
         * stops before the first head the loop would treat otherwise (a head not zero, one past
         * the page's limit or in-page end, one the buffer would read again, the area's end), which
         * the loop then takes as before.
         */
        private void skipZeroHeads(ByteBuffer page, long pagePos, int in) {
            int from = in + XattrEntry.SIZE;
            int room = Math.min(page.limit(), org.erofssim.block.ImageBytes.PAGE_SIZE) - from;
            long heads = Math.min(room / XattrEntry.SIZE, inlineLeft / XattrEntry.SIZE);
            if (heads <= 0 || !at.samePage(pagePos, nextInline + (heads - 1) * XattrEntry.SIZE)) {
                return; // samePage is monotone within a page: the last head's answer is every one's
            }
            int len = (int) heads * XattrEntry.SIZE;
            // the page is often a read-only view (no array): ByteBuffer.mismatch compares it as fast
            int m = page.slice(from, len).mismatch(ByteBuffer.wrap(ZEROS, 0, len));
            long zero = (m < 0 ? len : m) / XattrEntry.SIZE;
            if (zero > 0) {
                inlineLeft -= zero * XattrEntry.SIZE;
                nextInline += zero * XattrEntry.SIZE;
                ZERO_HEADS_SKIPPED.add(zero);
            }
        }

        boolean next() {
            ByteBuffer page = null;
            long pagePos = 0;
            while (inlineLeft > 0) {
                pos = nextInline;
                at = inlineBuf;
                if (page == null || !at.samePage(pagePos, pos)) { // else at.page(pos) is the page held
                    page = at.page(pos);
                    pagePos = pos;
                }
                int in = MetaBuf.inPage(pos);
                int size;
                if (in + XattrEntry.SIZE <= page.limit() && page.getInt(in) == 0) {
                    // a head of four zero bytes: name index 0, which no handler lists or matches
                    // (both callers pass it over), so it is passed over here without a record
                    // (issue 12: a damaged xattr_isize makes thousands of them per inode); the
                    // same page reads, the same checks, in the same order
                    size = XattrEntry.SIZE;
                    head = null;
                } else {
                    head = XattrEntry.decode(page, in);
                    size = head.entrySize();
                }
                if (inlineLeft < size) {
                    Coverage.hit("erofs_xattr_iter_inline:entry-past-ibody");
                    throw new KernelError(Errno.EUCLEAN, "xattr entry beyond xattr_isize of nid " + inode.nid());
                }
                inlineLeft -= size;
                nextInline = pos + size;
                if (head != null) {
                    return true;
                }
                if (zeroRuns) {
                    skipZeroHeads(page, pagePos, in);
                }
            }
            if (init.xattrIsize() < XattrIbodyHeader.SIZE) {
                return false; // no xattr area: erofs_init_inode_xattrs answered ENODATA, nothing iterated
            }
            if (sharedBuf == null) {
                sharedBuf = sharedBuf(sbi, buf, inode);
            }
            if (sharedNext < init.shared().length) {
                pos = (sbi.xattrBlkaddr() << sbi.blocksizeBits()) + init.shared()[sharedNext++] * 4;
                at = sharedBuf;
                head = XattrEntry.decode(at.page(pos), MetaBuf.inPage(pos));
                return true;
            }
            return false;
        }
    }

    /**
     * Whether {@link Entries} passes over a run of zero heads in the page it holds at once
     * ({@code -Derofssim.xattrZeroRuns=false}: one head at a time, as before session 13).
     */
    public static volatile boolean zeroRuns = !"false".equals(System.getProperty("erofssim.xattrZeroRuns"));

    /** Tests: how many zero heads {@link Entries} passed over in runs (0 with {@link #zeroRuns} off). */
    public static final java.util.concurrent.atomic.LongAdder ZERO_HEADS_SKIPPED = new java.util.concurrent.atomic.LongAdder();

    /** Zeros to compare a run of heads with ({@link ByteBuffer#mismatch}). */
    private static final byte[] ZEROS = new byte[org.erofssim.block.ImageBytes.PAGE_SIZE];

    /**
     * The metadata buffer {@code erofs_xattr_iter_shared} sets up before its first shared entry,
     * even for an inode with none: since 414091322c63 "erofs: implement metadata compression"
     * ({@link Behavior#METABOX}, 6.17) it asks {@code erofs_init_metabuf} for the metabox inode's
     * page cache when the superblock has {@code COMPAT_SHARED_EA_IN_METABOX}, which fails with
     * EFSCORRUPTED (EUCLEAN, no log line) on an image without a metabox inode: then every
     * {@code listxattr} of an inode with an xattr area fails, and a {@code getxattr} of a name
     * not found inline [obs-6.18.44: {@code twodev.erofs} with feature_compat 0xffffffff, every
     * listxattr EUCLEAN]. Releases before it read the shared entries from the metadata area
     * whatever the bit says.
     *
     * @throws KernelError EUCLEAN for the missing metabox inode
     */
    static org.erofssim.sb.ErofsBuf sharedBuf(SbInfo sbi, MetaBuf buf, ErofsInode inode) {
        if (!sbi.kernel().has(Behavior.METABOX) || !sbi.hasCompat(FeatureCompat.SHARED_EA_IN_METABOX.bit())) {
            return buf;
        }
        if (sbi.metaboxBuf == null) {
            throw new KernelError(Errno.EUCLEAN, "shared xattrs in the metabox (feature_compat 0x08) but no metabox inode, nid "
                    + inode.nid());
        }
        return sbi.metaboxBuf;
    }

    /** {@code erofs_xattr_copy_to_buffer}: bytes read block by block through the metadata buffer. */
    private static byte[] copy(SbInfo sbi, org.erofssim.sb.ErofsBuf buf, long pos, int len) {
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
