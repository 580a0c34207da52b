package org.erofssim.compare;

import com.fasterxml.jackson.databind.JsonNode;
import org.erofssim.report.Difference;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.erofssim.block.DevT;
import org.erofssim.contract.OutcomeJson;
import org.erofssim.sb.UndefinedBytes;
import org.erofssim.contract.MountOutcome;

/**
 * The differential engine: compares a model outcome with a kernel outcome field by field, in
 * the contract's JSON shape. Nothing is waved through except numbers the kernel assigns at run
 * time, which compare by pattern:
 * <ul>
 *   <li>a model string with {@code *} (anonymous device {@code 0:*}, sysfs {@code erofs-*})
 *       matches any kernel string of that shape;</li>
 *   <li>with an all-zero UUID a block-device mount's {@code f_fsid} is the encoded {@code dev_t};
 *       when each side's fsid is its own device's encoding, they agree even though the kernel's
 *       loop device number differs from the scenario's.</li>
 * </ul>
 * Model-only fields ({@code notes}, per-entry {@code notes}) are not compared.
 *
 * <p>One model answer stands for "any bytes": a file entry whose {@code sha256} is null and
 * whose notes hold a line starting with {@link UndefinedBytes#NOTE_PREFIX} (the kernel returns
 * stale memory for it without an error, e.g. an LZ4 match of offset 0) matches any kernel
 * {@code sha256}; its {@code readErrno} and {@code readOkBytes} are still compared (see the
 * contract extension in {@code org.erofssim.contract}).
 *
 * <p>A kernel outcome whose notes hold a line starting with {@link #LOG_UNCERTAIN} (the live oracle
 * saw other processes' erofs activity in every observation and could not attribute the kernel
 * log) has its {@code log} left out of the comparison; that note says why.
 *
 * <p>A kernel outcome whose notes hold a line starting with {@link #LOG_INCOMPLETE} (records of
 * its window were overwritten in the kernel's log buffer before the observer read them) has its
 * {@code log} compared as a subsequence: its lines must appear in the other side's log in the
 * same order, lines the other has beyond them are not differences. Where one does not, that line
 * is the one difference reported for the log.
 *
 * <p>A kernel log line a release prints at most once per boot ({@link #ONCE_PER_BOOT}) is left
 * out of both logs before they are compared: whether an observation shows it depends on what the
 * machine mounted earlier in the same boot, which neither a scenario nor the model knows. Every
 * other line still compares in order.
 */
public final class OutcomeComparator {
    /** Fields only the model produces: remarks, the unmount list, the crash/block reason text. */
    private static final Set<String> MODEL_ONLY = Set.of("notes", "reason", "unmount");
    /** Fields the kernel oracle cannot observe: compared only where the reference has them. */
    private static final Set<String> UNOBSERVABLE = Set.of("devices");

    /**
     * A kernel log line printed at most once per boot from each of its call sites.
     *
     * @param line   the whole line, every log prefix form of the releases that print it
     * @param site   the kernel function that prints it
     * @param commit the upstream commit that added it (12-hex)
     * @param why    what makes it once per boot
     */
    public record OncePerBoot(Pattern line, String site, String commit, String why) {}

    /**
     * The once-per-boot lines the comparison leaves out. 0ee3a0d59e00 "erofs: enable sub-page
     * compressed block support" (6.8-rc1) prints its notice with {@code DO_ONCE_LITE_IF}, whose
     * flag is a static of the call site: the first compressed inode with blocks smaller than a
     * page since boot prints it, no later one [obs-6.18.44-fc-v1272, session 10: fuzz seed 15
     * case 178, a {@code modern/lz4-b1024.erofs} mount, printed it as the host boot's first such
     * inode, and none of the campaign's later mounts of that image did; obs-6.12.118: once per VM
     * boot of 250 cases]. 7.0's 78331814a502 moved the call into a static inline of internal.h,
     * so each file calling it has its own flag [obs-7.3-amd64: two lines in one mount].
     */
    public static final List<OncePerBoot> ONCE_PER_BOOT = List.of(new OncePerBoot(
            Pattern.compile("erofs:? \\(device [^)]*\\): EXPERIMENTAL EROFS subpage compressed block support in use\\."
                    + " Use at your own risk!"),
            "erofs_fill_inode (7.0+: erofs_inode_set_aops, then erofs_get_aops)", "0ee3a0d59e00",
            "DO_ONCE_LITE_IF: a static flag per call site, set by the boot's first sub-page compressed inode"));

    /** A kernel-outcome note: its kernel log could not be attributed, so {@code log} is not compared. */
    public static final String LOG_UNCERTAIN = "kernel log attribution uncertain, log not compared: ";

