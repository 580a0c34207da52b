package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsers of dump.erofs 1.5 output, on text captured from 1.5 on this machine. */
class DumpErofsTest {

    static final String SUPERBLOCK = """
            Filesystem magic number:                      0xE0F5E1E2
            Filesystem blocks:                            27
            Filesystem inode metadata start block:        0
            Filesystem shared xattr metadata start block: 0
            Filesystem root nid:                          36
            Filesystem inode count:                       8
            Filesystem created:                           Thu Jan  1 00:00:00 1970
            Filesystem features:                          sb_csum mtime\s
            Filesystem UUID:                              ef7f8e04-e3c3-4cf7-98cf-1650cb0265f2
            """;

    @Test
    void superblock() {
        DumpErofs.SuperblockInfo s = DumpErofs.parseSuperblock(SUPERBLOCK);
        assertThat(s).isEqualTo(new DumpErofs.SuperblockInfo(0xE0F5E1E2L, 27, 0, 0, 36, 8, 0,
                List.of("sb_csum", "mtime"), "ef7f8e04-e3c3-4cf7-98cf-1650cb0265f2"));
    }

    @Test
    void superblockBuildTimeIsReadInUtc() {
        String t = SUPERBLOCK.replace("Thu Jan  1 00:00:00 1970", "Tue Nov 14 22:13:20 2023");
        assertThat(DumpErofs.parseSuperblock(t).created()).isEqualTo(1_700_000_000L);
    }

    @Test
    void superblockWithoutFeaturesOrLines() {
        DumpErofs.SuperblockInfo s = DumpErofs.parseSuperblock(SUPERBLOCK.replace("sb_csum mtime ", ""));
        assertThat(s.features()).isEmpty();
        assertThatThrownBy(() -> DumpErofs.parseSuperblock("")).isInstanceOf(DumpErofs.DumpFailed.class)
                .hasMessageContaining("magic number");
    }

    @Test
    void stats() {
        String text = """
                Filesystem total file count:\t\t9
                Filesystem unknown type count:\t\t0
                Filesystem regular file count:\t\t4
                Filesystem directory count:\t\t2
                Filesystem char dev count:\t\t1
                Filesystem block dev count:\t\t0
                Filesystem FIFO file count:\t\t1
                Filesystem SOCK file count:\t\t0
                Filesystem symlink file count:\t\t1
                Filesystem compressed files:            0
                Filesystem uncompressed files:          9
                Filesystem total original file size:    105013 Bytes
                Filesystem total file size:             105013 Bytes
                Filesystem compress rate:               100.00%
                """;
        assertThat(DumpErofs.parseStats(text)).isEqualTo(new DumpErofs.Stats(9, 0, 4, 2, 1, 0, 1, 0, 1, 0, 9, 105013, 105013));
    }

    static final String DIR = "File : /d\n"
            + "Size: 42  On-disk size: 42  directory\n"
            + "NID: 44   Links: 2   Layout: 2   Compression ratio: 100.00%\n"
            + "Inode size: 32   Extent size: 0   Xattr size: 20\n"
            + "Uid: 0   Gid: 0  Access: 0755/rwxr-xr-x\n"
            + "Timestamp: 1970-01-01 00:00:00.000000000\n"
            + "\n       NID TYPE  FILENAME\n"
            + "        44    2  .\n"
            + "        36    2  ..\n"
            + "        47    1  big\n"
            + "        48    1  x\ny\n"
            + "        49    7  \u00ff\n"
            + "\n Ext:   logical offset   |  length :     physical offset    |  length\n"
            + "   0:        0..      42 |      42 :       1460..      1502 |      42\n"
            + "   1:       42..    4096 |    4054 :          0..      4054 |    4054  # device 1\n"
            + "/d: 2 extents found\n";

    @Test
    void inodeWithListingAndExtents() {
        List<byte[]> names = List.of("big".getBytes(StandardCharsets.US_ASCII), "x\ny".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xff}, new byte[] {'x'});
        DumpErofs.InodeInfo i = DumpErofs.parseInode(DIR, names);
        assertThat(i.size()).isEqualTo(42);
        assertThat(i.type()).isEqualTo("directory");
        assertThat(i.nid()).isEqualTo(44);
        assertThat(i.links()).isEqualTo(2);
        assertThat(i.layout()).isEqualTo(2);
        assertThat(i.xattrSize()).isEqualTo(20);
        assertThat(i.access()).isEqualTo(0755);
        assertThat(i.mtime()).isZero();
        assertThat(i.dirents()).containsExactly(
                new DumpErofs.Dirent(44, 2, new byte[] {'.'}),
                new DumpErofs.Dirent(36, 2, new byte[] {'.', '.'}),
                new DumpErofs.Dirent(47, 1, "big".getBytes(StandardCharsets.US_ASCII)),
                new DumpErofs.Dirent(48, 1, "x\ny".getBytes(StandardCharsets.US_ASCII)),
                new DumpErofs.Dirent(49, 7, new byte[] {(byte) 0xff}));
        assertThat(i.extents()).containsExactly(new DumpErofs.Extent(0, 42, 42, 1460, 1502, 42, 0),
                new DumpErofs.Extent(42, 4096, 4054, 0, 4054, 4054, 1));
    }

    @Test
    void pathLineMayLookLikeAnything() {
        String tricky = "File : /a\nSize: 1  On-disk size: 1  regular file\nfake\n" + DIR.substring(DIR.indexOf('\n') + 1);
        assertThat(DumpErofs.parseInode(tricky, List.of()).nid()).isEqualTo(44);
    }

    @Test
    void timestampsWithNanoseconds() {
        String t = DIR.replace("1970-01-01 00:00:00.000000000", "2023-11-14 22:13:20.000000005");
        DumpErofs.InodeInfo i = DumpErofs.parseInode(t, List.of());
        assertThat(i.mtime()).isEqualTo(1_700_000_000L);
        assertThat(i.mtimeNsec()).isEqualTo(5);
    }

    @Test
    void notAnInode() {
        assertThatThrownBy(() -> DumpErofs.parseInode("", List.of())).isInstanceOf(DumpErofs.DumpFailed.class);
    }

    @Test
    void namesEscapeAndRenderAsDocumented() {
        byte[] n = {'a', '\n', (byte) 0xff, '\\'};
        assertThat(Names.escape(n)).isEqualTo("a\\x0a\\xff\\\\");
        assertThat(Names.unescape(Names.escape(n))).isEqualTo(n);
        assertThat(Names.render(n)).isEqualTo("a\n\uFFFD\\");
        assertThat(Names.path(List.of())).isEqualTo("/");
        assertThat(Names.isUtf8("é".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Names.isUtf8(new byte[] {(byte) 0xc3})).isFalse();
    }
}
