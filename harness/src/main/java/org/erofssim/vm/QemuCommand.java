package org.erofssim.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line of a boot (shared/research/kernel-vms.md section 2): TCG (stock Debian
 * kernels do not run under this host's kvm_pvm), no default devices, serial console on stdio,
 * {@code -no-reboot} with {@code panic=-1} so that a dying {@code /init} or a panic ends QEMU, the
 * host root read-only and the run folder read-write over virtio-9p. The guest's command travels
 * as a file in the run folder, never on the kernel command line. {@code mitigations=off}: the
 * speculation mitigations the kernel picks for {@code -cpu max} cost every system call and return
 * to user mode extra work that TCG emulates slowly; the guest runs only our own observer, and the
 * mitigations change nothing the oracle observes (docs/VM-ORACLE.md has the A/B measurement).
 * {@code no_timer_check}: on a loaded host a TCG guest's boot-time check of the IO-APIC timer can
 * miss its ticks and panic ("IO-APIC + timer doesn't work!", seen once on 7.3 at load 16-17 in
 * session 15), which a fuzz batch would take for a kernel crash; the check only decides how the
 * timer interrupt is wired at boot, nothing erofs does.
 * {@code log_buf_len=4M} ({@link #LOG_BUF_LEN}): Debian's kernels keep 128 KiB of log
 * ({@code CONFIG_LOG_BUF_SHIFT=17}, about 1,250 erofs error lines); a fuzz case whose reads print
 * more lost its oldest records before the runner read its window (6.1, seed 15: cases 48 and 246
 * print about 1,430), and which ones survived raced the kernel's readahead. 4 MiB keeps about 40,000
 * such lines (about 19 MiB of the guest's 2 GiB with the record descriptors); a case that still
 * overflows it is flagged ({@code kmsgLost}, docs/VM-ORACLE.md "Session 16").
 */
public record QemuCommand(Path qemu, Path vmlinuz, Path initrd, Path runDir, int cpus, int memoryMiB, Path scratchDisk,
        Path keep) {
    /**
     * The guest kernel's log buffer ({@code log_buf_len=}); {@code -Derofssim.vm.logBufLen=} (empty)
     * leaves the kernel's own size, another value replaces it (for measurements).
     */
    static final String LOG_BUF_LEN = System.getProperty("erofssim.vm.logBufLen", "4M");

    /** The research's defaults: {@code -smp 2 -m 2048}; no scratch disk. */
    public static QemuCommand of(Path qemu, BootKernel.Prepared k, Path runDir) {
        return of(qemu, k, runDir, null);
    }

    /**
     * As {@link #of(Path, BootKernel.Prepared, Path)}, with a raw ext4 image as the guest's
     * {@code /dev/vda}, mounted on its /tmp (a file-backed mount refuses a file on tmpfs).
     */
    public static QemuCommand of(Path qemu, BootKernel.Prepared k, Path runDir, Path scratchDisk) {
        return new QemuCommand(qemu, k.kernelImage(), k.initrd(), runDir, 2, 2048, scratchDisk, null);
    }

    /**
     * The same boot, with {@code dir} (a host folder under /tmp, such as a checkout cloned there)
     * still visible at its own path in the guest, whose /tmp is its own scratch: the guest's init
     * binds it back over the scratch ({@code erv.keep=DIR}). Other folders are returned unchanged.
     */
    public QemuCommand keeping(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (!d.startsWith("/tmp") || d.equals(Path.of("/tmp"))) {
            return this;
        }
        return new QemuCommand(qemu, vmlinuz, initrd, runDir, cpus, memoryMiB, scratchDisk, d);
    }

    public List<String> argv() {
        String out = runDir.toAbsolutePath().toString();
        if (out.contains(",") || out.contains(" ")) {
            throw new IllegalArgumentException("run folder path with ',' or ' ': " + out);
        }
        if (keep != null && !keep.toString().matches("[A-Za-z0-9_./+-]+")) {
            throw new IllegalArgumentException("a folder to keep in the guest with characters a kernel command line cannot carry: " + keep);
        }
        List<String> a = new ArrayList<>(List.of(qemu.toString(),
                "-nodefaults", "-no-user-config", "-machine", "pc", "-accel", "tcg,thread=multi", "-cpu", "max",
                "-smp", Integer.toString(cpus), "-m", Integer.toString(memoryMiB),
                "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                "-kernel", vmlinuz.toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 loglevel=4 panic=-1 mitigations=off no_timer_check"
                        + (LOG_BUF_LEN.matches("[0-9]+[KMG]?") ? " log_buf_len=" + LOG_BUF_LEN : "") + " erv.out=" + out + (scratchDisk == null ? "" : " erv.scratch=vda")
                        + (keep == null ? "" : " erv.keep=" + keep),
                "-fsdev", "local,id=" + GuestInit.ROOT_TAG + ",path=/,security_model=none,readonly=on,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=" + GuestInit.ROOT_TAG + ",mount_tag=" + GuestInit.ROOT_TAG,
                "-fsdev", "local,id=" + GuestInit.OUT_TAG + ",path=" + out + ",security_model=none,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=" + GuestInit.OUT_TAG + ",mount_tag=" + GuestInit.OUT_TAG));
        if (scratchDisk != null) {
            String d = scratchDisk.toAbsolutePath().toString();
            if (d.contains(",")) {
                throw new IllegalArgumentException("scratch disk path with ',': " + d);
            }
            a.addAll(List.of("-drive", "file=" + d + ",if=virtio,format=raw,cache=unsafe"));
        }
        return a;
    }
}
