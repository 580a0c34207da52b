package org.erofssim.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.erofssim.contract.MountOutcome;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.fuzz.FuzzCase.BaseImage;
import org.erofssim.fuzz.FuzzCase.DeviceArg;
import org.erofssim.ondisk.DeviceSlotField;
import org.erofssim.ondisk.FieldEdit;

/** The labels a fuzz campaign's {@link CampaignStatistics} count, and the classes each should reach. */
final class CaseStatistics {
    private CaseStatistics() {}

    /** Declares the classes a campaign's statistics should reach. */
    static void expectations(CampaignStatistics s) {
        List<String> fields = new ArrayList<>(List.of("EXTRA_DEVICES", "DEVT_SLOTOFF", "FEATURE_INCOMPAT"));
        for (DeviceSlotField f : DeviceSlotField.values()) {
            fields.add("slot." + f);
        }
        s.expect("field edited", fields);
        s.expect("verb", Arrays.stream(FieldEdit.Verb.values()).map(Enum::name).toList());
        s.expect("base", Arrays.stream(BaseImage.values()).map(BaseImage::path).toList());
        s.expect("device= given", Arrays.stream(DeviceArg.values()).map(Enum::name).toList());
        // ENOTBLK is out of reach on 6.16+ (an extra bdev's ENOTBLK becomes EINVAL)
        s.expect("model outcome", List.of("mounted", "EINVAL", "ENOENT", "EBADMSG", "EUCLEAN"));
        // (an empty device tag is checked only where tags name the devices: fscache mode)
        s.expect("model log line", List.of("extra devices don't match (ondisk N, given N)",
                "mounted with root inode @ nid N."));
        s.expect("model tree read", List.of("every file read", "some file failed"));
    }

    /** Counts one evaluated case ({@code live}: the campaign compares with a kernel). */
    static void collect(CampaignStatistics s, FuzzCase c, FuzzCampaign.Evaluation e, boolean live) {
        s.collect("base", c.base().path());
        s.collect("source", SOURCES[c.source().ordinal()]);
        for (SlotEdit x : c.edits()) {
            // a field's label is its name (String.valueOf when read), a slot field's "slot.NAME" made once
            s.collect("field edited", x.slot() < 0 ? x.edit().field()
                    : SLOT_FIELDS.computeIfAbsent(x.edit().field(), f -> "slot." + f));
            s.collect("verb", x.edit().verb());
        }
        for (FuzzCase.ByteEdit b : c.bytes()) {
            s.collect("byte edited", b.region());
        }
        for (String o : c.options()) {
            s.collect("option", o.length() > 40 ? o.substring(0, 8) + "... (" + o.length() + " bytes)" : o);
        }
        c.config().forEach((f, on) -> s.collect("config override",
                CONFIG_LABELS.computeIfAbsent(f, k -> new String[] {k.symbol() + "=n", k.symbol() + "=y"})[on ? 1 : 0]));
        if (c.devices().isEmpty()) {
            s.collect("device= given", "none");
        }
        for (DeviceArg d : c.devices()) {
            s.collect("device= given", d);
        }
        if (e.model() != null) {
            s.collect("model outcome", label(e.model()));
            s.collect("model mode", e.model().mode() == null ? "none" : e.model().mode().contractName());
            // each distinct line once: a short log (most cases: a few lines) without a set made per case
            List<String> log = e.model().log();
            if (log.size() <= 16) {
                for (int i = 0; i < log.size(); i++) {
                    if (log.indexOf(log.get(i)) == i) {
                        s.collect("model log line", logShape(log.get(i)));
                    }
                }
            } else {
                for (String line : new java.util.LinkedHashSet<>(log)) {
                    s.collect("model log line", logShape(line));
                }
            }
            if (e.model() instanceof MountOutcome.Mounted m && m.tree() != null) {
                boolean failed = false;
                for (org.erofssim.contract.TreeEntry t : m.tree()) {
                    if (t.readErrno() != null) {
                        failed = true;
                        break;
                    }
                }
                s.collect("model tree read", failed ? "some file failed" : "every file read");
            }
        }
        if (live) {
            s.collect("kernel", e.refusal() != null ? "refused" : e.kernel() == null ? "not observed"
                    : e.failure() == null ? "agrees" : e.failure().kind().name().toLowerCase());
        }
        s.collect("result", e.failure() == null ? "ok" : e.failure().kind().name().toLowerCase());
    }

    /** A log line without its device prefix, numbers as N: the branch of the kernel code it stands for. */
    static String logShape(String line) {
        String shape = SHAPES.get(line);
        if (shape == null) {
            String msg = PREFIX.matcher(line).replaceFirst("");
            shape = NUMBER.matcher(HEX.matcher(msg).replaceAll("N")).replaceAll("N");
            if (SHAPES.size() > 4096) {
                SHAPES.clear();
            }
            SHAPES.put(line, shape);
        }
        return shape;
    }

    /** The labels made once: each source in lower case, "slot." and each slot field, each CONFIG override. */
    private static final String[] SOURCES = Arrays.stream(FuzzCase.Source.values())
            .map(x -> x.name().toLowerCase()).toArray(String[]::new);
    private static final java.util.Map<Object, String> SLOT_FIELDS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<org.erofssim.kernel.ConfigFlag, String[]> CONFIG_LABELS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile("^erofs( \\(device [^)]*\\))?: ");
    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("0x[0-9a-f]+");
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?\\d+");
    /** Log lines repeat from case to case: each is shaped once. */
    private static final java.util.Map<String, String> SHAPES = new java.util.concurrent.ConcurrentHashMap<>();

    static String label(MountOutcome o) {
        return o instanceof MountOutcome.Failed f ? f.errno().name() : OutcomeJson.outcomeName(o);
    }
}
