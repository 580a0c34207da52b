package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.kernel.Errno;
import org.erofssim.sb.Mode;
import org.erofssim.contract.MountOutcome;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Kernel-log attribution: lines of other processes' erofs activity are evidence, not this observation's log")
class LogAttributionTest {
    @TempDir Path tmp;

    static List<Kmsg.Record> records(String... lines) {
        List<Kmsg.Record> out = new java.util.ArrayList<>();
        long seq = 100;
        for (String l : lines) {
            out.add(new Kmsg.Record(6, seq++, l));
        }
        return out;
    }

    LogFilter.Attributed attribute(boolean blockSource, boolean mounted, String options, String... lines) {
        try (Sandbox sb = Sandbox.create(tmp)) {
            return new LogFilter(sb, Map.of()).attribute(records(lines), blockSource, mounted, options);
        }
    }

    @Test void aCleanWindowHasNoEvidence() {
        LogFilter.Attributed a = attribute(false, true, "acl",
                "erofs (device erofs): mounted with root inode @ nid 37.");
        assertThat(a.log()).containsExactly("erofs (device erofs): mounted with root inode @ nid 37.");
        assertThat(a.evidence()).isEmpty();
    }

    @Test void theVfsSourceMessagesHaveNoPrefixAndAreKept() {
        // obs-6.18.44 (the fuzz finding source-flag-without-value): vfs_parse_fs_param_source logs
        // through the context without the file system's prefix
        LogFilter.Attributed a = attribute(false, false, "source", "Non-string source");
        assertThat(a.log()).containsExactly("Non-string source");
        assertThat(attribute(false, false, "source=/x", "Multiple sources").log()).containsExactly("Multiple sources");
    }

    @Test void aForeignLoopDeviceIsEvidenceAndLeftOut() {
        LogFilter.Attributed a = attribute(false, true, null,
                "erofs (device loop42): mounted with root inode @ nid 36.",
                "erofs (device erofs): mounted with root inode @ nid 37.");
        assertThat(a.log()).containsExactly("erofs (device erofs): mounted with root inode @ nid 37.");
        assertThat(a.evidence()).containsExactly("a line of device loop42, which this sandbox did not attach");
    }

    @Test void aSevenXFileBackedLineNamesItsAnonymousDeviceAndTheContractWritesItAsZeroStar() {
        // 7.x (obs-7.2.13, obs-7.3): a file-backed superblock's s_id is its MAJ:MIN
        LogFilter.Attributed a = attribute(false, true, null,
                "erofs (device 0:57): mounted with root inode @ nid 37.");
        assertThat(a.log()).containsExactly("erofs (device 0:*): mounted with root inode @ nid 37.");
        assertThat(a.evidence()).isEmpty();
        // during a block-device observation it is another process's file-backed mount
        LogFilter.Attributed b = attribute(true, false, null, "erofs (device 0:57): mounted with root inode @ nid 37.");
        assertThat(b.log()).isEmpty();
        assertThat(b.evidence()).hasSize(1);
    }

    @Test void theOldLogFormatIsAttributedLikeTheNewOne() {
        // before 90655ee279b2 (6.1, 6.12): "erofs: (device X): "
        LogFilter.Attributed a = attribute(false, true, null,
                "erofs: (device loop42): mounted with root inode @ nid 36.",
                "erofs: (device erofs): mounted with root inode @ nid 37.");
        assertThat(a.log()).containsExactly("erofs: (device erofs): mounted with root inode @ nid 37.");
        assertThat(a.evidence()).containsExactly("a line of device loop42, which this sandbox did not attach");
        LogFilter.Attributed b = attribute(true, false, null,
                "erofs: (device erofs): erofs_fc_fill_super: file-backed mounts cannot be applied to stacked fses");
        assertThat(b.log()).isEmpty();
    }

    @Test void aNidAbove2To63IsParsedNotThrown() {
        // obs-6.12.118, found/fuzz-dirent-nid-bit63: the guest oracle failed on this line
        assertThat(LogFilter.parseNid("18446744069414584413")).isEqualTo(0xFFFFFFFF0000005DL);
        assertThat(LogFilter.parseNid("99999999999999999999999")).isEqualTo(-1);
    }

