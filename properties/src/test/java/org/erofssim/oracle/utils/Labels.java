package org.erofssim.oracle.utils;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.erofssim.oracle.utils.TreeSpec.Entry;
import org.erofssim.oracle.utils.TreeSpec.Kind;
import org.erofssim.oracle.utils.TreeSpec.Xattr;

/** Statistics labels for generated trees and mkfs options, and the ones coverage must reach. */
final class Labels {
    private Labels() {}

    /** Tree features every run must reach (root-only ones where the host allows them). */
    static List<String> requiredTreeFeatures() {
        List<String> r = new ArrayList<>(List.of("kind dir", "kind file", "kind symlink", "kind fifo", "kind sock",
                "kind hardlink", "depth >= 3", "name >= 254 bytes", "name with newline", "name multibyte UTF-8",
                "name non-UTF-8", "file size 0", "file size at 4 KiB boundary ±1", "file > 64 KiB", "sparse file",
                "symlink >= 4000 bytes", "xattr user.*", "xattr shared by 2+ inodes", "xattr value >= 100 bytes",
                "directory of >= 40 entries", "setuid/setgid/sticky", "mtime nsec != 0"));
        TreeGenerator.Config c = TreeGenerator.Config.forThisHost();
        if (c.devices()) {
            r.addAll(List.of("kind chr", "kind blk"));
        }
        if (c.privilegedXattrs()) {
            r.addAll(List.of("xattr trusted.*", "xattr security.*"));
        }
        if (c.owners()) {
            r.add("uid or gid > 65535");
        }
        if (c.acls()) {
            r.add("POSIX ACL");
        }
        return r;
    }

    static Set<String> tree(TreeSpec t) {
        Set<String> f = new LinkedHashSet<>();
        Map<Xattr, Integer> xattrUse = new HashMap<>();
        Map<List<TreeSpec.Name>, Integer> fanout = new HashMap<>();
        countXattrs(t.root().xattrs(), xattrUse, f);
        for (Entry e : t.entries()) {
            f.add("kind " + e.kind().name().toLowerCase(java.util.Locale.ROOT));
            fanout.merge(e.path().subList(0, e.depth() - 1), 1, Integer::sum);
            if (e.depth() >= 3) {
                f.add("depth >= 3");
            }
            byte[] n = e.name().bytes();
            if (n.length == 255) {
                f.add("name >= 254 bytes");
            }
            boolean high = false;
            for (byte b : n) {
                if (b == '\n') {
                    f.add("name with newline");
                }
                high |= b < 0;
            }
            if (!Names.isUtf8(n)) {
                f.add("name non-UTF-8");
            } else if (high) {
                f.add("name multibyte UTF-8");
            }
            if (e.kind() == Kind.FILE) {
                long s = e.size();
                if (s == 0) {
                    f.add("file size 0");
                }
                long r = s % 4096;
                if (s > 0 && (r == 0 || r == 1 || r == 4095)) {
                    f.add("file size at 4 KiB boundary ±1");
                }
                if (s > 65536) {
                    f.add("file > 64 KiB");
                }
                long covered = e.regions().stream().mapToLong(TreeSpec.Region::length).sum();
                if (s > 0 && covered < s) {
                    f.add("sparse file");
                }
            }
            if (e.kind() == Kind.SYMLINK && e.target().length >= 4000) {
                f.add("symlink >= 4000 bytes");
            }
            if (e.meta() != null) {
                countXattrs(e.meta().xattrs(), xattrUse, f);
                if ((e.meta().perm() & 07000) != 0 && e.kind() != Kind.SYMLINK) {
                    f.add("setuid/setgid/sticky");
                }
                if (e.meta().uid() > 65535 || e.meta().gid() > 65535) {
                    f.add("uid or gid > 65535");
                }
                if (e.meta().mtimeNsec() != 0) {
                    f.add("mtime nsec != 0");
                }
            }
        }
        if (xattrUse.values().stream().anyMatch(n -> n >= 2)) {
            f.add("xattr shared by 2+ inodes");
        }
        if (fanout.values().stream().anyMatch(n -> n >= 40)) {
            f.add("directory of >= 40 entries");
        }
        return f;
    }

    private static void countXattrs(List<Xattr> xs, Map<Xattr, Integer> use, Set<String> f) {
        for (Xattr x : xs) {
            use.merge(x, 1, Integer::sum);
            if (x.name().startsWith("system.posix_acl")) {
                f.add("POSIX ACL");
            } else {
                f.add("xattr " + x.name().substring(0, x.name().indexOf('.') + 1) + "*");
            }
            if (x.value().length >= 100) {
                f.add("xattr value >= 100 bytes");
            }
        }
    }

    /** Option features every run over {@link MkfsOptions#uncompressed()} must reach. */
    static final List<String> REQUIRED_UNCOMPRESSED_OPTIONS = List.of("chunked", "blobdev", "-x < 0", "-x set",
            "clamp time", "fixed time", "zero uuid", "--all-root", "force uid/gid", "-E force-inode-compact",
            "-E force-inode-extended", "-E nosbcrc", "-E noinline_data", "-E force-inode-blockmap",
            "-E force-chunk-indexes");

    /** ... and over {@link MkfsOptions#arbitrary()} in addition. */
    static final List<String> REQUIRED_COMPRESSED_OPTIONS = List.of("-z lz4", "-z lz4hc", "-C pcluster",
            "-E legacy-compress", "-E ztailpacking");

    static Set<String> options(MkfsOptions o) {
        Set<String> f = new LinkedHashSet<>();
        f.add(o.compressed() ? "-z " + o.compression().arg() : "uncompressed");
        if (o.pclusterBytes() > 0) {
            f.add("-C pcluster");
        }
        for (MkfsOptions.Extended e : o.extended()) {
            f.add("-E " + e.word());
        }
        if (o.chunked()) {
            f.add("chunked");
        }
        if (o.blobdev()) {
            f.add("blobdev");
        }
        if (o.xattrTolerance() != null) {
            f.add(o.xattrTolerance() < 0 ? "-x < 0" : "-x set");
        }
        f.add(o.time().fixed() ? "fixed time" : "clamp time");
        if (MkfsOptions.ZERO_UUID.equals(o.uuid())) {
            f.add("zero uuid");
        }
        if (o.owner().allRoot()) {
            f.add("--all-root");
        }
        if (o.owner().forceUid() >= 0 || o.owner().forceGid() >= 0) {
            f.add("force uid/gid");
        }
        if (o.maxExtentBytes() > 0) {
            f.add("--max-extent-bytes");
        }
        return f;
    }
}
