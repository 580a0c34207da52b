package org.erofssim.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
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
    private final Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    private final Map<String, List<String>> expected = new LinkedHashMap<>();

    /** Counts one occurrence of {@code value} under {@code label}. */
    public void collect(String label, Object value) {
        counts.computeIfAbsent(label, k -> new TreeMap<>()).merge(String.valueOf(value), 1, Integer::sum);
    }

    /** Declares the classes {@code label} should reach. */
    public void expect(String label, List<String> classes) {
        expected.put(label, List.copyOf(classes));
        counts.computeIfAbsent(label, k -> new TreeMap<>());
    }

    /** How often {@code value} was collected under {@code label}. */
    public int count(String label, Object value) {
        return counts.getOrDefault(label, Map.of()).getOrDefault(String.valueOf(value), 0);
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
        counts.forEach((label, values) -> {
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
            values.forEach(l::put);
        });
        var u = o.putArray("unreached");
        unreached().forEach(u::add);
        return o;
    }
}