    /**
     * A kernel-outcome note: records of its kernel log were lost before the observer read them
     * (a {@code /dev/kmsg} read failed with {@code EPIPE}), so {@code log} is compared as a
     * subsequence of the other side's. The note goes on with how many were lost, at least.
     */
    public static final String LOG_INCOMPLETE = "kernel log incomplete, its surviving lines compared as a subsequence: ";

    private OutcomeComparator() {}

    public static List<Difference> compare(MountOutcome model, MountOutcome kernel) {
        return compare(OutcomeJson.toTree(model), OutcomeJson.toTree(kernel));
    }

    public static List<Difference> compare(ObjectNode model, ObjectNode kernel) {
        List<Difference> out = new ArrayList<>();
        boolean fsidByDev = fsidIsEncodedDev(model) && fsidIsEncodedDev(kernel);
        if (logUncertain(model) || logUncertain(kernel)) {
            model = model.deepCopy();
            kernel = kernel.deepCopy();
            model.remove("log");
            kernel.remove("log");
        }
        if (hasOncePerBoot(model) || hasOncePerBoot(kernel)) {
            model = withoutOncePerBoot(model);
            kernel = withoutOncePerBoot(kernel);
        }
        boolean kernelPart = hasNote(kernel, LOG_INCOMPLETE);
        boolean modelPart = hasNote(model, LOG_INCOMPLETE);
        if (kernelPart || modelPart) {
            Difference d = kernelPart ? unmatchedLine(kernel.path("log"), model.path("log"), false)
                    : unmatchedLine(model.path("log"), kernel.path("log"), true);
            if (d != null && kernelPart && modelPart && unmatchedLine(model.path("log"), kernel.path("log"), true) == null) {
                d = null; // two incomplete logs (two kernels): either may hold the other
            }
            if (d != null) {
                out.add(d);
            }
            model = model.deepCopy();
            kernel = kernel.deepCopy();
            model.remove("log");
            kernel.remove("log");
        }
        compareObject("", model, kernel, out, fsidByDev);
        return out;
    }

