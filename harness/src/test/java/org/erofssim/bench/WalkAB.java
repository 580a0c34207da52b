package org.erofssim.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Session 11, a measurement, not a test: {@code java -XX:+UseSerialGC [JIT flags] -cp DIR
 * org.erofssim.bench.WalkAB DIR JAR_A JAR_B SEED DRAWS ROUNDS}, where DIR holds the compiled
 * {@link org.erofssim.fuzz.WalkBench} (and this class) and the jars are two builds of
 * {@code harness/target/erofs-sim.jar}: each build in a class loader of its own prepares the same
 * draws, then their passes alternate (A B, B A, ...); the mean and the least CPU time of a pass
 * from round 2 on are printed. Use -Derofssim.root=CHECKOUT for the fixture images.
 */
public class WalkAB {
    public static void main(String[] a) throws Exception {
        Method[] pass = new Method[2];
        String[] names = {a[1], a[2]};
        for (int k = 0; k < 2; k++) {
            URLClassLoader l = new URLClassLoader(new URL[] {Path.of(a[0]).toUri().toURL(), Path.of(names[k]).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> c = l.loadClass("org.erofssim.fuzz.WalkBench");
            Object prep = c.getMethod("prepare", long.class, int.class, String.class)
                    .invoke(null, Long.parseLong(a[3]), Integer.parseInt(a[4]), System.getProperty("erofssim.root", "."));
            System.err.println(names[k] + ": " + prep);
            pass[k] = c.getMethod("pass");
        }
        int rounds = Integer.parseInt(a[5]);
        double[] sum = new double[2];
        double[] min = {1e18, 1e18};
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int kk = r % 2 == 0 ? k : 1 - k;
                long ns = (Long) pass[kk].invoke(null);
                if (r >= 2) {
                    sum[kk] += ns;
                    min[kk] = Math.min(min[kk], ns);
                }
                System.err.printf("round %d %s: %.3f s%n", r, names[kk], ns / 1e9);
            }
        }
        System.err.printf("mean A/B (rounds 2..): %.3f / %.3f s = %.2fx; min %.3f / %.3f = %.2fx%n", sum[0] / (rounds - 2) / 1e9,
                sum[1] / (rounds - 2) / 1e9, sum[0] / sum[1], min[0] / 1e9, min[1] / 1e9, min[0] / min[1]);
    }
}
