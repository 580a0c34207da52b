package org.erofssim.block;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelError;

/**
 * The bytes a node holds (an image file, a loop device's backing file), read in place:
 * a read-only mapping of the file or a wrapped array, never a copy of the whole image.
 *
 * <p>Reads behave like {@code pread(2)} on a regular file: they return fewer bytes at the end
 * and none past it. Fault injection ({@link #withFaults}) makes chosen 4 KiB pages fail with
 * EIO or end the data early, so tests can reach the kernel's read-error paths.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public abstract class ImageBytes {
    /** The page size of the modelled machine (x86-64). */
    public static final int PAGE_SIZE = 4096;

    /** Size in bytes, as {@code i_size} of the file or the capacity of the device. */
    public abstract long size();

    /**
     * Copies up to {@code len} bytes at {@code pos} into {@code dst[off..]}.
     *
     * @return the number of bytes copied: {@code len}, fewer at the end, 0 past it
     * @throws KernelError EIO where a fault was injected
     */
    public abstract int read(long pos, byte[] dst, int off, int len);

    /** A little-endian buffer of exactly {@code len} bytes at {@code pos}, zero past the end. */
    public ByteBuffer readFully(long pos, int len) {
        byte[] b = new byte[len];
        read(pos, b, 0, len);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Bytes {@code [pos, pos + len)} without a copy: a read-only little-endian buffer whose index
     * 0 is byte {@code pos}, holding exactly what {@link #read} would copy (so only where all of
     * them lie before {@link #size()} and no fault is injected), or null where this kind cannot
     * give one (the caller then copies with {@link #read}). Kinds that hold their bytes in a
     * Java array answer (issue 12: a metadata page was a new 4 KiB copy per page switch of a
     * mount); a mapping does not (a direct buffer beside the heap ones would make every buffer
     * read of the model a megamorphic call).
     */
    public ByteBuffer view(long pos, int len) {
        return null;
    }

    /**
     * Whether readers take {@link #view}s where one is given (default true;
     * {@code -Derofssim.imageViews=false} copies every page as before issue 12's session 12, which
     * {@code ImageViewProperties} compares on random clean and damaged images).
     */
    public static volatile boolean views = !"false".equals(System.getProperty("erofssim.imageViews"));

    /** {@link #firstPage()}'s last answer, for the kinds of bytes that can check it ({@link #samePage}). */
    private volatile byte[] firstPage;

    /**
     * Bytes {@code [0, PAGE_SIZE)} (zeros past the end), as {@link #read} gives them, in an array
     * the caller must never write to: every mount reads this page (the superblock's), so an image
     * that can compare its bytes with an earlier copy ({@link #samePage}: a mapping or an array,
     * no faults) hands out that copy again while its bytes are unchanged, instead of a new 4 KiB
     * page per mount (issue 12). Any other kind reads a new copy each time.
     */
    public byte[] firstPage() {
        byte[] p = firstPage;
        if (p != null && samePage(p)) {
            return p;
        }
        p = new byte[PAGE_SIZE];
        read(0, p, 0, PAGE_SIZE);
        if (size() >= PAGE_SIZE && samePage(p)) {
            firstPage = p;
        }
        return p;
    }

    /**
     * A new array of page {@code page}'s bytes ({@code [page * PAGE_SIZE, +PAGE_SIZE)}, zeros past
     * the end), as {@link #read} into a new page gives them: {@link OverlayBytes}'s copy at a
     * page's first write. An array's bytes are copied without first zeroing the new page.
     */
    byte[] pageCopy(long page) {
        byte[] p = new byte[PAGE_SIZE];
        read(page * PAGE_SIZE, p, 0, PAGE_SIZE);
        return p;
    }

    /**
     * Whether bytes {@code [0, PAGE_SIZE)} of a file at least a page long equal {@code page} now,
     * as a {@link #read} would give them; false when this kind cannot tell (the default).
     */
    boolean samePage(byte[] page) {
        return false;
    }

    public static ImageBytes of(byte[] bytes) {
        return new ArrayBytes(bytes);
    }

    public static ImageBytes empty() {
        return new ArrayBytes(new byte[0]);
    }

    /**
     * Files up to this size are mapped whole; larger ones are read with positional reads
     * ({@code pread(2)}) of what is asked for, so the process holds none of the image (a mapping's
     * touched pages count in its resident set) and offsets past 2 GiB work (issue 12).
     * {@code -Derofssim.mapLimit=BYTES} changes it (tests).
     */
    static final long MAP_LIMIT = Long.getLong("erofssim.mapLimit", 64L << 20);

    /**
     * The bytes of a file, read in place: a read-only mapping of a file up to {@link #MAP_LIMIT}
     * bytes (the mapping lives as long as this object), positional reads of a larger one (its
     * descriptor is closed when this object becomes unreachable). Any size the filesystem allows.
     */
    public static ImageBytes map(Path file) {
        java.util.Map<Object, ImageBytes> scope = SHARED.get();
        if (scope == null) {
            return open(file);
        }
        Object key = null;
        try {
            java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(file,
                    java.nio.file.attribute.BasicFileAttributes.class);
            if (a.isRegularFile() && a.fileKey() != null) {
                key = java.util.List.of(file.toAbsolutePath().normalize(), a.fileKey(), a.size(), a.lastModifiedTime());
                ImageBytes b = scope.get(key);
                if (b != null) {
                    return b;
                }
            }
        } catch (IOException e) {
            // opened below, which reports it
        }
        ImageBytes b = open(file);
        if (key != null) {
            scope.put(key, b);
        }
        return b;
    }

    private static final ThreadLocal<java.util.Map<Object, ImageBytes>> SHARED = new ThreadLocal<>();

    /**
     * Runs {@code body} with the files {@link #map} opens on this thread shared: a batch of
     * scenarios naming the same image (a {@code predict} of thousands) makes one mapping of it
     * instead of one per scenario (issue 12). Within the scope a file is known by its path,
     * identity (device, inode), size and modification time; a mapping shows the file as it is
     * now, so sharing changes no byte read while the batch does not replace its images.
     */
    public static <T> T sharingMappings(java.util.function.Supplier<T> body) {
        if (SHARED.get() != null) {
            return body.get();
        }
        SHARED.set(new java.util.HashMap<>());
        try {
            return body.get();
        } finally {
            SHARED.remove();
        }
    }

    private static ImageBytes open(Path file) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            long size = ch.size();
            if (size > MAP_LIMIT) {
                ChannelBytes c = new ChannelBytes(ch, size, file);
                ch = null; // owned by c now
                return c;
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new MappedBytes(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // read-only: nothing lost
                }
            }
        }
    }

    /**
     * These bytes as a loop device shows them: {@code loop_set_size} gives the device
     * {@code (file size) >> 9} sectors, so a tail of less than 512 bytes is not part of it (a read
     * there finds the end of the device) [issue 10 item 7: an image cut to 1,088 bytes has no
     * superblock on a loop device: EINVAL "cannot find valid erofs superblock"].
     */
    public ImageBytes loopRounded() {
        long whole = size() & ~511L;
        if (whole == size()) {
            return this;
        }
        return new LoopRounded(this, whole);
    }

    /** These bytes with faults injected at the given pages (see {@link Faults}). */
    public ImageBytes withFaults(Faults faults) {
        return faults.isEmpty() ? this : new FaultyBytes(this, faults);
    }

    /**
     * The faults injected into these bytes ({@link #withFaults}; where several were stacked, the
     * outermost kind of a page wins, as in a read), {@link Faults#NONE} for none. With
     * {@link #withoutFaults()} it gives back what a scenario file says: the bytes and the faults.
     */
    public Faults faults() {
        return Faults.NONE;
    }

    /** These bytes without injected faults (the same object when there are none). */
    public ImageBytes withoutFaults() {
        return this;
    }

    /** {@link #loopRounded()}: a shorter view of whole 512-byte sectors. */
    private static final class LoopRounded extends ImageBytes {
        private final ImageBytes inner;
        private final long whole;

        LoopRounded(ImageBytes inner, long whole) {
            this.inner = inner;
            this.whole = whole;
        }

        @Override public long size() {
            return whole;
        }

        @Override public int read(long pos, byte[] dst, int off, int len) {
            if (pos < 0 || pos >= whole) {
                return 0;
            }
            return inner.read(pos, dst, off, (int) Math.min(len, whole - pos));
        }

        @Override public Faults faults() {
            return inner.faults();
        }

        @Override public ByteBuffer view(long pos, int len) {
            return pos >= 0 && len >= 0 && pos + len <= whole ? inner.view(pos, len) : null;
        }

        @Override public ImageBytes withoutFaults() {
            ImageBytes clean = inner.withoutFaults();
            return clean == inner ? this : clean.loopRounded();
        }
    }

    private static final class ArrayBytes extends ImageBytes {
        private final byte[] bytes;

        ArrayBytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override public long size() {
            return bytes.length;
        }

        @Override public int read(long pos, byte[] dst, int off, int len) {
            if (pos >= bytes.length || pos < 0) {
                return 0;
            }
            int n = (int) Math.min(len, bytes.length - pos);
            System.arraycopy(bytes, (int) pos, dst, off, n);
            return n;
        }

        @Override byte[] pageCopy(long page) {
            long from = page * PAGE_SIZE;
            if (page < 0 || from > bytes.length || from > Integer.MAX_VALUE - PAGE_SIZE) {
                return super.pageCopy(page);
            }
            return java.util.Arrays.copyOfRange(bytes, (int) from, (int) from + PAGE_SIZE); // zeros past the end
        }

        @Override boolean samePage(byte[] page) {
            return bytes.length >= PAGE_SIZE && java.util.Arrays.equals(bytes, 0, PAGE_SIZE, page, 0, PAGE_SIZE);
        }

        @Override public ByteBuffer view(long pos, int len) {
            if (pos < 0 || len < 0 || pos + len > bytes.length) {
                return null;
            }
            return ByteBuffer.wrap(bytes, (int) pos, len).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static final class MappedBytes extends ImageBytes {
        private final ByteBuffer map;

        MappedBytes(ByteBuffer map) {
            this.map = map;
        }

        @Override public long size() {
            return map.capacity();
        }

        @Override public int read(long pos, byte[] dst, int off, int len) {
            if (pos >= map.capacity() || pos < 0) {
                return 0;
            }
            int n = (int) Math.min(len, map.capacity() - pos);
            map.get((int) pos, dst, off, n);
            return n;
        }

        @Override boolean samePage(byte[] page) {
            return map.capacity() >= PAGE_SIZE && map.slice(0, PAGE_SIZE).mismatch(ByteBuffer.wrap(page)) < 0;
        }
    }

    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    /** A large file read with positional reads, any offset a {@code long} holds. */
    private static final class ChannelBytes extends ImageBytes {
        private final FileChannel ch;
        private final long size;
        private final Path file;

        ChannelBytes(FileChannel ch, long size, Path file) {
            this.ch = ch;
            this.size = size;
            this.file = file;
            CLEANER.register(this, () -> {
                try {
                    ch.close();
                } catch (IOException e) {
                    // read-only
                }
            });
        }

        @Override public long size() {
            return size;
        }

        @Override public int read(long pos, byte[] dst, int off, int len) {
            if (pos >= size || pos < 0 || len <= 0) {
                return 0;
            }
            int want = (int) Math.min(len, size - pos);
            ByteBuffer b = ByteBuffer.wrap(dst, off, want);
            try {
                while (b.hasRemaining()) {
                    int n = ch.read(b, pos + (b.position() - off));
                    if (n < 0) {
                        break; // the file shrank under us: like pread, fewer bytes
                    }
                }
            } catch (IOException e) {
                throw new KernelError(Errno.EIO, "reading " + file + " at byte " + pos + ": " + e.getMessage());
            }
            return b.position() - off;
        }
    }

    private static final class FaultyBytes extends ImageBytes {
        private final ImageBytes inner;
        private final Faults faults;

        FaultyBytes(ImageBytes inner, Faults faults) {
            this.inner = inner;
            this.faults = faults;
        }

        @Override public Faults faults() {
            Faults under = inner.faults();
            if (under.isEmpty()) {
                return faults;
            }
            java.util.Map<Long, Faults.Kind> all = new java.util.TreeMap<>(under.byPage());
            all.putAll(faults.byPage());
            return new Faults(all);
        }

        @Override public ImageBytes withoutFaults() {
            return inner.withoutFaults();
        }

        @Override public long size() {
            return inner.size();
        }

        @Override public int read(long pos, byte[] dst, int off, int len) {
            if (len <= 0) {
                return 0;
            }
            long firstPage = pos / PAGE_SIZE;
            long lastPage = (pos + len - 1) / PAGE_SIZE;
            for (long p = firstPage; p <= lastPage; p++) {
                Faults.Kind k = faults.at(p);
                if (k == Faults.Kind.EIO) {
                    throw new KernelError(Errno.EIO, "injected I/O error at page " + p);
                }
                if (k == Faults.Kind.SHORT) {
                    long stop = p * PAGE_SIZE;
                    int n = (int) Math.max(0, stop - pos);
                    return inner.read(pos, dst, off, Math.min(len, n));
                }
            }
            return inner.read(pos, dst, off, len);
        }
    }
}
