package org.erofssim.oracle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import org.erofssim.block.DevT;
import org.erofssim.block.Node;
import org.erofssim.block.VirtualNamespace;
import org.erofssim.contract.Scenario;
import org.erofssim.kernel.Errno;
import org.erofssim.contract.MetadataCache;
import org.erofssim.sb.Mode;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Statfs;
import org.erofssim.contract.SuperblockInfo;
import org.erofssim.contract.TreeEntry;

/**
 * The live-kernel oracle: realises a scenario on the running kernel and reports what
 * {@code mount(2)} did, in the model's shapes ({@link MountOutcome}), so the two compare field
 * by field (harness contract, "How observe realises a scenario").
 *
 * <p>For each scenario it makes a private folder {@code /tmp/erofs-sim-live-XXXX} ({@link Sandbox}),
 * builds the namespace there (files, loop devices, dirs, symlinks, device nodes, FIFOs, sockets;
 * files on a tmpfs/ramfs/proc/overlay/erofs it mounts itself where {@code fs} asks), makes the
 * scenario's {@code before} mounts, then calls {@code mount(2)} with the real paths and observes:
 * the errno; the kernel log since just before the call (erofs lines and the VFS lines the spec
 * names, real names mapped back); {@code /proc/self/mountinfo} (device number, super options);
 * {@code statfs}; the new {@code /sys/fs/erofs/} entry; and when {@code read}, the tree. The
 * log is read after the tree walk, so read-time erofs lines are part of it ({@link LogWindow}
 * attributes it and counts records lost before it was read). Everything mounted
 * or attached is released before {@code observe} returns, on every path; a run killed with
 * SIGKILL is cleaned up by the next one (journal under the folder).
 *
 * <p>Not observable here, so left null in a {@link MountOutcome.Mounted}: {@code devices} (the
 * kernel shows no per-device state). The {@code probeCache} probe ({@link CacheProbe}) drops the
 * primary's pages from its image file's cache and, for a loop device (attached with direct I/O),
 * from the device's with {@code POSIX_FADV_DONTNEED} before any mount, and after the walk reports
 * the cache that holds pages and which ({@code mincore}). The {@code extents} probe is {@code FS_IOC_FIEMAP} on each regular file
 * (flags as lower-case FIEMAP names joined by commas, device id always 0). The {@code mode} of a failure is inferred: from the
 * {@code erofs (device …)} prefix of a log line when there is one, else from the source's kind
 * (noted in {@code notes}).
 *
 * <p>Names the kernel chooses are written the contract's way: a loop device as the scenario
 * node's name and number ({@code loop0}, {@code 7:0}; {@code f_fsid} of a zero-UUID image
 * re-encoded with the scenario's number), an anonymous device as {@code 0:*}, a file-backed
 * sysfs entry as {@code erofs-*}.
 */
public final class LiveKernelOracle {
    /** How long {@code mount(2)} may take before the attempt is reported {@code blocked}. */
    public static final Duration DEFAULT_MOUNT_TIMEOUT = Duration.ofSeconds(10);
    /** Where sandboxes are made. */
    static final Path TMP = Path.of("/tmp");
    private static final long EROFS_MAGIC = 0xE0F5E1E2L;

    /**
     * @param mountTimeout how long mount(2) may block before {@code blocked} is reported
     * @param refuseHangs  refuse scenarios that would block mount(2) (a FIFO source or
     *                     {@code device=}); off only in tests of the timeout path
     */
    public record Options(Duration mountTimeout, boolean refuseHangs) {
        public static final Options DEFAULT = new Options(DEFAULT_MOUNT_TIMEOUT, true);
    }

    private final Options options;

    /** Tests: the sandbox folder of the latest {@link #observe} of this JVM. */
    static volatile Path lastSandbox;
    /** Tests: what the {@code probeCache} probe of the latest {@link #observe} of this JVM saw, or null. */
    static volatile CacheProbe.Result lastCacheProbe;
    /** Tests: runs right after a successful mount(2), with the sandbox folder (to kill a run mid-way). */
    static volatile java.util.function.Consumer<Path> afterMountHook;

