package org.erofssim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.runtime.ObjectMethods;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.erofssim.block.DevT;
import org.erofssim.contract.DeviceInfo;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.Statfs;
import org.erofssim.contract.SuperblockInfo;
import org.erofssim.kernel.Coverage;
import org.erofssim.read.ReadPattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records whose {@code equals} and {@code hashCode} are written out (a cold campaign's first
 * second, issue 12: the generated ones go through method handles spun at the first call) must
 * keep the generated ones' meaning, hash included: each is compared with what
 * {@link ObjectMethods#bootstrap} (the bootstrap javac's records call) makes for the same record
 * class, on records drawn with few distinct component values (so that many pairs are equal
 * without being the same object), nulls and nested records included.
 */
class WrittenEqualityTest {
    private static final int PAIRS = 3000;

    /** What javac's record would run for {@code name} ("equals" or "hashCode") on class {@code r}. */
    private static MethodHandle generated(Class<?> r, String name) throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(r, MethodHandles.lookup());
        RecordComponent[] rc = r.getRecordComponents();
        MethodHandle[] getters = new MethodHandle[rc.length];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < rc.length; i++) {
            getters[i] = lookup.findGetter(r, rc[i].getName(), rc[i].getType());
            names.add(rc[i].getName());
        }
        return (MethodHandle) ObjectMethods.bootstrap(lookup, name, MethodHandle.class, r, String.join(";", names), getters);
    }

    /** A value of type {@code t} from a small pool (equal values often, equal but distinct objects too). */
    private static Object value(Class<?> t, Random random, int depth) {
        int k = random.nextInt(4);
        if (t == int.class) {
            return new int[] {1, 7, 0, Integer.MIN_VALUE}[k];
        } else if (t == long.class) {
            return new long[] {0, 1, 1L << 32, Long.MIN_VALUE}[k];
        } else if (t == boolean.class) {
            return k % 2 == 0;
        } else if (t == String.class) {
            return k == 0 ? null : new String(new char[] {(char) ('a' + k % 2)});
        } else if (t == List.class) {
            return k == 0 ? null : k == 1 ? List.of() : new ArrayList<>(List.of("x".repeat(k - 1)));
        } else if (t.isEnum()) {
            Object[] all = t.getEnumConstants();
            return k == 0 ? null : all[(k - 1) % all.length];
        } else if (t.isRecord() && depth < 2) {
            return k == 0 ? null : draw(t, random, depth + 1);
        }
        return null;
    }

    /** Drawn components for record class {@code r}. */
    private static Object[] components(Class<?> r, Random random, int depth) {
        RecordComponent[] rc = r.getRecordComponents();
        Object[] args = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
            args[i] = value(rc[i].getType(), random, depth);
        }
        return args;
    }

    /** {@code a}'s components, each drawn again with probability 1/n (often all kept: equal records). */
    private static Object[] near(Class<?> r, Object[] a, Random random) {
        RecordComponent[] rc = r.getRecordComponents();
        Object[] b = a.clone();
        for (int i = 0; i < rc.length; i++) {
            if (random.nextInt(rc.length + 1) == 0) {
                b[i] = value(rc[i].getType(), random, 1);
            }
        }
        return b;
    }

    /** The record of class {@code r} with these components, or null when its constructor refuses them. */
    private static Object make(Class<?> r, Object[] args) {
        RecordComponent[] rc = r.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        for (int i = 0; i < rc.length; i++) {
            types[i] = rc[i].getType();
        }
        try {
            Constructor<?> c = r.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(args);
        } catch (InvocationTargetException refused) { // a compact constructor's check (a null, a bad width)
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object draw(Class<?> r, Random random, int depth) {
        return make(r, components(r, random, depth));
    }

    @ParameterizedTest
    @ValueSource(classes = {DevT.class, ReadPattern.class, SuperblockInfo.class, DeviceInfo.class, Statfs.class,
            MountOutcome.Mounted.class, MountOutcome.Failed.class, MountOutcome.Blocked.class, MountOutcome.Crashed.class,
            Coverage.Hint.class, FuzzCase.Context.class})
    void equalsAndHashCodeAreTheGeneratedOnes(Class<?> r) throws Throwable {
        assertThat(r.isRecord()).isTrue();
        MethodHandle equals = generated(r, "equals");
        MethodHandle hashCode = generated(r, "hashCode");
        Random random = new Random(r.getName().hashCode());
        int equal = 0;
        int compared = 0;
        for (int i = 0; i < PAIRS; i++) {
            Object[] ca = components(r, random, 0);
            Object a = make(r, ca);
            Object b = make(r, i % 2 == 0 ? near(r, ca, random) : components(r, random, 0));
            if (a == null || b == null) {
                continue;
            }
            compared++;
            boolean same = (boolean) equals.invoke(a, b);
            assertThat(a.equals(b)).as("%s equals %s", a, b).isEqualTo(same);
            assertThat(b.equals(a)).as("%s equals %s", b, a).isEqualTo(same);
            assertThat(a.hashCode()).as("hash of %s", a).isEqualTo((int) hashCode.invoke(a));
            assertThat(a.equals(a)).isTrue();
            assertThat(a.equals(null)).isFalse();
            assertThat(a.equals("x")).isFalse();
            if (same) {
                equal++;
                assertThat(a.hashCode()).isEqualTo(b.hashCode());
            }
        }
        // not vacuous: most draws make a record, and a fair number of pairs are equal yet distinct
        assertThat(compared).isGreaterThan(PAIRS / 4);
        assertThat(equal).as("equal pairs of %s", r.getSimpleName()).isGreaterThan(PAIRS / 20);
        assertThat(compared - equal).as("unequal pairs of %s", r.getSimpleName()).isGreaterThan(PAIRS / 20);
    }
}
