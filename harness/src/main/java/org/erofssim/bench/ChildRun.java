package org.erofssim.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.erofssim.tools.HostTools;

/**
 * A whole process, timed from start to exit, with its peak resident set ({@code VmHWM} of
 * {@code /proc/PID/status}, read every 10 ms while it runs: the high-water mark only grows, so
 * the last reading is at most 10 ms short of the true peak). Started through {@link HostTools}.
 *
 * @param exitCode  the process's exit code
 * @param nanos     wall time from start to exit
 * @param peakKiB   the last VmHWM read, in KiB (0 when none could be read)
 * @param stderr    its standard error
 * @param cpuNanos  its CPU time, user and system, all threads ({@code utime + stime} of
 *                  {@code /proc/PID/stat}, read with VmHWM: at most 10 ms short), -1 when none
 *                  could be read; on a loaded machine this says what the process cost better than
 *                  its wall time
 */
public record ChildRun(int exitCode, long nanos, long peakKiB, String stderr, long cpuNanos) {

    /**
     * How long a timed-out child has, after SIGTERM, to run its clean-up (a JVM's shutdown hooks:
     * the live oracle's unmounts and loop-device releases, the VM oracle's QEMU kill) before it and
     * everything it started are SIGKILLed.
     */
    static final Duration GRACE = Duration.ofSeconds(30);

    /**
     * Runs {@code cmd} (a declared tool first) with stdout to {@code stdout}, waiting at most
     * {@code timeoutSeconds}; then the child is ended as {@link #end} says and an
     * {@link IllegalStateException} names the timeout.
     */
    public static ChildRun run(List<String> cmd, Path stdout, long timeoutSeconds) {
        return run(cmd, stdout, Duration.ofSeconds(timeoutSeconds), GRACE);
    }

    /** {@link #run(List, Path, long)} with {@code env} added to the child's environment. */
    static ChildRun run(List<String> cmd, Path stdout, long timeoutSeconds, java.util.Map<String, String> env) {
        return run(cmd, stdout, Duration.ofSeconds(timeoutSeconds), GRACE, env);
    }

    /** {@link #run(List, Path, long)} with a timeout and a {@link #GRACE} of its own (tests). */
    static ChildRun run(List<String> cmd, Path stdout, Duration timeout, Duration grace) {
        return run(cmd, stdout, timeout, grace, java.util.Map.of());
    }

