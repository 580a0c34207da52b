package org.erofssim.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** Runs {@code cmd} (a declared tool first) with stdout to {@code stdout}, waiting at most {@code timeoutSeconds}. */
    public static ChildRun run(List<String> cmd, Path stdout, long timeoutSeconds) {
        try {
            Path err = Files.createTempFile(stdout.toAbsolutePath().getParent(), "stderr-", ".txt");
            try {
                ProcessBuilder pb = HostTools.processBuilder(cmd)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(stdout.toFile()).redirectError(err.toFile());
                long t0 = System.nanoTime();
                Process p = pb.start();
                Path status = Path.of("/proc/" + p.pid() + "/status");
                Path stat = Path.of("/proc/" + p.pid() + "/stat");
                long peak = 0;
                long cpu = -1;
                long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                while (!p.waitFor(10, TimeUnit.MILLISECONDS)) {
                    peak = Math.max(peak, hwm(status));
                    cpu = Math.max(cpu, cpuNanos(stat));
                    if (System.nanoTime() > deadline) {
                        p.destroyForcibly();
                        p.waitFor();
                        throw new IllegalStateException(String.join(" ", cmd.subList(0, Math.min(3, cmd.size())))
                                + "...: no exit within " + timeoutSeconds + " s");
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
     * The JVM options the {@code erofs-sim} launcher script starts Java with (the script's
     * {@code exec} line holds the same; {@code ChildRunTest} checks they agree), so a child
     * process measures what a user's {@code erofs-sim} run costs.
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC");

    /**
     * The JVM options the launcher adds for the command {@code args} starts: the client compiler
     * alone ({@code -XX:TieredStopAtLevel=1}) for a {@code predict} whose scenarios read no file
     * ({@link #predictReadsNothing}) and for {@code fuzz} only with {@code EROFS_SIM_JIT=client}
     * (the launcher script says why), everything else with none.
     */
    public static List<String> commandOptions(List<String> args) {
        boolean fuzz = !args.isEmpty() && args.get(0).equals("fuzz") && "client".equals(System.getenv("EROFS_SIM_JIT"));
        return fuzz || predictReadsNothing(args) ? List.of("-XX:TieredStopAtLevel=1") : List.of();
    }

    /**
     * The launcher's {@code predict_reads_nothing} (the {@code erofs-sim} script; {@code
     * BenchCommandTest} runs both on the same command lines): a {@code predict} command line, given
     * as is or as one argument file of one plain word a line (no blank, quote, backslash, {@code #}
     * or {@code @}), whose scenario files all exist and hold neither {@code "read"} nor a backslash
     * (an escaped key), with no standard input and no option but {@code --quiet}, {@code --kernel}
     * and {@code --config}. Looks at each distinct file once; a file of 64 KiB or more, a file it
     * cannot read: false.
     */
    static boolean predictReadsNothing(List<String> args) {
        List<String> words;
        boolean sorted;
        try {
            if (args.size() == 1 && args.get(0).startsWith("@") && args.get(0).length() > 1) {
                Path f = Path.of(args.get(0).substring(1));
                if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                    return false;
                }
                String text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!text.startsWith("predict\n") && !text.equals("predict")) {
                    return false;
                }
                words = new ArrayList<>(new java.util.TreeSet<>(List.of(text.split("\n"))));
                sorted = true;
            } else {
                if (args.isEmpty() || !args.get(0).equals("predict")) {
                    return false;
                }
                words = args.subList(1, args.size());
                sorted = args.size() - 1 > 32;
                if (sorted) {
                    words = new ArrayList<>(new java.util.TreeSet<>(words));
                }
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                if (w.matches("(?s).*[\\s\"'\\\\#@].*")) {
                    return false;
                }
                if (w.equals("predict")) {
                    if (Files.exists(Path.of(w))) {
                        return false;
                    }
                    continue;
                }
                if (w.isEmpty() || w.equals("--quiet") || w.startsWith("--kernel=") || w.startsWith("--config=")) {
                    continue;
                }
                if (w.equals("--kernel") || w.equals("--config")) {
                    i += sorted ? 0 : 1;
                    continue;
                }
                if (w.startsWith("-") || w.startsWith("@")) {
                    return false;
                }
                if (!seen.add(w)) {
                    continue;
                }
                Path p = Path.of(w);
                if (!Files.isRegularFile(p) || !Files.isReadable(p) || Files.size(p) >= 65536) {
                    return false;
                }
                String text = Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.contains("\"read\"") || text.contains("\\")) {
                    return false;
                }
            }
            return !seen.isEmpty();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The command that starts this JVM's erofs-sim {@code Main} in a new JVM of the same binary and class path. */
    public static List<String> erofsSim(List<String> args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(commandOptions(args));
        String cds = System.getProperty("erofssim.cdsArchive");
        if (cds != null && Files.isRegularFile(Path.of(cds))) {
            // the launcher's class-data archive of this jar (erofs-sim script, issue 12), as a user's run has it
            cmd.addAll(List.of("-Xlog:cds*=off", "-XX:SharedArchiveFile=" + cds, "-Derofssim.cdsArchive=" + cds));
        }
        String root = System.getProperty("erofssim.root");
        if (root != null) {
            cmd.add("-Derofssim.root=" + root);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.erofssim.cli.Main"));
        cmd.addAll(args);
        return cmd;
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
