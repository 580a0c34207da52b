package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.erofssim.oracle.utils.TreeSpec.Entry;
import org.erofssim.oracle.utils.TreeSpec.Meta;
import org.erofssim.oracle.utils.TreeSpec.Name;
import org.erofssim.testkit.Checkout;
import org.junit.jupiter.api.Test;

/**
 * erofs-utils 1.5 behaviour the oracle works around, pinned with the smallest reproducer. When
 * one of these fails, the installed erofs-utils changed: drop the matching workaround.
 */
class ErofsUtils15QuirksTest {

    static TreeSpec oneFileNamed(int nameBytes) {
        return new TreeSpec(Meta.plain(0755), List.of(
                Entry.file(List.of(Name.of("a".repeat(nameBytes))), Meta.plain(0644), 0, List.of())));
    }

    /**
     * mkfs.erofs 1.5 cannot pack a 255-byte name (NAME_MAX, and EROFS_NAME_LEN): lib/inode.c
     * {@code erofs_d_alloc} does {@code strncpy(d->name, name, EROFS_NAME_LEN - 1)} into
     * {@code char name[EROFS_NAME_LEN]}, then lstat()s the cut name: "Could not format the device :
     * [Error 2] No such file or directory". Upstream a8a1034 (v1.8.5) sizes dentries dynamically.
     * Workaround: {@link TreeGenerator.Config#forErofsUtils15()} caps names at 254 bytes.
     */
    @Test
    void mkfsRefusesA255ByteName() throws Exception {
        assumeTrue(OracleCase.toolsPresent());
        try (Workspace w = Workspace.create("erofs-sim-quirk")) {
            Mkfs.Built b = Mkfs.build(oneFileNamed(255), MkfsOptions.defaults(), w.resolve("255"));
            assertThat(b.ok()).isFalse();
            assertThat(b.refusal()).contains("Could not format the device").contains("No such file or directory");
            assertThat(Mkfs.build(oneFileNamed(254), MkfsOptions.defaults(), w.resolve("254")).ok()).isTrue();
        }
    }

    /**
     * Under {@code SOURCE_DATE_EPOCH=t} mkfs.erofs clamps mtimes "not before t" to t, comparing
     * {@code u64 i_mtime} with t (lib/inode.c {@code erofs_fill_inode}, TIMESTAMP_CLAMPING; the
     * same in HEAD 1.9.3): a pre-1970 mtime is a huge unsigned number and becomes t. Reproducer:
     * {@code touch -d @-1 s/f; SOURCE_DATE_EPOCH=4000000000 mkfs.erofs img s} gives f mtime
     * 4000000000. Workaround: {@link SourceTree} compares unsigned, as 1.5 does.
     */
    @Test
    void clampingTreatsPre1970MtimesAsLate() throws Exception {
        assumeTrue(OracleCase.toolsPresent());
        TreeSpec spec = new TreeSpec(Meta.plain(0755), List.of(
                Entry.file(List.of(Name.of("f")), new Meta(0644, 0, 0, -1, 0, List.of()), 0, List.of())));
        try (Workspace w = Workspace.create("erofs-sim-quirk")) {
            MkfsOptions o = MkfsOptions.defaults().withTime(MkfsOptions.Timestamps.clamp(4_000_000_000L));
            Mkfs.Built b = Mkfs.build(spec, o, w.dir()).orThrow();
            UtilsTree.Result r = UtilsTree.read(b, w.dir());
            assertThat(r.entries()).filteredOn(e -> e.path().equals("/f")).singleElement()
                    .satisfies(e -> assertThat(e.mtime()).isEqualTo(4_000_000_000L));
        }
    }

