package org.erofssim.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Killing a child with everything it started. The children are collected before anything is
 * killed (a killed shell's orphans would otherwise be re-parented out of reach), then SIGKILLed
 * leaves-first, then the child (the VM runs under {@code setsid}, a group of its own whose members
 * are all its descendants: QEMU does not daemonise), all in Java, with no {@code kill} program.
 */
final class ProcessTree {
    private ProcessTree() {}

    static void kill(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        java.util.Collections.reverse(all);
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
    }
}
