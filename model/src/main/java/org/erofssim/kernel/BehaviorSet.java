package org.erofssim.kernel;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The immutable set of {@link Behavior}s a {@link KernelProfile} holds: one bit per constant, so
 * that {@link KernelProfile#has} (asked dozens of times per mount) is a bit test the JIT inlines,
 * where the {@code Collections.unmodifiableSet} wrapper it replaces is a call through a wrapper
 * shared by every unmodifiable collection of the JVM (issue 12: about a fifth of a mount's time).
 * Iterates in the constants' order, as an {@code EnumSet} does; equal to any set of the same elements.
 */
final class BehaviorSet extends AbstractSet<Behavior> {
    private static final Behavior[] ALL = Behavior.values();
    private final long[] bits = new long[(ALL.length + 63) >>> 6];
    private final int size;

    BehaviorSet(Set<Behavior> from) {
        int n = 0;
        for (Behavior b : from) {
            int o = b.ordinal();
            if ((bits[o >>> 6] & (1L << o)) == 0) {
                bits[o >>> 6] |= 1L << o;
                n++;
            }
        }
        size = n;
    }

    boolean has(Behavior b) {
        int o = b.ordinal();
        return (bits[o >>> 6] & (1L << o)) != 0;
    }

    @Override public boolean contains(Object o) {
        return o instanceof Behavior b && has(b);
    }

    @Override public int size() {
        return size;
    }

    @Override public Iterator<Behavior> iterator() {
        return new Iterator<>() {
            private int next = advance(0);

            private int advance(int from) {
                int i = from;
                while (i < ALL.length && !has(ALL[i])) {
                    i++;
                }
                return i;
            }

            @Override public boolean hasNext() {
                return next < ALL.length;
            }

            @Override public Behavior next() {
                if (next >= ALL.length) {
                    throw new NoSuchElementException();
                }
                Behavior b = ALL[next];
                next = advance(next + 1);
                return b;
            }
        };
    }
}
