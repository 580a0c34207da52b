package org.erofssim.zip;

import java.security.MessageDigest;
import java.util.List;
import org.erofssim.block.ImageBytes;
import org.erofssim.ondisk.FeatureIncompat;
import org.erofssim.read.FileContent;
import org.erofssim.read.MapDev;
import org.erofssim.read.PlainReader;
import org.erofssim.sb.ErofsInode;
import org.erofssim.sb.MetaBuf;
import org.erofssim.sb.Mode;
import org.erofssim.sb.SbInfo;
import org.erofssim.sb.SbLog;

/**
 * The clean-data direct decoder of a compressed regular file (issue 12): the file's extents
 * mapped in order and each pcluster decoded straight into a streaming SHA-256, without the page
 * cache, readahead and pcluster-attachment model of {@link ZReader}. It stands for no kernel
 * function: it answers only where the whole {@code read(2)} loop of the kernel (and of
 * {@link ZReader}) cannot end otherwise than with the file's bytes, and returns null (give up:
 * the caller reads the file with the full model) everywhere else.
 *
 * <p><b>When it answers.</b> A 4 KiB-block image with ZERO_PADDING, read file-backed or from a
 * block device (not fscache), no injected device faults, a file of 1 byte to
 * {@link PlainReader#READ_LIMIT}; every logical byte {@code x} maps ({@link ZMapBlocks#map}
 * without flags, as the kernel's folio scan maps) to an encoded extent that is neither inline
 * ({@code META}), a fragment nor {@code PARTIAL_REF}. The maps are checked at every point where
 * their answer can change: from {@code x = 0}, each answer holds up to its {@code m_la + m_llen}
 * (the end of the lcluster holding {@code x}, or the head's {@code clusterofs} within it), so
 * mapping there next covers every byte; answers with the same head ({@code m_la}, {@code m_pa},
 * {@code m_plen}, algorithm) form one extent, and a new head must start exactly where the last
 * answer ended. So the kernel, whatever folios and readahead windows it scans, attaches every
 * byte to the same extent at the same offset. Each extent's pcluster lies whole on the primary
 * device and decodes to exactly the extent's length: LZ4 through {@link Lz4Strict} (streams on
 * which the kernel's full, partial and in-place decodes all give those bytes), SHIFTED plain
 * pclusters by copy ({@code z_erofs_transform_plain}). Any map error, log line (the caller
 * checks its log), exception or other layout or algorithm (INTERLACED, LZMA, DEFLATE, ZSTD) gives
 * up. {@code CleanReadsProperties} checks the answers equal the full model's on random clean and
 * damaged images.
 *
 * <p><b>Memory</b>: one decode buffer per reader, grown to the largest extent (at most
 * {@link ZMapBlocks#PCLUSTER_MAX_DSIZE}), and the compressed bytes of the primary in a window of
 * {@link PlainReader#WINDOW} bytes ({@link PlainReader#readPhysicalWindowed}: pclusters that fit
 * are decoded from it, one positional read for many), a larger pcluster read alone.
 */
public final class ZDirect {
    private static final int PAGE = PlainReader.PAGE;

    private final SbInfo sbi;
    private final ZMapBlocks zmap;
    private final PlainReader io;
    private byte[] out = new byte[64 * 1024];
    /** {@code -Derofssim.directTrace=true}: print why each file was given up to stderr (for debugging). */
    static final boolean TRACE = Boolean.getBoolean("erofssim.directTrace");
    private String why;

    /** Counts for tests and statistics: files answered, files given up. */
    public long answered;
    public long givenUp;

    public ZDirect(SbInfo sbi, MetaBuf buf, SbLog log) {
        this.sbi = sbi;
        this.zmap = new ZMapBlocks(sbi, buf, log);
        this.io = new PlainReader(sbi, buf, log);
    }

    /** Whether this superblock's compressed files can be read here at all (else every file gives up). */
    public static boolean applies(SbInfo sbi) {
        if (sbi.blockSize() != PAGE || !sbi.hasIncompat(FeatureIncompat.ZERO_PADDING.bit())
                || sbi.mode() == Mode.FSCACHE || sbi.primary() == null) {
            return false;
        }
        ImageBytes b = sbi.primary().bytes();
        return b != null && b.faults().isEmpty();
    }

