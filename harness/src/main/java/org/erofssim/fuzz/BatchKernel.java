package org.erofssim.fuzz;

import java.nio.file.Path;
import java.util.List;
import org.erofssim.reference.KernelReference;

/**
 * A kernel that observes scenarios in batches: one boot of a VM kernel of the matrix per batch
 * (a boot costs seconds to tens of seconds under TCG, a case about one). The campaign writes a
 * batch's cases as scenario and image files (outside {@code /tmp}: the guest mounts its own) and
 * asks once per batch.
 */
public interface BatchKernel {
    /** The kernel's name as the catalog gives it (e.g. {@code 6.1.0-57-amd64}). */
    String name();

    /**
     * Observes every file of {@code scenarios} (all inside {@code dir}) in one boot. The answers
     * are a reference whose cases are named by the file's path relative to {@code dir} without
     * {@code .json}. A kernel that panicked or hung on a case gives the answers before it and a
     * {@link Crash}; a kernel that cannot be booted at all throws
     * {@link org.erofssim.oracle.OracleUnavailable} or the VM's own unchecked exception.
     */
    Batch observe(Path dir, List<Path> scenarios);

    /**
     * The order in which this kernel wants a batch's files (the same files): a boot that crashes
     * answers a prefix of this order, so the campaign resumes after the file it died on. The VM
     * kernels put the files their native guest runner observes first.
     */
    default List<Path> order(List<Path> scenarios) {
        return scenarios;
    }

    /** A boot's answers, and the crash that ended it early (null: it answered every file). */
    record Batch(KernelReference answers, Crash crash) {}

    /**
     * A panic or hang: {@code at} is the index (in the batch's list) of the file the kernel died
     * or hung on, {@code what} one line, {@code console} the serial log up to the kill.
     */
    record Crash(int at, String what, String console) {}
}
