package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erofssim.contract.MountOutcome;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.kernel.ConfigFlag;

/**
 * A finding's {@code repro.sh}: reproduces the case on any machine with util-linux and a C
 * compiler, without erofs-sim. It copies the finding's {@code image.erofs} and {@code blob.img}
 * into a fresh {@code mktemp -d} folder, attaches loop devices where the case has block devices
 * ({@code losetup -f --show -r}), calls {@code mount(2)} through a tiny C program (so the errno is
 * the kernel's, not mount(8)'s reading of it), prints the kernel-log lines that appeared and the
 * expected and observed outcomes, and removes its mount, loop devices and folder on every path
 * (a trap on EXIT, INT, TERM and HUP). Run as root.
 */
public final class ReproScript {
    private ReproScript() {}

    /**
     * One outcome the script states: who gave it and what it was.
     *
     * @param who     e.g. "model 6.18.44" or "kernel 6.18.44-fc-v782"
     * @param outcome the outcome (null: none, e.g. the model failed)
     */
    public record Stated(String who, MountOutcome outcome) {
        String errno() {
            if (outcome == null) {
                return "none";
            }
            return outcome instanceof MountOutcome.Failed f ? f.errno().name() : CaseStatistics.label(outcome);
        }
    }

    /** The script's text for case {@code c} whose folder holds {@code image.erofs} and {@code blob.img}. */
    public static String script(FuzzCase c, String kind, String what, List<Stated> stated) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# erofs-sim fuzz finding: ").append(kind).append('\n');
        for (String line : what.split("\n")) {
            s.append("#   ").append(line).append('\n');
        }
        s.append("# case: ").append(oneLine(c.toString())).append('\n');
        s.append("#\n# Reproduces the case with util-linux and a C compiler only (no erofs-sim). Run as root.\n");
        s.append("# It works in a mktemp -d folder and removes its mount, loop devices and folder on every path.\n");
        for (Stated st : stated) {
            s.append("# ").append(st.who()).append(": ").append(st.errno()).append('\n');
            if (st.outcome() != null) {
                for (String l : st.outcome().log()) {
                    s.append("#   dmesg: ").append(oneLine(l)).append('\n');
                }
            }
        }
        if (!c.context().equals(FuzzCase.Context.NONE)) {
            // the script mounts with mount(2) on a plain file or loop device: a context it does not set up is named
            s.append("# The case's mount context (").append(c.context())
                    .append(") is not set up by this script: replay it with erofs-sim compare scenario.json\n");
        }
        if (!c.config().isEmpty()) {
            s.append("# The case assumes these kernel CONFIG values (check /boot/config-$(uname -r)):");
            for (Map.Entry<ConfigFlag, Boolean> e : c.config().entrySet()) {
                s.append(" CONFIG_").append(e.getKey().symbol()).append('=').append(e.getValue() ? 'y' : 'n');
            }
            s.append('\n');
        }
        s.append("set -u\n");
        s.append("here=$(cd \"$(dirname \"$0\")\" && pwd)\n");
        s.append("[ \"$(id -u)\" = 0 ] || { echo \"repro.sh: run as root (losetup, mount(2))\" >&2; exit 2; }\n");
        s.append("work=$(mktemp -d /tmp/erofs-repro.XXXXXX) || exit 2\n");
        s.append("loops=\"\"\n");
        s.append("cleanup() {\n");
        s.append("    umount \"$work/mnt\" 2>/dev/null\n");
        s.append("    for l in $loops; do losetup -d \"$l\" 2>/dev/null; done\n");
        s.append("    rm -rf \"$work\"\n");
        s.append("}\n");
        s.append("trap cleanup EXIT\n");
        s.append("trap 'exit 130' INT TERM HUP\n");
        s.append("mkdir \"$work/mnt\" || exit 2\n");
        s.append("cp \"$here/image.erofs\" \"$work/image.erofs\" || exit 2\n");
        s.append("attach() { losetup -f --show -r \"$1\"; }\n");
        switch (c.source()) {
            case FILE -> s.append("src=\"$work/image.erofs\"\n");
            case BDEV -> s.append("src=$(attach \"$work/image.erofs\") || exit 2\nloops=\"$loops $src\"\n");
            case DIR -> s.append("mkdir \"$work/imagedir\" && src=\"$work/imagedir\"\n");
            case MISSING -> s.append("src=\"$work/noimage.erofs\"\n");
            case LONG_PATH -> s.append("src=\"$work/$(printf '%04100d' 0).erofs\"\n");
            case SYMLINK -> s.append("ln -s \"$work/image.erofs\" \"$work/link.erofs\" && src=\"$work/link.erofs\"\n");
            case CHARDEV -> s.append("src=/dev/null\n");
        }
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < c.devices().size(); i++) {
            DeviceArg d = c.devices().get(i);
            String var = "dev" + i;
            switch (d) {
                case BLOB_FILE -> s.append("cp \"$here/blob.img\" \"$work/").append(var).append(".img\" || exit 2\n")
                        .append(var).append("=\"$work/").append(var).append(".img\"\n");
                case BLOB_BDEV -> s.append("cp \"$here/blob.img\" \"$work/").append(var).append(".img\" || exit 2\n")
                        .append(var).append("=$(attach \"$work/").append(var).append(".img\") || exit 2\n")
                        .append("loops=\"$loops $").append(var).append("\"\n");
                case PRIMARY_FILE -> s.append("cp \"$here/image.erofs\" \"$work/").append(var).append(".img\" || exit 2\n")
                        .append(var).append("=\"$work/").append(var).append(".img\"\n");
                case DIR -> s.append("mkdir \"$work/").append(var).append("\"\n").append(var).append("=\"$work/")
                        .append(var).append("\"\n");
                case MISSING -> s.append(var).append("=\"$work/").append(var).append(".missing\"\n");
            }
            opts.add("device=$" + var);
        }
        for (String o : c.options()) {
            opts.add(shellWord(o));
        }
        s.append("opts=\"").append(String.join(",", opts)).append("\"\n");
        s.append("cat > \"$work/m.c\" <<'EOF'\n");
        s.append("#include <errno.h>\n#include <stdio.h>\n#include <string.h>\n#include <sys/mount.h>\n");
        s.append("int main(int argc, char **argv) {\n");
        s.append("    const char *data = argc > 3 && argv[3][0] ? argv[3] : NULL;\n");
        s.append("    if (mount(argv[1], argv[2], \"erofs\", MS_RDONLY, data) == 0) { printf(\"mounted\\n\"); return 0; }\n");
        s.append("    printf(\"errno %d (%s)\\n\", errno, strerror(errno));\n    return 1;\n}\nEOF\n");
        s.append("cc -o \"$work/m\" \"$work/m.c\" || { echo \"repro.sh: cc failed\" >&2; exit 2; }\n");
        // a marker in the kernel log (a full ring buffer makes line counts useless); other
        // processes' erofs mounts may still print between the marker and the end
        s.append("marker=\"erofs-repro: mount from $work\"\n");
        s.append("echo \"$marker\" > /dev/kmsg\n");
        s.append("result=$(\"$work/m\" \"$src\" \"$work/mnt\" \"$opts\")\n");
        s.append("echo \"mount(2): $result\"\n");
        if (c.read()) {
            s.append("case $result in mounted) cp -r \"$work/mnt/.\" \"$work/copy\" || echo \"reading the tree failed\";; esac\n");
        }
        s.append("echo \"kernel log lines since the mount (another process's erofs lines may be among them):\"\n");
        s.append("dmesg | grep -F -A 100000 \"$marker\" | grep -v -F \"$marker\" | grep -i erofs\n");
        for (Stated st : stated) {
            s.append("echo \"").append(st.who()).append(": ").append(st.errno()).append("\"\n");
        }
        return s.toString();
    }

    private static String oneLine(String s) {
        String t = s.replace('\n', ' ');
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    /** An option item inside the script's double-quoted {@code opts}: $, `, " and \ escaped. */
    static String shellWord(String o) {
        return o.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`");
    }
}
