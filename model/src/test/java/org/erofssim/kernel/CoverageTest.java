package org.erofssim.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.erofssim.testing.Checkout;
import org.junit.jupiter.api.Test;

/**
 * The coverage probe: its ids are the committed list ({@code coverage-ids.txt}) exactly, and a
 * recorder sees only its own thread's evaluation. (That every id is reachable by a fixture or a
 * generated case is checked in the harness: {@code CoverageReachTest}.)
 */
class CoverageTest {
    private static final Pattern HIT = Pattern.compile("Coverage\\.hit\\(([^;]*)\\);");
    private static final Pattern LITERAL = Pattern.compile("\"([^\"]+)\"");

    /** Every string literal passed to {@code Coverage.hit} in the model's main sources. */
    static Set<String> instrumented() throws IOException {
        Set<String> ids = new TreeSet<>();
        Path src = Checkout.root().resolve("model/src/main/java");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = HIT.matcher(Files.readString(f));
                while (m.find()) {
                    Matcher lit = LITERAL.matcher(m.group(1));
                    int found = 0;
                    while (lit.find()) {
                        ids.add(lit.group(1));
                        found++;
                    }
                    assertThat(found).as("Coverage.hit in %s takes literal ids: %s", f, m.group()).isPositive();
                }
            }
        }
        return ids;
    }

    /**
     * Every id a comparison hint names ({@code Coverage.hint}, {@code hintOption} and the model's
     * helpers that call them, e.g. {@code hint(inode, "id", ...)}) is a committed id: a fuzzer
     * steers to the branch by that name.
     */
    @Test
    void hintsNameCommittedIds() throws IOException {
        Pattern hint = Pattern.compile("[Hh]int(?:Option)?\\([^;\"]*\"([a-z0-9_]+:[a-z0-9_-]+)\"");
        Set<String> named = new TreeSet<>();
        Path src = Checkout.root().resolve("model/src/main/java");
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = hint.matcher(Files.readString(f));
                while (m.find()) {
                    named.add(m.group(1));
                }
            }
        }
        assertThat(named).hasSizeGreaterThanOrEqualTo(8);
        assertThat(Coverage.knownIds().keySet()).containsAll(named);
    }

    @Test
    void theCommittedListIsExactlyTheInstrumentedIds() throws IOException {
        Set<String> instrumented = instrumented();
        assertThat(instrumented).hasSizeGreaterThanOrEqualTo(60);
        assertThat(new TreeSet<>(Coverage.knownIds().keySet())).isEqualTo(instrumented);
        for (var e : Coverage.knownIds().entrySet()) {
            assertThat(e.getKey()).as("function:branch").matches("[a-z0-9_]+:[a-z0-9_-]+");
            assertThat(e.getValue()).as("description of %s", e.getKey()).isNotBlank();
        }
    }

    @Test
    void aHitOutsideARecordingIsDropped() {
        Coverage.hit("erofs_read_superblock:bad-magic");
        Coverage.Recorder r = new Coverage.Recorder();
        Coverage.record(r, () -> null);
        assertThat(r.ids()).isEmpty();
    }

    @Test
    void nestedRecordersRestoreTheOuterOne() {
        Coverage.Recorder outer = new Coverage.Recorder();
        Coverage.Recorder inner = new Coverage.Recorder();
        Coverage.record(outer, () -> {
            Coverage.hit("a:outer");
            Coverage.record(inner, () -> {
                Coverage.hit("a:inner");
                return null;
            });
            Coverage.hit("a:outer-again");
            return null;
        });
        assertThat(outer.ids()).containsExactlyInAnyOrder("a:outer", "a:outer-again");
        assertThat(inner.ids()).containsExactly("a:inner");
    }

    @Test
    void concurrentRecordersSeeOnlyTheirOwnThread() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch allIn = new CountDownLatch(4);
            Future<?>[] fs = new Future<?>[4];
            Coverage.Recorder[] rs = new Coverage.Recorder[4];
            for (int t = 0; t < 4; t++) {
                int id = t;
                rs[t] = new Coverage.Recorder();
                fs[t] = pool.submit(() -> Coverage.record(rs[id], () -> {
                    allIn.countDown();
                    try {
                        allIn.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < 1000; i++) {
                        Coverage.hit("t:" + id);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            for (int t = 0; t < 4; t++) {
                assertThat(rs[t].ids()).containsExactly("t:" + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
