package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelLog;
import org.erofssim.kernel.Releases;
import org.erofssim.sb.CacheStrategy;
import org.erofssim.sb.MountOptions;
import org.erofssim.sb.SbFlag;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spec §2 (mount parameters) row by row, with the generic parser outcomes; expected lines
 * are the spec's quoted messages. Where the spec is silent (string splitting, superblock flag
 * keys, u64 syntax) the expectation cites the kernel function it comes from.
 */
@DisplayName("MountOptionParser (spec §2)")
class MountOptionParserTest {

    static final KernelConfig K612 = kernel("6.12.0");
    static final KernelConfig K613 = kernel("6.13");
    static final KernelConfig K618 = kernel("6.18");

    static KernelConfig kernel(String name) {
        return KernelConfig.of(Releases.resolve(name).profile());
    }

    static KernelConfig with(KernelConfig base, ConfigFlag flag, boolean on) {
        Map<ConfigFlag, Boolean> m = new EnumMap<>(ConfigFlag.class);
        m.putAll(base.config());
        m.put(flag, on);
        return new KernelConfig(base.profile(), m);
    }

    /** One parse: the options on success or the errno on failure, and the log either way. */
    record Attempt(MountOptions options, Errno errno, List<String> log) {
        MountOptions ok() {
            assertThat(errno).as("errno of a parse expected to succeed (log %s)", log).isNull();
            return options;
        }

        void failsWith(String... lines) {
            assertThat(errno).as("errno").isEqualTo(Errno.EINVAL);
            assertThat(log).containsExactly(lines);
        }
    }

    static Attempt parse(String options, String source, KernelConfig kernel) {
        KernelLog log = new KernelLog();
        try {
            return new Attempt(MountOptionParser.parse(options, source, kernel, log), null, log.lines());
        } catch (KernelError e) {
            return new Attempt(null, e.errno(), log.lines());
        }
    }

    static Attempt parse(String options, KernelConfig kernel) {
        return parse(options, "/srv/a.erofs", kernel);
    }

    static Attempt parse(String options) {
        return parse(options, K618);
    }

    @Nested
    @DisplayName("defaults at context creation")
    class Defaults {
        @Test
        @DisplayName("with every CONFIG on: user_xattr, acl, readaround, nothing else")
        void upstreamDefaults() {
            Attempt a = parse(null);
            MountOptions o = a.ok();
            assertThat(a.log()).isEmpty();
            assertThat(o.userXattr()).isTrue();
            assertThat(o.acl()).isTrue();
            assertThat(o.cacheStrategy()).isEqualTo(CacheStrategy.READAROUND);
            assertThat(o.daxAlways()).isFalse();
            assertThat(o.daxNever()).isFalse();
            assertThat(o.devices()).isEmpty();
            assertThat(o.fsid()).isEmpty();
            assertThat(o.domainId()).isEmpty();
            assertThat(o.directio()).isFalse();
            assertThat(o.fsoffset()).isZero();
            assertThat(o.sbFlags()).isEmpty();
        }

        @Test
        @DisplayName("parse of no options equals erofs_default_options")
        void parseOfNothingIsDefaults() {
            assertThat(parse("", null, K618).ok()).isEqualTo(MountOptions.defaults(K618));
        }

        @Test
        @DisplayName("without XATTR user_xattr starts off, and acl too (POSIX_ACL needs XATTR)")
        void noXattr() {
            MountOptions o = parse(null, with(K618, ConfigFlag.EROFS_FS_XATTR, false)).ok();
            assertThat(o.userXattr()).isFalse();
            assertThat(o.acl()).isFalse();
        }

        @Test
        @DisplayName("without POSIX_ACL acl starts off while user_xattr stays on")
        void noAcl() {
            MountOptions o = parse(null, with(K618, ConfigFlag.EROFS_FS_POSIX_ACL, false)).ok();
            assertThat(o.userXattr()).isTrue();
            assertThat(o.acl()).isFalse();
        }

        @Test
        @DisplayName("without ZIP the cache strategy is left at zero, i.e. disabled")
        void noZip() {
            assertThat(parse(null, with(K618, ConfigFlag.EROFS_FS_ZIP, false)).ok().cacheStrategy())
                    .isEqualTo(CacheStrategy.DISABLED);
        }
    }