    /**
     * The whole of compressed regular file {@code inode}, as {@code read(2)} calls get it, or
     * null when this decoder cannot prove the full model gives the same (see the class comment).
     */
    public FileContent read(ErofsInode inode) {
        FileContent c = null;
        try {
            c = readOrNull(inode);
        } catch (RuntimeException | StackOverflowError e) {
            c = null; // a map error (KernelError), NotModelled, anything: the full model decides
        }
        if (c == null) {
            if (TRACE) {
                System.err.println("[direct] gave up nid " + inode.nid() + " size " + inode.size() + ": " + why);
            }
            givenUp++;
        } else {
            answered++;
        }
        return c;
    }

    private FileContent readOrNull(ErofsInode inode) {
        long size = inode.size();
        if (!inode.isCompressed() || size <= 0 || size > PlainReader.READ_LIMIT || !applies(sbi)) {
            return null;
        }
        MessageDigest md = FileContent.newDigest();
        long x = 0;
        ZMapBlocks.ZMapping head = null;
        while (x < size) {
            ZMapBlocks.ZMapping m = zmap.map(inode, x, 0);
            if (TRACE) {
                why = "map " + m + " at " + x;
            }
            if (!m.mapped() || m.meta() || m.fragment() || (m.flags() & ZMapBlocks.ENCODED) == 0
                    || (m.flags() & ZMapBlocks.PARTIAL_REF) != 0 || m.end() <= x || m.la() > x) {
                return null;
            }
            if (head != null && m.la() == head.la() && m.pa() == head.pa() && m.plen() == head.plen()
                    && m.algorithm() == head.algorithm()) {
                x = m.end();
                continue;
            }
            if (TRACE) {
                why = "new head " + m + " at " + x + " after " + head;
            }
            if (m.la() != x) {
                return null;
            }
            if (head != null && !decodeInto(md, head, x - head.la())) {
                return null;
            }
            head = m;
            x = m.end();
        }
        if (head == null || !decodeInto(md, head, size - head.la())) {
            return null;
        }
        return new FileContent(FileContent.hex(md.digest()), size, null, List.of());
    }

    /** Decodes extent {@code m}'s pcluster to exactly {@code len} bytes and hashes them; false: give up. */
    private boolean decodeInto(MessageDigest md, ZMapBlocks.ZMapping m, long len) {
        long plen = m.plen();
        if (len <= 0 || len > ZMapBlocks.PCLUSTER_MAX_DSIZE || plen <= 0 || plen > ZMapBlocks.PCLUSTER_MAX_SIZE
                || m.pa() < 0) {
            return false;
        }
        byte[] in;
        int at;
        if (plen <= PlainReader.WINDOW) {
            // readPhysical's bytes, from a window of the primary (one pread for many pclusters)
            at = io.readPhysicalWindowed(m.pa(), (int) plen);
            if (at < 0) {
                return false;
            }
            in = io.windowBytes();
        } else {
            MapDev.Target t = MapDev.map(sbi, 0, m.pa());
            ImageBytes dev = t.backing() == null ? null : t.backing().bytes();
            if (t.device() != 0 || dev == null || !dev.faults().isEmpty() || t.position() < 0
                    || t.position() + plen > dev.size()) {
                return false;
            }
            in = io.readPhysical(m.pa(), (int) plen);
            if (in == null) {
                return false;
            }
            at = 0;
        }
        int end = at + (int) plen;
        int n = (int) len;
        if (m.algorithm() == ZMapBlocks.SHIFTED) {
            if (n > plen) {
                return false; // z_erofs_transform_plain: EOPNOTSUPP
            }
            md.update(in, at, n);
            return true;
        }
        if (m.algorithm() != ZMapBlocks.LZ4) {
            return false;
        }
        // z_erofs_fixup_insize: the zeros before the stream in its first block
        int padlen = (int) Math.min(plen, sbi.blockSize());
        int zeros = 0;
        while (zeros < padlen && in[at + zeros] == 0) {
            zeros++;
        }
        if (zeros == padlen) {
            return false;
        }
        if (out.length < n) {
            out = new byte[Math.max(n, out.length * 2)];
        }
        if (TRACE) {
            why = "lz4 " + m + " len " + len + " zeros " + zeros;
        }
        if (!Lz4Strict.decode(in, at + zeros, end, out, n)) {
            return false;
        }
        md.update(out, 0, n);
        return true;
    }
}
