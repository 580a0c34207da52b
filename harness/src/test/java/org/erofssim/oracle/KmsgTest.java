package org.erofssim.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.kernel.Errno;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Kmsg}'s count of records lost to an {@code EPIPE} of {@code /dev/kmsg}, on a fake stream
 * of records (no root, no /dev/kmsg): what {@code devkmsg_read} does when the records after a
 * reader's position were overwritten in the log buffer (the read fails with {@code EPIPE}, the next
 * one returns the oldest record left), and the note an observation gets for it.
 */
@DisplayName("Kmsg: records lost to an EPIPE of /dev/kmsg are counted (fake stream, no root)")
class KmsgTest {
    @TempDir Path tmp;

    /** A stream item: a record's bytes, an errno the read fails with, or the end of what is printed so far. */
    private static final Object EPIPE = Syscalls.EPIPE;
    private static final Object EINTR = Syscalls.EINTR;
    private static final Object EAGAIN = "EAGAIN";

    /** A fake /dev/kmsg: each read takes the next item (past the last one: EAGAIN). */
    static final class FakeStream implements Kmsg.Source {
        final Deque<Object> items = new ArrayDeque<>();
        boolean closed;

        FakeStream(Object... items) {
            this.items.addAll(List.of(items));
        }

        @Override public byte[] read() {
            Object o = items.poll();
            if (o == null || o == EAGAIN) {
                return null;
            }
            if (o instanceof Integer errno) {
                throw new SyscallException("read(/dev/kmsg)", errno);
            }
            return (byte[]) o;
        }

        @Override public void close() {
            closed = true;
        }
    }

