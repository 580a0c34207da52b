package org.erofssim.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A kernel of the matrix as a live oracle: boots a {@link BootKernel.Prepared} kernel in QEMU
 * ({@link QemuCommand}: TCG, {@code -smp 2 -m 2048}) with the host's userland over 9p, runs the
 * project's own live oracle inside ({@code cli.GuestBatch}: one boot, one JVM, many scenarios) and
 * returns each scenario's contract outcome as the guest's {@code erofs-sim observe} printed it.
 *
 * <p>Every boot is bounded by a timeout; on any failure (timeout, panic, a guest that never runs
 * its command, this JVM interrupted or shut down) QEMU is SIGKILLed with its process group
 * ({@link ProcessTree}) and the run folder is removed: nothing is left behind. Failures are a
 * {@link VmUnavailable} with one line naming the kernel (exit 77 at the CLI).
 *
 * <p><b>Seam for the Reference interface</b> (branch refs, which merges the live-kernel
 * wrappers): a Reference "kernel R in a VM" is {@code new VmKernel(prepared, qemu, timeout,
 * scratch)} with {@link #observe(List, Path, Path)} called once for a batch of scenarios; each
 * {@link Observation#outcomeJson()} reads back with {@code OutcomeJson.read} into the same {@code
 * MountOutcome} the host oracle returns; {@link Observation#exit()} 2/77 with {@link
 * Observation#error()} are the guest oracle's refusals (as {@code observe} prints them), to be
 * mapped the way the host wrapper maps its own. The profile to compare against is {@code
 * Releases.forRelease(release)}. The batch shape matters: a boot plus a guest JVM start costs
 * 10-30 s under TCG, a scenario 10-30 s more, so a Reference should hand over whole corpora.
 */
public final class VmKernel {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One scenario's result from the guest. */
    public record Observation(String scenario, String release, int exit, String outcomeJson, String error,
            double seconds) {}

    /**
     * A finished boot: the guest command's exit status, its output, the observations (for a
     * batch), and host timings (start → command start marker, start → QEMU exit), null when not
     * seen; {@code secondsSetup} the host's work before QEMU started (run folder, plan, images,
     * scratch ext4), {@code secondsReadBack} its work after QEMU exited (the observations read).
     */
    public record Boot(int commandStatus, String output, List<Observation> observations, Double secondsToCommand,
            double secondsTotal, String console, double secondsSetup, double secondsReadBack) {}

    private final BootKernel.Prepared kernel;
    private final Path qemu;
    private final Duration timeout;
    private final Path scratch;

    /**
     * @param qemu    the qemu-system-x86_64 binary (or a stand-in in tests)
     * @param timeout the bound of one whole boot
     * @param scratch where run folders are made (removed after each boot; those of killed JVMs at the next, {@link RunFolders})
     */
    public VmKernel(BootKernel.Prepared kernel, Path qemu, Duration timeout, Path scratch) {
        this.kernel = kernel;
        this.qemu = qemu;
        this.timeout = timeout;
        this.scratch = scratch;
    }

    /**
     * {@code qemu-system-x86_64} on PATH, or a one-line {@link VmUnavailable}; also unavailable
     * when the live oracles are switched off in this JVM ({@code -Derofssim.live=off}, as
     * {@code oracle.LiveKernelOracle#SWITCH}: Surefire's test phase sets it).
     */
    public static Path findQemu() {
        if ("off".equals(System.getProperty("erofssim.live"))) {
            throw new VmUnavailable("the VM oracle is switched off in this JVM (-Derofssim.live=off: mvn test is hermetic;"
                    + " the live tests run in mvn verify)");
        }
        Path q = Tools.which("qemu-system-x86_64");
        if (q == null) {
            throw new VmUnavailable("qemu-system-x86_64 not found (Debian package qemu-system-x86)");
        }
        return q;
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The guest's cmd.sh of a batch. */
    static String batchScript(Path cwd, Path java, Path jar, String rootProperty, Path outcomes, List<Path> scenarios) {
        StringBuilder sb = new StringBuilder("cd ").append(quote(cwd.toString())).append(" || exit 1\n");
        sb.append("exec ").append(quote(java.toString()));
        if (rootProperty != null) {
            sb.append(' ').append(quote("-Derofssim.root=" + rootProperty));
        }
        sb.append(" -cp ").append(quote(jar.toString())).append(" org.erofssim.cli.GuestBatch ")
                .append(quote(outcomes.toString()));
        for (Path s : scenarios) {
            sb.append(' ').append(quote(s.toAbsolutePath().normalize().toString()));
        }
        return sb.append('\n').toString();
    }

    /** Boots once and observes every scenario in the guest JVM. */
    public Boot observe(List<Path> scenarios, Path java, Path jar) {
        return observe(scenarios, java, jar, null);
    }

    /**
     * Boots once and observes every scenario: those the native guest runner supports
     * ({@code oracle.NativePlan#unsupported} null) with {@code nativeRunner} (null: none), then
     * the rest with the guest JVM ({@code GuestBatch}). A guest kernel with {@code /proc/config.gz}
     * (a source-built kernel whose CONFIG the live oracle checks) runs every scenario in the JVM.
     * The observations come back in the order of {@code scenarios}; the runner's raw lines are
     * turned into outcomes by {@code oracle.NativeObservation}. A boot that crashed or hung gives
     * the answered scenarios of the longest answered prefix of {@code scenarios} (callers that
     * resume after the crash pass the runner's scenarios first: {@link #nativeFirst}).
     */
    public Boot observe(List<Path> scenarios, Path java, Path jar, Path nativeRunner) {
        if (nativeRunner == null) {
            return observeJvm(scenarios, java, jar);
        }
        NativeBatch nb = NativeBatch.split(scenarios);
        if (nb.jvmOnly()) {
            return observeJvm(scenarios, java, jar);
        }
        Path keep = keepFor(scenarios);
        return boot(keep, run -> {
            Path copy = run.resolve("erofs-sim.jar");
            try {
                Files.copy(jar, copy);
                nb.writePlan(run);
            } catch (IOException e) {
                throw new VmUnavailable("kernel " + kernel.release() + ": cannot prepare the batch: " + e.getMessage());
            }
            return nb.script(Path.of("").toAbsolutePath(), java, copy, System.getProperty("erofssim.root"), run,
                    nativeRunner);
        }, nb.reader(kernel.release()));
    }

    /** The environment variable that chooses the guest's observer: {@code jvm} for the guest JVM only. */
    public static final String GUEST_ENV = "EROFSSIM_VM_GUEST";

    /**
     * Whether boots use the native guest runner: yes unless {@value #GUEST_ENV} (or the system
     * property {@code erofssim.vm.guest}) is {@code jvm}.
     */
    public static boolean nativeGuest(Map<String, String> env) {
        String v = System.getProperty("erofssim.vm.guest", env.getOrDefault(GUEST_ENV, "native"));
        return !"jvm".equals(v);
    }

    /**
     * The guest's seconds (its uptime clock) from the native runner's start to its end, read from
     * the {@code ERV-NATIVE-START}/{@code -END} lines of a boot's output; null when it did not run.
     */
    public static Double nativeSeconds(String output) {
        Double start = null;
        for (String l : output.split("\r?\n")) {
            int at = l.indexOf("uptime=");
            if (at < 0) {
                continue;
            }
            try {
                double t = Double.parseDouble(l.substring(at + 7).strip().split("\\s+")[0]);
                if (l.startsWith("ERV-NATIVE-START")) {
                    start = t;
                } else if (l.startsWith("ERV-NATIVE-END") && start != null) {
                    return t - start;
                }
            } catch (NumberFormatException e) {
                // not a marker of ours
            }
        }
        return null;
    }

    /**
     * The guest's uptime at the first line of {@code text} that starts with {@code marker} and
     * carries {@code uptime=} (the init's and the batch script's markers), or null.
     */
    public static Double uptimeAt(String text, String marker) {
        for (String l : text.split("\r?\n")) {
            int m = l.indexOf(marker);
            int at = l.indexOf("uptime=");
            if (m < 0 || at < m) {
                continue;
            }
            try {
                return Double.parseDouble(l.substring(at + 7).strip().split("\\s+")[0]);
            } catch (NumberFormatException e) {
                // not a marker of ours
            }
        }
        return null;
    }

    /**
     * Where a batch goes ({@code NativeBatch.split}): how many scenarios the host answers, how many
     * the native runner observes, and the guest JVM's, with the first reason of each kind (one line).
     */
    public static String split(List<Path> scenarios) {
        return NativeBatch.split(scenarios).summary();
    }

    /** The scenarios the native runner supports first, then the others, each group in its order. */
    public static List<Path> nativeFirst(List<Path> scenarios) {
        return NativeBatch.split(scenarios).executionOrder();
    }

    private Boot observeJvm(List<Path> scenarios, Path java, Path jar) {
        Path keep = keepFor(scenarios);
        return boot(keep, run -> {
            // the guest runs its own copy: a jar rebuilt on the host during the boot cannot break it
            Path copy = run.resolve("erofs-sim.jar");
            try {
                Files.copy(jar, copy);
            } catch (IOException e) {
                throw new VmUnavailable("kernel " + kernel.release() + ": cannot copy " + jar + ": " + e.getMessage());
            }
            return batchScript(Path.of("").toAbsolutePath(), java, copy, System.getProperty("erofssim.root"),
                    run.resolve("outcomes.jsonl"), scenarios);
        }, VmKernel::partial);
    }

    /** Boots once and runs a shell command as root in the guest. */
    public Boot run(String shellCommand) {
        return boot(keepFor(List.of()), run -> shellCommand + "\n", VmKernel::partial);
    }

    /** {@link #guestKeep} of this process's working directory and checkout, its line naming the kernel. */
    private Path keepFor(List<Path> scenarios) {
        try {
            return guestKeep(Path.of("").toAbsolutePath(), System.getProperty("erofssim.root"), scenarios);
        } catch (VmUnavailable e) {
            throw new VmUnavailable("kernel " + kernel.release() + ": " + e.getMessage());
        }
    }

    /**
     * Whether the host takes the guest's answers while it runs ({@link Reader#progress}); {@code
     * -Derofssim.vm.earlyReadBack=false} reads them all after QEMU exits, as before session 15
     * (the same observations either way: an A/B switch, since the early read uses a host core
     * that a loaded machine may not have spare).
     */
    static final boolean EARLY_READ_BACK = !"false".equals(System.getProperty("erofssim.vm.earlyReadBack"));

    /** Reads a run folder's observations so far (it may be cut short by a crash). */
    interface Reader {
        List<Observation> read(Path run) throws IOException;

        /**
         * Called while the guest runs (every quarter second): a reader may take what the guest
         * has written so far, so that {@link #read} at the end has less left to do.
         */
        default void progress(Path run) throws IOException {
            // nothing early by default
        }
    }

    /**
     * The host folder the guest binds back over its own /tmp ({@link QemuCommand#keeping}; the
     * guest mounts its scratch disk there): the smallest folder below /tmp that holds each of the
     * working directory, the checkout ({@code root}, may be null) and the scenario files that is
     * under /tmp (a scenario's images are found beside it), or null when none is. Only one folder
     * can be kept: a scenario file directly in /tmp, or two of these places in different folders
     * below /tmp, refuse the boot before it starts, with one line naming them. An image a
     * scenario names by an absolute path elsewhere under /tmp is not looked for: that scenario
     * fails in the guest with its own error.
     */
    static Path guestKeep(Path cwd, String root, List<Path> scenarios) {
        Path tmp = Path.of("/tmp");
        List<Path> places = new ArrayList<>();
        if (!cwd.toAbsolutePath().normalize().equals(tmp)) {
            places.add(cwd); // a run from /tmp itself finds its cwd in the guest's scratch and the checkout by root
        }
        if (root != null && !root.isBlank()) {
            places.add(Path.of(root));
        }
        for (Path s : scenarios) {
            Path f = s.toAbsolutePath().normalize();
            if (tmp.equals(f.getParent())) {
                throw new VmUnavailable("scenario " + f + " is directly in /tmp, which the VM guest covers with its own"
                        + " scratch disk: put it in a folder (below /tmp or elsewhere)");
            }
            places.add(f.getParent());
        }
        Path keep = null;
        Path first = null;
        for (Path p : places) {
            Path d = p.toAbsolutePath().normalize();
            if (!d.startsWith(tmp) || d.equals(tmp)) {
                continue;
            }
            if (keep == null) {
                keep = d;
                first = d;
            }
            while (!d.startsWith(keep)) {
                keep = keep.getParent();
            }
            if (keep.equals(tmp)) {
                throw new VmUnavailable("the VM guest covers /tmp with its own scratch disk and keeps one folder of the"
                        + " host's below it, but " + first + " and " + d + " are in different ones: put the scenarios"
                        + " (fuzz --out) and the checkout in one folder below /tmp, or outside /tmp");
            }
        }
        return keep;
    }

    private Boot boot(Path keep, java.util.function.Function<Path, String> script, Reader partial) {
        String rel = kernel.release();
        Path run = null;
        RunFolders.Run held = null;
        Process p = null;
        Thread hook = null;
        long tSetup = System.nanoTime();
        try {
            // what SIGKILLed JVMs left (their finally and shutdown hook never ran): 2 GiB sparse disks each
            for (String line : RunFolders.reclaimStale(scratch)) {
                System.err.println("erofs-sim vm: " + line);
            }
            held = RunFolders.create(scratch);
            run = held.dir();
            Files.writeString(run.resolve("cmd.sh"), script.apply(run));
            Path console = run.resolve("console.log");
            List<String> argv = new ArrayList<>(ProcessTree.launcher());
            // a checkout or scenarios under /tmp (git clone . /tmp/x, fuzz --out /tmp/y) stay visible over the guest's own /tmp
            QemuCommand qc = QemuCommand.of(qemu, kernel, run, scratchDisk(run));
            argv.addAll((keep == null ? qc : qc.keeping(keep)).argv());
            long t0 = System.nanoTime();
            double setup = (t0 - tSetup) / 1e9;
            p = org.erofssim.tools.HostTools.processBuilder(argv).redirectErrorStream(true).redirectOutput(console.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Process proc = p;
            Path runDir = run;
            // SIGTERM/SIGINT of this JVM: the finally below never runs, so the hook kills and cleans
            hook = new Thread(() -> {
                ProcessTree.kill(proc);
                Tools.deleteTree(runDir);
            }, "erofs-sim-vm-kill");
            Runtime.getRuntime().addShutdownHook(hook);
            Double toCmd = null;
            long deadline = t0 + timeout.toNanos();
            while (!p.waitFor(250, TimeUnit.MILLISECONDS)) {
                if (toCmd == null && consoleHas(console, "ERV-CMD-START")) {
                    toCmd = (System.nanoTime() - t0) / 1e9;
                }
                if (toCmd != null && EARLY_READ_BACK) {
                    try {
                        partial.progress(run);
                    } catch (IOException | RuntimeException e) {
                        // nothing taken early: the read at the end takes it all, and says what is wrong
                    }
                }
                if (System.nanoTime() > deadline) {
                    ProcessTree.kill(p);
                    String con = read(console);
                    throw new Crashed("kernel " + rel + ": the guest did not finish within " + timeout.toSeconds()
                            + " s and was killed (last console line: " + lastLine(con) + ")", partial.read(run), con);
                }
            }
            double total = (System.nanoTime() - t0) / 1e9;
            String con = read(console);
            if (toCmd == null && con.contains("ERV-CMD-START")) {
                toCmd = total;
            }
            String panic = firstLine(con, "Kernel panic");
            if (panic != null) {
                throw new Crashed("kernel " + rel + " panicked: " + panic, partial.read(run), con);
            }
            String died = firstLine(con, "ERV-NATIVE-FAILED");
            if (died != null) {
                // the runner was killed mid-case (a kernel oops kills the task in its system call): the
                // case after the answered ones is the one it died on, as after a panic
                boolean oops = con.contains("Oops") || con.contains("BUG:") || con.contains("general protection fault");
                throw new Crashed("kernel " + rel + ": the native guest runner died mid-case (" + died.substring(died.indexOf(
                        "ERV-NATIVE-FAILED")) + ")" + (oops ? " after a kernel oops" : ""), partial.read(run), con);
            }
            String fail = firstLine(con, "ERV-FAIL");
            if (fail != null) {
                throw new VmUnavailable("kernel " + rel + ": " + fail.substring(fail.indexOf("ERV-FAIL")));
            }
            Path rc = run.resolve("rc");
            if (!Files.isRegularFile(rc)) {
                throw new VmUnavailable("kernel " + rel + ": the guest command did not run (QEMU exit " + p.exitValue()
                        + ", last console line: " + lastLine(con) + ")");
            }
            int status = Integer.parseInt(Files.readString(rc).strip());
            String output = Files.isRegularFile(run.resolve("output.txt")) ? read(run.resolve("output.txt")) : "";
            long tRead = System.nanoTime();
            List<Observation> obs = partial.read(run);
            return new Boot(status, output, obs, toCmd, total, con, setup, (System.nanoTime() - tRead) / 1e9);
        } catch (IOException e) {
            throw new VmUnavailable("kernel " + rel + ": " + e.getMessage());
        } catch (NumberFormatException e) {
            throw new VmUnavailable("kernel " + rel + ": unreadable exit status from the guest");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmUnavailable("kernel " + rel + ": interrupted");
        } finally {
            ProcessTree.kill(p);
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // shutting down: the hook runs
                }
            }
            if (held != null) {
                held.close(); // removes the folder, then releases its owner lock
            }
        }
    }

    /** The observations the guest wrote into the run folder's outcomes.jsonl so far. */
    static List<Observation> partial(Path run) throws IOException {
        List<Observation> obs = new ArrayList<>();
        Path outcomes = run.resolve("outcomes.jsonl");
        if (Files.isRegularFile(outcomes)) {
            for (String line : Files.readAllLines(outcomes, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    try {
                        obs.add(observation(line));
                    } catch (IOException torn) {
                        break; // the last line of a guest that died mid-write
                    }
                }
            }
        }
        return obs;
    }

    /**
     * A boot that ended in a kernel panic or was killed at its time bound: the observations the
     * guest wrote before (the next scenario is the one it died or hung on) and the serial console.
     */
    public static final class Crashed extends VmUnavailable {
        private static final long serialVersionUID = 1L;
        private final transient List<Observation> before;
        private final String console;

        Crashed(String message, List<Observation> before, String console) {
            super(message);
            this.before = List.copyOf(before);
            this.console = console;
        }

        /** The observations written before the crash or hang, in batch order. */
        public List<Observation> before() {
            return before;
        }

        /** The serial console up to the crash or kill. */
        public String console() {
            return console;
        }
    }

    /** Size of the guest's scratch ext4 (sparse; removed with the run folder). */
    static final long SCRATCH_BYTES = 2L << 30;

    /**
     * A sparse ext4 image in the run folder for the guest's /tmp (mkfs.ext4 needs no root), or
     * null (tmpfs then) when mkfs.ext4 is missing or fails.
     */
    static Path scratchDisk(Path run) {
        Path mkfs = Tools.which("mkfs.ext4", "/sbin/mkfs.ext4", "/usr/sbin/mkfs.ext4");
        if (mkfs == null) {
            return null;
        }
        Path img = run.resolve("scratch.ext4");
        try (var f = new java.io.RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(SCRATCH_BYTES);
        } catch (IOException e) {
            return null;
        }
        Tools.Result r = Tools.run(List.of(mkfs.toString(), "-q", "-F", "-m", "0", "-E", "root_owner=0:0",
                img.toString()), null, null, 120);
        return r.status() == 0 ? img : null;
    }

    /** One line as {@code vm-observe} prints it (and the guest batch writes it). */
    public static Observation observation(String line) throws IOException {
        JsonNode n = JSON.readTree(line);
        JsonNode o = n.get("outcome");
        return new Observation(n.path("scenario").asText(), n.path("release").asText(), n.path("exit").asInt(-1),
                o == null || o.isNull() ? null : (o.isTextual() ? o.asText() : JSON.writeValueAsString(o)),
                n.hasNonNull("error") ? n.get("error").asText() : null, n.path("seconds").asDouble());
    }

    private static boolean consoleHas(Path f, String marker) {
        return read(f).contains(marker);
    }

    private static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public static String firstLine(String text, String needle) {
        for (String l : text.split("\r?\n")) {
            if (l.contains(needle)) {
                return l.strip();
            }
        }
        return null;
    }

    public static String lastLine(String text) {
        String[] ls = text.strip().split("\r?\n");
        String l = ls.length == 0 ? "" : ls[ls.length - 1].strip();
        return l.isEmpty() ? "(none)" : (l.length() > 200 ? l.substring(0, 200) + "…" : l);
    }
}
