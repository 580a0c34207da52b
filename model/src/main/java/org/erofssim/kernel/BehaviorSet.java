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

    static {
        if (ALL.length > 128) {
            throw new ExceptionInInitializerError("BehaviorSet holds at most 128 behaviours: two longs");
        }
    }

    /** Bit {@code o} of {@code lo} (ordinals 0 to 63) or of {@code hi} (64 to 127): two fields, no array to load and check (session 14). */
    private final long lo;
    private final long hi;
    private final int size;

    BehaviorSet(Set<Behavior> from) {
        long l = 0;
        long h = 0;
        for (Behavior b : from) {
            int o = b.ordinal();
            if (o < 64) {
                l |= 1L << o;
            } else {
                h |= 1L << o;
            }
        }
        lo = l;
        hi = h;
        size = Long.bitCount(l) + Long.bitCount(h);
    }

    boolean has(Behavior b) {
        return has(lo, hi, b);
    }

    /** Whether {@code b} is in the set whose bits are {@code lo} and {@code hi} ({@link #bits}). */
    static boolean has(long lo, long hi, Behavior b) {
        int o = b.ordinal();
        return ((o < 64 ? lo : hi) & (1L << o)) != 0;
    }

    /** The set's bits: ordinals 0 to 63, then 64 to 127 (for {@link ConfigValues}, which keeps them flat). */
    long[] bits() {
        return new long[] {lo, hi};
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
