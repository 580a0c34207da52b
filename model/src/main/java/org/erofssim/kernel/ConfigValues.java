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

    /** @param values a value for every flag */
    ConfigValues(EnumMap<ConfigFlag, Boolean> values) {
        this.view = Collections.unmodifiableMap(values);
        values.forEach((f, v) -> on[f.ordinal()] = v);
    }

    boolean on(ConfigFlag flag) {
        return on[flag.ordinal()];
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
