package org.erofssim;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.erofssim.oracle.LiveKernelOracle;
import org.erofssim.testkit.Live;
import org.junit.jupiter.api.Test;

/**
 * {@code mvn test} cannot reach a live oracle (issue 14): Surefire excludes the tag
 * {@value Live#TAG}, so every test that reaches one must carry {@link Live} (on its class, an
 * enclosing class or the method that makes the call). This test reads the compiled test classes
 * of the modules with live tests (harness, properties) with ArchUnit and lists every call into a
 * live entry point from code that has no such mark. The entry points: the live kernel oracle
 * ({@code new LiveKernelOracle()}, {@code observe}, {@code reclaimStale}), the host kernel
 * reference's {@code observe}, the VM oracle's real QEMU ({@code VmKernel.findQemu}), the
 * sandbox's mounts and loop devices, and the live tests' skip helper
 * ({@code LiveFixtures.assumeLive}).
 *
 * <p>What a static scan cannot see (a test running the CLI's {@code observe}, {@code compare},
 * {@code record} or {@code conform --live}) is stopped at run time: the test phase sets
 * {@code -Derofssim.live=off}, the oracles then refuse to mount (harness's
 * {@code TestPhaseIsHermeticTest} shows it), and an untagged live test skips or, under
 * {@code -Derofssim.requireOracles=true}, fails.
 */
class LiveTagGuardTest {
    /** Live entry points: owner class name and the methods of it that reach the machine. */
    static final List<String[]> ENTRY_POINTS = List.of(
            new String[] {"org.erofssim.oracle.LiveKernelOracle", "<init>", "observe", "reclaimStale"},
            new String[] {"org.erofssim.reference.HostKernel", "observe"},
            new String[] {"org.erofssim.vm.VmKernel", "findQemu"},
            new String[] {"org.erofssim.oracle.Sandbox", "mount", "aboutToMount", "attachLoop"},
            new String[] {"org.erofssim.oracle.LiveFixtures", "assumeLive"});

    /** The one untagged caller on purpose: it shows that the entry points refuse in the test phase. */
    static final String HERMETIC_CHECK = "org.erofssim.oracle.TestPhaseIsHermeticTest.";

    static Path moduleTestClasses(String module) {
        Path root = Path.of(System.getProperty("erofssim.root", "..")).toAbsolutePath().normalize();
        return root.resolve(module).resolve("target/test-classes");
    }

    @Test
    void everyTestThatReachesALiveOracleIsTaggedLive() {
        List<Path> dirs = List.of(moduleTestClasses("harness"), moduleTestClasses("properties"));
        for (Path d : dirs) {
            assertThat(d).as("compiled test classes (build the module's tests first, e.g. -pl properties -am)").isDirectory();
        }
        JavaClasses classes = new ClassFileImporter().importPaths(dirs);
        List<String> calls = new ArrayList<>();
        List<String> offenders = untagged(classes, calls);
        offenders.removeIf(o -> o.startsWith(Planted.class.getName()) || o.startsWith(HERMETIC_CHECK));
        assertThat(calls).as("calls into live entry points found (the scan sees the live tests)").hasSizeGreaterThan(20);
        assertThat(offenders).as("calls into a live oracle from test code not marked @Live (Surefire would run them)")
                .isEmpty();
    }

    @Test
    void theScanFindsAnUntaggedLiveTest() {
        JavaClasses classes = new ClassFileImporter().importClasses(Planted.class, Planted.Tagged.class,
                Planted.TaggedMethod.class);
        List<String> offenders = untagged(classes, new ArrayList<>());
        assertThat(offenders).singleElement().asString().startsWith(Planted.class.getName() + ".observes");
    }

    /** Calls into {@link #ENTRY_POINTS} whose code unit has no {@link Live} mark; every call found is added to {@code calls}. */
    static List<String> untagged(JavaClasses classes, List<String> calls) {
        Set<String> out = new TreeSet<>();
        for (JavaClass c : classes) {
            for (JavaCodeUnit u : c.getCodeUnits()) {
                u.getCallsFromSelf().forEach(call -> {
                    String owner = call.getTargetOwner().getName();
                    String name = call.getName();
                    for (String[] e : ENTRY_POINTS) {
                        if (e[0].equals(owner) && List.of(e).subList(1, e.length).contains(name)) {
                            calls.add(u.getFullName());
                            if (!marked(u)) {
                                out.add(u.getFullName() + " calls " + owner + "." + name);
                            }
                        }
                    }
                });
            }
        }
        return new ArrayList<>(out);
    }

    /** The code unit, the method a lambda in it stands for, its class or an enclosing class carries @Live. */
    static boolean marked(JavaCodeUnit u) {
        if (u.isAnnotatedWith(Live.class) || lambdaHome(u).map(m -> m.isAnnotatedWith(Live.class)).orElse(false)) {
            return true;
        }
        for (Optional<JavaClass> c = Optional.of(u.getOwner()); c.isPresent(); c = c.get().getEnclosingClass()) {
            if (c.get().isAnnotatedWith(Live.class)) {
                return true;
            }
        }
        return false;
    }

    /** For {@code lambda$name$N}, the method {@code name} of the same class (javac's naming). */
    private static Optional<JavaMethod> lambdaHome(JavaCodeUnit u) {
        String n = u.getName();
        if (!n.startsWith("lambda$")) {
            return Optional.empty();
        }
        String home = n.substring("lambda$".length(), n.lastIndexOf('$'));
        return u.getOwner().getMethods().stream().filter(m -> m.getName().equals(home)).findFirst();
    }

    /** A planted offender (never run: no test annotation) and two marked callers for the scan's own test. */
    @SuppressWarnings("unused")
    static final class Planted {
        void observes() {
            new LiveKernelOracle();
        }

        @Live
        static final class Tagged {
            void observes() {
                new LiveKernelOracle();
            }
        }

        static final class TaggedMethod {
            @Live
            void observes() {
                Runnable r = () -> new LiveKernelOracle();
                r.run();
            }
        }
    }
}