    public LiveKernelOracle() {
        this(Options.DEFAULT);
    }

    public LiveKernelOracle(Options options) {
        this.options = options;
    }

    // ------------------------------------------------------------------ availability

    /**
     * The system property that switches the live oracles off for one JVM when it is {@code off}:
     * Surefire's {@code test} phase sets it (the parent pom), so {@code mvn test} cannot mount,
     * create a loop device or boot QEMU even as root; the live tests run under Failsafe in
     * {@code mvn verify}. The VM oracle ({@code vm.VmKernel#findQemu}) reads the same property.
     */
    public static final String SWITCH = "erofssim.live";

    /** Why the live oracles are off in this JVM ({@link #SWITCH}), or null when they are not. */
    public static String switchedOff() {
        return "off".equals(System.getProperty(SWITCH))
                ? "the live oracles are switched off in this JVM (-D" + SWITCH + "=off: mvn test is hermetic; the live tests run in mvn verify)"
                : null;
    }

    /** Why this machine cannot run the oracle at all (one line), or null when it can. */
    public static String unavailableReason() {
        String off = switchedOff();
        if (off != null) {
            return off;
        }
        if (!"Linux".equals(System.getProperty("os.name"))
                || !Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"))) {
            return "the live kernel oracle runs on x86-64 Linux only (this is " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ")";
        }
        int euid;
        try {
            euid = Syscalls.geteuid();
        } catch (Throwable t) {
            return "the live kernel oracle cannot call libc through JNA: " + t;
        }
        if (euid != 0) {
            return "the live kernel oracle needs root (running as uid " + euid + ")";
        }
        try {
            boolean erofs = Files.readAllLines(Path.of("/proc/filesystems")).stream()
                    .anyMatch(l -> l.strip().equals("erofs") || l.endsWith("\terofs"));
            if (!erofs) {
                return "the running kernel has no erofs (not in /proc/filesystems)";
            }
        } catch (IOException e) {
            return "cannot read /proc/filesystems: " + e.getMessage();
        }
        if (!Files.exists(Path.of("/dev/loop-control"))) {
            return "no /dev/loop-control: the running kernel has no loop driver";
        }
        try {
            Kmsg.open().close();
        } catch (SyscallException e) {
            return "cannot read the kernel log /dev/kmsg (" + SyscallException.name(e.errno()) + ")";
        }
        return null;
    }

    /** The running kernel's CONFIG values from {@code /proc/config.gz} ("y"/"m" = on), or null. */
    static Map<String, Boolean> runningConfig() {
        Path p = Path.of("/proc/config.gz");
        if (!Files.exists(p)) {
            return null;
        }
        Map<String, Boolean> out = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("CONFIG_")) {
                    int eq = line.indexOf('=');
                    String v = line.substring(eq + 1);
                    out.put(line.substring(7, eq), v.equals("y") || v.equals("m"));
                } else if (line.startsWith("# CONFIG_") && line.endsWith(" is not set")) {
                    out.put(line.substring(9, line.length() - " is not set".length()), false);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return out;
    }

    static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Why this scenario cannot be observed on this kernel (one line), or null when it can:
     * fscache blobs (no ONDEMAND here and no cachefiles daemon), DAX block devices, CONFIG
     * values the running kernel does not have, and mounts that would hang (FIFO source or
     * {@code device=}) or open a character device that is not known to be harmless.
     */
    public String refusal(Scenario sc) {
        return LiveRefusals.refusal(sc, options.refuseHangs());
    }

