package org.erofssim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Session 14: {@link KernelConfig#has} and {@link KernelConfig#enabled} answer from bits made once
 * ({@link ConfigValues}: the profile's behaviours and the CONFIG values with the release gates
 * applied), and {@link BehaviorSet} keeps its bits in two fields; each answers as the sets and maps
 * they are made from do: {@code has(b)} is membership in the profile's behaviours, {@code enabled(f)}
 * the flag's value unless the release lacks the symbol (BACKED_BY_FILE before FILE_BACKED_MOUNTS,
 * ONDEMAND after FSCACHE_REMOVED, ZIP_DEFLATE and ZIP_ZSTD before their algorithms), and the set
 * iterates, counts and compares as an {@code EnumSet} of the same behaviours. Every release, with
 * random behaviours added and removed and random CONFIG overrides. Statistics show each gate closing
 * a flag the values had on.
 */
class KernelConfigBitsProperties {
    record Case(KernelProfile base, Set<Behavior> add, Set<Behavior> remove, Map<ConfigFlag, Boolean> config) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Set<Behavior>> some = Arbitraries.of(Behavior.class).set().ofMaxSize(8);
        return net.jqwik.api.Combinators.combine(Arbitraries.of(Releases.all()), some, some,
                Arbitraries.maps(Arbitraries.of(ConfigFlag.class), Arbitraries.of(true, false)).ofMaxSize(9))
                .as(Case::new);
    }

    /** The gates as the sets and maps say them (what {@link KernelConfig#enabled} did before session 14). */
    static boolean expectedEnabled(KernelConfig k, ConfigFlag f) {
        Set<Behavior> b = k.profile().behaviors();
        boolean gate = switch (f) {
            case EROFS_FS_BACKED_BY_FILE -> b.contains(Behavior.FILE_BACKED_MOUNTS);
            case EROFS_FS_ONDEMAND -> !b.contains(Behavior.FSCACHE_REMOVED);
            case EROFS_FS_ZIP_DEFLATE -> b.contains(Behavior.DEFLATE_ALGORITHM);
            case EROFS_FS_ZIP_ZSTD -> b.contains(Behavior.ZSTD_ALGORITHM);
            default -> true;
        };
        return gate && k.config().get(f);
    }

    @Property(seed = "20261207", tries = 1000)
    void bitsAnswerAsTheSetsAndMaps(@ForAll("cases") Case c) {
        KernelProfile.Builder builder = c.base().toBuilder();
        builder.with(c.add().toArray(new Behavior[0]));
        builder.without(c.remove().toArray(new Behavior[0]));
        KernelProfile p = builder.build();
        KernelConfig k = new KernelConfig(p, c.config());

        EnumSet<Behavior> expected = EnumSet.noneOf(Behavior.class);
        expected.addAll(c.base().behaviors());
        expected.addAll(c.add());
        expected.removeAll(c.remove());
        assertThat(p.behaviors()).isEqualTo(expected).hasSize(expected.size());
        assertThat(List.copyOf(p.behaviors())).isEqualTo(List.copyOf(expected));
        for (Behavior b : Behavior.values()) {
            assertThat(k.has(b)).as("%s", b).isEqualTo(expected.contains(b));
            assertThat(p.has(b)).as("%s", b).isEqualTo(expected.contains(b));
        }
        for (ConfigFlag f : ConfigFlag.values()) {
            boolean e = expectedEnabled(k, f);
            assertThat(k.enabled(f)).as("%s", f).isEqualTo(e);
            if (k.config().get(f) && !e) {
                Statistics.label("gate closed").collect(f);
            }
        }
        Statistics.label("gate closed").coverage(cov -> {
            for (ConfigFlag f : List.of(ConfigFlag.EROFS_FS_BACKED_BY_FILE, ConfigFlag.EROFS_FS_ONDEMAND,
                    ConfigFlag.EROFS_FS_ZIP_DEFLATE, ConfigFlag.EROFS_FS_ZIP_ZSTD)) {
                cov.check(f).count(n -> n >= 20);
            }
        });
    }
}
