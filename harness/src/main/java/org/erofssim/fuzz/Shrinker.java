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
 * of failure remains.
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