    private static ChildRun run(List<String> cmd, Path stdout, Duration timeout, Duration grace, java.util.Map<String, String> env) {
        try {
            Path err = Files.createTempFile(stdout.toAbsolutePath().getParent(), "stderr-", ".txt");
            try {
                ProcessBuilder pb = HostTools.processBuilder(cmd)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(stdout.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                long t0 = System.nanoTime();
                Process p = pb.start();
                // bench itself stopped (SIGTERM, Ctrl-C): its child is ended the same way, not orphaned
                Thread hook = new Thread(() -> {
                    try {
                        end(p, grace);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "erofs-sim-bench-child-end");
                Runtime.getRuntime().addShutdownHook(hook);
                Path status = Path.of("/proc/" + p.pid() + "/status");
                Path stat = Path.of("/proc/" + p.pid() + "/stat");
                long peak = 0;
                long cpu = -1;
                long deadline = t0 + timeout.toNanos();
                try {
                    while (!p.waitFor(10, TimeUnit.MILLISECONDS)) {
                        peak = Math.max(peak, hwm(status));
                        cpu = Math.max(cpu, cpuNanos(stat));
                        if (System.nanoTime() > deadline) {
                            String how = end(p, grace);
                            throw new IllegalStateException(String.join(" ", cmd.subList(0, Math.min(3, cmd.size())))
                                    + "...: no exit within " + timeout.toSeconds() + " s (" + how + ")");
                        }
                    }
                } catch (InterruptedException e) {
                    end(p, Duration.ZERO);
                    throw e;
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook runs
                    }
                }
                long nanos = System.nanoTime() - t0;
                return new ChildRun(p.exitValue(), nanos, peak, Files.readString(err), cpu);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd.get(0));
        }
    }

    /**
     * Ends a child with everything it started, leaving no process behind: its descendants are
     * noted first (a process SIGKILLed later orphans its own children, re-parented out of reach
     * of {@link Process#descendants}; a VM runs under {@code setsid}, outside the child's process
     * group), then the child gets SIGTERM and {@code grace} to exit (a JVM runs its shutdown hooks:
     * a {@code fuzz --live} child unmounts, releases its loop devices and kills its QEMU), noting
     * the descendants it starts meanwhile; then the child, if still there, and every noted
     * descendant still alive, with theirs, get SIGKILL, and each is waited for (at most 10 s).
     *
     * @return what it took: "stopped by SIGTERM" or "SIGKILLed after a grace of N s"
     */
    static String end(Process p, Duration grace) throws InterruptedException {
        Set<ProcessHandle> noted = new LinkedHashSet<>(p.descendants().toList());
        p.destroy(); // SIGTERM
        long until = System.nanoTime() + grace.toNanos();
        while (p.isAlive() && System.nanoTime() < until) {
            noted.addAll(p.descendants().toList());
            p.waitFor(50, TimeUnit.MILLISECONDS);
        }
        boolean stubborn = p.isAlive();
        noted.addAll(p.descendants().toList());
        p.destroyForcibly(); // the child first: it starts nothing more
        p.waitFor(10, TimeUnit.SECONDS);
        List<ProcessHandle> all = new ArrayList<>(noted);
        for (ProcessHandle h : noted) {
            h.descendants().forEach(d -> {
                if (!all.contains(d)) {
                    all.add(d);
                }
            });
        }
        Collections.reverse(all); // leaves first
        for (ProcessHandle h : all) {
            h.destroyForcibly(); // by pid and start time: a pid reused since is not touched
        }
        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : all) {
            while (running(h.pid()) && System.nanoTime() < gone) {
                Thread.sleep(20);
            }
        }
        return stubborn ? "SIGTERM, then SIGKILLed after a grace of " + grace.toSeconds() + " s" : "stopped by SIGTERM";
    }

    /**
     * The JVM options the {@code erofs-sim} launcher script starts Java with (the script's
     * {@code exec} line holds the same; {@code ChildRunTest} checks they agree), so a child
     * process measures what a user's {@code erofs-sim} run costs.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC");

    /** The client compiler alone: what the launcher gives a {@code predict} whose scenarios read no file (see the script). */
    public static final List<String> CLIENT_COMPILER = List.of("-XX:TieredStopAtLevel=1");

    /**
     * The launcher's compiler options for {@code fuzz}: the model's methods with C1 alone (C2 gives
     * each up at once under a node limit of 10, and HotSpot compiles it at tier 1), reached after
     * a twentieth of the usual invocation counts; the same node limit for the libraries a
     * campaign runs rarely or only at its start and end (Jackson, picocli, regex, streams, the
     * JDK's ASM that spins LambdaForms, {@code FutureTask.run} into which C2 inlined a whole case);
     * the rest of the JDK with C2 as usual, SHA-256 among them (the launcher script says why and
     * what it saved; issues 12 and 15).
     */
    public static final List<String> FUZZ_JIT = List.of("-XX:CompileCommand=quiet",
            "-XX:CompileCommand=MaxNodeLimit,org.erofssim.*::*,10",
            "-XX:CompileCommand=CompileThresholdScaling,org.erofssim.*::*,0.05",
            "-XX:CompileCommand=MaxNodeLimit,com.fasterxml.*::*,10",
            "-XX:CompileCommand=MaxNodeLimit,picocli.*::*,10",
            "-XX:CompileCommand=MaxNodeLimit,java.util.regex.*::*,10",
            "-XX:CompileCommand=MaxNodeLimit,java.util.stream.*::*,10",
            "-XX:CompileCommand=MaxNodeLimit,jdk.internal.org.objectweb.asm.*::*,10",
            "-XX:CompileCommand=MaxNodeLimit,java.util.concurrent.FutureTask::run,10");

    /** Transparent huge pages for the heap: the launcher's for a {@code fuzz} campaign where the kernel offers them (see the script). */
    public static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

    /** The kernel's transparent huge page mode, which the launcher reads. */
    static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    /**
     * Whether the mode file {@code enabled} says the kernel gives transparent huge pages to memory
     * that asks for them ({@code [always]} or {@code [madvise]}), as the launcher decides; false
     * when it cannot be read.
     */
    static boolean hugePagesOffered(Path enabled) {
        try {
            String mode = Files.readString(enabled);
            return mode.contains("[always]") || mode.contains("[madvise]");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The options the launcher adds for a {@code fuzz} command line: its compiler's ({@link #FUZZ_JIT},
     * the client compiler alone with {@code EROFS_SIM_JIT=client}, the JVM's own tiers with
     * {@code EROFS_SIM_JIT=server}) and {@link #HUGE_PAGES} where the kernel offers them; none for any
     * other command (a {@code predict}'s choice is bench's: {@link #erofsSim(List, boolean)}).
     */
    public static List<String> commandOptions(List<String> args) {
        if (!args.isEmpty() && args.get(0).equals("fuzz")) {
            String jit = System.getenv("EROFS_SIM_JIT");
            List<String> options = new ArrayList<>("client".equals(jit) ? CLIENT_COMPILER
                    : "server".equals(jit) ? List.of() : FUZZ_JIT);
            if (hugePagesOffered(THP_MODE)) {
                options.add(HUGE_PAGES);
            }
            return options;
        }
        return List.of();
    }

    /**
     * {@link #erofsSim(List, boolean)} with the compiler options of {@link #commandOptions} (a
     * {@code fuzz} campaign's, as the launcher gives them). A {@code predict} of scenarios
     * that read no file gets the client compiler from the launcher ({@code predict_reads_nothing});
     * bench, which writes its scenarios, says so itself with {@link #erofsSim(List, boolean)}.
     */
    public static List<String> erofsSim(List<String> args) {
        return erofsSim(args, commandOptions(args));
    }

    /**
     * The command that starts this JVM's erofs-sim {@code Main} in a new JVM of the same binary and
     * class path, with the client compiler alone ({@link #CLIENT_COMPILER}) when {@code clientCompiler}.
     */
    public static List<String> erofsSim(List<String> args, boolean clientCompiler) {
        return erofsSim(args, clientCompiler ? CLIENT_COMPILER : List.of());
    }

    /** The command of {@link #erofsSim(List, boolean)} with the compiler options {@code jit}. */
    private static List<String> erofsSim(List<String> args, List<String> jit) {
        List<String> cmd = new ArrayList<>(List.of(javaBinary()));
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(jit);
        String cds = System.getProperty("erofssim.cdsArchive");
        if (cds != null && Files.isRegularFile(Path.of(cds))) {
            // the launcher's class-data archive of this jar (erofs-sim script, issue 12), as a user's run has it
            cmd.addAll(List.of("-Xlog:cds*=off", "-XX:SharedArchiveFile=" + cds, "-Derofssim.cdsArchive=" + cds));
        }
        String zstd = System.getProperty("ZstdNativePath"); // org.erofssim.cli.ZstdLibrary.PATH_PROPERTY
        if (zstd != null && Files.isRegularFile(Path.of(zstd))) {
            // the launcher's copy of zstd-jni's library (unless this JVM could not load it), as a user's run has it
            cmd.add("-DZstdNativePath=" + zstd);
        }
        String root = System.getProperty("erofssim.root");
        if (root != null) {
            cmd.add("-Derofssim.root=" + root);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.erofssim.cli.Main"));
        cmd.addAll(args);
        return cmd;
    }

    /** This JVM's java binary. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** MiB of {@link #peakKiB}. */
    public double peakMiB() {
        return peakKiB / 1024.0;
    }

    public double seconds() {
        return nanos / 1e9;
    }

    /** Seconds of {@link #cpuNanos} (negative when unknown). */
    public double cpuSeconds() {
        return cpuNanos < 0 ? -1 : cpuNanos / 1e9;
    }

    /**
     * Whether process {@code pid} still runs: a killed orphan is a zombie until init reaps it,
     * which {@link ProcessHandle#isAlive} still counts as alive.
     */
    static boolean running(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = s.charAt(s.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false; // gone
        }
    }

    /** {@code utime + stime} of a {@code /proc/PID/stat} (clock ticks of 10 ms: USER_HZ is 100 on Linux), -1 if unreadable. */
    static long cpuNanos(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime 14, stime 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long hwm(Path status) {
        try {
            for (String l : Files.readAllLines(status)) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.substring(6).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone between the check and the read
        }
        return 0;
    }
}
