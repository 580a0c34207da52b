package org.erofssim.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm {@code predict} server (issue 12): a long-lived JVM that the launcher ({@code
 * EROFS_SIM_SERVER=1 ./erofs-sim predict ...}) hands plain {@code predict} command lines to, so a
 * repeated {@code predict} pays neither the JVM's start nor the JIT's warm-up (what the Gradle and
 * Kotlin daemons, Bazel's server and Nailgun do for their tools). Only the model runs here: no
 * mount, no root action.
 *
 * <p>It runs exactly the command lines {@link PredictCommand#plain} takes, standard input
 * excepted, and model-only {@code fuzz} campaigns ({@link FuzzCommand#servable}: no {@code
 * --live}, no {@code --kernels}; issues 12 and 15: a campaign's first 10,000 cases cost 2.5 times
 * the CPU of the later ones while the JIT compiles, and its compiler threads seconds more); for
 * any other it answers {@code fallback} before anything is printed and the launcher runs the
 * plain JVM. Relative paths resolve against the client's working directory ({@link
 * Scenarios#relativeTo}); the outcome bytes, stderr bytes and exit code are the plain process's
 * ({@code PredictServerTest} compares both on the fixtures' scenarios, and a campaign's JSON,
 * progress lines and finding folders, twice in one server). A campaign keeps nothing from one
 * request to the next: its generator, corpus, statistics and threads are its own; what the JVM
 * keeps is compiled code and the model's content-keyed caches (decoded superblocks, resolved
 * releases), whose answers are the same whoever asked first.
 *
 * <p>Safety: it listens on 127.0.0.1 only, on a port the kernel picks, and writes {@code PORT
 * TOKEN PID} into its state file (mode 0600, in the launcher's 0700 folder {@code
 * ~/.cache/erofs-sim/server}, named after the jar's identity); every connection must give that
 * random 256-bit token first (compared in constant time), else it is refused and closed. A request
 * whose key (the launcher's hash of the java binary's and the jar's paths and the locale) is not
 * the server's, or a jar or java binary whose size, mtime or inode changed since the start (checked
 * at every request and every second), makes it answer {@code stale} and exit; it also exits after {@code erofssim.server.idle} seconds without a request (600 by
 * default) and on {@code stop}. A client that goes away mid-request (its control connection
 * closes: Ctrl-C, kill) ends its request: the next write of an outcome fails and the batch stops;
 * a campaign stops once its current round of cases is evaluated (its threads end and its
 * scratch folder goes, as at its end).
 *
 * <p>The protocol, one line each (UTF-8, {@code \n}): the client sends {@code erofs-sim-server 1},
 * the token, then a command: {@code stop}, {@code status}, or {@code predict} followed by the
 * key, the working directory, {@code 1} when its stderr is a terminal (else {@code 0}), the
 * argument count and the arguments. The server answers {@code ok ID}, {@code fallback}, {@code
 * stale} or {@code refused}; after {@code ok ID} the client opens two more connections, each
 * sending the first two lines and {@code out ID} or {@code err ID}, and copies what comes on them
 * to its stdout and stderr; when both are closed the server sends the exit code on the first
 * connection.
 */
public final class PredictServer {
    static final String PROTOCOL = "erofs-sim-server 1";
    /** The longest line taken (an argument, a path): the kernel allows 128 KiB per argument. */
    private static final int MAX_LINE = 1 << 20;
    /** How long a connection may take to say who it is, and a request to attach its output. */
    private static final int HANDSHAKE_MILLIS = 30_000;

    private final ServerSocket socket;
    private final String token;
    private final String key;
    private final Path stateFile;
    private final Path jar;
    private final List<Object> jarIdentity;
    private final Path javaBinary;
    private final List<Object> javaIdentity;
    private final long idleNanos;
    private final PrintStream log;
    private final Charset argCharset;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "erofs-sim-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile long lastActivity = System.nanoTime();
    private volatile String stopReason = "stopped";

    /** A {@code predict} request: its output connections and whether its client went away. */
    private static final class Session {
        final CountDownLatch attached = new CountDownLatch(2);
        volatile Socket out;
        volatile Socket err;
        volatile boolean cancelled;

        synchronized void cancel() {
            cancelled = true;
            closeQuietly(out);
            closeQuietly(err);
            while (attached.getCount() > 0) { // a request still waiting for its output connections ends now
                attached.countDown();
            }
        }
    }

    /** Thrown by a write of a request whose client went away: ends its batch. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("the client went away", null, false, false);
        }
    }

    PredictServer(Path stateFile, String key, Path jar, long idleSeconds, PrintStream log) throws IOException {
        this.stateFile = stateFile;
        this.key = key;
        this.jar = jar;
        this.jarIdentity = identity(jar);
        this.javaBinary = Path.of(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        this.javaIdentity = identity(javaBinary);
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
        this.log = log;
        String jnu = System.getProperty("sun.jnu.encoding");
        this.argCharset = jnu != null && Charset.isSupported(jnu) ? Charset.forName(jnu) : Charset.defaultCharset();
        byte[] t = new byte[32];
        new SecureRandom().nextBytes(t);
        this.token = HexFormat.of().formatHex(t);
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /**
     * Runs the server: {@code -Derofssim.server.file=STATE -Derofssim.server.key=KEY
     * -Derofssim.server.jar=JAR [-Derofssim.server.idle=SECONDS]}; exits 0 when it stops.
     */
    public static void main(String[] args) throws Exception {
        ZstdLibrary.preload(); // the launcher's cached copy of zstd-jni's library (issue 12)
        Path state = Path.of(System.getProperty("erofssim.server.file"));
        String key = System.getProperty("erofssim.server.key", "");
        Path jar = Path.of(System.getProperty("erofssim.server.jar"));
        long idle = Long.parseLong(System.getProperty("erofssim.server.idle", "600"));
        PredictServer s = new PredictServer(state, key, jar, Math.max(1, idle), System.err);
        s.serve();
        System.exit(0);
    }

    /** Publishes the state file, serves until stopped, idle or stale, then removes the file. */
    void serve() throws IOException {
        String me = socket.getLocalPort() + " " + token + " " + ProcessHandle.current().pid() + "\n";
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, me, StandardCharsets.UTF_8);
        Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log("listening on 127.0.0.1:" + socket.getLocalPort() + ", pid " + ProcessHandle.current().pid() + ", idle limit "
                + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + " s, jar " + jar);
        Thread acceptor = new Thread(this::acceptLoop, "erofs-sim-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        try {
            while (!awaitStop(1000)) {
                String changed = changed();
                if (changed != null) {
                    stopReason = changed;
                    break;
                }
                if (active.get() == 0 && System.nanoTime() - lastActivity > idleNanos) {
                    stopReason = "idle";
                    break;
                }
            }
        } finally {
            closeQuietly(socket); // no new request; the ones running finish (60 s at most)
            removeOwn(stateFile, me, () -> { });
            for (int i = 0; i < 600 && active.get() > 0; i++) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            log("exits: " + stopReason + " (" + served.get() + " requests served)");
        }
    }

    /**
     * Removes {@code stateFile} if it is this server's own (its text is {@code me}: port, token, pid)
     * and leaves any other server's in place; {@code decided} runs once the file is found to be its
     * own, before it goes (tests use it to publish a replacement right then). Reading the file and
     * then deleting it by name, as the server did before session 16, removed a replacement published
     * between the two (a stalled server's exit: the replacement's clients found no state file and
     * started a third server, the replacement ran on unused until its idle limit). So the file is
     * first renamed to a name of this process's own (rename(2) takes one file, whoever wrote it),
     * and only that file is read and deleted; another server's goes back under the state file's
     * name unless a newer one is there already (link(2) never replaces). Never throws.
     *
     * @return whether a file of this server's was removed
     */
    static boolean removeOwn(Path stateFile, String me, Runnable decided) {
        Path taken = stateFile.resolveSibling(stateFile.getFileName() + "." + ProcessHandle.current().pid() + ".exit");
        try {
            Files.move(stateFile, taken, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            return false; // already gone (a client removed it)
        }
        try {
            if (Files.readString(taken, StandardCharsets.UTF_8).equals(me)) {
                decided.run();
                return true;
            }
            try {
                Files.createLink(stateFile, taken);
            } catch (IOException e) {
                // a newer server's is there already
            }
            return false;
        } catch (IOException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(taken);
            } catch (IOException e) {
                // left behind: a name no client reads
            }
        }
    }

    private boolean awaitStop(long millis) {
        try {
            return stop.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void stop(String why) {
        stopReason = why;
        stop.countDown();
    }

    int port() {
        return socket.getLocalPort();
    }

    String token() {
        return token;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket c = socket.accept();
                pool.execute(() -> handle(c));
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    log("accept failed: " + e);
                }
            }
        }
    }

    private void handle(Socket c) {
        boolean keep = false;
        try {
            c.setSoTimeout(HANDSHAKE_MILLIS);
            InputStream in = new BufferedInputStream(c.getInputStream());
            String proto = line(in, 64);
            String given = proto == null ? null : line(in, 128);
            if (!PROTOCOL.equals(proto) || given == null
                    || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
                log("refused a connection from port " + c.getPort() + ": " + (PROTOCOL.equals(proto) ? "wrong token" : "not the protocol"));
                reply(c, "refused");
                return;
            }
            String cmd = line(in);
            if (cmd == null) {
                return;
            }
            if (cmd.equals("stop")) {
                reply(c, "stopping");
                stop("asked to stop");
            } else if (cmd.equals("status")) {
                reply(c, "pid " + ProcessHandle.current().pid() + " port " + port() + " active " + active.get()
                        + " served " + served.get());
            } else if (cmd.equals("predict")) {
                predict(c, in);
            } else if (cmd.startsWith("out ") || cmd.startsWith("err ")) {
                Session s = sessions.get(cmd.substring(4));
                if (s != null) {
                    synchronized (s) {
                        if (s.cancelled) {
                            // its request ended (the client went away): closed below
                        } else if (cmd.startsWith("out ") && s.out == null) {
                            s.out = c;
                            keep = true;
                        } else if (cmd.startsWith("err ") && s.err == null) {
                            s.err = c;
                            keep = true;
                        }
                    }
                    if (keep) {
                        s.attached.countDown();
                    }
                }
            } else {
                reply(c, "refused");
            }
        } catch (IOException | RuntimeException e) {
            log("connection from port " + c.getPort() + " failed: " + e);
        } finally {
            if (!keep) {
                closeQuietly(c);
            }
        }
    }

    /** A {@code predict} request on control connection {@code c}, whose first lines are read. */
    private void predict(Socket c, InputStream in) throws IOException {
        String clientKey = line(in);
        String cwd = line(in);
        String tty = line(in);
        String count = line(in);
        if (count == null || !count.matches("\\d{1,7}")) {
            reply(c, "refused");
            return;
        }
        List<String> args = new ArrayList<>();
        for (int i = Integer.parseInt(count); i > 0; i--) {
            String a = line(in);
            if (a == null) {
                return;
            }
            args.add(a);
        }
        String changed = key.equals(clientKey) ? changed() : "a client of another jar, java or locale asked";
        if (changed != null) {
            reply(c, "stale");
            stop(changed + " (stale)");
            return;
        }
        Path base = cwd == null || cwd.isEmpty() ? null : Path.of(cwd);
        Session s = new Session();
        Job cmd = base == null || !base.isAbsolute() ? null : Scenarios.relativeTo(base, () -> job(args, "1".equals(tty), s));
        if (cmd == null) {
            reply(c, "fallback");
            return;
        }
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String sid = HexFormat.of().formatHex(id);
        sessions.put(sid, s);
        active.incrementAndGet();
        boolean counted = false;
        try {
            reply(c, "ok " + sid);
            // watched from here on: a client that goes away before it attaches its output (Ctrl-C
            // right after "ok", which a loaded machine makes a wide window) ends the request now,
            // not after the handshake's limit with the request still counted active
            c.setSoTimeout(0);
            pool.execute(() -> watch(in, s));
            boolean ready;
            try {
                ready = s.attached.await(HANDSHAKE_MILLIS, TimeUnit.MILLISECONDS) && !s.cancelled;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ready = false;
            }
            sessions.remove(sid);
            if (!ready) {
                boolean gone = s.cancelled;
                s.cancel();
                log("request cancelled: " + (gone ? "the client went away" : "its output was not attached in time")
                        + " (" + args.size() + " arguments)");
                return;
            }
            int code = run(cmd, base, s);
            if (s.cancelled) {
                log("request cancelled: the client went away (" + args.size() + " arguments)");
                return;
            }
            // counted before the client learns its exit code: a status asked once the client has exited shows it
            served.incrementAndGet();
            lastActivity = System.nanoTime();
            active.decrementAndGet();
            counted = true;
            c.getOutputStream().write((code + "\n").getBytes(StandardCharsets.UTF_8));
            c.getOutputStream().flush();
        } finally {
            sessions.remove(sid);
            s.cancel();
            if (!counted) {
                lastActivity = System.nanoTime();
                active.decrementAndGet();
            }
        }
    }

    /** A command line the server runs, on the request's writers. */
    private interface Job {
        int run(PrintWriter out, PrintWriter err);
    }

    /**
     * What the server runs for command line {@code args}, null when the plain JVM must: a plain
     * {@code predict} without standard input ({@link PredictCommand#plain}), or a model-only
     * {@code fuzz} campaign ({@link FuzzCommand#servable}: no {@code --live}, no {@code
     * --kernels}), which stops when its client goes away. {@code tty}: the client's stderr is a
     * terminal.
     */
    private static Job job(List<String> args, boolean tty, Session s) {
        String[] a = args.toArray(new String[0]);
        if (a.length > 0 && a[0].equals("fuzz")) {
            FuzzCommand f = FuzzCommand.servable(a);
            if (f == null) {
                return null;
            }
            f.terminal = tty;
            f.cancelled = () -> s.cancelled;
            return (o, e) -> f.execute(a, o, e);
        }
        PredictCommand p = PredictCommand.plain(a);
        if (p == null || p.scenarios.stream().anyMatch(StdinScenario::is)) {
            return null;
        }
        p.terminal = tty;
        return p::runCaught;
    }

    /** Ends request {@code s} when its control connection closes before the request is done. */
    private static void watch(InputStream in, Session s) {
        try {
            while (in.read() >= 0) {
                // nothing more is expected from the client
            }
        } catch (IOException e) {
            // closed: the request is over either way
        }
        s.cancel(); // a no-op once the request has closed its output
    }

    /**
     * Runs the command as {@link Main#run} does (the same writers, catches and exit codes) with its
     * output on the request's connections, closed when done.
     */
    private int run(Job cmd, Path base, Session s) throws IOException {
        // stdout in writes of up to 256 KiB (the command flushes a batch at least every 50 ms, so
        // it still streams): each write wakes the client's copy, and on a loaded machine every
        // hand-over waits for a time slice (a 10,000-scenario batch writes about 6 MB)
        s.out.setSendBufferSize(1 << 20);
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(new java.io.BufferedOutputStream(
                guarded(s.out.getOutputStream(), s), 1 << 18), StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(guarded(s.err.getOutputStream(), s),
                StandardCharsets.UTF_8), true);
        int code;
        try {
            code = Scenarios.relativeTo(base, () -> cmd.run(o, e));
        } catch (Cancelled x) {
            return ExitCode.INTERNAL;
        } catch (Throwable t) { // an Error (StackOverflowError, OutOfMemoryError), as Main.run
            code = s.cancelled ? ExitCode.INTERNAL : Main.internalError("erofs-sim", t, e);
            if (t instanceof Error) {
                stop("an error: " + t); // the JVM may not be sound any more
            }
        } finally {
            try {
                o.flush();
                e.flush();
            } catch (Cancelled x) {
                // gone
            }
        }
        synchronized (s) {
            if (!s.cancelled) {
                s.out.shutdownOutput();
                s.err.shutdownOutput();
            }
        }
        return code;
    }

    /** {@code out}, whose writes throw {@link Cancelled} once the request's client went away. */
    private static OutputStream guarded(OutputStream out, Session s) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (s.cancelled) {
                    throw new Cancelled();
                }
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                if (s.cancelled) {
                    throw new Cancelled();
                }
                out.flush();
            }
        };
    }

    /** One line without its {@code \n}, in the JVM's argument encoding; null at the end of the stream. */
    private String line(InputStream in) throws IOException {
        return line(in, MAX_LINE);
    }

    /** {@link #line(InputStream)} of at most {@code max} bytes (before the token: a stranger's lines are short). */
    private String line(InputStream in, int max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int ch = in.read(); ch != '\n'; ch = in.read()) {
            if (ch < 0) {
                return null;
            }
            if (b.size() >= max) {
                throw new IOException("a line over " + max + " bytes");
            }
            b.write(ch);
        }
        return b.toString(argCharset);
    }

    private static void reply(Socket c, String line) throws IOException {
        OutputStream o = c.getOutputStream();
        o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    /** Why this server is stale (its jar or java binary is not the file it started from), or null. */
    private String changed() {
        if (!identity(jar).equals(jarIdentity)) {
            return "the jar changed";
        }
        return identity(javaBinary).equals(javaIdentity) ? null : "the java binary changed";
    }

    /** A file's size, mtime and file key (device and inode), or an empty list when it is gone. */
    static List<Object> identity(Path jar) {
        try {
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            return java.util.Arrays.asList(a.size(), a.lastModifiedTime(), a.fileKey());
        } catch (IOException e) {
            return List.of();
        }
    }

    private synchronized void log(String what) {
        log.println(Instant.now() + " erofs-sim predict server: " + what);
        log.flush();
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
