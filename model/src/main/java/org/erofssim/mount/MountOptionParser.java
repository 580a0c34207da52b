package org.erofssim.mount;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.erofssim.kernel.Behavior;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Coverage;
import org.erofssim.kernel.Errno;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelError;
import org.erofssim.kernel.KernelLog;
import org.erofssim.sb.CacheStrategy;
import org.erofssim.sb.MountOptions;
import org.erofssim.sb.SbFlag;

/**
 * The option half of a {@code mount(2)}: the VFS splits the data page on commas, takes out
 * the superblock flags and {@code source}, and hands every other key to EROFS's parameter
 * parser (spec §2). Messages are printed the way {@code mount(2)} prints them (no fs_context
 * log attached): messages through the context's parser log as {@code erofs: <msg>}, the
 * VFS's own {@code invalf} ones bare.
 *
 * <p>An error stops the parse at that key: the line is printed, then {@link KernelError}
 * with {@link Errno#EINVAL} is thrown; lines of keys accepted before it stay in the log.
 */
public final class MountOptionParser {
    /** {@code PAGE_SIZE}: {@code path_mount} NUL-terminates the option page at byte 4095. */
    static final int PAGE_SIZE = 4096;
    private static final String FS_NAME = "erofs";
    /** {@code SbFlag.values()} once, not a new array per key (session 14). */
    private static final SbFlag[] SB_FLAGS = SbFlag.values();

    private MountOptionParser() {}

    /**
     * The option part of {@code do_new_mount}: a fresh context ({@code erofs_init_fs_context} →
     * {@link MountOptions#defaults}), then {@code vfs_parse_fs_string(fc, "source", name)} when
     * mount(2) gave a source, then {@code parse_monolithic_mount_data} →
     * {@code generic_parse_monolithic} on the option page.
     *
     * @param options the mount(2) data string; null or empty for none
     * @param source  the mount(2) source ({@code dev_name}); null for none
     * @throws KernelError EINVAL on any rejected option (after printing its line), or for a
     *                     source longer than a page ({@code copy_mount_string}, no line)
     */
    public static MountOptions parse(String options, String source, KernelConfig kernel, KernelLog log) {
        Context fc = new Context(kernel, log);
        if (source != null) {
            String name = rawCString(source);
            if (name.length() > PAGE_SIZE - 1) {
                Coverage.hit("copy_mount_string:source-too-long");
                throw new KernelError(Errno.EINVAL, "source longer than PAGE_SIZE - 1 (strndup_user)");
            }
            fc.parseParam("source", name);
        }
        if (options != null) {
            String data = rawCString(options);
            if (data.length() > PAGE_SIZE - 1) {
                Coverage.hit("path_mount:options-cut-at-page");
                data = data.substring(0, PAGE_SIZE - 1);
            }
            fc.parseMonolithic(data);
        }
        return fc.result();
    }

