package org.erofssim.oracle.utils;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.erofssim.contract.TreeEntry;
import org.junit.jupiter.api.Test;

/** TreeDiff finds every kind of difference and skips only what the expected side does not know. */
class TreeDiffTest {
    static TreeEntry e(String path, long ino, String mode, long size, long nlink, Map<String, String> x) {
        return new TreeEntry(path, ino, "file", mode, 0, 0, size, -1, nlink, 5, 6, null, null, x, "ab", null, size,
                null, List.of());
    }

    @Test
    void findsEachField() {
        TreeEntry a = e("/a", 40, "0644", 3, 1, Map.of("user.k", "dg=="));
        assertThat(TreeDiff.diff(List.of(a), List.of(a), TreeDiff.allButIno(), n -> true)).isEmpty();
        assertThat(TreeDiff.diff(List.of(a), List.of(e("/a", 41, "0644", 3, 1, Map.of("user.k", "dg=="))),
                java.util.EnumSet.allOf(TreeDiff.Field.class), n -> true)).extracting(TreeDiff.Difference::field)
                .containsExactly("INO");
        assertThat(TreeDiff.diff(List.of(a), List.of(e("/a", 40, "4644", 4, 2, Map.of())), TreeDiff.allButIno(), n -> true))
                .extracting(TreeDiff.Difference::field).containsExactly("MODE", "SIZE", "NLINK", "XATTRS");
        assertThat(TreeDiff.diff(List.of(a), List.of(e("/b", 40, "0644", 3, 1, Map.of())), TreeDiff.allButIno(), n -> true))
                .extracting(TreeDiff.Difference::toString)
                .containsExactly("/a path: expected present, got missing", "/b path: expected absent, got present");
    }

    @Test
    void unknownExpectedValuesAreSkipped() {
        TreeEntry unknown = e("/a", -1, null, -1, -1, null);
        assertThat(TreeDiff.diff(List.of(unknown), List.of(e("/a", 7, "0600", 9, 3, Map.of("user.x", ""))),
                java.util.EnumSet.allOf(TreeDiff.Field.class), n -> true)).isEmpty();
    }

    @Test
    void xattrFilter() {
        TreeEntry a = e("/a", 1, "0644", 0, 1, Map.of("user.k", "AA==", "trusted.t", "AA=="));
        TreeEntry b = e("/a", 1, "0644", 0, 1, Map.of("user.k", "AA=="));
        assertThat(TreeDiff.diff(List.of(a), List.of(b), TreeDiff.allButIno(), TreeDiff.USER_XATTRS)).isEmpty();
        assertThat(TreeDiff.diff(List.of(a), List.of(b), TreeDiff.allButIno(), n -> true)).hasSize(1);
    }
}
