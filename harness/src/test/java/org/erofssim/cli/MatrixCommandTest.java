package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.testkit.Live;
import org.junit.jupiter.api.Test;

/**
 * {@code matrix}: cells and differences from the kernel sources the spec cites, not from earlier
 * output. Kernel facts used:
 *
 * <ul>
 * <li>6.12 added file-backed mounts (fb176750266a): a regular file source on ext4 (whose
 *     address space has read_folio) mounts in fileio mode on every modelled release; a loop
 *     device source is a block device, bdev mode.</li>
 * <li>plain.erofs's root inode is nid 37 (dump.erofs -s, fixtures/images/README.md); the fileio
 *     superblock's s_id is "erofs", a loop device's "loop0".</li>
 * <li>Before 90655ee279b2 (6.13-rc1) {@code _erofs_info} printed {@code pr_fmt("erofs: ")} then
 *     {@code "(device %s): "}; since, {@code "erofs (device %s): "}.</li>
 * <li>Before bae085416093 (6.13-rc1, CVE-2024-56750) a file-backed mount of an image whose
 *     block size is below PAGE_SIZE called sb_set_blocksize on the missing bdev and crashed.</li>
 * <li>Before 6422cde1b0d5 (6.13-rc4) there was no {@code directio} option:
 *     {@code erofs: Unknown parameter 'directio'}, EINVAL (fs_parse).</li>
 * </ul>
 */
class MatrixCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String img(String name) {
        return Cli.image(name).toString();
    }

    private static JsonNode json(Cli.Result r) throws Exception {
        assertThat(r.exit()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static JsonNode cell(JsonNode m, String kernel, String kind) {
        for (JsonNode row : m.get("rows")) {
            if (row.get("kernel").asText().equals(kernel)) {
                return row.get("cells").get(kind);
            }
        }
        throw new AssertionError("no row " + kernel + " in " + m);
    }

    private static List<String> causes(JsonNode diff) {
        List<String> out = new ArrayList<>();
        diff.get("causes").forEach(c -> out.add(c.get("behavior").asText() + " " + c.get("commit").asText()));
        return out;
    }

    @Test
    void plainOnEveryReleaseMountsFileioFromAFileAndBdevFromALoopDevice() throws Exception {
        JsonNode m = json(Cli.run("matrix", img("plain.erofs"), "--as", "both", "--json"));
        List<String> kernels = new ArrayList<>();
        m.get("rows").forEach(r -> kernels.add(r.get("kernel").asText()));
        assertThat(kernels).containsExactly("6.1.192", "6.12.0", "6.12.118", "6.13.0-rc4", "6.18.44", "7.2.13",
                "7.3.0-rc7");
        for (String k : kernels) {
            JsonNode file = cell(m, k, "file");
            JsonNode loop = cell(m, k, "loop");
            if (k.equals("6.1.192")) {
                // before file-backed mounts (fb176750266a) a regular file is just no block device
                assertThat(file.get("outcome").asText()).isEqualTo("failed");
                assertThat(file.get("errno").asText()).isEqualTo("ENOTBLK");
            } else {
                assertThat(file.get("outcome").asText()).isEqualTo("mounted");
                assertThat(file.get("mode").asText()).isEqualTo("fileio");
            }
            assertThat(loop.get("outcome").asText()).isEqualTo("mounted");
            assertThat(loop.get("mode").asText()).isEqualTo("bdev");
        }
        for (String k : List.of("6.12.0", "6.12.118")) {
            assertThat(cell(m, k, "file").get("firstLog").asText())
                    .isEqualTo("erofs: (device erofs): mounted with root inode @ nid 37.");
            assertThat(cell(m, k, "loop").get("firstLog").asText())
                    .isEqualTo("erofs: (device loop0): mounted with root inode @ nid 37.");
        }
        for (String k : List.of("6.13.0-rc4", "6.18.44", "7.2.13", "7.3.0-rc7")) {
            assertThat(cell(m, k, "file").get("firstLog").asText()).isEqualTo(k.startsWith("7.")
                    ? "erofs (device 0:*): mounted with root inode @ nid 37."
                    : "erofs (device erofs): mounted with root inode @ nid 37.");
            assertThat(cell(m, k, "loop").get("firstLog").asText())
                    .isEqualTo("erofs (device loop0): mounted with root inode @ nid 37.");
        }
    }

    @Test
    void theLogPrefixChangeIsLinkedToItsCommit() throws Exception {
        JsonNode m = json(Cli.run("matrix", img("plain.erofs"), "--as", "loop", "--kernel", "6.12.0,6.13.0-rc4,6.18.44",
                "--json"));
        assertThat(m.get("differences")).hasSize(1);
        JsonNode d = m.get("differences").get(0);
        assertThat(d.get("from").asText()).isEqualTo("6.12.0");
        assertThat(d.get("to").asText()).isEqualTo("6.13.0-rc4");
        assertThat(d.get("fields").toString()).isEqualTo("[\"log\"]");
        assertThat(d.get("exact").asBoolean()).isTrue();
        assertThat(causes(d)).containsExactly("DEVICE_LOG_PREFIX 90655ee279b2");
        assertThat(cell(m, "6.13.0-rc4", "loop").get("differsFromPrevious").asBoolean()).isTrue();
        assertThat(cell(m, "6.18.44", "loop").get("differsFromPrevious").asBoolean()).isFalse();
    }

    @Test
    void subPageBlockSizeCrashOn6120IsLinkedToTheCveFix() throws Exception {
        JsonNode m = json(Cli.run("matrix", img("crafted/blkszbits10.erofs"), "--as", "file", "--kernel", "6.12.0,6.13.0-rc4", "--json"));
        assertThat(cell(m, "6.12.0", "file").get("outcome").asText()).isEqualTo("crashed");
        assertThat(cell(m, "6.13.0-rc4", "file").get("mode").asText()).isEqualTo("fileio");
        JsonNode d = m.get("differences").get(0);
        assertThat(causes(d)).containsExactly("FILEIO_SUBPAGE_BLOCKSIZE bae085416093");
    }

    @Test
    void directioIsUnknownBefore6422cde1b0d5() throws Exception {
        Cli.Result r = Cli.run("matrix", img("plain.erofs"), "-o", "directio", "--as", "file", "--kernel",
                "6.12.0,6.13.0-rc4,6.18.44");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(0)).startsWith("kernel").contains("file", "first log line");
        assertThat(lines.get(1)).startsWith("6.12.0").contains("EINVAL", "erofs: Unknown parameter 'directio'");
        assertThat(lines.get(2)).startsWith("6.13.0-rc4").contains("fileio [1]");
        assertThat(lines.get(3)).startsWith("6.18.44").doesNotContain("[");
        assertThat(r.out()).contains("[1] file, 6.12.0 -> 6.13.0-rc4: ")
                .contains("DIRECTIO_OPTION 6422cde1b0d5 \"erofs: use buffered I/O for file-backed mounts by default\"");
    }

    @Test
    void stableReleasesOf612AreRowsOfTheirOwnWithTheBackportThatSeparatesThem() throws Exception {
        // 6.12.6 and 6.12.7 resolve to 6.12.0 + the backports up to them; 6422cde1b0d5 came in 6.12.7
        Cli.Result r = Cli.run("matrix", img("plain.erofs"), "-o", "directio", "--as", "file", "--kernel",
                "6.12.7,6.12.6");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(1)).startsWith("6.12.6").contains("EINVAL", "erofs: Unknown parameter 'directio'");
        assertThat(lines.get(2)).startsWith("6.12.7").contains("fileio [1]");
        assertThat(r.out()).contains("[1] file, 6.12.6 -> 6.12.7: ").contains("DIRECTIO_OPTION 6422cde1b0d5");
    }

    @Test
    void extraDevicesAsFilesAndAsBlockDevices() throws Exception {
        String blob = img("multidev-blob.img");
        // fileio primary: a regular-file device= is opened as a file (spec §9 multi-device rows)
        JsonNode f = json(Cli.run("matrix", img("multidev.erofs"), "--as", "file", "--kernel", "6.18",
                "--device", blob, "-o", "device=" + blob, "--json"));
        assertThat(cell(f, "6.18.44", "file").get("mode").asText()).isEqualTo("fileio");
        assertThat(cell(f, "6.18.44", "file").get("firstLog").asText()).endsWith("nid 41.");
        // bdev primary: a block-device device= (dump.erofs -s: root nid 41)
        JsonNode b = json(Cli.run("matrix", img("multidev.erofs"), "--as", "loop", "--kernel", "6.18",
                "--device", "/dev/loop1=" + blob, "-o", "device=/dev/loop1", "--json"));
        assertThat(cell(b, "6.18.44", "loop").get("outcome").asText()).isEqualTo("mounted");
        assertThat(cell(b, "6.18.44", "loop").get("firstLog").asText())
                .isEqualTo("erofs (device loop0): mounted with root inode @ nid 41.");
    }

    @Test
    void readAddsTheSameTreeOnEveryReleaseForPlain() throws Exception {
        JsonNode m = json(Cli.run("matrix", img("plain.erofs"), "--read", "--json", "--kernel",
                "6.12.0,6.12.118,6.13.0-rc4,6.18.44,7.2.13,7.3.0-rc7"));
        String digest = cell(m, "6.12.0", "file").get("treeDigest").asText();
        assertThat(digest).matches("[0-9a-f]{8}");
        for (JsonNode row : m.get("rows")) {
            for (JsonNode c : row.get("cells")) {
                assertThat(c.get("treeDigest").asText()).isEqualTo(digest);
                assertThat(c.get("readErrors").asInt()).isZero();
            }
        }
    }

    /**
     * fuzz-de0-nameoff-253.erofs has a directory whose de[0].nameoff is not a multiple of 12,
     * which only d18a3b5d337f (in 6.18.44, not in 6.13.0-rc4) refuses. On a loop device no
     * file-backed read is involved, so that commit alone explains the 6.13 -> 6.18 difference;
     * on a file source any explanation must include it (alone or with another change).
     */
    @Test
    void direntNameoffChangeIsLinkedToD18a3b5d337f() throws Exception {
        JsonNode m = json(Cli.run("matrix", img("crafted/fuzz-de0-nameoff-253.erofs"), "--read",
                "--kernel", "6.13,6.18", "--json"));
        for (JsonNode d : m.get("differences")) {
            assertThat(d.get("from").asText()).isEqualTo("6.13.0-rc4");
            assertThat(d.get("exact").asBoolean()).isTrue();
            if (d.get("kind").asText().equals("loop")) {
                assertThat(causes(d)).containsExactly("DIRENT_NAMEOFF_CHECKS d18a3b5d337f");
            }
            for (JsonNode e : d.get("explanations")) {
                assertThat(e.toString()).contains("\"DIRENT_NAMEOFF_CHECKS\"");
            }
        }
        assertThat(m.get("differences")).hasSize(2);
    }

    /**
     * fs_parse reports an unknown key with invalf on the fs_context (fs/fs_parser.c): with
     * mount(2) the line goes to the kernel log as {@code "erofs: ..."}, with fsconfig(2) to the
     * descriptor's log, read back as {@code "e erofs: ..."} (the "fc: " prefix is the model's
     * mark for a context-log line, MountApiTest). Same errno on every release and source kind.
     */
    @Test
    void fsopenPutsTheUnknownParameterInTheContextLogAndChangesNothingElse() throws Exception {
        JsonNode mount = json(Cli.run("matrix", img("plain.erofs"), "-o", "foo", "--json"));
        JsonNode fsopen = json(Cli.run("matrix", img("plain.erofs"), "-o", "foo", "--api", "fsopen", "--json"));
        assertThat(mount.get("api").asText()).isEqualTo("mount");
        assertThat(fsopen.get("api").asText()).isEqualTo("fsopen");
        assertThat(fsopen.get("rows")).hasSize(mount.get("rows").size());
        for (JsonNode row : mount.get("rows")) {
            String k = row.get("kernel").asText();
            for (String kind : List.of("file", "loop")) {
                JsonNode m = cell(mount, k, kind);
                JsonNode f = cell(fsopen, k, kind);
                assertThat(m.get("errno").asText()).as(k + " " + kind).isEqualTo("EINVAL");
                assertThat(m.get("firstLog").asText()).as(k + " " + kind).isEqualTo("erofs: Unknown parameter 'foo'");
                assertThat(f.get("firstLog").asText()).as(k + " " + kind).isEqualTo("fc: e erofs: Unknown parameter 'foo'");
                JsonNode mWithoutLog = ((com.fasterxml.jackson.databind.node.ObjectNode) m.deepCopy())
                        .without(List.of("log", "firstLog"));
                JsonNode fWithoutLog = ((com.fasterxml.jackson.databind.node.ObjectNode) f.deepCopy())
                        .without(List.of("log", "firstLog"));
                assertThat(fWithoutLog).as(k + " " + kind).isEqualTo(mWithoutLog);
            }
        }
    }

    private static void assertBadInput(Cli.Result r, String... fragments) {
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("erofs-sim matrix: ").contains(fragments).doesNotContain("\tat ", "Exception");
    }

    @Test
    void badInputIsOneLineNamingTheField() {
        assertBadInput(Cli.run("matrix", "no/such.erofs"), "IMAGE", "no/such.erofs", "no such file");
        assertBadInput(Cli.run("matrix", img("plain.erofs"), "--kernel", "5.4"), "--kernel", "5.4");
        assertBadInput(Cli.run("matrix", img("plain.erofs"), "--kernel", "6.12,"), "--kernel", "empty release");
        assertBadInput(Cli.run("matrix", img("plain.erofs"), "--as", "floppy"), "--as", "floppy");
        assertBadInput(Cli.run("matrix", img("plain.erofs"), "--config", "EROFS_FS_NOPE=y"), "--config", "EROFS_FS_NOPE");
        assertBadInput(Cli.run("matrix", img("plain.erofs"), "--device", "missing.img"), "--device", "missing.img");
        assertBadInput(Cli.run("matrix"), "IMAGE");
        assertBadInput(Cli.run("matrix", img("plain.erofs"), "--api", "fsmount"), "--api", "fsmount");
    }

    /**
     * {@code --live} asks for the running kernel: where the live oracle cannot run (here, in the
     * test phase, it is switched off) that is exit 77 and one line with the oracle's reason,
     * never the model's matrix alone.
     */
    @Test
    void liveWithoutTheOracleExits77WithItsReason() {
        String why = org.erofssim.oracle.LiveKernelOracle.unavailableReason();
        if (why == null) {
            System.out.println("SKIPPED: the live oracle can run here; matrix --live without it is checked in mvn test");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(why != null, "the live oracle can run here");
        Cli.Result r = Cli.run("matrix", img("plain.erofs"), "--as", "both", "--live");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.ORACLE_UNAVAILABLE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("erofs-sim matrix: --live: kernel oracle unavailable: " + why);
    }

    /**
     * As root, the running kernel's row sits after the model row of its release, and the kernel
     * agrees with the model on that release for plain.erofs from a file and from a loop device
     * (fileio and bdev since 6.12; the fileio superblock's s_id "erofs", the loop device's
     * "loopN", matched by pattern).
     */
    @Test
    @Live
    void liveAddsAHostRowThatAgreesWithTheModelOfItsRelease() throws Exception {
        RecordCommandTest.assumeLiveOracle();
        String release = org.erofssim.reference.HostKernel.runningRelease();
        String profile = org.erofssim.kernel.Releases.forRelease(release).map(p -> p.release()).orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(profile != null, "the running kernel " + release + " has no profile");
        // --vm none: the host row alone (VM rows boot QEMU; MatrixVmTest checks them with a stand-in)
        JsonNode m = json(Cli.run("matrix", img("plain.erofs"), "--as", "both", "--live", "--vm", "none", "--json"));
        List<String> kernels = new ArrayList<>();
        m.get("rows").forEach(r -> kernels.add(r.get("kernel").asText()));
        assertThat(kernels).containsSubsequence(profile, "host " + release);
        assertThat(kernels.get(kernels.indexOf("host " + release) - 1)).isEqualTo(profile);
        JsonNode host = m.get("rows").get(kernels.indexOf("host " + release));
        assertThat(host.path("reference").path("kind").asText()).isEqualTo("host");
        assertThat(host.path("reference").path("release").asText()).isEqualTo(release);
        assertThat(host.path("reference").path("profile").asText()).isEqualTo(profile);
        for (String kind : List.of("file", "loop")) {
            JsonNode h = host.get("cells").get(kind);
            JsonNode model = cell(m, profile, kind);
            assertThat(h.get("differences")).as(kind + ": " + h).isEmpty();
            assertThat(h.get("agreesWithModel").asBoolean()).as(kind).isTrue();
            assertThat(h.get("summary").asText()).isEqualTo(model.get("summary").asText());
            assertThat(h.get("outcome").asText()).isEqualTo("mounted");
            assertThat(h.get("mode").asText()).isEqualTo(kind.equals("file") ? "fileio" : "bdev");
            assertThat(h.get("trouble")).as(kind).isEmpty();
        }
        Cli.Result text = Cli.run("matrix", img("plain.erofs"), "--as", "both", "--live", "--vm", "none");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("host " + release + ": compared with the model on " + profile);
        assertThat(text.out().lines().filter(l -> l.startsWith("host " + release + " ")))
                .singleElement().asString().contains("fileio", "bdev").doesNotContain("*");
        assertThat(text.out().lines().filter(l -> l.startsWith("* "))).isEmpty();
    }

    /**
     * The host row's marks, without root: a stand-in kernel "6.18.44-standin" (profile 6.18.44)
     * that answers with what 6.12.118 does (the model's 6.12.118 outcome: before 90655ee279b2 the
     * info line is {@code "erofs: (device %s): "}). Its row sits after 6.18.44's, both cells are
     * marked * and the note names log[0] with both lines.
     */
    @Test
    void aHostCellThatDiffersFromItsReleaseIsMarkedWithTheField() {
        org.erofssim.reference.KernelReference standin = new org.erofssim.reference.KernelReference(
                org.erofssim.reference.Identity.Kind.LIVE, "6.18.44-standin") {
            @Override
            public java.util.Optional<String> unavailable() {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Optional<String> refuses(org.erofssim.reference.Case c) {
                return java.util.Optional.empty();
            }

            @Override
            public org.erofssim.reference.Observation observe(org.erofssim.reference.Case c) {
                org.erofssim.contract.MountOutcome o = org.erofssim.mount.MountModel.predict(
                        c.scenario().toBuilder().kernel(org.erofssim.kernel.Releases.linux_6_12_118()).build());
                return new org.erofssim.reference.Observation.Observed(o, "", List.of());
            }
        };
        String image = img("plain.erofs");
        String node = Matrix.nodePath(image, "IMAGE");
        Matrix.Request req = new Matrix.Request(java.nio.file.Path.of(image), List.of(), null,
                List.of(Matrix.SourceKind.file, Matrix.SourceKind.loop),
                List.of(org.erofssim.kernel.Releases.linux_6_18_44(), org.erofssim.kernel.Releases.linux_7_2_13()),
                java.util.Map.of(), false, org.erofssim.contract.Scenario.MountApi.MOUNT);
        Matrix.Result result = Matrix.evaluate(req, node);
        MatrixCommand.LiveRow host = MatrixCommand.host(standin, req, node, result);
        java.io.StringWriter text = new java.io.StringWriter();
        new MatrixCommand().table(new java.io.PrintWriter(text), result, List.of(host));
        List<String> lines = text.toString().lines().toList();
        assertThat(lines.get(1)).startsWith("6.18.44 ");
        assertThat(lines.get(2)).startsWith("host 6.18.44-standin ").contains("fileio *", "bdev *",
                "erofs: (device erofs): mounted with root inode @ nid 37.");
        assertThat(lines.get(3)).startsWith("7.2.13 ");
        assertThat(lines).contains("host 6.18.44-standin: compared with the model on 6.18.44; * marks a difference",
                "* file: log[0]: model \"erofs (device erofs): mounted with root inode @ nid 37.\", "
                        + "kernel \"erofs: (device erofs): mounted with root inode @ nid 37.\"",
                "* loop: log[0]: model \"erofs (device loop0): mounted with root inode @ nid 37.\", "
                        + "kernel \"erofs: (device loop0): mounted with root inode @ nid 37.\"");
    }

    @Test
    void helpSaysWhatIsNotThere() {
        Cli.Result r = Cli.run("matrix", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--api=mount|fsopen", "--api fsopen", "fsconfig", "--live", "--as", "--kernel", "--device",
                "host RELEASE", "vm RELEASE", "--vm=LIST|all|none", "one QEMU boot per VM kernel", "a row saying why");
    }
}
