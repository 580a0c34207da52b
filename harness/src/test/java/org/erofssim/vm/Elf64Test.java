package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ELF64 header reader behind {@code BootKernel.isStaticElf} and {@code PvhKernel.hasPvhEntry},
 * on ELF files laid out by hand (the System V ABI's {@code Elf64_Ehdr}: magic, EI_CLASS at 4,
 * EI_DATA at 5, e_phoff at 0x20, e_phentsize at 0x36, e_phnum at 0x38; {@code Elf64_Phdr}: p_type
 * at 0, p_offset at 8, p_filesz at 32).
 */
class Elf64Test {
    @TempDir
    Path tmp;

    /** An ELF64 header followed by program headers of the given types, each 56 bytes, p_offset 0x1000 + i. */
    static byte[] elf(int... types) {
        ByteBuffer b = ByteBuffer.allocate(64 + 56 * types.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(0x10, (short) 2).putShort(0x12, (short) 62); // ET_EXEC, EM_X86_64
        b.putLong(0x20, 64).putShort(0x34, (short) 64).putShort(0x36, (short) 56).putShort(0x38, (short) types.length);
        for (int i = 0; i < types.length; i++) {
            int h = 64 + 56 * i;
            b.putInt(h, types[i]).putLong(h + 8, 0x1000 + i).putLong(h + 32, 0x20 + i);
        }
        return b.array();
    }

    private static void assertProblem(byte[] bytes, String says) {
        Elf64 e = Elf64.read(bytes);
        assertFalse(e.ok(), says);
        assertTrue(e.problem().contains(says), e.problem());
        assertFalse(e.problem().contains("\n"), e.problem());
        assertEquals(List.of(), e.segments());
    }

    @Test
    void theProgramHeadersAreReadInTableOrder() {
        Elf64 e = Elf64.read(elf(1, Elf64.PT_INTERP, Elf64.PT_NOTE));
        assertNull(e.problem());
        assertEquals(List.of(new Elf64.Segment(1, 0x1000, 0x20), new Elf64.Segment(3, 0x1001, 0x21),
                new Elf64.Segment(4, 0x1002, 0x22)), e.segments());
        assertTrue(e.has(Elf64.PT_INTERP));
        assertFalse(Elf64.read(elf(1, Elf64.PT_NOTE)).has(Elf64.PT_INTERP));
        assertEquals(List.of(), Elf64.read(elf()).segments());
    }

    @Test
    void aLargerEntrySizeIsSteppedOver() {
        ByteBuffer b = ByteBuffer.allocate(64 + 2 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Arrays.copyOf(elf(), 64));
        b.putShort(0x36, (short) 64).putShort(0x38, (short) 2);
        b.putInt(64, 1).putInt(128, Elf64.PT_NOTE).putLong(128 + 8, 77).putLong(128 + 32, 5);
        assertEquals(new Elf64.Segment(Elf64.PT_NOTE, 77, 5), Elf64.read(b.array()).segments().get(1));
    }

    @Test
    void badMagicIsOneLine() {
        byte[] e = elf(1);
        e[1] = 'X';
        assertProblem(e, "not an ELF file: the first bytes are 7f 58 4c 46");
        assertProblem("#!/bin/sh\necho hi\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "not an ELF file");
    }

    @Test
    void a32BitOrBigEndianElfIsOneLine() {
        byte[] e = elf(1);
        e[4] = 1;
        assertProblem(e, "a 32-bit ELF (EI_CLASS 1 at offset 4), not ELF64");
        e[4] = 7;
        assertProblem(e, "EI_CLASS 7 at offset 4");
        e = elf(1);
        e[5] = 2;
        assertProblem(e, "a big-endian ELF (EI_DATA 2 at offset 5)");
    }

    @Test
    void truncatedBytesAreOneLine() {
        byte[] e = elf(1, Elf64.PT_NOTE);
        assertProblem(new byte[0], "truncated: 0 bytes");
        assertProblem(Arrays.copyOf(e, 3), "truncated: 3 bytes");
        assertProblem(Arrays.copyOf(e, 5), "truncated: 5 bytes, an ELF64 header is 64");
        assertProblem(Arrays.copyOf(e, 63), "truncated: 63 bytes, an ELF64 header is 64");
        assertProblem(Arrays.copyOf(e, 64 + 56 + 55), "truncated: 2 program headers of 56 bytes at e_phoff 64 end past the 175 bytes read");
        assertTrue(Elf64.read(Arrays.copyOf(e, 64 + 2 * 56)).ok());
    }

    @Test
    void aHostileTableIsOneLine() {
        byte[] e = elf(1);
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putShort(0x36, (short) 8);
        assertProblem(e, "e_phentsize 8 at offset 0x36, less than 56");
        e = elf(1);
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putLong(0x20, -8);
        assertProblem(e, "at e_phoff 18446744073709551608 end past");
        e = elf(1);
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putLong(0x20, Long.MAX_VALUE - 10);
        assertProblem(e, "end past the 136 bytes read");
        e = elf(1);
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putShort(0x38, (short) 0xffff);
        assertProblem(e, "truncated: 65535 program headers");
    }

    @Test
    void isStaticElfSaysNoToAnInterpreterAndToWhatIsNotAnElf64() throws IOException {
        Path f = tmp.resolve("bb");
        Files.write(f, elf(1, Elf64.PT_NOTE));
        assertTrue(BootKernel.isStaticElf(f));
        Files.write(f, elf(1, Elf64.PT_INTERP));
        assertFalse(BootKernel.isStaticElf(f));
        byte[] e = elf(1);
        e[4] = 1;
        Files.write(f, e);
        assertFalse(BootKernel.isStaticElf(f));
        Files.write(f, Arrays.copyOf(elf(1), 100));
        assertFalse(BootKernel.isStaticElf(f));
        assertFalse(BootKernel.isStaticElf(tmp.resolve("absent")));
    }

    @Test
    void hasPvhEntrySaysNoToWhatIsNotAnElf64() {
        byte[] pvh = PvhKernelTest.elf("Xen", PvhKernel.XEN_ELFNOTE_PHYS32_ENTRY, 16);
        assertTrue(PvhKernel.hasPvhEntry(pvh));
        byte[] e = pvh.clone();
        e[4] = 1;
        assertFalse(PvhKernel.hasPvhEntry(e));
        e = pvh.clone();
        e[0] = 0;
        assertFalse(PvhKernel.hasPvhEntry(e));
        assertFalse(PvhKernel.hasPvhEntry(Arrays.copyOf(pvh, 100)));
        e = pvh.clone();
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 32, 1L << 40); // p_filesz past the end
        assertFalse(PvhKernel.hasPvhEntry(e));
        e = pvh.clone();
        ByteBuffer.wrap(e).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 8, -12); // p_offset negative
        assertFalse(PvhKernel.hasPvhEntry(e));
    }
}
