package org.erofssim.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModuleClosureTest {
    /** The 6.1 shape of the research: virtio_pci a module, libcrc32c needing crc32c_generic first. */
    private static final Map<String, List<String>> DEPS_61 = Map.ofEntries(
            Map.entry("crc32c_generic", List.of()),
            Map.entry("virtio_pci", List.of("virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio", "virtio_ring")),
            Map.entry("virtio_pci_modern_dev", List.of()), Map.entry("virtio_pci_legacy_dev", List.of()),
            Map.entry("virtio", List.of()), Map.entry("virtio_ring", List.of()),
            Map.entry("9pnet_virtio", List.of("9pnet", "virtio_ring", "virtio")), Map.entry("9pnet", List.of()),
            Map.entry("9p", List.of("9pnet", "netfs", "fscache")), Map.entry("netfs", List.of()),
            Map.entry("fscache", List.of("netfs")), Map.entry("loop", List.of()),
            Map.entry("erofs", List.of("libcrc32c")), Map.entry("libcrc32c", List.of()),
            Map.entry("ext4", List.of("mbcache", "jbd2", "crc16")), Map.entry("mbcache", List.of()),
            Map.entry("jbd2", List.of()), Map.entry("crc16", List.of()), Map.entry("overlay", List.of()),
            Map.entry("virtio_blk", List.of("virtio", "virtio_ring")));

    @Test
    void dependenciesComeFirstEachOnceInRequestOrder() {
        ModuleClosure.Result r = ModuleClosure.closure(ModuleClosure.REQUESTED, DEPS_61::get, Set.of());
        assertEquals(List.of("crc32c_generic", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio", "virtio_ring",
                "virtio_pci", "9pnet", "9pnet_virtio", "netfs", "fscache", "9p", "loop", "libcrc32c", "erofs", "mbcache",
                "jbd2", "crc16", "ext4", "overlay", "virtio_blk"), r.order());
        assertEquals(List.of(), r.missing());
    }

    @Test
    void builtinModulesAreSkippedAndAbsentRequestsReported() {
        // the 7.2 shape: virtio_pci built in, crc32c_generic gone, libcrc32c gone
        Map<String, List<String>> deps = Map.of("9pnet_virtio", List.of("9pnet", "virtio_ring"), "9pnet", List.of(),
                "9p", List.of("9pnet", "netfs"), "netfs", List.of(), "loop", List.of(), "erofs", List.of(),
                "ext4", List.of("jbd2"), "jbd2", List.of(), "overlay", List.of(), "virtio_blk", List.of());
        ModuleClosure.Result r = ModuleClosure.closure(ModuleClosure.REQUESTED, deps::get,
                Set.of("virtio_pci", "virtio_ring", "virtio"));
        assertEquals(List.of("9pnet", "9pnet_virtio", "netfs", "9p", "loop", "erofs", "jbd2", "ext4", "overlay",
                "virtio_blk"), r.order());
        assertEquals(List.of("crc32c_generic"), r.missing());
    }

    @Test
    void aMissingDependencyOrACycleIsAnError() {
        Map<String, List<String>> missing = Map.of("erofs", List.of("libcrc32c"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ModuleClosure.closure(List.of("erofs"), missing::get, Set.of())).getMessage().contains("libcrc32c"));
        Map<String, List<String>> cycle = Map.of("a", List.of("b"), "b", List.of("a"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ModuleClosure.closure(List.of("a"), cycle::get, Set.of())).getMessage().contains("cycle"));
    }

    @Test
    void moduleNamesAsTheKernelSpellsThem() {
        assertEquals("virtio_pci", ModuleClosure.moduleName("virtio-pci.ko.xz"));
        assertEquals("erofs", ModuleClosure.moduleName("erofs.ko"));
        assertEquals("9pnet_virtio", ModuleClosure.moduleName("9pnet_virtio.ko.zst"));
    }

    /** A minimal ELF64 LE relocatable with a section string table and a .modinfo section. */
    static byte[] fakeModule(String modinfo) {
        byte[] info = modinfo.getBytes(StandardCharsets.UTF_8);
        byte[] names = "\0.shstrtab\0.modinfo\0".getBytes(StandardCharsets.US_ASCII);
        int infoOff = 64;
        int namesOff = infoOff + info.length;
        int shoff = (namesOff + names.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(shoff + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
        b.putShort(16, (short) 1).putShort(18, (short) 62).putLong(0x28, shoff);
        b.putShort(0x34, (short) 64).putShort(0x3a, (short) 64).putShort(0x3c, (short) 3).putShort(0x3e, (short) 1);
        b.put(infoOff, info).put(namesOff, names);
        // section 1: .shstrtab
        b.putInt(shoff + 64, 1).putInt(shoff + 64 + 4, 3).putLong(shoff + 64 + 0x18, namesOff)
                .putLong(shoff + 64 + 0x20, names.length);
        // section 2: .modinfo
        b.putInt(shoff + 128, 11).putInt(shoff + 128 + 4, 1).putLong(shoff + 128 + 0x18, infoOff)
                .putLong(shoff + 128 + 0x20, info.length);
        return b.array();
    }

    @Test
    void modinfoIsReadFromTheElfSection() {
        byte[] elf = fakeModule("license=GPL\0depends=libcrc32c,netfs\0intree=Y\0name=erofs\0vermagic=6.1.0 SMP\0");
        List<String> mi = ModuleClosure.modinfo(elf);
        assertEquals("name=erofs", mi.get(3));
        assertEquals(List.of("libcrc32c", "netfs"), ModuleClosure.depends(mi));
        assertEquals(List.of(), ModuleClosure.depends(ModuleClosure.modinfo(fakeModule("depends=\0name=loop\0"))));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModuleClosure.modinfo(new byte[100]))
                .getMessage().contains("not an ELF64"));
        byte[] noInfo = fakeModule("x");
        noInfo[64 + 1 + 11] = 'X'; // rename ".modinfo" in the string table
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModuleClosure.modinfo(noInfo))
                .getMessage().contains("no .modinfo"));
    }
}