    /**
     * {@code mkfs.erofs -zlz4 -Enoinline_data,ztailpacking} loses the contents of an 18-byte
     * file of text "bbbbbcccccdddddeee" (too small to compress): lib/compress.c leaves
     * {@code inode->compressed_idata} set when it gives up compressing (-ENOSPC), the fallback
     * writes the file uncompressed, and lib/inode.c {@code erofs_write_tail_end} then puts the
     * 18 bytes at the end of the data block (0padding) while the inode is FLAT_PLAIN at block
     * start. fsck.erofs extracts 18 zero bytes, and so does the 6.18 kernel (checked with a
     * file-backed mount on this machine). The same stale flag is in the 1.6 and 1.7 sources.
     * Workaround: the option arbitraries never combine the three
     * ({@link MkfsOptions#losesUncompressedTails()}).
     */
    @Test
    void ztailpackingWithNoinlineDataLosesAnUncompressedTail() throws Exception {
        assumeTrue(OracleCase.toolsPresent());
        TreeSpec spec = new TreeSpec(Meta.plain(0755), List.of(Entry.file(List.of(Name.of("a")),
                Meta.plain(0644), 18, List.of(new TreeSpec.Region(0, 18, -1)))));
        MkfsOptions o = MkfsOptions.defaults().withCompression(MkfsOptions.Compression.LZ4, -1, 0)
                .withExtended(MkfsOptions.Extended.NOINLINE_DATA, MkfsOptions.Extended.ZTAILPACKING);
        assertThat(o.losesUncompressedTails()).isTrue();
        assertThat(new String(TreeSpec.contents(spec.entries().get(0)), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("bbbbbcccccdddddeee");
        try (Workspace w = Workspace.create("erofs-sim-quirk")) {
            Mkfs.Built b = Mkfs.build(spec, o, w.dir()).orThrow();
            UtilsTree.Result r = UtilsTree.read(b, w.dir());
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            String zeros = java.util.HexFormat.of().formatHex(md.digest(new byte[18]));
            assertThat(r.entries()).filteredOn(e -> e.path().equals("/a")).singleElement()
                    .satisfies(e -> assertThat(e.sha256()).isEqualTo(zeros));
            assertThat(r.inodes().get("/a").layout()).isZero();
            for (org.erofssim.kernel.KernelProfile k : org.erofssim.kernel.Releases.all().stream().filter(rel -> rel.has(org.erofssim.kernel.Behavior.FILE_BACKED_MOUNTS)).toList()) { // file-mounted images: releases with file-backed mounts
                org.erofssim.contract.MountOutcome.Mounted m = (org.erofssim.contract.MountOutcome.Mounted) ModelMount.predict(b, k, true);
                assertThat(m.tree()).filteredOn(e -> e.path().equals("/a")).singleElement()
                        .satisfies(e -> assertThat(e.sha256()).as("the model reads what the kernel reads").isEqualTo(zeros));
            }
        }
    }

    /**
     * fsck.erofs 1.5 cannot read the algorithms it cannot write: on the crafted deflate.erofs and
     * zstd.erofs (lz4hc-pcluster.erofs re-encoded by {@code Transcoder}, which the 6.18.44 kernel
     * reads correctly: recorded scenarios {@code algorithms/}) it reports "unknown compression
     * format 2|3 for nid 879" and "Found some filesystem corruption" (exit 1), with or without
     * {@code --extract}; on lzma.erofs a plain check passes (1.5 knows the LZMA number and does
     * not decompress) but {@code --extract} fails with "failed to decompress data of m_pa 28672,
     * m_plen 4096 @ nid 879: Operation not supported" (this build has no liblzma). Consequence:
     * the erofs-utils oracle ({@code UtilsTree}) cannot be used on such images; they are checked
     * against the live kernel only ({@code TranscodedVsLiveKernelProperties}).
     */
    @Test
    void fsckCannotReadDeflateZstdOrLzmaImages() throws Exception {
        assumeTrue(OracleCase.toolsPresent());
        java.nio.file.Path crafted = Checkout.crafted();
        for (String alg : List.of("deflate", "zstd")) {
            java.nio.file.Path img = crafted.resolve(alg + ".erofs");
            UtilsProcess.Result r = FsckErofs.check(img, List.of());
            assertThat(r.exitCode()).as(alg).isEqualTo(1);
            assertThat(r.out() + r.err()).as(alg).contains("unknown compression format " + (alg.equals("deflate") ? 2 : 3)
                    + " for nid 879").contains("Found some filesystem corruption");
        }
        java.nio.file.Path lzma = crafted.resolve("lzma.erofs");
        assertThat(FsckErofs.check(lzma, List.of()).exitCode()).isZero();
        try (Workspace w = Workspace.create("erofs-sim-quirk")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> FsckErofs.extract(lzma, List.of(), w.resolve("x")))
                    .isInstanceOf(UtilsProcess.ToolFailed.class)
                    .hasMessageContaining("failed to decompress data of m_pa 28672, m_plen 4096 @ nid 879");
        }
    }
}
