package org.erofssim.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which model profile a conformance run evaluated: each scenario's own {@code "kernel"} (with
 * {@code release} the default for scenarios that name none), or one profile for all scenarios
 * ({@code conform --kernel}), with the CONFIG symbols set from the command line.
 *
 * @param perScenario true when every scenario ran on its own profile
 * @param release     the default release (per scenario) or the release every scenario ran on
 * @param config      CONFIG symbols set for all scenarios (without {@code CONFIG_}), empty if none
 */
public record ModelProfile(boolean perScenario, String release, Map<String, Boolean> config) {
    public ModelProfile {
        config = Map.copyOf(config);
    }

    /** Each scenario on its own profile; {@code defaultRelease} for those that name none. */
    public static ModelProfile perScenario(String defaultRelease) {
        return new ModelProfile(true, defaultRelease, Map.of());
    }

    /** A sentence: {@code each scenario's own kernel (default 6.18.44)} or {@code 6.12.0 with EROFS_FS_ONDEMAND=y}. */
    public String describe() {
        StringBuilder b = new StringBuilder(perScenario ? "each scenario's own kernel (default " + release + ")"
                : release + " for every scenario");
        if (!config.isEmpty()) {
            b.append(", with");
            new TreeMap<>(config).forEach((k, v) -> b.append(' ').append(k).append('=').append(v ? 'y' : 'n'));
        }
        return b.toString();
    }
}
