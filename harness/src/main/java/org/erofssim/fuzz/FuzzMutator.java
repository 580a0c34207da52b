package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.ByteEdit;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.kernel.ConfigFlag;
import org.erofssim.kernel.Coverage;

/**
 * The guided loop's mutations (AFL's "havoc" stage on a structured case): one to four random
 * changes to a case of the corpus, each along one of its dimensions: slot and superblock edits
 * (add, drop, new value), byte edits anywhere in the image (add, drop, new value), the checksum
 * policy, the source kind, the {@code device=} list (add, drop, replace), further mount options
 * (add, drop), a CONFIG override (toggle), the tree read, the base image, an edit of a record
 * field of the base ({@link FuzzGenerator#recordEdit}), the mount context; or a splice of another
 * corpus case's image edits. Edits stack: a mutant keeps its parent's edits and adds to them, and
 * the most frequent change is an edit of a record field near one the parent already edited
 * ({@link FuzzGenerator#nearRecordEdit}: the same inode, its compressed indexes or xattrs, the
 * same directory block), the branches a blind draw reaches only by two lucky draws at once.
 * Draws from the generator's random source, so a campaign is deterministic per seed.
 */
final class FuzzMutator {
    /** At most this many edited bytes in a mutant (room for several stacked record-field edits). */
    static final int MAX_BYTES = 48;
    private final FuzzGenerator gen;
    private final Random random;

    FuzzMutator(FuzzGenerator gen) {
        this.gen = gen;
        this.random = gen.random();
    }

    /**
     * How many mutants one branch's hints may make before they count as used up (a hint whose
     * flip the kernel's later checks always refuse would otherwise take the budget).
     */
    static final int HINT_TRIES = 2000;
    private final Map<String, Integer> hintTries = new java.util.HashMap<>();

    /** Whether the hints of branch {@code id} may still be tried ({@link #HINT_TRIES}). */
    boolean hintsLeft(String id) {
        return hintTries.getOrDefault(id, 0) < HINT_TRIES;
    }

    /**
     * A mutant of a corpus entry: in one of two cases, when the parent passed a comparison that,
     * flipped, takes a branch still {@code wanted} ({@link Coverage.Hint}), the mutant writes
     * the value that flips it (CmpLog's input-to-state replacement, with the model naming the
     * field and the bound instead of a logged operand), now and then with one more havoc change;
     * otherwise the havoc of {@link #mutate(FuzzCase, FuzzCase)}.
     */
    FuzzCase mutate(CorpusScheduler.Entry parent, FuzzCase other, java.util.function.Predicate<String> wanted) {
        FuzzCase c = parent.c();
        List<Coverage.Hint> usable = new ArrayList<>();
        for (Coverage.Hint h : parent.hints()) {
            if (wanted.test(h.id()) && hintsLeft(h.id())) {
                usable.add(h);
            }
        }
        if (usable.isEmpty() || random.nextInt(2) == 0) {
            return mutate(c, other);
        }
        Coverage.Hint h = usable.get(random.nextInt(usable.size()));
        hintTries.merge(h.id(), 1, Integer::sum);
        FuzzCase m = apply(c, h);
        return random.nextInt(4) == 0 ? once(m, other) : m;
    }

