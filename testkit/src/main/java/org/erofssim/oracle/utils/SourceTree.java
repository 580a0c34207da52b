package org.erofssim.oracle.utils;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.erofssim.contract.TreeEntry;

/**
 * What an image built from a source folder should hold, from the folder itself (the tree we
 * generated, as the host file system stored it, ACL side effects included) and the mkfs
 * options' documented effects in erofs-utils 1.5:
 * <ul>
 * <li>{@code -T t}: every mtime is {@code t}, nanoseconds 0 ({@code TIMESTAMP_FIXED});</li>
 * <li>{@code SOURCE_DATE_EPOCH=t}: mtimes at or after {@code t} become {@code t}.0, earlier ones
 *     stay ({@code TIMESTAMP_CLAMPING}); "after" compares as unsigned 64-bit numbers (1.5 keeps
 *     {@code i_mtime} as {@code u64}), so a pre-1970 mtime is clamped too;</li>
 * <li>{@code --all-root}, {@code --force-uid}, {@code --force-gid}: owners replaced;</li>
 * <li>{@code -x} below 0: no xattrs.</li>
 * </ul>
 * Unknown here ({@link TreeReader#UNKNOWN}): {@code ino}, {@code blocks}, directory sizes.
 */
public final class SourceTree {
    private SourceTree() {}

    public static List<TreeEntry> expected(Path source, MkfsOptions o) throws IOException {
        List<TreeEntry> out = new ArrayList<>();
        for (TreeEntry x : TreeReader.entries(source)) {
            long mtime = x.mtime();
            long nsec = x.mtimeNsec();
            if (o.time().fixed() || Long.compareUnsigned(mtime, o.time().epoch()) >= 0) {
                mtime = o.time().epoch();
                nsec = 0;
            }
            long uid = x.uid();
            long gid = x.gid();
            if (o.owner().allRoot()) {
                uid = 0;
                gid = 0;
            }
            if (o.owner().forceUid() >= 0) {
                uid = o.owner().forceUid();
            }
            if (o.owner().forceGid() >= 0) {
                gid = o.owner().forceGid();
            }
            Map<String, String> xattrs = o.xattrsKept() ? x.xattrs() : new TreeMap<>();
            out.add(new TreeEntry(x.path(), TreeReader.UNKNOWN, x.type(), x.mode(), uid, gid, x.size(),
                    TreeReader.UNKNOWN, x.nlink(), mtime, nsec, x.target(), x.rdev(), xattrs, x.sha256(), null,
                    x.readOkBytes(), null, List.of()));
        }
        return out;
    }
}