    /**
     * Why this scenario cannot be realised faithfully in a sandbox whatever the machine (bad
     * input: the command line exits 2), or null: a path the kernel would walk (a source,
     * {@code device=} or {@code source=} value, through the scenario's symlinks) that meets a
     * {@code ..} at the scenario's {@code /} and would leave the sandbox for host files; an
     * option string whose sandbox paths make it cross the kernel's option page when the
     * scenario's own string does not, or the other way round; a walked path that the sandbox's
     * prefix pushes past the kernel's path limit ({@link LiveRefusals#PATH_BYTES}) when the scenario's does not.
     */
    public static String unrealisable(Scenario sc) {
        return LiveRefusals.unrealisable(sc);
    }

    /**
     * Runs {@code body} under the machine-wide lock every observation holds, for code mounting erofs
     * outside the oracle (a test running {@code repro.sh}): its kernel-log lines then never fall into
     * another process's observation window. The lock is reentrant: {@code body} may observe.
     */
    public static <T> T exclusively(java.util.function.Supplier<T> body) {
        return LiveLock.underGlobalLock(body);
    }

    /** Releases what killed runs left in {@code /tmp/erofs-sim-live-*}; one line per folder. */
    public static List<String> reclaimStale() {
        return LiveLock.underGlobalLock(() -> Journal.reclaimStale(TMP));
    }


    // ------------------------------------------------------------------ observe

    /**
     * The running kernel's outcome for {@code sc}.
     *
     * @throws OracleUnavailable when this machine or this scenario cannot be observed (exit 77)
     */
    public MountOutcome observe(Scenario sc) {
        String why = unavailableReason();
        if (why != null) {
            throw new OracleUnavailable(why);
        }
        why = refusal(sc);
        if (why != null) {
            throw new OracleUnavailable(why);
        }
        return LiveLock.underGlobalLock(() -> {
            for (String r : Journal.reclaimStale(TMP)) {
                System.err.println("erofs-sim live oracle: " + r);
            }
            return attributed(sc);
        });
    }

    /** How many observations of one scenario at most, when each saw foreign erofs activity. */
    static final int MAX_OBSERVATIONS = 5;

