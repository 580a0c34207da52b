package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.erofssim.contract.MountOutcome;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Errno;

/**
 * A finding's {@code repro.sh}: reproduces the case on any machine with util-linux and a C
 * compiler, without erofs-sim. It copies the finding's {@code image.erofs} and {@code blob.img}
 * into a fresh {@code mktemp -d} folder, sets up the case's mount context the way the live oracle
 * does (the primary on a tmpfs, ramfs, procfs, overlay or erofs when the case says so; loop
 * devices with {@code losetup -f --show -r}, with the case's logical block size; an earlier mount
 * of the same source, or one that claims the source as its {@code device=}), calls
 * {@code mount(2)} or, when the case uses the mount API, {@code fsopen}/{@code fsconfig}/
 * {@code fsmount}/{@code move_mount} through a tiny C program (so the errno is the kernel's, not
 * mount(8)'s reading of it, and the fs_context log of the mount API is printed), reads the tree
 * when the case does, prints the kernel-log lines that appeared, the expected and observed errno
 * and log lines and whether the errno is the expected or the observed one, and removes its
 * mounts, loop devices and folder on every path (a trap on EXIT, INT, TERM and HUP). Run as root.
 *
 * <p>What util-linux cannot set up is said, and the script stops with exit status 3 before it
 * touches anything: a DAX block device, page 0 failing with EIO (a device-mapper error target),
 * fscache mode (a cachefiles on-demand daemon) — the live oracle refuses those cases too — and a
 * primary on an erofs when {@code mkfs.erofs} is missing. CONFIG values a case assumes are
 * checked against {@code /boot/config-$(uname -r)} when that file exists. A case that crashed or
 * hung a (VM) kernel runs only with {@code --crash-ok}.
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

        /** What the C program prints for this outcome: "mounted", "errno N" or null (no outcome). */
        String printed() {
            if (outcome == null) {
                return null;
            }
            return outcome instanceof MountOutcome.Failed f ? "errno " + f.errno().number() : "mounted";
        }
    }

    /** The script's text for case {@code c} whose folder holds {@code image.erofs} and {@code blob.img}. */
    public static String script(FuzzCase c, String kind, String what, List<Stated> stated) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# erofs-sim fuzz finding: ").append(kind).append('\n');
        for (String line : what.split("\n")) {
            s.append("#   ").append(oneLine(line)).append('\n');
        }
        s.append("# case: ").append(oneLine(c.toString())).append('\n');
        s.append("#\n# Reproduces the case with util-linux and a C compiler only (no erofs-sim). Run as root.\n");
        s.append("# It works in a mktemp -d folder and removes its mounts, loop devices and folder on every path.\n");
        s.append(kindNote(kind));
        for (Stated st : stated) {
            s.append("# ").append(st.who()).append(": ").append(st.errno()).append('\n');
            if (st.outcome() != null) {
                for (String l : st.outcome().log()) {
                    s.append("#   dmesg: ").append(oneLine(l)).append('\n');
                }
            }
        }
        FuzzCase.Context ctx = c.context();
        if (!ctx.equals(FuzzCase.Context.NONE)) {
            s.append("# mount context: ").append(ctx).append('\n');
        }
        s.append("set -u\n");
        s.append("here=$(cd \"$(dirname \"$0\")\" && pwd)\n");
        String unsupported = unsupported(ctx);
        if (unsupported != null) {
            s.append("echo \"repro.sh: ").append(unsupported).append("\" >&2\nexit 3\n");
            return s.toString();
        }
        if (kind.equals("KERNEL_CRASH") || kind.equals("INTERRUPTED")) {
            s.append("case \"${1:-}\" in --crash-ok) ;; *) echo \"repro.sh: this case crashed, hung or interrupted a kernel:"
                    + " run it in a VM with --crash-ok\" >&2; exit 2;; esac\n");
        }
        s.append("[ \"$(id -u)\" = 0 ] || { echo \"repro.sh: run as root (losetup, mount(2))\" >&2; exit 2; }\n");
        if (!c.config().isEmpty()) {
            s.append("# the case assumes these kernel CONFIG values\n");
            s.append("cfg=/boot/config-$(uname -r)\n");
            for (Map.Entry<ConfigFlag, Boolean> e : c.config().entrySet()) {
                String sym = "CONFIG_" + e.getKey().symbol();
                String want = e.getValue() ? sym + "=y" : "# " + sym + " is not set";
                s.append("if [ -r \"$cfg\" ]; then grep -qx '").append(want).append("' \"$cfg\" || echo \"repro.sh: ")
                        .append(sym).append('=').append(e.getValue() ? 'y' : 'n')
                        .append(" assumed, $cfg says otherwise: the answer may differ\"; else echo \"repro.sh: ")
                        .append(sym).append('=').append(e.getValue() ? 'y' : 'n')
                        .append(" assumed (no $cfg to check)\"; fi\n");
            }
        }
        s.append("work=$(mktemp -d \"${TMPDIR:-/var/tmp}/erofs-repro.XXXXXX\") || exit 2\n");
        s.append("loops=\"\"\n");
        s.append("mounts=\"\"\n");
        s.append("cleanup() {\n");
        s.append("    for m in $mounts; do umount \"$m\" 2>/dev/null || umount -l \"$m\" 2>/dev/null; done\n");
        s.append("    for l in $loops; do losetup -d \"$l\" 2>/dev/null; done\n");
        s.append("    rm -rf \"$work\"\n");
        s.append("}\n");
        s.append("trap cleanup EXIT\n");
        s.append("trap 'exit 130' INT TERM HUP\n");
        // LIFO: the mount made last is unmounted first
        s.append("mounted() { mounts=\"$1 $mounts\"; }\n");
        // prints the loop device; the caller records it in $loops (a $(...) runs in a subshell)
        s.append("attach() { losetup -f --show -r ${2:+-b \"$2\"} \"$1\"; }\n");
        s.append("mkdir \"$work/mnt\" \"$work/files\" || exit 2\n");
        s.append("echo \"repro.sh: working in $work ($(stat -f -c %T \"$work\"))\"\n");
        cProgram(s);
        backingFs(s, ctx.fs());
        String onFs = "onfs";
        boolean bdev = false;
        switch (c.source()) {
            case FILE -> s.append("src=$(").append(onFs).append(" image.erofs \"$here/image.erofs\") || exit 2\n");
            case BDEV -> {
                bdev = true;
                s.append("cp \"$here/image.erofs\" \"$work/files/image.erofs\" || exit 2\n");
                s.append("src=$(attach \"$work/files/image.erofs\"")
                        .append(ctx.logicalBlockSize() != 0 ? " " + ctx.logicalBlockSize() : "").append(") || exit 2\n")
                        .append("loops=\"$loops $src\"\n");
            }
            case DIR -> s.append("mkdir \"$work/imagedir\" && src=\"$work/imagedir\"\n");
            case MISSING -> s.append("src=\"$work/noimage.erofs\"\n");
            case LONG_PATH -> s.append("src=\"$work/$(printf '%04100d' 0).erofs\"\n");
            case SYMLINK -> s.append("img=$(").append(onFs).append(" image.erofs \"$here/image.erofs\") || exit 2\n")
                    .append("ln -s \"$img\" \"$work/link.erofs\" && src=\"$work/link.erofs\"\n");
            case CHARDEV -> s.append("src=/dev/null\n");
        }
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < c.devices().size(); i++) {
            DeviceArg d = c.devices().get(i);
            String var = "dev" + i;
            switch (d) {
                case BLOB_FILE -> s.append("cp \"$here/blob.img\" \"$work/files/").append(var).append(".img\" || exit 2\n")
                        .append(var).append("=\"$work/files/").append(var).append(".img\"\n");
                case BLOB_BDEV -> s.append("cp \"$here/blob.img\" \"$work/files/").append(var).append(".img\" || exit 2\n")
                        .append(var).append("=$(attach \"$work/files/").append(var).append(".img\") || exit 2\n")
                        .append("loops=\"$loops $").append(var).append("\"\n");
                case PRIMARY_FILE -> s.append(var).append("=$(").append(onFs).append(' ').append(var)
                        .append(".img \"$here/image.erofs\") || exit 2\n");
                case DIR -> s.append("mkdir \"$work/").append(var).append("\"\n").append(var).append("=\"$work/")
                        .append(var).append("\"\n");
                case MISSING -> s.append(var).append("=\"$work/").append(var).append(".missing\"\n");
            }
            opts.add("device=$" + var);
        }
        for (String o : c.options()) {
            opts.add(shellWord(o));
        }
        s.append("finishfs || exit 2\n");
        s.append("opts=\"").append(String.join(",", opts)).append("\"\n");
        switch (ctx.before()) {
            case NONE -> { }
            case SAME_SOURCE -> s.append("# before: the same source mounted read-only\n")
                    .append("mkdir \"$work/before0\" && \"$work/m\" mount \"$src\" \"$work/before0\" \"\" "
                            + "| sed 's/^/before mount: /'; grep -q \" $work/before0 \" /proc/self/mounts && mounted \"$work/before0\"\n");
            case SOURCE_CLAIMED -> s.append("# before: the image on another loop device, mounted with device=<the source>\n")
                    .append("cp \"$here/image.erofs\" \"$work/files/claim.erofs\" || exit 2\n")
                    .append("claim=$(attach \"$work/files/claim.erofs\") || exit 2\n")
                    .append("loops=\"$loops $claim\"\n")
                    .append("mkdir \"$work/before0\" && \"$work/m\" mount \"$claim\" \"$work/before0\" \"device=$src\" "
                            + "| sed 's/^/before mount: /'; grep -q \" $work/before0 \" /proc/self/mounts && mounted \"$work/before0\"\n");
        }
        // a marker in the kernel log (a full ring buffer makes line counts useless); other
        // processes' erofs mounts may still print between the marker and the end
        s.append("marker=\"erofs-repro: mount from $work\"\n");
        s.append("echo \"$marker\" > /dev/kmsg\n");
        String api = ctx.fsopen() ? "fsopen" : "mount";
        s.append("result=$(\"$work/m\" ").append(api).append(" \"$src\" \"$work/mnt\" \"$opts\")\n");
        s.append("echo \"").append(ctx.fsopen() ? "fsopen/fsconfig/fsmount" : "mount(2)").append(": $result\"\n");
        s.append("case $result in mounted*) mounted \"$work/mnt\";; esac\n");
        if (c.read()) {
            // listed and read to /dev/null, not copied: a fuzzed i_size can be terabytes
            s.append("case $result in mounted*) echo \"reading the tree\"; if command -v timeout >/dev/null; then to=\"timeout 120\"; "
                    + "else to=; fi; $to ls -laR \"$work/mnt\" >/dev/null || echo \"listing the tree failed\"; "
                    + "$to find \"$work/mnt\" -type f -exec cat {} + >/dev/null || echo \"reading the tree failed\";; esac\n");
        }
        s.append("echo \"kernel log lines since the mount (erofs lines and VFS lines naming the source; another process's"
                + " erofs lines may be among them):\"\n");
        s.append("dmesg | grep -F -A 100000 \"$marker\" | grep -v -F \"$marker\" | grep -F -i -e erofs -e \"$src\"\n");
        verdict(s, stated);
        return s.toString();
    }

    /** The stated outcomes with their log lines, and whether the kernel's answer is each one's. */
    private static void verdict(StringBuilder s, List<Stated> stated) {
        for (Stated st : stated) {
            s.append("echo \"").append(shellWord(st.who())).append(": ").append(shellWord(st.errno())).append("\"\n");
            if (st.outcome() != null) {
                for (String l : st.outcome().log()) {
                    s.append("echo \"    ").append(shellWord(oneLine(l))).append("\"\n");
                }
            }
        }
        for (Stated st : stated) {
            if (st.printed() != null) {
                s.append("case $result in \"").append(st.printed()).append("\"|\"").append(st.printed())
                        .append(" \"*) echo \"the kernel's answer (").append(st.printed()).append(") is the one ")
                        .append(shellWord(st.who())).append(" gave\";; *) echo \"the kernel's answer is not the one ")
                        .append(shellWord(st.who())).append(" gave (").append(st.printed()).append(")\";; esac\n");
            }
        }
    }

    /** What the finding's kind means for the person running the script (a comment block). */
    private static String kindNote(String kind) {
        return switch (kind) {
            case "MODEL_ERROR", "MODEL_HANG", "NONDETERMINISTIC" ->
                    "# The finding is about the model (erofs-sim): the kernel's answer this script prints is what the model\n"
                            + "# should have given.\n";
            case "CANDIDATE_REGRESSION" ->
                    "# Two kernel releases answered differently where their models agree: run this script on both releases\n"
                            + "# named above and compare the errno and log lines.\n";
            case "KERNEL_CRASH", "INTERRUPTED" ->
                    "# WARNING: this case crashed or hung a kernel (serial.log beside this script, when a VM ran it) or\n"
                            + "# stopped a campaign mid-observation: run it in a throwaway VM only (repro.sh --crash-ok).\n";
            case "KERNEL_TROUBLE" -> "# The kernel logged a BUG, WARNING or Oops on this case (the lines above).\n";
            default -> "";
        };
    }

    /** Why the script cannot set the context up with util-linux alone, or null. */
    private static String unsupported(FuzzCase.Context ctx) {
        if (ctx.dax()) {
            return "the case needs a DAX-capable block device (a loop device is not): not reproducible with util-linux alone";
        }
        if (ctx.eio()) {
            return "the case needs page 0 of the image to fail with EIO (a device-mapper error target):"
                    + " not reproducible with util-linux alone";
        }
        if (ctx.fscache()) {
            return "the case runs in fscache mode (fsid=, a cachefiles on-demand daemon serving the image):"
                    + " not reproducible with util-linux alone";
        }
        return null;
    }

    /**
     * The shell functions {@code onfs NAME FILE} (puts a copy of FILE on the case's backing
     * filesystem and prints its path) and {@code finishfs} (called once all files are placed:
     * an erofs backing filesystem is made and mounted only then), for backing filesystem {@code fs}
     * (a {@code BackingFs} contract name, null: the work folder's own).
     */
    private static void backingFs(StringBuilder s, String fs) {
        String plain = "onfs() { cp \"$2\" \"$fsdir/$1\" && echo \"$fsdir/$1\"; }\nfinishfs() { :; }\n";
        if (fs == null) {
            s.append("fsdir=\"$work/files\"\n").append(plain);
            return;
        }
        switch (fs) {
            case "tmpfs", "ramfs" -> s.append("fsdir=\"$work/").append(fs).append("\"\nmkdir \"$fsdir\" || exit 2\n")
                    .append("mount -t ").append(fs).append(" -o nosuid,nodev,mode=0755 repro \"$fsdir\" || exit 2\n")
                    .append("mounted \"$fsdir\"\n").append(plain);
            case "proc" -> s.append("# the file is /proc/version (a file on procfs; its content is not the image's)\n")
                    .append("onfs() { echo /proc/version; }\nfinishfs() { :; }\n");
            case "overlay" -> s.append("o=\"$work/ovl\"\nmkdir -p \"$o/lower\" \"$o/upper\" \"$o/work\" \"$o/merged\" || exit 2\n")
                    .append("mount -t overlay -o \"lowerdir=$o/lower,upperdir=$o/upper,workdir=$o/work\" repro \"$o/merged\" || exit 2\n")
                    .append("mounted \"$o/merged\"\nfsdir=\"$o/merged\"\n").append(plain);
            case "erofs", "erofs-bdev" -> {
                s.append("command -v mkfs.erofs >/dev/null || { echo \"repro.sh: the primary lies on an erofs:"
                        + " this needs mkfs.erofs (erofs-utils)\" >&2; exit 3; }\n");
                s.append("mkdir \"$work/wrapsrc\" \"$work/wrap\" || exit 2\n");
                s.append("onfs() { cp \"$2\" \"$work/wrapsrc/$1\" && echo \"$work/wrap/$1\"; }\n");
                s.append("finishfs() {\n    mkfs.erofs --quiet \"$work/files/wrap.img\" \"$work/wrapsrc\" >/dev/null || return 1\n");
                if (fs.equals("erofs")) {
                    s.append("    mount -t erofs -o ro \"$work/files/wrap.img\" \"$work/wrap\" || return 1\n");
                } else {
                    s.append("    w=$(attach \"$work/files/wrap.img\") || return 1\n");
                    s.append("    loops=\"$loops $w\"\n");
                    s.append("    mount -t erofs -o ro \"$w\" \"$work/wrap\" || return 1\n");
                }
                s.append("    mounted \"$work/wrap\"\n}\n");
            }
            default -> s.append("echo \"repro.sh: backing filesystem ").append(fs)
                    .append(" is not known to this script\" >&2\nexit 3\n");
        }
    }

    /**
     * The C program: {@code m mount|fsopen SOURCE TARGET OPTIONS}. {@code mount} calls mount(2)
     * read-only with the option string; {@code fsopen} does what the live oracle's mount API path
     * does ({@code FsApi}): fsopen, {@code ro} as a flag, the source as a string, one fsconfig per
     * option (a bare key as a flag, {@code key=value} as a string), create, fsmount, move_mount,
     * and prints the fs_context log. Prints "mounted" or "errno N (NAME: text)".
     */
    private static void cProgram(StringBuilder s) {
        s.append("cat > \"$work/m.c\" <<'EOF'\n");
        s.append("#define _GNU_SOURCE\n#include <errno.h>\n#include <fcntl.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
                + "#include <string.h>\n#include <unistd.h>\n#include <sys/mount.h>\n#include <sys/syscall.h>\n");
        // x86-64 numbers when the C library's headers are older than the mount API
        s.append("#ifndef SYS_fsopen\n#define SYS_move_mount 429\n#define SYS_fsopen 430\n#define SYS_fsconfig 431\n"
                + "#define SYS_fsmount 432\n#endif\n");
        s.append("static const char *name(int e) {\n    switch (e) {\n");
        for (Errno e : Errno.values()) {
            s.append("    case ").append(e.number()).append(": return \"").append(e.name()).append("\";\n");
        }
        s.append("    default: return \"?\";\n    }\n}\n");
        s.append("static int fail(const char *what) { int e = errno; printf(\"errno %d (%s: %s, in %s)\\n\", e, name(e), "
                + "strerror(e), what); return 1; }\n");
        s.append("static void fclog(int fd) {\n    char buf[8192];\n    for (int i = 0; i < 64; i++) {\n"
                + "        ssize_t n = read(fd, buf, sizeof buf - 1);\n        if (n <= 0) return;\n"
                + "        buf[n] = 0;\n        printf(\"fs_context log: %s%s\", buf, n > 0 && buf[n - 1] == '\\n' ? \"\" : \"\\n\");\n"
                + "    }\n}\n");
        s.append("/* fsconfig commands (include/uapi/linux/mount.h): FSCONFIG_SET_FLAG 0, FSCONFIG_SET_STRING 1,"
                + " FSCONFIG_CMD_CREATE 6; FSOPEN_CLOEXEC 1, FSMOUNT_CLOEXEC 1, MOVE_MOUNT_F_EMPTY_PATH 4 */\n");
        s.append("static int viafsopen(const char *src, const char *dst, char *opts) {\n"
                + "    int fd = syscall(SYS_fsopen, \"erofs\", 1);\n    if (fd < 0) return fail(\"fsopen\");\n"
                + "    int r = 0;\n    const char *what = NULL;\n"
                + "    if (syscall(SYS_fsconfig, fd, 0, \"ro\", NULL, 0) < 0) what = \"fsconfig ro\";\n"
                + "    else if (syscall(SYS_fsconfig, fd, 1, \"source\", src, 0) < 0) what = \"fsconfig source\";\n"
                + "    if (!what && opts[0]) {\n"
                + "        /* split at every comma, empty items included, like the oracle's split(\",\", -1) */\n"
                + "        char *p = opts;\n        for (;;) {\n            char *comma = strchr(p, ',');\n"
                + "            if (comma) *comma = 0;\n            char *eq = strchr(p, '=');\n"
                + "            long rc;\n            if (eq) { *eq = 0; rc = syscall(SYS_fsconfig, fd, 1, p, eq + 1, 0); *eq = '='; }\n"
                + "            else rc = syscall(SYS_fsconfig, fd, 0, p, NULL, 0);\n"
                + "            if (rc < 0) { what = \"fsconfig option\"; break; }\n"
                + "            if (!comma) break;\n            p = comma + 1;\n        }\n    }\n"
                + "    if (!what && syscall(SYS_fsconfig, fd, 6, NULL, NULL, 0) < 0) what = \"fsconfig create\";\n"
                + "    if (!what) {\n        int mfd = syscall(SYS_fsmount, fd, 1, 0);\n"
                + "        if (mfd < 0) what = \"fsmount\";\n"
                + "        else if (syscall(SYS_move_mount, mfd, \"\", AT_FDCWD, dst, 4) < 0) what = \"move_mount\";\n"
                + "        if (mfd >= 0) { int e = errno; close(mfd); errno = e; }\n    }\n"
                + "    if (what) r = fail(what); else printf(\"mounted\\n\");\n"
                + "    fclog(fd);\n    close(fd);\n    return r;\n}\n");
        s.append("int main(int argc, char **argv) {\n"
                + "    if (argc < 5) { fprintf(stderr, \"usage: m mount|fsopen SOURCE TARGET OPTIONS\\n\"); return 2; }\n"
                + "    if (strcmp(argv[1], \"fsopen\") == 0) return viafsopen(argv[2], argv[3], argv[4]);\n"
                + "    const char *data = argv[4][0] ? argv[4] : NULL;\n"
                + "    if (mount(argv[2], argv[3], \"erofs\", MS_RDONLY, data) == 0) { printf(\"mounted\\n\"); return 0; }\n"
                + "    return fail(\"mount(2)\");\n}\nEOF\n");
        s.append("cc -o \"$work/m\" \"$work/m.c\" || { echo \"repro.sh: cc failed\" >&2; exit 2; }\n");
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
