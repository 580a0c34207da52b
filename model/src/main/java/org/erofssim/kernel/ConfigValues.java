package org.erofssim.kernel;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The immutable CONFIG values of a {@link KernelConfig}: a map as before (an unmodifiable
 * {@code EnumMap} underneath), plus an array by ordinal for {@link KernelConfig#enabled}, which the
 * mount path asks many times per mount (issue 12: the shared unmodifiable-map wrapper made that a
 * call the JIT cannot inline).
 */
final class ConfigValues extends AbstractMap<ConfigFlag, Boolean> {
    private final Map<ConfigFlag, Boolean> view;
    private final boolean[] on = new boolean[ConfigFlag.values().length];
    /** The profile's behaviours as {@link BehaviorSet}'s bits, here so that {@link KernelConfig#has} loads one object less. */
    private final long behaviorsLo;
    private final long behaviorsHi;
    /** {@link KernelConfig#enabled} of every flag, bit by ordinal: the release gates applied once, not per call. */
    private final int enabled;

    /**
     * @param values   a value for every flag
     * @param profile  the profile the values belong to: its behaviours, and the release gates of
     *                 {@link KernelConfig#enabled} ({@link #gate})
     */
    ConfigValues(EnumMap<ConfigFlag, Boolean> values, KernelProfile profile) {
        this.view = Collections.unmodifiableMap(values);
        values.forEach((f, v) -> on[f.ordinal()] = v);
        long[] bits = ((BehaviorSet) profile.behaviors()).bits();
        behaviorsLo = bits[0];
        behaviorsHi = bits[1];
        int e = 0;
        for (ConfigFlag f : ConfigFlag.values()) {
            if (on[f.ordinal()] && gate(profile, f)) {
                e |= 1 << f.ordinal();
            }
        }
        enabled = e;
    }

    /**
     * Whether the release has the Kconfig symbol at all (see {@link KernelConfig#enabled}):
     * {@code EROFS_FS_BACKED_BY_FILE} needs {@link Behavior#FILE_BACKED_MOUNTS},
     * {@code EROFS_FS_ONDEMAND} is gone with {@link Behavior#FSCACHE_REMOVED},
     * {@code EROFS_FS_ZIP_DEFLATE} and {@code EROFS_FS_ZIP_ZSTD} need {@link Behavior#DEFLATE_ALGORITHM}
     * and {@link Behavior#ZSTD_ALGORITHM}.
     */
    static boolean gate(KernelProfile profile, ConfigFlag flag) {
        return switch (flag) {
            case EROFS_FS_BACKED_BY_FILE -> profile.has(Behavior.FILE_BACKED_MOUNTS);
            case EROFS_FS_ONDEMAND -> !profile.has(Behavior.FSCACHE_REMOVED);
            case EROFS_FS_ZIP_DEFLATE -> profile.has(Behavior.DEFLATE_ALGORITHM);
            case EROFS_FS_ZIP_ZSTD -> profile.has(Behavior.ZSTD_ALGORITHM);
            default -> true;
        };
    }

    boolean on(ConfigFlag flag) {
        return on[flag.ordinal()];
    }

    boolean enabled(ConfigFlag flag) {
        return (enabled & (1 << flag.ordinal())) != 0;
    }

    boolean has(Behavior b) {
        return BehaviorSet.has(behaviorsLo, behaviorsHi, b);
    }

    @Override public Boolean get(Object key) {
        return view.get(key);
    }

    @Override public boolean containsKey(Object key) {
        return view.containsKey(key);
    }

    @Override public int size() {
        return view.size();
    }

    @Override public Set<Entry<ConfigFlag, Boolean>> entrySet() {
        return view.entrySet();
    }
}
