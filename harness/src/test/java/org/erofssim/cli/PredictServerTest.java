package org.erofssim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.erofssim.tools.HostTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm predict server ({@link PredictServer}) through its client, the {@code erofs-sim}
 * launcher script run by bash (issue 12): the same stdout bytes, stderr bytes and exit code as the
 * plain process on the fixtures' scenarios (reads included, relative paths, errors, fallbacks, two
 * clients at once), a wrong token refused, a stale server (jar rebuilt, another key) never used and
 * gone, a client killed mid-request ending its request, {@code server --stop}; model-only fuzz
 * campaigns with the cold process's result, twice in one server, stopped by Ctrl-C, by {@code
 * --max-time}, writing files with the caller's umask, and the command lines it leaves to the cold
 * process. The launcher runs in a stand-in checkout whose "jar" is up to date (no build) and whose
 * {@code java} is a script that starts the real JVM on this test's class path; every server a test
 * starts is stopped after it, also when it fails. No time is asserted: the waits are bounded only so a failure cannot hang.
 */
class PredictServerTest {
    @TempDir
    Path dir;

    private Path launcher;
    private Path jar;
    private Path serverDir;
    private final Map<String, String> env = new HashMap<>();
    private final Set<Long> serverPids = new LinkedHashSet<>();
    /** The umask the launcher runs with ({@code null}: this JVM's). */
    private String umask;

