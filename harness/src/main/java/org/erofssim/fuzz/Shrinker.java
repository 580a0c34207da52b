package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.erofssim.fuzz.FuzzCampaign.Failure;
import org.erofssim.fuzz.FuzzCampaign.Kind;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FieldEdit;

/**
 * Shrinking of a failing {@link FuzzCase} (the campaign's delta step): edits, devices, options and
 * CONFIG overrides dropped, values made smaller, the source made a plain file, while the same kind
 * of failure remains. {@link #shrink} is greedy, one evaluation at a time (the model, the host
 * kernel); {@link #shrinkBatched} sends each round's candidates as one batch (a VM kernel: one
 * boot per round) and applies several simplifications at once.
 */
final class Shrinker {
    private Shrinker() {}

    /**
     * Greedy shrinking: tries the simpler variants of the case one by one and moves to the first
     * that still fails with the same kind ({@code evaluate} gives a variant's failure or null),
     * until none does or {@code budget} evaluations are spent.
     */
    static FuzzCase shrink(FuzzCase c, Kind kind, int budget, Function<FuzzCase, Failure> evaluate) {
        FuzzCase current = c;
        boolean progressed = true;
        while (progressed && budget > 0) {
            progressed = false;
            for (FuzzCase candidate : simpler(current)) {
                if (budget-- <= 0) {
                    break;
                }
                Failure f = evaluate.apply(candidate);
                if (f != null && f.kind() == kind) {
                    current = candidate;
                    progressed = true;
                    break;
                }
            }
        }
        return current;
    }

    /** One candidate of a batched round: the index of the case it shrinks, and the candidate. */
    record Probe(int target, FuzzCase c) {}

    /**
     * One batch of probes evaluated together (for a VM kernel: one boot): for each probe, whether
     * it still fails the way its target case did (same kind, same differing fields).
     */
    @FunctionalInterface
    interface Boot {
        List<Boolean> reproduces(List<Probe> probes);
    }

    /**
     * What batched shrinking did: the shrunk cases (in the order given), the rounds (batches)
     * it spent and the probes it evaluated in all.
     */
    record Batched(List<FuzzCase> shrunk, int rounds, int probes) {}

