package org.erofssim.block;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A device number {@code MAJ:MIN} ({@code dev_t}). {@link #newEncode()} is
 * {@code new_encode_dev} of {@code include/linux/kdev_t.h}, used by statfs for {@code f_fsid}.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record DevT(int major, int minor) {
    public static DevT parse(String s) {
        int c = s.indexOf(':');
        if (c < 0) {
            throw new IllegalArgumentException("dev must be MAJ:MIN, got '" + s + "'");
        }
        return new DevT(Integer.parseInt(s.substring(0, c)), Integer.parseInt(s.substring(c + 1)));
    }

    public long newEncode() {
        return (minor & 0xffL) | ((long) major << 8) | (((long) minor & ~0xffL) << 12);
    }

    @Override public String toString() {
        return major + ":" + minor;
    }

    // equals and hashCode written out, component by component as the record's generated ones
    // (same hash): those go through method handles (ObjectMethods), spun as LambdaForm classes at the
    // first call and slow until compiled (a cold campaign's first second, issue 12)
    @Override public boolean equals(Object o) {
        return this == o || o instanceof DevT d && major == d.major && minor == d.minor;
    }

    @Override public int hashCode() {
        return 31 * major + minor;
    }
}