    @Test void deviceLinesParseInBothFormats() {
        DeviceLine n = DeviceLine.parse("erofs (device loop0): mounted with root inode @ nid 37.");
        assertThat(n.device()).isEqualTo("loop0");
        assertThat(n.fileBacked()).isFalse();
        assertThat(n.withDevice("loop3")).isEqualTo("erofs (device loop3): mounted with root inode @ nid 37.");
        DeviceLine o = DeviceLine.parse("erofs: (device erofs): erofs_read_superblock: cannot find valid erofs superblock");
        assertThat(o.device()).isEqualTo("erofs");
        assertThat(o.fileBacked()).isTrue();
        assertThat(DeviceLine.parse("erofs (device 0:61): x").anonymous()).isTrue();
        assertThat(DeviceLine.parse("erofs (device 7:0): x").anonymous()).isFalse();
        // the oracle infers a failed mount's mode from the mapped log, where 0:N reads 0:*
        assertThat(DeviceLine.parse("erofs (device 0:*): cannot read erofs superblock").fileBacked()).isTrue();
        assertThat(DeviceLine.parse("erofs: fsid option not supported")).isNull();
    }

    @Test void aFileBackedLineDuringABlockDeviceObservationIsForeign() {
        LogFilter.Attributed a = attribute(true, false, null,
                "erofs (device erofs): mounted with root inode @ nid 38.");
        assertThat(a.log()).isEmpty();
        assertThat(a.evidence()).hasSize(1);
    }

    @Test void aMountLineWhenTheMountFailedAndAForeignUnknownParameterAreLeftOut() {
        LogFilter.Attributed a = attribute(false, false, "nosuch,device=/x",
                "erofs: Unknown parameter 'busy'",
                "erofs: Unknown parameter 'nosuch'",
                "erofs (device erofs): mounted with root inode @ nid 38.");
        assertThat(a.log()).containsExactly("erofs: Unknown parameter 'nosuch'");
        assertThat(a.evidence()).hasSize(2);
    }

    @Test void anUnknownParameterCutByTheOptionPageIsOurs() {
        // 372 x user_xattr (4,092 bytes) then noacl: the kernel's 4,095-byte page leaves 'noa'
        String options = "user_xattr,".repeat(372) + "noacl";
        LogFilter.Attributed a = attribute(false, false, options, "erofs: Unknown parameter 'noa'");
        assertThat(a.log()).containsExactly("erofs: Unknown parameter 'noa'");
        assertThat(a.evidence()).isEmpty();
    }

    /**
     * b0975c47c217 "printk: adjust string limit macros": printk keeps 1021 characters of a line, so
     * an unknown option of 4,100 bytes is logged without its closing quote [obs-6.18.44-fc-v1272,
     * session 11]; it is this observation's (its key starts the given one), and a cut key that
     * starts none of the given keys is still foreign.
     */
    @Test
    @org.junit.jupiter.api.DisplayName("b0975c47c217 printk: adjust string limit macros: an unknown option cut by the printk record is ours")
    void anUnknownParameterCutByThePrintkRecordIsOurs() {
        String options = "x".repeat(4100);
        String cut = ("erofs: Unknown parameter '" + "x".repeat(4095)).substring(0, 1021);
        // the mark that finalized the cut line's record (Kmsg.finalizeOpenRecord) is no line of the log
        LogFilter.Attributed a = attribute(false, false, options, cut, Kmsg.MARK);
        assertThat(a.log()).containsExactly(cut);
        assertThat(Kmsg.mayLeaveOpenRecord("/srv/a", options)).isTrue();
        assertThat(Kmsg.mayLeaveOpenRecord("/srv/a", "user_xattr")).isFalse();
        assertThat(a.evidence()).isEmpty();
        LogFilter.Attributed other = attribute(false, false, "y".repeat(4100), cut);
        assertThat(other.log()).isEmpty();
        assertThat(other.evidence()).hasSize(1);
    }

    @Test void twoMountLinesForOneMountAreAmbiguousEvidenceAndBothKept() {
        LogFilter.Attributed a = attribute(false, true, null,
                "erofs (device erofs): mounted with root inode @ nid 38.",
                "erofs (device erofs): mounted with root inode @ nid 37.");
        assertThat(a.log()).hasSize(2);
        assertThat(a.evidence()).containsExactly("2 mount lines for one mount(2)");
    }