    /** A /dev/kmsg record of sequence number {@code seq}: {@code prio,seq,ts,flags;message\n}. */
    static byte[] rec(long seq, String message) {
        return ("3," + seq + "," + (1000 * seq) + ",-;" + message + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] rec(long seq) {
        return rec(seq, "erofs (device loop0): z_erofs_read_folio: failed to read, err [-117] " + seq);
    }

    private static List<Long> seqs(List<Kmsg.Record> records) {
        return records.stream().map(Kmsg.Record::seq).toList();
    }

    @Test
    @DisplayName("consecutive records: all read, none lost, the reader goes on after the last")
    void noLoss() {
        Kmsg k = new Kmsg(new FakeStream(rec(10), rec(11), rec(12)));
        k.expectFrom(10);
        assertThat(seqs(k.readNew())).containsExactly(10L, 11L, 12L);
        assertThat(k.lost()).isZero();
        assertThat(k.nextSeq()).isEqualTo(13);
    }

    @Test
    @DisplayName("an EPIPE in the middle: the gap of sequence numbers after it is the count")
    void epipeInTheMiddle() {
        // records 12..199 were overwritten between the reads: the read after 11 fails, the next returns 200
        Kmsg k = new Kmsg(new FakeStream(rec(10), rec(11), EPIPE, rec(200), rec(201)));
        assertThat(seqs(k.readNew())).containsExactly(10L, 11L, 200L, 201L);
        assertThat(k.lost()).isEqualTo(188);
        assertThat(k.nextSeq()).isEqualTo(202);
    }

    @Test
    @DisplayName("an EPIPE before the first record: counted from expectFrom (the window's start), else 1")
    void epipeBeforeTheFirstRecord() {
        // session 16's 6.1 capture: the window began at 635, its oldest surviving record was 823
        Kmsg known = new Kmsg(new FakeStream(EPIPE, rec(823), rec(824)));
        known.expectFrom(635);
        assertThat(seqs(known.readNew())).containsExactly(823L, 824L);
        assertThat(known.lost()).isEqualTo(188);

        Kmsg unknown = new Kmsg(new FakeStream(EPIPE, rec(823), rec(824)));
        assertThat(seqs(unknown.readNew())).containsExactly(823L, 824L);
        assertThat(unknown.lost()).as("no number expected: at least one").isEqualTo(1);

        // a lower bound of the start (the guard read past it): the count stays a lower bound
        Kmsg later = new Kmsg(new FakeStream(EPIPE, rec(823)));
        later.expectFrom(700);
        later.readNew();
        assertThat(later.lost()).isEqualTo(123);
        // a start past the oldest survivor (it printed after the guard's drain): at least one, not a negative gap
        Kmsg past = new Kmsg(new FakeStream(EPIPE, rec(823)));
        past.expectFrom(900);
        past.readNew();
        assertThat(past.lost()).isEqualTo(1);
    }

    @Test
    @DisplayName("expectFrom does not move a reader that has read a record, nor take a negative number")
    void expectFromOnlyBeforeTheFirstRecord() {
        Kmsg k = new Kmsg(new FakeStream(rec(50), EAGAIN, EPIPE, rec(60)));
        k.expectFrom(-1);
        assertThat(k.nextSeq()).isEqualTo(-1);
        assertThat(seqs(k.readNew())).containsExactly(50L);
        k.expectFrom(10);
        assertThat(k.nextSeq()).isEqualTo(51);
        assertThat(seqs(k.readNew())).containsExactly(60L);
        assertThat(k.lost()).isEqualTo(9);
    }

    @Test
    @DisplayName("several EPIPEs, across reads: the gaps add up; one with no record after it yet counts 1 until one comes")
    void severalEpipes() {
        FakeStream s = new FakeStream(rec(1), EPIPE, rec(5), rec(6), EPIPE, EPIPE, rec(20), EAGAIN, EPIPE);
        Kmsg k = new Kmsg(s);
        assertThat(seqs(k.readNew())).containsExactly(1L, 5L, 6L, 20L);
        assertThat(k.lost()).as("3 (2..4) + 13 (7..19)").isEqualTo(16);
        assertThat(k.readNew()).isEmpty();
        assertThat(k.lost()).as("an EPIPE, then nothing to read").isEqualTo(17);
        s.items.addAll(List.of(rec(30), rec(31)));
        assertThat(seqs(k.readNew())).containsExactly(30L, 31L);
        assertThat(k.lost()).as("its gap (21..29) replaces the 1").isEqualTo(25);
    }

    @Test
    @DisplayName("EINTR is retried, another errno is thrown; close closes the stream")
    void otherErrors() {
        FakeStream s = new FakeStream(rec(7), EINTR, rec(8), Syscalls.EINVAL);
        Kmsg k = new Kmsg(s);
        assertThatThrownBy(k::readNew).isInstanceOf(SyscallException.class)
                .satisfies(e -> assertThat(((SyscallException) e).errno()).isEqualTo(Syscalls.EINVAL));
        assertThat(k.lost()).isZero();
        assertThat(k.nextSeq()).isEqualTo(9);
        k.close();
        assertThat(s.closed).isTrue();
    }

    @Test
    @DisplayName("an observation's window that lost records gets the LOG_INCOMPLETE note with the count; one that did not, none")
    void theWindowsNote() {
        Kmsg window = new Kmsg(new FakeStream(EPIPE, rec(823, "erofs (device erofs): z_erofs_read_folio: failed to read, err [-117]"),
                rec(824, "erofs (device erofs): z_erofs_read_folio: failed to read, err [-117]")));
        window.expectFrom(635);
        LogWindow w = new LogWindow(null);
        Set<String> sysfs = LiveKernelOracle.sysfsEntries();
        List<String> log;
        try (Sandbox sb = Sandbox.create(tmp)) {
            log = w.attributedLog(new LogFilter(sb, Map.of()), window, false, null, sysfs, -1, null);
        }
        assertThat(log).hasSize(2);
        assertThat(w.lost).isEqualTo(188);
        MountOutcome failed = new MountOutcome.Failed(Errno.EIO, null, log, List.of("n"));
        MountOutcome noted = w.withLostNote(failed, "the live oracle");
        assertThat(noted.notes()).containsExactly("n", OutcomeComparator.LOG_INCOMPLETE + "at least 188 record(s) of the"
                + " window were overwritten in the kernel's log buffer before the live oracle read them (/dev/kmsg: EPIPE)");
        assertThat(noted.log()).isEqualTo(log);
        // the native runner's note is the same but for who read the window
        assertThat(NativeObservation.logIncomplete(188)).isEqualTo(noted.notes().get(1).replace("the live oracle", "the native runner"));
        LogWindow complete = new LogWindow(null);
        assertThat(complete.withLostNote(failed, "the live oracle")).isSameAs(failed);
    }
}