    private static void compareObject(String path, JsonNode m, JsonNode k, List<Difference> out, boolean fsidByDev) {
        Set<String> names = new LinkedHashSet<>();
        m.fieldNames().forEachRemaining(names::add);
        k.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (MODEL_ONLY.contains(name)) {
                continue;
            }
            String p = path.isEmpty() ? name : path + "." + name;
            if (fsidByDev && (p.equals("statfs.fsid") || p.equals("superblock.dev"))) {
                continue;
            }
            if (UNOBSERVABLE.contains(p) && isNullish(k.get(name))) {
                continue;
            }
            if (p.equals("metadataCache")) {
                compareCache(m.get(name), k.get(name), out);
                continue;
            }
            compareValue(p, m.get(name), k.get(name), out, fsidByDev);
        }
    }

    private static void compareValue(String path, JsonNode m, JsonNode k, List<Difference> out, boolean fsidByDev) {
        if (m == null || k == null) {
            if (!(isNullish(m) && isNullish(k))) {
                out.add(new Difference(path, text(m), text(k)));
            }
            return;
        }
        if (m.isObject() && k.isObject()) {
            compareObject(path, m, k, out, fsidByDev);
        } else if (path.equals("tree") && m.isArray() && k.isArray()) {
            compareTree((ArrayNode) m, (ArrayNode) k, out);
        } else if (m.isArray() && k.isArray()) {
            int n = Math.max(m.size(), k.size());
            for (int i = 0; i < n; i++) {
                compareValue(path + "[" + i + "]", m.get(i), k.get(i), out, fsidByDev);
            }
        } else if (m.isTextual() && k.isTextual() && m.asText().contains("*")) {
            if (!glob(m.asText()).matcher(k.asText()).matches()) {
                out.add(new Difference(path, text(m), text(k)));
            }
        } else if (!m.equals(k) && !(m.isNumber() && k.isNumber() && m.asText().equals(k.asText()))) {
            out.add(new Difference(path, text(m), text(k)));
        }
    }

    /**
     * The {@code probeCache} answer: the same cache, and the kernel's resident pages (readahead
     * may add some) must include every page the model read.
     */
    private static void compareCache(JsonNode m, JsonNode k, List<Difference> out) {
        if (isNullish(m) || isNullish(k)) {
            if (!(isNullish(m) && isNullish(k))) {
                out.add(new Difference("metadataCache", text(m), text(k)));
            }
            return;
        }
        if (!m.path("cache").equals(k.path("cache"))) {
            out.add(new Difference("metadataCache.cache", text(m.get("cache")), text(k.get("cache"))));
        }
        Set<Long> resident = new java.util.HashSet<>();
        k.path("blocks").forEach(b -> resident.add(b.asLong()));
        List<Long> missing = new ArrayList<>();
        m.path("blocks").forEach(b -> {
            if (!resident.contains(b.asLong())) {
                missing.add(b.asLong());
            }
        });
        if (!missing.isEmpty()) {
            out.add(new Difference("metadataCache.blocks", "reads pages " + missing, "not resident"));
        }
    }

    /** Tree entries pair up by path, so one missing file is one difference, not a shifted list. */
    private static void compareTree(ArrayNode m, ArrayNode k, List<Difference> out) {
        Map<String, JsonNode> mm = byPath(m);
        Map<String, JsonNode> kk = byPath(k);
        Set<String> paths = new LinkedHashSet<>(mm.keySet());
        paths.addAll(kk.keySet());
        for (String p : paths) {
            JsonNode a = mm.get(p);
            JsonNode b = kk.get(p);
            String at = "tree[" + p + "]";
            if (a == null || b == null) {
                out.add(new Difference(at, a == null ? "<absent>" : "present", b == null ? "<absent>" : "present"));
            } else if (undefinedBytes(a) && a.isObject() && b.isObject()) {
                ObjectNode ma = ((ObjectNode) a).deepCopy();
                ObjectNode kb = ((ObjectNode) b).deepCopy();
                ma.remove("sha256");
                kb.remove("sha256");
                compareObject(at, ma, kb, out, false);
            } else {
                compareObject(at, a, b, out, false);
            }
        }
    }

    /** The {@link #ONCE_PER_BOOT} entry {@code line} is, or null. */
    public static OncePerBoot oncePerBoot(String line) {
        for (OncePerBoot o : ONCE_PER_BOOT) {
            if (o.line().matcher(line).matches()) {
                return o;
            }
        }
        return null;
    }

    private static boolean hasOncePerBoot(JsonNode outcome) {
        for (JsonNode l : outcome.path("log")) {
            if (oncePerBoot(l.asText()) != null) {
                return true;
            }
        }
        return false;
    }

    /** A copy of {@code outcome} whose {@code log} lacks the once-per-boot lines. */
    private static ObjectNode withoutOncePerBoot(ObjectNode outcome) {
        ObjectNode copy = outcome.deepCopy();
        JsonNode log = copy.get("log");
        if (log instanceof ArrayNode a) {
            for (int i = a.size() - 1; i >= 0; i--) {
                if (oncePerBoot(a.get(i).asText()) != null) {
                    a.remove(i);
                }
            }
        }
        return copy;
    }

    /** True where an outcome's notes say its kernel log could not be attributed. */
    static boolean logUncertain(JsonNode outcome) {
        return hasNote(outcome, LOG_UNCERTAIN);
    }

    private static boolean hasNote(JsonNode outcome, String prefix) {
        for (JsonNode n : outcome.path("notes")) {
            if (n.asText().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first line of the incomplete log {@code part} that is not in {@code whole} in order
     * (greedily matched: a subsequence test), as a difference of {@code log[i]}; null when
     * {@code part} is a subsequence of {@code whole}. {@code partIsModel}: which side is which.
     */
    static Difference unmatchedLine(JsonNode part, JsonNode whole, boolean partIsModel) {
        int j = 0;
        for (int i = 0; i < part.size(); i++) {
            String line = part.get(i).asText();
            while (j < whole.size() && !whole.get(j).asText().equals(line)) {
                j++;
            }
            if (j == whole.size()) {
                String other = "no such line in order (an incomplete log: line " + i + " of its " + part.size()
                        + " surviving lines, after " + i + " matched in the other's " + whole.size() + ")";
                return partIsModel ? new Difference("log[" + i + "]", line, other) : new Difference("log[" + i + "]", other, line);
            }
            j++;
        }
        return null;
    }

    /** A model tree entry that says the kernel returns undefined bytes (null hash, the note). */
    static boolean undefinedBytes(JsonNode entry) {
        if (!entry.path("sha256").isNull()) {
            return false;
        }
        for (JsonNode n : entry.path("notes")) {
            if (n.asText().startsWith(UndefinedBytes.NOTE_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, JsonNode> byPath(ArrayNode a) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (Iterator<JsonNode> it = a.elements(); it.hasNext();) {
            JsonNode e = it.next();
            m.put(e.path("path").asText(), e);
        }
        return m;
    }

    /** True where an outcome's fsid is the {@code new_encode_dev} of its own block device. */
    static boolean fsidIsEncodedDev(JsonNode o) {
        JsonNode dev = o.path("superblock").path("dev");
        JsonNode fsid = o.path("statfs").path("fsid");
        if (!dev.isTextual() || !fsid.isTextual() || dev.asText().contains("*") || !dev.asText().contains(":")) {
            return false;
        }
        try {
            long v = DevT.parse(dev.asText()).newEncode();
            return fsid.asText().equals(String.format("%08x:%08x", (int) v, (int) (v >>> 32)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (String part : g.split("\\*", -1)) {
            if (re.length() > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }

    private static boolean isNullish(JsonNode n) {
        return n == null || n.isNull();
    }

    private static String text(JsonNode n) {
        return n == null ? "<absent>" : n.toString();
    }
}
