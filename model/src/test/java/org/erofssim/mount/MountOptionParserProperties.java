package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelLog;
import org.erofssim.kernel.Releases;

/**
 * Option strings built from the known keys and values plus junk: the parser only ever fails
 * with EINVAL, and a failure prints exactly one error line, last (spec §2: an option error
 * is EINVAL with its message, nothing else). Lines before it can only be the "not supported,
 * ignored" notices of keys the kernel's CONFIG gates let through.
 */
class MountOptionParserProperties {

    /** Keys the statistics must see reached: EROFS's, their "no" forms, VFS keys, unknown ones. */
    static final List<String> KEYS = List.of("user_xattr", "nouser_xattr", "acl", "noacl", "cache_strategy",
            "dax", "device", "fsid", "domain_id", "directio", "nodirectio", "fsoffset", "source", "ro", "rw",
            "sync", "lazytime", "silent", "nodax", "foo");

    static final List<String> VALUES = List.of("readahead", "readaround", "disabled", "always", "never",
            "bogus", "", "/b1", "/dev/loop1", "4096", "0x1000", "010", "+4096", "-1", "18446744073709551616",
            "1", "x=y");

    /** Lines that end a parse with EINVAL (spec §2 messages and the VFS's own). */
    static boolean isErrorLine(String line) {
        return line.startsWith("erofs: Unknown parameter '") || line.startsWith("erofs: Unexpected value for '")
                || line.startsWith("erofs: Bad value for '") || line.equals("erofs: dax options not supported")
                || line.equals("Multiple sources") || line.equals("Non-string source");
    }

    /** Lines of keys accepted and ignored because a CONFIG is off; the parse goes on. */
    static final Set<String> NOTICES = Set.of("erofs: {,no}user_xattr options not supported",
            "erofs: {,no}acl options not supported", "erofs: compression not supported, cache_strategy ignored",
            "erofs: fsid option not supported", "erofs: domain_id option not supported",
            "erofs: directio option not supported",
            // 6.1.192, before DAX_NOT_EXPERIMENTAL: a warning, and the parse goes on
            "erofs: DAX enabled. Warning: EXPERIMENTAL, use at your own risk");

    @Property(seed = "20261206", tries = 1500)
    void onlyEinvalAndOneErrorLineLast(@ForAll("optionStrings") String options, @ForAll("sources") String source,
                                       @ForAll("kernels") KernelConfig kernel) {
        KernelLog log = new KernelLog();
        Throwable thrown = null;
        try {
            MountOptionParser.parse(options, source, kernel, log);
        } catch (Throwable t) {
            thrown = t;
        }
        List<String> lines = log.lines();
        if (thrown == null) {
            assertThat(lines).allMatch(NOTICES::contains);
        } else {
            assertThat(thrown).isInstanceOf(KernelError.class);
            assertThat(((KernelError) thrown).errno()).isEqualTo(Errno.EINVAL);
            assertThat(lines).isNotEmpty();
            assertThat(lines.get(lines.size() - 1)).matches(MountOptionParserProperties::isErrorLine);
            assertThat(lines.subList(0, lines.size() - 1)).allMatch(NOTICES::contains);
        }
        collect(options, source, kernel, lines, thrown == null);
        Statistics.label("ignored key noticed").collect(lines.stream().anyMatch(NOTICES::contains));
        Statistics.label("outcome").coverage(c -> {
            c.check("ok").count(n -> n > 0);
            for (String kind : List.of("Unknown parameter", "Unexpected value", "Bad value",
                    "dax options not supported", "Multiple sources", "Non-string source")) {
                c.check("EINVAL: " + kind).count(n -> n > 0);
            }
        });
        Statistics.label("ignored key noticed").coverage(c -> c.check(true).count(n -> n > 0));
        Statistics.label("key").coverage(c -> KEYS.forEach(k -> c.check(k).count(n -> n > 0)));
    }

