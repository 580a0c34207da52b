package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.erofssim.contract.MountOutcome;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.fuzz.FuzzCase.Source;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FieldEdit.Verb;
import org.erofssim.sb.Mode;
import org.erofssim.tools.HostTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** repro.sh: a shell script that {@code sh -n} accepts, with its cleanup trap, its mount(2) caller and both outcomes. */
class ReproScriptTest {
    @TempDir
    Path dir;

    static final FuzzCase SYNTHETIC = new FuzzCase(BaseImage.MULTIDEV, Source.BDEV, false,
            List.of(SlotEdit.slot(0, DeviceSlotField.BLOCKS_LO, Verb.SET, 7)),
            List.of(DeviceArg.BLOB_BDEV, DeviceArg.BLOB_FILE, DeviceArg.PRIMARY_FILE, DeviceArg.DIR, DeviceArg.MISSING),
            true, List.of(new FuzzCase.ByteEdit(1100, 0xff)), List.of("acl", "source=/a \"b\" $HOME `x`", "dax=never"),
            Map.of(ConfigFlag.EROFS_FS_ONDEMAND, true));

    /** {@code sh -n} (dash) of the script, and {@code bash -n} where bash is installed. */
    private void parses(String text, String name) throws Exception {
        Path script = dir.resolve(name);
        Files.writeString(script, text, StandardCharsets.UTF_8);
        for (String shell : List.of("sh", "bash")) {
            if (shell.equals("bash") && HostTools.find("bash").isEmpty()) {
                continue;
            }
            Process p = HostTools.processBuilder(shell, "-n", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(shell + " -n " + name + ": " + out).isZero();
        }
    }

    static final MountOutcome MODEL = new MountOutcome.Failed(Errno.EINVAL, Mode.BDEV,
            List.of("erofs (device loop0): extra devices don't match (ondisk 1, given 5)"), List.of());
    static final MountOutcome KERNEL = new MountOutcome.Failed(Errno.EIO, Mode.BDEV, List.of("erofs: planted"), List.of());
    static final List<ReproScript.Stated> BOTH = List.of(new ReproScript.Stated("expected (model 6.18.44)", MODEL),
            new ReproScript.Stated("observed (kernel 6.18.44-x)", KERNEL));

    @Test
    void theScriptOfASyntheticFindingParsesAndCleansUpOnEveryPath() throws Exception {
        String text = ReproScript.script(SYNTHETIC, "DIVERGENCE", "model and kernel differ in 1 field(s):\n  errno", BOTH);
        parses(text, "repro.sh");
        assertThat(text).startsWith("#!/bin/sh\n")
                .contains("trap cleanup EXIT", "trap 'exit 130' INT TERM HUP", "for m in $mounts; do umount \"$m\"",
                        "losetup -d \"$l\"", "rm -rf \"$work\"", "work=$(mktemp -d")
                .contains("losetup -f --show -r", "mount(argv[2], argv[3], \"erofs\", MS_RDONLY, data)", "cc -o")
                .contains("# expected (model 6.18.44): EINVAL", "# observed (kernel 6.18.44-x): EIO",
                        "#   dmesg: erofs: planted", "CONFIG_EROFS_FS_ONDEMAND=y")
                .contains("device=$dev0,device=$dev1,device=$dev2,device=$dev3,device=$dev4,acl,"
                        + "source=/a \\\"b\\\" \\$HOME \\`x\\`,dax=never")
                .contains("find \"$work/mnt\" -type f -exec cat {} + >/dev/null", "ls -laR \"$work/mnt\"", "echo \"$marker\" > /dev/kmsg", "grep -F -i -e erofs -e \"$src\"")
                // expected and observed errno and log lines, and which of them the kernel gave
                .contains("echo \"    erofs: planted\"", "\"errno 22\"|\"errno 22 \"*", "\"errno 5\"|\"errno 5 \"*",
                        "the kernel's answer (errno 22) is the one expected (model 6.18.44) gave");
        // every loop device attached is recorded for the cleanup (outside the $(...) that attaches it)
        assertThat(text).contains("loops=\"$loops $src\"", "loops=\"$loops $dev0\"");
        // no command of the script needs erofs-sim (only the comments name it)
        assertThat(text.lines().filter(l -> !l.startsWith("#"))).noneMatch(l -> l.contains("erofs-sim"));
    }

    @Test
    void aFileSourceWithoutDevicesNeedsNoLoopDevice() throws Exception {
        FuzzCase c = new FuzzCase(BaseImage.PLAIN, Source.FILE, true, List.of(), List.of(), false);
        String text = ReproScript.script(c, "MODEL_ERROR", "x", List.of(new ReproScript.Stated("expected", null)));
        parses(text, "file.sh");
        assertThat(text).contains("src=$(onfs image.erofs \"$here/image.erofs\")", "opts=\"\"", "# expected: none",
                        "\"$work/m\" mount \"$src\"", "about the model")
                .doesNotContain("$(attach");
    }

    /** A case of {@code c}'s shape in {@code ctx}, with the plain image as a file (or a loop device). */
    private static FuzzCase in(FuzzCase.Context ctx, Source source) {
        return new FuzzCase(BaseImage.PLAIN, source, true, List.of(), List.of(DeviceArg.PRIMARY_FILE), true, List.of(),
                List.of("acl"), Map.of(), ctx);
    }

    @Test
    void everyMountContextIsSetUpTheWayTheLiveOracleDoesOrRefusedWithAReason() throws Exception {
        FuzzCase.Context none = FuzzCase.Context.NONE;
        Map<String, FuzzCase> cases = new java.util.LinkedHashMap<>();
        cases.put("fsopen", in(none.withFsopen(true), Source.FILE));
        for (String fs : List.of("tmpfs", "ramfs", "proc", "overlay", "erofs", "erofs-bdev")) {
            cases.put(fs, in(none.withFs(fs), Source.FILE));
        }
        cases.put("symlink on tmpfs", in(none.withFs("tmpfs"), Source.SYMLINK));
        cases.put("lbs", in(none.withLogicalBlockSize(4096), Source.BDEV));
        cases.put("same source", in(none.withBefore(FuzzCase.Before.SAME_SOURCE), Source.BDEV));
        cases.put("claimed", in(none.withBefore(FuzzCase.Before.SOURCE_CLAIMED), Source.BDEV));
        cases.put("dax", in(none.withDax(true), Source.BDEV));
        cases.put("eio", in(none.withEio(true), Source.FILE));
        cases.put("fscache", in(none.withFscache(true), Source.FILE));
        Map<String, String> text = new java.util.LinkedHashMap<>();
        for (var e : cases.entrySet()) {
            String t = ReproScript.script(e.getValue(), "DIVERGENCE", "x", BOTH);
            parses(t, e.getKey().replace(' ', '-') + ".sh");
            text.put(e.getKey(), t);
        }
        assertThat(text.get("fsopen")).contains("\"$work/m\" fsopen \"$src\"", "SYS_fsconfig", "fs_context log",
                "FSCONFIG", "fsopen/fsconfig/fsmount: $result").doesNotContain("\"$work/m\" mount \"$src\"");
        assertThat(text.get("tmpfs")).contains("mount -t tmpfs -o nosuid,nodev,mode=0755 repro \"$fsdir\"",
                "mounted \"$fsdir\"", "dev0=$(onfs dev0.img");
        assertThat(text.get("ramfs")).contains("mount -t ramfs");
        assertThat(text.get("proc")).contains("onfs() { echo /proc/version; }");
        assertThat(text.get("overlay")).contains("mount -t overlay -o \"lowerdir=$o/lower,upperdir=$o/upper,workdir=$o/work\"");
        assertThat(text.get("erofs")).contains("mkfs.erofs --quiet", "mount -t erofs -o ro \"$work/files/wrap.img\"",
                "exit 3");
        assertThat(text.get("erofs-bdev")).contains("w=$(attach \"$work/files/wrap.img\")", "loops=\"$loops $w\"");
        assertThat(text.get("symlink on tmpfs")).contains("img=$(onfs image.erofs", "ln -s \"$img\"");
        assertThat(text.get("lbs")).contains("src=$(attach \"$work/files/image.erofs\" 4096)", "${2:+-b \"$2\"}");
        assertThat(text.get("same source")).contains("\"$work/m\" mount \"$src\" \"$work/before0\" \"\"",
                "mounted \"$work/before0\"");
        assertThat(text.get("claimed")).contains("claim=$(attach", "loops=\"$loops $claim\"",
                "\"$work/m\" mount \"$claim\" \"$work/before0\" \"device=$src\"");
        for (String k : List.of("dax", "eio", "fscache")) {
            String t = text.get(k);
            // said, and stopped before anything is made or mounted
            assertThat(t).contains("not reproducible with util-linux alone", "exit 3").doesNotContain("work=$(mktemp", "losetup -f", "cc -o");
        }
    }

    @Test
    void everyFindingKindGetsAScriptThatSaysWhatItIs() throws Exception {
        for (FuzzCampaign.Kind k : FuzzCampaign.Kind.values()) {
            String t = ReproScript.script(SYNTHETIC, k.name(), "what happened", BOTH);
            parses(t, k.name() + ".sh");
            assertThat(t).contains("# erofs-sim fuzz finding: " + k.name(), "#   what happened");
            switch (k) {
                case KERNEL_CRASH, INTERRUPTED -> assertThat(t).contains("--crash-ok", "throwaway VM");
                case MODEL_ERROR, MODEL_HANG, NONDETERMINISTIC -> assertThat(t).contains("about the model");
                case CANDIDATE_REGRESSION -> assertThat(t).contains("on both releases");
                case KERNEL_TROUBLE -> assertThat(t).contains("BUG, WARNING or Oops");
                default -> assertThat(t).doesNotContain("--crash-ok");
            }
        }
    }

    @Test
    void theCProgramCompiles() throws Exception {
        if (HostTools.find("cc").isEmpty()) {
            System.out.println("ReproScriptTest: skipped compiling repro.sh's C program: " + HostTools.missingLine(
                    HostTools.declared("cc")));
            return;
        }
        String t = ReproScript.script(in(FuzzCase.Context.NONE.withFsopen(true), Source.FILE), "DIVERGENCE", "x", BOTH);
        int from = t.indexOf("<<'EOF'\n") + "<<'EOF'\n".length();
        String c = t.substring(from, t.indexOf("\nEOF\n", from) + 1);
        Path src = Files.writeString(dir.resolve("m.c"), c, StandardCharsets.UTF_8);
        Process p = HostTools.processBuilder("cc", "-Wall", "-Werror", "-o", dir.resolve("m").toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("cc: " + out).isZero();
    }
}
