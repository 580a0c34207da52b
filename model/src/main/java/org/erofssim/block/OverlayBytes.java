package org.erofssim.block;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * An image's bytes as a shared base with some pages changed (copy-on-write): the first write to a
 * 4 KiB page copies that page of the base into this view and changes the copy; reads take the
 * changed pages from their copies and every other byte from the base, which is never written and
 * never copied whole. A fuzz case is its base image plus the one to three pages its edits touch,
 * so the thousands of cases of a campaign share one array of each base (issue 12); the model reads
 * a view through {@link ImageBytes} like any other image.
 *
 * <p>Reads behave as the base's ({@code pread(2)}-like: fewer bytes at the end, none past it);
 * writes stay inside {@code [0, size())} (the size never changes). A view is written while it is
 * built and only read afterwards: hand it to other threads after the last write.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public final class OverlayBytes extends ImageBytes {
    private static final long[] NO_PAGES = new long[0];
    private static final byte[][] NO_COPIES = new byte[0][];

    private final ImageBytes base;
    private final long size;
    /** The numbers of the copied pages, ascending ({@link #count} of them). */
    private long[] numbers = NO_PAGES;
    /** The copies, in the order of {@link #numbers}. */
    private byte[][] copies = NO_COPIES;
    private int count;

    /** A view of {@code base} with no page changed yet. */
    public OverlayBytes(ImageBytes base) {
        this.base = base;
        this.size = base.size();
    }

    @Override public long size() {
        return size;
    }

    /** How many pages have been copied (written). */
    public int pagesCopied() {
        return count;
    }

    /** Sets the byte at {@code pos}. */
    public void put(long pos, byte value) {
        checkRange(pos, 1);
        copy(pos / PAGE_SIZE)[(int) (pos % PAGE_SIZE)] = value;
    }

    /** Writes {@code data} at {@code pos} (it may cross pages). */
    public void write(long pos, byte[] data) {
        checkRange(pos, data.length);
        int done = 0;
        while (done < data.length) {
            long at = pos + done;
            int in = (int) (at % PAGE_SIZE);
            int n = Math.min(data.length - done, PAGE_SIZE - in);
            System.arraycopy(data, done, copy(at / PAGE_SIZE), in, n);
            done += n;
        }
    }

    @Override public int read(long pos, byte[] dst, int off, int len) {
        if (pos < 0 || pos >= size || len <= 0) {
            return 0;
        }
        int n = (int) Math.min(len, size - pos);
        if (count == 0) {
            return base.read(pos, dst, off, n);
        }
        int done = 0;
        while (done < n) {
            long at = pos + done;
            long page = at / PAGE_SIZE;
            int i = Arrays.binarySearch(numbers, 0, count, page);
            if (i >= 0) {
                int in = (int) (at % PAGE_SIZE);
                int k = Math.min(n - done, PAGE_SIZE - in);
                System.arraycopy(copies[i], in, dst, off + done, k);
                done += k;
            } else {
                // the base's bytes up to the next copied page, in one read
                int next = -i - 1;
                long stop = next < count ? numbers[next] * PAGE_SIZE : size;
                int k = (int) Math.min(n - done, stop - at);
                int got = base.read(at, dst, off + done, k);
                done += got;
                if (got < k) {
                    break; // the base ended early (a short read): so does this one
                }
            }
        }
        return done;
    }

    /**
     * A read-only view as {@link ImageBytes#view} gives one: inside one copied page, of that
     * page's copy; where no page of the range was copied, the base's own view (null where the
     * base gives none); null for a range that mixes copied and shared pages (the caller copies).
     * Only for a view no longer written (see the class comment).
     */
    @Override public java.nio.ByteBuffer view(long pos, int len) {
        if (pos < 0 || len <= 0 || pos + len > size) {
            return null;
        }
        if (count == 0) {
            return base.view(pos, len);
        }
        long first = pos / PAGE_SIZE;
        long last = (pos + len - 1) / PAGE_SIZE;
        int i = Arrays.binarySearch(numbers, 0, count, first);
        if (i >= 0) {
            return first == last ? java.nio.ByteBuffer.wrap(copies[i], (int) (pos % PAGE_SIZE), len).slice()
                    .asReadOnlyBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN) : null;
        }
        int next = -i - 1;
        return next >= count || numbers[next] > last ? base.view(pos, len) : null;
    }

    /**
     * Page 0 as {@link ImageBytes#firstPage} gives it: its copy when it was written (the caller
     * must not write to it), else the base's, which the base hands out again to every view of it
     * while its bytes are unchanged.
     */
    @Override public byte[] firstPage() {
        int i = count == 0 ? -1 : Arrays.binarySearch(numbers, 0, count, 0L);
        return i >= 0 ? copies[i] : base.firstPage();
    }

    /** The whole image in one new array (for writing it to a file). */
    public byte[] toByteArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("an image of " + size + " bytes does not fit in one array");
        }
        byte[] out = new byte[(int) size];
        read(0, out, 0, out.length);
        return out;
    }

    /** Page {@code page}'s copy, made from the base at the first write. */
    private byte[] copy(long page) {
        int i = Arrays.binarySearch(numbers, 0, count, page);
        if (i >= 0) {
            return copies[i];
        }
        int at = -i - 1;
        byte[] p = base.pageCopy(page);
        if (count == numbers.length) {
            int grown = Math.max(4, 2 * count);
            numbers = Arrays.copyOf(numbers, grown);
            copies = Arrays.copyOf(copies, grown);
        }
        System.arraycopy(numbers, at, numbers, at + 1, count - at);
        System.arraycopy(copies, at, copies, at + 1, count - at);
        numbers[at] = page;
        copies[at] = p;
        count++;
        return p;
    }

    private void checkRange(long pos, int width) {
        if (pos < 0 || width < 0 || pos + width > size) {
            throw new IllegalArgumentException("write of " + width + " bytes at " + pos
                    + " is outside the image (" + size + " bytes)");
        }
    }
}
