package org.erofssim.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.mount.MountOptionParserTest.K612;
import static org.erofssim.mount.MountOptionParserTest.K613;
import static org.erofssim.mount.MountOptionParserTest.K618;
import static org.erofssim.mount.MountOptionParserTest.with;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.KernelConfig;
import org.erofssim.kernel.KernelLog;
import org.erofssim.sb.CacheStrategy;
import org.erofssim.sb.Mode;
import org.erofssim.sb.MountOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Spec §8.3: the super options of mountinfo, after the VFS {@code ro}. */
@DisplayName("ShowOptions (spec §8.3)")
class ShowOptionsTest {

    static MountOptions parsed(String options, KernelConfig kernel) {
        return MountOptionParser.parse(options, "/srv/a.erofs", kernel, new KernelLog());
    }

    static String render(String options, Mode mode, KernelConfig kernel) {
        return ShowOptions.render(parsed(options, kernel), mode, kernel);
    }

    @Nested
    @DisplayName("the default line")
    class DefaultLine {
        @ParameterizedTest(name = "{0}")
        @EnumSource(Mode.class)
        @DisplayName("6.18 with no options: ro,user_xattr,acl,cache_strategy=readaround in every mode")
        void default618(Mode mode) {
            assertThat(render(null, mode, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }

        @Test
        @DisplayName("6.13 and 6.12 show the same default line")
        void olderProfiles() {
            assertThat(render(null, Mode.FILEIO, K613)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
            assertThat(render(null, Mode.BDEV, K612)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }
    }

    @Nested
    @DisplayName("order and content of erofs_show_options")
    class Order {
        @Test
        @DisplayName("all items in spec order: xattr, acl, cache_strategy, dax, directio, fsid, domain_id, fsoffset")
        void fullOrder() {
            KernelConfig k = with(K618, ConfigFlag.EROFS_FS_ONDEMAND, true);
            MountOptions o = new MountOptions(false, false, CacheStrategy.READAHEAD, true, true,
                    List.of("/b1"), Optional.of("fs1"), Optional.of("dom"), true, 4096L,
                    Optional.of("/srv/a.erofs"), Map.of());
            assertThat(ShowOptions.render(o, Mode.FILEIO, k)).isEqualTo("ro,nouser_xattr,noacl,"
                    + "cache_strategy=readahead,dax=always,dax=never,directio,fsid=fs1,domain_id=dom,fsoffset=4096");
        }

        @Test
        @DisplayName("negated flags show as nouser_xattr and noacl")
        void negated() {
            assertThat(render("nouser_xattr,noacl", Mode.BDEV, K618))
                    .isEqualTo("ro,nouser_xattr,noacl,cache_strategy=readaround");
        }

        @Test
        @DisplayName("cache_strategy shows the value given")
        void cacheStrategy() {
            assertThat(render("cache_strategy=disabled", Mode.BDEV, K618))
                    .isEqualTo("ro,user_xattr,acl,cache_strategy=disabled");
        }

        @Test
        @DisplayName("device= paths are never shown")
        void devicesHidden() {
            assertThat(render("device=/b1,device=/b2", Mode.BDEV, K618))
                    .isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }
    }

    @Nested
    @DisplayName("CONFIG switched off")
    class ConfigOff {
        @Test
        @DisplayName("without XATTR neither the xattr flag nor the acl flag is shown")
        void noXattr() {
            assertThat(render(null, Mode.BDEV, with(K618, ConfigFlag.EROFS_FS_XATTR, false)))
                    .isEqualTo("ro,cache_strategy=readaround");
        }

        @Test
        @DisplayName("without POSIX_ACL the acl flag is not shown")
        void noAcl() {
            assertThat(render(null, Mode.BDEV, with(K618, ConfigFlag.EROFS_FS_POSIX_ACL, false)))
                    .isEqualTo("ro,user_xattr,cache_strategy=readaround");
        }

        @Test
        @DisplayName("without ZIP cache_strategy is not shown")
        void noZip() {
            assertThat(render(null, Mode.BDEV, with(K618, ConfigFlag.EROFS_FS_ZIP, false)))
                    .isEqualTo("ro,user_xattr,acl");
        }

        @Test
        @DisplayName("without ONDEMAND fsid and domain_id are never shown")
        void noOndemand() {
            MountOptions o = new MountOptions(true, true, CacheStrategy.READAROUND, false, false, List.of(),
                    Optional.of("fs1"), Optional.of("dom"), false, 0L, Optional.empty(), Map.of());
            assertThat(ShowOptions.render(o, Mode.BDEV, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }

        @Test
        @DisplayName("with ONDEMAND parsed fsid and domain_id are shown")
        void ondemand() {
            KernelConfig k = with(K618, ConfigFlag.EROFS_FS_ONDEMAND, true);
            assertThat(render("fsid=abc,domain_id=d", Mode.FSCACHE, k))
                    .isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,fsid=abc,domain_id=d");
        }
    }

    @Nested
    @DisplayName("dax flags as fill_super left them")
    class Dax {
        @Test
        @DisplayName("dax=always and dax=never show when set")
        void shown() {
            assertThat(render("dax", Mode.BDEV, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,dax=always");
            assertThat(render("dax=never", Mode.BDEV, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,dax=never");
        }

        @Test
        @DisplayName("a dax=always that fill_super cleared is not shown")
        void clearedByFillSuper() {
            MountOptions o = parsed("dax=always", K618).withDaxAlways(false);
            assertThat(ShowOptions.render(o, Mode.FILEIO, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }
    }

    @Nested
    @DisplayName("directio (6.13-rc4+, fileio only)")
    class Directio {
        @Test
        @DisplayName("6.18 and 6.13 in fileio mode: shown after the dax flags")
        void fileio() {
            assertThat(render("directio", Mode.FILEIO, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,directio");
            assertThat(render("dax=never,directio", Mode.FILEIO, K613))
                    .isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,dax=never,directio");
        }

        @Test
        @DisplayName("never shown in bdev mode")
        void bdev() {
            assertThat(render("directio", Mode.BDEV, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }

        @Test
        @DisplayName("nodirectio shows nothing")
        void cleared() {
            assertThat(render("directio,nodirectio", Mode.FILEIO, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }

        @Test
        @DisplayName("6.12 never shows it, whatever the options hold")
        void profile612() {
            MountOptions o = new MountOptions(true, true, CacheStrategy.READAROUND, false, false, List.of(),
                    Optional.empty(), Optional.empty(), true, 0L, Optional.empty(), Map.of());
            assertThat(ShowOptions.render(o, Mode.FILEIO, K612)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }
    }

    @Nested
    @DisplayName("fsoffset (6.16+, non-zero)")
    class Fsoffset {
        @Test
        @DisplayName("6.18: shown last, in decimal even when given in hex")
        void shownDecimal() {
            assertThat(render("fsoffset=0x2000,directio", Mode.FILEIO, K618))
                    .isEqualTo("ro,user_xattr,acl,cache_strategy=readaround,directio,fsoffset=8192");
        }

        @Test
        @DisplayName("zero is not shown")
        void zero() {
            assertThat(render("fsoffset=0", Mode.BDEV, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }

        @Test
        @DisplayName("a u64 above 2^63 prints unsigned (%llu)")
        void unsigned() {
            MountOptions o = parsed("fsoffset=18446744073709547520", K618);
            assertThat(ShowOptions.render(o, Mode.BDEV, K618)).endsWith(",fsoffset=18446744073709547520");
        }

        @Test
        @DisplayName("6.13 has no fsoffset and never shows one")
        void profile613() {
            MountOptions o = new MountOptions(true, true, CacheStrategy.READAROUND, false, false, List.of(),
                    Optional.empty(), Optional.empty(), false, 4096L, Optional.empty(), Map.of());
            assertThat(ShowOptions.render(o, Mode.BDEV, K613)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }
    }

    @Nested
    @DisplayName("the VFS part before erofs's options")
    class VfsPart {
        @Test
        @DisplayName("always ro, even after rw in the options (fill_super forces SB_RDONLY)")
        void alwaysRo() {
            assertThat(render("rw", Mode.BDEV, K618)).startsWith("ro,");
        }

        @Test
        @DisplayName("sync, dirsync, mand, lazytime set by the options follow ro in show_sb_opts order")
        void sbOpts() {
            assertThat(render("lazytime,mand,dirsync,sync", Mode.BDEV, K618))
                    .isEqualTo("ro,sync,dirsync,mand,lazytime,user_xattr,acl,cache_strategy=readaround");
        }

        @Test
        @DisplayName("cleared flags show nothing")
        void cleared() {
            assertThat(render("sync,async", Mode.BDEV, K618)).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        }
    }
}
