package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a VM batch no longer recomputes on every boot (issue 15): a .deb's pinned sha256 is
 * remembered beside it until the file changes ({@link KernelCache#verified}), and the module
 * closure is remembered in the boot folder until the tree is unpacked again
 * ({@link BootKernel#readClosure}).
 */
class BatchMemoTest {
    @TempDir
    Path tmp;

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void aVerifiedDebIsHashedAgainOnlyWhenItsSizeOrTimeChanges() throws Exception {
        byte[] bytes = "a package".getBytes(StandardCharsets.UTF_8);
        Path deb = Files.write(tmp.resolve("p.deb"), bytes);
        Path mark = tmp.resolve("p.deb.verified");
        assertFalse(KernelCache.verified(deb, sha256("other".getBytes(StandardCharsets.UTF_8))));
        assertFalse(Files.exists(mark), "a mismatch leaves no mark");
        assertTrue(KernelCache.verified(deb, sha256(bytes)));
        assertTrue(Files.readString(mark).endsWith(" " + sha256(bytes) + "\n"), Files.readString(mark));
        // the mark answers for the same size and time (the bytes are not read again) ...
        FileTime t = Files.getLastModifiedTime(deb);
        Files.write(deb, "A package".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(deb, t);
        assertTrue(KernelCache.verified(deb, sha256(bytes)));
        // ... and another pin, size or time hashes the file again
        assertFalse(KernelCache.verified(deb, sha256("x".getBytes(StandardCharsets.UTF_8))));
        Files.setLastModifiedTime(deb, FileTime.fromMillis(t.toMillis() + 5000));
        assertFalse(KernelCache.verified(deb, sha256(bytes)));
        assertFalse(Files.exists(mark));
        assertTrue(KernelCache.verified(deb, sha256("A package".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theClosureMemoHoldsForTheTreeItWasComputedFrom() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Path memo = tmp.resolve("boot").resolve(BootKernel.CLOSURE_FILE);
        Files.createDirectories(memo.getParent());
        assertNull(BootKernel.closureKey(tree), "a tree without its extraction mark gets no memo");
        Files.writeString(tree.resolve(".erofs-sim-extracted"), "6.1.0-57-amd64\n");
        String key = BootKernel.closureKey(tree);
        ModuleClosure.Result r = new ModuleClosure.Result(List.of("crc32c_generic", "virtio", "erofs"), List.of());
        assertNull(BootKernel.readClosure(memo, key));
        BootKernel.writeClosure(memo, key, r);
        assertEquals(r, BootKernel.readClosure(memo, key));
        ModuleClosure.Result m = new ModuleClosure.Result(List.of("virtio"), List.of("crc32c_generic", "x"));
        BootKernel.writeClosure(memo, key, m);
        assertEquals(m, BootKernel.readClosure(memo, key));
        // unpacked again: a new mark, another key
        Files.setLastModifiedTime(tree.resolve(".erofs-sim-extracted"), FileTime.fromMillis(1000));
        assertNull(BootKernel.readClosure(memo, BootKernel.closureKey(tree)));
        Files.writeString(memo, "torn");
        assertNull(BootKernel.readClosure(memo, key));
    }
}
