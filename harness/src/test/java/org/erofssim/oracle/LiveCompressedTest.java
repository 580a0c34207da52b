package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.mount.MountModel;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.testkit.Checkout;
import org.erofssim.testkit.Live;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The running kernel against the model on compressed images (root, erofs loaded; else skipped
 * with a printed reason): for every compressed fixture and for damaged images built here, each
 * path's hash, read error, bytes read before it and FIEMAP extents must be the kernel's, in
 * file-backed and loop-device mode, with the model on the running kernel's profile (6.18).
 *
 * <p>The whole outcome must be the kernel's ({@link OutcomeComparator}), log lines included, in
 * order and number: the model reads compressed files through the kernel's page cache, readahead
 * windows of large folios and read_folio retries ({@code FilemapRead}, {@code Readahead},
 * {@code ZReader}). On a loop device one race remains (a readahead window's bios complete in the
 * loop driver's worker): there the kernel's outcome must be the model's on one side of it
 * ({@link BdevRace}).
 */
@DisplayName("live kernel: compressed files read the same bytes and fail the same way")
@Live
class LiveCompressedTest {
    private static Path work;

    @BeforeAll
    static void setUp() {
        LiveFixtures.assumeLive();
        work = LiveFixtures.workDir();
    }

    @AfterAll
    static void tearDown() {
        if (work != null) {
            LiveFixtures.deleteTree(work);
        }
    }

    static Path fixture(String name) {
        return Checkout.image(name);
    }

    static Scenario scenario(Path image, boolean bdev, String name) {
        String node = bdev ? "\"/dev/loop0\": {\"kind\": \"bdev\", \"image\": \"" + image + "\"}"
                : "\"/srv/a.erofs\": {\"kind\": \"file\", \"image\": \"" + image + "\"}";
        return ScenarioJson.read("""
                {"version": 1, "name": "%s", "kernel": "6.18",
                 "nodes": {%s},
                 "source": "%s", "read": true, "extents": true}""".formatted(name, node,
                bdev ? "/dev/loop0" : "/srv/a.erofs"), image.toAbsolutePath().getParent());
    }

    /** Kernel and model on one image: the same outcome (for a loop device, on one side of its race). */
    static Map<String, TreeEntry> compare(Path image, boolean bdev) {
        Scenario sc = scenario(image, bdev, image.getFileName() + (bdev ? "-bdev" : "-file"));
        LiveFixtures.Leftovers before = LiveFixtures.leftovers();
        MountOutcome kernel = new LiveKernelOracle().observe(sc);
        LiveFixtures.assertReleased(before);
        System.out.println("[live] " + sc.name() + " kernel -> " + OutcomeJson.write(kernel));
        assertThat(kernel).as(kernel.log().toString()).isInstanceOf(MountOutcome.Mounted.class);
        BdevRace.Result r = BdevRace.compare(sc, kernel);
        assertThat(r.differences()).as(sc.name() + ": model " + OutcomeJson.write(MountModel.predict(sc))).isEmpty();
        return byPath(((MountOutcome.Mounted) kernel).tree());
    }

    static Map<String, TreeEntry> byPath(List<TreeEntry> entries) {
        Map<String, TreeEntry> m = new TreeMap<>();
        entries.forEach(e -> m.put(e.path(), e));
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lz4.erofs", "lz4hc.erofs", "lz4-legacy.erofs", "lz4-fullidx.erofs", "lz4hc-pcluster.erofs",
        "ztailpacking.erofs"})
    @DisplayName("every compressed fixture, file-backed and on a loop device")
    void fixtures(String name) {
        for (boolean bdev : List.of(false, true)) {
            Map<String, TreeEntry> k = compare(fixture(name), bdev);
            assertThat(k.get("/text64k").sha256()).isNotNull();
        }
    }

    // ------------------------------------------------------------ images made here

    static byte[] text(int n, long seed) {
        String[] words = {"erofs", "pcluster", "lcluster", "index", "head", "plain", "tail", "kernel", "page\n"};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            sb.append(words[r.nextInt(words.length)]).append(' ');
        }
        return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    /** mkfs.erofs RECIPE of one 300000-byte text file {@code /text}; returns the image. */
    static Path build(String name, String... recipe) {
        try {
            Path src = work.resolve("src-" + name);
            Files.createDirectories(src);
            Files.write(src.resolve("text"), text(300_000, 9));
            Path img = work.resolve(name + ".erofs");
            List<String> args = new ArrayList<>(List.of("--quiet", "-T0"));
            args.addAll(List.of(recipe));
            args.add(img.toString());
            args.add(src.toString());
            ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.MKFS, args, 120);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Extent(long logical, long length, long physical, long plen) {}

    static final Pattern EXT = Pattern.compile(
            "^\\s*\\d+:\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+) :\\s*(\\d+)\\.\\.\\s*(\\d+) \\|\\s*(\\d+)");

    /** dump.erofs -e: the nid and extents of a path. */
    static Map.Entry<Long, List<Extent>> dump(Path img, String path) {
        ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.DUMP, List.of("--path=" + path, "-e", img.toString()), 60);
        Matcher n = Pattern.compile("NID: (\\d+)").matcher(r.stdout());
        assertThat(n.find()).as(r.stdout()).isTrue();
        List<Extent> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            Matcher e = EXT.matcher(line);
            if (e.find()) {
                out.add(new Extent(Long.parseLong(e.group(1)), Long.parseLong(e.group(3)), Long.parseLong(e.group(4)),
                        Long.parseLong(e.group(6))));
            }
        }
        return Map.entry(Long.parseLong(n.group(1)), out);
    }

    static Path save(String name, byte[] bytes) {
        try {
            return Files.write(work.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] le16(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array();
    }

    @Nested
    @DisplayName("damaged images")
    class Damaged {
        @Test
        void corruptStreamsZeroedPclustersAndMissingBlocks() {
            Path img = build("dmg", "-zlz4");
            byte[] bytes = read(img);
            Map.Entry<Long, List<Extent>> d = dump(img, "/text");
            Map<String, Path> images = new LinkedHashMap<>();
            // a match before the output start as the first sequence of pcluster 2
            Extent e2 = d.getValue().get(2);
            int at = (int) e2.physical();
            while (bytes[at] == 0) {
                at++;
            }
            images.put("stream-start", save("stream-start.erofs",
                    ImageEditor.of(bytes).write(at, new byte[] {0, (byte) 0xFF, (byte) 0xFF}).bytes()));
            // 0xFF bytes near the end of pcluster 3: pages before the damage read in read_folio
            Extent e3 = d.getValue().get(3);
            byte[] ff = new byte[16];
            java.util.Arrays.fill(ff, (byte) 0xFF);
            images.put("stream-end", save("stream-end.erofs",
                    ImageEditor.of(bytes).write(e3.physical() + e3.plen() - 40, ff).bytes()));
            // an all-zero pcluster (0padding finds no stream)
            Extent e1 = d.getValue().get(1);
            images.put("zeroed", save("zeroed.erofs",
                    ImageEditor.of(bytes).write(e1.physical(), new byte[(int) e1.plen()]).bytes()));
            // the image cut before its last pcluster
            Extent last = d.getValue().get(d.getValue().size() - 1);
            images.put("cut", save("cut.erofs", java.util.Arrays.copyOf(bytes, (int) last.physical())));
            for (Map.Entry<String, Path> i : images.entrySet()) {
                for (boolean bdev : List.of(false, true)) {
                    Map<String, TreeEntry> k = compare(i.getValue(), bdev);
                    assertThat(k.get("/text").readErrno()).as(i.getKey()).isNotNull();
                }
            }
        }

        @Test
        void damagedIndexes() {
            Path img = build("idx", "-zlz4");
            byte[] bytes = read(img);
            long nid = dump(img, "/text").getKey();
            long header = (nid * 32 + 32 + 7) & ~7L;
            long ebase = header + 8;
            long initial = ((32 - ebase % 32) / 4) & 7;
            assertThat(initial).isGreaterThan(2);
            Map<String, byte[]> images = new LinkedHashMap<>();
            images.put("lcn0-clusterofs", ImageEditor.of(bytes).write(ebase, le16(1 << 12 | 100)).fixChecksum().bytes());
            images.put("delta0-zero", ImageEditor.of(bytes).write(ebase + 8, le16(2 << 12)).fixChecksum().bytes());
            images.put("lzma-unlisted", ImageEditor.of(bytes).write(header + 6, new byte[] {1}).fixChecksum().bytes());
            images.put("unknown-alg", ImageEditor.of(bytes).write(header + 6, new byte[] {7}).fixChecksum().bytes());
            images.put("bigpcl-no-feature", ImageEditor.of(bytes).write(header + 4, le16(0x7)).fixChecksum().bytes());
            for (Map.Entry<String, byte[]> i : images.entrySet()) {
                Path p = save(i.getKey() + ".erofs", i.getValue());
                for (boolean bdev : List.of(false, true)) {
                    Map<String, TreeEntry> k = compare(p, bdev);
                    assertThat(k.get("/text").readErrno()).as(i.getKey()).isNotNull();
                }
            }
        }

        @Test
        void aCompressedSymlinkAndACompressedDirectory() throws IOException {
            Path src = work.resolve("src-special");
            for (int i = 1; i <= 300; i++) {
                Files.createDirectories(src.resolve("d"));
                Files.write(src.resolve(String.format("d/entry-%03d", i)), ("file " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            Files.write(src.resolve("lnk"), "target/".repeat(900).getBytes(StandardCharsets.US_ASCII));
            Files.write(src.resolve("zzz"), new byte[0]);
            Path first = work.resolve("special1.erofs");
            ErofsUtils.run(ErofsUtils.MKFS, List.of("--quiet", "-T0", "-zlz4", first.toString(), src.toString()), 120);
            // the directory /d's bytes (block + inline tail) become the contents of /zzz, same size
            byte[] b1 = read(first);
            long d = dump(first, "/d").getKey();
            ByteBuffer bb = ByteBuffer.wrap(b1).order(ByteOrder.LITTLE_ENDIAN);
            int size = bb.getInt((int) (d * 32 + 8));
            long blk = bb.getInt((int) (d * 32 + 16)) & 0xFFFFFFFFL;
            byte[] raw = new byte[size];
            System.arraycopy(b1, (int) (blk * 4096), raw, 0, 4096);
            System.arraycopy(b1, (int) (d * 32 + 32), raw, 4096, size - 4096);
            Files.write(src.resolve("zzz"), raw);
            Path second = work.resolve("special2.erofs");
            ErofsUtils.run(ErofsUtils.MKFS, List.of("--quiet", "-T0", "-zlz4", second.toString(), src.toString()), 120);
            long zzz = dump(second, "/zzz").getKey();
            long lnk = dump(second, "/lnk").getKey();
            byte[] edited = ImageEditor.of(read(second)).write(zzz * 32 + 4, le16(040755)).write(lnk * 32 + 4, le16(0120777))
                    .fixChecksum().bytes();
            Path p = save("special.erofs", edited);
            for (boolean bdev : List.of(false, true)) {
                Map<String, TreeEntry> k = compare(p, bdev);
                assertThat(k.get("/zzz").type()).isEqualTo("dir");
                assertThat(k).containsKey("/zzz/entry-300");
                assertThat(k.get("/lnk").target()).hasSize(4095);
            }
        }
    }
}
