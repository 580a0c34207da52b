package org.erofssim.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.erofssim.testing.ErofsImages.dump;
import static org.erofssim.testing.ErofsImages.mkfs;
import static org.erofssim.testing.ErofsImages.noise;
import static org.erofssim.testing.ErofsImages.sha256;
import static org.erofssim.testing.ErofsImages.write;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.erofssim.block.BackingFs;
import org.erofssim.block.Faults;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.TreeEntry;
import org.erofssim.mount.MountModel;
import org.erofssim.ondisk.ImageEditor;
import org.erofssim.testing.ErofsImages;
import org.erofssim.testing.ZTrees;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TreeWalk walks a mounted tree as the harness does and matches the tree mkfs.erofs was given")
class TreeWalkTest {
    @TempDir static Path tmp;
    static Path tree;
    static Map<String, Expected> expected;
    static final byte[] BIG = noise(300_000, 7);

    /** What the input tree says about one path. */
    record Expected(String type, String mode, long uid, long gid, long size, long nlink, String rdev,
                    String sha256, String target, Map<String, String> userXattrs) {}

    /**
     * The input tree, made without root and without tools beyond erofs-utils and coreutils:
     * user xattrs through {@link UserDefinedFileAttributeView}. Device nodes and files owned by
     * another user need root: those are the harness's root oracle test {@code PrivilegedTreeTest}.
     */
    @BeforeAll static void input() throws Exception {
        ErofsImages.assumeMkfs();
        tree = tmp.resolve("tree");
        write(tree.resolve("a.txt"), "hello\n".getBytes(StandardCharsets.US_ASCII));
        write(tree.resolve("big"), BIG);
        write(tree.resolve("f0"), new byte[0]);
        write(tree.resolve("f4096"), noise(4096, 8));
        write(tree.resolve("f4097"), noise(4097, 9));
        write(tree.resolve("hard1"), noise(5000, 10));
        Files.createDirectories(tree.resolve("sub/deep"));
        Files.createLink(tree.resolve("sub/hard2"), tree.resolve("hard1"));
        write(tree.resolve("sub/deep/leaf"), "leaf\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 300; i++) {
            write(tree.resolve(String.format("many/entry-%03d", i)), new byte[] {(byte) i});
        }
        Files.createDirectories(tree.resolve("empty"));
        Files.createSymbolicLink(tree.resolve("fast"), Path.of("a.txt"));
        Files.createSymbolicLink(tree.resolve("slow"), Path.of("x".repeat(4090)));
        ErofsImages.run(List.of("mkfifo", tree.resolve("fifo").toString()));
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(tree.resolve("sock")));
        }
        Files.setPosixFilePermissions(tree.resolve("a.txt"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(tree.resolve("big"), PosixFilePermissions.fromString("rwxr-xr-x"));
        ErofsImages.run(List.of("chmod", "1777", tree.resolve("empty").toString()));
        Files.getFileAttributeView(tree.resolve("a.txt"), UserDefinedFileAttributeView.class)
                .write("k", ByteBuffer.wrap("v1".getBytes(StandardCharsets.UTF_8)));
        Files.getFileAttributeView(tree.resolve("sub"), UserDefinedFileAttributeView.class)
                .write("d", ByteBuffer.wrap("dir".getBytes(StandardCharsets.UTF_8)));
        expected = describe(tree);
    }

    /** The input tree as lstat, readlink, read and the user xattrs see it, by image path. */
    static Map<String, Expected> describe(Path root) throws IOException {
        Map<String, Expected> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                String type = switch (mode & 0170000) {
                    case 0100000 -> "file";
                    case 0040000 -> "dir";
                    case 0120000 -> "symlink";
                    case 0020000 -> "chr";
                    case 0060000 -> "blk";
                    case 0010000 -> "fifo";
                    default -> "sock";
                };
                String rel = root.relativize(p).toString();
                String path = rel.isEmpty() ? "/" : "/" + rel;
                long rdev = (Long) a.get("rdev");
                String dev = type.equals("chr") || type.equals("blk")
                        ? (((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL)) + ":" + ((rdev & 0xff) | ((rdev >> 12) & ~0xffL))
                        : null;
                byte[] data = type.equals("file") ? Files.readAllBytes(p) : null;
                String target = type.equals("symlink") ? Files.readSymbolicLink(p).toString() : null;
                out.put(path, new Expected(type, String.format("%04o", mode & 07777), (Integer) a.get("uid"),
                        (Integer) a.get("gid"), (Long) a.get("size"), (Integer) a.get("nlink"), dev,
                        data == null ? null : sha256(data), target, userXattrs(p, type)));
            }
        }
        return out;
    }

    static Map<String, String> userXattrs(Path p, String type) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (!type.equals("file") && !type.equals("dir")) {
            return out;
        }
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        for (String name : v.list()) {
            ByteBuffer b = ByteBuffer.allocate(v.size(name));
            v.read(name, b);
            out.put("user." + name, Base64.getEncoder().encodeToString(b.array()));
        }
        return out;
    }

    static List<TreeEntry> walk(Scenario sc) {
        MountOutcome o = MountModel.predict(sc);
        assertThat(o).as("log " + o.log()).isInstanceOf(MountOutcome.Mounted.class);
        return ((MountOutcome.Mounted) o).tree();
    }

    static Map<String, TreeEntry> byPath(List<TreeEntry> entries) {
        Map<String, TreeEntry> m = new LinkedHashMap<>();
        entries.forEach(e -> m.put(e.path(), e));
        return m;
    }

    /** Checks every entry of the walk against the input tree. */
    static void matchesInput(List<TreeEntry> walked, String what) {
        Map<String, TreeEntry> got = byPath(walked);
        assertThat(got.keySet()).as(what).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, Expected> x : expected.entrySet()) {
            TreeEntry e = got.get(x.getKey());
            Expected want = x.getValue();
            String as = what + " " + x.getKey();
            assertThat(e.type()).as(as).isEqualTo(want.type());
            assertThat(e.mode()).as(as).isEqualTo(want.mode());
            assertThat(e.uid()).as(as).isEqualTo(want.uid());
            assertThat(e.gid()).as(as).isEqualTo(want.gid());
            assertThat(e.nlink()).as(as).isEqualTo(want.nlink());
            assertThat(e.mtime()).as(as + " (-T0)").isZero();
            assertThat(e.rdev()).as(as).isEqualTo(want.rdev());
            assertThat(e.target()).as(as).isEqualTo(want.target());
            assertThat(e.readErrno()).as(as).isNull();
            assertThat(e.xattrs()).as(as).isEqualTo(want.userXattrs());
            if (!want.type().equals("dir")) {
                assertThat(e.size()).as(as).isEqualTo(want.size());
            }
            if (want.type().equals("file")) {
                assertThat(e.sha256()).as(as).isEqualTo(want.sha256());
                assertThat(e.readOkBytes()).as(as).isEqualTo(want.size());
                assertThat(e.blocks()).as(as).isEqualTo((want.size() + 4095) / 4096 * 8);
            } else {
                assertThat(e.sha256()).as(as).isNull();
            }
            assertThat(e.notes()).as(as).isEmpty();
        }
    }

    @Nested
    @DisplayName("good images")
    class GoodImages {
        @Test void everyUncompressedLayoutWalksToTheInputTreeInBothModesAndProfiles() {
            List<List<String>> recipes = List.of(List.of(), List.of("-Enoinline_data"), List.of("--chunksize=4096"),
                    List.of("--chunksize=8192"), List.of("-Eforce-inode-extended"));
            for (List<String> recipe : recipes) {
                Path img = mkfs(tmp.resolve("img" + recipe.hashCode() + ".erofs"), tree, recipe.toArray(new String[0]));
                byte[] bytes = ErofsImages.read(img);
                for (String k : List.of("6.13", "6.18")) {
                    matchesInput(walk(ErofsImages.fileMount(k, bytes, Faults.NONE, null, true)), recipe + " fileio " + k);
                    matchesInput(walk(ErofsImages.bdevMount(k, bytes, Faults.NONE, null, true)), recipe + " bdev " + k);
                }
            }
        }

        @Test void compressedFilesHashToTheBytesMkfsWasGiven() {
            Path ztree = tmp.resolve("ztree");
            byte[] text = "compress me please\n".repeat(5000).getBytes(StandardCharsets.US_ASCII);
            write(ztree.resolve("text"), text);
            Path img = mkfs(tmp.resolve("lz4.erofs"), ztree, "-zlz4");
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount("6.18", ErofsImages.read(img), Faults.NONE, null, true));
            TreeEntry e = byPath(m.tree()).get("/text");
            assertThat(e.sha256()).isEqualTo(sha256(text));
            assertThat(e.readErrno()).isNull();
            assertThat(e.readOkBytes()).isEqualTo(text.length);
            assertThat(e.notes()).isEmpty();
            assertThat(e.size()).isEqualTo(19 * 5000);
        }

        @Test void inodeNumbersAreTheNidsDumpErofsShowsAndHardLinksShareOne() {
            Path img = mkfs(tmp.resolve("nids.erofs"), tree);
            Map<String, TreeEntry> got = byPath(walk(ErofsImages.fileMount("6.18", ErofsImages.read(img), Faults.NONE, null, true)));
            for (String p : List.of("/", "/a.txt", "/sub/deep/leaf", "/many/entry-299", "/slow")) {
                assertThat(got.get(p).ino()).as(p).isEqualTo(dump(img, p).nid());
            }
            assertThat(got.get("/hard1").ino()).isEqualTo(got.get("/sub/hard2").ino());
        }

        @Test void entriesAreSortedByPathWithTheRootFirst() {
            Path img = mkfs(tmp.resolve("sorted.erofs"), tree);
            List<String> paths = walk(ErofsImages.fileMount("6.13", ErofsImages.read(img), Faults.NONE, null, true))
                    .stream().map(TreeEntry::path).toList();
            assertThat(paths.get(0)).isEqualTo("/");
            assertThat(paths.subList(1, paths.size())).isSorted();
        }

        @Test void aMultiDeviceImageWalksLikeFsckErofsExtractsIt() throws IOException {
            Path blob = tmp.resolve("walk-blob.img");
            Path img = mkfs(tmp.resolve("walk-multi.erofs"), tree, "--chunksize=4096", "--blobdev=" + blob);
            Path out = tmp.resolve("extracted");
            ErofsImages.fsckExtract(img, out, "--device=" + blob);
            Map<String, Node> nodes = Map.of(
                    ErofsImages.IMAGE, new Node.RegularFile(ImageBytes.of(ErofsImages.read(img)), BackingFs.EXT4),
                    "/srv/blob", new Node.RegularFile(ImageBytes.of(ErofsImages.read(blob)), BackingFs.EXT4));
            Map<String, TreeEntry> got = byPath(walk(ErofsImages.scenario("6.18", nodes, ErofsImages.IMAGE,
                    "device=/srv/blob", true)));
            for (Map.Entry<String, Expected> x : describeFiles(out).entrySet()) {
                TreeEntry e = got.get(x.getKey());
                assertThat(e).as(x.getKey()).isNotNull();
                assertThat(e.sha256()).as(x.getKey()).isEqualTo(x.getValue().sha256());
                assertThat(e.target()).as(x.getKey()).isEqualTo(x.getValue().target());
            }
            assertThat(got.get("/big").extents()).extracting(TreeEntry.Extent::device).containsOnly(1);
        }

        private Map<String, Expected> describeFiles(Path root) throws IOException {
            Map<String, Expected> all = describe(root);
            all.values().removeIf(e -> !e.type().equals("file") && !e.type().equals("symlink"));
            return all;
        }
    }

    @Nested
    @DisplayName("what cannot be read")
    class Failures {
        /** Position of the dirent named {@code name} in a directory block at {@code block}. */
        long direntOf(byte[] img, long block, String name) {
            ByteBuffer b = ByteBuffer.wrap(img).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int n = (b.getShort((int) block + 8) & 0xFFFF) / 12;
            for (int i = 0; i < n; i++) {
                int off = b.getShort((int) block + 12 * i + 8) & 0xFFFF;
                int end = i + 1 < n ? b.getShort((int) block + 12 * (i + 1) + 8) & 0xFFFF : off + name.length();
                String s = new String(img, (int) block + off, end - off, StandardCharsets.UTF_8);
                if (s.equals(name)) {
                    return block + 12L * i;
                }
            }
            throw new AssertionError(name + " not in the block at " + block);
        }

        @Test void anInodeThatCannotBeReadGivesTheLookupErrnoAndTheKernelsLine() {
            Path img = mkfs(tmp.resolve("badnid.erofs"), tree);
            byte[] bytes = ErofsImages.read(img);
            long rootBlock = dump(img, "/").extents().get(0).physical();
            ImageEditor ed = ImageEditor.of(bytes);
            ed.write(direntOf(bytes, rootBlock, "a.txt"), new byte[8]); // nid 0: zeros before the superblock
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount("6.18", ed.fixChecksum().bytes(), Faults.NONE, null, true));
            TreeEntry a = byPath(m.tree()).get("/a.txt");
            assertThat(a.readErrno()).isEqualTo("EUCLEAN");
            assertThat(a.ino()).isZero();
            assertThat(a.type()).isEqualTo("file");
            assertThat(m.log()).contains("erofs (device erofs): bogus i_mode (0) @ nid 0");
            assertThat(byPath(m.tree()).get("/big").readErrno()).isNull();
        }

        /**
         * A fuzz finding (session 6, seed 7): one byte of a compressed index in
         * {@code modern/fragments.erofs} maps an extent ending near 2 GiB, and
         * {@code z_erofs_pcluster_readmore}'s {@code readahead_expand} (which has no bound of its
         * own) kept the model adding folios for minutes. The extent is a fragment extent: since
         * 334c0e493c2a (6.18) readmore leaves it alone and the kernel reads the file
         * ({@code crafted/fuzz-fragment-extent-2g.erofs}, recorded in fixtures/fuzz-found); before
         * it (6.12) the file is unknown with a note.
         */
        @Test void aCorruptExtentFarPastEofIsNotModelledInsteadOfReadForMinutes() {
            ImageEditor ed = ImageEditor.of(ErofsImages.read(ZTrees.fixture("modern/fragments.erofs")));
            ed.write(3371, new byte[] {0x7f});
            byte[] img = ed.fixChecksum().bytes();
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount("6.18 -READMORE_ENCODED_ONLY", img, Faults.NONE, null, true));
            TreeEntry e = byPath(m.tree()).get("/many/entry-03");
            assertThat(e.sha256()).isNull();
            assertThat(e.notes()).anyMatch(n -> n.startsWith("not modelled: readahead_expand of 520161 pages"));
            // the other files still read as the image holds them
            assertThat(byPath(m.tree()).get("/f4097").sha256()).isNotNull();
            // [obs-6.18.44-fc-v1272 fuzz-found/fragment-extent-2g-read-to-limit]
            TreeEntry read = byPath(((MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount("6.18", img, Faults.NONE, null, true))).tree()).get("/many/entry-03");
            assertThat(read.sha256()).isEqualTo("4065ccc469c66519bd96ff20507599295f7ed8425e5dd892985b905e76614e19");
            assertThat(read.readOkBytes()).isEqualTo(1L << 30);
        }

        /**
         * Fuzz finding (seed 12, case 15553, session 7): five bytes of the root inode of
         * {@code modern/fragments.erofs} (checksum fixed) give the root directory a 2 GiB size and a
         * compressed extent reaching far past its data. Listing it ran {@code
         * z_erofs_pcluster_readmore}'s loop over the pages before the requested one (the one without
         * a readahead window), a folio each, until the model ran out of heap (6 GB RSS in a fuzz
         * campaign). Before 334c0e493c2a (6.12) the directory's contents are unknown, with a note,
         * within the same bound as {@code readahead_expand}; 6.18 reads no more for its fragment
         * extent and lists it [obs-6.18.44-fc-v1272 fuzz-found/fragments-root-2g-listed].
         */
        @Test void aDirectoryExtentFarPastItsDataIsNotModelledInsteadOfFillingTheHeap() {
            ImageEditor ed = ImageEditor.of(ErofsImages.read(ZTrees.fixture("modern/fragments.erofs")));
            ed.write(1152, new byte[] {0x03});
            ed.write(1160, new byte[] {(byte) 0xff});
            ed.write(1162, new byte[] {(byte) 0xff, 0x7f});
            ed.write(1218, new byte[] {0x02});
            byte[] img = ed.fixChecksum().bytes();
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount("6.18 -READMORE_ENCODED_ONLY", img, Faults.NONE, null, true));
            TreeEntry root = byPath(m.tree()).get("/");
            assertThat(root.size()).isEqualTo(2147418367L);
            assertThat(root.notes()).anyMatch(n -> n.startsWith("not modelled: z_erofs_pcluster_readmore of ")
                    && n.contains("the kernel grabs folios until one fails"));
            assertThat(m.tree()).hasSize(1);
            MountOutcome.Mounted now = (MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount("6.18", img, Faults.NONE, null, true));
            assertThat(now.log()).contains("erofs (device erofs): invalid de[0].nameoff 8301 @ nid 36");
            assertThat(now.tree()).hasSize(1);
            assertThat(now.tree().get(0).blocks()).isEqualTo(4294967288L); // blocks_lo 0xffffffff << 3, in 32 bits
        }

        @Test void aFileThatFailsPartWayKeepsWhatWasReadBeforeThePage() {
            Path img = mkfs(tmp.resolve("badpage.erofs"), tree, "-Enoinline_data");
            ErofsImages.Dumped big = dump(img, "/big");
            long page = big.extents().get(0).physical() / 4096 + 10;
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.18",
                    ErofsImages.read(img), new Faults(Map.of(page, Faults.Kind.EIO)), null, true));
            TreeEntry e = byPath(m.tree()).get("/big");
            assertThat(e.readErrno()).isEqualTo("EIO");
            assertThat(e.readOkBytes()).isEqualTo(10 * 4096);
            assertThat(e.sha256()).isEqualTo(sha256(BIG, 10 * 4096));
            // 6.13's cold readahead builds order-2 folios (no READAHEAD_HONOURS_NEW_ORDER): page 10
            // fails the folio of pages 8-11 [obs-6.12.118: a failing block fails its whole folio]
            MountOutcome.Mounted m613 = (MountOutcome.Mounted) MountModel.predict(ErofsImages.bdevMount("6.13",
                    ErofsImages.read(img), new Faults(Map.of(page, Faults.Kind.EIO)), null, true));
            assertThat(byPath(m613.tree()).get("/big").readOkBytes()).isEqualTo(8 * 4096);
        }

        @Test void aDirectoryThatCannotBeListedKeepsTheEntriesBeforeTheError() {
            Path img = mkfs(tmp.resolve("baddir.erofs"), tree);
            ErofsImages.Dumped many = dump(img, "/many");
            ImageEditor ed = ImageEditor.read(img);
            ed.write(many.extents().get(1).physical() + 8, new byte[] {11, 0}); // second block's de[0].nameoff
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount("6.18", ed.fixChecksum().bytes(), Faults.NONE, null, true));
            Map<String, TreeEntry> got = byPath(m.tree());
            assertThat(got.get("/many").readErrno()).isEqualTo("EUCLEAN");
            long listed = got.keySet().stream().filter(p -> p.startsWith("/many/")).count();
            assertThat(listed).isBetween(1L, 299L);
            assertThat(got).containsKey("/many/entry-000");
            assertThat(m.log()).contains("erofs (device erofs): invalid de[0].nameoff 11 @ nid " + many.nid());
        }

        @Test void aDirectoryThatContainsItsAncestorGivesEloop() {
            Path img = mkfs(tmp.resolve("loop.erofs"), tree);
            byte[] bytes = ErofsImages.read(img);
            ErofsImages.Dumped deep = dump(img, "/sub/deep");
            long rootNid = dump(img, "/").nid();
            ImageEditor ed = ImageEditor.of(bytes);
            long leaf = direntOf(bytes, deep.extents().get(0).physical(), "leaf");
            ed.write(leaf, ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(rootNid).array());
            ed.write(leaf + 10, new byte[] {2});
            MountOutcome.Mounted m = (MountOutcome.Mounted) MountModel.predict(
                    ErofsImages.fileMount("6.13", ed.fixChecksum().bytes(), Faults.NONE, null, true));
            TreeEntry e = byPath(m.tree()).get("/sub/deep/leaf");
            assertThat(e.readErrno()).isEqualTo("ELOOP");
            assertThat(e.type()).isEqualTo("dir");
        }
    }

    @Test void extentsAreOnlyGivenWhenAsked() {
        Path img = mkfs(tmp.resolve("ext.erofs"), tree);
        byte[] bytes = ErofsImages.read(img);
        List<TreeEntry> with = walk(ErofsImages.fileMount("6.18", bytes, Faults.NONE, null, true));
        assertThat(byPath(with).get("/big").extents()).isNotEmpty();
        assertThat(byPath(with).get("/sub").extents()).isNull();
        Scenario noExtents = Scenario.builder().name("t").kernel(ErofsImages.kernel("6.18"))
                .node(ErofsImages.IMAGE, new Node.RegularFile(ImageBytes.of(bytes), BackingFs.EXT4))
                .source(ErofsImages.IMAGE).read(true).build();
        assertThat(byPath(walk(noExtents)).get("/big").extents()).isNull();
    }
}
