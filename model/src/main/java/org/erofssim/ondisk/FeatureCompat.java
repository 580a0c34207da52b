package org.erofssim.ondisk;

import java.util.List;

/**
 * Compatible feature bits of {@code feature_compat} (the kernel's
 * {@code EROFS_FEATURE_COMPAT_*} constants in {@code fs/erofs/erofs_fs.h}), spec §1.3.
 * Unknown compatible bits never refuse a mount.
 *
 * <p>{@link #dumpName()} is the word {@code dump.erofs -s} prints in its "Filesystem features"
 * line. erofs-utils 1.5 prints only {@code sb_csum} and {@code mtime} among these
 * ({@link #printedByDumpErofs15()}); {@code xattr_filter} is printed by later releases; the two
 * newest bits are not printed by any dump.erofs we know of, their name is the kernel's in lower case.
 */
public enum FeatureCompat implements FeatureBit {
    SB_CHKSUM(0x01, "sb_csum", true),
    MTIME(0x02, "mtime", true),
    XATTR_FILTER(0x04, "xattr_filter", false),
    SHARED_EA_IN_METABOX(0x08, "shared_ea_in_metabox", false),
    PLAIN_XATTR_PFX(0x10, "plain_xattr_pfx", false);

    private final int bit;
    private final String dumpName;
    private final boolean dump15;

    FeatureCompat(int bit, String dumpName, boolean dump15) {
        this.bit = bit;
        this.dumpName = dumpName;
        this.dump15 = dump15;
    }

    /** The feature's bit (a single set bit). */
    @Override public int bit() {
        return bit;
    }

    /** The name dump.erofs prints for this bit. */
    public String dumpName() {
        return dumpName;
    }

    /** Whether erofs-utils 1.5 {@code dump.erofs -s} lists this feature when set. */
    public boolean printedByDumpErofs15() {
        return dump15;
    }

    /** The known features set in {@code bits}, in bit order; unknown bits are dropped. */
    public static List<FeatureCompat> decode(int bits) {
        return FeatureBit.decode(values(), bits);
    }

    /** OR of all known bits. */
    public static int knownMask() {
        return FeatureBit.mask(values());
    }
}