    /**
     * The C string the kernel sees of {@code s} one char
     * per byte, from the text before the first U+0000 (UTF-8 has a zero byte for no other char):
     * one search and two bulk copies the JDK compiles well, not a loop over the bytes (session 14).
     */
    static String rawCString(String s) {
        int nul = s.indexOf(0);
        return raw((nul < 0 ? s : s.substring(0, nul)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code kstrtoull(s, 0, &res)} ({@code lib/kstrtox.c}): an optional leading {@code +};
     * base from the prefix ({@code 0x}/{@code 0X} followed by a hex digit → 16, else a leading
     * {@code 0} → 8, else 10); at least one digit; one trailing newline allowed; nothing else.
     * Empty on {@code -EINVAL} or {@code -ERANGE} (a value above 2^64-1).
     *
     * @param s one char per byte (ISO-8859-1)
     */
    static OptionalLong kstrtoull(String s) {
        int i = 0;
        if (at(s, 0) == '+') {
            i = 1;
        }
        int base;
        if (at(s, i) == '0') {
            if ((at(s, i + 1) | 0x20) == 'x' && isXdigit(at(s, i + 2))) {
                base = 16;
                i += 2;
            } else {
                base = 8;
            }
        } else {
            base = 10;
        }
        long res = 0;
        int digits = 0;
        boolean overflow = false;
        while (true) {
            int c = at(s, i);
            int lc = c | 0x20;
            int val;
            if (c >= '0' && c <= '9') {
                val = c - '0';
            } else if (lc >= 'a' && lc <= 'f') {
                val = lc - 'a' + 10;
            } else {
                break;
            }
            if (val >= base) {
                break;
            }
            if (Long.compareUnsigned(res, Long.divideUnsigned(-1L - val, base)) > 0) {
                overflow = true;
            }
            res = res * base + val;
            digits++;
            i++;
        }
        if (overflow || digits == 0) {
            return OptionalLong.empty();
        }
        if (at(s, i) == '\n') {
            i++;
        }
        return i == s.length() ? OptionalLong.of(res) : OptionalLong.empty();
    }

    /** The byte at {@code i}, or 0 (the C string's NUL) past the end. */
    private static int at(String s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }

    private static boolean isXdigit(int c) {
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    }

    /** Bytes as a one-char-per-byte string, so splitting is bytewise like the kernel's. */
    private static String raw(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** A one-char-per-byte string back to text (for log lines and stored strings). */
    private static String text(String raw) {
        return new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** What a key of {@code erofs_fs_parameters} expects. */
    private enum Type { FLAG, ENUM, STRING, U64 }

    /** The {@code Opt_*} constants of {@code erofs_fc_parse_param}. */
    private enum Opt { USER_XATTR, ACL, CACHE_STRATEGY, DAX, DAX_ENUM, DEVICE, FSID, DOMAIN_ID, DIRECTIO, FSOFFSET, SOURCE }

    /** One entry of {@code erofs_fs_parameters}. */
    private record Spec(String name, Opt opt, Type type, boolean negatable) {}

    /** {@code fs_parse}'s answer: the entry, whether it matched as {@code no<name>}, the value. */
    private record Parsed(Opt opt, boolean bool, Optional<CacheStrategy> strategy, boolean daxAlways,
                          String string, long u64) {}

    /**
     * {@code erofs_fs_parameters} of the profile, in table order: the 6.12 table, plus
     * {@code directio} (6.13-rc4) and {@code fsoffset} (6.16) where the profile has them.
     */
    private static List<Spec> table(KernelConfig kernel) {
        int key = (kernel.has(Behavior.FSCACHE_REMOVED) ? 1 : 0) | (kernel.has(Behavior.DIRECTIO_OPTION) ? 2 : 0)
                | (kernel.has(Behavior.FSOFFSET_OPTION) ? 4 : 0) | (kernel.has(Behavior.SOURCE_PARAMETER) ? 8 : 0);
        List<Spec> t = TABLES[key];
        if (t == null) {
            t = List.copyOf(buildTable(kernel));
            TABLES[key] = t; // immutable, the same for every kernel with these four behaviours: a race builds it twice
        }
        return t;
    }

    /** {@link #table} by the four behaviours it depends on (issue 12: built once, not per mount). */
    private static final List<?>[] TABLES_RAW = new List<?>[16];
    @SuppressWarnings("unchecked")
    private static final List<Spec>[] TABLES = (List<Spec>[]) TABLES_RAW;

    private static List<Spec> buildTable(KernelConfig kernel) {
        List<Spec> t = new ArrayList<>(List.of(
                new Spec("user_xattr", Opt.USER_XATTR, Type.FLAG, true),
                new Spec("acl", Opt.ACL, Type.FLAG, true),
                new Spec("cache_strategy", Opt.CACHE_STRATEGY, Type.ENUM, false),
                new Spec("dax", Opt.DAX, Type.FLAG, false),
                new Spec("dax", Opt.DAX_ENUM, Type.ENUM, false),
                new Spec("device", Opt.DEVICE, Type.STRING, false)));
        if (!kernel.has(Behavior.FSCACHE_REMOVED)) {
            t.add(new Spec("fsid", Opt.FSID, Type.STRING, false));
        }
        t.add(new Spec("domain_id", Opt.DOMAIN_ID, Type.STRING, false));
        if (kernel.has(Behavior.DIRECTIO_OPTION)) {
            t.add(new Spec("directio", Opt.DIRECTIO, Type.FLAG, true));
        }
        if (kernel.has(Behavior.FSOFFSET_OPTION)) {
            t.add(new Spec("fsoffset", Opt.FSOFFSET, Type.U64, false));
        }
        if (kernel.has(Behavior.SOURCE_PARAMETER)) {
            t.add(new Spec("source", Opt.SOURCE, Type.STRING, false));
        }
        return t;
    }

    /** The state of one {@code struct fs_context} being filled. Strings are one char per byte. */
    private static final class Context {
        private final KernelConfig kernel;
        private final KernelLog log;
        private final List<Spec> table;
        private final MountOptions defaults;
        private boolean userXattr;
        private boolean acl;
        private CacheStrategy cacheStrategy;
        private boolean daxAlways;
        private boolean daxNever;
        private final List<String> devices = new ArrayList<>();
        private String fsid;
        private String domainId;
        private boolean directio;
        private long fsoffset;
        private String source;
        private final Map<SbFlag, Boolean> sbFlags = new EnumMap<>(SbFlag.class);

        Context(KernelConfig kernel, KernelLog log) {
            this.kernel = kernel;
            this.log = log;
            this.table = table(kernel);
            this.defaults = MountOptions.defaults(kernel);
            this.userXattr = defaults.userXattr();
            this.acl = defaults.acl();
            this.cacheStrategy = defaults.cacheStrategy();
        }

        MountOptions result() {
            return new MountOptions(userXattr, acl, cacheStrategy, daxAlways, daxNever,
                    devices.isEmpty() ? List.of() : devices(),
                    Optional.ofNullable(fsid).map(MountOptionParser::text),
                    Optional.ofNullable(domainId).map(MountOptionParser::text), directio, fsoffset,
                    Optional.ofNullable(source).map(MountOptionParser::text), sbFlags);
        }

        /** The {@code device=} paths as text, in order. */
        private List<String> devices() {
            List<String> out = new ArrayList<>(devices.size());
            for (String d : devices) {
                out.add(text(d));
            }
            return out;
        }

        /**
         * {@code vfs_parse_monolithic_sep} with {@code vfs_parse_comma_sep} ({@code strsep} on
         * ","): empty items are skipped, an item starting with "=" is skipped, the value is
         * everything after the first "=" (present but empty for {@code key=}), a key without
         * "=" is a flag. The first failing key ends the parse.
         */
        void parseMonolithic(String data) {
            int start = 0;
            while (start <= data.length()) {
                int comma = data.indexOf(',', start);
                int end = comma < 0 ? data.length() : comma;
                String item = data.substring(start, end);
                start = end + 1;
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq == 0) {
                    continue;
                }
                if (eq < 0) {
                    parseParam(item, null);
                } else {
                    parseParam(item.substring(0, eq), item.substring(eq + 1));
                }
            }
        }

        /**
         * {@code vfs_parse_fs_param} for a string parameter ({@code vfs_parse_fs_string}: a
         * null value is {@code fs_value_is_flag}, any other {@code fs_value_is_string}):
         * superblock flags first, then EROFS, then the VFS's {@code source}, else unknown.
         * (The LSM hook in between is not modelled: no LSM takes mount options here.)
         */
        void parseParam(String key, String value) {
            if (parseSbFlag(key)) {
                return;
            }
            if (erofsParseParam(key, value)) {
                return;
            }
            if (parseSource(key, value)) {
                return;
            }
            Coverage.hit("vfs_parse_fs_param:unknown");
            fail(FS_NAME + ": Unknown parameter '" + text(key) + "'");
        }

        /**
         * {@code vfs_parse_sb_flag}: the key alone decides ({@code ro=x} is taken as {@code ro});
         * true when the key was one of the superblock flag keys.
         */
        private boolean parseSbFlag(String key) {
            for (SbFlag flag : SB_FLAGS) {
                if (flag.setKey().equals(key)) {
                    Coverage.hit("vfs_parse_sb_flag:set");
                    sbFlags.put(flag, true);
                    return true;
                }
            }
            for (SbFlag flag : SB_FLAGS) {
                if (key.equals(flag.clearKey())) {
                    Coverage.hit("vfs_parse_sb_flag:clear");
                    sbFlags.put(flag, false);
                    return true;
                }
            }
            return false;
        }

        /**
         * {@code vfs_parse_fs_param_source}: false for any other key ({@code -ENOPARAM}); a
         * {@code source} without a value → {@code Non-string source}; a second source →
         * {@code Multiple sources}.
         */
        private boolean parseSource(String key, String value) {
            if (!key.equals("source")) {
                return false;
            }
            if (value == null) {
                Coverage.hit("vfs_parse_fs_param_source:non-string");
                fail("Non-string source");
            }
            if (source != null) {
                Coverage.hit("vfs_parse_fs_param_source:multiple");
                fail("Multiple sources");
            }
            source = value;
            return true;
        }

        /**
         * {@code erofs_fc_parse_param}: {@code fs_parse} against the table, then the per-key
         * CONFIG gates. False when the key is not EROFS's ({@code -ENOPARAM}).
         */
        private boolean erofsParseParam(String key, String value) {
            Parsed p = fsParse(key, value);
            if (p == null) {
                return false;
            }
            switch (p.opt()) {
                case USER_XATTR -> {
                    if (kernel.enabled(ConfigFlag.EROFS_FS_XATTR)) {
                        Coverage.hit("erofs_fc_parse_param:user_xattr");
                        userXattr = p.bool();
                    } else {
                        Coverage.hit("erofs_fc_parse_param:user_xattr-unsupported");
                        notice("{,no}user_xattr options not supported");
                    }
                }
                case ACL -> {
                    if (kernel.enabled(ConfigFlag.EROFS_FS_POSIX_ACL)) {
                        Coverage.hit("erofs_fc_parse_param:acl");
                        acl = p.bool();
                    } else {
                        Coverage.hit("erofs_fc_parse_param:acl-unsupported");
                        notice("{,no}acl options not supported");
                    }
                }
                case CACHE_STRATEGY -> {
                    if (kernel.enabled(ConfigFlag.EROFS_FS_ZIP)) {
                        Coverage.hit("erofs_fc_parse_param:cache_strategy");
                        cacheStrategy = p.strategy().orElseThrow();
                    } else {
                        Coverage.hit("erofs_fc_parse_param:cache_strategy-unsupported");
                        notice("compression not supported, cache_strategy ignored");
                    }
                }
                case DAX -> setDaxMode(true);
                case DAX_ENUM -> setDaxMode(p.daxAlways());
                case DEVICE -> {
                    Coverage.hit("erofs_fc_parse_param:device");
                    devices.add(p.string());
                }
                case FSID -> {
                    if (kernel.enabled(ConfigFlag.EROFS_FS_ONDEMAND)) {
                        Coverage.hit("erofs_fc_parse_param:fsid");
                        fsid = p.string();
                    } else {
                        Coverage.hit("erofs_fc_parse_param:fsid-unsupported");
                        notice("fsid option not supported");
                    }
                }
                case DOMAIN_ID -> {
                    if (kernel.has(Behavior.FSCACHE_REMOVED)) {
                        // a page-cache sharing domain since the fscache removal: taken silently; the
                        // sharing itself changes no field of the contract's outcome (obs-7.2.13, obs-7.3)
                    } else if (kernel.enabled(ConfigFlag.EROFS_FS_ONDEMAND)) {
                        Coverage.hit("erofs_fc_parse_param:domain_id");
                        domainId = p.string();
                    } else {
                        Coverage.hit("erofs_fc_parse_param:domain_id-unsupported");
                        notice("domain_id option not supported");
                    }
                }
                case DIRECTIO -> {
                    if (kernel.enabled(ConfigFlag.EROFS_FS_BACKED_BY_FILE)) {
                        Coverage.hit("erofs_fc_parse_param:directio");
                        directio = p.bool();
                    } else {
                        Coverage.hit("erofs_fc_parse_param:directio-unsupported");
                        notice("directio option not supported");
                    }
                }
                case FSOFFSET -> {
                    Coverage.hit("erofs_fc_parse_param:fsoffset");
                    fsoffset = p.u64();
                }
                case SOURCE -> parseSource("source", p.string());
            }
            return true;
        }

        /** {@code erofs_fc_set_dax_mode}: without FS_DAX an error and EINVAL. */
        private void setDaxMode(boolean always) {
            if (!kernel.enabled(ConfigFlag.FS_DAX)) {
                Coverage.hit("erofs_fc_set_dax_mode:unsupported");
                fail(FS_NAME + ": dax options not supported");
            }
            if (always && !kernel.has(Behavior.DAX_NOT_EXPERIMENTAL)) {
                log.fc('w', FS_NAME + ": DAX enabled. Warning: EXPERIMENTAL, use at your own risk"); // warnfc [unsure: level]
            }
            Coverage.hit(always ? "erofs_fc_set_dax_mode:always" : "erofs_fc_set_dax_mode:never");
            daxAlways = always;
            daxNever = !always;
        }

        /**
         * {@code fs_parse} ({@code __fs_parse} with the context's log, prefix "erofs"): null for
         * {@code -ENOPARAM}; a flag given a value → {@code Unexpected value}; a typed key whose
         * value is missing, empty (no {@code fs_param_can_be_empty} in EROFS) or invalid →
         * {@code Bad value}.
         */
        private Parsed fsParse(String key, String value) {
            Spec p = null;
            boolean negated = false;
            boolean wantFlag = value == null;
            Spec other = null;
            // fs_lookup_key: an exact name of the wanted kind, else the "no" form of a
            // negatable flag (only when no value was given), else the exact name of the other kind
            for (Spec s : table) {
                if (!s.name().equals(key)) {
                    continue;
                }
                if ((s.type() == Type.FLAG) == wantFlag) {
                    p = s;
                    break;
                }
                other = s;
            }
            if (p == null && wantFlag && key.length() > 2 && key.startsWith("no")) {
                for (Spec s : table) {
                    if (s.negatable() && s.name().equals(key.substring(2))) {
                        p = s;
                        negated = true;
                        break;
                    }
                }
            }
            if (p == null) {
                p = other;
            }
            if (p == null) {
                return null;
            }
            switch (p.type()) {
                case FLAG -> {
                    if (value != null) {
                        Coverage.hit("fs_parse:unexpected-value");
                        fail(FS_NAME + ": Unexpected value for '" + text(key) + "'");
                    }
                    return new Parsed(p.opt(), !negated, Optional.empty(), false, null, 0);
                }
                case ENUM -> {
                    if (value == null) {
                        fail(badValue(key));
                    }
                    if (p.opt() == Opt.CACHE_STRATEGY) {
                        Optional<CacheStrategy> s = CacheStrategy.byOptionName(value);
                        if (s.isEmpty()) {
                            fail(badValue(key));
                        }
                        return new Parsed(p.opt(), false, s, false, null, 0);
                    }
                    if (!value.equals("always") && !value.equals("never")) {
                        fail(badValue(key));
                    }
                    return new Parsed(p.opt(), false, Optional.empty(), value.equals("always"), null, 0);
                }
                case STRING -> {
                    if (value == null || value.isEmpty()) {
                        fail(badValue(key));
                    }
                    return new Parsed(p.opt(), false, Optional.empty(), false, value, 0);
                }
                case U64 -> {
                    OptionalLong n = value == null ? OptionalLong.empty() : kstrtoull(value);
                    if (n.isEmpty()) {
                        fail(badValue(key));
                    }
                    return new Parsed(p.opt(), false, Optional.empty(), false, null, n.getAsLong());
                }
                default -> throw new AssertionError(p.type());
            }
        }

        private static String badValue(String key) {
            return FS_NAME + ": Bad value for '" + text(key) + "'";
        }

        /** {@code errorfc} of a key that is accepted and ignored: logged, parsing goes on. */
        private void notice(String message) {
            log.fc('e', FS_NAME + ": " + message);
        }

        /** An {@code invalf}/{@code inval_plog}/{@code errorfc} line followed by {@code -EINVAL}. */
        private void fail(String line) {
            if (line.startsWith(FS_NAME + ": Bad value")) {
                Coverage.hit("fs_parse:bad-value");
            }
            log.fc('e', line);
            throw new KernelError(Errno.EINVAL, line);
        }
    }
}
