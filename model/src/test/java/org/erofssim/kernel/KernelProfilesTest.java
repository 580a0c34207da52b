package org.erofssim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KernelProfiles")
class KernelProfilesTest {
    @Test
    @DisplayName("a running kernel's uname -r selects the profile of its major.minor")
    void forRelease() {
        assertThat(KernelProfiles.forRelease("6.18.44-fc-v782")).map(KernelProfile::name).contains("6.18");
        assertThat(KernelProfiles.forRelease("6.13.0-rc4")).map(KernelProfile::name).contains("6.13");
        assertThat(KernelProfiles.forRelease("6.1.0-28-amd64")).isEmpty();
        assertThat(KernelProfiles.forRelease("garbage")).isEmpty();
    }

    @Test
    @DisplayName("supported incompat masks are 0x7F before 6.15, 0x1FF with 48-bit and metabox (spec §1.3)")
    void incompatMasks() {
        assertThat(KernelProfiles.byName("6.13").orElseThrow().supportedIncompat()).isEqualTo(0x7F);
        assertThat(KernelProfiles.byName("6.18").orElseThrow().supportedIncompat()).isEqualTo(0x1FF);
    }

    @Test
    @DisplayName("the newest profile is the default, and CONFIG overrides keep POSIX_ACL off without XATTR")
    void config() {
        assertThat(KernelProfiles.newest().name()).isEqualTo("6.18");
        KernelConfig kc = new KernelConfig(KernelProfiles.newest(), java.util.Map.of(ConfigFlag.EROFS_FS_XATTR, false));
        assertThat(kc.enabled(ConfigFlag.EROFS_FS_POSIX_ACL)).isFalse();
        assertThat(kc.enabled(ConfigFlag.EROFS_FS_BACKED_BY_FILE)).isTrue();
        assertThat(kc.enabled(ConfigFlag.EROFS_FS_ONDEMAND)).isFalse();
    }
}
