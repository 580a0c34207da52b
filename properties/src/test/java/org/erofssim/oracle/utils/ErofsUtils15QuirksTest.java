package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.erofssim.oracle.utils.TreeSpec.Entry;
import org.erofssim.oracle.utils.TreeSpec.Meta;
import org.erofssim.oracle.utils.TreeSpec.Name;
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
}
