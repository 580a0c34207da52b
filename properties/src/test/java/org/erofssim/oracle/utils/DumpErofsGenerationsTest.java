package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dump.erofs and fsck.erofs parsers on every output generation: text captured from erofs-utils 1.5
 * (Debian bookworm), 1.8.6 and 1.9.4 on the same image ({@code src/test/resources/dump-erofs/}, made by
 * its {@code capture.sh}), and live runs of each release present on this machine on a fresh image.
 */
@DisplayName("dump.erofs and fsck.erofs parsers read the 1.5, 1.8 and 1.9 output generations")
class DumpErofsGenerationsTest {
    static final String[] VERSIONS = {"1.5", "1.8.6", "1.9.4"};

    static String captured(String name) throws IOException {
        try (InputStream in = DumpErofsGenerationsTest.class.getResourceAsStream("/dump-erofs/" + name)) {
            assertThat(in).as("captured output %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    @DisplayName("-s -S of one 1.5 image: the same superblock and statistics from all three generations")
    void superblockAndStatsOfEachGeneration() throws IOException {
        Map<String, DumpErofs.Format> format = Map.of("1.5", DumpErofs.Format.V1_5, "1.8.6", DumpErofs.Format.V1_8,
                "1.9.4", DumpErofs.Format.V1_9);
        Map<String, List<String>> features = Map.of("1.5", List.of("sb_csum", "mtime", "0padding"),
                "1.8.6", List.of("sb_csum", "mtime", "0padding"), "1.9.4", List.of("sb_csum", "mtime", "lz4_0padding"));
        DumpErofs.Stats first = null;
        for (String v : VERSIONS) {
            String text = captured("a-" + v + "-s-S.txt");
            DumpErofs.SuperblockInfo s = DumpErofs.parseSuperblock(text);
            assertThat(s.format()).as(v).isEqualTo(format.get(v));
            assertThat(s.magic()).as(v).isEqualTo(0xE0F5E1E2L);
            assertThat(s.blocks()).as(v).isEqualTo(4);
            assertThat(s.rootNid()).as(v).isEqualTo(36);
            assertThat(s.inos()).as(v).isEqualTo(5);
            assertThat(s.created()).as(v).isZero();
            assertThat(s.uuid()).as(v).isEqualTo("ef7f8e04-e3c3-4cf7-98cf-1650cb0265f2");
            assertThat(s.features()).as(v).isEqualTo(features.get(v));
            assertThat(s.blockSize()).as(v).isEqualTo(v.equals("1.5") ? -1 : 4096);
            DumpErofs.Stats st = DumpErofs.parseStats(text);
            assertThat(st.regular()).as(v).isEqualTo(2);
            assertThat(st.compressedFiles()).as(v).isEqualTo(1);
            if (first == null) {
                first = st;
            }
            assertThat(st).as("-S of %s", v).isEqualTo(first);
        }
    }

    @Test
    @DisplayName("--nid --ls and --path -e: the same inode, entries and extents (1.8 and 1.9 print no Extent size)")
    void inodesOfEachGeneration() throws IOException {
        for (String v : VERSIONS) {
            DumpErofs.InodeInfo root = DumpErofs.parseInode(captured("a-" + v + "-nid36-ls.txt"), List.of());
            assertThat(root.nid()).as(v).isEqualTo(36);
            assertThat(root.type()).as(v).isEqualTo("directory");
            assertThat(root.size()).as(v).isEqualTo(66);
            assertThat(root.links()).as(v).isEqualTo(3);
            assertThat(root.access()).as(v).isEqualTo(0755);
            assertThat(root.extentSize()).as(v).isEqualTo(v.equals("1.5") ? 0 : -1);
            assertThat(root.dirents()).as(v).extracting(DumpErofs.Dirent::toString)
                    .containsExactly("36 2 .", "36 2 ..", "40 1 a", "42 2 d", "47 7 l");
            DumpErofs.InodeInfo a = DumpErofs.parseInode(captured("a-" + v + "-path-a-e.txt"), List.of());
            assertThat(a.nid()).as(v).isEqualTo(40);
            assertThat(a.size()).as(v).isEqualTo(13893);
            assertThat(a.onDiskSize()).as(v).isEqualTo(12288);
            assertThat(a.layout()).as(v).isEqualTo(3);
            assertThat(a.extents()).as(v).containsExactly(new DumpErofs.Extent(0, 4280, 4280, 4096, 8192, 4096, 0),
                    new DumpErofs.Extent(4280, 9391, 5111, 8192, 12288, 4096, 0),
                    new DumpErofs.Extent(9391, 13893, 4502, 12288, 16384, 4096, 0));
        }
    }

    @Test
    @DisplayName("a 1.9 image (-b1024 -zlzma -E48bit,fragments): 1.9 feature words, block size, a fragment extent")
    void modernImage() throws IOException {
        DumpErofs.SuperblockInfo s = DumpErofs.parseSuperblock(captured("b-1.9.4-s.txt"));
        assertThat(s.format()).isEqualTo(DumpErofs.Format.V1_9);
        assertThat(s.blockSize()).isEqualTo(1024);
        assertThat(s.rootNid()).isEqualTo(37);
        assertThat(s.features()).containsExactly("sb_csum", "mtime", "lz4_0padding", "compr_cfgs", "big_pcluster",
                "fragments", "dedupe", "48bit");
        DumpErofs.InodeInfo a = DumpErofs.parseInode(captured("b-1.9.4-path-a-e.txt"), List.of());
        assertThat(a.layout()).isEqualTo(1);
        assertThat(a.extents()).containsExactly(new DumpErofs.Extent(0, 11081, 11081, 2048, 3072, 1024, 0),
                new DumpErofs.Extent(11081, 13893, 2812, 0, 0, 0, 0));
    }

    @Test
    @DisplayName("fsck.erofs's bad-checksum line: 1.5/1.8 'saved(...h) calculated(...h)' and 1.9 'invalid checksum ... expected'")
    void fsckChecksumOfEachGeneration() throws IOException {
        for (String v : VERSIONS) {
            assertThat(FsckErofs.checksumMismatch(captured("bad-" + v + "-fsck.txt"))).as(v)
                    .contains(new FsckErofs.ChecksumMismatch(0xcaf17b6fL, 0xcaf17b6eL));
        }
        assertThat(FsckErofs.checksumMismatch("<E> erofs: failed to read superblock")).isEmpty();
    }

    /** The dump.erofs of each release present here: the system's (1.5) and the cached modern builds. */
    static Map<String, Path> dumps() {
        Map<String, Path> out = new LinkedHashMap<>();
        if (ErofsUtils.require(ErofsUtils.DUMP)) {
            out.put("system", ErofsUtils.find(ErofsUtils.DUMP).get());
        }
        Optional<Path> modern = ErofsUtils.requireModern(ErofsUtils.DUMP);
        modern.ifPresent(p -> out.put(ErofsUtils.MODERN_VERSION, p));
        Optional<Path> old = ErofsUtils.release("1.8.6");
        if (old.isPresent()) {
            out.put("1.8.6", old.get().resolve("bin").resolve(ErofsUtils.DUMP));
        } else {
            System.out.println("SKIPPED: erofs-utils 1.8.6 not built here (.ci/build-erofs-utils 1.8.6): its dump.erofs is not run");
        }
        return out;
    }

    @Test
    @DisplayName("live: every dump.erofs present parses to the ondisk decode of a fresh image (SuperblockOracle, per generation)")
    void liveRunsOfEachRelease(@TempDir Path dir) throws IOException {
        if (!ErofsUtils.require(ErofsUtils.MKFS)) {
            return; // printed SKIPPED with the reason
        }
        Map<String, Path> dumps = dumps();
        if (dumps.size() < 2) {
            System.out.println("SKIPPED: fewer than two dump.erofs generations here: " + dumps.keySet());
            return;
        }
        Path src = Files.createDirectories(dir.resolve("src/d"));
        Files.writeString(src.resolve("f"), "x".repeat(9000));
        Files.createSymbolicLink(dir.resolve("src/l"), Path.of("d/f"));
        List<Path> images = new ArrayList<>();
        Mkfs.Built b = Mkfs.build(dir.resolve("src"), MkfsOptions.defaults().withCompression(MkfsOptions.Compression.LZ4HC, 9, 0),
                dir.resolve("a")).orThrow();
        images.add(b.image());
        Path modernImage = null;
        if (dumps.containsKey(ErofsUtils.MODERN_VERSION)) {
            // a 1.9 image only 1.9's dump.erofs reads: its own feature words and block size against the decode
            modernImage = dir.resolve("b.erofs");
            Path mkfs = ErofsUtils.modern().get().resolve("bin").resolve(ErofsUtils.MKFS);
            UtilsProcess.runProgram(mkfs.toString(), List.of("--quiet", "-T0", "-U" + MkfsOptions.DEFAULT_UUID, "-b1024",
                    "-zlzma", "-E48bit,fragments,ztailpacking", modernImage.toString(), dir.resolve("src").toString()),
                    Map.of()).orThrow();
            images.add(modernImage);
        }
        for (Path image : images) {
            SuperblockOracle.Decoded decoded = SuperblockOracle.decode(image);
            Long root = null;
            for (Map.Entry<String, Path> d : dumps.entrySet()) {
                if (image.equals(modernImage) && !d.getKey().equals(ErofsUtils.MODERN_VERSION)) {
                    continue;
                }
                UtilsProcess.Result r = UtilsProcess.runProgram(d.getValue().toString(), List.of("-s", "-S", image.toString()),
                        Map.of()).orThrow();
                DumpErofs.SuperblockInfo s = DumpErofs.parseSuperblock(r.out());
                assertThat(SuperblockOracle.compare(s, decoded)).as("dump.erofs %s -s vs the ondisk decode", d.getKey()).isEmpty();
                DumpErofs.parseStats(r.out());
                root = s.rootNid();
                UtilsProcess.Result n = UtilsProcess.runProgram(d.getValue().toString(),
                        List.of("--nid=" + root, "--ls", image.toString()), Map.of()).orThrow();
                DumpErofs.InodeInfo i = DumpErofs.parseInode(n.outLatin1(), List.of());
                assertThat(i.nid()).as(d.getKey()).isEqualTo(root);
                assertThat(i.dirents()).as(d.getKey()).extracting(DumpErofs.Dirent::toString).contains(root + " 2 .");
                assertThat(i.dirents()).as(d.getKey()).hasSize(4);
            }
        }
    }
}
