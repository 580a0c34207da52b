package org.erofssim.vm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The uncompressed kernel ELF ({@code vmlinux}) inside a bzImage, booted through its PVH entry
 * point: QEMU loads the ELF itself and jumps to the entry the kernel names in its Xen ELF note
 * {@code XEN_ELFNOTE_PHYS32_ENTRY} (Debian's amd64 kernels have {@code CONFIG_PVH=y}), so the
 * guest skips the bzImage's own decompressor (xz on 6.1, zstd on 6.12 and 7.x), its relocation
 * pass and the real-mode set-up, all of which run slowly under TCG. The bytes are the kernel's
 * own: the bzImage's payload ({@code payload_offset}/{@code payload_length} of the boot protocol's
 * set-up header, version 2.08+), decompressed on the host with the codecs the model already
 * keeps (XZ for Java, zstd-jni); the payload's trailing 4 bytes are the uncompressed size, which
 * is checked.
 */
final class PvhKernel {
    /** {@code XEN_ELFNOTE_PHYS32_ENTRY}: the 32-bit physical entry point of a PVH boot. */
    static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

    private PvhKernel() {}

    /**
     * The vmlinux ELF of {@code bzImage}, or null when it cannot be booted through PVH: not a
     * bzImage of boot protocol 2.08+, a payload compressed with a codec not kept here (gzip is:
     * the JDK's), a size that does not match, or an ELF without the PVH entry note.
     */
    static byte[] extract(byte[] bzImage) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bzImage).order(ByteOrder.LITTLE_ENDIAN);
            if (bzImage.length < 0x250 || b.getInt(0x202) != 0x53726448 /* "HdrS" */
                    || Short.toUnsignedInt(b.getShort(0x206)) < 0x208) {
                return null;
            }
            int setupSects = Byte.toUnsignedInt(bzImage[0x1f1]);
            long pm = (long) ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
            long off = Integer.toUnsignedLong(b.getInt(0x248));
            long len = Integer.toUnsignedLong(b.getInt(0x24c));
            if (len < 8 || pm + off + len > bzImage.length) {
                return null;
            }
            int start = (int) (pm + off);
            int end = (int) (start + len - 4);
            long size = Integer.toUnsignedLong(b.getInt(end));
            byte[] payload = Arrays.copyOfRange(bzImage, start, end);
            byte[] elf = decompress(payload, size);
            return elf != null && elf.length == size && hasPvhEntry(elf) ? elf : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] decompress(byte[] p, long size) throws IOException {
        if (size > (1L << 30)) {
            return null;
        }
        InputStream in;
        if (p.length > 6 && p[0] == (byte) 0xfd && p[1] == '7' && p[2] == 'z' && p[3] == 'X' && p[4] == 'Z') {
            in = new org.tukaani.xz.SingleXZInputStream(new ByteArrayInputStream(p));
        } else if (p.length > 4 && ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == 0xFD2FB528) {
            in = new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(p));
        } else if (p.length > 2 && p[0] == 0x1f && p[1] == (byte) 0x8b) {
            in = new java.util.zip.GZIPInputStream(new ByteArrayInputStream(p));
        } else {
            return null;
        }
        try (in) {
            return in.readNBytes((int) size + 1);
        }
    }

    /**
     * Whether a 64-bit little-endian ELF has a {@code Xen} note of type {@value
     * #XEN_ELFNOTE_PHYS32_ENTRY} in a {@code PT_NOTE} segment ({@link Elf64} reads the headers).
     */
    static boolean hasPvhEntry(byte[] elf) {
        Elf64 headers = Elf64.read(elf);
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        for (Elf64.Segment s : headers.segments()) {
            if (s.type() != Elf64.PT_NOTE) {
                continue;
            }
            long at = s.offset();
            long end = at + s.fileSize();
            while (at >= 0 && at + 12 <= end && end <= elf.length) {
                int namesz = b.getInt((int) at);
                int descsz = b.getInt((int) at + 4);
                int type = b.getInt((int) at + 8);
                if (namesz < 0 || descsz < 0 || at + 12 + namesz > elf.length) {
                    break;
                }
                String name = new String(elf, (int) at + 12, Math.max(0, namesz - 1), StandardCharsets.US_ASCII);
                if (name.equals("Xen") && type == XEN_ELFNOTE_PHYS32_ENTRY) {
                    return true;
                }
                at += 12 + ((namesz + 3L) & ~3L) + ((descsz + 3L) & ~3L);
            }
        }
        return false;
    }
}