    /** A finished launcher run. */
    private record Run(int exit, byte[] out, byte[] err) {
        String errText() {
            return new String(err, StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void standIn() throws IOException {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        launcher = root.resolve("erofs-sim");
        Files.writeString(launcher, Files.readString(Cli.root().resolve("erofs-sim"), StandardCharsets.UTF_8));
        jar = Files.createDirectories(root.resolve("harness/target")).resolve("erofs-sim.jar");
        Files.writeString(jar, "a stand-in jar");
        Files.createSymbolicLink(root.resolve("fixtures"), Cli.root().resolve("fixtures")); // fuzz's base images
        String realJava = ProcessHandle.current().info().command().orElseThrow();
        Path java = dir.resolve("java");
        // the launcher's "-jar JAR" and "-cp JAR" become this test's class path
        Files.writeString(java, "#!/bin/bash\nargs=()\nwhile (($#)); do\n  case $1 in\n"
                + "    -jar) args+=(-cp \"$CP\" org.erofssim.cli.Main); shift 2 ;;\n"
                + "    -cp) args+=(-cp \"$CP\"); shift 2 ;;\n"
                + "    *) args+=(\"$1\"); shift ;;\n  esac\ndone\nexec '" + realJava + "' \"${args[@]}\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        serverDir = dir.resolve("server");
        env.put("JAVA", java.toString());
        env.put("CP", System.getProperty("java.class.path"));
        env.put("EROFS_SIM_CDS", "0");
        env.put("EROFS_SIM_SERVER_DIR", serverDir.toString());
        env.put("EROFS_SIM_SERVER_IDLE", "300");
        env.put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    }

    @AfterEach
    void stopServers() throws Exception {
        noteServers();
        run(dir, Map.of(), null, List.of("server", "--stop"));
        for (long pid : serverPids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
            });
        }
    }

    /** The pids in the server folder's state files, noted to be stopped after the test. */
    private List<Long> noteServers() throws IOException {
        List<Long> pids = new ArrayList<>();
        if (Files.isDirectory(serverDir)) {
            try (Stream<Path> s = Files.list(serverDir)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".server")).toList()) {
                    String[] w = Files.readString(f).strip().split(" ");
                    pids.add(Long.parseLong(w[2]));
                }
            }
        }
        serverPids.addAll(pids);
        return pids;
    }

    private Process start(Path cwd, Map<String, String> extra, byte[] stdin, List<String> args, boolean discardOut)
            throws IOException {
        // env --default-signal=INT: a test run started in the background of a non-interactive shell
        // (`mvn test &`, `su - user -c ... &`) inherits SIGINT ignored, and bash can then neither
        // trap nor receive it; the launcher's Ctrl-C path is tested with SIGINT as a terminal sends it
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT", "bash"));
        if (umask != null) {
            cmd.addAll(List.of("-c", "umask " + umask + " && exec bash \"$0\" \"$@\""));
        }
        cmd.add(launcher.toString());
        cmd.addAll(args);
        ProcessBuilder pb = HostTools.processBuilder(cmd).directory(cwd.toFile());
        pb.environment().remove("EROFS_SIM_SERVER");
        pb.environment().remove(Main.DEBUG_ENV);
        pb.environment().putAll(env);
        pb.environment().putAll(extra);
        if (discardOut) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        return p;
    }

    private Run run(Path cwd, Map<String, String> extra, byte[] stdin, List<String> args) throws Exception {
        Process p = start(cwd, extra, stdin, args, false);
        // both streams drained at once: a full pipe would block the other
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("launcher %s ended", args).isTrue();
        Run r = new Run(p.exitValue(), out, err.get(60, TimeUnit.SECONDS));
        noteServers();
        return r;
    }

    private static final Map<String, String> SERVED = Map.of("EROFS_SIM_SERVER", "1");

    /** The plain and the served run of {@code args} in {@code cwd}: the same bytes and exit code. */
    private Run sameBothWays(Path cwd, byte[] stdin, List<String> args) throws Exception {
        Run plain = run(cwd, Map.of(), stdin, args);
        Run served = run(cwd, SERVED, stdin, args);
        assertThat(served.exit()).as("exit of %s (stderr %s)", args, served.errText()).isEqualTo(plain.exit());
        assertThat(served.errText()).as("stderr of %s", args).isEqualTo(plain.errText());
        assertThat(served.out()).as("stdout of %s", args).isEqualTo(plain.out());
        return plain;
    }

    private static List<String> fixtureScenarios(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("fixtures/scenarios"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().map(p -> root.relativize(p).toString()).toList();
        }
    }

    @Test
    void theServerPrintsWhatThePlainProcessPrints() throws Exception {
        Path root = Cli.root();
        List<String> batch = new ArrayList<>(List.of("predict"));
        batch.addAll(fixtureScenarios(root)); // relative to the client's folder, the checkout
        assertThat(batch).hasSizeGreaterThan(100);
        Run plain = sameBothWays(root, null, batch);
        String text = new String(plain.out(), StandardCharsets.UTF_8);
        assertThat(plain.exit()).isZero();
        assertThat(text.lines().count()).isEqualTo(batch.size() - 1);
        assertThat(text).contains("\"tree\":[", "\"outcome\":\"failed\""); // reads and refusals
        assertThat(noteServers()).hasSize(1);

        // two clients at once, the same batch: both get the plain bytes
        Process a = start(root, SERVED, null, batch, false);
        Process b = start(root, SERVED, null, batch, false);
        var aOut = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(a.getInputStream()));
        byte[] bOut = b.getInputStream().readAllBytes();
        assertThat(b.waitFor(600, TimeUnit.SECONDS) && a.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(List.of(a.exitValue(), b.exitValue())).containsExactly(0, 0);
        assertThat(aOut.get(60, TimeUnit.SECONDS)).isEqualTo(plain.out());
        assertThat(bOut).isEqualTo(plain.out());

        // errors, notes, options, an argument file with relative names, fallbacks (stdin, help, picocli's errors)
        Files.writeString(dir.resolve("bad.json"), "{\"version\": 1, \"source\": 7}");
        Files.copy(root.resolve("fixtures/scenarios/decision-table/row06-file-ext4.json"), dir.resolve("row06.json"));
        Files.copy(root.resolve("fixtures/images/plain.erofs"), dir.resolve("plain.erofs"));
        Files.writeString(dir.resolve("row06.json"), Files.readString(dir.resolve("row06.json"))
                .replace("../../images/plain.erofs", "plain.erofs"));
        Files.writeString(dir.resolve("args"), "predict\nrow06.json\n--kernel=6.12\nrow06.json\n");
        byte[] stdin = Files.readAllBytes(dir.resolve("row06.json"));
        List<List<String>> lines = List.of(
                List.of("predict", "missing.json"),
                List.of("predict", "bad.json", "row06.json"),
                List.of("predict", "--config", "BOGUS=y", "row06.json"),
                List.of("predict", "--kernel", "6.12", "--config=EROFS_FS_ONDEMAND=y", "row06.json"),
                List.of("predict", "--kernel", "9.9", "row06.json"),
                List.of("@args"),
                List.of("predict", "-"),
                List.of("predict", "--help"),
                List.of("predict", "--bogus", "row06.json"),
                List.of("predict", "./row06.json", "sub/../row06.json"));
        Files.createDirectories(dir.resolve("sub"));
        List<Integer> exits = new ArrayList<>();
        for (List<String> l : lines) {
            exits.add(sameBothWays(dir, l.contains("-") ? stdin : null, l).exit());
        }
        assertThat(exits).containsExactly(2, 2, 2, 0, 2, 0, 0, 0, 2, 0);
        assertThat(noteServers()).hasSize(1);
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One line to the server of the state file and its answer (the raw protocol, as a stranger would speak it). */
    private static String ask(Path state, String token, String... lines) throws IOException {
        String[] w = Files.readString(state).strip().split(" ");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(w[0]))) {
            s.setSoTimeout(60_000);
            StringBuilder req = new StringBuilder(PredictServer.PROTOCOL + "\n" + (token == null ? w[1] : token) + "\n");
            for (String l : lines) {
                req.append(l).append('\n');
            }
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            byte[] answer = s.getInputStream().readAllBytes();
            return new String(answer, StandardCharsets.UTF_8).strip();
        }
    }

    private Path state() throws IOException {
        try (Stream<Path> s = Files.list(serverDir)) {
            List<Path> states = s.filter(p -> p.toString().endsWith(".server")).toList();
            assertThat(states).hasSize(1);
            return states.get(0);
        }
    }

    /** Whether process {@code pid} runs (a zombie, exited but not yet reaped by init, does not). */
    private static boolean alive(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = s.charAt(s.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 600 && alive(pid); i++) {
            Thread.sleep(50);
        }
    }

    @Test
    void aWrongTokenIsRefusedAndAStaleServerIsNeverUsed() throws Exception {
        Files.copy(Cli.root().resolve("fixtures/images/plain.erofs"), dir.resolve("plain.erofs"));
        Files.writeString(dir.resolve("s.json"), "{\"version\": 1, \"nodes\": {\"/srv/i\": {\"kind\": \"file\", "
                + "\"image\": \"plain.erofs\"}}, \"source\": \"/srv/i\", \"read\": true}");
        Run first = run(dir, SERVED, null, List.of("predict", "s.json"));
        assertThat(first.exit()).as(first.errText()).isZero();
        Path state = state();
        assertThat(Files.getPosixFilePermissions(state)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(serverDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        long pid = noteServers().get(0);

        // a wrong token: refused, nothing run, the server still serves its clients
        assertThat(ask(state, "0".repeat(64), "stop")).isEqualTo("refused");
        assertThat(ask(state, "0".repeat(64), "status")).isEqualTo("refused");
        assertThat(ask(state, null, "status")).startsWith("pid " + pid + " ");
        assertThat(run(dir, SERVED, null, List.of("predict", "s.json")).out()).isEqualTo(first.out());
        assertThat(noteServers()).containsExactly(pid);

        // the jar rebuilt (a new mtime, size and identity): the old server is told to exit, never used
        Files.writeString(jar, "a stand-in jar, rebuilt");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Run again = run(dir, SERVED, null, List.of("predict", "s.json"));
        assertThat(again.exit()).isZero();
        assertThat(again.out()).isEqualTo(first.out());
        awaitGone(pid);
        assertThat(alive(pid)).as("the stale server exited").isFalse();
        List<Long> now = noteServers();
        assertThat(now).hasSize(1).doesNotContain(pid);
        String log = Files.readString(serverDir.resolve(state.getFileName().toString().replace(".server", ".log")));
        assertThat(log).contains("pid " + pid + ",", "exits: the jar changed").contains("(2 requests served)"); // none after the rebuild

        // a request with another key (another java or jar): answered "stale", and the server exits
        Path current = state();
        assertThat(ask(current, null, "predict", "another-key", dir.toString(), "0", "2", "predict", "s.json"))
                .isEqualTo("stale");
        awaitGone(now.get(0));
        assertThat(alive(now.get(0))).isFalse();

        // server --stop: a started server stops and leaves no state file
        assertThat(run(dir, SERVED, null, List.of("predict", "s.json")).out()).isEqualTo(first.out());
        long last = noteServers().get(0);
        Run stop = run(dir, Map.of(), null, List.of("server", "--stop"));
        assertThat(stop.exit()).isZero();
        // the launcher waits 10 s at most for the server to go: a loaded machine's JVM may take longer to exit
        awaitGone(last);
        assertThat(alive(last)).isFalse();
        try (Stream<Path> s = Files.list(serverDir)) {
            assertThat(s.filter(p -> p.toString().endsWith(".server"))).isEmpty();
        }
    }

    /**
     * Bytes received on a connection to {@code port} that no process has accepted yet (the server
     * side of it, in the listening socket's accept queue), from /proc/net/tcp and tcp6; -1 when none.
     */
    private static long queuedBytes(int port) throws IOException {
        String hexPort = String.format(":%04X", port);
        for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String l : Files.readAllLines(Path.of(f)).subList(1, Files.readAllLines(Path.of(f)).size())) {
                String[] w = l.strip().split("\\s+");
                if (w[1].endsWith(hexPort) && w[3].equals("01")) { // ESTABLISHED, our side of it
                    return Long.parseLong(w[4].substring(w[4].indexOf(':') + 1), 16);
                }
            }
        }
        return -1;
    }

    @Test
    void aServerThatClosesWithTheRequestNotYetAcceptedIsReplaced() throws Exception {
        Files.copy(Cli.root().resolve("fixtures/images/plain.erofs"), dir.resolve("plain.erofs"));
        Files.writeString(dir.resolve("s.json"), "{\"version\": 1, \"nodes\": {\"/srv/i\": {\"kind\": \"file\", "
                + "\"image\": \"plain.erofs\"}}, \"source\": \"/srv/i\", \"read\": true}");
        Run first = run(dir, SERVED, null, List.of("predict", "s.json")); // a server, for its state file's name
        assertThat(first.exit()).as(first.errText()).isZero();
        Path state = state();
        long pid = noteServers().get(0);
        assertThat(run(dir, Map.of(), null, List.of("server", "--stop")).exit()).isZero();
        awaitGone(pid);
        // a server in its last moment (idle, stale, stopped: it closes its listening socket), with a
        // client's connection made by the kernel but not yet accepted: the client's request is
        // reset unanswered, and it must go to a new server as after "stale"
        Process client;
        String fake;
        try (java.net.ServerSocket last = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            fake = last.getLocalPort() + " " + "0".repeat(64) + " " + Long.MAX_VALUE + "\n"; // no process of that pid
            Files.writeString(state, fake);
            client = start(dir, SERVED, null, List.of("predict", "s.json"), false);
            for (int i = 0; i < 2400 && queuedBytes(last.getLocalPort()) <= 0; i++) {
                assertThat(client.isAlive()).as("the client waits for its answer").isTrue();
                Thread.sleep(50);
            }
            assertThat(queuedBytes(last.getLocalPort())).as("the client's request, queued").isPositive();
        }
        var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(client.getErrorStream()));
        byte[] out = client.getInputStream().readAllBytes();
        assertThat(client.waitFor(600, TimeUnit.SECONDS)).isTrue();
        boolean fellBack = Files.exists(state) && Files.readString(state).equals(fake);
        if (fellBack) {
            Files.delete(state); // the stand-in's, not a server's (never to be noted as one)
        }
        assertThat(fellBack).as("the client ran the plain JVM instead of starting a new server").isFalse();
        assertThat(client.exitValue()).as(new String(err.get(60, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isZero();
        assertThat(out).isEqualTo(first.out());
        List<Long> now = noteServers();
        assertThat(now).hasSize(1).doesNotContain(pid);
        assertThat(ask(state(), null, "status")).endsWith(" active 0 served 1");
    }

    /**
     * The status of the server of {@code state} once no request is active, asked every 50 ms for up
     * to 5 minutes: a cancelled request ends when its current work does (a campaign's round of
     * cases, which a loaded machine stretches); the bound only keeps a failure from hanging.
     */
    private static String awaitIdle(Path state) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        String status = ask(state, null, "status");
        while (!status.contains(" active 0 ") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = ask(state, null, "status");
        }
        return status;
    }

    @Test
    void aClientKilledMidRequestEndsItsRequestOnTheServer() throws Exception {
        Files.copy(Cli.root().resolve("fixtures/images/deep.erofs"), dir.resolve("deep.erofs"));
        Files.writeString(dir.resolve("s.json"), "{\"version\": 1, \"nodes\": {\"/srv/i\": {\"kind\": \"file\", "
                + "\"image\": \"deep.erofs\"}}, \"source\": \"/srv/i\", \"read\": true}");
        assertThat(run(dir, SERVED, null, List.of("predict", "s.json")).exit()).isZero(); // starts the server
        Path state = state();
        // a batch that takes long: the same read scenario 400,000 times
        StringBuilder args = new StringBuilder("predict\n--quiet\n");
        for (int i = 0; i < 400_000; i++) {
            args.append("s.json\n");
        }
        Files.writeString(dir.resolve("args"), args);
        Process client = start(dir, SERVED, null, List.of("@args"), true);
        String status = "";
        for (int i = 0; i < 1200 && !status.contains(" active 1 "); i++) {
            Thread.sleep(50);
            status = ask(state, null, "status");
        }
        assertThat(status).contains(" active 1 ");
        HostTools.processBuilder(List.of("bash", "-c", "kill -INT " + client.pid())).start().waitFor(); // Ctrl-C
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).isEqualTo(130);
        status = awaitIdle(state);
        assertThat(status).contains(" active 0 ").endsWith(" served 1"); // the batch was not served to its end
        Path logFile = serverDir.resolve(state.getFileName().toString().replace(".server", ".log"));
        assertThat(Files.readString(logFile)).contains("request cancelled: the client went away");

        // a client gone after "ok" but before it attached its output (a Ctrl-C there, a wide window
        // on a loaded machine, where "active 1" already shows): its request ends as the client goes,
        // not when the server gives up waiting for the output connections
        String[] w = Files.readString(state).strip().split(" ");
        String key = new String(Files.readAllBytes(Path.of("/proc", w[2], "cmdline")), StandardCharsets.UTF_8)
                .lines().flatMap(l -> Stream.of(l.split("\0"))).filter(a -> a.startsWith("-Derofssim.server.key="))
                .findFirst().orElseThrow().substring("-Derofssim.server.key=".length());
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(w[0]))) {
            c.setSoTimeout(60_000);
            c.getOutputStream().write((PredictServer.PROTOCOL + "\n" + w[1] + "\npredict\n" + key + "\n" + dir + "\n0\n2\n"
                    + "predict\ns.json\n").getBytes(StandardCharsets.UTF_8));
            c.getOutputStream().flush();
            byte[] ok = new byte[3];
            assertThat(c.getInputStream().readNBytes(ok, 0, 3)).isEqualTo(3);
            assertThat(new String(ok, StandardCharsets.UTF_8)).isEqualTo("ok ");
            assertThat(status()).contains(" active 1 ");
        }
        status = awaitIdle(state);
        assertThat(status).contains(" active 0 ").endsWith(" served 1");
        assertThat(Files.readString(logFile).lines().filter(l -> l.contains("request cancelled: the client went away")))
                .hasSize(2);
    }

    /**
     * A campaign as compared: exit code, JSON without "seconds", stderr lines with times masked,
     * the files under --out (a finding's scenario.json with the time it was found masked).
     */
    private record Campaign(int exit, String json, List<String> lines, Map<String, String> files) {}

    private static final java.util.regex.Pattern FOUND_AT = java.util.regex.Pattern.compile("found \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z");
    private static final java.util.regex.Pattern SECONDS = java.util.regex.Pattern.compile("\\(\\d+\\.\\d s\\)");

    /** {@code fuzz ARGS --json --out found} in the test folder (cold, or served with {@link #SERVED}); the folder is removed after. */
    private Campaign campaign(Map<String, String> extra, List<String> args) throws Exception {
        Path out = dir.resolve("found");
        List<String> cmd = new ArrayList<>(List.of("fuzz"));
        cmd.addAll(args);
        cmd.addAll(List.of("--json", "--out", "found"));
        Run r = run(dir, extra, null, cmd);
        var j = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(j.remove("seconds")).as("%s: %s", args, r.errText()).isNotNull();
        List<String> lines = r.errText().lines().map(l -> SECONDS.matcher(l).replaceAll("(T s)")).toList();
        Map<String, String> files = new java.util.TreeMap<>();
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.walk(out)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                    if (Files.isDirectory(p)) {
                        files.put(out.relativize(p) + "/", mode);
                    }
                    if (Files.isRegularFile(p)) {
                        byte[] bytes = Files.readAllBytes(p);
                        if (p.endsWith("scenario.json")) { // its comment says when the finding was made
                            bytes = FOUND_AT.matcher(new String(bytes, StandardCharsets.UTF_8)).replaceAll("found T")
                                    .getBytes(StandardCharsets.UTF_8);
                        }
                        files.put(out.relativize(p).toString(), mode + " " + java.util.HexFormat.of().formatHex(
                                java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
                    }
                    Files.delete(p);
                }
            }
        }
        return new Campaign(r.exit(), j.toString(), lines, files);
    }

    private String status() throws IOException {
        return ask(state(), null, "status");
    }

    @Test
    void aModelOnlyCampaignInTheServerGivesTheColdResultTwice() throws Exception {
        // findings (candidate regressions between releases): their folders under --out, resolved in the client's folder
        List<String> releases = List.of("--releases", "--cases", "100", "--seed", "1");
        Campaign cold = campaign(Map.of(), releases);
        assertThat(cold.exit()).isEqualTo(ExitCode.FAILED_CHECK);
        assertThat(cold.json()).contains("CANDIDATE_REGRESSION", dir.resolve("found/findings") + "/candidate-regression-");
        assertThat(cold.files().keySet()).anyMatch(f -> f.endsWith("/repro.sh")).anyMatch(f -> f.endsWith("/scenario.json"));
        assertThat(cold.lines()).anyMatch(l -> l.startsWith("finding CANDIDATE_REGRESSION at case "));
        // a guided campaign long enough to grow a corpus: nothing of it may be left for the next one
        List<String> guided = List.of("--cases", "1500", "--seed", "12");
        Campaign coldGuided = campaign(Map.of(), guided);
        assertThat(coldGuided.exit()).isZero();
        assertThat(coldGuided.lines()).anyMatch(l -> l.matches("coverage: \\d+ ids after \\d+ cases \\(T s\\), corpus \\d+"));
        for (int round = 1; round <= 2; round++) {
            assertThat(campaign(SERVED, releases)).as("served campaign %d", round).isEqualTo(cold);
            // the count is the server's before its client exits (CI once asked in between and saw one fewer)
            assertThat(status()).endsWith(" active 0 served " + (2 * round - 1));
            assertThat(campaign(SERVED, guided)).as("served guided campaign %d", round).isEqualTo(coldGuided);
            assertThat(status()).endsWith(" active 0 served " + 2 * round);
        }
        assertThat(noteServers()).hasSize(1);
    }

    @Test
    void theFilesOfAServedCampaignGetTheCallersUmaskAsACold() throws Exception {
        List<String> releases = List.of("--releases", "--cases", "100", "--seed", "1"); // it writes finding folders
        umask = "077";
        Campaign cold077 = campaign(Map.of(), releases);
        umask = "022";
        Campaign cold022 = campaign(Map.of(), releases);
        assertThat(cold022.files()).as("the modes of the files and folders written").isNotEqualTo(cold077.files());
        assertThat(cold077.files().values()).anyMatch(m -> m.startsWith("rw------- "));
        assertThat(cold022.files().values()).anyMatch(m -> m.startsWith("rw-r--r-- "));
        // the first served call starts a server with umask 022; a call with 077 gets a server of its own
        assertThat(campaign(SERVED, releases)).isEqualTo(cold022);
        long first = noteServers().get(0);
        umask = "077";
        assertThat(campaign(SERVED, releases)).isEqualTo(cold077);
        assertThat(noteServers()).as("the server of umask 022 was told to exit").hasSize(1).doesNotContain(first);
        umask = "022";
        assertThat(campaign(SERVED, releases)).isEqualTo(cold022);
    }

    @Test
    void aCampaignEndsWithItsClientAndTheServerServesTheNextOne() throws Exception {
        List<String> small = List.of("--cases", "40", "--seed", "5");
        Campaign cold = campaign(Map.of(), small);
        // a campaign far longer than the test; its first served call starts the server
        Process client = start(dir, SERVED, null, List.of("fuzz", "--cases", "100000000", "--seed", "5", "--quiet",
                "--out", "long"), true);
        String status = "";
        for (int i = 0; i < 2400 && !(status.contains(" active 1 ") && Files.isDirectory(dir.resolve("long/work"))); i++) {
            Thread.sleep(50);
            status = Files.isDirectory(serverDir) && noteServers().size() == 1 ? status() : "";
        }
        assertThat(status).contains(" active 1 ");
        assertThat(dir.resolve("long/work")).as("the campaign runs").isDirectory();
        HostTools.processBuilder(List.of("bash", "-c", "kill -INT " + client.pid())).start().waitFor(); // Ctrl-C
        assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).isEqualTo(130);
        status = awaitIdle(state());
        assertThat(status).contains(" active 0 ").endsWith(" served 0");
        assertThat(dir.resolve("long/work")).as("the campaign's scratch folder, removed as at its end").doesNotExist();
        String log = Files.readString(serverDir.resolve(state().getFileName().toString().replace(".server", ".log")));
        assertThat(log).contains("request cancelled: the client went away");
        assertThat(campaign(SERVED, small)).isEqualTo(cold);
        assertThat(status()).endsWith(" served 1");
    }

    @Test
    void maxTimeErrorsAndTheCampaignsTheServerLeavesToTheColdProcess() throws Exception {
        // --max-time: the served campaign stops drawing cases before its budget, as the cold one would
        Run timed = run(dir, SERVED, null, List.of("fuzz", "--cases", "100000000", "--seed", "3", "--max-time", "2s",
                "--quiet", "--json", "--out", "timed"));
        assertThat(timed.exit()).as(timed.errText()).isZero();
        int cases = new com.fasterxml.jackson.databind.ObjectMapper().readTree(timed.out()).path("cases").asInt();
        assertThat(cases).isPositive().isLessThan(100_000_000);
        // bad values: one line and exit 2 from the server; help, picocli's own errors, --live and --kernels: the cold process
        List<List<String>> lines = List.of(
                List.of("fuzz", "--cases", "0"),
                List.of("fuzz", "--kernel", "5.4"),
                List.of("fuzz", "--shard", "1/2"),
                List.of("fuzz", "--help"),
                List.of("fuzz", "--bogus"),
                List.of("fuzz", "--live", "--kernel", "6.18"),
                List.of("fuzz", "--kernels", "6.1", "--vm-batch", "0"));
        List<Integer> exits = new ArrayList<>();
        for (List<String> l : lines) {
            exits.add(sameBothWays(dir, null, l).exit());
        }
        assertThat(exits).containsExactly(2, 2, 2, 0, 2, 2, 2);
        assertThat(status()).endsWith(" served 4"); // the timed campaign and the three bad values
    }
}
