package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.junit.jupiter.api.Test;

/**
 * {@link FuzzCase}'s classes work whichever of them the JVM initialises first. The integration of
 * session 14 made {@code DeviceArg}'s paths in its own static initialiser, through a switch whose
 * table javac puts in a synthetic class of {@code FuzzCase} (one for every enum its switches name):
 * a test that reached that table first (ReproScriptLiveTest, as root) found {@code DeviceArg}'s
 * row missing and failed with an {@code ExceptionInInitializerError}. Here each class of
 * {@code FuzzCase} is initialised first in a class loader of its own, then every
 * {@code DeviceArg} path is asked for and compared with this loader's (whose order is the usual one).
 */
class FuzzCaseInitOrderTest {
    @Test
    void everyClassOfFuzzCaseCanBeInitialisedFirst() throws Exception {
        List<String> names = classesOfFuzzCase();
        assertThat(names).as("FuzzCase's classes found next to FuzzCase.class").contains(
                "org.erofssim.fuzz.FuzzCase", "org.erofssim.fuzz.FuzzCase$DeviceArg", "org.erofssim.fuzz.FuzzCase$1");
        URL[] path = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> {
                    try {
                        return Path.of(p).toUri().toURL();
                    } catch (java.net.MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                }).toArray(URL[]::new);
        int checked = 0;
        for (String first : names) {
            try (URLClassLoader loader = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
                Class.forName(first, true, loader);
                Class<?> arg = Class.forName("org.erofssim.fuzz.FuzzCase$DeviceArg", true, loader);
                assertThat(arg).isNotSameAs(DeviceArg.class); // a loader of its own, not this one's
                Method m = arg.getDeclaredMethod("path", int.class);
                m.setAccessible(true);
                for (Object d : arg.getEnumConstants()) {
                    DeviceArg here = DeviceArg.valueOf(((Enum<?>) d).name());
                    for (int i = 0; i < 20; i++) {
                        assertThat(m.invoke(d, i)).as("%s first: %s.path(%d)", first, d, i).isEqualTo(here.path(i));
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(names.size() * DeviceArg.values().length * 20);
    }

    /** The binary names of FuzzCase and its nested and synthetic classes, from the folder of FuzzCase.class. */
    private static List<String> classesOfFuzzCase() throws Exception {
        Path dir = Path.of(FuzzCase.class.getResource("FuzzCase.class").toURI()).getParent();
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.equals("FuzzCase.class") || n.startsWith("FuzzCase$") && n.endsWith(".class"))
                    .sorted()
                    .forEach(n -> out.add("org.erofssim.fuzz." + n.substring(0, n.length() - ".class".length())));
        }
        return out;
    }
}
