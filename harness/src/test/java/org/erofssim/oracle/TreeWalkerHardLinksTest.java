package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.erofssim.contract.TreeEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live walker reads a hard-linked inode once (issue 11, the 201-hard-link bomb: the walk read
 * one 1 GiB file 201 times, 7.5 minutes of a {@code compare}). Walked here on an ordinary folder,
 * no mount needed: every link gets the one read's hash, and the walk opened the file once.
 */
class TreeWalkerHardLinksTest {
    @TempDir Path tmp;

    @Test
    void twoHundredAndOneLinksToOneFileAreReadOnce() throws Exception {
        byte[] content = new byte[1 << 20];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + (i >>> 9));
        }
        Path first = Files.write(tmp.resolve("big"), content);
        for (int i = 1; i <= 200; i++) {
            Files.createLink(tmp.resolve("l" + i), first);
        }
        Files.write(tmp.resolve("other"), new byte[] {1, 2, 3});
        TreeWalker.Walk w = TreeWalker.walk(tmp.toString(), false);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        List<TreeEntry> links = w.tree().stream().filter(e -> e.path().equals("/big") || e.path().matches("/l\\d+")).toList();
        assertThat(links).hasSize(201).allSatisfy(e -> {
            assertThat(e.sha256()).isEqualTo(sha);
            assertThat(e.nlink()).isEqualTo(201);
            assertThat(e.readErrno()).isNull();
        });
        assertThat(w.fileReads()).as("regular files opened and read: the linked inode once, /other once").isEqualTo(2);
    }
}
