package org.erofssim.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.erofssim.kernel.Errno;
import org.erofssim.report.Difference;
import org.erofssim.contract.DeviceInfo;
import org.erofssim.sb.Mode;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Statfs;
import org.erofssim.contract.SuperblockInfo;
import org.erofssim.contract.TreeEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("OutcomeComparator")
class OutcomeComparatorTest {
    static final String LINE = "erofs (device erofs): mounted with root inode @ nid 36.";

    static TreeEntry entry(String path, String sha) {
        return new TreeEntry(path, 40, "file", "0644", 0, 0, 6, 8, 1, 0, 0, null, null, Map.of(), sha, null, 6,
                null, List.of());
    }

    static MountOutcome.Mounted mounted(SuperblockInfo sb, String fsid0, long blocks, List<TreeEntry> tree,
                                        List<String> notes) {
        int f0 = Integer.parseUnsignedInt(fsid0, 16);
        return new MountOutcome.Mounted(Mode.FILEIO, List.of(LINE), sb, "ro,user_xattr,acl,cache_strategy=readaround",
                new Statfs(0xE0F5E1E2L, 4096, blocks, 0, 0, -1, -9, 255, f0, 0), List.<DeviceInfo>of(), tree, notes);
    }

    @Test
    @DisplayName("identical outcomes have no differences, whatever the model's notes say")
    void same() {
        SuperblockInfo sb = new SuperblockInfo(true, "0:*", "erofs-*", 4096);
        assertThat(OutcomeComparator.compare(mounted(sb, "0", 1, null, List.of("a remark")), mounted(sb, "0", 1, null,
                List.of()))).isEmpty();
    }

    @Nested
    @DisplayName("kernel-assigned numbers compare by pattern")
    class Patterns {
        @Test
        @DisplayName("0:* and erofs-* match the kernel's 0:39 and erofs-2063, and nothing else")
        void anon() {
            MountOutcome m = mounted(new SuperblockInfo(true, "0:*", "erofs-*", 4096), "0", 1, null, List.of());
            MountOutcome k = mounted(new SuperblockInfo(true, "0:39", "erofs-2063", 4096), "0", 1, null, List.of());
            assertThat(OutcomeComparator.compare(m, k)).isEmpty();
            MountOutcome wrong = mounted(new SuperblockInfo(true, "7:0", "loop0", 4096), "0", 1, null, List.of());
            assertThat(OutcomeComparator.compare(m, wrong)).extracting(Difference::field)
                    .containsExactly("superblock.dev", "superblock.sysfsName");
        }

        @Test
        @DisplayName("a zero-uuid bdev fsid is each side's own encoded dev_t (7:0 vs loop 7:3)")
        void encodedDev() {
            MountOutcome m = mounted(new SuperblockInfo(false, "7:0", "loop0", 4096), "00000700", 1, null, List.of());
            MountOutcome k = mounted(new SuperblockInfo(false, "7:3", "loop0", 4096), "00000703", 1, null, List.of());
            assertThat(OutcomeComparator.compare(m, k)).isEmpty();
            // a kernel fsid that is not its own device's encoding: devices compare as they are
            MountOutcome off = mounted(new SuperblockInfo(false, "7:3", "loop0", 4096), "00000700", 1, null, List.of());
            assertThat(OutcomeComparator.compare(m, off)).extracting(Difference::field)
                    .containsExactly("superblock.dev");
        }
    }

    @Test
    @DisplayName("a different errno, log or statfs value is a difference naming its field")
    void fields() {
        MountOutcome a = new MountOutcome.Failed(Errno.EINVAL, null, List.of("x"), List.of());
        MountOutcome b = new MountOutcome.Failed(Errno.ENOTBLK, null, List.of("y"), List.of());
        assertThat(OutcomeComparator.compare(a, b)).extracting(Difference::field).containsExactly("errno", "log[0]");
        SuperblockInfo sb = new SuperblockInfo(true, "0:*", "erofs-*", 4096);
        assertThat(OutcomeComparator.compare(mounted(sb, "0", 1, null, List.of()), mounted(sb, "0", 2, null, List.of())))
                .containsExactly(new Difference("statfs.blocks", "1", "2"));
    }

    @Test
    @DisplayName("tree entries pair by path: one missing file is one difference")
    void tree() {
        SuperblockInfo sb = new SuperblockInfo(true, "0:*", "erofs-*", 4096);
        MountOutcome m = mounted(sb, "0", 1, List.of(entry("/a", "aa"), entry("/b", "bb"), entry("/c", "cc")), List.of());
        MountOutcome k = mounted(sb, "0", 1, List.of(entry("/a", "aa"), entry("/c", "cd")), List.of());
        assertThat(OutcomeComparator.compare(m, k)).extracting(Difference::field)
                .containsExactly("tree[/b]", "tree[/c].sha256");
    }