    /**
     * Kernel-log attribution (harness contract): observes {@code sc} until an observation's log
     * holds no line that may be another process's ({@link LogFilter#attribute}: recognisably
     * foreign lines are left out and need no repeat; foreign file-backed activity during a
     * file-backed observation does); after {@link #MAX_OBSERVATIONS} the last outcome carries a
     * note starting with {@link org.erofssim.compare.OutcomeComparator#LOG_UNCERTAIN}, and its log
     * is not compared. Two observations giving the same log do not settle it: on a busy host two
     * in a row held the same foreign {@code mounted with root inode} line. An observation whose
     * window lost records before it was read ({@link Kmsg#lost}: a busy log overwrote them) carries
     * the {@link org.erofssim.compare.OutcomeComparator#LOG_INCOMPLETE} note with the count
     * ({@link LogWindow#withLostNote}), so its surviving lines are compared as a subsequence.
     */
    private MountOutcome attributed(Scenario sc) {
        List<String> seen = new ArrayList<>();
        for (int n = 1; ; n++) {
            lastCacheProbe = null;
            MountOutcome o;
            List<String> evidence;
            LogWindow w;
            try (Kmsg guard = Kmsg.open()) {
                w = new LogWindow(guard);
                evidence = w.evidence;
                try (org.erofssim.oracle.fscache.FscacheSession fsc = startFscache(sc);
                        Sandbox sb = Sandbox.create(TMP)) {
                    lastSandbox = sb.dir;
                    fscache = fsc;
                    o = observeIn(sb, sc, w);
                } finally {
                    fscache = null;
                }
                w.guardAfter();
            }
            o = w.withLostNote(o, "the live oracle");
            // a re-observation that settles it is told on stderr, not in the outcome: an outcome (and a
            // recording) must not depend on what other processes did while it was observed
            if (!w.ambiguous) { // no evidence, or only of foreign lines recognised and left out
                if (n > 1 || !evidence.isEmpty()) {
                    System.err.println("erofs-sim live oracle: " + sc.name() + ": observation " + n + " attributed"
                            + (evidence.isEmpty() ? "" : ", foreign lines left out: " + String.join("; ", evidence))
                            + (n == 1 ? "" : " (" + (n - 1) + " before it were not: " + String.join("; ", seen) + ")"));
                }
                return o;
            }
            seen.addAll(evidence);
            if (o instanceof MountOutcome.Blocked) { // a hang is not repeated: each costs the mount timeout
                return withNote(o, org.erofssim.compare.OutcomeComparator.LOG_UNCERTAIN + "foreign erofs activity during "
                        + "a blocked mount(2), which is not observed again (" + String.join("; ", seen) + ")");
            }
            if (n >= MAX_OBSERVATIONS) {
                return withNote(o, org.erofssim.compare.OutcomeComparator.LOG_UNCERTAIN + "foreign file-backed erofs "
                        + "activity during each of " + n + " observations (" + String.join("; ", seen) + ")");
            }
            try {
                Thread.sleep(20L + java.util.concurrent.ThreadLocalRandom.current().nextLong(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted between observations");
            }
        }
    }

    /** The on-demand daemon of the observation under way (fscache scenarios; a no-op session otherwise). */
    private org.erofssim.oracle.fscache.FscacheSession fscache;

    /** The scenario's cachefiles daemon ({@link org.erofssim.oracle.fscache.FscacheSession}), started before its sandbox. */
    private static org.erofssim.oracle.fscache.FscacheSession startFscache(Scenario sc) {
        try {
            return org.erofssim.oracle.fscache.FscacheSession.start(sc, TMP);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new OracleUnavailable("fscache: " + e.getMessage());
        }
    }

    static MountOutcome withNote(MountOutcome o, String note) {
        List<String> notes = new ArrayList<>(o.notes());
        notes.add(note);
        if (o instanceof MountOutcome.Mounted m) {
            return new MountOutcome.Mounted(m.mode(), m.log(), m.superblock(), m.superOptions(), m.statfs(), m.devices(),
                    m.tree(), List.copyOf(notes), m.metadataCache(), m.unmount());
        }
        if (o instanceof MountOutcome.Failed f) {
            return new MountOutcome.Failed(f.errno(), f.mode(), f.log(), List.copyOf(notes));
        }
        if (o instanceof MountOutcome.Blocked b) {
            return new MountOutcome.Blocked(b.reason(), b.mode(), b.log(), List.copyOf(notes));
        }
        if (o instanceof MountOutcome.Crashed c) {
            return new MountOutcome.Crashed(c.what(), c.mode(), c.log(), List.copyOf(notes));
        }
        return o;
    }

    /** {@code st_ino} of a mount's root: erofs numbers inodes by nid, so this is the root nid; -1 if unknown. */
    private static long rootIno(String mountPoint) {
        try {
            return Syscalls.stat(Syscalls.cPath(mountPoint)).ino();
        } catch (SyscallException e) {
            return -1;
        }
    }

    private static boolean isBlockDevice(String realSource) {
        if (realSource == null || realSource.isEmpty()) {
            return false;
        }
        try {
            return Syscalls.stat(Syscalls.cPath(realSource)).type() == Syscalls.S_IFBLK;
        } catch (SyscallException e) {
            return false;
        }
    }

    private MountOutcome observeIn(Sandbox sb, Scenario sc, LogWindow evidence) {
        List<String> notes = new ArrayList<>();
        String release = kernelRelease();
        String profile = sc.kernel().profile().name();
        if (!org.erofssim.kernel.Releases.forRelease(release).map(sc.kernel().profile()::equals).orElse(false)) {
            notes.add("observed on Linux " + release + ", not on the scenario's profile " + profile);
        }
        try {
            sb.realise(org.erofssim.oracle.fscache.FscacheSession.sandboxNodes(sc.namespace().nodes()), sc.probeCache());
        } catch (SyscallException | java.io.UncheckedIOException | IllegalStateException e) {
            throw new OracleUnavailable("cannot build the scenario's namespace: " + e.getMessage());
        }
        notes.addAll(sb.notes);
        if (sc.extents() && sc.options() != null && sc.options().contains("device=")) {
            notes.add("extents: FIEMAP does not name the erofs device of an extent; device 0 is written");
        }
        CacheProbe.Run cacheRun = sc.probeCache() ? evictPrimary(sb, sc, notes) : null;
        Map<String, String> realToScenario = new LinkedHashMap<>();
        // fscache mode: device= names a cookie of the volume, which the daemon looks up as written
        boolean cookies = org.erofssim.oracle.fscache.FscacheSession.deviceNamesCookie(sc, runningConfig());
        int i = 0;
        for (Scenario.Mount m : sc.before()) {
            String mp = sb.mountPoint("before" + i);
            pathPairs(sb::real, m.source(), m.options(), realToScenario);
            sb.aboutToMount(mp);
            try {
                Syscalls.mount(sb.real(m.source()), mp, "erofs", m.readOnly() ? Syscalls.MS_RDONLY : 0,
                        sb.realOptions(m.options(), cookies));
                sb.mounted(mp);
            } catch (SyscallException e) {
                notes.add("before mount " + i + " (" + m.source() + ") failed: " + SyscallException.name(e.errno()));
            }
            i++;
        }
        pathPairs(sb::real, sc.source(), sc.options(), realToScenario);
        LogFilter logs = new LogFilter(sb, realToScenario);
        String mp = sb.mountPoint("main");
        String realSource = sb.real(sc.source());
        String realOptions = sb.realOptions(sc.options(), cookies);
        long flags = sc.readOnly() ? Syscalls.MS_RDONLY : 0;
        boolean blockSource = isBlockDevice(realSource);
        evidence.blockSource = blockSource;
        Set<String> sysfsBefore = sysfsEntries();
        try (Kmsg kmsg = Kmsg.open()) {
            // the guard now starts where the window does; records an EPIPE skips are counted from its
            // next sequence number when it has read one (else an EPIPE counts as 1: the host's shared
            // log gets no marker record of ours, it only gets what the mount prints)
            evidence.guard.readNew();
            kmsg.expectFrom(evidence.guard.nextSeq());
            sb.aboutToMount(mp);
            Attempt a = mountWithTimeout(realSource, mp, flags, realOptions, sc, sb);
            if ((a.blocked || a.errno != 0) && Kmsg.mayLeaveOpenRecord(realSource, realOptions)) {
                Kmsg.finalizeOpenRecord();
            }
            if (a.blocked) {
                notes.addAll(a.notes);
                List<String> log = withFc(evidence.attributedLog(logs, kmsg, false, sc.options(), sysfsBefore,
                        -1, null), logs, a.fcLog);
                return new MountOutcome.Blocked("mount(2) did not return within " + options.mountTimeout().toMillis()
                        + " ms", FailedMode.infer(log, realSource, -1, notes), log, List.copyOf(notes));
            }
            if (a.errno != 0) {
                List<String> log = withFc(evidence.attributedLog(logs, kmsg, false, sc.options(), sysfsBefore,
                        -1, null), logs, a.fcLog);
                Errno e = Errno.ofNumber(a.errno);
                if (e == null) {
                    notes.add("mount(2) failed with errno " + a.errno + ", which the model's Errno does not name");
                }
                Mode mode = org.erofssim.oracle.fscache.FscacheSession.mode(FailedMode.infer(log, realSource, a.errno, notes), sc,
                        runningConfig());
                notes.addAll(fscache.notes());
                return new MountOutcome.Failed(e, mode, log, List.copyOf(notes));
            }
            sb.mounted(mp);
            fscache.afterMount();
            java.util.function.Consumer<Path> hook = afterMountHook;
            if (hook != null) {
                hook.accept(sb.dir);
            }
            MountOutcome o = describeMounted(sb, sc, mp, sysfsBefore, kmsg, logs, notes, cacheRun,
                    evidence);
            return a.fcLog.isEmpty() || !(o instanceof MountOutcome.Mounted m) ? o : new MountOutcome.Mounted(m.mode(), withFc(m.log(), logs, a.fcLog),
                    m.superblock(), m.superOptions(), m.statfs(), m.devices(), m.tree(), m.notes(), m.metadataCache(),
                    m.unmount());
        }
    }

    /**
     * The outcome's log: the kernel's lines, then the fs_context log of an fsopen mount
     * ({@link FsApi}), each line with the model's {@code fc: } prefix and the sandbox paths
     * written as the scenario's.
     */
    static List<String> withFc(List<String> log, LogFilter logs, List<String> fcLog) {
        if (fcLog.isEmpty()) {
            return log;
        }
        List<String> all = new ArrayList<>(log);
        for (String l : fcLog) {
            // "<level> <message>": the message mapped like a kernel line (sandbox paths, loop names)
            all.add(org.erofssim.kernel.KernelLog.FC_PREFIX + (l.length() > 2 ? l.substring(0, 2) + logs.map(l.substring(2)) : l));
        }
        return List.copyOf(all);
    }

    /**
     * The {@code probeCache} probe's first half, before any mount: the primary (the source,
     * symlinks followed) as realised, its pages dropped from the image file's cache and, for a
     * loop device, from the device's. Null (with a note) when the source is no image.
     */
    private static CacheProbe.Run evictPrimary(Sandbox sb, Scenario sc, List<String> notes) {
        VirtualNamespace.Resolved r = null;
        if (sc.source() != null && !sc.source().isEmpty()) {
            try {
                r = sc.namespace().resolve(sc.source(), true);
            } catch (RuntimeException e) {
                r = null; // a lookup error: the mount fails before reading anything
            }
        }
        CacheProbe.Primary p = null;
        if (r != null && r.node() instanceof Node.RegularFile f && f.bytes() != null) {
            p = new CacheProbe.Primary(r.path(), sb.real(r.path()), null);
        } else if (r != null && r.node() instanceof Node.BlockDevice && sb.bdevImages.containsKey(r.path())) {
            p = new CacheProbe.Primary(r.path(), sb.bdevImages.get(r.path()).toString(), sb.real(r.path()));
        }
        if (p == null) {
            notes.add("probeCache: the source is neither an image file nor a loop device with an image; no cache probed");
            return null;
        }
        return CacheProbe.evict(p, notes);
    }

    static void pathPairs(java.util.function.UnaryOperator<String> real, String source, String opts,
                          Map<String, String> pairs) {
        if (source != null && !source.isEmpty()) {
            pairs.put(real.apply(source), source);
        }
        if (opts != null) {
            for (String part : opts.split(",", -1)) {
                for (String key : List.of("device=", "source=")) {
                    if (part.startsWith(key) && part.length() > key.length()) {
                        String v = part.substring(key.length());
                        pairs.put(real.apply(v), v);
                    }
                }
            }
        }
    }

    private record Attempt(int errno, boolean blocked, List<String> notes, List<String> fcLog) {
        Attempt(int errno, boolean blocked, List<String> notes) {
            this(errno, blocked, notes, List.of());
        }
    }

    /**
     * mount(2) on a thread of its own. When it has not returned after the timeout, every FIFO
     * of the namespace is opened for writing once (that releases an open() waiting for a
     * writer); the attempt is {@code blocked} either way.
     */
    private Attempt mountWithTimeout(String source, String target, long flags, String data, Scenario sc, Sandbox sb) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        List<String> fcLog = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread t = new Thread(() -> {
            try {
                if (sc.api() == Scenario.MountApi.FSOPEN) { // the new mount API (FsApi)
                    FsApi.Result r = FsApi.mount(source, target, (flags & Syscalls.MS_RDONLY) != 0, data);
                    fcLog.addAll(r.fcLog());
                    done.complete(r.errno());
                    return;
                }
                Syscalls.mount(source, target, "erofs", flags, data);
                done.complete(0);
            } catch (SyscallException e) {
                done.complete(e.errno());
            } catch (Throwable x) {
                done.completeExceptionally(x);
            }
        }, "erofs-sim-live-mount");
        t.setDaemon(true);
        t.start();
        try {
            int errno = done.get(options.mountTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return new Attempt(errno, false, List.of(), List.copyOf(fcLog));
        } catch (TimeoutException e) {
            List<String> notes = new ArrayList<>();
            for (Map.Entry<String, Node> n : sc.namespace().nodes().entrySet()) {
                if (n.getValue() instanceof Node.Fifo) {
                    try {
                        Syscalls.close(Syscalls.open(sb.real(n.getKey()), Syscalls.O_WRONLY | Syscalls.O_NONBLOCK
                                | Syscalls.O_CLOEXEC));
                    } catch (SyscallException ex) {
                        // no reader waiting on this one
                    }
                }
            }
            try {
                int errno = done.get(5, TimeUnit.SECONDS);
                notes.add("after a writer opened the FIFO, mount(2) returned " + (errno == 0 ? "0 (mounted)"
                        : SyscallException.name(errno)));
                if (errno == 0) {
                    sb.mounted(target);
                }
            } catch (TimeoutException | ExecutionException ex) {
                notes.add("mount(2) still had not returned when the sandbox was released");
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return new Attempt(-1, true, notes);
        } catch (ExecutionException e) {
            throw new IllegalStateException("mount(2) thread failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while mount(2) ran");
        }
    }

    private MountOutcome describeMounted(Sandbox sb, Scenario sc, String mp, Set<String> sysfsBefore, Kmsg kmsg,
                                         LogFilter logs, List<String> notes, CacheProbe.Run cacheRun,
                                         LogWindow evidence) {
        MountInfo mi = null;
        for (MountInfo m : MountInfo.read()) {
            if (m.mountPoint().equals(mp)) {
                mi = m; // the last one is the top of the stack
            }
        }
        if (mi == null) {
            throw new IllegalStateException("mount(2) succeeded but " + mp + " is not in /proc/self/mountinfo");
        }
        Set<String> sysfsNew = new TreeSet<>(sysfsEntries());
        sysfsNew.removeAll(sysfsBefore);
        String real = mi.major() == 0 ? null : bdevName(mi);
        MountedFacts facts = mountedFacts(sc, mi, sysfsNew, Syscalls.statfs(mp), sb.bdevDevs, sb.bdevNames, real,
                real != null && Files.isDirectory(Path.of("/sys/fs/erofs", real)), runningConfigValue("EROFS_FS_ONDEMAND"),
                notes);
        Mode mode = facts.mode();
        Statfs statfs = facts.statfs();
        SuperblockInfo sbInfo = facts.superblock();
        List<TreeEntry> tree = null;
        if (sc.read()) {
            TreeWalker.Walk w = TreeWalker.walk(mp, sc.extents(), sc.readSize(), sc.mmap());
            tree = w.tree();
            notes.addAll(w.notes());
        }
        MetadataCache cache = null;
        if (cacheRun != null) {
            CacheProbe.Result probed = CacheProbe.observe(cacheRun, mode, notes);
            lastCacheProbe = probed;
            cache = probed.cache();
        }
        List<String> log = evidence.attributedLog(logs, kmsg, true, sc.options(), sysfsBefore, rootIno(mp),
                LogWindow.treeNids(tree, rootIno(mp)));
        notes.addAll(fscache.notes());
        return new MountOutcome.Mounted(mode, log, sbInfo, mi.superOptions(), statfs, null, tree, List.copyOf(notes),
                cache);
    }

    /** What {@link #describeMounted} derives from the mount's mountinfo line, sysfs entries and statfs. */
    record MountedFacts(Mode mode, SuperblockInfo superblock, Statfs statfs) {}

    /**
     * The mode, superblock names and statfs of a successful mount, in the contract's names
     * (shared with {@link NativeObservation}, which reports the same facts from the guest).
     *
     * @param sysfsNew       the {@code /sys/fs/erofs} entries the mount added
     * @param bdevDevs       real block device number → the scenario's number
     * @param bdevNames      real block device name → the scenario's name
     * @param realBdev       the kernel's name of the mounted block device (null: anonymous or unknown)
     * @param realBdevSysfs  whether {@code /sys/fs/erofs/<realBdev>} is a directory
     * @param ondemand       the running kernel's {@code CONFIG_EROFS_FS_ONDEMAND} (null: unknown)
     */
    static MountedFacts mountedFacts(Scenario sc, MountInfo mi, Set<String> sysfsNew, Syscalls.StatfsResult st,
                                     Map<String, DevT> bdevDevs, Map<String, String> bdevNames, String realBdev,
                                     boolean realBdevSysfs, Boolean ondemand, List<String> notes) {
        boolean anon = mi.major() == 0;
        int fsid0 = st.fsid0();
        int fsid1 = st.fsid1();
        String dev;
        String sysfsName;
        Mode mode;
        if (anon) {
            dev = "0:*";
            mode = sc.options() != null && sc.options().contains("fsid=") && Boolean.TRUE.equals(ondemand)
                    ? Mode.FSCACHE : Mode.FILEIO;
            List<String> bdi = sysfsNew.stream().filter(n -> n.matches("erofs-\\d+")).toList();
            if (sysfsNew.contains(mi.dev())) {
                sysfsName = "0:*"; // 7.x: the file-backed superblock's entry is its MAJ:MIN
            } else if (bdi.size() == 1) {
                sysfsName = "erofs-*";
            } else if (mode == Mode.FSCACHE && sysfsNew.size() == 1) {
                sysfsName = sysfsNew.iterator().next();
            } else {
                sysfsName = bdi.isEmpty() ? null : "erofs-*";
                notes.add("/sys/fs/erofs gained " + sysfsNew + " during the mount; sysfs name uncertain");
            }
        } else {
            mode = Mode.BDEV;
            DevT scenarioDev = bdevDevs.get(mi.dev());
            DevT realDev = new DevT(mi.major(), mi.minor());
            if (scenarioDev == null) {
                notes.add("mounted device " + mi.dev() + " is not one of the scenario's bdev nodes");
                scenarioDev = realDev;
            }
            dev = scenarioDev.toString();
            if (fsid1 == 0 && (fsid0 & 0xffffffffL) == realDev.newEncode()) {
                fsid0 = (int) scenarioDev.newEncode(); // zero UUID: f_fsid is the device number
            }
            sysfsName = realBdev != null && realBdevSysfs ? bdevNames.getOrDefault(realBdev, realBdev) : null;
            if (sysfsName == null) {
                notes.add("no /sys/fs/erofs entry for block device " + realBdev);
            }
        }
        if (st.type() != EROFS_MAGIC) {
            notes.add("statfs f_type is 0x" + Long.toHexString(st.type()) + ", not erofs");
        }
        Statfs statfs = new Statfs(st.type(), st.bsize(), st.blocks(), st.bfree(), st.bavail(), st.files(),
                st.ffree(), st.namelen(), fsid0, fsid1);
        return new MountedFacts(mode, new SuperblockInfo(anon, dev, sysfsName, (int) st.bsize()), statfs);
    }

    private static Boolean runningConfigValue(String symbol) {
        Map<String, Boolean> c = runningConfig();
        return c == null ? null : c.get(symbol);
    }

    /** The kernel's name of the block device a mount sits on ({@code /sys/dev/block/M:m}). */
    private static String bdevName(MountInfo mi) {
        try {
            return Path.of("/sys/dev/block", mi.dev()).toRealPath().getFileName().toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The entries of {@code /sys/fs/erofs} (live superblocks, plus {@code features}). */
    static Set<String> sysfsEntries() {
        Set<String> out = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/fs/erofs"))) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            // no erofs sysfs: nothing to compare
        }
        out.remove("features");
        return out;
    }
}
