package org.erofssim.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Killing a child with everything it started. The children are collected before anything is
 * killed (a killed shell's orphans would otherwise be re-parented out of reach), then SIGKILLed
 * leaves-first, then the child, and the child's process group too when it leads one (the VM is
 * started under {@code setsid}).
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
        if (p.isAlive()) {
            try {
                // the group the child leads under setsid (pgid == pid); harmless when it is gone
                org.erofssim.tools.HostTools.processBuilder("kill", "-KILL", "--", "-" + p.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (java.io.IOException e) {
                // the direct kill below still runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