    @Nested
    @DisplayName("a file the kernel returns undefined bytes for (null hash + the note)")
    class UndefinedBytesEntries {
        static final String NOTE = org.erofssim.sb.UndefinedBytes.NOTE_PREFIX + "5 of the bytes read ...";

        TreeEntry undefined(String path, long ok, String errno, List<String> notes) {
            return new TreeEntry(path, 40, "file", "0644", 0, 0, 6, 8, 1, 0, 0, null, null, Map.of(), null, errno, ok,
                    null, notes);
        }

        TreeEntry kernel(String path, String sha, long ok, String errno) {
            return new TreeEntry(path, 40, "file", "0644", 0, 0, 6, 8, 1, 0, 0, null, null, Map.of(), sha, errno, ok,
                    null, List.of());
        }

        @Test
        @DisplayName("matches any kernel hash, but not another readOkBytes, readErrno or size")
        void anyHash() {
            SuperblockInfo sb = new SuperblockInfo(true, "0:*", "erofs-*", 4096);
            MountOutcome m = mounted(sb, "0", 1, List.of(undefined("/a", 6, null, List.of(NOTE))), List.of());
            for (String sha : new String[] {"aa", "bb"}) {
                assertThat(OutcomeComparator.compare(m, mounted(sb, "0", 1, List.of(kernel("/a", sha, 6, null)), List.of())))
                        .as(sha).isEmpty();
            }
            assertThat(OutcomeComparator.compare(m, mounted(sb, "0", 1, List.of(kernel("/a", "aa", 4, "EIO")), List.of())))
                    .extracting(Difference::field).containsExactly("tree[/a].readErrno", "tree[/a].readOkBytes");
        }

        @Test
        @DisplayName("a null hash without the note (not modelled, say) still differs from a kernel hash")
        void otherNullHashes() {
            SuperblockInfo sb = new SuperblockInfo(true, "0:*", "erofs-*", 4096);
            MountOutcome m = mounted(sb, "0", 1, List.of(undefined("/a", 6, null, List.of("not modelled: LZMA pcluster"))),
                    List.of());
            assertThat(OutcomeComparator.compare(m, mounted(sb, "0", 1, List.of(kernel("/a", "aa", 6, null)), List.of())))
                    .extracting(Difference::field).containsExactly("tree[/a].sha256");
        }
    }

    @Nested
    @DisplayName("0ee3a0d59e00 erofs: enable sub-page compressed block support: its once-per-boot notice")
    class OncePerBootNotice {
        static final String NOTICE_612 = "erofs: (device loop0): EXPERIMENTAL EROFS subpage compressed block support in use."
                + " Use at your own risk!";
        static final String NOTICE_7X = "erofs (device 0:39): EXPERIMENTAL EROFS subpage compressed block support in use."
                + " Use at your own risk!";
        static final String READ_ERROR = "erofs (device 0:39): readahead error at folio 0 @ nid 776";

        private MountOutcome withLog(List<String> log) {
            return new MountOutcome.Mounted(Mode.FILEIO, log, new SuperblockInfo(true, "0:*", "erofs-*", 4096),
                    "ro,user_xattr,acl,cache_strategy=readaround", new Statfs(0xE0F5E1E2L, 4096, 1, 0, 0, -1, -9, 255, 0, 0),
                    List.<DeviceInfo>of(), null, List.of());
        }

        @Test
        @DisplayName("DO_ONCE_LITE_IF: left out of both logs, whichever side printed it, as often as 7.x's two call sites do")
        void leftOut() {
            MountOutcome model = withLog(List.of(LINE, READ_ERROR));
            assertThat(OutcomeComparator.compare(model, withLog(List.of(LINE, NOTICE_7X, NOTICE_7X, READ_ERROR)))).isEmpty();
            assertThat(OutcomeComparator.compare(withLog(List.of(LINE, NOTICE_7X, READ_ERROR)), model)).isEmpty();
            assertThat(OutcomeComparator.oncePerBoot(NOTICE_612)).isNotNull()
                    .extracting(OutcomeComparator.OncePerBoot::commit).isEqualTo("0ee3a0d59e00");
            assertThat(OutcomeComparator.oncePerBoot(NOTICE_7X)).isNotNull();
        }

