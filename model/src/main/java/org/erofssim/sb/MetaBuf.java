package org.erofssim.sb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.erofssim.block.ImageBytes;
import org.erofssim.kernel.Behavior;

/**
 * The metadata buffer of a superblock: {@code erofs_init_metabuf} chooses the page cache that
 * backs metadata and {@code erofs_bread} reads one page of it (fs/erofs/data.c, spec §6.1).
 *
 * <p>bdev mode reads the block device's page cache, fileio the backing file's own page cache,
 * fscache the primary cookie's anonymous inode. Reads are page-granular; a page past the end of
 * the device or file reads as zeros (the page cache zero-fills beyond {@code i_size}); an
 * injected fault fails with its errno; in fscache mode a page not read before fails as the
 * cookie's cache says ({@link FscacheCache#read}). The pages read are remembered for the
 * {@code metadataCache} probe.
 */
public final class MetaBuf implements ErofsBuf {
    private final ImageBytes bytes;
    private final String cache;
    private final long fsoffset;
    private final boolean fsoffsetKnown;
    /** 7.x fileio: a metadata page the backing file does not fill is an I/O error, not zeros. */
    private final boolean shortReadEio;
    /** 7.2.13 fileio: metadata is read at the exact byte {@code fsoffset + offset} (not page-aligned). */
    private final boolean byteOffset;
    /**
     * 7.3 fileio ({@link Behavior#FILEIO_METADATA_MANAGED_CACHE}): pages indexed by metadata
     * position, each read through the unified device ranges at {@code fsoffset} rounded down to
     * a 512-byte sector; null otherwise.
     */
    private final SbInfo managed;
    /**
     * The metadata positions a read can name: before {@link Behavior#METABUF_BYTE_OFFSETS} (6.1)
     * {@code erofs_read_metabuf} takes a u32 block number of 4 KiB blocks (6.1's only size), so a
     * position wraps at 2^44 bytes; after it, any 64-bit position.
     */
    private final long positionMask;
    /** The pages read ({@link #touchedPages()} sorts them): a hash set, as the walk adds one per page switch. */
    private final java.util.Set<Long> touched = new java.util.HashSet<>();
    /**
     * Pages read before, by index ({@link #reusePages}): a metadata page is read from the image
     * once, not on every switch between an inode's page and a directory's (the model's own
     * bookkeeping; the kernel's page cache keeps such pages too). Bounded ({@link #REUSED_PAGES}).
     */
    private java.util.LinkedHashMap<Long, byte[]> reused;
    /** The bytes of a page past the end of the device or file (never written). */
    private static final byte[] ZERO_PAGE = new byte[ImageBytes.PAGE_SIZE];
    /** How many pages {@link #reused} keeps (2 MiB). */
    static final int REUSED_PAGES = 512;

    /**
     * Whether a page read once without an error is served again from memory (default true;
     * {@code -Derofssim.reusePages=false} reads it from the image every time, as before issue 12's
     * third pass). The image's bytes do not change during a prediction and a read that succeeded
     * gives the same bytes again, so the outcome cannot change ({@code PageReuseProperties}
     * checks both settings on random clean and damaged images). Never in fscache mode (a read
     * there asks the cookie's cache) nor for 7.2.13's unaligned fileio metadata reads.
     */
    public static volatile boolean reusePages = !"false".equals(System.getProperty("erofssim.reusePages"));
    /** fscache: the primary cookie, whose cache decides whether a page not yet read can be read. */
    private final DeviceBacking.OfCookie cookie;
    private long heldIndex = -1;
    private ByteBuffer held;
    /**
     * Whether {@link #held} may be kept in {@link #reused}: it goes there when the buffer switches
     * to another page (a mount that reads one page makes no map, issue 12), as if it had been put
     * there when read.
     */
    private boolean heldReusable;

    /** {@code erofs_init_metabuf} for the superblock's primary device. */
    public MetaBuf(SbInfo sbi) {
        DeviceBacking primary = sbi.primary();
        this.bytes = primary.bytes() == null ? ImageBytes.empty() : primary.bytes();
        this.cache = cacheName(sbi.mode());
        this.fsoffsetKnown = sbi.kernel().has(Behavior.FSOFFSET_OPTION);
        this.fsoffset = fsoffsetKnown ? sbi.fsoffset() : 0;
        this.shortReadEio = sbi.mode() == Mode.FILEIO && sbi.kernel().has(Behavior.FILEIO_METADATA_SHORT_READ_EIO);
        this.byteOffset = sbi.mode() == Mode.FILEIO && sbi.kernel().has(Behavior.FILEIO_METADATA_BYTE_OFFSET);
        this.managed = sbi.mode() == Mode.FILEIO && sbi.kernel().has(Behavior.FILEIO_METADATA_MANAGED_CACHE) ? sbi : null;
        this.cookie = primary instanceof DeviceBacking.OfCookie c ? c : null;
        this.positionMask = sbi.kernel().has(Behavior.METABUF_BYTE_OFFSETS) ? -1L : (1L << (32 + 12)) - 1;
    }

    /** The contract's name of the cache used: {@code bdev}, {@code file} or {@code fscache}. */
    public static String cacheName(Mode mode) {
        return switch (mode) {
            case BDEV -> "bdev";
            case FILEIO -> "file";
            case FSCACHE -> "fscache";
        };
    }

    public String cache() {
        return cache;
    }