    @Test void aMountLineOfAnotherRootNidIsForeignAndTwoOfOursAreAmbiguous() {
        try (Sandbox sb = Sandbox.create(tmp)) {
            LogFilter f = new LogFilter(sb, Map.of());
            LogFilter.Attributed a = f.attribute(records(
                    "erofs (device erofs): mounted with root inode @ nid 38.",
                    "erofs (device erofs): mounted with root inode @ nid 37."), false, true, null, 37);
            assertThat(a.log()).containsExactly("erofs (device erofs): mounted with root inode @ nid 37.");
            assertThat(a.evidence()).hasSize(1);
            assertThat(a.ambiguous()).as("a foreign file-backed mount may print more lines like ours").isTrue();
            LogFilter.Attributed bdev = f.attribute(records(
                    "erofs (device erofs): mounted with root inode @ nid 38.",
                    "erofs (device loop77): mounted with root inode @ nid 36.",
                    "erofs: Unknown parameter 'busy'"), true, false, null, -1);
            assertThat(bdev.log()).isEmpty();
            assertThat(bdev.evidence()).hasSize(3);
            assertThat(bdev.ambiguous()).as("every foreign line of a block-device observation is recognised").isFalse();
            LogFilter.Attributed b = f.attribute(records(
                    "erofs (device erofs): mounted with root inode @ nid 36.",
                    "erofs (device erofs): mounted with root inode @ nid 36."), false, true, null, 36);
            assertThat(b.log()).hasSize(2);
            assertThat(b.ambiguous()).isTrue();
        }
    }

    /** 6.17+ metabox: the root's nid has bit 63 set and its st_ino is erofs_nid_to_ino64 of it (2^31 for nid 2^63). */
    @Test void theMountLineOfAMetaboxRootIsOurs() {
        try (Sandbox sb = Sandbox.create(tmp)) {
            LogFilter.Attributed a = new LogFilter(sb, Map.of()).attribute(records(
                    "erofs (device erofs): mounted with root inode @ nid 9223372036854775808."), false, true, null, 2147483648L);
            assertThat(a.log()).containsExactly("erofs (device erofs): mounted with root inode @ nid 9223372036854775808.");
            assertThat(a.evidence()).isEmpty();
            LogFilter.Attributed other = new LogFilter(sb, Map.of()).attribute(records(
                    "erofs (device erofs): mounted with root inode @ nid 9223372036854775809."), false, true, null, 2147483648L);
            assertThat(other.log()).isEmpty();
        }
    }

    @Test void aFileBackedLineAboutANidOutsideTheWalkedTreeIsAmbiguous() {
        try (Sandbox sb = Sandbox.create(tmp)) {
            LogFilter.Attributed a = new LogFilter(sb, Map.of()).attribute(records(
                    "erofs (device erofs): mounted with root inode @ nid 40.",
                    "erofs (device erofs): readahead error at folio 26 @ nid 39"), false, true, null, 40,
                    java.util.Set.of(40L, 41L));
            assertThat(a.log()).hasSize(2);
            assertThat(a.ambiguous()).isTrue();
        }
    }

    @Test void anUncertainKernelLogIsNotComparedAndTheNoteSaysWhy() {
        MountOutcome model = new MountOutcome.Failed(Errno.EINVAL, Mode.FILEIO,
                List.of("erofs (device erofs): cannot find valid erofs superblock"), List.of());
        MountOutcome kernel = new MountOutcome.Failed(Errno.EINVAL, Mode.FILEIO,
                List.of("erofs (device erofs): mounted with root inode @ nid 38.",
                        "erofs (device erofs): cannot find valid erofs superblock"),
                List.of(OutcomeComparator.LOG_UNCERTAIN + "foreign erofs activity in each of 5 observations"));
        assertThat(OutcomeComparator.compare(model, kernel)).isEmpty();
        MountOutcome certain = new MountOutcome.Failed(Errno.EINVAL, Mode.FILEIO, kernel.log(), List.of());
        assertThat(OutcomeComparator.compare(model, certain)).isNotEmpty();
        ObjectNode k = OutcomeJson.toTree(kernel);
        assertThat(k.path("notes").get(0).asText()).startsWith("kernel log attribution uncertain, log not compared: ");
    }
}