        @Test
        @DisplayName("every other line still compares, in order; a line that only looks like the notice is no notice")
        void othersStillCompare() {
            MountOutcome model = withLog(List.of(LINE, READ_ERROR));
            assertThat(OutcomeComparator.compare(model, withLog(List.of(LINE, NOTICE_7X))))
                    .extracting(Difference::field).containsExactly("log[1]");
            assertThat(OutcomeComparator.compare(model, withLog(List.of(READ_ERROR, NOTICE_7X, LINE))))
                    .extracting(Difference::field).containsExactly("log[0]", "log[1]");
            assertThat(OutcomeComparator.oncePerBoot("erofs (device 0:39): EXPERIMENTAL EROFS subpage compressed block"
                    + " support in use.")).isNull();
        }
    }

    @Nested
    @DisplayName("a kernel log that lost records before they were read (the LOG_INCOMPLETE note)")
    class IncompleteLog {
        static final String NOTE = OutcomeComparator.LOG_INCOMPLETE + "at least 187 record(s) ...";
        static final String LAZY = "erofs: (device loop0): z_erofs_fill_inode_lazy: per-inode big pcluster without sb feature"
                + " for nid 741";
        static final String READ = "erofs: (device loop0): z_erofs_read_folio: failed to read, err [-117]";
        static final String MOUNT = "erofs: (device loop0): mounted with root inode @ nid 36.";
        static final String READMORE = "erofs: (device loop0): z_erofs_pcluster_readmore: readmore error at page 0 @ nid 117";

        private MountOutcome failed(Errno e, List<String> log, List<String> notes) {
            return new MountOutcome.Failed(e, null, log, notes);
        }

        @Test
        @DisplayName("its surviving lines in the model's order: no log difference, the errno still compared")
        void survivorsAsASubsequence() {
            List<String> model = List.of(MOUNT, LAZY, LAZY, READ, LAZY, READ);
            // the oldest records (the mount line, the first LAZY) were overwritten
            assertThat(OutcomeComparator.compare(failed(Errno.EIO, model, List.of()),
                    failed(Errno.EIO, List.of(LAZY, READ, LAZY, READ), List.of(NOTE)))).isEmpty();
            assertThat(OutcomeComparator.compare(failed(Errno.EIO, model, List.of()),
                    failed(Errno.EINVAL, List.of(LAZY, READ), List.of(NOTE)))).extracting(Difference::field)
                    .containsExactly("errno");
            // without the note the same cut log is a difference line by line
            assertThat(OutcomeComparator.compare(failed(Errno.EIO, model, List.of()),
                    failed(Errno.EIO, List.of(LAZY, READ, LAZY, READ), List.of()))).isNotEmpty();
        }

        @Test
        @DisplayName("a surviving line the model does not have (or not in that order) is one difference naming it")
        void aLineOutOfTheModel() {
            List<Difference> d = OutcomeComparator.compare(failed(Errno.EIO, List.of(MOUNT, LAZY, READ), List.of()),
                    failed(Errno.EIO, List.of(LAZY, READMORE, READ), List.of(NOTE)));
            assertThat(d).hasSize(1);
            assertThat(d.get(0).field()).isEqualTo("log[1]");
            assertThat(d.get(0).reference()).isEqualTo(READMORE);
            assertThat(d.get(0).model()).contains("no such line in order");
            assertThat(OutcomeComparator.compare(failed(Errno.EIO, List.of(LAZY, READ), List.of()),
                    failed(Errno.EIO, List.of(READ, LAZY), List.of(NOTE)))).extracting(Difference::field)
                    .containsExactly("log[1]");
        }

        @Test
        @DisplayName("two kernels that both lost records agree when one's survivors hold the other's")
        void twoIncompleteLogs() {
            MountOutcome a = failed(Errno.EIO, List.of(LAZY, READ, LAZY, READ), List.of(NOTE));
            MountOutcome b = failed(Errno.EIO, List.of(LAZY, READ), List.of(NOTE));
            assertThat(OutcomeComparator.compare(a, b)).isEmpty();
            assertThat(OutcomeComparator.compare(b, a)).isEmpty();
            assertThat(OutcomeComparator.compare(a, failed(Errno.EIO, List.of(READMORE), List.of(NOTE))))
                    .extracting(Difference::field).containsExactly("log[0]");
            // a complete side (the model of a kernel-vs-model pair, say) against an incomplete one, either way round
            assertThat(OutcomeComparator.compare(b, failed(Errno.EIO, List.of(MOUNT, LAZY, READ), List.of()))).isEmpty();
        }
    }
}
