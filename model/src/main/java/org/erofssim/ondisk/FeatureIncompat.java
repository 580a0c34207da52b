package org.erofssim.ondisk;

import java.util.List;

/**
 * Incompatible feature bits of {@code feature_incompat} (the kernel's
 * {@code EROFS_FEATURE_INCOMPAT_*} constants in {@code fs/erofs/erofs_fs.h}), spec §1.3.
 * A bit the running kernel does not know refuses the mount.
 *
 * <p>Several bits carry two kernel names; the aliases are the static fields
 * {@link #LZ4_0PADDING}, {@link #BIG_PCLUSTER}, {@link #COMPR_HEAD2} and {@link #DEDUPE}.
 *
 * <p>{@link #dumpName()} is the name erofs-utils 1.5 {@code dump.erofs -s} prints for the bit
 * ({@code 0padding}, {@code big_pcluster}, {@code chunked_file}, {@code device_table}); 1.5 prints
 * nothing for the other bits ({@link #printedByDumpErofs15()} is false) and their name is the one
 * later dump.erofs releases print. Later releases print bit 0x02 as both {@code compr_cfgs} and
 * {@code big_pcluster} and bit 0x20 as both {@code fragments} and {@code dedupe}
 * ({@link #laterDumpNames()}).
 */
public enum FeatureIncompat implements FeatureBit {
    ZERO_PADDING(0x01, "0padding", true, "0padding"),
    COMPR_CFGS(0x02, "big_pcluster", true, "compr_cfgs", "big_pcluster"),
    CHUNKED_FILE(0x04, "chunked_file", true, "chunked_file"),
    DEVICE_TABLE(0x08, "device_table", true, "device_table"),
    ZTAILPACKING(0x10, "ztailpacking", false, "ztailpacking"),
    FRAGMENTS(0x20, "fragments", false, "fragments", "dedupe"),
    XATTR_PREFIXES(0x40, "xattr_prefixes", false, "xattr_prefixes"),
    /** The 48-bit layout ({@code EROFS_FEATURE_INCOMPAT_48BIT}), 6.15+. */
    BIT48(0x80, "48bit", false, "48bit"),
    /** Metadata compression ({@code EROFS_FEATURE_INCOMPAT_METABOX}), 6.17+. */
    METABOX(0x100, "metabox", false, "metabox");

    /** Older kernel name of {@link #ZERO_PADDING}. */
    public static final FeatureIncompat LZ4_0PADDING = ZERO_PADDING;
    /** Second kernel name of bit 0x02. */
    public static final FeatureIncompat BIG_PCLUSTER = COMPR_CFGS;
    /** Second kernel name of bit 0x08. */
    public static final FeatureIncompat COMPR_HEAD2 = DEVICE_TABLE;
    /** Second kernel name of bit 0x20. */
    public static final FeatureIncompat DEDUPE = FRAGMENTS;

    private final int bit;
    private final String dumpName;
    private final boolean dump15;
    private final List<String> laterDumpNames;

    FeatureIncompat(int bit, String dumpName, boolean dump15, String... laterDumpNames) {
        this.bit = bit;
        this.dumpName = dumpName;
        this.dump15 = dump15;
        this.laterDumpNames = List.of(laterDumpNames);
    }

    /** The feature's bit (a single set bit). */
    @Override public int bit() {
        return bit;
    }

    /** The name erofs-utils 1.5 dump.erofs prints (or, for bits 1.5 ignores, later releases). */
    public String dumpName() {
        return dumpName;
    }

    /** Whether erofs-utils 1.5 {@code dump.erofs -s} lists this feature when set. */
    public boolean printedByDumpErofs15() {
        return dump15;
    }

    /** The words newer dump.erofs releases (1.7+) print for this bit, in their order. */
    public List<String> laterDumpNames() {
        return laterDumpNames;
    }

    /** The known features set in {@code bits}, in bit order; unknown bits are dropped. */
    public static List<FeatureIncompat> decode(int bits) {
        return FeatureBit.decode(values(), bits);
    }

    /** OR of all known bits (0x1FF). */
    public static int knownMask() {
        return FeatureBit.mask(values());
    }
}
