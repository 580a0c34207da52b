package org.erofssim.vm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A writer of the "newc" cpio format the kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per
 * entry, name and data each padded to 4 bytes, a {@code TRAILER!!!} entry at the end. Device
 * nodes are written as entries, so no root and no mknod are needed.
 */
final class Cpio implements AutoCloseable {
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFCHR = 0020000;

    private final OutputStream out;
    private long written;
    private int ino = 1;

    Cpio(OutputStream out) {
        this.out = out;
    }

    void dir(String name) throws IOException {
        entry(name, S_IFDIR | 0755, new byte[0], 0, 0);
    }

    void file(String name, int perm, byte[] data) throws IOException {
        entry(name, S_IFREG | perm, data, 0, 0);
    }

    void charDevice(String name, int perm, int major, int minor) throws IOException {
        entry(name, S_IFCHR | perm, new byte[0], major, minor);
    }

    private void entry(String name, int mode, byte[] data, int rmajor, int rminor) throws IOException {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        String h = "070701" + hex(ino++) + hex(mode) + hex(0) + hex(0) + hex((mode & S_IFDIR) != 0 ? 2 : 1)
                + hex(0) + hex(data.length) + hex(0) + hex(0) + hex(rmajor) + hex(rminor) + hex(n.length) + hex(0);
        write(h.getBytes(StandardCharsets.US_ASCII));
        write(n);
        pad();
        write(data);
        pad();
    }

    private static String hex(long v) {
        return String.format("%08x", v);
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    @Override
    public void close() throws IOException {
        ino = 0;
        entry("TRAILER!!!", 0, new byte[0], 0, 0);
        out.close();
    }
}
