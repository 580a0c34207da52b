package org.erofssim.vm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The file header and program header table of a little-endian ELF64 file (the System V ABI's
 * {@code Elf64_Ehdr} and {@code Elf64_Phdr}), read from its first bytes: what {@link
 * BootKernel#isStaticElf} (a busybox without {@code PT_INTERP}) and {@link PvhKernel#hasPvhEntry}
 * (the {@code PT_NOTE} segments of a vmlinux) look at, so the two no longer walk the table each
 * their own way. Bad input (bad magic, a 32-bit or big-endian file, bytes cut short) is a
 * one-line {@link #problem()}, never an exception.
 *
 * @param segments the program headers, in table order (empty when there is a problem)
 * @param problem  why the bytes are not a little-endian ELF64 with a whole program header table, or null
 */
record Elf64(List<Segment> segments, String problem) {
    /** {@code PT_INTERP}: the program interpreter of a dynamically linked executable. */
    static final int PT_INTERP = 3;
    /** {@code PT_NOTE}: a segment of notes. */
    static final int PT_NOTE = 4;
    /** {@code sizeof(Elf64_Ehdr)}. */
    static final int EHDR_SIZE = 64;
    /** {@code sizeof(Elf64_Phdr)}. */
    static final int PHDR_SIZE = 56;

    /** One program header: {@code p_type}, {@code p_offset}, {@code p_filesz}. */
    record Segment(int type, long offset, long fileSize) {}

    Elf64 {
        segments = List.copyOf(segments);
    }

    /** Reads the headers from {@code bytes}, the file's first bytes (the whole file or a prefix of it). */
    static Elf64 read(byte[] bytes) {
        int n = bytes.length;
        if (n < 4 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F') {
            return problem(n < 4 ? "truncated: " + n + " bytes, not even the ELF magic"
                    : "not an ELF file: the first bytes are " + hex(bytes, 4) + ", not 7f 45 4c 46");
        }
        if (n <= 5) {
            return problem("truncated: " + n + " bytes, an ELF64 header is " + EHDR_SIZE);
        }
        if (bytes[4] != 2) {
            return problem(bytes[4] == 1 ? "a 32-bit ELF (EI_CLASS 1 at offset 4), not ELF64"
                    : "EI_CLASS " + Byte.toUnsignedInt(bytes[4]) + " at offset 4, not 2 (ELF64)");
        }
        if (bytes[5] != 1) {
            return problem(bytes[5] == 2 ? "a big-endian ELF (EI_DATA 2 at offset 5), not little-endian"
                    : "EI_DATA " + Byte.toUnsignedInt(bytes[5]) + " at offset 5, not 1 (little-endian)");
        }
        if (n < EHDR_SIZE) {
            return problem("truncated: " + n + " bytes, an ELF64 header is " + EHDR_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        if (phnum == 0) {
            return new Elf64(List.of(), null);
        }
        if (phentsize < PHDR_SIZE) {
            return problem("e_phentsize " + phentsize + " at offset 0x36, less than " + PHDR_SIZE);
        }
        long end = phoff + (long) phnum * phentsize; // phnum * phentsize < 2^32: no overflow past a sane phoff
        if (phoff < 0 || end < 0 || end > n) {
            return problem(String.format(Locale.ROOT, "truncated: %d program headers of %d bytes at e_phoff %s end "
                    + "past the %d bytes read", phnum, phentsize, Long.toUnsignedString(phoff), n));
        }
        List<Segment> out = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int h = (int) (phoff + (long) i * phentsize);
            out.add(new Segment(b.getInt(h), b.getLong(h + 8), b.getLong(h + 32)));
        }
        return new Elf64(out, null);
    }

    /** Whether the headers were read. */
    boolean ok() {
        return problem == null;
    }

    /** Whether some program header has {@code p_type == type}. */
    boolean has(int type) {
        return segments.stream().anyMatch(s -> s.type() == type);
    }

    private static Elf64 problem(String why) {
        return new Elf64(List.of(), why);
    }

    private static String hex(byte[] b, int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            s.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02x", b[i]));
        }
        return s.toString();
    }
}
