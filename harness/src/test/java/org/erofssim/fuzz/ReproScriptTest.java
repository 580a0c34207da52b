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

    @Test
    void theScriptOfASyntheticFindingParsesAndCleansUpOnEveryPath() throws Exception {
        MountOutcome model = new MountOutcome.Failed(Errno.EINVAL, Mode.BDEV,
                List.of("erofs (device loop0): extra devices don't match (ondisk 1, given 5)"), List.of());
        MountOutcome kernel = new MountOutcome.Failed(Errno.EIO, Mode.BDEV, List.of("erofs: planted"), List.of());
        String text = ReproScript.script(SYNTHETIC, "DIVERGENCE", "model and kernel differ in 1 field(s):\n  errno",
                List.of(new ReproScript.Stated("expected (model 6.18.44)", model),
                        new ReproScript.Stated("observed (kernel 6.18.44-x)", kernel)));
        Path script = dir.resolve("repro.sh");
        Files.writeString(script, text, StandardCharsets.UTF_8);
        Process p = HostTools.processBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("sh -n: " + out).isZero();
        assertThat(text).startsWith("#!/bin/sh\n")
                .contains("trap cleanup EXIT", "trap 'exit 130' INT TERM HUP", "umount \"$work/mnt\"",
                        "losetup -d \"$l\"", "rm -rf \"$work\"", "work=$(mktemp -d")
                .contains("losetup -f --show -r", "mount(argv[1], argv[2], \"erofs\", MS_RDONLY, data)", "cc -o")
                .contains("# expected (model 6.18.44): EINVAL", "# observed (kernel 6.18.44-x): EIO",
                        "#   dmesg: erofs: planted", "CONFIG_EROFS_FS_ONDEMAND=y")
                .contains("device=$dev0,device=$dev1,device=$dev2,device=$dev3,device=$dev4,acl,"
                        + "source=/a \\\"b\\\" \\$HOME \\`x\\`,dax=never")
                .contains("cp -r \"$work/mnt/.\"", "echo \"$marker\" > /dev/kmsg");
        // every loop device attached is recorded for the cleanup
        assertThat(text).contains("loops=\"$loops $src\"", "loops=\"$loops $dev0\"");
        // no command of the script needs erofs-sim (only the comments name it)
        assertThat(text.lines().filter(l -> !l.startsWith("#"))).noneMatch(l -> l.contains("erofs-sim"));
    }

    @Test
    void aFileSourceWithoutDevicesNeedsNoLoopDevice() {
        FuzzCase c = new FuzzCase(BaseImage.PLAIN, Source.FILE, true, List.of(), List.of(), false);
        String text = ReproScript.script(c, "MODEL_ERROR", "x", List.of(new ReproScript.Stated("expected", null)));
        assertThat(text).contains("src=\"$work/image.erofs\"", "opts=\"\"", "# expected: none")
                .doesNotContain("$(attach");
    }
}
