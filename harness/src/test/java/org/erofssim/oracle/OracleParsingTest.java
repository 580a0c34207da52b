package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The oracle's parsers and encoders that need no root: kmsg records, mountinfo lines, makedev. */
@DisplayName("Live oracle parsing (no root needed)")
class OracleParsingTest {

    @Test
    @DisplayName("a /dev/kmsg record: level from prio, sequence, message without the dictionary lines")
    void kmsgRecord() {
        Kmsg.Record r = Kmsg.parse(("3,5012,123456789,-;erofs (device erofs): cannot find valid erofs superblock\n"
                + " SUBSYSTEM=block\n DEVICE=b7:0\n").getBytes(StandardCharsets.UTF_8));
        assertThat(r).isEqualTo(new Kmsg.Record(3, 5012, "erofs (device erofs): cannot find valid erofs superblock"));
        assertThat(Kmsg.parse("14,1,0,c;No source specified\n".getBytes(StandardCharsets.UTF_8)).level()).isEqualTo(6);
        assertThat(Kmsg.parse("garbage".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    @DisplayName("kmsg \\xNN escapes are undone (UTF-8 names survive)")
    void kmsgEscapes() {
        assertThat(Kmsg.unescape("/tmp/a\\x0ab: Can't lookup blockdev")).isEqualTo("/tmp/a\nb: Can't lookup blockdev");
        assertThat(Kmsg.unescape("caf\\xc3\\xa9")).isEqualTo("café");
        assertThat(Kmsg.unescape("trailing \\x4")).isEqualTo("trailing \\x4");
    }

    @Test
    @DisplayName("a mountinfo line with optional fields and an escaped mount point")
    void mountinfoLine() {
        MountInfo m = MountInfo.parseLine("97 26 0:39 / /tmp/erofs-sim-live-1/mnt/a\\040b ro,relatime shared:5 - erofs "
                + "/tmp/x/plain.erofs ro,user_xattr,acl,cache_strategy=readaround");
        assertThat(m.dev()).isEqualTo("0:39");
        assertThat(m.mountPoint()).isEqualTo("/tmp/erofs-sim-live-1/mnt/a b");
        assertThat(m.mountOptions()).isEqualTo("ro,relatime");
        assertThat(m.fsType()).isEqualTo("erofs");
        assertThat(m.source()).isEqualTo("/tmp/x/plain.erofs");
        assertThat(m.superOptions()).isEqualTo("ro,user_xattr,acl,cache_strategy=readaround");
        assertThat(MountInfo.parse(List.of("nonsense"))).isEmpty();
    }

    @Test
    @DisplayName("under(): a folder and what is below it, not its siblings with a longer name")
    void under() {
        assertThat(MountInfo.under("/tmp/a", "/tmp/a")).isTrue();
        assertThat(MountInfo.under("/tmp/a/b", "/tmp/a")).isTrue();
        assertThat(MountInfo.under("/tmp/ab", "/tmp/a")).isFalse();
    }

    @Test
    @DisplayName("glibc makedev: 7:3, and a minor above 255")
    void makedev() {
        assertThat(Syscalls.makedev(7, 3)).isEqualTo(0x703L);
        assertThat(Syscalls.makedev(259, 0x12345)).isEqualTo(((0x12345L & 0xffffff00L) << 12) | (259L << 8) | 0x45L);
    }
}
