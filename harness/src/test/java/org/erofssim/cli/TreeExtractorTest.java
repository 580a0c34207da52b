package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.erofssim.tools.ErofsUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code inspect IMAGE --extract DIR} ({@link TreeExtractor}). The reference is
 * {@code fsck.erofs --extract} of the same image (erofs-utils 1.5, which as root keeps owners
 * and permission bits) and, for what fsck.erofs 1.5 does not extract (user xattrs), the
 * fixture tree described in fixtures/images/README.md.
 */
@DisplayName("inspect --extract writes the model's tree like fsck.erofs --extract")
class TreeExtractorTest {
    @TempDir
    Path dir;

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Every path below {@code root}: type, permission bits, owner, mtime and contents or target. */
    static Map<String, String> describe(Path root, boolean owners) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                String rel = root.relativize(p).toString();
                StringBuilder d = new StringBuilder(String.format("%06o", mode));
                if (owners) {
                    d.append(' ').append(a.get("uid")).append(':').append(a.get("gid"));
                }
                d.append(" rdev=").append(a.get("rdev"));
                if (!rel.isEmpty()) { // the extraction root's own time is not the image's concern
                    d.append(" mtime=").append(((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis());
                }
                if (Files.isSymbolicLink(p)) {
                    d.append(" -> ").append(Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    d.append(" sha256=").append(sha256(Files.readAllBytes(p)));
                }
                out.put("/" + rel, d.toString());
            }
        }
        return out;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static Path fsck(Path image, Path into) {
        Assumptions.assumeTrue(ErofsUtils.require(ErofsUtils.FSCK), "fsck.erofs missing");
        // --preserve-perms: the default for root only; a non-root fsck.erofs applies the umask (1777 → 1755),
        // while inspect --extract always writes the image's permission bits
        ErofsUtils.Run r = ErofsUtils.run(ErofsUtils.FSCK, List.of("--extract=" + into, "--preserve-perms",
                image.toString()), 300);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return into;
    }

    @Nested
    @DisplayName("the same tree as fsck.erofs --extract")
    class SameTree {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"lz4.erofs", "lz4hc.erofs", "lz4-legacy.erofs", "lz4hc-pcluster.erofs", "ztailpacking.erofs",
            "noinline.erofs", "chunked4k.erofs"})
        void compressedAndUncompressedFixtures(String name) throws IOException {
            Path img = Cli.image(name);
            Path mine = dir.resolve("model");
            Cli.Result r = Cli.run("inspect", img.toString(), "--extract", mine.toString());
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).containsPattern("extracted \\d+ paths to " + java.util.regex.Pattern.quote(mine.toString()));
            Path ref = fsck(img, dir.resolve("fsck"));
            assertThat(describe(mine, root())).isEqualTo(describe(ref, root()));
        }

        @Test
        void everyFileTypeOwnerModeAndUserXattrOfPlainErofs() throws IOException {
            Assumptions.assumeTrue(root(), "device nodes and owners need root");
            Path img = Cli.image("plain.erofs");
            Path mine = dir.resolve("model");
            Cli.Result r = Cli.run("inspect", img.toString(), "--extract", mine.toString());
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(describe(mine, true)).isEqualTo(describe(fsck(img, dir.resolve("fsck")), true));
            // fixtures/images/README.md: user.private on /f1 ("one") and /dir1 ("dir"), user.shared on /f0
            assertThat(xattr(mine.resolve("f1"), "private")).isEqualTo("one");
            assertThat(xattr(mine.resolve("dir1"), "private")).isEqualTo("dir");
            assertThat(xattr(mine.resolve("f0"), "shared")).isEqualTo("same-value");
            assertThat(xattr(mine.resolve("f4096"), "long")).hasSize(200);
            assertThat(Files.readAttributes(mine.resolve("owned"), "unix:*", LinkOption.NOFOLLOW_LINKS))
                    .containsEntry("uid", 1234).containsEntry("gid", 5678);
            assertThat(Files.isSymbolicLink(mine.resolve("symlink-long"))).isTrue();
        }
    }

    /**
     * Metabox images (erofs-utils 1.9.4 {@code -m4096}, fixtures/images/modern/; fsck.erofs 1.5
     * cannot read them): every regular file holds the bytes 6.18.44 read from it, by path, as
     * its recording of the file-backed scenario says
     * (fixtures/modern/recorded/6.18.44-fc-v1272/NAME-fileio.json). The extractor once took a
     * file's inode number for its nid: on a metabox image {@code erofs_nid_to_ino64} folds the
     * nid's bit 63 into bit 31, so every file was left empty with an EUCLEAN note.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"metabox", "metabox-lz4"})
    void metaboxFilesHoldWhatTheKernelRead(String name) throws IOException {
        Path img = Cli.root().resolve("fixtures/images/modern/" + name + ".erofs");
        Path mine = dir.resolve("model");
        Cli.Result r = Cli.run("inspect", img.toString(), "--extract", mine.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).doesNotContain("EUCLEAN", "note:");
        com.fasterxml.jackson.databind.JsonNode rec = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                Cli.root().resolve("fixtures/modern/recorded/6.18.44-fc-v1272/" + name + "-fileio.json").toFile());
        Map<String, String> kernel = new TreeMap<>();
        for (com.fasterxml.jackson.databind.JsonNode e : rec.path("outcome").path("tree")) {
            if (e.path("type").asText().equals("file")) {
                kernel.put(e.path("path").asText(), e.path("sha256").asText());
            }
        }
        assertThat(kernel).hasSizeGreaterThan(60);
        Map<String, String> extracted = new TreeMap<>();
        try (Stream<Path> s = Files.walk(mine)) {
            for (Path p : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                extracted.put("/" + mine.relativize(p), sha256(Files.readAllBytes(p)));
            }
        }
        assertThat(extracted).isEqualTo(kernel);
    }

    @Nested
    @DisplayName("long xattr name prefixes (crafted images)")
    class LongPrefixes {
        @Test
        void userNamesBuiltFromALongPrefixAreSetAndTheOthersLeftAlone() throws IOException {
            // crafted/README.md: /f1's user.private → prefix 0 (user. + "long."), /dir1's → trusted. + "overlay.",
            // the shared user.shared → prefix 3 (user. + "")
            Path mine = dir.resolve("model");
            Cli.Result r = Cli.run("inspect", Cli.image("crafted/long-prefixes.erofs").toString(), "--extract", mine.toString());
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(xattr(mine.resolve("f1"), "long.private")).isEqualTo("one");
            assertThat(xattr(mine.resolve("f0"), "shared")).isEqualTo("same-value");
            assertThat(Files.getFileAttributeView(mine.resolve("dir1"), UserDefinedFileAttributeView.class).list()).isEmpty();
        }

        @Test
        void aNameThatCannotBeReadIsANoteNotACrash() throws IOException {
            // crafted/README.md: /f1's user.private → user. + 255 × 'a': a 267-byte name, getxattr ERANGE
            Path mine = dir.resolve("model");
            String name = "user." + "a".repeat(255) + "private";
            Cli.Result r = Cli.run("inspect", Cli.image("crafted/long-prefix-infix-255.erofs").toString(), "--extract",
                    mine.toString());
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("note: /f1: could not set user xattr " + name + " (its value could not be read)");
            assertThat(xattr(mine.resolve("f1"), "shared")).isEqualTo("same-value");
        }
    }

    static String xattr(Path p, String name) throws IOException {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        ByteBuffer b = ByteBuffer.allocate(v.size(name));
        v.read(name, b);
        return new String(b.array(), StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("refusals")
    class Refusals {
        @Test
        void aNonEmptyDirectoryIsRefusedWithOneLineAndExit2() throws IOException {
            Path target = dir.resolve("full");
            Files.createDirectories(target);
            Files.writeString(target.resolve("keep"), "x");
            Cli.Result r = Cli.run("inspect", Cli.image("lz4.erofs").toString(), "--extract", target.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.errLines()).singleElement().asString().contains("--extract").contains("not empty");
            assertThat(r.out()).isEmpty();
            try (Stream<Path> s = Files.list(target)) {
                assertThat(s.toList()).containsExactly(target.resolve("keep"));
            }
        }

        @Test
        void aFileIsRefusedAndAnEmptyDirectoryAccepted() throws IOException {
            Path file = dir.resolve("file");
            Files.writeString(file, "x");
            Cli.Result r = Cli.run("inspect", Cli.image("lz4.erofs").toString(), "--extract", file.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.errLines()).singleElement().asString().contains("not a directory");
            Path empty = dir.resolve("empty");
            Files.createDirectories(empty);
            Cli.Result ok = Cli.run("inspect", Cli.image("lz4.erofs").toString(), "--extract", empty.toString());
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(Files.size(empty.resolve("text64k"))).isEqualTo(65536);
        }

        @Test
        void withJsonTheSummaryGoesToStderrAndStdoutStaysOneDocument() {
            Cli.Result r = Cli.run("inspect", Cli.image("lz4.erofs").toString(), "--json", "--extract",
                    dir.resolve("j").toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.outLines()).hasSize(1);
            assertThat(r.err()).contains("extracted ");
        }
    }
}
