package org.erofssim.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a campaign reached, as labelled histograms in the manner of jqwik's {@code Statistics}
 * (label → value → count), plus the classes each label is meant to reach ({@link #expect}): a
 * summary names every expected class that no case reached, so that a campaign shows which
 * branches of the slot-table code it exercised instead of merely counting tries.
 */
public final class CampaignStatistics {
    /**
     * Per label, the count of each value collected, by the value itself (hashed, in no order);
     * values are merged by their string and sorted when read ({@link #sorted}). A campaign
     * collects a dozen values per case on its main thread: a tree map compared their strings at
     * each one (JFR, session 11).
     */
    private final Map<String, Map<Object, int[]>> counts = new LinkedHashMap<>();
    private final Map<String, List<String>> expected = new LinkedHashMap<>();

    /** Counts one occurrence of {@code value} under {@code label}. */
    public void collect(String label, Object value) {
        Map<Object, int[]> values = counts.get(label);
        if (values == null) {
            values = new HashMap<>();
            counts.put(label, values);
        }
        int[] n = values.get(value);
        if (n == null) {
            values.put(value, new int[] {1});
        } else {
            n[0]++;
        }
    }

    /** The values of {@code label} by their string, in its order, with their counts. */
    private static Map<String, Integer> sorted(Map<Object, int[]> values) {
        Map<String, Integer> out = new TreeMap<>();
        values.forEach((v, n) -> out.merge(String.valueOf(v), n[0], Integer::sum));
        return out;
    }

    /** Declares the classes {@code label} should reach. */
    public void expect(String label, List<String> classes) {
        expected.put(label, List.copyOf(classes));
        counts.computeIfAbsent(label, k -> new HashMap<>());
    }

    /** How often {@code value} was collected under {@code label}. */
    public int count(String label, Object value) {
        return sorted(counts.getOrDefault(label, Map.of())).getOrDefault(String.valueOf(value), 0);
    }

    /** The expected classes not reached, as {@code label: value}. */
    public List<String> unreached() {
        List<String> out = new ArrayList<>();
        expected.forEach((label, classes) -> {
            for (String c : classes) {
                if (count(label, c) == 0) {
                    out.add(label + ": " + c);
                }
            }
        });
        return out;
    }

    /** The histograms, one block per label, percentages of that label's total. */
    public void print(PrintWriter out) {
        counts.forEach((label, hashed) -> {
            Map<String, Integer> values = sorted(hashed);
            int total = values.values().stream().mapToInt(Integer::intValue).sum();
            out.println("[" + label + "]");
            values.entrySet().stream()
                    .sorted((a, b) -> b.getValue() - a.getValue())
                    .forEach(e -> out.printf("  %-40s : %5d (%5.1f %%)%n", e.getKey(), e.getValue(),
                            total == 0 ? 0.0 : 100.0 * e.getValue() / total));
        });
        List<String> missing = unreached();
        out.println(missing.isEmpty() ? "coverage: every expected class reached"
                : "coverage: not reached: " + String.join("; ", missing));
    }

    /** The histograms as JSON: {@code {label: {value: count}}, "unreached": [...]}. */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode o = json.createObjectNode();
        ObjectNode h = o.putObject("histograms");
        counts.forEach((label, values) -> {
            ObjectNode l = h.putObject(label);
            sorted(values).forEach(l::put);
        });
        var u = o.putArray("unreached");
        unreached().forEach(u::add);
        return o;
    }
}
