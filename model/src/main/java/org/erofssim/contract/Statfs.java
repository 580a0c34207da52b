package org.erofssim.contract;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * {@code statfs(2)} of the mount (spec §8.1). {@code files} and {@code ffree} are unsigned
 * 64-bit values held in a long ({@link Long#toUnsignedString}).
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record Statfs(long type, long bsize, long blocks, long bfree, long bavail, long files, long ffree,
                     long namelen, int fsid0, int fsid1) {
    /** {@code f_fsid} as {@code %08x:%08x} of val[0], val[1]. */
    public String fsid() {
        return hex8(fsid0) + ":" + hex8(fsid1); // not String.format: once per outcome of a predict batch
    }

    // equals and hashCode written out, component by component as the record's generated ones
    // (same hash): those go through method handles (ObjectMethods), spun as LambdaForm classes at the
    // first call and slow until compiled (a cold campaign's first second, issue 12)
    @Override public boolean equals(Object o) {
        return this == o || o instanceof Statfs s && type == s.type && bsize == s.bsize && blocks == s.blocks
                && bfree == s.bfree && bavail == s.bavail && files == s.files && ffree == s.ffree
                && namelen == s.namelen && fsid0 == s.fsid0 && fsid1 == s.fsid1;
    }

    @Override public int hashCode() {
        int h = 0;
        for (long v : new long[] {type, bsize, blocks, bfree, bavail, files, ffree, namelen}) {
            h = 31 * h + Long.hashCode(v);
        }
        return (31 * h + fsid0) * 31 + fsid1;
    }

    private static String hex8(int v) {
        String h = Integer.toHexString(v);
        return "00000000".substring(h.length()) + h;
    }
}
