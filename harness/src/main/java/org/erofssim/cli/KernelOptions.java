package org.erofssim.cli;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;

/**
 * {@code --kernel RELEASE} and {@code --config SYMBOL=y|n}: a scenario's kernel overridden from
 * the command line. A release resolves with {@link Releases#resolve} (its note goes to the
 * given sink, i.e. stderr); every bad value is a one-line {@link CliException} naming the option.
 */
final class KernelOptions {
    private KernelOptions() {}

    /** {@link Releases#resolve}, with the note handed to {@code notes} and unknown releases as exit 2. */
    static KernelProfile release(String kernel, Consumer<String> notes) {
        try {
            Releases.Resolution r = Releases.resolve(kernel);
            r.noteIfAny().ifPresent(notes);
            return r.profile();
        } catch (Releases.UnknownRelease e) {
            throw CliException.badInput("--kernel: " + e.getMessage());
        }
    }

    /**
     * A comma-separated list of releases, or {@code all}: the presets they resolve to, oldest
     * first, each once.
     */
    static List<KernelProfile> releases(String list, Consumer<String> notes) {
        if (list == null || list.equals("all")) {
            return Releases.all();
        }
        // by release: a 6.12.y between presets resolves to a profile of its own (6.12.0 + its stable backports)
        java.util.Map<String, KernelProfile> wanted = new java.util.LinkedHashMap<>();
        for (String one : list.split(",", -1)) {
            if (one.isBlank()) {
                throw CliException.badInput("--kernel '" + list + "': empty release in the list");
            }
            KernelProfile p = release(one.strip(), notes);
            wanted.putIfAbsent(p.release(), p);
        }
        return wanted.values().stream().sorted(Releases.OLDEST_FIRST).toList();
    }

    /**
     * {@code --config} values: {@code SYMBOL=y} or {@code SYMBOL=n}, the symbol with or without
     * {@code CONFIG_} ({@code EROFS_FS_ONDEMAND=y}, {@code CONFIG_FS_DAX=n}).
     */
    static Map<ConfigFlag, Boolean> config(List<String> values) {
        Map<ConfigFlag, Boolean> m = new EnumMap<>(ConfigFlag.class);
        for (String v : values == null ? List.<String>of() : values) {
            int eq = v.indexOf('=');
            if (eq < 0) {
                throw CliException.badInput("--config '" + v + "': expected SYMBOL=y or SYMBOL=n");
            }
            String sym = v.substring(0, eq).strip();
            if (sym.startsWith("CONFIG_")) {
                sym = sym.substring("CONFIG_".length());
            }
            ConfigFlag flag = null;
            for (ConfigFlag f : ConfigFlag.values()) {
                if (f.symbol().equals(sym)) {
                    flag = f;
                }
            }
            if (flag == null) {
                throw CliException.badInput("--config '" + v + "': unknown symbol " + sym + " (one of: "
                        + Stream.of(ConfigFlag.values()).map(ConfigFlag::symbol).collect(Collectors.joining(", ")) + ")");
            }
            String val = v.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            if (!val.equals("y") && !val.equals("n")) {
                throw CliException.badInput("--config '" + v + "': value must be y or n");
            }
            m.put(flag, val.equals("y"));
        }
        return m;
    }

    /**
     * The scenario with its kernel overridden: the {@code --kernel} profile when given (else the
     * scenario's own), with the scenario's CONFIG overrides and then the {@code --config} ones.
     */
    static Scenario apply(Scenario s, String kernel, List<String> config, Consumer<String> notes) {
        if (kernel == null && (config == null || config.isEmpty())) {
            return s;
        }
        KernelProfile profile = kernel == null ? s.kernel().profile() : release(kernel, notes);
        Map<ConfigFlag, Boolean> c = new EnumMap<>(ConfigFlag.class);
        // the scenario's own symbols: those that differ from its profile's defaults
        for (Map.Entry<ConfigFlag, Boolean> e : s.kernel().config().entrySet()) {
            if (!e.getValue().equals(s.kernel().profile().defaultConfig().get(e.getKey()))) {
                c.put(e.getKey(), e.getValue());
            }
        }
        c.putAll(config(config));
        return s.toBuilder().kernel(new KernelConfig(profile, c)).build();
    }
}
