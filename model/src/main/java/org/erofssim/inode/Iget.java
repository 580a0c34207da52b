package org.erofssim.inode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.ondisk.InodeRecord;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * {@code erofs_iget} → {@code erofs_fill_inode} → {@code erofs_read_inode} (fs/erofs/inode.c,
 * spec §7.1): reads and checks one on-disk inode through the metadata buffer.
 */
public final class Iget {
    private static final String READ_INODE = "erofs_read_inode";

    private Iget() {}

    /**
     * Reads inode {@code nid}. Errors, in the kernel's order: the page read
     * ({@code failed to get inode (nid: n) page, err e}; 6.17+, "erofs: remove need_kmap in
     * erofs_read_metabuf()": {@code failed to read inode meta block (nid: n): e}, and a nid with
     * bit 63 set on an image without metabox fails there with EUCLEAN); i_format bits outside the known ones
     * (EOPNOTSUPP); a data layout ≥ 5 (EOPNOTSUPP); the second block of a block-straddling
     * extended inode; a file type that is none of the seven (EUCLEAN); a chunk format with unknown
     * bits (EOPNOTSUPP); and in {@code erofs_fill_inode} a compressed inode without
     * CONFIG_EROFS_FS_ZIP (EOPNOTSUPP, silent).
     */
    public static ErofsInode iget(SbInfo sbi, MetaBuf buf, SbLog log, long nid) {
        int bits = sbi.blocksizeBits();
        int bs = 1 << bits;
        // 6.17+ erofs_iloc: a nid with bit 63 set is a slot of the metabox inode's data
        boolean inMetabox = nid < 0 && sbi.kernel().has(Behavior.METABOX)
                && (sbi.featureIncompat() & FeatureIncompat.METABOX.bit()) != 0;
        long iloc = inMetabox ? (nid & Long.MAX_VALUE) << InodeRecord.ISLOTBITS
                : (sbi.metaBlkaddr() << bits) + (nid << InodeRecord.ISLOTBITS);
        org.erofssim.sb.ErofsBuf rbuf = inMetabox ? sbi.metaboxBuf : buf;
        long blkaddr = iloc >>> bits;
        int ofs = (int) (iloc & (bs - 1));
        long blkpos = blkaddr << bits;
        String nidText = Long.toUnsignedString(nid);
        boolean newMessages = sbi.kernel().has(Behavior.READ_INODE_MESSAGE);

        ByteBuffer page;
        try {
            if (sbi.kernel().has(Behavior.METABOX) && nid < 0 && (sbi.featureIncompat() & FeatureIncompat.METABOX.bit()) == 0) {
                // 6.17+ erofs_inode_in_metabox: nid bit 63 asks for the metabox inode's mapping;
                // erofs_init_metabuf refuses without one [obs-6.18.44: a dirent nid 0xffffffff0000005d
                // on a plain image gives "failed to read inode meta block (nid: 18446744069414584413): -117"]
                throw new KernelError(Errno.EUCLEAN);
            }
            if (rbuf == null) {
                throw new KernelError(Errno.EUCLEAN); // erofs_init_metabuf: no metabox inode (yet)
            }
            page = rbuf.page(blkpos);
        } catch (KernelError e) {
            log.err(READ_INODE, newMessages
                    ? "failed to read inode meta block (nid: " + nidText + "): -" + e.errno().number()
                    : "failed to get inode (nid: " + nidText + ") page, err -" + e.errno().number());
            throw e;
        }
        int base = MetaBuf.inPage(blkpos);
        int ifmt = page.getShort(base + ofs) & 0xFFFF;
        boolean nlink1Bit = sbi.kernel().has(Behavior.LAYOUT_48BIT);
        int allBits = nlink1Bit ? 0x1F : 0x0F;
        if ((ifmt & ~allBits) != 0) {
            Coverage.hit("erofs_read_inode:unsupported-format");
            log.err(READ_INODE, "unsupported i_format " + ifmt + " of nid " + nidText);
            throw new KernelError(Errno.EOPNOTSUPP);
        }
        int layout = (ifmt >> 1) & 0x7;
        if (layout >= 5) {
            Coverage.hit("erofs_read_inode:unsupported-layout");
            log.err(READ_INODE, "unsupported datalayout " + layout + " of nid " + nidText);
            throw new KernelError(Errno.EOPNOTSUPP);
        }
        boolean extended = (ifmt & 1) != 0;
        int isize = extended ? InodeRecord.EXTENDED_SIZE : InodeRecord.COMPACT_SIZE;

        ByteBuffer raw = ByteBuffer.allocate(InodeRecord.EXTENDED_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int inlineBase; // position of the byte right after the inode, relative to its block start
        ByteBuffer afterBlock; // the page holding that block
        int afterBlockBase;
        if (ofs + isize <= bs) {
            page.get(base + ofs, raw.array(), 0, Math.min(isize, page.capacity() - base - ofs));
            inlineBase = ofs + isize;
            afterBlock = page;
            afterBlockBase = base;
        } else {
            int gotten = bs - ofs;
            page.get(base + ofs, raw.array(), 0, gotten);
            long nextPos = (blkaddr + 1) << bits;
            ByteBuffer next;
            try {
                next = rbuf.page(nextPos);
            } catch (KernelError e) {
                log.err(READ_INODE, newMessages
                        ? "failed to read inode payload block (nid: " + nidText + "): -" + e.errno().number()
                        : "failed to get inode payload block (nid: " + nidText + "), err -" + e.errno().number());
                throw e;
            }
            int nb = MetaBuf.inPage(nextPos);
            next.get(nb, raw.array(), gotten, isize - gotten);
            inlineBase = isize - gotten;
            afterBlock = next;
            afterBlockBase = nb;
        }
        InodeRecord rec = InodeRecord.decode(raw, 0);
        int xattrIsize = rec.xattrIbodySize();
        int mode = rec.mode();

        long nlink;
        long mtime;
        long mtimeNsec;
        long startHi = 0;
        long addrMask;
        if (extended) {
            nlink = rec.nlink();
            mtime = rec.mtime();
            mtimeNsec = rec.mtimeNsec();
            startHi = nlink1Bit ? (rec.nb() & 0xFFFF) : 0;
            addrMask = nlink1Bit ? (1L << 48) - 1 : 0xFFFFFFFFL;
        } else {
            boolean isDir = (mode & ErofsInode.S_IFMT) == ErofsInode.S_IFDIR;
            if (nlink1Bit && !isDir && (ifmt & 0x10) != 0) {
                nlink = 1;
                startHi = rec.nb() & 0xFFFF;
                addrMask = (1L << 48) - 1;
            } else {
                nlink = rec.nb() & 0xFFFF;
                addrMask = 0xFFFFFFFFL;
            }
            if (nlink1Bit) {
                mtime = sbi.epoch() + (rec.mtime() & 0xFFFFFFFFL);
                mtimeNsec = sbi.fixedNsec();
            } else {
                mtime = sbi.epoch();
                mtimeNsec = sbi.fixedNsec();
            }
        }
        long size = rec.size();

        long startBlk = 0;
        int rdevMajor = 0;
        int rdevMinor = 0;
        byte[] fast = null;
        switch (mode & ErofsInode.S_IFMT) {
            case ErofsInode.S_IFREG, ErofsInode.S_IFDIR, ErofsInode.S_IFLNK -> {
                startBlk = rec.iu() | (startHi << 32);
                if (nlink1Bit && layout == 0 && ((startBlk ^ ErofsInode.NULL_ADDR) & addrMask) == 0) {
                    startBlk = ErofsInode.NULL_ADDR;
                }
                if ((mode & ErofsInode.S_IFMT) == ErofsInode.S_IFLNK) {
                    fast = fastSymlink(layout, size, inlineBase + xattrIsize, bs, afterBlock, afterBlockBase);
                }
            }
            case ErofsInode.S_IFCHR, ErofsInode.S_IFBLK -> {
                long dev = rec.iu();
                rdevMajor = (int) ((dev & 0xfff00) >> 8);
                rdevMinor = (int) ((dev & 0xff) | ((dev >> 12) & 0xfff00));
            }
            case ErofsInode.S_IFIFO, ErofsInode.S_IFSOCK -> { }
            default -> {
                Coverage.hit("erofs_read_inode:bogus-mode");
                log.err(READ_INODE, "bogus i_mode (" + Integer.toOctalString(mode) + ") @ nid " + nidText);
                throw new KernelError(Errno.EUCLEAN);
            }
        }
        int chunkFormat = 0;
        int chunkBits = 0;
        long nblks = 0;
        if (layout == 1 || layout == 3) {
            nblks = rec.iu();
        } else if (layout == 4) {
            chunkFormat = (int) (rec.iu() & 0xFFFF);
            int known = nlink1Bit ? 0x7F : 0x3F;
            if ((chunkFormat & ~known) != 0) {
                Coverage.hit("erofs_read_inode:unsupported-chunk-format");
                log.err(READ_INODE, "unsupported chunk format " + Integer.toHexString(chunkFormat) + " of nid " + nidText);
                throw new KernelError(Errno.EOPNOTSUPP);
            }
            chunkBits = bits + (chunkFormat & 0x1F);
        }
        long blocks;
        if ((layout == 1 || layout == 3) && nlink1Bit) {
            // 6.15+: a compressed inode's i_blocks is its compressed block count (blocks_hi:blocks_lo),
            // even 0 for a file packed whole into its inode [obs-6.18.44: st_blocks 0 for a
            // 16 KiB -zlz4 -Eztailpacking file]; 6.13 fell back to round_up(i_size) for 0
            blocks = ((startHi << 32) | nblks) << (bits - 9);
        } else {
            blocks = nblks == 0 ? roundUp(size, bs) >>> 9 : nblks << (bits - 9);
        }
        ErofsInode inode = new ErofsInode(nid, iloc, layout, extended, isize, xattrIsize, rec.xattrIcount(),
                mode, rec.uid(), rec.gid(), nlink, size, mtime, mtimeNsec, startBlk, rdevMajor, rdevMinor,
                chunkFormat, chunkBits, blocks, fast, rec.iu());
        // erofs_fill_inode: compressed regular files, directories and symlinks need ZIP
        int type = mode & ErofsInode.S_IFMT;
        boolean hasData = type == ErofsInode.S_IFREG || type == ErofsInode.S_IFDIR || type == ErofsInode.S_IFLNK;
        if (hasData && inode.isCompressed() && !sbi.kernel().enabled(ConfigFlag.EROFS_FS_ZIP)) {
            throw new KernelError(Errno.EOPNOTSUPP, "compressed inode without CONFIG_EROFS_FS_ZIP");
        }
        return inode;
    }

    /**
     * {@code erofs_fill_symlink}: a FLAT_INLINE symlink whose target fits in the inode's block
     * after the inode and its xattrs is a fast symlink; its target is the bytes up to the first NUL.
     */
    private static byte[] fastSymlink(int layout, long size, int pofs, int bs, ByteBuffer page, int pageBase) {
        if (layout != 2 || size < 0 || pofs + size > bs) {
            return null;
        }
        int n = (int) size;
        byte[] t = new byte[n];
        int avail = Math.max(0, Math.min(n, page.capacity() - pageBase - pofs));
        page.get(pageBase + pofs, t, 0, avail);
        int len = 0;
        while (len < n && t[len] != 0) {
            len++;
        }
        return len == n ? t : java.util.Arrays.copyOf(t, len);
    }

    private static long roundUp(long v, int bs) {
        return (v + bs - 1) & -bs;
    }
}