    @Nested
    @DisplayName("splitting the option string (vfs_parse_monolithic_sep)")
    class Splitting {
        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"", ",", ",,,", "=", "=acl", "=foo,,=bar"})
        @DisplayName("empty items and items starting with '=' are skipped silently")
        void skipped(String options) {
            Attempt a = parse(options);
            assertThat(a.ok()).usingRecursiveComparison().ignoringFields("source").isEqualTo(MountOptions.defaults(K618));
            assertThat(a.log()).isEmpty();
        }

        @Test
        @DisplayName("items around empty ones are all applied, in order")
        void itemsAroundEmptyOnes() {
            MountOptions o = parse(",noacl,,device=/a,,device=/b,").ok();
            assertThat(o.acl()).isFalse();
            assertThat(o.devices()).containsExactly("/a", "/b");
        }

        @Test
        @DisplayName("the value runs from the first '=' to the comma, later '=' included")
        void valueKeepsLaterEquals() {
            assertThat(parse("device=/x=y=z").ok().devices()).containsExactly("/x=y=z");
        }

        @Test
        @DisplayName("'key=' gives an empty value, not a flag: 'acl=' is a value for a flag")
        void emptyValueIsAValue() {
            parse("acl=").failsWith("erofs: Unexpected value for 'acl'");
        }

        @Test
        @DisplayName("a comma always splits: 'device=/a,b' makes 'b' a key of its own")
        void commaSplitsValues() {
            parse("device=/a,b").failsWith("erofs: Unknown parameter 'b'");
        }

        @Test
        @DisplayName("keys are not trimmed: ' acl' is unknown")
        void noTrimming() {
            parse(" acl").failsWith("erofs: Unknown parameter ' acl'");
        }

        @Test
        @DisplayName("keys are case-sensitive: 'ACL' is unknown")
        void caseSensitive() {
            parse("ACL").failsWith("erofs: Unknown parameter 'ACL'");
        }

        @Test
        @DisplayName("path_mount keeps only the first PAGE_SIZE-1 = 4095 bytes of the option page")
        void truncatedToAPage() {
            String filler = "device=/" + "d".repeat(4095 - "device=/".length() - ",noacl".length());
            MountOptions fits = parse(filler + ",noacl").ok();
            assertThat(fits.acl()).isFalse();
            MountOptions cut = parse(filler + "x".repeat(6) + ",noacl").ok();
            assertThat(cut.acl()).as("',noacl' lies past byte 4095").isTrue();
            assertThat(cut.devices().get(0)).hasSize(4095 - "device=".length());
        }

        @Test
        @DisplayName("the option string ends at a NUL byte, as a C string does")
        void endsAtNul() {
            assertThat(parse("noacl\0,foo").ok().acl()).isFalse();
        }

        @Test
        @DisplayName("the first failing key ends the parse: later keys are not applied")
        void stopsAtFirstError() {
            Attempt a = parse("fsid=x,foo,bar", K618);
            a.failsWith("erofs: fsid option not supported", "erofs: Unknown parameter 'foo'");
        }
    }

    @Nested
    @DisplayName("superblock flag keys the VFS takes first (vfs_parse_sb_flag)")
    class SbFlags {
        @Test
        @DisplayName("ro, sync, dirsync, lazytime and mand set their flags and never reach erofs")
        void setKeys() {
            Attempt a = parse("ro,sync,dirsync,lazytime,mand");
            assertThat(a.log()).isEmpty();
            assertThat(a.ok().sbFlags()).containsOnly(Map.entry(SbFlag.RDONLY, true),
                    Map.entry(SbFlag.SYNCHRONOUS, true), Map.entry(SbFlag.DIRSYNC, true),
                    Map.entry(SbFlag.LAZYTIME, true), Map.entry(SbFlag.MANDLOCK, true));
        }

        @Test
        @DisplayName("rw, async, nolazytime and nomand clear theirs; the last key of a flag wins")
        void clearKeys() {
            MountOptions o = parse("ro,rw,sync,async,lazytime,nolazytime,mand,nomand").ok();
            assertThat(o.sbFlags()).containsOnly(Map.entry(SbFlag.RDONLY, false),
                    Map.entry(SbFlag.SYNCHRONOUS, false), Map.entry(SbFlag.LAZYTIME, false),
                    Map.entry(SbFlag.MANDLOCK, false));
            assertThat(o.effectiveSbFlags(java.util.Set.of(SbFlag.RDONLY))).isEmpty();
        }

        @Test
        @DisplayName("only the key is looked at: 'ro=whatever' is taken as ro without complaint")
        void valueIgnored() {
            Attempt a = parse("ro=whatever");
            assertThat(a.ok().sbFlags()).containsOnly(Map.entry(SbFlag.RDONLY, true));
            assertThat(a.log()).isEmpty();
        }

        @Test
        @DisplayName("effective flags start from the mount(2) flags and apply the option string")
        void effective() {
            MountOptions o = parse("sync,rw").ok();
            assertThat(o.effectiveSbFlags(java.util.Set.of(SbFlag.RDONLY))).containsExactly(SbFlag.SYNCHRONOUS);
            assertThat(parse("ro").ok().effectiveSbFlags(java.util.Set.of())).containsExactly(SbFlag.RDONLY);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"silent", "posixacl", "noatime", "nodev", "nosuid", "relatime", "norelatime", "bind"})
        @DisplayName("keys the VFS table no longer has (silent, posixacl) or never had go to erofs: unknown")
        void notSbFlags(String key) {
            parse(key).failsWith("erofs: Unknown parameter '" + key + "'");
        }
    }

    @Nested
    @DisplayName("source (vfs_parse_fs_param_source)")
    class Source {
        @Test
        @DisplayName("the mount(2) source becomes fc->source")
        void fromMount() {
            assertThat(parse(null, "/dev/loop0", K618).ok().source()).contains("/dev/loop0");
        }

        @Test
        @DisplayName("no source at all leaves fc->source empty")
        void none() {
            assertThat(parse("noacl", null, K618).ok().source()).isEmpty();
        }

        @Test
        @DisplayName("source= in the options sets it when mount(2) gave none")
        void fromOption() {
            Attempt a = parse("source=/srv/a.erofs,noacl", null, K618);
            assertThat(a.ok().source()).contains("/srv/a.erofs");
            assertThat(a.log()).isEmpty();
        }

        @Test
        @DisplayName("source= when a source is already given: EINVAL, 'Multiple sources' without prefix")
        void multipleSources() {
            parse("source=/other", "/srv/a.erofs", K618).failsWith("Multiple sources");
        }

        @Test
        @DisplayName("two source= options: the second one is 'Multiple sources'")
        void twoSourceOptions() {
            parse("source=/a,source=/b", null, K618).failsWith("Multiple sources");
        }

        @Test
        @DisplayName("source without a value: EINVAL, 'Non-string source' without prefix")
        void nonString() {
            parse("source", null, K618).failsWith("Non-string source");
        }

        @Test
        @DisplayName("an empty mount(2) source still counts as given")
        void emptySourceCounts() {
            assertThat(parse(null, "", K618).ok().source()).contains("");
            parse("source=/a", "", K618).failsWith("Multiple sources");
        }

        @Test
        @DisplayName("a mount(2) source longer than 4095 bytes fails in copy_mount_string, without a line")
        void sourceTooLong() {
            Attempt a = parse(null, "/" + "s".repeat(4095), K618);
            assertThat(a.errno()).isEqualTo(Errno.EINVAL);
            assertThat(a.log()).isEmpty();
            assertThat(parse(null, "/" + "s".repeat(4094), K618).ok().source()).isPresent();
        }
    }

    @Nested
    @DisplayName("unknown keys (generic parser)")
    class Unknown {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"foo", "foo=bar"})
        @DisplayName("an unknown key, with or without value: EINVAL, erofs: Unknown parameter 'foo'")
        void unknown(String option) {
            parse(option).failsWith("erofs: Unknown parameter 'foo'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"nodax", "nodevice", "nocache_strategy", "nofsid", "nodomain_id", "nofsoffset", "no"})
        @DisplayName("'no' before a key that is not negatable (or before nothing) is unknown")
        void noFormOfNonNegatable(String key) {
            parse(key).failsWith("erofs: Unknown parameter '" + key + "'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"nouser_xattr=1", "noacl=1", "nodirectio=1", "noacl="})
        @DisplayName("a 'no' form with a value is not looked up as a negation: unknown")
        void noFormWithValue(String option) {
            String key = option.substring(0, option.indexOf('='));
            parse(option).failsWith("erofs: Unknown parameter '" + key + "'");
        }
    }

    @Nested
    @DisplayName("user_xattr / nouser_xattr (XATTR)")
    class UserXattr {
        @Test
        @DisplayName("nouser_xattr clears, user_xattr sets; last one wins")
        void setAndClear() {
            assertThat(parse("nouser_xattr").ok().userXattr()).isFalse();
            assertThat(parse("nouser_xattr,user_xattr").ok().userXattr()).isTrue();
            assertThat(parse("user_xattr,nouser_xattr").ok().userXattr()).isFalse();
        }

        @Test
        @DisplayName("a value is rejected: EINVAL, erofs: Unexpected value for 'user_xattr'")
        void value() {
            parse("user_xattr=1").failsWith("erofs: Unexpected value for 'user_xattr'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"user_xattr", "nouser_xattr"})
        @DisplayName("without XATTR: logged as not supported, ignored, parsing goes on")
        void withoutXattr(String option) {
            Attempt a = parse(option + ",device=/b", with(K618, ConfigFlag.EROFS_FS_XATTR, false));
            assertThat(a.log()).containsExactly("erofs: {,no}user_xattr options not supported");
            assertThat(a.ok().userXattr()).isFalse();
            assertThat(a.ok().devices()).containsExactly("/b");
        }

        @Test
        @DisplayName("without XATTR a value is still rejected first (fs_parse runs before the gate)")
        void withoutXattrValue() {
            parse("user_xattr=1", with(K618, ConfigFlag.EROFS_FS_XATTR, false))
                    .failsWith("erofs: Unexpected value for 'user_xattr'");
        }
    }

    @Nested
    @DisplayName("acl / noacl (POSIX_ACL)")
    class Acl {
        @Test
        @DisplayName("noacl clears, acl sets; last one wins")
        void setAndClear() {
            assertThat(parse("noacl").ok().acl()).isFalse();
            assertThat(parse("noacl,acl").ok().acl()).isTrue();
        }

        @Test
        @DisplayName("a value is rejected: EINVAL, erofs: Unexpected value for 'acl'")
        void value() {
            parse("acl=1").failsWith("erofs: Unexpected value for 'acl'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"acl", "noacl"})
        @DisplayName("without POSIX_ACL: logged as not supported, ignored")
        void withoutAcl(String option) {
            Attempt a = parse(option, with(K618, ConfigFlag.EROFS_FS_POSIX_ACL, false));
            assertThat(a.log()).containsExactly("erofs: {,no}acl options not supported");
            assertThat(a.ok().acl()).isFalse();
        }

        @Test
        @DisplayName("without XATTR (so without POSIX_ACL) acl is logged as not supported too")
        void withoutXattr() {
            Attempt a = parse("acl", with(K618, ConfigFlag.EROFS_FS_XATTR, false));
            assertThat(a.log()).containsExactly("erofs: {,no}acl options not supported");
            assertThat(a.ok().acl()).isFalse();
        }
    }

    @Nested
    @DisplayName("cache_strategy= (ZIP)")
    class CacheStrategyOption {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"disabled", "readahead", "readaround"})
        @DisplayName("each of the three values is taken")
        void values(String value) {
            assertThat(parse("cache_strategy=" + value).ok().cacheStrategy().optionName()).isEqualTo(value);
        }

        @Test
        @DisplayName("the last one wins")
        void lastWins() {
            assertThat(parse("cache_strategy=disabled,cache_strategy=readahead").ok().cacheStrategy())
                    .isEqualTo(CacheStrategy.READAHEAD);
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"cache_strategy=bogus", "cache_strategy=Readahead", "cache_strategy=", "cache_strategy"})
        @DisplayName("an unknown, empty or missing value: EINVAL, erofs: Bad value for 'cache_strategy'")
        void badValue(String option) {
            parse(option).failsWith("erofs: Bad value for 'cache_strategy'");
        }

        @Test
        @DisplayName("without ZIP: logged as compression not supported, ignored, parsing goes on")
        void withoutZip() {
            Attempt a = parse("cache_strategy=readahead,noacl", with(K618, ConfigFlag.EROFS_FS_ZIP, false));
            assertThat(a.log()).containsExactly("erofs: compression not supported, cache_strategy ignored");
            assertThat(a.ok().cacheStrategy()).isEqualTo(CacheStrategy.DISABLED);
            assertThat(a.ok().acl()).isFalse();
        }

        @Test
        @DisplayName("without ZIP a bad value is still EINVAL (the value is checked before the gate)")
        void withoutZipBadValue() {
            parse("cache_strategy=bogus", with(K618, ConfigFlag.EROFS_FS_ZIP, false))
                    .failsWith("erofs: Bad value for 'cache_strategy'");
        }
    }

    @Nested
    @DisplayName("dax and dax= (FS_DAX)")
    class Dax {
        @Test
        @DisplayName("dax is dax=always")
        void flagIsAlways() {
            MountOptions o = parse("dax").ok();
            assertThat(o.daxAlways()).isTrue();
            assertThat(o.daxNever()).isFalse();
        }

        @Test
        @DisplayName("dax=never sets NEVER and clears ALWAYS; dax=always the reverse")
        void enumValues() {
            MountOptions never = parse("dax=always,dax=never").ok();
            assertThat(never.daxNever()).isTrue();
            assertThat(never.daxAlways()).isFalse();
            MountOptions always = parse("dax=never,dax").ok();
            assertThat(always.daxAlways()).isTrue();
            assertThat(always.daxNever()).isFalse();
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"dax=bogus", "dax=", "dax=Always"})
        @DisplayName("an unknown or empty value: EINVAL, erofs: Bad value for 'dax'")
        void badValue(String option) {
            parse(option).failsWith("erofs: Bad value for 'dax'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"dax", "dax=always", "dax=never"})
        @DisplayName("without FS_DAX: EINVAL, erofs: dax options not supported")
        void withoutFsDax(String option) {
            parse(option, with(K618, ConfigFlag.FS_DAX, false)).failsWith("erofs: dax options not supported");
        }

        @Test
        @DisplayName("without FS_DAX a bad value is reported as a bad value")
        void withoutFsDaxBadValue() {
            parse("dax=bogus", with(K618, ConfigFlag.FS_DAX, false)).failsWith("erofs: Bad value for 'dax'");
        }
    }

    @Nested
    @DisplayName("device= (no gate, repeatable)")
    class Device {
        @Test
        @DisplayName("each device= appends, in order: the k-th is device id k")
        void appends() {
            assertThat(parse("device=/b1,noacl,device=/b2,device=/b1").ok().devices())
                    .containsExactly("/b1", "/b2", "/b1");
        }

        @Test
        @DisplayName("an empty value: EINVAL, erofs: Bad value for 'device'")
        void empty() {
            parse("device=/b1,device=").failsWith("erofs: Bad value for 'device'");
        }

        @Test
        @DisplayName("no value at all: EINVAL, erofs: Bad value for 'device'")
        void missing() {
            parse("device").failsWith("erofs: Bad value for 'device'");
        }

        @Test
        @DisplayName("non-ASCII paths survive byte-wise splitting")
        void utf8() {
            assertThat(parse("device=/srv/blöb").ok().devices()).containsExactly("/srv/blöb");
        }
    }

    @Nested
    @DisplayName("fsid= and domain_id= (ONDEMAND)")
    class Ondemand {
        final KernelConfig ondemand = with(K618, ConfigFlag.EROFS_FS_ONDEMAND, true);

        @Test
        @DisplayName("with ONDEMAND both are stored and the last one wins")
        void stored() {
            Attempt a = parse("fsid=a,domain_id=d,fsid=b", ondemand);
            assertThat(a.ok().fsid()).contains("b");
            assertThat(a.ok().domainId()).contains("d");
            assertThat(a.log()).isEmpty();
        }

        @Test
        @DisplayName("without ONDEMAND: erofs: fsid option not supported, ignored, mount continues")
        void fsidWithoutOndemand() {
            Attempt a = parse("fsid=x,noacl");
            assertThat(a.log()).containsExactly("erofs: fsid option not supported");
            assertThat(a.ok().fsid()).isEmpty();
            assertThat(a.ok().acl()).isFalse();
        }

        @Test
        @DisplayName("without ONDEMAND: erofs: domain_id option not supported, ignored")
        void domainWithoutOndemand() {
            Attempt a = parse("domain_id=y");
            assertThat(a.log()).containsExactly("erofs: domain_id option not supported");
            assertThat(a.ok().domainId()).isEmpty();
        }

        @Test
        @DisplayName("each ignored one logs its own line")
        void eachLogs() {
            assertThat(parse("fsid=x,domain_id=y,fsid=z").log()).containsExactly(
                    "erofs: fsid option not supported", "erofs: domain_id option not supported",
                    "erofs: fsid option not supported");
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"fsid=", "fsid"})
        @DisplayName("an empty or missing fsid is a bad value even without ONDEMAND")
        void emptyFsid(String option) {
            parse(option).failsWith("erofs: Bad value for 'fsid'");
            parse(option, ondemand).failsWith("erofs: Bad value for 'fsid'");
        }

        @Test
        @DisplayName("an empty domain_id is a bad value")
        void emptyDomain() {
            parse("domain_id=").failsWith("erofs: Bad value for 'domain_id'");
        }
    }

    @Nested
    @DisplayName("directio / nodirectio (BACKED_BY_FILE; 6.13-rc4+)")
    class Directio {
        @Test
        @DisplayName("6.18 and 6.13: directio sets, nodirectio clears")
        void setAndClear() {
            for (KernelConfig k : List.of(K613, K618)) {
                assertThat(parse("directio", k).ok().directio()).isTrue();
                assertThat(parse("directio,nodirectio", k).ok().directio()).isFalse();
            }
        }

        @Test
        @DisplayName("a value: EINVAL, erofs: Unexpected value for 'directio'")
        void value() {
            parse("directio=1").failsWith("erofs: Unexpected value for 'directio'");
            parse("directio=1", K613).failsWith("erofs: Unexpected value for 'directio'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"directio", "nodirectio"})
        @DisplayName("without BACKED_BY_FILE: erofs: directio option not supported, ignored")
        void withoutBackedByFile(String option) {
            Attempt a = parse(option, with(K618, ConfigFlag.EROFS_FS_BACKED_BY_FILE, false));
            assertThat(a.log()).containsExactly("erofs: directio option not supported");
            assertThat(a.ok().directio()).isFalse();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"directio", "nodirectio", "directio=1"})
        @DisplayName("6.12 (before 6.13-rc4): the name is unknown, EINVAL")
        void unknownOn612(String option) {
            String key = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            parse(option, K612).failsWith("erofs: Unknown parameter '" + key + "'");
        }
    }

    @Nested
    @DisplayName("fsoffset= (u64, 6.16+)")
    class Fsoffset {
        @Test
        @DisplayName("6.18: a decimal byte offset is stored; the last one wins")
        void decimal() {
            assertThat(parse("fsoffset=4096").ok().fsoffset()).isEqualTo(4096L);
            assertThat(parse("fsoffset=4096,fsoffset=8192").ok().fsoffset()).isEqualTo(8192L);
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"fsoffset=0x1000", "fsoffset=0X1000", "fsoffset=010000", "fsoffset=+4096",
                                "fsoffset=4096\n", "fsoffset=0x1000\n"})
        @DisplayName("kstrtoull base 0: 0x hex, leading-0 octal, a leading '+' and one trailing newline")
        void kstrtoullForms(String option) {
            assertThat(parse(option).ok().fsoffset()).isEqualTo(4096L);
        }

        @Test
        @DisplayName("0 and 0x0 are zero; 2^64-1 is the largest value (held as -1L)")
        void bounds() {
            assertThat(parse("fsoffset=0").ok().fsoffset()).isZero();
            assertThat(parse("fsoffset=0x0").ok().fsoffset()).isZero();
            assertThat(parse("fsoffset=18446744073709551615").ok().fsoffset()).isEqualTo(-1L);
            assertThat(parse("fsoffset=0xffffffffffffffff").ok().fsoffset()).isEqualTo(-1L);
        }

        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"fsoffset=-1", "fsoffset=-0", "fsoffset=abc", "fsoffset=4k", "fsoffset=",
                                "fsoffset", "fsoffset=08", "fsoffset=0x", "fsoffset=0xg", "fsoffset= 4096",
                                "fsoffset=4096 ", "fsoffset=++1", "fsoffset=4096\n\n", "fsoffset=18446744073709551616",
                                "fsoffset=0x10000000000000000"})
        @DisplayName("non-numbers, negatives, empty, overflow: EINVAL, erofs: Bad value for 'fsoffset'")
        void badValue(String option) {
            parse(option).failsWith("erofs: Bad value for 'fsoffset'");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"6.12.0", "6.13"})
        @DisplayName("before 6.16 the name is unknown, EINVAL")
        void unknownBefore616(String profile) {
            parse("fsoffset=4096", kernel(profile)).failsWith("erofs: Unknown parameter 'fsoffset'");
        }
    }

    @Nested
    @DisplayName("kstrtoull directly")
    class Kstrtoull {
        @Test
        @DisplayName("radix detection and the accepted tail follow lib/kstrtox.c")
        void radix() {
            assertThat(MountOptionParser.kstrtoull("10").getAsLong()).isEqualTo(10);
            assertThat(MountOptionParser.kstrtoull("010").getAsLong()).isEqualTo(8);
            assertThat(MountOptionParser.kstrtoull("0x10").getAsLong()).isEqualTo(16);
            assertThat(MountOptionParser.kstrtoull("0xFf").getAsLong()).isEqualTo(255);
            assertThat(MountOptionParser.kstrtoull("+0x10").getAsLong()).isEqualTo(16);
            assertThat(MountOptionParser.kstrtoull("0")).hasValue(0);
            assertThat(MountOptionParser.kstrtoull("")).isEmpty();
            assertThat(MountOptionParser.kstrtoull("+")).isEmpty();
            assertThat(MountOptionParser.kstrtoull("\n")).isEmpty();
            assertThat(MountOptionParser.kstrtoull("9a")).isEmpty();
        }
    }

    @Nested
    @DisplayName("errors come before get_tree")
    class NoDeviceLines {
        @Test
        @DisplayName("an option error never produces an 'erofs (device …)' line")
        void noDevicePrefix() {
            for (String bad : List.of("foo", "acl=1", "dax=x", "device=", "fsoffset=x")) {
                assertThat(parse(bad).log()).noneMatch(l -> l.startsWith("erofs (device"));
            }
        }

        @Test
        @DisplayName("a key consumed before the error keeps its effect in the lines only: the parse fails")
        void earlierLinesKept() {
            Attempt a = parse("cache_strategy=readahead,domain_id=x,acl=yes");
            a.failsWith("erofs: domain_id option not supported", "erofs: Unexpected value for 'acl'");
            assertThat(a.options()).isNull();
        }
    }

    @Test
    @DisplayName("a full 6.18 option string parses into every field")
    void everything() {
        MountOptions o = parse("nouser_xattr,noacl,cache_strategy=readahead,dax=never,device=/b1,device=/b2,"
                + "directio,fsoffset=0x2000,ro", null, with(K618, ConfigFlag.EROFS_FS_ONDEMAND, true)).ok();
        assertThat(o).isEqualTo(new MountOptions(false, false, CacheStrategy.READAHEAD, false, true,
                List.of("/b1", "/b2"), Optional.empty(), Optional.empty(), true, 8192L, Optional.empty(),
                Map.of(SbFlag.RDONLY, true)));
    }
}
