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

    private static String hex8(int v) {
        String h = Integer.toHexString(v);
        return "00000000".substring(h.length()) + h;
    }
}
