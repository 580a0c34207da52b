package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpioAndInitTest {
    record Entry(String name, int mode, int rdevMajor, int rdevMinor, byte[] data) {}

    /** Reads a newc archive back (what the kernel's initramfs unpacker does). */
    static List<Entry> read(byte[] a) {
        List<Entry> out = new ArrayList<>();
        int off = 0;
        while (true) {
            String h = new String(a, off, 110, StandardCharsets.US_ASCII);
            assertEquals("070701", h.substring(0, 6), "magic at " + off);
            int mode = Integer.parseUnsignedInt(h.substring(14, 22), 16);
            int size = Integer.parseUnsignedInt(h.substring(54, 62), 16);
            int rmaj = Integer.parseUnsignedInt(h.substring(78, 86), 16);
            int rmin = Integer.parseUnsignedInt(h.substring(86, 94), 16);
            int nsize = Integer.parseUnsignedInt(h.substring(94, 102), 16);
            String name = new String(a, off + 110, nsize - 1, StandardCharsets.UTF_8);
            assertEquals(0, a[off + 110 + nsize - 1]);
            off = (off + 110 + nsize + 3) & ~3;
            byte[] data = java.util.Arrays.copyOfRange(a, off, off + size);
            off = (off + size + 3) & ~3;
            if (name.equals("TRAILER!!!")) {
                assertEquals(a.length, off, "nothing after the trailer");
                return out;
            }
            out.add(new Entry(name, mode, rmaj, rmin, data));
        }
    }

    @Test
    void newcEntriesReadBackAlignedWithDeviceNodesAndATrailer() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Cpio c = new Cpio(bytes)) {
            c.dir("bin");
            c.charDevice("dev/console", 0600, 5, 1);
            c.file("init", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
            c.file("a", 0644, new byte[] {1, 2, 3, 4, 5});
        }
        List<Entry> e = read(bytes.toByteArray());
        assertEquals(List.of("bin", "dev/console", "init", "a"), e.stream().map(Entry::name).toList());
        assertEquals(0040755, e.get(0).mode());
        assertEquals(0020600, e.get(1).mode());
        assertEquals(5, e.get(1).rdevMajor());
        assertEquals(1, e.get(1).rdevMinor());
        assertEquals(0100755, e.get(2).mode());
        assertEquals("#!/bin/sh\n", new String(e.get(2).data(), StandardCharsets.UTF_8));
        assertEquals(5, e.get(3).data().length);
    }

    @Test
    void theInitScriptLoadsInOrderMountsTheHostAndPowersOff() {
        String s = GuestInit.script(List.of("crc32c_generic.ko", "libcrc32c.ko", "erofs.ko"));
        assertTrue(s.startsWith("#!/bin/busybox sh\n"));
        assertTrue(s.contains("for m in crc32c_generic.ko libcrc32c.ko erofs.ko; do"), s);
        assertTrue(s.contains("mount -t devtmpfs devtmpfs /dev"));
        assertTrue(s.contains("mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /host"));
        assertTrue(s.contains("erv_out \"/host$OUT\""));
        assertTrue(s.contains("chroot /host /usr/bin/env -i"));
        assertTrue(s.contains("echo $? > \"/host$OUT/rc\""));
        // tmpfs on /tmp before the run folder is mounted, so a run folder under /tmp stays visible
        assertTrue(s.indexOf("tmpfs /host/tmp") < s.indexOf("erv_out \"/host$OUT\""));
        assertTrue(s.strip().endsWith("sleep 5") && s.contains("\npoweroff -f\n"));
        // the command line is read before /proc moves into /host; the scratch ext4 replaces tmpfs on /tmp
        assertTrue(s.indexOf("erv.scratch=*) SCRATCH=") < s.indexOf("mount --move /proc /host/proc"));
        assertTrue(s.indexOf("mount -t ext4 \"/host/dev/$SCRATCH\" /host/tmp") < s.indexOf("erv_out \"/host$OUT\""));
        assertThrows(IllegalArgumentException.class, () -> GuestInit.script(List.of("x.ko; reboot")));
    }

    @Test
    void theQemuCommandLineIsTheResearchedOne() {
        BootKernel.Prepared k = new BootKernel.Prepared("6.1.0-57-amd64", Path.of("/c/boot/6.1"), List.of(), List.of());
        List<String> a = QemuCommand.of(Path.of("/usr/bin/qemu-system-x86_64"), k, Path.of("/c/runs/run-1")).argv();
        String line = String.join(" ", a);
        assertEquals("/usr/bin/qemu-system-x86_64", a.get(0));
        assertTrue(line.contains("-accel tcg,thread=multi -cpu max -smp 2 -m 2048"), line);
        assertTrue(line.contains("-no-reboot"));
        assertTrue(line.contains("-kernel /c/boot/6.1/vmlinuz -initrd /c/boot/6.1/initrd.img"));
        assertEquals("console=ttyS0 loglevel=4 panic=-1 mitigations=off no_timer_check log_buf_len=4M erv.out=/c/runs/run-1", a.get(a.indexOf("-append") + 1));
        assertTrue(line.contains("-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"));
        assertTrue(line.contains("-fsdev local,id=erv_out,path=/c/runs/run-1,security_model=none,multidevs=remap"));
        assertTrue(line.contains("-device virtio-9p-pci,fsdev=erv_out,mount_tag=erv_out"));
        assertThrows(IllegalArgumentException.class,
                () -> QemuCommand.of(Path.of("q"), k, Path.of("/c/a,b")).argv());
        assertTrue(a.stream().noneMatch(x -> x.equals("-drive")));
        List<String> d = QemuCommand.of(Path.of("q"), k, Path.of("/c/r"), Path.of("/c/r/scratch.ext4")).argv();
        assertEquals("console=ttyS0 loglevel=4 panic=-1 mitigations=off no_timer_check log_buf_len=4M erv.out=/c/r erv.scratch=vda", d.get(d.indexOf("-append") + 1));
        assertEquals("file=/c/r/scratch.ext4,if=virtio,format=raw,cache=unsafe", d.get(d.indexOf("-drive") + 1));
        // a checkout under /tmp is kept visible over the guest's own /tmp; one elsewhere needs nothing
        QemuCommand c = QemuCommand.of(Path.of("q"), k, Path.of("/c/r"), Path.of("/c/r/scratch.ext4"));
        List<String> t = c.keeping(Path.of("/tmp/x")).argv();
        assertEquals("console=ttyS0 loglevel=4 panic=-1 mitigations=off no_timer_check log_buf_len=4M erv.out=/c/r erv.scratch=vda erv.keep=/tmp/x",
                t.get(t.indexOf("-append") + 1));
        assertEquals(d, c.keeping(Path.of("/work/main")).argv());
        assertEquals(d, c.keeping(Path.of("/tmp")).argv());
        assertThrows(IllegalArgumentException.class, () -> c.keeping(Path.of("/tmp/a b")).argv());
        String init = GuestInit.script(List.of());
        assertTrue(init.contains("erv.keep=*) KEEP="), init);
        assertTrue(init.indexOf("mount --bind \"/host$KEEP\" /keep") < init.indexOf("/host/tmp || fail"), init);
        assertTrue(init.indexOf("mount --move /keep \"/host$KEEP\"") > init.indexOf("/host/tmp || fail"), init);
    }
}
