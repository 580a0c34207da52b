package org.erofssim.read;

/**
 * How the tree walk reads a regular file (the scenario's {@code readSize} and {@code mmap}):
 * {@code read(2)} calls of {@code size} bytes from offset 0 until one returns nothing or an
 * error, or ({@code mmap}) one touch of each page of a read-only shared mapping, in order, until
 * a page faults ({@code SIGBUS}). The read size decides the readahead windows
 * ({@code page_cache_sync_ra}'s request, {@code ractl_max_pages}) and so which large folios the
 * page cache builds; a failing large folio fails as a whole, so the bytes returned before an
 * error depend on it (issue 10 point 6).
 *
 * @param size bytes per {@code read(2)} call (unused with {@code mmap})
 * @param mmap page faults of a mapping ({@code filemap_fault}) instead of {@code read(2)}
 */
public record ReadPattern(int size, boolean mmap) {
    /** 128 KiB {@code read(2)} calls: what the tree walk always did, and {@code cat} does. */
    public static final ReadPattern DEFAULT = new ReadPattern(PlainReader.READ_CALL, false);

    public ReadPattern {
        if (size < 1) {
            throw new IllegalArgumentException("read size " + size);
        }
    }

    /** How the contract and notes name it: {@code read(2) of N bytes} or {@code mmap}. */
    @Override
    public String toString() {
        return mmap ? "mmap" : "read(2) of " + size + " bytes";
    }

    // equals and hashCode written out, component by component as the record's generated ones
    // (same hash): those go through method handles (ObjectMethods), spun as LambdaForm classes at the
    // first call and slow until compiled (a cold campaign's first second, issue 12)
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ReadPattern p && size == p.size && mmap == p.mmap;
    }

    @Override
    public int hashCode() {
        return 31 * size + Boolean.hashCode(mmap);
    }
}
