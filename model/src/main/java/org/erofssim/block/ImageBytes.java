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

    public static ImageBytes of(byte[] bytes) {
        return new ArrayBytes(bytes);
    }

    public static ImageBytes empty() {
        return new ArrayBytes(new byte[0]);
    }

    /** Maps a file read-only; the mapping lives as long as this object. */
    public static ImageBytes map(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new UncheckedIOException(new IOException(file + ": images over 2 GiB are not supported yet"));
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new MappedBytes(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
        ImageBytes inner = this;
        return new ImageBytes() {
            @Override public long size() {
                return whole;
            }

            @Override public int read(long pos, byte[] dst, int off, int len) {
                if (pos < 0 || pos >= whole) {
                    return 0;
                }
                return inner.read(pos, dst, off, (int) Math.min(len, whole - pos));
            }
        };
    }

    /** These bytes with faults injected at the given pages (see {@link Faults}). */
    public ImageBytes withFaults(Faults faults) {
        return faults.isEmpty() ? this : new FaultyBytes(this, faults);
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
    }

    private static final class FaultyBytes extends ImageBytes {
        private final ImageBytes inner;
        private final Faults faults;

        FaultyBytes(ImageBytes inner, Faults faults) {
            this.inner = inner;
            this.faults = faults;
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
