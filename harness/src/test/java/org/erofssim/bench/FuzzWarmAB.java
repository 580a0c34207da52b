package org.erofssim.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Session 12, a measurement, not a test: model-only fuzz campaigns of two builds in one warm JVM,
 * as the warm server runs them (default JIT). {@code java -XX:+UseSerialGC -Derofssim.root=CHECKOUT
 * -cp DIR org.erofssim.bench.FuzzWarmAB OUT JAR_A JAR_B WARMUPS CASES SEED...} (JAR_B {@code -}: A alone): each jar in a class
 * loader of its own runs WARMUPS campaigns of seeds 2, 3, ... or those of {@code -Dwab.warmSeeds=S,S,...}
 * (alternating A and B; seeds 5 and 6 hold cases of several seconds), then each
 * SEED is run by both, alternating which goes first, with {@code -Derofssim.fuzzCaseCpu} set to
 * {@code OUT/cpu-{A|B}-SEED-ROUND.txt} and the campaign's JSON in {@code OUT/json-{A|B}-SEED-ROUND.json};
 * the process CPU of each measured campaign is printed (both builds alike pay the load). With
 * {@code -Dwab.jfr=FILE -Dwab.jfc=SETTINGS} a flight recording covers the measured campaigns only
 * (from the seed at index {@code -Dwab.jfrFrom}, 0 by default).
 */
public class FuzzWarmAB {
    public static void main(String[] a) throws Exception {
        Path out = Path.of(a[0]);
        Files.createDirectories(out);
        String[] jars = a[2].equals("-") ? new String[] {a[1]} : new String[] {a[1], a[2]};
        int n = jars.length;
        Method[] run = new Method[n];
        for (int k = 0; k < n; k++) {
            URLClassLoader l = new URLClassLoader(new URL[] {Path.of(jars[k]).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            run[k] = l.loadClass("org.erofssim.cli.Main").getMethod("run", String[].class, PrintStream.class,
                    PrintStream.class);
        }
        int warm = Integer.parseInt(a[3]);
        String[] warmSeeds = System.getProperty("wab.warmSeeds", "").split(",");
        String cases = a[4];
        for (int w = 0; w < warm; w++) {
            for (int k = 0; k < n; k++) {
                double s = campaign(run[k], out.resolve("warm-" + k + "-" + w), cases, w < warmSeeds.length && !warmSeeds[w].isEmpty() ? warmSeeds[w] : String.valueOf(2 + w), null);
                System.err.printf("warm-up %d %s: %.2f s CPU%n", w, k == 0 ? "A" : "B", s);
            }
        }
        String jfr = System.getProperty("wab.jfr");
        jdk.jfr.Recording rec = null;
        int jfrFrom = Integer.getInteger("wab.jfrFrom", 0);
        int round = 0;
        for (int i = 5; i < a.length; i++, round++) {
            if (jfr != null && round == jfrFrom) {
                rec = new jdk.jfr.Recording(jdk.jfr.Configuration.create(Path.of(System.getProperty("wab.jfc"))));
                rec.setDestination(Path.of(jfr));
                rec.start();
            }
            for (int j = 0; j < n; j++) {
                int k = (round + j) % n;
                String tag = (k == 0 ? "A" : "B") + "-" + a[i] + "-" + round;
                double s = campaign(run[k], out.resolve("fz-" + tag), cases, a[i], out.resolve("cpu-" + tag + ".txt"));
                System.err.printf("seed %s %s: %.2f s process CPU%n", a[i], tag, s);
            }
        }
        if (rec != null) {
            rec.stop();
            rec.close();
        }
    }

    /** One campaign; the process CPU seconds it took; its JSON beside {@code cpuFile}. */
    private static double campaign(Method run, Path dir, String cases, String seed, Path cpuFile) throws Exception {
        if (cpuFile != null) {
            System.setProperty("erofssim.fuzzCaseCpu", cpuFile.toString());
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        int code = (Integer) run.invoke(null, new String[] {"fuzz", "--cases", cases, "--seed", seed, "--quiet", "--json",
                "--out", dir.toString()}, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        long c1 = os.getProcessCpuTime();
        System.clearProperty("erofssim.fuzzCaseCpu");
        if (code != 0 && code != 1) {
            throw new IllegalStateException("exit " + code + ": " + e.toString(StandardCharsets.UTF_8));
        }
        if (cpuFile != null) {
            Files.write(Path.of(cpuFile.toString().replace("cpu-", "json-").replace(".txt", ".json")), o.toByteArray());
        }
        return (c1 - c0) / 1e9;
    }
}
