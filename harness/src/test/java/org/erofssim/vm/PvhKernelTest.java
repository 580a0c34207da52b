package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PVH kernel taken out of a bzImage: synthetic bzImages laid out as the x86 boot protocol
 * describes them (set-up header at 0x1f1, "HdrS", payload_offset/payload_length at 0x248/0x24c,
 * payload = compressed ELF followed by its little-endian uncompressed size), with the codecs
 * Debian's kernels use (xz on 6.1, zstd on 6.12 and 7.x). The real kernels boot in
 * {@code NativeGuestLiveTest} and bench's fuzz-vm group.
 */
class PvhKernelTest {
    @TempDir
    Path tmp;

    /** A minimal ELF64 with one PT_NOTE segment holding one note {@code name}/{@code type}. */
    static byte[] elf(String name, int type, int padding) {
        byte[] n = (name + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int nameLen = (n.length + 3) & ~3;
        int noteLen = 12 + nameLen + 4;
        int noteAt = 64 + 56;
        ByteBuffer b = ByteBuffer.allocate(noteAt + noteLen + padding).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
        b.putLong(0x20, 64).putShort(0x36, (short) 56).putShort(0x38, (short) 1);
        b.putInt(64, 4).putLong(64 + 8, noteAt).putLong(64 + 32, noteLen); // PT_NOTE, p_offset, p_filesz
        b.putInt(noteAt, n.length).putInt(noteAt + 4, 4).putInt(noteAt + 8, type);
        b.position(noteAt + 12);
        b.put(n);
        b.putInt(noteAt + 12 + nameLen, 0x1000000);
        for (int i = noteAt + noteLen; i < b.capacity(); i++) {
            b.put(i, (byte) (i * 31));
        }
        return b.array();
    }

    static byte[] xz(byte[] in) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (OutputStream x = new org.tukaani.xz.XZOutputStream(o, new org.tukaani.xz.LZMA2Options(),
                org.tukaani.xz.XZ.CHECK_CRC32)) {
            x.write(in);
        }
        return o.toByteArray();
    }

    static byte[] zstd(byte[] in) {
        return com.github.luben.zstd.Zstd.compress(in, 19);
    }

    /** A bzImage of protocol 2.15 with {@code setupSects} set-up sectors and {@code payload} + {@code size}. */
    static byte[] bzImage(int setupSects, byte[] payload, int size) {
        int pm = ((setupSects == 0 ? 4 : setupSects) + 1) * 512; // 0 stands for 4 (boot protocol)
        int off = 0x3c0; // the decompressor's own code comes first
        ByteBuffer b = ByteBuffer.allocate(pm + off + payload.length + 4 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) setupSects).putInt(0x202, 0x53726448).putShort(0x206, (short) 0x20f);
        b.putInt(0x248, off).putInt(0x24c, payload.length + 4);
        b.position(pm + off);
        b.put(payload).putInt(size);
        return b.array();
    }

    @Test
    void theElfOfAnXzOrZstdBzImageIsItsPayload() throws IOException {
        byte[] elf = elf("Xen", PvhKernel.XEN_ELFNOTE_PHYS32_ENTRY, 5000);
        assertArrayEquals(elf, PvhKernel.extract(bzImage(30, xz(elf), elf.length)));   // 6.1: KERNEL_XZ
        assertArrayEquals(elf, PvhKernel.extract(bzImage(39, zstd(elf), elf.length))); // 6.12, 7.x: KERNEL_ZSTD
        assertArrayEquals(elf, PvhKernel.extract(bzImage(0, zstd(elf), elf.length)));  // setup_sects 0 means 4
    }

    @Test
    void withoutThePvhEntryOrWithAWrongSizeThereIsNone() throws IOException {
        byte[] noPvh = elf("Xen", 17, 100);
        assertFalse(PvhKernel.hasPvhEntry(noPvh));
        assertNull(PvhKernel.extract(bzImage(30, xz(noPvh), noPvh.length)));
        byte[] linuxNote = elf("Linux", PvhKernel.XEN_ELFNOTE_PHYS32_ENTRY, 100);
        assertNull(PvhKernel.extract(bzImage(30, zstd(linuxNote), linuxNote.length)));
        byte[] elf = elf("Xen", PvhKernel.XEN_ELFNOTE_PHYS32_ENTRY, 100);
        assertTrue(PvhKernel.hasPvhEntry(elf));
        assertNull(PvhKernel.extract(bzImage(30, zstd(elf), elf.length + 1)), "the trailing size must match");
        byte[] lz4Like = new byte[64];
        Arrays.fill(lz4Like, (byte) 0x42);
        assertNull(PvhKernel.extract(bzImage(30, lz4Like, 64)), "a codec not kept here");
        byte[] old = bzImage(30, zstd(elf), elf.length);
        ByteBuffer.wrap(old).order(ByteOrder.LITTLE_ENDIAN).putShort(0x206, (short) 0x207);
        assertNull(PvhKernel.extract(old), "no payload fields before protocol 2.08");
        byte[] truncated = Arrays.copyOf(bzImage(30, zstd(elf), elf.length), 0x400);
        assertNull(PvhKernel.extract(truncated));
        assertNull(PvhKernel.extract(new byte[10]));
    }

    @Test
    void qemuBootsTheVmlinuxWhenTheBootFolderHasOne() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("boot"));
        BootKernel.Prepared k = new BootKernel.Prepared("6.1.0-57-amd64", dir, List.of(), List.of());
        assertEquals(dir.resolve("vmlinuz"), k.kernelImage());
        Files.write(dir.resolve(BootKernel.PVH_FILE), new byte[] {1});
        boolean off = "0".equals(System.getenv(BootKernel.PVH_ENV));
        assertEquals(off ? dir.resolve("vmlinuz") : dir.resolve("vmlinux"), k.kernelImage());
        List<String> a = QemuCommand.of(Path.of("q"), k, Path.of("/c/r")).argv();
        assertEquals(k.kernelImage().toString(), a.get(a.indexOf("-kernel") + 1));
    }
}
