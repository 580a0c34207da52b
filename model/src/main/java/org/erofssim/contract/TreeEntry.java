package org.erofssim.contract;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * One path of a mounted tree as {@code lstat}, {@code readlink}, the xattr calls and a full
 * read show it (the contract's {@code tree} entries). {@code sha256} covers the bytes read
 * before {@code readErrno}, if any. {@code extents} is filled only when a scenario asks.
 */
@API(status = MAINTAINED, since = "0.1.0")
public record TreeEntry(String path, long ino, String type, String mode, long uid, long gid, long size,
                        long blocks, long nlink, long mtime, long mtimeNsec, String target, String rdev,
                        Map<String, String> xattrs, String sha256, String readErrno, long readOkBytes,
                        List<Extent> extents, List<String> notes) {

    /*
     * The walk limits of the contract, the same for the model's walk and the live oracle's walker,
     * so that a tree beyond them reads the same on both sides (each side says so in a note).
     */

    /** A walk records at most this many paths, in walk order (depth first, names in on-disk order). */
    public static final int MAX_PATHS = 100_000;

    /**
     * A directory this many levels below {@code /} is listed (its entry and {@code readErrno}
     * recorded) but its children are not walked.
     */
    public static final int MAX_DEPTH = 64;

    /** A regular file is read and hashed up to this many bytes; the rest is left unread. */
    public static final long MAX_FILE_BYTES = 1L << 30;

    /** A FIEMAP-shaped extent in bytes; {@code device} is the erofs device id holding it. */
    /**
     * The record's equality, written out: the generated one goes through method handles, slow
     * until compiled (JFR, session 14: a fuzz campaign's every-32nd-case twice-check compares
     * whole trees), numbers first.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof TreeEntry t && ino == t.ino && size == t.size && uid == t.uid && gid == t.gid
                && blocks == t.blocks && nlink == t.nlink && mtime == t.mtime && mtimeNsec == t.mtimeNsec
                && readOkBytes == t.readOkBytes && java.util.Objects.equals(path, t.path)
                && java.util.Objects.equals(type, t.type) && java.util.Objects.equals(mode, t.mode)
                && java.util.Objects.equals(sha256, t.sha256) && java.util.Objects.equals(readErrno, t.readErrno)
                && java.util.Objects.equals(target, t.target) && java.util.Objects.equals(rdev, t.rdev)
                && java.util.Objects.equals(xattrs, t.xattrs) && java.util.Objects.equals(extents, t.extents)
                && java.util.Objects.equals(notes, t.notes);
    }

    /** The record's hash (the generated one's combination of its components), consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return java.util.Objects.hash(path, ino, type, mode, uid, gid, size, blocks, nlink, mtime, mtimeNsec, target,
                rdev, xattrs, sha256, readErrno, readOkBytes, extents, notes);
    }

    @API(status = MAINTAINED, since = "0.1.0")
    public record Extent(long logical, long physical, long length, String flags, int device) {}
}
