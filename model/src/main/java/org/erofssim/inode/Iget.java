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
     *
     * <p>The steps follow {@code erofs_read_inode}'s own order, one helper each: locate and read
     * the inode's block ({@link #slot}), check {@code i_format} ({@link #dataLayout}), copy the
     * inode out, across a block boundary if it straddles one ({@link #copyOut}), decode the
     * compact or extended version's fields ({@link #versionFields}), then the per-type union
     * ({@code i_mode} switch), the chunk format and {@code i_blocks} here.
     */
    public static ErofsInode iget(SbInfo sbi, MetaBuf buf, SbLog log, long nid) {
        return iget(sbi, buf, log, nid, Release.of(sbi));
    }

    /**
     * The release's answers {@code erofs_iget} asks on every inode, asked once per walk instead
     * of four times per inode (session 14: {@code KernelProfile.has} was 6% of a fuzz campaign's
     * tree walks). A superblock's kernel does not change while it is mounted.
     *
     * @param layout48 {@link Behavior#LAYOUT_48BIT}
     * @param metabox  {@link Behavior#METABOX}
     * @param addr64   {@link Behavior#INODE_BLOCK_ADDR_64BIT}
     * @param blocksHi {@link Behavior#INODE_BLOCKS_HI}
     */
    public record Release(boolean layout48, boolean metabox, boolean addr64, boolean blocksHi) {
        /** What {@code sbi}'s kernel answers. */
        public static Release of(SbInfo sbi) {
            org.erofssim.kernel.KernelConfig k = sbi.kernel();
            return new Release(k.has(Behavior.LAYOUT_48BIT), k.has(Behavior.METABOX),
                    k.has(Behavior.INODE_BLOCK_ADDR_64BIT), k.has(Behavior.INODE_BLOCKS_HI));
        }
    }

    /** As {@link #iget(SbInfo, MetaBuf, SbLog, long)}, with {@code rel}, {@link Release#of} of {@code sbi}. */
    public static ErofsInode iget(SbInfo sbi, MetaBuf buf, SbLog log, long nid, Release rel) {
        int bits = sbi.blocksizeBits();
        int bs = 1 << bits;
        // the nid's decimal text is made only for a log line (session 13: once per iget before)
        Slot slot = slot(sbi, buf, log, nid, rel);
        int ifmt = slot.page.getShort(slot.base + slot.ofs) & 0xFFFF;
        boolean nlink1Bit = rel.layout48();
        int layout = dataLayout(ifmt, nlink1Bit, log, nid);
        boolean extended = (ifmt & 1) != 0;
        if (Coverage.recording()) {
            acrossBlocksHints(sbi, buf, slot, nid, ifmt, extended);
        }
        int isize = extended ? InodeRecord.EXTENDED_SIZE : InodeRecord.COMPACT_SIZE;
        Copied raw = copyOut(sbi, slot, isize, log, nid, rel);
        InodeRecord rec = raw.rec;
        int xattrIsize = rec.xattrIbodySize();
        int mode = rec.mode();
        Version v = versionFields(sbi, rec, ifmt, extended, nlink1Bit);
        long size = rec.size();

        long startBlk = 0;
        int rdevMajor = 0;
        int rdevMinor = 0;
        byte[] fast = null;
        switch (mode & ErofsInode.S_IFMT) {
            case ErofsInode.S_IFREG, ErofsInode.S_IFDIR, ErofsInode.S_IFLNK -> {
                startBlk = rec.iu() | (v.startHi << 32);
                if (nlink1Bit && layout == 0 && ((startBlk ^ ErofsInode.NULL_ADDR) & v.addrMask) == 0) {
                    startBlk = ErofsInode.NULL_ADDR;
                }
                if ((mode & ErofsInode.S_IFMT) == ErofsInode.S_IFLNK) {
                    fast = fastSymlink(layout, size, raw.inlineBase + xattrIsize, bs, raw.afterBlock, raw.afterBlockBase);
                    if (fast != null && sbi.kernel().has(Behavior.FAST_SYMLINK_LENGTH_CHECK) && (size == 0 || fast.length != size)) {
                        // "erofs: use inode_set_cached_link()" (7.x): the cached length must be the
                        // target's (fastSymlink cuts the target at its first NUL)
                        log.err("erofs_fill_symlink", "invalid fast symlink size " + size + " @ nid " + Long.toUnsignedString(nid));
                        throw new KernelError(Errno.EUCLEAN);
                    }
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
                log.err(READ_INODE, "bogus i_mode (" + Integer.toOctalString(mode) + ") @ nid " + Long.toUnsignedString(nid));
                throw new KernelError(Errno.EUCLEAN);
            }
        }
        if ((layout == 1 || layout == 3) && sbi.kernel().has(Behavior.PLAIN_COMPRESSED_SEPARATED)
                && (!sbi.kernel().enabled(ConfigFlag.EROFS_FS_ZIP) || sbi.availableComprAlgs() == 0)) {
            // "separate plain and compressed filesystems formally" (7.x): no algorithm, no compressed inode
            log.err(READ_INODE, "compressed inode (nid " + Long.toUnsignedString(nid) + ") is invalid in a plain filesystem");
            throw new KernelError(Errno.EUCLEAN);
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
                log.err(READ_INODE, "unsupported chunk format " + Integer.toHexString(chunkFormat) + " of nid " + Long.toUnsignedString(nid));
                throw new KernelError(Errno.EOPNOTSUPP);
            }
            chunkBits = bits + (chunkFormat & 0x1F);
        }
        // i_blocks of a compressed inode: its 32-bit block count shifted to 512-byte units in 32
        // bits, as the kernel computes it (6.1/6.12: an erofs_blk_t, u32, shifted; 6.15-6.18:
        // le32_to_cpu(i_u.blocks_lo) shifted, no blocks_hi), so a count of 2^29 or more wraps
        // [obs-6.12.118 fuzz seed 15 and obs-6.18.44: 4294967288 for blocks_lo 0xffffffff, where
        // a 64-bit shift gives 34359738360]. 7.3 widens it (Behavior.INODE_BLOCKS_HI): blocks_hi
        // joins the count on 48-bit layouts and the shift is in 64 bits [obs-7.3-amd64 fuzz seed
        // 15: 68719476728]. On 48-bit compressed layouts (6.15+) even a count of 0 stays 0
        // [obs-6.18.44: st_blocks 0 for a 16 KiB -zlz4 -Eztailpacking file] (6.13 fell back
        // there to round_up(i_size), as every release does on the other layouts)
        boolean compressed48 = (layout == 1 || layout == 3) && nlink1Bit;
        boolean widened = rel.blocksHi();
        long count = widened && compressed48 ? (v.startHi << 32) | nblks : nblks;
        long sectors = count << (bits - 9);
        long blocks = count == 0 && !compressed48 ? roundUp(size, bs) >>> 9
                : widened ? sectors : sectors & 0xFFFF_FFFFL;
        ErofsInode inode = new ErofsInode(nid, slot.iloc, layout, extended, isize, xattrIsize, rec.xattrIcount(),
                mode, rec.uid(), rec.gid(), v.nlink, size, v.mtime, v.mtimeNsec, startBlk, rdevMajor, rdevMinor,
                chunkFormat, chunkBits, blocks, fast, rec.iu());
        // erofs_fill_inode: compressed regular files, directories and symlinks need ZIP
        int type = mode & ErofsInode.S_IFMT;
        boolean hasData = type == ErofsInode.S_IFREG || type == ErofsInode.S_IFDIR || type == ErofsInode.S_IFLNK;
        if (hasData && inode.isCompressed() && !sbi.kernel().enabled(ConfigFlag.EROFS_FS_ZIP)) {
            throw new KernelError(Errno.EOPNOTSUPP, "compressed inode without CONFIG_EROFS_FS_ZIP");
        }
        if (hasData && inode.isCompressed() && bits != 12 && !sbi.kernel().has(Behavior.SUBPAGE_COMPRESSED_BLOCKS)) {
            // before sub-page compressed blocks (6.8) erofs_fill_inode gives z_erofs_aops only to
            // PAGE_SIZE blocks [obs-6.1.0-57: modern/lz4-b1024.erofs, every compressed file EOPNOTSUPP, no line]
            throw new KernelError(Errno.EOPNOTSUPP, "compressed inode on a " + bs + "-byte block filesystem");
        }
        return inode;
    }

    /**
     * The comparisons a fuzzer can flip towards an inode that straddles a block
     * ({@link Coverage#hint}): a compact inode in its block's last 32-byte slot made extended
     * ({@code i_format} bit 0), and the root inode moved to its block's last slot (the
     * superblock's 16-bit {@code root_nid}). Only where the bytes are the primary's as written.
     */
    private static void acrossBlocksHints(SbInfo sbi, MetaBuf buf, Slot slot, long nid, int ifmt, boolean extended) {
        if (slot.rbuf != buf || sbi.fsoffset() != 0) {
            return;
        }
        int bs = 1 << sbi.blocksizeBits();
        int last = bs / InodeRecord.COMPACT_SIZE - 1;
        if (!extended && slot.ofs == bs - InodeRecord.COMPACT_SIZE) {
            Coverage.hint("erofs_read_inode:across-blocks", slot.iloc, 2, ifmt | 1);
        }
        if (nid == sbi.rootNid() && nid >= 0 && nid < 0x10000 && (nid & last) != last
                && !sbi.hasIncompat(FeatureIncompat.BIT48.bit())) {
            Coverage.hint("erofs_read_inode:across-blocks", org.erofssim.ondisk.SuperblockField.ROOT_NID.absoluteOffset(),
                    2, nid | last);
        }
    }

    /**
     * Where the inode's first byte is: its byte position ({@code erofs_iloc}), the buffer it is
     * read through, the block's page and the inode's offset in its block.
     */
    private record Slot(long iloc, org.erofssim.sb.ErofsBuf rbuf, long blkaddr, int ofs, ByteBuffer page, int base) {}

    /**
     * {@code erofs_iloc} and the first {@code erofs_read_metabuf} of {@code erofs_read_inode}:
     * the inode's position (6.17+: a nid with bit 63 set is a slot of the metabox inode's data)
     * and its block's page; a read error is logged with the release's wording and rethrown.
     */
    private static Slot slot(SbInfo sbi, MetaBuf buf, SbLog log, long nid, Release rel) {
        int bits = sbi.blocksizeBits();
        int bs = 1 << bits;
        boolean inMetabox = nid < 0 && rel.metabox()
                && (sbi.featureIncompat() & FeatureIncompat.METABOX.bit()) != 0;
        long iloc = inMetabox ? (nid & Long.MAX_VALUE) << InodeRecord.ISLOTBITS
                : (sbi.metaBlkaddr() << bits) + (nid << InodeRecord.ISLOTBITS);
        org.erofssim.sb.ErofsBuf rbuf = inMetabox ? sbi.metaboxBuf : buf;
        // before 2e1473d5195f (6.15) erofs_blknr yields the u32 erofs_blk_t: a slot at or past 2^32
        // blocks wraps to the one the low bits name [obs-6.12.118: nid 0xff0000000000054d of
        // plain.erofs reads inode 1357]; the inode keeps its 64-bit iloc for the other readers
        long blkaddr = (iloc >>> bits) & blkMask(rel);
        int ofs = (int) (iloc & (bs - 1));
        long blkpos = blkaddr << bits;
        ByteBuffer page;
        try {
            if (nid < 0 && rel.metabox() && (sbi.featureIncompat() & FeatureIncompat.METABOX.bit()) == 0) {
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
            Coverage.hit("erofs_read_inode:meta-block-error");
            log.err(READ_INODE, sbi.kernel().has(Behavior.READ_INODE_MESSAGE)
                    ? "failed to read inode meta block (nid: " + Long.toUnsignedString(nid) + "): -" + e.errno().number()
                    : "failed to get inode (nid: " + Long.toUnsignedString(nid) + ") page, err -" + e.errno().number());
            throw e;
        }
        return new Slot(iloc, rbuf, blkaddr, ofs, page, MetaBuf.inPage(blkpos));
    }

    /** The values an {@code erofs_blk_t} holds: u32 before {@link Behavior#INODE_BLOCK_ADDR_64BIT}, else u64. */
    private static long blkMask(Release rel) {
        return rel.addr64() ? -1L : 0xFFFF_FFFFL;
    }

    /**
     * {@code erofs_read_inode}'s {@code i_format} checks: no bit outside {@code EROFS_I_ALL}
     * (6.15+, with {@code EROFS_I_NLINK_1_BIT}) and a data layout below
     * {@code EROFS_INODE_DATALAYOUT_MAX}; both EOPNOTSUPP with a logged line.
     */
    private static int dataLayout(int ifmt, boolean nlink1Bit, SbLog log, long nid) {
        int allBits = nlink1Bit ? 0x1F : 0x0F;
        if ((ifmt & ~allBits) != 0) {
            Coverage.hit("erofs_read_inode:unsupported-format");
            log.err(READ_INODE, "unsupported i_format " + ifmt + " of nid " + Long.toUnsignedString(nid));
            throw new KernelError(Errno.EOPNOTSUPP);
        }
        int layout = (ifmt >> 1) & 0x7;
        if (layout >= 5) {
            Coverage.hit("erofs_read_inode:unsupported-layout");
            log.err(READ_INODE, "unsupported datalayout " + layout + " of nid " + Long.toUnsignedString(nid));
            throw new KernelError(Errno.EOPNOTSUPP);
        }
        return layout;
    }

    /**
     * The decoded inode and where its inline data starts: {@code inlineBase} is the byte right
     * after the inode relative to the start of the block holding it, {@code afterBlock} that
     * block's page (at {@code afterBlockBase}).
     */
    private record Copied(InodeRecord rec, int inlineBase, ByteBuffer afterBlock, int afterBlockBase) {}

    /**
     * {@code erofs_read_inode} copying the on-disk inode out: from its block, or for an inode
     * that straddles a block boundary, its tail from the next block ({@code erofs_read_metabuf}
     * again; a read error is logged as the payload block's and rethrown).
     */
    private static Copied copyOut(SbInfo sbi, Slot slot, int isize, SbLog log, long nid, Release rel) {
        int bits = sbi.blocksizeBits();
        int bs = 1 << bits;
        ByteBuffer page = slot.page;
        int base = slot.base;
        int ofs = slot.ofs;
        if (ofs + isize <= bs) {
            // decoded from the page (session 14: decode makes its own copy, without a ByteBuffer):
            // it reads the isize bytes this copy held (its version bit is the one isize came
            // from) and bytes past the page as zeros, as the copy had them
            return new Copied(InodeRecord.decode(page, base + ofs), ofs + isize, page, base);
        }
        ByteBuffer raw = ByteBuffer.allocate(InodeRecord.EXTENDED_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        Coverage.hit("erofs_read_inode:across-blocks");
        int gotten = bs - ofs;
        page.get(base + ofs, raw.array(), 0, gotten);
        long nextPos = ((slot.blkaddr + 1) & blkMask(rel)) << bits;
        ByteBuffer next;
        try {
            next = slot.rbuf.page(nextPos);
        } catch (KernelError e) {
            log.err(READ_INODE, sbi.kernel().has(Behavior.READ_INODE_MESSAGE)
                    ? "failed to read inode payload block (nid: " + Long.toUnsignedString(nid) + "): -" + e.errno().number()
                    : "failed to get inode payload block (nid: " + Long.toUnsignedString(nid) + "), err -" + e.errno().number());
            throw e;
        }
        int nb = MetaBuf.inPage(nextPos);
        next.get(nb, raw.array(), gotten, isize - gotten);
        return new Copied(InodeRecord.decode(raw, 0), isize - gotten, next, nb);
    }

    /** The fields whose source differs between the compact and the extended inode. */
    private record Version(long nlink, long mtime, long mtimeNsec, long startHi, long addrMask) {}

    /**
     * {@code erofs_read_inode}'s switch on the inode version: an extended inode carries nlink and
     * mtime itself (6.15+ also the high 16 bits of the start address); a compact one takes mtime
     * from the superblock's epoch (6.15+ plus its 32-bit offset) and, 6.15+, with
     * {@code EROFS_I_NLINK_1_BIT} on a non-directory, nlink 1 and the high address bits in
     * {@code i_nb}.
     */
    private static Version versionFields(SbInfo sbi, InodeRecord rec, int ifmt, boolean extended, boolean nlink1Bit) {
        if (extended) {
            return new Version(rec.nlink(), rec.mtime(), rec.mtimeNsec(),
                    nlink1Bit ? (rec.nb() & 0xFFFF) : 0, nlink1Bit ? (1L << 48) - 1 : 0xFFFFFFFFL);
        }
        long nlink;
        long startHi = 0;
        long addrMask;
        boolean isDir = (rec.mode() & ErofsInode.S_IFMT) == ErofsInode.S_IFDIR;
        if (nlink1Bit && !isDir && (ifmt & 0x10) != 0) {
            nlink = 1;
            startHi = rec.nb() & 0xFFFF;
            addrMask = (1L << 48) - 1;
        } else {
            nlink = rec.nb() & 0xFFFF;
            addrMask = 0xFFFFFFFFL;
        }
        long mtime = nlink1Bit ? sbi.epoch() + (rec.mtime() & 0xFFFFFFFFL) : sbi.epoch();
        return new Version(nlink, mtime, sbi.fixedNsec(), startHi, addrMask);
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