    @Property(seed = "20261206", tries = 1000)
    void withEveryGateOpenAFailurePrintsExactlyOneLine(@ForAll("optionStrings") String options,
                                                       @ForAll("sources") String source) {
        KernelConfig kernel = allOpen();
        KernelLog log = new KernelLog();
        boolean ok;
        try {
            MountOptionParser.parse(options, source, kernel, log);
            ok = true;
        } catch (KernelError e) {
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            ok = false;
        }
        if (ok) {
            assertThat(log.lines()).isEmpty();
        } else {
            assertThat(log.lines()).hasSize(1);
            assertThat(log.lines().get(0)).matches(MountOptionParserProperties::isErrorLine);
        }
        collect(options, source, kernel, log.lines(), ok);
        Statistics.label("outcome").coverage(c -> {
            c.check("ok").count(n -> n > 0);
            c.check("EINVAL: Unknown parameter").count(n -> n > 0);
            c.check("EINVAL: Bad value").count(n -> n > 0);
        });
    }

    /** 6.18 with ONDEMAND and everything else on: no key is ever ignored with a notice. */
    static KernelConfig allOpen() {
        Map<ConfigFlag, Boolean> all = new java.util.EnumMap<>(ConfigFlag.class);
        for (ConfigFlag f : ConfigFlag.values()) {
            all.put(f, true);
        }
        return new KernelConfig(Releases.resolve("6.18").profile(), all);
    }

    /** Statistics: the outcome, and every key the parser got to (parsing token prefixes). */
    private static void collect(String options, String source, KernelConfig kernel, List<String> lines, boolean ok) {
        Statistics.label("outcome").collect(ok ? "ok" : "EINVAL: " + errorKind(lines.get(lines.size() - 1)));
        List<String> tokens = tokens(options);
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            int eq = token.indexOf('=');
            String key = eq < 0 ? token : token.substring(0, eq);
            Statistics.label("key").collect(KEYS.contains(key) ? key : "(other)");
            try {
                MountOptionParser.parse(String.join(",", tokens.subList(0, i + 1)), source, kernel, new KernelLog());
            } catch (KernelError e) {
                break; // this token ended the parse: later ones were not reached
            }
        }
    }

    private static String errorKind(String line) {
        String s = line.startsWith("erofs: ") ? line.substring("erofs: ".length()) : line;
        for (String kind : List.of("Unknown parameter", "Unexpected value", "Bad value")) {
            if (s.startsWith(kind)) {
                return kind;
            }
        }
        return s;
    }

    /** The items the kernel hands on: up to a NUL, split on commas, empty and "=..." dropped. */
    private static List<String> tokens(String options) {
        List<String> out = new ArrayList<>();
        int nul = options.indexOf('\0');
        String s = nul < 0 ? options : options.substring(0, nul);
        for (String item : s.split(",", -1)) {
            if (!item.isEmpty() && !item.startsWith("=")) {
                out.add(item);
            }
        }
        return out;
    }

    @Provide
    Arbitrary<String> optionStrings() {
        Arbitrary<String> known = Combinators.combine(Arbitraries.of(KEYS), Arbitraries.of(VALUES).injectNull(0.4))
                .as((k, v) -> v == null ? k : k + "=" + v);
        Arbitrary<String> junk = Arbitraries.strings().withCharRange(' ', '~').withChars(',', '=', '\0', '\n', 'ö')
                .ofMaxLength(12);
        return Arbitraries.frequencyOf(Tuple.of(8, known), Tuple.of(2, junk)).list().ofMaxSize(6)
                .map(items -> String.join(",", items));
    }

    @Provide
    Arbitrary<String> sources() {
        return Arbitraries.of("/srv/a.erofs", "/dev/loop0", "").injectNull(0.5);
    }

    @Provide
    Arbitrary<KernelConfig> kernels() {
        return Combinators.combine(Arbitraries.of(Releases.all()),
                        Arbitraries.maps(Arbitraries.of(ConfigFlag.class), Arbitraries.of(true, false)).ofMaxSize(6))
                .as(KernelConfig::new);
    }
}