    /** {@code c} with hint {@code h} written: its option added, or its value's bytes replacing the case's edits there. */
    FuzzCase apply(FuzzCase c, Coverage.Hint h) {
        if (h.option() != null) {
            List<String> options = new ArrayList<>(c.options());
            if (!options.contains(h.option())) {
                options.add(h.option());
            }
            while (options.size() > 4) {
                options.remove(0);
            }
            return c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), c.devices(), c.read(), c.bytes(), options,
                    c.config());
        }
        if (h.offset() + h.width() > gen.baseLength(c.base())) {
            return mutate(c, null);
        }
        List<ByteEdit> bytes = new ArrayList<>();
        for (ByteEdit b : c.bytes()) {
            if (b.offset() < h.offset() || b.offset() >= h.offset() + h.width()) {
                bytes.add(b);
            }
        }
        // the oldest edits go first when the new bytes would pass the cap
        while (bytes.size() + h.width() > MAX_BYTES) {
            bytes.remove(0);
        }
        for (int i = 0; i < h.width(); i++) {
            bytes.add(new ByteEdit((int) h.offset() + i, (int) (h.value() >>> (8 * i)) & 0xff));
        }
        return c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), c.devices(), c.read(), bytes, c.options(),
                c.config());
    }

    /** A mutant of {@code c}; {@code other} (may be null) is a second corpus case to splice from. */
    FuzzCase mutate(FuzzCase c, FuzzCase other) {
        FuzzCase m = other != null && other != c && random.nextInt(8) == 0 ? splice(c, other) : c;
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            m = once(m, other);
        }
        return m;
    }

    /**
     * AFL's splice: the first part of {@code a}'s slot and byte edits followed by the last part
     * of {@code b}'s (cut at a random point of each), on {@code a}'s base and mount context; havoc follows.
     */
    FuzzCase splice(FuzzCase a, FuzzCase b) {
        List<SlotEdit> edits = new ArrayList<>(a.edits().subList(0, random.nextInt(a.edits().size() + 1)));
        edits.addAll(b.edits().subList(random.nextInt(b.edits().size() + 1), b.edits().size()));
        List<ByteEdit> bytes = new ArrayList<>(a.bytes().subList(0, random.nextInt(a.bytes().size() + 1)));
        if (a.base() == b.base()) {
            bytes.addAll(b.bytes().subList(random.nextInt(b.bytes().size() + 1), b.bytes().size()));
        }
        trim(edits, 8);
        trim(bytes, MAX_BYTES);
        return a.with(a.base(), a.source(), a.fixChecksum(), edits, a.devices(), a.read(), bytes, a.options(),
                a.config());
    }

    private FuzzCase once(FuzzCase c, FuzzCase other) {
        List<SlotEdit> edits = new ArrayList<>(c.edits());
        List<ByteEdit> bytes = new ArrayList<>(c.bytes());
        List<DeviceArg> devices = new ArrayList<>(c.devices());
        List<String> options = new ArrayList<>(c.options());
        Map<ConfigFlag, Boolean> config = new EnumMap<>(ConfigFlag.class);
        if (!c.config().isEmpty()) { // most cases override no CONFIG flag: no iterator made
            config.putAll(c.config());
        }
        BaseImage base = c.base();
        FuzzCase.Source source = c.source();
        boolean fix = c.fixChecksum();
        boolean read = c.read();
        FuzzCase.Context context = c.context();
        switch (random.nextInt(20)) {
            case 0 -> edits.add(gen.anyEdit(base));
            case 1 -> {
                if (!edits.isEmpty()) {
                    edits.remove(random.nextInt(edits.size()));
                }
            }
            case 2 -> {
                if (!edits.isEmpty()) {
                    int i = random.nextInt(edits.size());
                    SlotEdit e = edits.get(i);
                    long v = e.edit().value();
                    long nv = switch (random.nextInt(4)) {
                        case 0 -> v + 1;
                        case 1 -> v - 1;
                        case 2 -> v ^ (1L << random.nextInt(32));
                        default -> random.nextInt(64);
                    };
                    edits.set(i, e.withValue(nv));
                }
            }
            case 3 -> bytes.add(gen.byteEdit(base));
            case 4 -> {
                if (!bytes.isEmpty()) {
                    // one edited byte again: dropped, a bit flipped, one up or down, 0 or 0xff
                    int i = random.nextInt(bytes.size());
                    ByteEdit b = bytes.get(i);
                    int v = b.value();
                    switch (random.nextInt(5)) {
                        case 0 -> bytes.remove(i);
                        case 1 -> bytes.set(i, new ByteEdit(b.offset(), v ^ (1 << random.nextInt(8))));
                        case 2 -> bytes.set(i, new ByteEdit(b.offset(), (v + 1) & 0xff));
                        case 3 -> bytes.set(i, new ByteEdit(b.offset(), (v - 1) & 0xff));
                        default -> bytes.set(i, new ByteEdit(b.offset(), random.nextBoolean() ? 0 : 0xff));
                    }
                }
            }
            case 5 -> fix = !fix;
            case 6 -> source = gen.source();
            case 7 -> {
                int r = random.nextInt(3);
                if (r == 0 || devices.isEmpty()) {
                    devices.add(gen.pick(DeviceArg.values()));
                } else if (r == 1) {
                    devices.remove(random.nextInt(devices.size()));
                } else {
                    devices.set(random.nextInt(devices.size()), gen.pick(DeviceArg.values()));
                }
            }
            case 8 -> {
                if (!options.isEmpty() && random.nextBoolean()) {
                    options.remove(random.nextInt(options.size()));
                } else {
                    options.add(random.nextInt(options.size() + 1), gen.option());
                }
            }
            case 9 -> {
                ConfigFlag f = gen.pick(ConfigFlag.values());
                if (config.containsKey(f)) {
                    config.remove(f);
                } else {
                    config.put(f, random.nextBoolean());
                }
            }
            case 10 -> read = !read;
            case 11 -> base = random.nextInt(3) == 0 ? gen.pick(BaseImage.values()) : base;
            case 12, 13 -> bytes.addAll(gen.recordEdit(base));
            // stacking: a second field of a record the parent already edited (same inode, its
            // indexes, the same dirent block); the parent is in the corpus because an edit there
            // reached something new
            case 14, 15, 16 -> bytes.addAll(gen.nearRecordEdit(base, bytes, 64));
            case 17 -> context = gen.contextEdit(context);
            default -> {
                if (other != null) {
                    if (random.nextBoolean() || other.base() != base) {
                        edits.addAll(other.edits());
                    } else {
                        bytes.addAll(other.bytes());
                    }
                }
            }
        }
        // keep cases small: at most 8 slot/superblock edits, 48 edited bytes (a few stacked
        // record-field edits of up to 8 bytes each), 4 devices, 4 options
        trim(edits, 8);
        trim(bytes, MAX_BYTES);
        trim(devices, 4);
        trim(options, 4);
        return new FuzzCase(base, source, fix, edits, devices, read, bytes, options, config, context);
    }

    private void trim(List<?> l, int max) {
        while (l.size() > max) {
            l.remove(random.nextInt(l.size()));
        }
    }
}
