package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelLog;
import org.erofssim.sb.MountOptions;
import org.erofssim.sb.SbFlag;

/**
 * Session 14's shortcuts in the option half of a mount give what the long way gives:
 * {@link MountOptionParser#rawCString} (ASCII up to the first NUL taken as it is) equals the
 * C string of the UTF-8 bytes read back one char per byte, for ASCII, NULs, non-ASCII text and
 * lone surrogates; and {@link MountOptions#readOnly} equals {@code SB_RDONLY} in
 * {@link MountOptions#effectiveSbFlags} for the parses of {@link MountOptionParserProperties}' option
 * strings. Statistics show every kind of string and both ro answers reached.
 */
class MountOptionFastPathProperties {
    private final MountOptionParserProperties strings = new MountOptionParserProperties();

    /** The long way: UTF-8 bytes, cut at the first NUL, one char per byte. */
    static String longWay(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(Arrays.copyOf(b, n), StandardCharsets.ISO_8859_1);
    }

    @Provide
    Arbitrary<String> anyStrings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').withChars('\0', ',', '=').ofMaxLength(30),
                Arbitraries.strings().withCharRange(' ', '~').withChars('\0', 'ö', '€', '\uD800').ofMaxLength(30),
                Arbitraries.strings().all().ofMaxLength(30));
    }

    @Property(seed = "20261207", tries = 2000)
    void rawCStringIsTheCStringOfTheUtf8Bytes(@ForAll("anyStrings") String s) {
        assertThat(MountOptionParser.rawCString(s)).isEqualTo(longWay(s));
        int nul = s.indexOf('\0');
        String before = nul < 0 ? s : s.substring(0, nul);
        Statistics.label("NUL").collect(nul >= 0);
        Statistics.label("before the NUL").collect(before.chars().allMatch(c -> c < 0x80) ? "ASCII" : "not ASCII");
        Statistics.label("NUL").coverage(c -> c.check(true).count(n -> n >= 100));
        Statistics.label("before the NUL").coverage(c -> {
            c.check("ASCII").count(n -> n >= 300);
            c.check("not ASCII").count(n -> n >= 300);
        });
    }

    @Property(seed = "20261207", tries = 1500)
    void readOnlyIsRdonlyOfTheEffectiveFlags(@ForAll("optionStrings") String options, @ForAll("kernels") KernelConfig kernel,
                                             @ForAll boolean initial) {
        MountOptions o;
        try {
            o = MountOptionParser.parse(options, null, kernel, new KernelLog());
        } catch (KernelError e) {
            Statistics.label("parse").collect("EINVAL");
            return;
        }
        boolean expected = o.effectiveSbFlags(initial ? Set.of(SbFlag.RDONLY) : Set.of()).contains(SbFlag.RDONLY);
        assertThat(o.readOnly(initial)).isEqualTo(expected);
        Statistics.label("parse").collect("options");
        Statistics.label("ro/rw given").collect(o.sbFlags().containsKey(SbFlag.RDONLY) ? "given: " + expected : "not given");
        Statistics.label("ro/rw given").coverage(c -> {
            c.check("given: true").count(n -> n >= 5);
            c.check("given: false").count(n -> n >= 5);
            c.check("not given").count(n -> n >= 100);
        });
    }

    @Provide
    Arbitrary<String> optionStrings() {
        // ro and rw more often than MountOptionParserProperties' strings have them
        return Arbitraries.oneOf(strings.optionStrings(), strings.optionStrings().map(s -> s + ",ro"),
                strings.optionStrings().map(s -> s + ",rw"));
    }

    @Provide
    Arbitrary<KernelConfig> kernels() {
        return strings.kernels();
    }
}