    /**
     * Batched shrinking, for references where each evaluation is cheap but each batch costs a
     * boot (a VM kernel): a round sends the one-step simpler variants of every case still
     * shrinking ({@link #simpler}, at most {@code perCase} of each) in one batch. Of the variants
     * that still fail, the first becomes the case's current form, and when several did, the next
     * round also tries all their simplifications at once ({@link #combine}: every dropped edit,
     * byte, device, option and CONFIG override dropped, the plain context, source, checksum and
     * read taken where one of them took it), so that a case with many removable parts shrinks in a
     * few boots instead of one boot per part. Stops when no case got smaller or after
     * {@code rounds} batches. Deterministic: the candidates and their order depend on the cases only.
     */
    static Batched shrinkBatched(List<FuzzCase> cases, int rounds, int perCase, Boot boot) {
        int n = cases.size();
        FuzzCase[] current = cases.toArray(new FuzzCase[0]);
        FuzzCase[] combined = new FuzzCase[n];
        boolean[] done = new boolean[n];
        int spent = 0;
        int probes = 0;
        while (spent < rounds) {
            List<Probe> batch = new ArrayList<>();
            List<List<FuzzCase>> singles = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                List<FuzzCase> one = done[t] ? List.of() : simpler(current[t]);
                one = one.subList(0, Math.min(perCase, one.size()));
                singles.add(one);
                if (combined[t] != null) {
                    batch.add(new Probe(t, combined[t]));
                }
                for (FuzzCase c : one) {
                    batch.add(new Probe(t, c));
                }
            }
            if (batch.isEmpty()) {
                break;
            }
            List<Boolean> ok = boot.reproduces(batch);
            spent++;
            probes += batch.size();
            int at = 0;
            for (int t = 0; t < n; t++) {
                boolean combinedHeld = false;
                if (combined[t] != null) {
                    combinedHeld = ok.get(at++);
                }
                List<FuzzCase> held = new ArrayList<>();
                for (FuzzCase c : singles.get(t)) {
                    if (ok.get(at++)) {
                        held.add(c);
                    }
                }
                if (combinedHeld) {
                    current[t] = combined[t];
                    combined[t] = null;
                    done[t] = false;
                } else if (!held.isEmpty()) {
                    FuzzCase merged = held.size() > 1 ? combine(current[t], held) : null;
                    current[t] = held.get(0);
                    combined[t] = merged == null || merged.equals(held.get(0)) ? null : merged;
                } else {
                    combined[t] = null;
                    done[t] = true;
                }
            }
            boolean any = false;
            for (int t = 0; t < n; t++) {
                any |= !done[t];
            }
            if (!any) {
                break;
            }
        }
        return new Batched(List.of(current), spent, probes);
    }

    /**
     * All the one-step simplifications of {@code c} that {@code held} (variants of {@code c} from
     * {@link #simpler} that still fail) made, applied together: an edit, byte, device or option
     * that one of them dropped is dropped, a CONFIG override one of them dropped is dropped, and
     * the plain context, file source, fixed checksum, no tree read, a smaller value or a plain-file
     * device taken where one of them took it. Whether the result still fails is for the next round.
     */
    static FuzzCase combine(FuzzCase c, List<FuzzCase> held) {
        List<SlotEdit> edits = new ArrayList<>(c.edits());
        List<FuzzCase.ByteEdit> bytes = new ArrayList<>(c.bytes());
        List<DeviceArg> devices = new ArrayList<>(c.devices());
        List<String> options = new ArrayList<>(c.options());
        boolean[] dropEdit = new boolean[edits.size()];
        boolean[] dropByte = new boolean[bytes.size()];
        boolean[] dropDevice = new boolean[devices.size()];
        boolean[] dropOption = new boolean[options.size()];
        var config = new java.util.EnumMap<org.erofssim.kernel.ConfigFlag, Boolean>(org.erofssim.kernel.ConfigFlag.class);
        config.putAll(c.config());
        FuzzCase.Context context = c.context();
        FuzzCase.Source source = c.source();
        boolean fix = c.fixChecksum();
        boolean read = c.read();
        for (FuzzCase h : held) {
            markDropped(c.edits(), h.edits(), dropEdit);
            markDropped(c.bytes(), h.bytes(), dropByte);
            markDropped(c.devices(), h.devices(), dropDevice);
            markDropped(c.options(), h.options(), dropOption);
            config.keySet().retainAll(h.config().keySet());
            if (h.context().equals(FuzzCase.Context.NONE)) {
                context = FuzzCase.Context.NONE;
            }
            if (h.source() == FuzzCase.Source.FILE) {
                source = FuzzCase.Source.FILE;
            }
            fix |= h.fixChecksum();
            read &= h.read();
            if (h.edits().size() == c.edits().size()) { // a value made smaller
                for (int i = 0; i < edits.size(); i++) {
                    if (!h.edits().get(i).equals(c.edits().get(i))) {
                        edits.set(i, h.edits().get(i));
                    }
                }
            }
            if (h.devices().size() == c.devices().size()) { // a device made a plain file
                for (int i = 0; i < devices.size(); i++) {
                    if (h.devices().get(i) != c.devices().get(i)) {
                        devices.set(i, h.devices().get(i));
                    }
                }
            }
        }
        return c.with(c.base(), source, fix, keep(edits, dropEdit), keep(devices, dropDevice), read,
                keep(bytes, dropByte), keep(options, dropOption), config).with(context);
    }

    /** Marks the index of {@code from} that {@code fewer} lacks when it is {@code from} less one element. */
    private static <T> void markDropped(List<T> from, List<T> fewer, boolean[] drop) {
        if (fewer.size() != from.size() - 1) {
            return;
        }
        int i = 0;
        while (i < fewer.size() && fewer.get(i).equals(from.get(i))) {
            i++;
        }
        drop[i] = true;
    }

    private static <T> List<T> keep(List<T> l, boolean[] drop) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!drop[i]) {
                out.add(l.get(i));
            }
        }
        return out;
    }

    /** The one-step simpler variants of a case, simplest first. */
    static List<FuzzCase> simpler(FuzzCase c) {
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; i < c.edits().size(); i++) {
            List<SlotEdit> fewer = new ArrayList<>(c.edits());
            fewer.remove(i);
            out.add(c.with(c.base(), c.source(), c.fixChecksum(), fewer, c.devices(), c.read(), c.bytes(), c.options(),
                    c.config()));
        }
        for (int i = 0; i < c.bytes().size(); i++) {
            List<FuzzCase.ByteEdit> fewer = new ArrayList<>(c.bytes());
            fewer.remove(i);
            out.add(c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), c.devices(), c.read(), fewer, c.options(),
                    c.config()));
        }
        for (int i = c.devices().size() - 1; i >= 0; i--) {
            List<DeviceArg> fewer = new ArrayList<>(c.devices());
            fewer.remove(i);
            out.add(c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), fewer, c.read(), c.bytes(), c.options(),
                    c.config()));
        }
        for (int i = c.options().size() - 1; i >= 0; i--) {
            List<String> fewer = new ArrayList<>(c.options());
            fewer.remove(i);
            out.add(c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), c.devices(), c.read(), c.bytes(), fewer,
                    c.config()));
        }
        for (var flag : c.config().keySet()) {
            var fewer = new java.util.EnumMap<org.erofssim.kernel.ConfigFlag, Boolean>(c.config());
            fewer.remove(flag);
            out.add(c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), c.devices(), c.read(), c.bytes(),
                    c.options(), fewer));
        }
        if (!c.context().equals(FuzzCase.Context.NONE)) {
            out.add(c.with(FuzzCase.Context.NONE));
        }
        if (c.read()) {
            out.add(c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), c.devices(), false, c.bytes(), c.options(),
                    c.config()));
        }
        if (!c.fixChecksum()) {
            out.add(c.with(c.base(), c.source(), true, c.edits(), c.devices(), c.read(), c.bytes(), c.options(),
                    c.config()));
        }
        if (c.source() != FuzzCase.Source.FILE) {
            out.add(c.with(c.base(), FuzzCase.Source.FILE, c.fixChecksum(), c.edits(), c.devices(), c.read(), c.bytes(),
                    c.options(), c.config()));
        }
        for (int i = 0; i < c.devices().size(); i++) {
            if (c.devices().get(i) != DeviceArg.BLOB_FILE) {
                List<DeviceArg> plain = new ArrayList<>(c.devices());
                plain.set(i, DeviceArg.BLOB_FILE);
                out.add(c.with(c.base(), c.source(), c.fixChecksum(), c.edits(), plain, c.read(), c.bytes(),
                        c.options(), c.config()));
            }
        }
        for (int i = 0; i < c.edits().size(); i++) {
            SlotEdit e = c.edits().get(i);
            FieldEdit.Verb v = e.edit().verb();
            long value = e.edit().value();
            boolean operand = v == FieldEdit.Verb.SET || v == FieldEdit.Verb.ADD || v == FieldEdit.Verb.SUB;
            if (!operand || value == 0 || e.edit().field() == DeviceSlotField.TAG) {
                continue;
            }
            for (long smaller : new long[] {0, value / 2, value - 1}) {
                if (Long.compareUnsigned(smaller, value) < 0 && (smaller != value / 2 || smaller != 0)) {
                    List<SlotEdit> edits = new ArrayList<>(c.edits());
                    edits.set(i, e.withValue(smaller));
                    out.add(c.with(c.base(), c.source(), c.fixChecksum(), edits, c.devices(), c.read(), c.bytes(),
                            c.options(), c.config()));
                }
            }
        }
        return out;
    }
}
