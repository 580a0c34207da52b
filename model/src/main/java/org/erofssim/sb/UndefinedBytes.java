package org.erofssim.sb;

import org.erofssim.file.DataReader;
import org.erofssim.read.FileContent;
import org.erofssim.zip.Lz4Block;

/**
 * Bytes the kernel returns without an error although nothing on the image determines them:
 * its LZ4 decoder ({@link Lz4Block}) accepts a match of offset 0 and, in a partial decode,
 * leaves the output page's old contents (stale memory) in place. A file read goes on (the
 * kernel reports no error) and its {@link FileContent} gets a null hash and a note
 * starting with {@link #NOTE_PREFIX}; a directory or symlink page with such bytes cannot be
 * modelled at all, which this exception (a {@link NotModelled}) says.
 */
public final class UndefinedBytes extends NotModelled {
    private static final long serialVersionUID = 1L;

    /** How a file entry's note starts when the kernel returns undefined bytes for it. */
    public static final String NOTE_PREFIX = "kernel returns undefined bytes: ";
    /** The one cause the model knows. */
    public static final String CAUSE = "an LZ4 match of offset 0 in a partially decoded pcluster copies the output onto itself";

    public UndefinedBytes(String message) {
        super(NOTE_PREFIX + message);
    }
}