    /**
     * {@code erofs_bread(buf, offset, EROFS_KMAP)}: the page holding metadata byte {@code offset}
     * (6.16+: page index {@code (fsoffset + offset) >> PAGE_SHIFT}; 7.3 fileio: {@code offset >>
     * PAGE_SHIFT} of erofs's own cache, see {@link #managed}), as a little-endian buffer
     * whose index 0 is the page start. Combine with {@link #inPage(long)}.
     *
     * @throws org.erofssim.kernel.KernelError the read error (EIO for an injected fault)
     */
    @Override public ByteBuffer page(long position) {
        long offset = position & positionMask;
        long index = (managed != null ? offset : fsoffset + offset) >>> 12;
        if (index != heldIndex) {
            if (cookie != null && !touched.contains(index)) {
                // erofs_fscache_meta_read_folio: a page not in the anonymous inode's page cache
                cookie.cache().read(cookie);
            }
            ImageBytes from = bytes;
            long at = byteOffset ? fsoffset + (offset & ~(long) (ImageBytes.PAGE_SIZE - 1)) : index << 12;
            if (managed != null) {
                long page = offset & ~(long) (ImageBytes.PAGE_SIZE - 1);
                ErofsDevice dif = unifiedDevice(page);
                from = dif == null ? bytes : dif.backing().bytes() == null ? ImageBytes.empty() : dif.backing().bytes();
                at = dif == null ? page + (fsoffset & ~511L) : page - (dif.mappedBlkaddr() << managed.blkszbits());
            }
            if (shortReadEio && (managed != null ? at + ImageBytes.PAGE_SIZE : (index + 1) << 12) > from.size()) {
                // [obs-7.2.13, obs-7.3: a 512-byte or empty file: "cannot read erofs superblock", EIO]
                throw new org.erofssim.kernel.KernelError(org.erofssim.kernel.Errno.EIO,
                        "metadata page " + index + " is not within the backing file (" + from.size() + " bytes)");
            }
            boolean reuse = reusePages && cookie == null && !byteOffset;
            if (heldReusable) {
                reusedPages().put(heldIndex, held.array());
                heldReusable = false;
            }
            byte[] b = reuse && reused != null ? reused.get(index) : null;
            // a page wholly within image bytes held in memory, without faults: its bytes in place
            // (what the copy below would hold), nothing to keep for reuse; a page wholly past the
            // end of bytes without faults: the shared zero page (the copy would stay zeros)
            ByteBuffer view = b != null || !ImageBytes.views ? null : from.view(at, ImageBytes.PAGE_SIZE);
            if (view == null && b == null && ImageBytes.views && at >= from.size() && from.faults().isEmpty()) {
                view = ByteBuffer.wrap(ZERO_PAGE).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
            }
            if (view == null && b == null && at == 0 && from == bytes) {
                // the superblock's page, which every mount reads: shared while the image is unchanged
                b = bytes.firstPage();
            }
            if (b == null && view == null) {
                b = new byte[ImageBytes.PAGE_SIZE];
                // 7.2.13 fileio: the page's bytes start at fsoffset + its metadata offset, unaligned;
                // 7.3: at the sector-aligned fsoffset, or on the extra device whose range holds it
                from.read(at, b, 0, b.length);
            }
            held = view != null ? view : ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            heldIndex = index;
            heldReusable = reuse && view == null;
            touched.add(index);
        }
        return held;
    }

    /**
     * {@code erofs_map_dev} of device 0 as {@code erofs_read_meta_folio} calls it for a metadata
     * page: with extra devices not in flat mode, the first device (in id order) with a non-zero
     * unified address whose range holds the page, else null (the primary).
     */
    private ErofsDevice unifiedDevice(long page) {
        if (managed.devices().isEmpty() || managed.flatdev()) {
            return null;
        }
        int bits = managed.blkszbits();
        for (ErofsDevice dif : managed.devices()) {
            long start = dif.mappedBlkaddr() << bits;
            if (dif.mappedBlkaddr() != 0 && Long.compareUnsigned(page, start) >= 0
                    && Long.compareUnsigned(page, start + (dif.blocks() << bits)) < 0) {
                return dif;
            }
        }
        return null;
    }

    /** Same page as {@link #page} indexes it (7.3 fileio: without {@code fsoffset}). */
    @Override public boolean samePage(long a, long b) {
        long base = managed != null ? 0 : fsoffset;
        return (base + (a & positionMask)) >>> 12 == (base + (b & positionMask)) >>> 12;
    }

    private java.util.LinkedHashMap<Long, byte[]> reusedPages() {
        if (reused == null) {
            reused = new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Long, byte[]> eldest) {
                    return size() > REUSED_PAGES;
                }
            };
        }
        return reused;
    }

    /**
     * The in-page offset {@code erofs_bread} returns a pointer at: that of {@code offset} alone,
     * without {@code fsoffset} (the reason a misaligned {@code fsoffset < 4096} still finds the
     * superblock, spec §4.7 step 6).
     */
    public static int inPage(long offset) {
        return (int) (offset & (ImageBytes.PAGE_SIZE - 1));
    }

    /**
     * Counts {@code pages} as read through this buffer: the metadata pages that another buffer
     * of the same superblock read on its behalf (a tree walk's parallel file reads, each on a
     * worker's own buffer).
     */
    public void touchedToo(java.util.Collection<Long> pages) {
        touched.addAll(pages);
    }

    /** Pages of the metadata cache read so far, by page index of the primary device. */
    public NavigableSet<Long> touchedPages() {
        return Collections.unmodifiableNavigableSet(new TreeSet<>(touched));
    }
}
