package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.erofssim.block.ImageBytes;
import org.erofssim.block.Node;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.contract.Scenario;
import org.erofssim.contract.ScenarioJson;
import org.erofssim.kernel.KernelProfile;
import org.erofssim.kernel.Releases;
import org.erofssim.mount.MountModel;
import org.erofssim.reference.Case;
import org.erofssim.reference.Identity;
import org.erofssim.reference.KernelReference;
import org.erofssim.reference.Observation;
import org.erofssim.vm.KernelCatalog;
import org.erofssim.vm.VmKernel;
import org.erofssim.vm.VmUnavailable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code matrix --live}'s VM rows without QEMU: a stand-in for the boots ({@link MatrixVm.Kernels})
 * that reads the scenario files the matrix wrote, as the guest does, and answers with the model
 * on a profile the test chooses; a stand-in host kernel. Kernel facts used (as in
 * {@link MatrixCommandTest}): 6.1 has no file-backed mounts (fb176750266a came in 6.12), so a
 * regular-file source fails with ENOTBLK there and mounts fileio on 6.18.44; before 90655ee279b2
 * (6.13-rc1) the info line starts {@code "erofs: (device "}, since {@code "erofs (device "}.
 */
class MatrixVmTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** One boot: the kernel and the scenarios it got, as read from the written files. */
    record Boot(String kernel, List<Path> files, List<Scenario> scenarios) {}

    /** Boots that answer with the model on {@code answerOn} (null: on the scenario's own kernel). */
    final class StandInVms implements MatrixVm.Kernels {
        final List<Boot> boots = new ArrayList<>();
        final List<Path> scratches = new ArrayList<>();
        final Map<String, String> unavailable;
        final String crashes;
        final KernelProfile answerOn;

        StandInVms(Map<String, String> unavailable, String crashes, KernelProfile answerOn) {
            this.unavailable = unavailable;
            this.crashes = crashes;
            this.answerOn = answerOn;
        }

        @Override
        public Optional<String> unavailable(KernelCatalog.Kernel k) {
            return Optional.ofNullable(unavailable.get(k.release()));
        }

        @Override
        public Path scratch() throws IOException {
            Path d = Files.createTempDirectory(tmp, "run-");
            scratches.add(d);
            return d;
        }

        @Override
        public List<VmKernel.Observation> observe(KernelCatalog.Kernel k, List<Path> files) {
            if (k.release().equals(crashes)) {
                throw new VmUnavailable("kernel " + k.release() + ": the guest did not finish within 280 s and was killed");
            }
            List<Scenario> read = files.stream().map(ScenarioJson::read).toList();
            boots.add(new Boot(k.release(), files, read));
            List<VmKernel.Observation> out = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Scenario s = answerOn == null ? read.get(i) : read.get(i).toBuilder().kernel(answerOn).build();
                out.add(new VmKernel.Observation(files.get(i).toString(), k.release(), 0,
                        OutcomeJson.write(MountModel.predict(s)), null, 1.0));
            }
            return out;
        }
    }

    /** The running kernel stand-in: release {@code 6.18.44-standin}, answering as the model on 6.18.44. */
    static KernelReference host() {
        return new KernelReference(Identity.Kind.LIVE, "6.18.44-standin") {
            @Override
            public Optional<String> unavailable() {
                return Optional.empty();
            }

            @Override
            public Optional<String> refuses(Case c) {
                return Optional.empty();
            }

            @Override
            public Observation observe(Case c) {
                return new Observation.Observed(MountModel.predict(c.scenario().toBuilder().kernel(Releases.linux_6_18_44()).build()),
                        "", List.of());
            }
        };
    }

    record Run(int exit, String out, String err) {}

    static Run matrix(MatrixVm.Kernels vms, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        MatrixCommand m = cl.getSubcommands().get("matrix").getCommand();
        m.hostKernel = host();
        m.vmKernels = vms;
        List<String> a = new ArrayList<>(List.of("matrix"));
        a.addAll(List.of(args));
        int rc = cl.execute(a.toArray(String[]::new));
        return new Run(rc, out.toString(), err.toString());
    }

    private static String img() {
        return Cli.image("plain.erofs").toString();
    }

    private static JsonNode row(JsonNode m, String kernel) {
        for (JsonNode r : m.get("rows")) {
            if (r.get("kernel").asText().equals(kernel)) {
                return r;
            }
        }
        throw new AssertionError("no row " + kernel + " in " + m);
    }

    private static List<String> kernels(JsonNode m) {
        List<String> out = new ArrayList<>();
        m.get("rows").forEach(r -> out.add(r.get("kernel").asText()));
        return out;
    }

    /**
     * {@code --kernel 6.1}: the model row 6.1.192, the VM kernel whose preset it is (6.1.0-57-amd64)
     * right after it, booted once with both source kinds as scenario files that read back as the
     * matrix's scenarios (the image's bytes, the file on ext4, the loop device), then the host row
     * (its release 6.18.44 is not a row: last). The scratch folder is gone afterwards.
     */
    @Test
    void kernelPicksTheVmKernelsOfItsReleasesOneBootEach() throws Exception {
        StandInVms vms = new StandInVms(Map.of(), null, null);
        Run r = matrix(vms, img(), "--as", "both", "--live", "--kernel", "6.1", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode m = JSON.readTree(r.out());
        assertThat(kernels(m)).containsExactly("6.1.192", "vm 6.1.0-57-amd64", "host 6.18.44-standin");
        assertThat(vms.boots).hasSize(1);
        Boot b = vms.boots.get(0);
        assertThat(b.kernel()).isEqualTo("6.1.0-57-amd64");
        assertThat(b.files()).extracting(f -> f.getFileName().toString()).containsExactly("file.json", "loop.json");
        Scenario file = b.scenarios().get(0);
        Scenario loop = b.scenarios().get(1);
        assertThat(file.kernel().profile().release()).isEqualTo("6.1.192");
        Node src = file.namespace().nodes().get(file.source());
        assertThat(src).isInstanceOf(Node.RegularFile.class);
        assertThat(((Node.RegularFile) src).fs().contractName()).isEqualTo("ext4");
        assertThat(bytes(((Node.RegularFile) src).bytes())).isEqualTo(Files.readAllBytes(Path.of(img())));
        assertThat(loop.source()).isEqualTo("/dev/loop0");
        assertThat(loop.namespace().nodes().get("/dev/loop0")).isInstanceOf(Node.BlockDevice.class);
        for (Path d : vms.scratches) {
            assertThat(d).doesNotExist();
        }
        JsonNode vm = row(m, "vm 6.1.0-57-amd64");
        assertThat(vm.path("reference").path("kind").asText()).isEqualTo("vm");
        assertThat(vm.path("reference").path("profile").asText()).isEqualTo("6.1.192");
        assertThat(vm.path("cells").path("file").path("summary").asText()).isEqualTo("ENOTBLK");
        assertThat(vm.path("cells").path("loop").path("summary").asText()).isEqualTo("bdev");
        assertThat(vm.path("cells").path("loop").path("agreesWithModel").asBoolean()).isTrue();
    }

    /**
     * A VM kernel that answers as 6.18.44 does is marked * in both cells against 6.1.192's
     * model, with the fields named in the notes below the text table.
     */
    @Test
    void aVmCellThatDiffersFromItsReleaseIsMarked() {
        Run r = matrix(new StandInVms(Map.of(), null, Releases.linux_6_18_44()), img(), "--as", "both", "--live",
                "--kernel", "6.1");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(1)).startsWith("6.1.192 ");
        assertThat(lines.get(2)).startsWith("vm 6.1.0-57-amd64 ").contains("fileio *", "bdev *");
        assertThat(lines).contains("vm 6.1.0-57-amd64 (booted in QEMU): compared with the model on 6.1.192; * marks a difference",
                "* loop: log[0]: model \"erofs: (device loop0): mounted with root inode @ nid 37.\", "
                        + "kernel \"erofs (device loop0): mounted with root inode @ nid 37.\"");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("* file: outcome: model \"failed\", kernel \"mounted\""));
    }

    /**
     * Kernels that cannot boot are rows saying why (not a gap): one without a prepared boot
     * folder is not booted at all, one whose boot fails gives the failure's line.
     */
    @Test
    void aKernelThatCannotBootIsARowSayingWhy() throws Exception {
        StandInVms vms = new StandInVms(Map.of("7.2.13+deb14-amd64", "no boot folder /cache/boot/7.2.13+deb14-amd64"),
                "7.3-amd64", null);
        Run r = matrix(vms, img(), "--as", "both", "--live", "--vm", "6.1,7.2,7.3", "--kernel", "6.1.192,7.2.13,7.3.0-rc7");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(vms.boots).extracting(Boot::kernel).containsExactly("6.1.0-57-amd64");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("vm 7.2.13+deb14-amd64 ")
                .contains("unavailable", "(not observed: see below)"));
        assertThat(lines).contains("vm 7.2.13+deb14-amd64: not observed: no boot folder /cache/boot/7.2.13+deb14-amd64",
                "vm 7.3-amd64: not observed: kernel 7.3-amd64: the guest did not finish within 280 s and was killed");
        for (Path d : vms.scratches) {
            assertThat(d).doesNotExist();
        }
        JsonNode m = JSON.readTree(matrix(vms, img(), "--live", "--vm", "7.2", "--json").out());
        JsonNode row = row(m, "vm 7.2.13+deb14-amd64");
        assertThat(row.path("unavailable").asText()).isEqualTo("no boot folder /cache/boot/7.2.13+deb14-amd64");
        assertThat(row.path("cells").path("file").path("summary").asText()).isEqualTo("unavailable");
    }

    @Test
    void vmNamesKernelsOrNone() {
        StandInVms vms = new StandInVms(Map.of(), null, null);
        Run r = matrix(vms, img(), "--live", "--vm", "none", "--kernel", "6.1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(vms.boots).isEmpty();
        assertThat(r.out()).contains("host 6.18.44-standin").doesNotContain("vm ");
        List<String> all = MatrixVm.select(null, "all", Releases.all()).stream().map(KernelCatalog.Kernel::release).toList();
        assertThat(all).isEqualTo(KernelCatalog.load().kernels().stream().map(KernelCatalog.Kernel::release).toList());
        assertThat(MatrixVm.select("6.1,6.1.0-57-amd64", "all", Releases.all())).extracting(KernelCatalog.Kernel::release)
                .containsExactly("6.1.0-57-amd64");
    }

    /** Bad --vm is exit 2 before anything boots or the oracle is asked (so also without root). */
    @Test
    void badVmIsOneLineExit2() {
        Cli.Result noLive = Cli.run("matrix", img(), "--vm", "6.1");
        assertThat(noLive.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(noLive.err().strip()).isEqualTo("erofs-sim matrix: --vm '6.1': needs --live");
        Cli.Result unknown = Cli.run("matrix", img(), "--live", "--vm", "5.10");
        assertThat(unknown.exit()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(unknown.err()).startsWith("erofs-sim matrix: --vm: unknown kernel '5.10'").doesNotContain("\n\tat ");
    }

    private static byte[] bytes(ImageBytes b) {
        byte[] out = new byte[(int) b.size()];
        b.read(0, out, 0, out.length);
        return out;
    }
}
