package org.erofssim.oracle;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.erofssim.compare.OutcomeComparator;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.TreeEntry;

/**
 * One observation's kernel-log window and its attribution (harness contract, "Kernel-log
 * attribution"): the guard reader opened before the sandbox, the sequence numbers the window
 * read, the evidence of foreign erofs activity, whether foreign lines may remain
 * ({@link #ambiguous}) and how many of the window's records were lost before they were read
 * ({@link #lost}). Its job: attribute the window's records ({@link #attributedLog}), check the
 * records printed after it ({@link #guardCheck}) and say when the log is incomplete
 * ({@link #withLostNote}). Used by {@link LiveKernelOracle} on the host (and in a VM's guest JVM)
 * and by {@link NativeObservation} for the native guest runner's raw lines.
 */
final class LogWindow {
    /** How long after an observation's sandbox is released the log is watched for foreign erofs lines. */
    static final long GUARD_MILLIS = 60;

    final List<String> evidence = new ArrayList<>();
    /** Opened before the sandbox; drained right after the window opens; read again after the sandbox is released. */
    final Kmsg guard;
    final Set<Long> windowSeqs = new HashSet<>();
    /** Foreign lines may remain in the log (foreign file-backed activity during a file-backed observation). */
    boolean ambiguous;
    /** The observation's source is a block device: every {@code (device erofs)} line is foreign. */
    boolean blockSource;
    /**
     * Records of the window overwritten in the kernel's log buffer before they were read (its
     * {@code /dev/kmsg} reads failed with {@code EPIPE}), at least; 0 when none were.
     */
    long lost;

    LogWindow(Kmsg guard) {
        this.guard = guard;
    }

    /**
     * The guard after the window: erofs lines printed after the observation's window closed, up to
     * {@link #GUARD_MILLIS} after its sandbox was released, are not its own (its file system is
     * unmounted and nothing of it reads any more); they show another process's erofs work going on
     * around the window (a tree walk printing read errors, say), which may have printed into it.
     */
    void guardAfter() {
        try {
            Thread.sleep(GUARD_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guardCheck(guard.readNew());
    }

    /** {@link #guardAfter}'s check of the records read after the window (shared with {@link NativeObservation}). */
    void guardCheck(List<Kmsg.Record> after) {
        for (Kmsg.Record r : after) {
            String m = r.message();
            DeviceLine line = DeviceLine.parse(m);
            if (!windowSeqs.contains(r.seq()) && !blockSource && line != null && line.fileBacked()) {
                evidence.add("file-backed erofs lines right after the observation (" + m + ")");
                ambiguous = true;
                return;
            }
        }
    }

    /**
     * The window's log read from {@code kmsg} (which records it lost counted into {@link #lost}),
     * attributed; evidence of foreign erofs activity (log lines, sysfs) goes to {@link #evidence}.
     */
    List<String> attributedLog(LogFilter logs, Kmsg kmsg, boolean mounted, String options, Set<String> sysfsBefore,
                               long rootNid, Set<Long> treeNids) {
        List<Kmsg.Record> records = kmsg.readNew();
        lost = kmsg.lost();
        return attributedLog(logs, records, mounted, options, sysfsBefore, LiveKernelOracle.sysfsEntries(), rootNid,
                treeNids);
    }

    /**
     * {@link #attributedLog(LogFilter, Kmsg, boolean, String, Set, long, Set)} on the window's
     * records and the {@code /sys/fs/erofs} entries read at its end (shared with
     * {@link NativeObservation}).
     */
    List<String> attributedLog(LogFilter logs, List<Kmsg.Record> records, boolean mounted, String options,
                               Set<String> sysfsBefore, Set<String> sysfsNow, long rootNid, Set<Long> treeNids) {
        records.forEach(r -> windowSeqs.add(r.seq()));
        LogFilter.Attributed a = logs.attribute(records, blockSource, mounted, options, rootNid, treeNids);
        evidence.addAll(a.evidence());
        ambiguous |= a.ambiguous();
        Set<String> after = sysfsNow;
        Set<String> gone = new TreeSet<>(sysfsBefore);
        gone.removeAll(after);
        Set<String> added = new TreeSet<>(after);
        added.removeAll(sysfsBefore);
        // a file-backed superblock's entry is erofs-N, a block device's is its name (loopN: recognisable)
        gone.removeIf(n -> !n.startsWith("erofs-") && !n.matches("0:\\d+"));
        added.removeIf(n -> !n.startsWith("erofs-") && !n.matches("0:\\d+"));
        if (!gone.isEmpty()) {
            evidence.add("/sys/fs/erofs lost " + gone + " during the observation");
            ambiguous |= !blockSource;
        }
        if (added.size() > (mounted && !blockSource ? 1 : 0)) {
            evidence.add("/sys/fs/erofs gained " + added + " during the observation");
            ambiguous |= !blockSource;
        }
        return a.log();
    }

    /**
     * {@code o} with the {@link OutcomeComparator#LOG_INCOMPLETE} note when the window lost records
     * ({@link #lost} above 0), else {@code o}; {@code reader} names who read the window.
     */
    MountOutcome withLostNote(MountOutcome o, String reader) {
        return lost > 0 ? LiveKernelOracle.withNote(o, incompleteNote(lost, reader)) : o;
    }

    /**
     * The {@link OutcomeComparator#LOG_INCOMPLETE} note of a window that lost at least {@code lost}
     * records before {@code reader} read it (the same words for the live oracle and the native runner).
     */
    static String incompleteNote(long lost, String reader) {
        return OutcomeComparator.LOG_INCOMPLETE + "at least " + lost + " record(s) of the window were overwritten in the "
                + "kernel's log buffer before " + reader + " read them (/dev/kmsg: EPIPE)";
    }

    /** The nids a walked tree holds (each entry's {@code ino}, the root's), or null when not walked. */
    static Set<Long> treeNids(List<TreeEntry> tree, long rootNid) {
        if (tree == null) {
            return null;
        }
        Set<Long> out = new HashSet<>();
        out.add(rootNid);
        for (TreeEntry e : tree) {
            out.add(e.ino());
        }
        return out;
    }
}
