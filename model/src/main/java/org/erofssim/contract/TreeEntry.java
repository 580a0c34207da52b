package org.erofssim.contract;

import java.util.List;
import java.util.Map;

/**
 * One path of a mounted tree as {@code lstat}, {@code readlink}, the xattr calls and a full
 * read show it (the contract's {@code tree} entries). {@code sha256} covers the bytes read
 * before {@code readErrno}, if any. {@code extents} is filled only when a scenario asks.
 */
public record TreeEntry(String path, long ino, String type, String mode, long uid, long gid, long size,
                        long blocks, long nlink, long mtime, long mtimeNsec, String target, String rdev,
                        Map<String, String> xattrs, String sha256, String readErrno, long readOkBytes,
                        List<Extent> extents, List<String> notes) {

    /** A FIEMAP-shaped extent in bytes; {@code device} is the erofs device id holding it. */
    public record Extent(long logical, long physical, long length, String flags, int device) {}
}
