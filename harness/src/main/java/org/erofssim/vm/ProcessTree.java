package org.erofssim.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Killing a child with everything it started. The children are collected before anything is
 * killed (a killed shell's orphans would otherwise be re-parented out of reach), then SIGKILLed
 * leaves-first, then the child (the VM runs under {@code setsid}, a group of its own whose members
 * are all its descendants: QEMU does not daemonise), the group through kill(2) by JNA, with no {@code kill} program.
 */
final class ProcessTree {
    private ProcessTree() {}

    /** libc's kill(2), for a process group. */
    interface Signals extends com.sun.jna.Library {
        Signals INSTANCE = com.sun.jna.Native.load("c", Signals.class);

        int kill(int pid, int sig);
    }

    /**
     * The words put before QEMU's command: {@code setsid} (a process group of its own, which
     * {@link #kill} ends whole) and {@code setpriv --pdeathsig KILL} (the kernel SIGKILLs QEMU when
     * the thread that started it ends: this JVM SIGKILLed, say by bench's timeout or the OOM killer,
     * runs no shutdown hook, and a VM would otherwise run on), each when installed (util-linux).
     * The thread that starts the VM must wait for it ({@code VmKernel.boot} does).
     */
    static List<String> launcher() {
        List<String> words = new ArrayList<>();
        if (Tools.which("setsid") != null) {
            words.add("setsid");
        }
        if (Tools.which("setpriv") != null) {
            words.addAll(List.of("setpriv", "--pdeathsig", "KILL"));
        }
        return words;
    }

    static void kill(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        java.util.Collections.reverse(all);
        for (ProcessHandle h : all) {
            h.destroyForcibly();
        }
        if (p.isAlive()) {
            // the group the child leads under setsid (pgid == pid): kill(2) of -pgid, through JNA (no kill program
            // on a minimal machine); harmless when the group is gone
            Signals.INSTANCE.kill(-(int) p.pid(), 9);
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
