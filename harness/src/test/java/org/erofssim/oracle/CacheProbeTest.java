package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.erofssim.sb.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The page-cache half of the {@code probeCache} probe on a file of the test's own (no root, no
 * mount): eviction with {@code POSIX_FADV_DONTNEED} checked by {@code mincore}, the note and the
 * retry for pages that stay, and how the answer names the cache.
 */
@DisplayName("CacheProbe: eviction and mincore on a plain file")
class CacheProbeTest {
    private Path dir;
    private Path file;

    @BeforeEach
    void file() throws IOException {
        Assumptions.assumeTrue("Linux".equals(System.getProperty("os.name"))
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch")), "x86-64 Linux only");
        dir = Files.createTempDirectory("erofssim-cacheprobe-");
        file = dir.resolve("img");
        byte[] b = new byte[5 * Syscalls.PAGE_SIZE + 100];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        Files.write(file, b);
    }

    @AfterEach
    void remove() {
        if (dir != null) {
            Reclaim.deleteTree(dir);
        }
    }

    @Test
    @DisplayName("a file just written is resident (6 pages, the last one partial); after eviction none is")
    void evicts() {
        assertThat(Syscalls.residentPages(file.toString())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        List<String> notes = new ArrayList<>();
        CacheProbe.Run run = CacheProbe.evict(new CacheProbe.Primary("/srv/a", file.toString(), null), notes);
        assertThat(run.fileBefore).isEmpty();
        assertThat(run.bdevBefore).isNull();
        // dirty pages survive a plain fadvise (writeback only starts): then a note, and the fsync retry drops them
        assertThat(notes).allMatch(n -> n.contains("stayed resident") && n.contains("retried after fsync"));
        System.out.println("[cacheprobe] eviction of a dirty file: " + notes);
        assertThat(Syscalls.residentPages(file.toString())).isEmpty();
    }

    @Test
    @DisplayName("pages a mapping keeps in use stay: a note names them, and they are reported as resident before the mount")
    void mappedPagesStay() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int fd = Syscalls.open(file.toString(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC);
            try {
                Syscalls.fsync(fd); // clean, so only the mapping keeps them
            } finally {
                Syscalls.close(fd);
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, 2L * Syscalls.PAGE_SIZE);
            m.load();
            List<String> notes = new ArrayList<>();
            CacheProbe.Run run = CacheProbe.evict(new CacheProbe.Primary("/srv/a", file.toString(), null), notes);
            assertThat(run.fileBefore).contains(0L, 1L);
            assertThat(notes).hasSize(2);
            assertThat(notes.get(0)).contains("of the image file of /srv/a stayed resident");
            assertThat(notes.get(1)).contains("still resident before the mount");
            assertThat(m.get(0)).isEqualTo((byte) 0); // keep the mapping alive until here
        }
    }

    @Test
    @DisplayName("the answer names the cache that holds pages; neither: the mode's, with a note")
    void naming() {
        List<String> notes = new ArrayList<>();
        CacheProbe.Run run = CacheProbe.evict(new CacheProbe.Primary("/srv/a", file.toString(), null), notes);
        notes.clear();
        CacheProbe.Result none = CacheProbe.observe(run, Mode.FILEIO, notes);
        assertThat(none.cache().cache()).isEqualTo("file");
        assertThat(none.cache().blocks()).isEmpty();
        assertThat(notes).containsExactly("probeCache: no page of /srv/a is resident in either cache after the walk");

        notes.clear();
        try {
            Files.readAllBytes(file); // buffered read: readahead brings the whole small file in
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CacheProbe.Result read = CacheProbe.observe(run, Mode.BDEV, notes);
        assertThat(read.cache().cache()).isEqualTo("file");
        assertThat(read.cache().blocks()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(notes).containsExactly("probeCache: the metadata is in the file cache, but the mount is in bdev mode");
    }

    @Test
    @DisplayName("page lists in notes are written as ranges")
    void ranges() {
        assertThat(CacheProbe.ranges(List.of(0L, 1L, 2L, 3L, 7L, 10L, 11L))).isEqualTo("[0-3, 7, 10-11]");
        assertThat(CacheProbe.ranges(List.of())).isEqualTo("[]");
    }
}
