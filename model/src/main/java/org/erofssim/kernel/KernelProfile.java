package org.erofssim.kernel;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A modelled kernel release as an immutable value: the release it stands for, the upstream
 * changes ({@link Behavior}s) it has and its default CONFIG. The presets are the static methods
 * of {@link Releases}, each derived from the previous one with {@link #toBuilder()} (jimfs'
 * {@code Configuration.unix().toBuilder()} is the model); a test derives a variant the same way,
 * e.g. {@code Releases.linux_6_18_44().toBuilder().without(Behavior.METABOX).build()}.
 *
 * @param release       the release as {@code uname -r} prints it, without a distribution's
 *                      build suffix, e.g. {@code 6.18.44} or {@code 6.13.0-rc4}
 * @param description   one line on what the profile stands for (which tree, which evidence)
 * @param behaviors     the upstream changes this release has
 * @param defaultConfig the CONFIG values assumed unless a scenario overrides them
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record KernelProfile(String release, String description, Set<Behavior> behaviors,
                            Map<ConfigFlag, Boolean> defaultConfig) {
    public KernelProfile {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(description, "description");
        behaviors = behaviors instanceof BehaviorSet ? behaviors : new BehaviorSet(behaviors);
        EnumMap<ConfigFlag, Boolean> c = new EnumMap<>(ConfigFlag.class);
        c.putAll(defaultConfig);
        for (ConfigFlag f : ConfigFlag.values()) {
            if (!c.containsKey(f)) {
                throw new IllegalArgumentException("defaultConfig: no value for " + f.symbol());
            }
        }
        defaultConfig = Collections.unmodifiableMap(c);
    }

    /**
     * The name outcomes, reports and scenarios written by the tools use: the {@link #release()}
     * (a scenario's {@code "kernel"} resolves it back to this profile, see {@link Releases#resolve}).
     */
    public String name() {
        return release;
    }

    public boolean has(Behavior b) {
        return ((BehaviorSet) behaviors).has(b);
    }

    /**
     * {@code EROFS_ALL_FEATURE_INCOMPAT}: the incompatible feature bits the release mounts
     * (spec §1.3): 0x3F, plus 0x40 with {@link Behavior#LONG_XATTR_PREFIXES}, plus 0x80 with {@link Behavior#LAYOUT_48BIT}, plus 0x100 with
     * {@link Behavior#METABOX}.
     */
    public int supportedIncompat() {
        int mask = has(Behavior.LONG_XATTR_PREFIXES) ? 0x7F : 0x3F;
        if (has(Behavior.LAYOUT_48BIT)) {
            mask |= 0x80;
        }
        if (has(Behavior.METABOX)) {
            mask |= 0x100;
        }
        return mask;
    }

    /** A builder holding this profile's values, to derive the next release or a test variant from. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        return "Linux " + release + " " + behaviors;
    }

    /** Derives a profile: "previous + these commits - those", a release name and a description. */
    @API(status = EXPERIMENTAL, since = "0.1.0")
    public static final class Builder {
        private String release;
        private String description;
        private final EnumSet<Behavior> behaviors = EnumSet.noneOf(Behavior.class);
        private final EnumMap<ConfigFlag, Boolean> config = new EnumMap<>(ConfigFlag.class);

        private Builder(KernelProfile from) {
            release = from.release;
            description = from.description;
            behaviors.addAll(from.behaviors);
            config.putAll(from.defaultConfig);
        }

        Builder(String release, String description, Map<ConfigFlag, Boolean> config) {
            this.release = release;
            this.description = description;
            this.config.putAll(config);
        }

        public Builder release(String release) {
            this.release = release;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Adds upstream changes the derived release has. */
        public Builder with(Behavior... bs) {
            Collections.addAll(behaviors, bs);
            return this;
        }

        /** Removes upstream changes (a revert, or a test's "the same release minus this commit"). */
        public Builder without(Behavior... bs) {
            for (Behavior b : bs) {
                behaviors.remove(b);
            }
            return this;
        }

        /** Sets one default CONFIG value. */
        public Builder config(ConfigFlag flag, boolean value) {
            config.put(flag, value);
            return this;
        }

        public KernelProfile build() {
            return new KernelProfile(release, description, behaviors, config);
        }
    }
}
